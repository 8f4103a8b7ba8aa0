// Route matching: which price rule applies to a request. First matching rule wins; a request no
// rule matches is not priced (the gate lets it through), so configurations normally end with a
// catch-all rule.
//
// Rules match the CANONICAL path (gate/target.ts: decoded, dot segments resolved, slashes merged)
// and the canonical host (lower-case, no port, no trailing dot), never the raw bytes:
//   - a prefix covers itself and what lies below it on a segment boundary: "/api" (or "/api/")
//     matches "/api", "/api/" and "/api/x", not "/apix". For a raw byte prefix use a pattern:
//     "/api**" matches "/apix" too;
//   - matching is ASCII case-insensitive unless the rule says `case_sensitive` (Express, the most
//     used Node framework, routes "/API/x" to its "/api/x" handler; a case-sensitive upstream then
//     sees a path priced at least as high as its own reading);
//   - methods compare case-insensitively, and a rule for GET also covers HEAD.
// Paths are bytes (UTF-8), so the adapter matches without building strings (the hot path
// allocates nothing).
import { RouteRule } from "./config";
import { Target } from "./target";

export function hostMatches(rule: string, host: string): bool {
  if (rule.length == 0) return true;
  if (rule.startsWith("*.")) {
    const suffix = rule.substring(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return rule == host;
}

// @ts-ignore: decorator
@inline function fold(c: u32): u32 { return c - 0x41 < 26 ? c | 0x20 : c; }

/**
 * Glob match of the bytes [s, s+n) against `pat`: `*` matches any run of bytes except '/', `**`
 * matches any run including '/'. Backtracks to the last star; patterns come from the configuration
 * and paths are bounded by the proxy, so this stays small. `ci`: compare path bytes folded to
 * lower case (the pattern is stored folded).
 */
function globRaw(pat: Uint8Array, pi: i32, s: usize, si: i32, n: i32, ci: bool): bool {
  const pl = pat.length;
  const pp = pat.dataStart;
  while (pi < pl) {
    const c = <u32>load<u8>(pp + <usize>pi);
    if (c == 0x2a) {
      const double = pi + 1 < pl && load<u8>(pp + <usize>pi + 1) == 0x2a;
      const next = pi + (double ? 2 : 1);
      if (next == pl) {
        if (double) return true;
        for (let k = si; k < n; k++) if (load<u8>(s + <usize>k) == 0x2f) return false;
        return true;
      }
      for (let k = si; k <= n; k++) {
        if (globRaw(pat, next, s, k, n, ci)) return true;
        if (k < n && !double && load<u8>(s + <usize>k) == 0x2f) return false;
      }
      return false;
    }
    if (si >= n) return false;
    const b = <u32>load<u8>(s + <usize>si);
    if ((ci ? fold(b) : b) != c) return false;
    pi++;
    si++;
  }
  return si == n;
}

/** Glob match of a whole path string (see globRaw; case-sensitive). */
export function globMatch(pattern: string, path: string): bool {
  const pat = Uint8Array.wrap(String.UTF8.encode(pattern));
  const b = String.UTF8.encode(path);
  return globRaw(pat, 0, changetype<usize>(b), 0, b.byteLength, false);
}

/** Whether prefix rule bytes `prefix` cover the path [s, s+n) on a segment boundary. */
function prefixMatches(prefix: Uint8Array, s: usize, n: i32, ci: bool): bool {
  const k = prefix.length;
  if (k == 1) return true; // "/"
  if (k > n) return false;
  const pp = prefix.dataStart;
  if (ci) {
    for (let i = 0; i < k; i++) {
      if (fold(<u32>load<u8>(s + <usize>i)) != <u32>load<u8>(pp + <usize>i)) return false;
    }
  } else if (memory.compare(s, pp, <usize>k) != 0) {
    return false;
  }
  return k == n || load<u8>(s + <usize>k) == 0x2f;
}

/** Whether the request method is one of the rule's (upper-case) methods, ignoring case. */
function methodMatches(methods: Array<string>, method: string): bool {
  for (let i = 0; i < methods.length; i++) {
    const m = methods[i];
    if (m.length != method.length) continue;
    let same = true;
    for (let k = 0; k < m.length; k++) {
      let c = method.charCodeAt(k);
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c != m.charCodeAt(k)) { same = false; break; }
    }
    if (same) return true;
  }
  return false;
}

/** Whether `rule` applies; the canonical path is the bytes [p, p+n). */
export function ruleMatches(rule: RouteRule, method: string, host: string, p: usize, n: i32): bool {
  if (!hostMatches(rule.host, host)) return false;
  if (rule.methods.length > 0 && !methodMatches(rule.methods, method)) return false;
  const ci = !rule.caseSensitive;
  if (rule.pattern.length > 0) return globRaw(rule.patternUtf8, 0, p, 0, n, ci);
  return prefixMatches(rule.prefixUtf8, p, n, ci);
}

/**
 * The first rule matching a request whose canonical path is [p, p+n), or null. `host` must be
 * canonical (target.ts canonicalHost), or "" when no rule names a host.
 */
export function matchRouteRaw(rules: Array<RouteRule>, method: string, host: string, p: usize, n: i32): RouteRule | null {
  for (let i = 0; i < rules.length; i++) {
    if (ruleMatches(rules[i], method, host, p, n)) return rules[i];
  }
  return null;
}

/**
 * The rule for a canonical target. A path with parameters (`;`) is read two ways by upstreams —
 * literally (NGINX, Go, Express) or with each segment's parameters removed (Tomcat, Jetty) — so
 * it gets the dearer of the two rules: never served cheaper than either reading.
 */
export function matchTarget(rules: Array<RouteRule>, method: string, host: string, t: Target): RouteRule | null {
  const literal = matchRouteRaw(rules, method, host, t.ptr, t.len);
  if (!t.semicolon) return literal;
  const n = t.stripParameters();
  const stripped = matchRouteRaw(rules, method, host, t.strippedPtr(), n);
  if (stripped == null) return literal;
  if (literal == null) return stripped;
  return stripped.price > literal.price ? stripped : literal;
}

const scratch = new Target();

/** matchTarget for a raw path string (configuration checks and tests). Null when refused. */
export function matchRoute(rules: Array<RouteRule>, method: string, host: string, path: string): RouteRule | null {
  const b = String.UTF8.encode(path);
  if (!scratch.canonicalize(changetype<usize>(b), b.byteLength)) return null;
  return matchTarget(rules, method, host, scratch);
}
