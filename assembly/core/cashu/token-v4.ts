// NUT-00 V4 tokens (cashuB): the CBOR body, decoded with the pull reader and encoded with the
// writer. Base64url and the "cashuB" prefix are handled in token.ts.
//
//   { "m": mint, "u": unit, "d"?: memo,
//     "t": [ { "i": keyset id bytes, "p": [ { "a": amount, "s": secret, "c": C bytes,
//                                               "d"?: { "e", "s", "r" }, "w"?: witness } ] } ] }
//
// Unknown keys are skipped (NUT-00: receivers MUST ignore unknown fields), but must still be
// well-formed CBOR and unique within their map. Optional fields may be null/undefined, which
// counts as absent (cashu-ts writes `undefined` for absent optional values elsewhere).

import { CborError, CborReader, CborWriter, KeySpans, cborErrorReason, utf8DecodeValid } from "../encoding/cbor";
import { TokenError } from "./errors";
import { KeysetIdKind, classifyKeysetIdHex, hexToBytes } from "./keyset-id";
import { isValidUnit, normalizeMintUrl } from "./mint-url";
import { TokenBuilder } from "./token-build";
import { Dleq, KeysetProofs, Proof, Token } from "./types";

// Bits for the known keys of each map, to reject duplicates without remembering spans.
const K_M = 1, K_U = 2, K_D = 4, K_T = 8;
const G_I = 1, G_P = 2;
const P_A = 1, P_S = 2, P_C = 4, P_D = 8, P_W = 16;
const D_E = 1, D_S = 2, D_R = 4;

/** Decodes the CBOR body of a cashuB token into `b`. Errors are recorded in `b.res`. */
export function decodeTokenV4Body(bytes: Uint8Array, b: TokenBuilder): void {
  const r = new CborReader(bytes);
  r.maxDepth = b.limits.maxDepth;
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, b, ""); return; }
  let seen = 0;
  let unknown: KeySpans | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, b, ""); return; }
    const bit = r.spanLen != 1 ? 0 : topBit(<i32>load<u8>(r.spanPtr()));
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, b, ""); return; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, b, ""); return; }
    seen |= bit;
    if (bit == K_M) {
      const m = readText(r, b, b.limits.maxMintUrlLength, TokenError.BadMintUrl, "m");
      if (m == null) return;
      const norm = normalizeMintUrl(m, b.limits.maxMintUrlLength);
      if (norm == null) { b.fail(TokenError.BadMintUrl, "m"); return; }
      b.token.mint = norm;
    } else if (bit == K_U) {
      const u = readText(r, b, b.limits.maxUnitLength, TokenError.BadUnit, "u");
      if (u == null) return;
      if (!isValidUnit(u, b.limits.maxUnitLength)) { b.fail(TokenError.BadUnit, "u"); return; }
      b.token.unit = u;
    } else if (bit == K_D) {
      if (r.skipNullish()) continue;
      const d = readText(r, b, b.limits.maxMemoLength, TokenError.MemoTooLong, "d");
      if (d == null) return;
      b.token.memo = d;
    } else {
      if (!readGroups(r, b)) return;
    }
  }
  if (!r.finish()) { cborFail(r, b, ""); return; }
  if ((seen & K_M) == 0) { b.fail(TokenError.MissingField, "m"); return; }
  if ((seen & K_U) == 0) { b.fail(TokenError.MissingField, "u"); return; }
  if ((seen & K_T) == 0) { b.fail(TokenError.MissingField, "t"); return; }
}

// @ts-ignore: decorator
@inline function topBit(c: i32): i32 {
  return c == 0x6d ? K_M : c == 0x75 ? K_U : c == 0x64 ? K_D : c == 0x74 ? K_T : 0;
}

