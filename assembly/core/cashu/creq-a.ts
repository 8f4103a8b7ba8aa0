// NUT-18 `creqA` payment requests: "creqA" + base64url(CBOR(PaymentRequest)).
//
// Decoding accepts both base64 alphabets and optional padding, because cashu-ts writes creqA in
// standard padded base64 although NUT-18 says base64url; encoding writes base64url without
// padding, which cashu-ts and Nutshell read. Optional fields may be null/undefined (cashu-ts writes
// `"g": undefined` for a transport without tags); unknown keys are skipped. Map key order on
// output follows cashu-ts (t, i, a, u, m, d, s, nut10), so requests without transports encode
// byte-for-byte as the NUT-18 vectors.

import { Base64Alphabet, Base64Padding, Base64Result, base64ErrorReason, decodeBase64Range, encodeBase64Url } from "../encoding/base64";
import { CborError, CborReader, CborWriter, KeySpans, cborErrorReason, utf8DecodeValid } from "../encoding/cbor";
import { CreqError } from "./errors";
import { CreqEncodeResult, CreqLimits, CreqResult, Nut10Option, PaymentRequest, Transport } from "./creq-model";

const F_I = 1, F_A = 2, F_U = 4, F_S = 8, F_M = 16, F_D = 32, F_T = 64, F_N = 128;

/** Decodes s[start, end) (the part after "creqA"). */
export function decodeCreqABody(s: string, start: i32, end: i32, limits: CreqLimits, res: CreqResult): void {
  const b64 = decodeBase64Range(s, start, end, Base64Alphabet.Either, Base64Padding.Optional, new Base64Result());
  if (b64.error != 0) {
    res.fail(CreqError.BadBase64, base64ErrorReason(b64.error) + " at character " + b64.errorAt.toString());
    return;
  }
  const r = new CborReader(b64.bytes);
  r.maxDepth = limits.maxDepth;
  const pr = new PaymentRequest();
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, res, "request"); return; }
  let seen = 0;
  let unknown: KeySpans | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, res, "key"); return; }
    const bit = fieldBit(r);
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, res, "unknown field"); return; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, res, ""); return; }
    seen |= bit;
    if (r.skipNullish()) continue;
    if (bit == F_I) {
      const v = readText(r, res, limits, "i");
      if (v == null) return;
      pr.id = v;
    } else if (bit == F_A) {
      pr.amount = r.readUint();
      if (!r.ok) { cborFail(r, res, "a"); return; }
      pr.hasAmount = true;
    } else if (bit == F_U) {
      const v = readText(r, res, limits, "u");
      if (v == null) return;
      pr.unit = v;
    } else if (bit == F_S) {
      pr.singleUse = r.readBool();
      if (!r.ok) { cborFail(r, res, "s"); return; }
      pr.hasSingleUse = true;
    } else if (bit == F_M) {
      const m = r.readArrayHeader();
      if (m < 0) { cborFail(r, res, "m"); return; }
      if (m > limits.maxMints) { res.fail(CreqError.TooMany, "m"); return; }
      for (let k = 0; k < m; k++) {
        const v = readText(r, res, limits, "m");
        if (v == null) return;
        pr.mints.push(v);
      }
    } else if (bit == F_D) {
      const v = readText(r, res, limits, "d");
      if (v == null) return;
      pr.description = v;
    } else if (bit == F_T) {
      const m = r.readArrayHeader();
      if (m < 0) { cborFail(r, res, "t"); return; }
      if (m > limits.maxTransports) { res.fail(CreqError.TooMany, "t"); return; }
      for (let k = 0; k < m; k++) {
        const t = readTransport(r, res, limits);
        if (t == null) return;
        pr.transports.push(t);
      }
    } else {
      const o = readNut10(r, res, limits);
      if (o == null) return;
      pr.nut10 = o;
    }
  }
  if (!r.finish()) { cborFail(r, res, "request"); return; }
  res.request = pr;
}

