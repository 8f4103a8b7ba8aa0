// Testing module: exposes the Cashu protocol layer (tokens, payment requests, CBOR) to the
// TypeScript differential tests and benchmarks. Structures cross the boundary as JSON text
// (amounts as decimal strings, bytes as hex) so no binding layer has to understand our classes.
import "./abort";
import { JsonArray, JsonObject, JsonParser, JsonWriter } from "../core/json";
import { CborReader, decodeCbor } from "../core/encoding/cbor";
import { hexOfBytes, hexToBytes } from "../core/cashu/keyset-id";
import { decodeToken, encodeTokenV3, encodeTokenV4, TokenEncodeResult } from "../core/cashu/token";
import { Dleq, KeysetProofs, Proof, Token } from "../core/cashu/types";
import { decodePaymentRequest, encodeCreqA, encodeCreqB, CreqEncodeResult, Nut10Option, PaymentRequest, Transport } from "../core/cashu/creq";
import { checkExclusiveLock, ExclusiveLockPolicy, parseP2pkSecret } from "../core/cashu/p2pk";
import { deriveKeysetIdV1, deriveKeysetIdV2, parseKeys } from "../core/cashu/keyset";

// ---- tokens -----------------------------------------------------------------------------------

/** {"ok":true, version, mint, unit, memo, amount, keysets:[{id, proofs:[…]}]} or {"ok":false,"error":n,"reason":…}. */
export function decodeTokenJson(s: string): string {
  const r = decodeToken(s);
  const w = new JsonWriter();
  if (!r.ok) {
    w.beginObject().kbool("ok", false).ku64("error", <u64>r.error).kstr("reason", r.reason()).endObject();
    return w.toString();
  }
  const t = r.token!;
  w.beginObject().kbool("ok", true).ku64("version", <u64>t.version).kstr("mint", t.mint).kstr("unit", t.unit);
  const memo = t.memo;
  if (memo != null) w.kstr("memo", memo);
  else w.key("memo").null();
  w.kstr("amount", t.amount.toString());
  w.key("keysets").beginArray();
  for (let i = 0; i < t.keysets.length; i++) {
    const g = t.keysets[i];
    w.beginObject().kstr("id", g.id).key("proofs").beginArray();
    for (let k = 0; k < g.proofs.length; k++) writeProof(w, g.proofs[k]);
    w.endArray().endObject();
  }
  w.endArray().endObject();
  return w.toString();
}

function writeProof(w: JsonWriter, p: Proof): void {
  w.beginObject().kstr("amount", p.amount.toString()).kstr("id", p.id).kstr("secret", p.secret).kstr("C", hexOfBytes(p.C));
  const d = p.dleq;
  if (d != null) w.key("dleq").beginObject().kstr("e", hexOfBytes(d.e)).kstr("s", hexOfBytes(d.s)).kstr("r", hexOfBytes(d.r)).endObject();
  else w.key("dleq").null();
  const wit = p.witness;
  if (wit != null) w.kstr("witness", wit);
  else w.key("witness").null();
  w.endObject();
}

/** Encodes a token given in decodeTokenJson's shape; version 3 or 4. Returns the string or "ERR:reason". */
export function encodeTokenJson(json: string, version: i32, shortIds: bool): string {
  const v = new JsonParser().parse(json);
  if (v == null) return "ERR:bad input json";
  const o = v.asObject()!;
  const t = new Token();
  t.mint = o.getString("mint")!;
  const unit = o.getString("unit");
  t.unit = unit == null ? "" : unit;
  t.memo = o.getString("memo");
  const groups = o.getArray("keysets")!;
  for (let i = 0; i < groups.length; i++) {
    const go = groups.at(i).asObject()!;
    const g = new KeysetProofs(go.getString("id")!);
    const ps = go.getArray("proofs")!;
    for (let k = 0; k < ps.length; k++) {
      const po = ps.at(k).asObject()!;
      const p = new Proof();
      p.amount = U64.parseInt(po.getString("amount")!);
      p.id = g.id;
      p.secret = po.getString("secret")!;
      p.C = hexToBytes(po.getString("C")!, 33)!;
      const d = po.getObject("dleq");
      if (d != null) p.dleq = new Dleq(hexToBytes(d.getString("e")!, 32)!, hexToBytes(d.getString("s")!, 32)!, hexToBytes(d.getString("r")!, 32)!);
      p.witness = po.getString("witness");
      g.proofs.push(p);
      t.proofCount++;
      t.amount += p.amount;
    }
    t.keysets.push(g);
  }
  const r: TokenEncodeResult = version == 3 ? encodeTokenV3(t) : encodeTokenV4(t, shortIds);
  return r.ok ? r.value : "ERR:" + r.reason();
}

