// NUT-00 V3 tokens (cashuA, deprecated but still sent): the JSON body.
//
//   { "token": [ { "mint": url, "proofs": [ { "amount", "id", "secret", "C", "dleq"?, "witness"? } ] } ],
//     "unit"?: str, "memo"?: str }
//
// A V3 token may list several mints. The gate swaps at one mint per request, so entries are merged
// when they name the same mint (after normalization) and the token is refused with MultipleMints
// otherwise: the payer learns to send one token per mint, and nothing is half-redeemed.
// `witness` must be a string (as Nutshell writes it); unknown keys are ignored.

import { JsonObject, JsonParser, JsonValue, JsonWriter, U64Result } from "../json";
import { utf8DecodeStrict } from "../encoding/cbor";
import { TokenError } from "./errors";
import { hexOfBytes, hexToBytes } from "./keyset-id";
import { isValidUnit, normalizeMintUrl } from "./mint-url";
import { TokenBuilder } from "./token-build";
import { Dleq, Proof, Token } from "./types";

/** Decodes the UTF-8 JSON body of a cashuA token into `b`. Errors are recorded in `b.res`. */
export function decodeTokenV3Body(bytes: Uint8Array, b: TokenBuilder): void {
  const text = utf8DecodeStrict(bytes);
  if (text == null) { b.fail(TokenError.BadUtf8); return; }
  const parser = new JsonParser();
  parser.maxDepth = b.limits.maxDepth;
  parser.maxLength = b.limits.maxTokenLength;
  const root = parser.parse(text);
  if (root == null) { b.fail(TokenError.BadJson, parser.errorMessage()); return; }
  const obj = root.asObject();
  if (obj == null) { b.fail(TokenError.WrongType, "token JSON is not an object"); return; }

  const unitV = obj.get("unit");
  if (unitV != null && !unitV.isNull()) {
    const u = unitV.asString();
    if (u == null) { b.fail(TokenError.WrongType, "unit"); return; }
    if (!isValidUnit(u, b.limits.maxUnitLength)) { b.fail(TokenError.BadUnit, "unit"); return; }
    b.token.unit = u;
  }
  const memoV = obj.get("memo");
  if (memoV != null && !memoV.isNull()) {
    const m = memoV.asString();
    if (m == null) { b.fail(TokenError.WrongType, "memo"); return; }
    if (String.UTF8.byteLength(m) > b.limits.maxMemoLength) { b.fail(TokenError.MemoTooLong, "memo"); return; }
    b.token.memo = m;
  }
  const entriesV = obj.get("token");
  if (entriesV == null) { b.fail(TokenError.MissingField, "token"); return; }
  const entries = entriesV.asArray();
  if (entries == null) { b.fail(TokenError.WrongType, "token"); return; }
  if (entries.length > b.limits.maxKeysets) { b.fail(TokenError.TooManyKeysets, "token"); return; }
  for (let e = 0; e < entries.length; e++) {
    b.group = e;
    b.proof = -1;
    if (!readEntry(entries.at(e), b)) return;
  }
  b.group = -1;
}

function readEntry(v: JsonValue, b: TokenBuilder): bool {
  const entry = v.asObject();
  if (entry == null) return b.failAt(TokenError.WrongType, "");
  const mintV = entry.get("mint");
  if (mintV == null) return b.failAt(TokenError.MissingField, "mint");
  const mint = mintV.asString();
  if (mint == null) return b.failAt(TokenError.WrongType, "mint");
  const norm = normalizeMintUrl(mint, b.limits.maxMintUrlLength);
  if (norm == null) return b.failAt(TokenError.BadMintUrl, "mint");
  if (b.token.mint.length == 0) b.token.mint = norm;
  else if (b.token.mint != norm) return b.failAt(TokenError.MultipleMints, "mint");
  const proofsV = entry.get("proofs");
  if (proofsV == null) return b.failAt(TokenError.MissingField, "proofs");
  const proofs = proofsV.asArray();
  if (proofs == null) return b.failAt(TokenError.WrongType, "proofs");
  if (!b.roomFor(proofs.length)) return false;
  const u = new U64Result();
  for (let k = 0; k < proofs.length; k++) {
    b.proof = k;
    if (!readProof(proofs.at(k), b, u)) return false;
  }
  b.proof = -1;
  return true;
}

