// Route matching: which price rule applies to a request. First matching rule wins; a request no
// rule matches is not priced (the gate lets it through), so configurations normally end with a
// catch-all rule. Paths are matched as UTF-8 bytes, so the adapter can match the raw :path the
// host handed over without decoding it into a string (the hot path allocates nothing).
import { RouteRule } from "./config";

/** Length of the path part of the bytes [p, p+len) (before any '?' or '#'). */
export function pathEndRaw(p: usize, len: i32): i32 {
  for (let i = 0; i < len; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x3f || c == 0x23) return i;
  }
  return len;
}

/** Length of the path part of `path` (before any query string or fragment), in UTF-16 units. */
export function pathEnd(path: string): i32 {
  const n = path.length;
  const p = changetype<usize>(path);
  for (let i = 0; i < n; i++) {
    const c = load<u16>(p + (<usize>i << 1));
    if (c == 0x3f || c == 0x23) return i;
  }
  return n;
}

/** The path without its query string or fragment. */
export function pathOnly(path: string): string {
  const end = pathEnd(path);
  return end == path.length ? path : path.substring(0, end);
}

/** The host without a port, lower-cased. */
export function hostOnly(authority: string): string {
  let end = authority.length;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close > 0) end = close + 1;
  } else {
    const colon = authority.indexOf(":");
    if (colon >= 0) end = colon;
  }
  return authority.substring(0, end).toLowerCase();
}

export function hostMatches(rule: string, host: string): bool {
  if (rule.length == 0) return true;
  if (rule.startsWith("*.")) {
    const suffix = rule.substring(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return rule == host;
}

/**
 * Glob match of the bytes [s, s+n) against `pat`: `*` matches any run of bytes except '/', `**`
 * matches any run including '/'. Backtracks to the last star; patterns come from the configuration
 * and paths are bounded by the proxy, so this stays small.
 */
function globRaw(pat: Uint8Array, pi: i32, s: usize, si: i32, n: i32): bool {
  const pl = pat.length;
  const pp = pat.dataStart;
  while (pi < pl) {
    const c = load<u8>(pp + <usize>pi);
    if (c == 0x2a) {
      const double = pi + 1 < pl && load<u8>(pp + <usize>pi + 1) == 0x2a;
      const next = pi + (double ? 2 : 1);
      if (next == pl) {
        if (double) return true;
        for (let k = si; k < n; k++) if (load<u8>(s + <usize>k) == 0x2f) return false;
        return true;
      }
      for (let k = si; k <= n; k++) {
        if (globRaw(pat, next, s, k, n)) return true;
        if (k < n && !double && load<u8>(s + <usize>k) == 0x2f) return false;
      }
      return false;
    }
    if (si >= n || load<u8>(s + <usize>si) != c) return false;
    pi++;
    si++;
  }
  return si == n;
}

/** Glob match of a whole path string (see globRaw). */
export function globMatch(pattern: string, path: string): bool {
  const pat = Uint8Array.wrap(String.UTF8.encode(pattern));
  const b = String.UTF8.encode(path);
  return globRaw(pat, 0, changetype<usize>(b), 0, b.byteLength);
}

function hasPrefixRaw(s: usize, n: i32, prefix: Uint8Array): bool {
  const k = prefix.length;
  if (k > n) return false;
  return memory.compare(s, prefix.dataStart, <usize>k) == 0;
}

/** Whether `rule` applies; the path is the bytes [p, p+end) (query already cut off). */
export function ruleMatchesRaw(rule: RouteRule, method: string, host: string, p: usize, end: i32): bool {
  if (!hostMatches(rule.host, host)) return false;
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  if (rule.pattern.length > 0) return globRaw(rule.patternUtf8, 0, p, 0, end);
  return hasPrefixRaw(p, end, rule.prefixUtf8);
}

/**
 * The first rule matching a request whose :path is the UTF-8 bytes [p, p+len), or null. `host`
 * must be normalised (hostOnly), or "" when no rule names a host.
 */
export function matchRouteRaw(rules: Array<RouteRule>, method: string, host: string, p: usize, len: i32): RouteRule | null {
  const end = pathEndRaw(p, len);
  for (let i = 0; i < rules.length; i++) {
    if (ruleMatchesRaw(rules[i], method, host, p, end)) return rules[i];
  }
  return null;
}

/** matchRouteRaw for a path string. */
export function matchRoute(rules: Array<RouteRule>, method: string, host: string, path: string): RouteRule | null {
  const b = String.UTF8.encode(path);
  return matchRouteRaw(rules, method, host, changetype<usize>(b), b.byteLength);
}