/** Error code of decoding `s` (0 = ok); for garbage-input tests. */
export function tokenErrorCode(s: string): i32 {
  return <i32>decodeToken(s).error;
}

// ---- payment requests ---------------------------------------------------------------------------

/** {"ok":true, i, a, u, s, m, d, t, nut10} (absent: null) or {"ok":false,…}. */
export function decodeCreqJson(s: string): string {
  const r = decodePaymentRequest(s);
  const w = new JsonWriter();
  if (!r.ok) {
    w.beginObject().kbool("ok", false).ku64("error", <u64>r.error).kstr("reason", r.reason()).endObject();
    return w.toString();
  }
  const pr = r.request!;
  w.beginObject().kbool("ok", true);
  optStr(w, "i", pr.id);
  if (pr.hasAmount) w.kstr("a", pr.amount.toString()); else w.key("a").null();
  optStr(w, "u", pr.unit);
  if (pr.hasSingleUse) w.kbool("s", pr.singleUse); else w.key("s").null();
  w.key("m").beginArray();
  for (let i = 0; i < pr.mints.length; i++) w.str(pr.mints[i]);
  w.endArray();
  optStr(w, "d", pr.description);
  w.key("t").beginArray();
  for (let i = 0; i < pr.transports.length; i++) {
    const t = pr.transports[i];
    w.beginObject().kstr("t", t.type).kstr("a", t.target).key("g");
    writeTags(w, t.tags);
    w.endObject();
  }
  w.endArray();
  const n = pr.nut10;
  if (n != null) {
    w.key("nut10").beginObject().kstr("k", n.kind).kstr("d", n.data).key("t");
    writeTags(w, n.tags);
    w.endObject();
  } else w.key("nut10").null();
  w.endObject();
  return w.toString();
}

function optStr(w: JsonWriter, k: string, v: string | null): void {
  if (v != null) w.kstr(k, v);
  else w.key(k).null();
}

function writeTags(w: JsonWriter, tags: Array<Array<string>>): void {
  w.beginArray();
  for (let i = 0; i < tags.length; i++) {
    w.beginArray();
    for (let k = 0; k < tags[i].length; k++) w.str(tags[i][k]);
    w.endArray();
  }
  w.endArray();
}

/** Encodes a request given in decodeCreqJson's shape: format 0 = creqA, 1 = creqB. */
export function encodeCreqJson(json: string, format: i32, upper: bool): string {
  const v = new JsonParser().parse(json);
  if (v == null) return "ERR:bad input json";
  const pr = requestFromJson(v.asObject()!);
  const r: CreqEncodeResult = format == 0 ? encodeCreqA(pr) : encodeCreqB(pr, upper);
  return r.ok ? r.value : "ERR:" + r.reason();
}

function requestFromJson(o: JsonObject): PaymentRequest {
  const pr = new PaymentRequest();
  pr.id = o.getString("i");
  const a = o.getString("a");
  if (a != null) { pr.amount = U64.parseInt(a); pr.hasAmount = true; }
  pr.unit = o.getString("u");
  const s = o.get("s");
  if (s != null && s.isBool()) { pr.singleUse = s.asBool() == 1; pr.hasSingleUse = true; }
  const m = o.getArray("m");
  if (m != null) for (let i = 0; i < m.length; i++) pr.mints.push(m.at(i).asString()!);
  pr.description = o.getString("d");
  const t = o.getArray("t");
  if (t != null) {
    for (let i = 0; i < t.length; i++) {
      const to = t.at(i).asObject()!;
      const tr = new Transport();
      tr.type = to.getString("t")!;
      tr.target = to.getString("a")!;
      const g = to.getArray("g");
      if (g != null) tr.tags = readTags(g);
      pr.transports.push(tr);
    }
  }
  const n = o.getObject("nut10");
  if (n != null) {
    const nn = new Nut10Option();
    nn.kind = n.getString("k")!;
    nn.data = n.getString("d")!;
    const g = n.getArray("t");
    if (g != null) nn.tags = readTags(g);
    pr.nut10 = nn;
  }
  return pr;
}