function readProof(v: JsonValue, b: TokenBuilder, u: U64Result): bool {
  const o = v.asObject();
  if (o == null) return b.failAt(TokenError.WrongType, "");
  const p = new Proof();

  const amountV = o.get("amount");
  if (amountV == null) return b.failAt(TokenError.MissingField, "amount");
  const num = amountV.asNumber();
  if (num == null) return b.failAt(TokenError.WrongType, "amount");
  if (!num.asU64(u)) {
    // An integer literal that does not fit is an overflow; anything else (fraction, sign) a type error.
    return b.failAt(num.isUnsignedInteger() ? TokenError.AmountOverflow : TokenError.WrongType, "amount");
  }
  p.amount = u.value;

  const idV = o.get("id");
  if (idV == null) return b.failAt(TokenError.MissingField, "id");
  const id = idV.asString();
  if (id == null) return b.failAt(TokenError.WrongType, "id");

  const secretV = o.get("secret");
  if (secretV == null) return b.failAt(TokenError.MissingField, "secret");
  const secret = secretV.asString();
  if (secret == null) return b.failAt(TokenError.WrongType, "secret");
  if (secret.length == 0) return b.failAt(TokenError.EmptySecret, "secret");
  if (tooLong(secret, b.limits.maxSecretLength)) return b.failAt(TokenError.SecretTooLong, "secret");
  p.secret = secret;

  const cV = o.get("C");
  if (cV == null) return b.failAt(TokenError.MissingField, "C");
  const cHex = cV.asString();
  if (cHex == null) return b.failAt(TokenError.WrongType, "C");
  const c = hexToBytes(cHex, 33);
  if (c == null || (c[0] != 0x02 && c[0] != 0x03)) return b.failAt(TokenError.BadSignaturePoint, "C");
  p.C = c;

  const dleqV = o.get("dleq");
  if (dleqV != null && !dleqV.isNull()) {
    const d = dleqV.asObject();
    if (d == null) return b.failAt(TokenError.WrongType, "dleq");
    const e = scalar(d, "e");
    const s = scalar(d, "s");
    const r = scalar(d, "r");
    if (e == null || s == null || r == null) return b.failAt(TokenError.BadDleq, "dleq");
    p.dleq = new Dleq(e, s, r);
  }

  const witnessV = o.get("witness");
  if (witnessV != null && !witnessV.isNull()) {
    const w = witnessV.asString();
    if (w == null) return b.failAt(TokenError.WrongType, "witness");
    if (tooLong(w, b.limits.maxWitnessLength)) return b.failAt(TokenError.WitnessTooLong, "witness");
    p.witness = w;
  }

  const g = b.groupForHex(id, "id");
  if (g == null) return false;
  return b.add(g, p);
}

/** A 32-byte hex field of a DLEQ object, or null. */
function scalar(d: JsonObject, key: string): Uint8Array | null {
  const s = d.getString(key);
  return s == null ? null : hexToBytes(s, 32);
}

/** True when the UTF-8 form of `s` is longer than `max` bytes (measured only when it could be). */
function tooLong(s: string, max: i32): bool {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return String.UTF8.byteLength(s) > max;
}

/** JSON body of a cashuA token (one entry). Assumes `t` passed validateForEncode (token.ts). */
export function encodeTokenV3Body(t: Token): string {
  const w = new JsonWriter();
  w.beginObject().key("token").beginArray().beginObject().kstr("mint", t.mint).key("proofs").beginArray();
  for (let i = 0; i < t.keysets.length; i++) {
    const ps = t.keysets[i].proofs;
    for (let k = 0; k < ps.length; k++) {
      const p = ps[k];
      // Key order of the NUT-00 example: amount, id, secret, C.
      w.beginObject().ku64("amount", p.amount).kstr("id", t.keysets[i].id).kstr("secret", p.secret).kstr("C", hexOfBytes(p.C));
      const d = p.dleq;
      if (d != null) {
        w.key("dleq").beginObject().kstr("e", hexOfBytes(d.e)).kstr("s", hexOfBytes(d.s)).kstr("r", hexOfBytes(d.r)).endObject();
      }
      const wit = p.witness;
      if (wit != null) w.kstr("witness", wit);
      w.endObject();
    }
  }
  w.endArray().endObject().endArray();
  if (t.unit.length > 0) w.kstr("unit", t.unit);
  const memo = t.memo;
  if (memo != null) w.kstr("memo", memo);
  w.endObject();
  return w.toString();
}
