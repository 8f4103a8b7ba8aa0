// Passes the client holds, per origin and route, until they expire; and which route a path belongs
// to (learned from the gate's 402 `route` field and from the passes it issues), so the right pass is
// sent first and nothing is paid twice for what a pass covers. Pure functions over the wallet state.
import type { PassInfo } from "./challenge.ts";

export interface StoredPass extends PassInfo { origin: string; stored: number }
export interface PassState { passes: StoredPass[]; routes: Record<string, Record<string, string>> }

/** Passes are not sent in their last seconds: the request could arrive after the expiry. */
export const EXPIRY_MARGIN_S = 2;
const MAX_ROUTE_HINTS = 256;

export function routeKey(url: URL): string {
  return url.pathname || "/";
}

function valid(p: StoredPass, nowS: number): boolean {
  return p.expires > nowS + EXPIRY_MARGIN_S;
}

/**
 * The pass to send for `url`: the one for the path's known route; else, when the route is unknown,
 * the origin's most recent valid pass (the gate answers pass_wrong_scope if it does not cover the
 * route, and the client then pays; a pass only ever goes back to the origin that issued it).
 */
export function findPass(state: PassState, url: URL, nowS: number): StoredPass | undefined {
  const origin = url.origin;
  const route = state.routes[origin]?.[routeKey(url)];
  const live = state.passes.filter((p) => p.origin === origin && valid(p, nowS));
  if (route !== undefined) return live.filter((p) => p.route === route).sort((a, b) => b.expires - a.expires)[0];
  return live.sort((a, b) => b.stored - a.stored)[0];
}

export function passForRoute(state: PassState, origin: string, route: string, nowS: number): StoredPass | undefined {
  return state.passes.filter((p) => p.origin === origin && p.route === route && valid(p, nowS)).sort((a, b) => b.expires - a.expires)[0];
}

export function learnRoute(state: PassState, url: URL, route: string): void {
  const m = (state.routes[url.origin] ??= {});
  delete m[routeKey(url)]; // re-insert: most recent last
  m[routeKey(url)] = route;
  const keys = Object.keys(m);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_ROUTE_HINTS))) delete m[k];
}

export function storePass(state: PassState, url: URL, info: PassInfo, nowMs: number): void {
  const origin = url.origin;
  state.passes = state.passes.filter((p) => !(p.origin === origin && p.route === info.route) && valid(p, nowMs / 1000));
  state.passes.push({ ...info, origin, stored: nowMs });
  learnRoute(state, url, info.route);
}

/** Forgets a pass the gate refused (expired, bad signature). */
export function dropPass(state: PassState, pass: string): void {
  state.passes = state.passes.filter((p) => p.pass !== pass);
}
