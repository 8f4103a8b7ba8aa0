// The plugin configuration: one JSON schema shared by every host (Envoy, Istio, Kong, NGINX and
// Go through the native shim). Parsed and validated once at configure time; a bad configuration is
// refused with one message naming the field, e.g. `routes[1].price: must be an unsigned integer`.
// Published as docs/paygress-config.schema.json and documented in docs/configuration.md.
//
// Secrets (pass keys, the earnings seed) may be given inline or by environment variable name
// (`secret_env`, `seed_env`): the adapter reads the VM's environment (WASI environ, which Envoy
// fills from vm_config.environment_variables and Istio from WasmPlugin vmConfig.env) and passes it
// in, so they can come from a Kubernetes Secret instead of the ConfigMap.
import { JsonArray, JsonObject, JsonParser, JsonValue, U64Result } from "../core/json";
import { fromHex, isHex } from "../core/encoding/hex";
import { normalizeMintUrl } from "../core/cashu/mint-url";
import { CryptoError } from "../core/crypto/errors";
import { Point, pointDecode } from "../core/crypto/point";
import { Target, targetErrorReason } from "./target";

export const enum Mode {
  /** Redeem (swap) every token at the mint before granting access. */
  Swap = 0,
}

export class MintConfig {
  /** Short name used in metrics labels and audit lines (default "m<index>"). */
  id: string = "";
  /** The mint's URL as wallets see it; goes into the payment request and is matched against tokens. */
  url: string = "";
  /** The host's name for the mint upstream (an Envoy cluster). */
  cluster: string = "";
  /** Authority header for calls to the mint (default: the URL's host). */
  authority: string = "";
  /** Path prefix of the mint's API under its URL (e.g. "" or "/cashu"). */
  basePath: string = "";
  /** Deadline for each call to this mint. */
  timeoutMs: u32 = 5000;
}

export class RouteRule {
  /** Position in `routes` (for per-route caches). */
  index: i32 = 0;
  /** Route id: metrics label, pass scope and audit field (default "r<index>"). */
  id: string = "";
  /** Exact host to match (without port), "*.example.com" for a suffix, or "" for any host. */
  host: string = "";
  /**
   * Path prefix, canonical ("/" matches everything; no trailing slash otherwise: "/api/" is kept as
   * "/api" and covers "/api", "/api/" and "/api/x"). Used when `pattern` is empty.
   */
  prefix: string = "/";
  /** Glob over the canonical path: `*` matches within one segment, `**` matches anything. */
  pattern: string = "";
  /** UTF-8 of `prefix` / `pattern` (folded to lower case unless caseSensitive): matched as bytes. */
  prefixUtf8: Uint8Array = new Uint8Array(0);
  patternUtf8: Uint8Array = new Uint8Array(0);
  /** Match the path's letters exactly (default: ASCII case-insensitive). */
  caseSensitive: bool = false;
  /** Upper-case methods this rule applies to; empty = all. GET implies HEAD. */
  methods: Array<string> = [];
  /** Price in `unit` per request; 0 makes the route free. */
  price: u64 = 0;
  /** Lifetime of the pass bought on this route (overrides pass.ttl_seconds when > 0). */
  passTtl: u32 = 0;
}

export class PassKey {
  id: string = "";
  secret: Uint8Array = new Uint8Array(0);
}

export class PassConfig {
  /** Seconds a pass stays valid after payment. 0 disables passes (pay per request). */
  ttlSeconds: u32 = 3600;
  /** Keys by id; the first one signs new passes, all of them verify (rotation). */
  keys: Array<PassKey> = [];
  /** Cookie name to also set the pass as (empty = no cookie). */
  cookie: string = "";
}