function fieldBit(r: CborReader): i32 {
  if (r.spanLen == 1) {
    const c = <i32>load<u8>(r.spanPtr());
    return c == 0x69 ? F_I : c == 0x61 ? F_A : c == 0x75 ? F_U : c == 0x73 ? F_S
      : c == 0x6d ? F_M : c == 0x64 ? F_D : c == 0x74 ? F_T : 0;
  }
  return r.spanEquals("nut10") ? F_N : 0;
}

const T_T = 1, T_A = 2, T_G = 4;

function readTransport(r: CborReader, res: CreqResult, limits: CreqLimits): Transport | null {
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, res, "t"); return null; }
  const t = new Transport();
  let seen = 0;
  let unknown: KeySpans | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, res, "t"); return null; }
    let bit = 0;
    if (r.spanLen == 1) {
      const c = <i32>load<u8>(r.spanPtr());
      bit = c == 0x74 ? T_T : c == 0x61 ? T_A : c == 0x67 ? T_G : 0;
    }
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, res, "t"); return null; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, res, "t"); return null; }
    seen |= bit;
    if (r.skipNullish()) {
      if (bit != T_G) { res.fail(CreqError.MissingField, bit == T_T ? "t.t" : "t.a"); return null; }
      continue;
    }
    if (bit == T_T) {
      const v = readText(r, res, limits, "t.t");
      if (v == null) return null;
      t.type = v;
    } else if (bit == T_A) {
      const v = readText(r, res, limits, "t.a");
      if (v == null) return null;
      t.target = v;
    } else {
      if (!readTags(r, res, limits, t.tags, "t.g")) return null;
    }
  }
  if ((seen & T_T) == 0) { res.fail(CreqError.MissingField, "t.t"); return null; }
  if ((seen & T_A) == 0) { res.fail(CreqError.MissingField, "t.a"); return null; }
  return t;
}

const N_K = 1, N_D = 2, N_T = 4;

function readNut10(r: CborReader, res: CreqResult, limits: CreqLimits): Nut10Option | null {
  const n = r.readMapHeader();
  if (n < 0) { cborFail(r, res, "nut10"); return null; }
  const o = new Nut10Option();
  let seen = 0;
  let unknown: KeySpans | null = null;
  for (let i = 0; i < n; i++) {
    const keyAt = r.pos;
    if (!r.readKey()) { cborFail(r, res, "nut10"); return null; }
    let bit = 0;
    if (r.spanLen == 1) {
      const c = <i32>load<u8>(r.spanPtr());
      bit = c == 0x6b ? N_K : c == 0x64 ? N_D : c == 0x74 ? N_T : 0;
    }
    if (bit == 0) {
      if (unknown == null) unknown = new KeySpans();
      if (!unknown.add(r) || !r.skip()) { cborFail(r, res, "nut10"); return null; }
      continue;
    }
    if ((seen & bit) != 0) { r.fail(CborError.DuplicateKey, keyAt); cborFail(r, res, "nut10"); return null; }
    seen |= bit;
    if (r.skipNullish()) {
      if (bit != N_T) { res.fail(CreqError.MissingField, bit == N_K ? "nut10.k" : "nut10.d"); return null; }
      continue;
    }
    if (bit == N_K) {
      const v = readText(r, res, limits, "nut10.k");
      if (v == null) return null;
      o.kind = v;
    } else if (bit == N_D) {
      const v = readText(r, res, limits, "nut10.d");
      if (v == null) return null;
      o.data = v;
    } else {
      if (!readTags(r, res, limits, o.tags, "nut10.t")) return null;
    }
  }
  if ((seen & N_K) == 0) { res.fail(CreqError.MissingField, "nut10.k"); return null; }
  if ((seen & N_D) == 0) { res.fail(CreqError.MissingField, "nut10.d"); return null; }
  return o;
}