function readGroups(r: CborReader, b: TokenBuilder): bool {
  const gn = r.readArrayHeader();
  if (gn < 0) return cborFail(r, b, "t");
  if (gn > b.limits.maxKeysets) return b.fail(TokenError.TooManyKeysets, "t");
  for (let g = 0; g < gn; g++) {
    b.group = g;
    b.proof = -1;
    const mn = r.readMapHeader();
    if (mn < 0) return cborFail(r, b, "");
    let seen = 0;
    let unknown: KeySpans | null = null;
    let idStart = 0;
    let idLen = 0;
    let proofs: Array<Proof> | null = null;
    for (let i = 0; i < mn; i++) {
      const keyAt = r.pos;
      if (!r.readKey()) return cborFail(r, b, "");
      let bit = 0;
      if (r.spanLen == 1) {
        const c = <i32>load<u8>(r.spanPtr());
        bit = c == 0x69 ? G_I : c == 0x70 ? G_P : 0;
      }
      if (bit == 0) {
        if (unknown == null) unknown = new KeySpans();
        if (!unknown.add(r) || !r.skip()) return cborFail(r, b, "");
        continue;
      }
      if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); return cborFail(r, b, ""); }
      seen |= bit;
      if (bit == G_I) {
        if (!r.readBytesSpan()) return cborFail(r, b, "i");
        idStart = r.spanStart;
        idLen = r.spanLen;
      } else {
        const pn = r.readArrayHeader();
        if (pn < 0) return cborFail(r, b, "p");
        if (!b.roomFor(pn)) return false;
        const list = new Array<Proof>(pn);
        for (let k = 0; k < pn; k++) {
          b.proof = k;
          const p = readProof(r, b);
          if (p == null) return false;
          list[k] = p;
        }
        b.proof = -1;
        proofs = list;
      }
    }
    if ((seen & G_I) == 0) return b.failAt(TokenError.MissingField, "i");
    if (proofs == null) return b.failAt(TokenError.MissingField, "p");
    const grp = b.groupForBytes(r.ptr(idStart), idLen, "i");
    if (grp == null) return false;
    for (let k = 0; k < proofs.length; k++) {
      b.proof = k;
      if (!b.add(grp, proofs[k])) return false;
    }
    b.proof = -1;
  }
  b.group = -1;
  return true;
}

function readProof(r: CborReader, b: TokenBuilder): Proof | null {
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, b, ""); return null; }
  const p = new Proof();
  let seen = 0;
  let unknown: KeySpans | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, b, ""); return null; }
    let bit = 0;
    if (r.spanLen == 1) {
      const c = <i32>load<u8>(r.spanPtr());
      bit = c == 0x61 ? P_A : c == 0x73 ? P_S : c == 0x63 ? P_C : c == 0x64 ? P_D : c == 0x77 ? P_W : 0;
    }
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, b, ""); return null; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, b, ""); return null; }
    seen |= bit;
    if (bit == P_A) {
      p.amount = r.readUint();
      if (!r.ok) { cborFail(r, b, "a"); return null; }
    } else if (bit == P_S) {
      const s = readText(r, b, b.limits.maxSecretLength, TokenError.SecretTooLong, "s");
      if (s == null) return null;
      if (s.length == 0) { b.failAt(TokenError.EmptySecret, "s"); return null; }
      p.secret = s;
    } else if (bit == P_C) {
      if (!r.readBytesSpan()) { cborFail(r, b, "c"); return null; }
      if (r.spanLen != 33) { b.failAt(TokenError.BadSignaturePoint, "c"); return null; }
      const first = load<u8>(r.spanPtr());
      if (first != 0x02 && first != 0x03) { b.failAt(TokenError.BadSignaturePoint, "c"); return null; }
      p.C = r.spanCopy();
    } else if (bit == P_D) {
      if (r.skipNullish()) continue;
      const d = readDleq(r, b);
      if (d == null) return null;
      p.dleq = d;
    } else {
      if (r.skipNullish()) continue;
      const w = readText(r, b, b.limits.maxWitnessLength, TokenError.WitnessTooLong, "w");
      if (w == null) return null;
      p.witness = w;
    }
  }
  if ((seen & P_A) == 0) { b.failAt(TokenError.MissingField, "a"); return null; }
  if ((seen & P_S) == 0) { b.failAt(TokenError.MissingField, "s"); return null; }
  if ((seen & P_C) == 0) { b.failAt(TokenError.MissingField, "c"); return null; }
  return p;
}