export class EarningsConfig {
  /** 33-byte compressed secp256k1 public key every earned output is P2PK-locked to. */
  lockPubkey: Uint8Array = new Uint8Array(0);
  lockPubkeyHex: string = "";
  /** Seed of the deterministic (NUT-13 HMAC-SHA256 KDF) outputs; lets the operator restore. */
  seed: Uint8Array = new Uint8Array(0);
  /** Counter lane of this replica: counters are lane * 2^32 + n. */
  lane: u32 = 0;
  /** Where the lane came from: "" (configured), or the environment variable it was derived from. */
  laneEnv: string = "";
}

export class GateConfig {
  mode: Mode = Mode.Swap;
  unit: string = "sat";
  mints: Array<MintConfig> = [];
  routes: Array<RouteRule> = [];
  pass: PassConfig = new PassConfig();
  earnings: EarningsConfig = new EarningsConfig();
  /** Return change (as a token in a response header) when a payer overpays. */
  change: bool = true;
  /** Payment request format in the 402's X-Cashu header: "creqA" (NUT-18) or "creqB" (NUT-26). */
  requestFormat: string = "creqA";
  /** Human-readable description put in payment requests. */
  description: string = "";
  maxProofs: i32 = 64;
  maxTokenLength: i32 = 32768;
}

export class ConfigResult {
  config: GateConfig | null = null;
  /** Empty when the configuration is valid; otherwise "<field>: <what is wrong>". */
  error: string = "";
}

/** Environment variables visible to the VM (for `*_env` indirections). */
export class Env {
  names: Array<string> = [];
  values: Array<string> = [];
  get(name: string): string | null {
    for (let i = 0; i < this.names.length; i++) if (this.names[i] == name) return this.values[i];
    return null;
  }
}

class Ctx {
  error: string = "";
  n: U64Result = new U64Result();
  fail(field: string, why: string): bool {
    if (this.error.length == 0) this.error = field + ": " + why;
    return false;
  }
}

function checkKeys(obj: JsonObject, known: Array<string>, where: string, ctx: Ctx): bool {
  for (let i = 0; i < obj.keys.length; i++) {
    if (!known.includes(obj.keys[i])) {
      return ctx.fail(join(where, obj.keys[i]), "unknown field (allowed: " + known.join(", ") + ")");
    }
  }
  return true;
}

function join(where: string, key: string): string {
  return where.length == 0 ? key : where + "." + key;
}

function isIdent(s: string, max: i32): bool {
  if (s.length == 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x2d;
    if (!ok) return false;
  }
  return true;
}

function getU32(obj: JsonObject, key: string, where: string, min: u64, max: u64, ctx: Ctx, out: U32Box): bool {
  const v = obj.get(key);
  if (v == null) return true;
  const num = v.asNumber();
  if (num == null || !num.asU64(ctx.n) || ctx.n.value < min || ctx.n.value > max) {
    return ctx.fail(join(where, key), "must be an integer from " + min.toString() + " to " + max.toString());
  }
  out.value = <u32>ctx.n.value;
  out.set = true;
  return true;
}

class U32Box {
  value: u32 = 0;
  set: bool = false;
}

function getString(obj: JsonObject, key: string, where: string, ctx: Ctx, maxLen: i32 = 4096): string | null {
  const v = obj.get(key);
  if (v == null) return null;
  const s = v.asString();
  if (s == null || s.length > maxLen) {
    ctx.fail(join(where, key), "must be a string" + (maxLen < 4096 ? " of at most " + maxLen.toString() + " characters" : ""));
    return null;
  }
  return s;
}

