// Route matching: which price rule applies to a request. First matching rule wins; a request no
// rule matches is not priced (the gate lets it through), so configurations normally end with a
// catch-all rule.
import { RouteRule } from "./config";

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
export function globMatch(pattern: string, path: string): bool {
  return globAt(pattern, 0, path, 0);
}

function globAt(p: string, pi: i32, s: string, si: i32): bool {
  while (pi < p.length) {
    const c = p.charCodeAt(pi);
    if (c == 0x2a) {
      const double = pi + 1 < p.length && p.charCodeAt(pi + 1) == 0x2a;
      const next = pi + (double ? 2 : 1);
      if (next == p.length) {
        if (double) return true;
        return s.indexOf("/", si) < 0;
      }
      for (let k = si; k <= s.length; k++) {
        if (globAt(p, next, s, k)) return true;
        if (k < s.length && !double && s.charCodeAt(k) == 0x2f) return false;
      }
      return false;
    }
    if (si >= s.length || s.charCodeAt(si) != c) return false;
    pi++;
    si++;
  }
  return si == s.length;
}

export function ruleMatches(rule: RouteRule, method: string, host: string, path: string): bool {
  if (!hostMatches(rule.host, host)) return false;
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  if (rule.pattern.length > 0) return globMatch(rule.pattern, path);
  return path.startsWith(rule.prefix);
}

/** The first rule matching the request, or null. `host` and `path` must be normalised already. */
export function matchRoute(rules: Array<RouteRule>, method: string, host: string, path: string): RouteRule | null {
  for (let i = 0; i < rules.length; i++) {
    if (ruleMatches(rules[i], method, host, path)) return rules[i];
  }
  return null;
}