function readDleq(r: CborReader, b: TokenBuilder): Dleq | null {
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, b, "d"); return null; }
  let seen = 0;
  let unknown: KeySpans | null = null;
  let e: Uint8Array | null = null;
  let s: Uint8Array | null = null;
  let rr: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, b, "d"); return null; }
    let bit = 0;
    if (r.spanLen == 1) {
      const c = <i32>load<u8>(r.spanPtr());
      bit = c == 0x65 ? D_E : c == 0x73 ? D_S : c == 0x72 ? D_R : 0;
    }
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, b, "d"); return null; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, b, "d"); return null; }
    seen |= bit;
    if (!r.readBytesSpan()) { cborFail(r, b, "d"); return null; }
    if (r.spanLen != 32) { b.failAt(TokenError.BadDleq, "d"); return null; }
    const v = r.spanCopy();
    if (bit == D_E) e = v;
    else if (bit == D_S) s = v;
    else rr = v;
  }
  if (e == null || s == null || rr == null) { b.failAt(TokenError.BadDleq, "d"); return null; }
  return new Dleq(e, s, rr);
}

/** A text field no longer than `max` UTF-8 bytes (`tooLong` otherwise). */
function readText(r: CborReader, b: TokenBuilder, max: i32, tooLong: TokenError, field: string): string | null {
  if (!r.readTextSpan()) { cborFail(r, b, field); return null; }
  if (r.spanLen > max) { b.failAt(tooLong, field); return null; }
  return utf8DecodeValid(r.spanPtr(), r.spanLen);
}

/** Maps a reader error to WrongType (a field of the wrong type) or BadCbor (malformed bytes). */
function cborFail(r: CborReader, b: TokenBuilder, field: string): bool {
  if (b.failed) return false;
  if (r.error == CborError.WrongType) return b.failAt(TokenError.WrongType, field);
  if (r.error == CborError.None) return b.failAt(TokenError.BadCbor, field);
  const where = b.path(field);
  const d = cborErrorReason(r.error) + " at byte " + r.errorAt.toString();
  return b.fail(TokenError.BadCbor, where.length == 0 ? d : d + " in " + where);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** CBOR body of a cashuB token. Assumes `t` passed validateForEncode (token.ts). */
export function encodeTokenV4Body(t: Token, shortIds: bool): Uint8Array {
  const w = new CborWriter(128 + t.proofCount * 192);
  const memo = t.memo;
  // Key order of the NUT-00 examples (t, d, m, u), so encoding them reproduces the vectors.
  w.mapHeader(memo != null ? 4 : 3);
  w.text("t");
  let groups = 0;
  for (let i = 0; i < t.keysets.length; i++) if (t.keysets[i].proofs.length > 0) groups++;
  w.arrayHeader(groups);
  for (let i = 0; i < t.keysets.length; i++) {
    const g = t.keysets[i];
    if (g.proofs.length == 0) continue;
    w.mapHeader(2);
    w.text("i");
    writeKeysetId(w, g, shortIds);
    w.text("p");
    w.arrayHeader(g.proofs.length);
    for (let k = 0; k < g.proofs.length; k++) writeProof(w, g.proofs[k]);
  }
  if (memo != null) {
    w.text("d");
    w.text(memo);
  }
  w.text("m");
  w.text(t.mint);
  w.text("u");
  w.text(t.unit);
  return w.toBytes();
}

function writeKeysetId(w: CborWriter, g: KeysetProofs, shortIds: bool): void {
  const id = g.id;
  const bytes = hexToBytes(id, id.length >> 1)!;
  if (shortIds && classifyKeysetIdHex(id) == KeysetIdKind.V2) w.bytes(bytes.subarray(0, 8));
  else w.bytes(bytes);
}

function writeProof(w: CborWriter, p: Proof): void {
  const dleq = p.dleq;
  const witness = p.witness;
  w.mapHeader(3 + (dleq != null ? 1 : 0) + (witness != null ? 1 : 0));
  w.text("a");
  w.uint(p.amount);
  w.text("s");
  w.text(p.secret);
  w.text("c");
  w.bytes(p.C);
  if (dleq != null) {
    w.text("d");
    w.mapHeader(3);
    w.text("e");
    w.bytes(dleq.e);
    w.text("s");
    w.bytes(dleq.s);
    w.text("r");
    w.bytes(dleq.r);
  }
  if (witness != null) {
    w.text("w");
    w.text(witness);
  }
}