/** A secret given as `<key>` (hex) or `<key>_env` (name of an environment variable holding hex). */
function getSecret(obj: JsonObject, key: string, where: string, env: Env, minBytes: i32, ctx: Ctx): Uint8Array | null {
  const inline = obj.get(key);
  const byEnv = obj.get(key + "_env");
  if (inline != null && byEnv != null) {
    ctx.fail(join(where, key), "give either " + key + " or " + key + "_env, not both");
    return null;
  }
  let text = "";
  let field = join(where, key);
  if (inline != null) {
    const s = inline.asString();
    if (s == null) { ctx.fail(field, "must be a hex string"); return null; }
    text = s;
  } else if (byEnv != null) {
    field = join(where, key + "_env");
    const name = byEnv.asString();
    if (name == null || name.length == 0) { ctx.fail(field, "must name an environment variable"); return null; }
    const value = env.get(name);
    if (value == null) { ctx.fail(field, "environment variable " + name + " is not set in the VM"); return null; }
    text = value.trim();
  } else {
    ctx.fail(field, "is required (or " + key + "_env)");
    return null;
  }
  if (!isHex(text) || text.length < minBytes * 2) {
    ctx.fail(field, "must be hex of at least " + minBytes.toString() + " bytes");
    return null;
  }
  return fromHex(text);
}

function parseMint(v: JsonValue, i: i32, ctx: Ctx): MintConfig | null {
  const where = "mints[" + i.toString() + "]";
  const m = v.asObject();
  if (m == null) { ctx.fail(where, "must be an object {url, cluster}"); return null; }
  if (!checkKeys(m, ["id", "url", "cluster", "authority", "timeout_ms"], where, ctx)) return null;
  const mc = new MintConfig();
  const url = getString(m, "url", where, ctx, 512);
  if (url == null) { ctx.fail(where + ".url", "is required"); return null; }
  const normalized = normalizeMintUrl(url);
  if (normalized == null) {
    ctx.fail(where + ".url", "must be an http(s) URL such as https://mint.example.com (no credentials, query or fragment)");
    return null;
  }
  // Scheme and host lower-case, no trailing slash: compared with a token's mint the same way.
  mc.url = normalized;
  const hostAndPath = mc.url.substring(mc.url.indexOf("://") + 3);
  const slash = hostAndPath.indexOf("/");
  mc.authority = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
  mc.basePath = slash < 0 ? "" : hostAndPath.substring(slash);
  const cluster = getString(m, "cluster", where, ctx, 256);
  if (cluster == null || cluster.length == 0) { ctx.fail(where + ".cluster", "must name the upstream cluster that reaches this mint"); return null; }
  mc.cluster = cluster;
  const authority = getString(m, "authority", where, ctx, 256);
  if (authority != null) {
    if (authority.length == 0) { ctx.fail(where + ".authority", "must not be empty"); return null; }
    mc.authority = authority;
  }
  const id = getString(m, "id", where, ctx, 32);
  if (ctx.error.length > 0) return null;
  if (id != null) {
    if (!isIdent(id, 32)) { ctx.fail(where + ".id", "must be 1-32 characters of [A-Za-z0-9_-]"); return null; }
    mc.id = id;
  } else {
    mc.id = "m" + i.toString();
  }
  const t = new U32Box();
  if (!getU32(m, "timeout_ms", where, 50, 120000, ctx, t)) return null;
  if (t.set) mc.timeoutMs = t.value;
  return mc;
}

function parseRoute(v: JsonValue, i: i32, ctx: Ctx): RouteRule | null {
  const where = "routes[" + i.toString() + "]";
  const r = v.asObject();
  if (r == null) { ctx.fail(where, "must be an object such as {\"prefix\": \"/\", \"price\": 10}"); return null; }
  if (!checkKeys(r, ["id", "host", "prefix", "pattern", "methods", "price", "pass_ttl_seconds", "case_sensitive"], where, ctx)) return null;
  const rule = parseRouteFields(r, i, where, ctx);
  if (rule == null) return null;
  rule.index = i;
  const cs = r.get("case_sensitive");
  if (cs != null) {
    const b = cs.asBool();
    if (b < 0) { ctx.fail(where + ".case_sensitive", "must be true or false"); return null; }
    rule.caseSensitive = b == 1;
  }
  // Rules match canonical paths, so their prefixes and patterns are made canonical the same way.
  if (rule.pattern.length > 0) {
    const c = canonicalRulePath(rule.pattern, where + ".pattern", ctx);
    if (c == null) return null;
    rule.pattern = c;
  } else {
    let c = canonicalRulePath(rule.prefix, where + ".prefix", ctx);
    if (c == null) return null;
    if (c.length > 1 && c.endsWith("/")) c = c.substring(0, c.length - 1);
    rule.prefix = c;
  }
  rule.prefixUtf8 = Uint8Array.wrap(String.UTF8.encode(rule.caseSensitive ? rule.prefix : asciiLower(rule.prefix)));
  rule.patternUtf8 = Uint8Array.wrap(String.UTF8.encode(rule.caseSensitive ? rule.pattern : asciiLower(rule.pattern)));
  if (rule.methods.includes("GET") && !rule.methods.includes("HEAD")) rule.methods.push("HEAD");
  return rule;
}

