// Route matching: which price rule applies to a request. First matching rule wins; a request no
// rule matches is not priced (the gate lets it through), so configurations normally end with a
// catch-all rule.
import { RouteRule } from "./config";

/** Length of the path part of `path` (before any query string or fragment). */
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
  let end = path.length;
  const q = path.indexOf("?");
  if (q >= 0) end = q;
  const h = path.indexOf("#");
  if (h >= 0 && h < end) end = h;
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
 * Glob match of `path` against `pattern`: `*` matches any run of characters except '/', `**`
 * matches any run including '/'. Iterative with backtracking to the last star; patterns come from
 * the configuration and paths are bounded by the proxy, so this stays small.
 */
export function globMatch(pattern: string, path: string, end: i32 = -1): bool {
  return globAt(pattern, 0, path, 0, end < 0 ? path.length : end);
}

function globAt(p: string, pi: i32, s: string, si: i32, n: i32): bool {
  while (pi < p.length) {
    const c = p.charCodeAt(pi);
    if (c == 0x2a) {
      const double = pi + 1 < p.length && p.charCodeAt(pi + 1) == 0x2a;
      const next = pi + (double ? 2 : 1);
      if (next == p.length) {
        if (double) return true;
        for (let k = si; k < n; k++) if (s.charCodeAt(k) == 0x2f) return false;
        return true;
      }
      for (let k = si; k <= n; k++) {
        if (globAt(p, next, s, k, n)) return true;
        if (k < n && !double && s.charCodeAt(k) == 0x2f) return false;
      }
      return false;
    }
    if (si >= n || s.charCodeAt(si) != c) return false;
    pi++;
    si++;
  }
  return si == n;
}

/** Whether s[0, end) starts with `prefix`. */
function hasPrefix(s: string, end: i32, prefix: string): bool {
  const n = prefix.length;
  if (n > end) return false;
  return memory.compare(changetype<usize>(s), changetype<usize>(prefix), <usize>n << 1) == 0;
}

export function ruleMatches(rule: RouteRule, method: string, host: string, path: string, end: i32): bool {
  if (!hostMatches(rule.host, host)) return false;
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  if (rule.pattern.length > 0) return globMatch(rule.pattern, path, end);
  return hasPrefix(path, end, rule.prefix);
}

/**
 * The first rule matching the request, or null. `host` must be normalised (hostOnly); only
 * path[0, end) is matched (pass pathEnd(path) to ignore the query string without copying).
 */
export function matchRoute(rules: Array<RouteRule>, method: string, host: string, path: string, end: i32 = -1): RouteRule | null {
  const n = end < 0 ? pathEnd(path) : end;
  for (let i = 0; i < rules.length; i++) {
    if (ruleMatches(rules[i], method, host, path, n)) return rules[i];
  }
  return null;
}