function readTags(a: JsonArray): Array<Array<string>> {
  const out = new Array<Array<string>>();
  for (let i = 0; i < a.length; i++) {
    const inner = a.at(i).asArray()!;
    const tag = new Array<string>();
    for (let k = 0; k < inner.length; k++) tag.push(inner.at(k).asString()!);
    out.push(tag);
  }
  return out;
}

/** Error code of decoding `s` as a payment request (0 = ok). */
export function creqErrorCode(s: string): i32 {
  return <i32>decodePaymentRequest(s).error;
}

// ---- CBOR and P2PK --------------------------------------------------------------------------------

/** CborError code of decoding `bytes` as one CBOR item (0 = ok). */
export function cborErrorCode(bytes: Uint8Array): i32 {
  const r = new CborReader();
  decodeCbor(bytes, r);
  return <i32>r.error;
}

/** P2pkError code of parsing a secret (0 = ok). */
export function p2pkErrorCode(secret: string): i32 {
  return <i32>parseP2pkSecret(secret).error;
}

/** P2pkError code of the exclusive-lock check against `pubkeyHex` and `minLocktime`. */
export function exclusiveLockCode(secret: string, pubkeyHex: string, minLocktime: u64): i32 {
  const p = new ExclusiveLockPolicy();
  const k = hexToBytes(pubkeyHex, 33);
  if (k != null) p.pubkey = k;
  p.minLocktime = minLocktime;
  return <i32>checkExclusiveLock(secret, p);
}

/** "v1id v2id" of a keys map ({"amount": "pubkey"}), or "ERR:reason". */
export function keysetIdsJson(keysJson: string, unit: string, inputFeePpk: u64, finalExpiry: u64): string {
  const k = parseKeys(keysJson);
  if (k.error != 0) return "ERR:" + k.detail;
  return deriveKeysetIdV1(k.pubkeys) + " " + deriveKeysetIdV2(k.amounts, k.pubkeys, unit, inputFeePpk, finalExpiry);
}

// ---- benchmark helpers (loop inside wasm so the binding cost does not dominate) -------------------

/** Decodes `s` `iterations` times; returns the last proof count (or -error). */
export function benchDecodeToken(s: string, iterations: i32): i32 {
  let n = 0;
  for (let i = 0; i < iterations; i++) {
    const r = decodeToken(s);
    n = r.ok ? r.token!.proofCount : -<i32>r.error;
  }
  return n;
}

/** Decodes `s` once, then encodes it `iterations` times as V4 (version 4) or V3; returns the length. */
export function benchEncodeToken(s: string, version: i32, iterations: i32): i32 {
  const r = decodeToken(s);
  if (!r.ok) return -1;
  const t = r.token!;
  let n = 0;
  for (let i = 0; i < iterations; i++) n = (version == 3 ? encodeTokenV3(t) : encodeTokenV4(t)).value.length;
  return n;
}

/** Decodes a payment request `iterations` times; returns the number of mints of the last one. */
export function benchDecodeCreq(s: string, iterations: i32): i32 {
  let n = 0;
  for (let i = 0; i < iterations; i++) {
    const r = decodePaymentRequest(s);
    n = r.ok ? r.request!.mints.length : -1;
  }
  return n;
}

/** Decodes `s` once, then encodes it `iterations` times (format 0 = creqA, 1 = creqB). */
export function benchEncodeCreq(s: string, format: i32, iterations: i32): i32 {
  const r = decodePaymentRequest(s);
  if (!r.ok) return -1;
  const pr = r.request!;
  let n = 0;
  for (let i = 0; i < iterations; i++) n = (format == 0 ? encodeCreqA(pr) : encodeCreqB(pr)).value.length;
  return n;
}