const ruleTarget = new Target();

/** The canonical form of a configured path (decoded, dot segments resolved), or null (error set). */
function canonicalRulePath(path: string, field: string, ctx: Ctx): string | null {
  if (path.includes("?")) { ctx.fail(field, "must be a path without a query string"); return null; }
  const b = String.UTF8.encode(path);
  if (!ruleTarget.canonicalize(changetype<usize>(b), b.byteLength)) {
    ctx.fail(field, targetErrorReason(ruleTarget.error));
    return null;
  }
  return ruleTarget.path();
}

function asciiLower(s: string): string {
  let out = "";
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) { changed = true; break; }
  }
  if (!changed) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return out;
}

function parseRouteFields(r: JsonObject, i: i32, where: string, ctx: Ctx): RouteRule | null {
  const rule = new RouteRule();
  const id = getString(r, "id", where, ctx, 64);
  if (ctx.error.length > 0) return null;
  if (id != null) {
    if (!isIdent(id, 64)) { ctx.fail(where + ".id", "must be 1-64 characters of [A-Za-z0-9_-]"); return null; }
    rule.id = id;
  } else {
    rule.id = "r" + i.toString();
  }
  const host = getString(r, "host", where, ctx, 253);
  if (ctx.error.length > 0) return null;
  if (host != null) {
    if (host.length == 0 || host.includes("/") || host.includes(":")) { ctx.fail(where + ".host", "must be a host name (no scheme, port or path), optionally *.suffix"); return null; }
    let h = host.toLowerCase();
    if (h.endsWith(".")) h = h.substring(0, h.length - 1);
    if (h.length == 0) { ctx.fail(where + ".host", "must be a host name"); return null; }
    rule.host = h;
  }
  const prefix = getString(r, "prefix", where, ctx, 1024);
  const pattern = getString(r, "pattern", where, ctx, 1024);
  if (ctx.error.length > 0) return null;
  if (prefix != null && pattern != null) { ctx.fail(where, "give either prefix or pattern, not both"); return null; }
  if (pattern != null) {
    if (!pattern.startsWith("/")) { ctx.fail(where + ".pattern", "must start with /"); return null; }
    rule.pattern = pattern;
    rule.prefix = "";
  } else if (prefix != null) {
    if (!prefix.startsWith("/")) { ctx.fail(where + ".prefix", "must be a path starting with /"); return null; }
    rule.prefix = prefix;
  }
  const methods = r.get("methods");
  if (methods != null) {
    const arr = methods.asArray();
    if (arr == null || arr.length == 0) { ctx.fail(where + ".methods", "must be a non-empty array of HTTP methods"); return null; }
    for (let k = 0; k < arr.length; k++) {
      const m = arr.at(k).asString();
      if (m == null || !isIdent(m, 16)) { ctx.fail(where + ".methods[" + k.toString() + "]", "must be an HTTP method such as \"GET\""); return null; }
      rule.methods.push(m.toUpperCase());
    }
  }
  const price = r.get("price");
  if (price == null) { ctx.fail(where + ".price", "is required (0 makes the route free)"); return null; }
  const p = price.asNumber();
  if (p == null || !p.asU64(ctx.n)) { ctx.fail(where + ".price", "must be an unsigned integer"); return null; }
  rule.price = ctx.n.value;
  const ttl = new U32Box();
  if (!getU32(r, "pass_ttl_seconds", where, 1, 31536000, ctx, ttl)) return null;
  rule.passTtl = ttl.value;
  return rule;
}