function readTags(r: CborReader, res: CreqResult, limits: CreqLimits, out: Array<Array<string>>, field: string): bool {
  const n = r.readArrayHeader();
  if (n < 0) return cborFail(r, res, field);
  if (n > limits.maxTags) return res.fail(CreqError.TooMany, field);
  for (let i = 0; i < n; i++) {
    const m = r.readArrayHeader();
    if (m < 0) return cborFail(r, res, field);
    if (m > limits.maxTagStrings) return res.fail(CreqError.TooMany, field);
    const tag = new Array<string>(m);
    for (let k = 0; k < m; k++) {
      const v = readText(r, res, limits, field);
      if (v == null) return false;
      tag[k] = v;
    }
    out.push(tag);
  }
  return true;
}

function readText(r: CborReader, res: CreqResult, limits: CreqLimits, field: string): string | null {
  if (!r.readTextSpan()) { cborFail(r, res, field); return null; }
  if (r.spanLen > limits.maxStringLength) { res.fail(CreqError.StringTooLong, field); return null; }
  return utf8DecodeValid(r.spanPtr(), r.spanLen);
}

function cborFail(r: CborReader, res: CreqResult, field: string): bool {
  if (r.error == CborError.WrongType) return res.fail(CreqError.WrongType, field);
  if (r.error == CborError.BadUtf8) return res.fail(CreqError.BadUtf8, field);
  return res.fail(CreqError.BadCbor, cborErrorReason(r.error) + " at byte " + r.errorAt.toString());
}

/** "creqA" + base64url(CBOR) of `pr` (no padding). */
export function encodeCreqA(pr: PaymentRequest): CreqEncodeResult {
  const out = new CreqEncodeResult();
  const w = new CborWriter(256);
  const id = pr.id;
  const unit = pr.unit;
  const desc = pr.description;
  const nut10 = pr.nut10;
  let n = 0;
  if (pr.transports.length > 0) n++;
  if (id != null) n++;
  if (pr.hasAmount) n++;
  if (unit != null) n++;
  if (pr.mints.length > 0) n++;
  if (desc != null) n++;
  if (pr.hasSingleUse) n++;
  if (nut10 != null) n++;
  w.mapHeader(n);
  if (pr.transports.length > 0) {
    w.text("t");
    w.arrayHeader(pr.transports.length);
    for (let i = 0; i < pr.transports.length; i++) {
      const t = pr.transports[i];
      w.mapHeader(t.tags.length > 0 ? 3 : 2);
      w.text("t");
      w.text(t.type);
      w.text("a");
      w.text(t.target);
      if (t.tags.length > 0) {
        w.text("g");
        writeTags(w, t.tags);
      }
    }
  }
  if (id != null) { w.text("i"); w.text(id); }
  if (pr.hasAmount) { w.text("a"); w.uint(pr.amount); }
  if (unit != null) { w.text("u"); w.text(unit); }
  if (pr.mints.length > 0) {
    w.text("m");
    w.arrayHeader(pr.mints.length);
    for (let i = 0; i < pr.mints.length; i++) w.text(pr.mints[i]);
  }
  if (desc != null) { w.text("d"); w.text(desc); }
  if (pr.hasSingleUse) { w.text("s"); w.bool(pr.singleUse); }
  if (nut10 != null) {
    w.text("nut10");
    w.mapHeader(nut10.tags.length > 0 ? 3 : 2);
    w.text("k");
    w.text(nut10.kind);
    w.text("d");
    w.text(nut10.data);
    if (nut10.tags.length > 0) {
      w.text("t");
      writeTags(w, nut10.tags);
    }
  }
  out.value = "creqA" + encodeBase64Url(w.toBytes());
  return out;
}

function writeTags(w: CborWriter, tags: Array<Array<string>>): void {
  w.arrayHeader(tags.length);
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i];
    w.arrayHeader(tag.length);
    for (let k = 0; k < tag.length; k++) w.text(tag[k]);
  }
}