function parsePass(o: JsonObject, env: Env, cfg: GateConfig, ctx: Ctx): bool {
  const where = "pass";
  if (!checkKeys(o, ["ttl_seconds", "keys", "cookie"], where, ctx)) return false;
  const ttl = new U32Box();
  if (!getU32(o, "ttl_seconds", where, 0, 31536000, ctx, ttl)) return false;
  if (ttl.set) cfg.pass.ttlSeconds = ttl.value;
  const keys = o.getArray("keys");
  if (o.has("keys") && keys == null) return ctx.fail("pass.keys", "must be an array of {id, secret | secret_env}");
  if (keys != null) {
    for (let i = 0; i < keys.length; i++) {
      const kw = "pass.keys[" + i.toString() + "]";
      const k = keys.at(i).asObject();
      if (k == null) return ctx.fail(kw, "must be an object {id, secret | secret_env}");
      if (!checkKeys(k, ["id", "secret", "secret_env"], kw, ctx)) return false;
      const id = getString(k, "id", kw, ctx, 16);
      if (id == null || !isIdent(id, 16)) return ctx.fail(kw + ".id", "must be 1-16 characters of [A-Za-z0-9_-]");
      for (let j = 0; j < cfg.pass.keys.length; j++) {
        if (cfg.pass.keys[j].id == id) return ctx.fail(kw + ".id", "duplicate key id " + id);
      }
      const secret = getSecret(k, "secret", kw, env, 32, ctx);
      if (secret == null) return false;
      const pk = new PassKey();
      pk.id = id;
      pk.secret = secret;
      cfg.pass.keys.push(pk);
    }
  }
  const cookie = o.get("cookie");
  if (cookie != null) {
    const b = cookie.asBool();
    if (b == 0) cfg.pass.cookie = "";
    else if (b == 1) cfg.pass.cookie = "paygress_pass";
    else {
      const name = cookie.asString();
      if (name == null || !isIdent(name, 64)) return ctx.fail("pass.cookie", "must be true, false or a cookie name of [A-Za-z0-9_-]");
      cfg.pass.cookie = name;
    }
  }
  return true;
}

function parseEarnings(o: JsonObject, env: Env, cfg: GateConfig, ctx: Ctx): bool {
  const where = "earnings";
  if (!checkKeys(o, ["lock_pubkey", "seed", "seed_env", "lane", "lane_env", "lanes"], where, ctx)) return false;
  const pub = getString(o, "lock_pubkey", where, ctx, 66);
  if (ctx.error.length > 0) return false;
  if (pub == null) return ctx.fail("earnings.lock_pubkey", "is required: the operator's compressed secp256k1 public key (66 hex characters) every earned proof is locked to");
  if (!isHex(pub, 33) || !(pub.startsWith("02") || pub.startsWith("03"))) {
    return ctx.fail("earnings.lock_pubkey", "must be a compressed secp256k1 public key: 66 hex characters starting with 02 or 03");
  }
  const key = fromHex(pub)!;
  // A typo that is still 66 hex characters would lock every earned proof to a key nobody holds.
  if (pointDecode(new Point(), key) != CryptoError.None) {
    return ctx.fail("earnings.lock_pubkey", "is not a point on secp256k1 (a typo would lock every earned proof forever): check the key");
  }
  cfg.earnings.lockPubkeyHex = pub.toLowerCase();
  cfg.earnings.lockPubkey = key;
  const seed = getSecret(o, "seed", where, env, 32, ctx);
  if (seed == null) return false;
  cfg.earnings.seed = seed;
  const lane = new U32Box();
  if (!getU32(o, "lane", where, 0, 0xffffffff, ctx, lane)) return false;
  cfg.earnings.lane = lane.value;
  const laneEnv = getString(o, "lane_env", where, ctx, 128);
  if (ctx.error.length > 0) return false;
  const lanes = new U32Box();
  if (!getU32(o, "lanes", where, 1, 65536, ctx, lanes)) return false;
  if (laneEnv != null) {
    if (lane.set) return ctx.fail("earnings.lane_env", "give either lane or lane_env, not both");
    if (laneEnv.length == 0) return ctx.fail("earnings.lane_env", "must name an environment variable (such as POD_NAME)");
    const value = env.get(laneEnv);
    if (value == null || value.trim().length == 0) {
      return ctx.fail("earnings.lane_env", "environment variable " + laneEnv + " is not set in the VM (pass it to the VM, e.g. host_env_keys or WasmPlugin vmConfig.env)");
    }
    cfg.earnings.lane = laneFromName(value.trim(), lanes.set ? lanes.value : 16);
    cfg.earnings.laneEnv = laneEnv;
  } else if (lanes.set) {
    return ctx.fail("earnings.lanes", "only applies with lane_env");
  }
  return true;
}

/**
 * The lane of a replica named `name` (a pod name): its trailing number when it has one (StatefulSet
 * pods paygress-0, paygress-1, ... get lanes 0, 1, ...), else FNV-1a of the name modulo `lanes`
 * (Deployment pods have random suffixes). Lanes may coincide: the mint refuses a counter twice and
 * the gate moves on, so that costs round trips, never money; the collector scans lanes 0..lanes-1.
 */
export function laneFromName(name: string, lanes: u32): u32 {
  let end = name.length;
  let start = end;
  while (start > 0 && name.charCodeAt(start - 1) >= 0x30 && name.charCodeAt(start - 1) <= 0x39) start--;
  if (start < end && end - start <= 9 && start > 0 && name.charCodeAt(start - 1) == 0x2d) {
    const n = <u32>I32.parseInt(name.substring(start, end));
    return n % lanes;
  }
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = (h ^ <u32>(name.charCodeAt(i) & 0xff)) * 0x01000193;
  return h % lanes;
}

export function parseConfig(text: string, env: Env = new Env()): ConfigResult {
  const out = new ConfigResult();
  const ctx = new Ctx();
  const parser = new JsonParser();
  parser.maxLength = 256 * 1024;
  const root = parser.parse(text);
  if (root == null) {
    out.error = "configuration: not valid JSON (" + parser.errorMessage() + ")";
    return out;
  }
  const obj = root.asObject();
  if (obj == null) {
    out.error = "configuration: must be a JSON object";
    return out;
  }
  const cfg = new GateConfig();
  if (parseInto(obj, env, cfg, ctx)) {
    out.config = cfg;
  } else {
    out.error = ctx.error;
  }
  return out;
}

function parseInto(obj: JsonObject, env: Env, cfg: GateConfig, ctx: Ctx): bool {
  const known = ["mode", "unit", "mints", "routes", "pass", "earnings", "change", "payment_request", "description", "limits"];
  if (!checkKeys(obj, known, "", ctx)) return false;

  const mode = getString(obj, "mode", "", ctx, 16);
  if (ctx.error.length > 0) return false;
  if (mode != null && mode != "swap") return ctx.fail("mode", "must be \"swap\"");

  const unit = getString(obj, "unit", "", ctx, 16);
  if (ctx.error.length > 0) return false;
  if (unit != null) {
    if (!isIdent(unit, 16)) return ctx.fail("unit", "must be a currency unit such as \"sat\", \"msat\" or \"usd\"");
    cfg.unit = unit.toLowerCase();
  }

  const mints = obj.getArray("mints");
  if (mints == null || mints.length == 0) return ctx.fail("mints", "must be a non-empty array of {url, cluster}");
  for (let i = 0; i < mints.length; i++) {
    const mc = parseMint(mints.at(i), i, ctx);
    if (mc == null) return false;
    for (let j = 0; j < cfg.mints.length; j++) {
      if (cfg.mints[j].url == mc.url) return ctx.fail("mints[" + i.toString() + "].url", "duplicate mint " + mc.url);
      if (cfg.mints[j].id == mc.id) return ctx.fail("mints[" + i.toString() + "].id", "duplicate mint id " + mc.id);
    }
    cfg.mints.push(mc);
  }

  const routes = obj.getArray("routes");
  if (routes == null || routes.length == 0) return ctx.fail("routes", "must be a non-empty array of {prefix | pattern, price}");
  for (let i = 0; i < routes.length; i++) {
    const rule = parseRoute(routes.at(i), i, ctx);
    if (rule == null) return false;
    for (let j = 0; j < cfg.routes.length; j++) {
      if (cfg.routes[j].id == rule.id) return ctx.fail("routes[" + i.toString() + "].id", "duplicate route id " + rule.id);
    }
    cfg.routes.push(rule);
  }

  let anyPriced = false;
  for (let i = 0; i < cfg.routes.length; i++) if (cfg.routes[i].price > 0) anyPriced = true;

  const pass = obj.get("pass");
  if (pass != null) {
    const po = pass.asObject();
    if (po == null) return ctx.fail("pass", "must be an object {ttl_seconds, keys, cookie}");
    if (!parsePass(po, env, cfg, ctx)) return false;
  }
  if (cfg.pass.ttlSeconds > 0 && cfg.pass.keys.length == 0 && anyPriced) {
    return ctx.fail("pass.keys", "at least one key {id, secret | secret_env} is required to sign passes (or set pass.ttl_seconds to 0)");
  }

  const earnings = obj.get("earnings");
  if (earnings == null) {
    if (anyPriced) return ctx.fail("earnings", "is required: {lock_pubkey, seed | seed_env} say where earned ecash goes");
  } else {
    const eo = earnings.asObject();
    if (eo == null) return ctx.fail("earnings", "must be an object {lock_pubkey, seed | seed_env, lane}");
    if (!parseEarnings(eo, env, cfg, ctx)) return false;
  }

  const change = obj.get("change");
  if (change != null) {
    const b = change.asBool();
    if (b < 0) return ctx.fail("change", "must be true or false");
    cfg.change = b == 1;
  }

  const fmt = getString(obj, "payment_request", "", ctx, 8);
  if (ctx.error.length > 0) return false;
  if (fmt != null) {
    if (fmt != "creqA" && fmt != "creqB") return ctx.fail("payment_request", "must be \"creqA\" (NUT-18) or \"creqB\" (NUT-26)");
    cfg.requestFormat = fmt;
  }

  const desc = getString(obj, "description", "", ctx, 256);
  if (ctx.error.length > 0) return false;
  if (desc != null) cfg.description = desc;

  const limits = obj.get("limits");
  if (limits != null) {
    const lo = limits.asObject();
    if (lo == null) return ctx.fail("limits", "must be an object {max_proofs, max_token_length}");
    if (!checkKeys(lo, ["max_proofs", "max_token_length"], "limits", ctx)) return false;
    const mp = new U32Box();
    if (!getU32(lo, "max_proofs", "limits", 1, 1000, ctx, mp)) return false;
    if (mp.set) cfg.maxProofs = <i32>mp.value;
    const ml = new U32Box();
    if (!getU32(lo, "max_token_length", "limits", 256, 1048576, ctx, ml)) return false;
    if (ml.set) cfg.maxTokenLength = <i32>ml.value;
  }
  return true;
}
