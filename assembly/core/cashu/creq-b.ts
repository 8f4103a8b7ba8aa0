// NUT-26 `creqB` payment requests: bech32m("creqb", TLV(PaymentRequest)), upper case by default
// (QR alphanumeric mode), decoded in either case.
//
// TLV: 1-byte type, 2-byte big-endian length, value. Top level: 1 id, 2 amount (u64 BE, exactly
// 8 bytes), 3 unit (single 0x00 = "sat", else UTF-8), 4 single_use (one byte 0/1), 5 mint
// (repeatable), 6 description, 7 transport (sub-TLV, repeatable), 8 nut10 (sub-TLV). Transport
// sub-TLV: 1 kind (0 nostr, 1 post), 2 target (nostr: 32-byte key; post: UTF-8 URL), 3 tag tuple
// (repeatable). NUT-10 sub-TLV: 1 kind (0 P2PK, 1 HTLC), 2 data, 3 tag tuple. A tag tuple is a
// sequence of (1-byte length, UTF-8 string), key first.
//
// Strictness: unknown tags are ignored (NUT-26 requires it); fields that are not repeatable must
// not repeat (DuplicateField; cashu-ts silently keeps the last one, except for nut10); fixed-size
// fields must have their size; every string must be valid UTF-8.

import { BECH32_DEFAULT_LIMIT, Bech32Error, Bech32Variant, bech32Decode, bech32ErrorReason, bech32Encode } from "../encoding/bech32m";
import { utf8Valid, utf8DecodeValid, utf8Encode } from "../encoding/cbor";
import { CreqError } from "./errors";
import { CreqEncodeResult, CreqLimits, CreqResult, Nut10Option, PaymentRequest, Transport } from "./creq-model";
import { decodeNostrTarget, encodeNprofile } from "./nostr";

/** Decodes a whole "creqb1…" string (either case). */
export function decodeCreqB(s: string, limits: CreqLimits, res: CreqResult): void {
  const d = bech32Decode(s, Bech32Variant.Bech32m, limits.maxLength);
  if (d.error != Bech32Error.None) {
    res.fail(CreqError.BadBech32, bech32ErrorReason(d.error) + " at character " + d.errorAt.toString());
    return;
  }
  if (d.hrp != "creqb") { res.fail(CreqError.BadPrefix, "prefix " + d.hrp); return; }
  const b = d.data;
  const pr = new PaymentRequest();
  const t = new Tlv(b, 0, b.length);
  let seen = 0;
  while (t.next()) {
    const tag = t.tag;
    if (tag >= 1 && tag <= 8 && tag != 5 && tag != 7) {
      const bit = 1 << tag;
      if ((seen & bit) != 0) { res.fail(CreqError.DuplicateField, "tag " + tag.toString()); return; }
      seen |= bit;
    }
    if (tag == 1) {
      const v = t.text(limits, res, "id");
      if (v == null) return;
      pr.id = v;
    } else if (tag == 2) {
      if (t.len != 8) { res.fail(CreqError.BadTlv, "amount must be 8 bytes"); return; }
      pr.amount = bswap<u64>(load<u64>(t.ptr()));
      pr.hasAmount = true;
    } else if (tag == 3) {
      if (t.len == 0) { res.fail(CreqError.BadTlv, "empty unit"); return; }
      if (t.len == 1 && load<u8>(t.ptr()) == 0) pr.unit = "sat";
      else {
        const v = t.text(limits, res, "unit");
        if (v == null) return;
        pr.unit = v;
      }
    } else if (tag == 4) {
      const v = t.len == 1 ? <i32>load<u8>(t.ptr()) : -1;
      if (v != 0 && v != 1) { res.fail(CreqError.BadTlv, "single_use must be one byte 0 or 1"); return; }
      pr.singleUse = v == 1;
      pr.hasSingleUse = true;
    } else if (tag == 5) {
      if (pr.mints.length >= limits.maxMints) { res.fail(CreqError.TooMany, "mints"); return; }
      const v = t.text(limits, res, "mint");
      if (v == null) return;
      pr.mints.push(v);
    } else if (tag == 6) {
      const v = t.text(limits, res, "description");
      if (v == null) return;
      pr.description = v;
    } else if (tag == 7) {
      if (pr.transports.length >= limits.maxTransports) { res.fail(CreqError.TooMany, "transports"); return; }
      const tr = decodeTransport(b, t.pos, t.pos + t.len, limits, res);
      if (tr == null) return;
      pr.transports.push(tr);
    } else if (tag == 8) {
      const o = decodeNut10(b, t.pos, t.pos + t.len, limits, res);
      if (o == null) return;
      pr.nut10 = o;
    }
  }
  if (t.bad) { res.fail(CreqError.BadTlv, "truncated field"); return; }
  res.request = pr;
}

function decodeTransport(b: Uint8Array, start: i32, end: i32, limits: CreqLimits, res: CreqResult): Transport | null {
  const t = new Tlv(b, start, end);
  let kind = -1;
  let targetStart = -1;
  let targetLen = 0;
  const tags = new Array<Array<string>>();
  while (t.next()) {
    if (t.tag == 1) {
      if (kind >= 0) { res.fail(CreqError.DuplicateField, "transport kind"); return null; }
      if (t.len != 1) { res.fail(CreqError.BadTlv, "transport kind must be one byte"); return null; }
      kind = <i32>load<u8>(t.ptr());
    } else if (t.tag == 2) {
      if (targetStart >= 0) { res.fail(CreqError.DuplicateField, "transport target"); return null; }
      targetStart = t.pos;
      targetLen = t.len;
    } else if (t.tag == 3) {
      if (tags.length >= limits.maxTags) { res.fail(CreqError.TooMany, "transport tags"); return null; }
      const tuple = decodeTuple(b, t.pos, t.pos + t.len, limits, res);
      if (tuple == null) return null;
      tags.push(tuple);
    }
  }
  if (t.bad) { res.fail(CreqError.BadTlv, "truncated transport field"); return null; }
  if (kind < 0) { res.fail(CreqError.MissingField, "transport kind"); return null; }
  if (targetStart < 0) { res.fail(CreqError.MissingField, "transport target"); return null; }
  const out = new Transport();
  if (kind == 0) {
    if (targetLen != 32) { res.fail(CreqError.BadNostrTarget, "nostr key must be 32 bytes"); return null; }
    const relays = new Array<string>();
    for (let i = 0; i < tags.length; i++) {
      const tag = tags[i];
      if (tag.length > 0 && tag[0] == "r") {
        for (let k = 1; k < tag.length; k++) relays.push(tag[k]);
      } else out.tags.push(tag);
    }
    const np = encodeNprofile(b.slice(targetStart, targetStart + 32), relays);
    if (np == null) { res.fail(CreqError.BadNostrTarget, "relays"); return null; }
    out.type = "nostr";
    out.target = np;
  } else if (kind == 1) {
    if (targetLen > limits.maxStringLength) { res.fail(CreqError.StringTooLong, "transport target"); return null; }
    if (!utf8Valid(b.dataStart + <usize>targetStart, targetLen)) { res.fail(CreqError.BadUtf8, "transport target"); return null; }
    out.type = "post";
    out.target = utf8DecodeValid(b.dataStart + <usize>targetStart, targetLen);
    out.tags = tags;
  } else {
    res.fail(CreqError.UnknownTransport, "kind " + kind.toString());
    return null;
  }
  return out;
}

function decodeNut10(b: Uint8Array, start: i32, end: i32, limits: CreqLimits, res: CreqResult): Nut10Option | null {
  const t = new Tlv(b, start, end);
  let kind = -1;
  let data: string | null = null;
  const o = new Nut10Option();
  while (t.next()) {
    if (t.tag == 1) {
      if (kind >= 0) { res.fail(CreqError.DuplicateField, "nut10 kind"); return null; }
      if (t.len != 1) { res.fail(CreqError.BadTlv, "nut10 kind must be one byte"); return null; }
      kind = <i32>load<u8>(t.ptr());
    } else if (t.tag == 2) {
      if (data != null) { res.fail(CreqError.DuplicateField, "nut10 data"); return null; }
      data = t.text(limits, res, "nut10 data");
      if (data == null) return null;
    } else if (t.tag == 3) {
      if (o.tags.length >= limits.maxTags) { res.fail(CreqError.TooMany, "nut10 tags"); return null; }
      const tuple = decodeTuple(b, t.pos, t.pos + t.len, limits, res);
      if (tuple == null) return null;
      o.tags.push(tuple);
    }
  }
  if (t.bad) { res.fail(CreqError.BadTlv, "truncated nut10 field"); return null; }
  if (kind < 0) { res.fail(CreqError.MissingField, "nut10 kind"); return null; }
  if (data == null) { res.fail(CreqError.MissingField, "nut10 data"); return null; }
  if (kind == 0) o.kind = "P2PK";
  else if (kind == 1) o.kind = "HTLC";
  else { res.fail(CreqError.UnknownNut10Kind, "kind " + kind.toString()); return null; }
  o.data = data;
  return o;
}

function decodeTuple(b: Uint8Array, start: i32, end: i32, limits: CreqLimits, res: CreqResult): Array<string> | null {
  const out = new Array<string>();
  let i = start;
  while (i < end) {
    const l = <i32>b[i];
    i++;
    if (i + l > end) { res.fail(CreqError.BadTlv, "truncated tag tuple"); return null; }
    if (out.length >= limits.maxTagStrings) { res.fail(CreqError.TooMany, "tag tuple"); return null; }
    const p = b.dataStart + <usize>i;
    if (!utf8Valid(p, l)) { res.fail(CreqError.BadUtf8, "tag tuple"); return null; }
    out.push(utf8DecodeValid(p, l));
    i += l;
  }
  return out;
}

/** Iterates TLV entries of b[start, end); `bad` is set when an entry runs past `end`. */
class Tlv {
  tag: i32 = 0;
  len: i32 = 0;
  /** Offset of the current value. */
  pos: i32 = 0;
  bad: bool = false;
  private next_: i32;

  constructor(private b: Uint8Array, start: i32, private end: i32) {
    this.next_ = start;
  }

  next(): bool {
    const i = this.next_;
    if (i >= this.end) return false;
    if (i + 3 > this.end) { this.bad = true; return false; }
    const b = this.b;
    this.tag = <i32>b[i];
    this.len = (<i32>b[i + 1] << 8) | <i32>b[i + 2];
    this.pos = i + 3;
    if (this.pos + this.len > this.end) { this.bad = true; return false; }
    this.next_ = this.pos + this.len;
    return true;
  }

  ptr(): usize { return this.b.dataStart + <usize>this.pos; }

  text(limits: CreqLimits, res: CreqResult, field: string): string | null {
    if (this.len > limits.maxStringLength) { res.fail(CreqError.StringTooLong, field); return null; }
    if (!utf8Valid(this.ptr(), this.len)) { res.fail(CreqError.BadUtf8, field); return null; }
    return utf8DecodeValid(this.ptr(), this.len);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Growable byte buffer for TLV output. */
class Bytes {
  buf: Uint8Array = new Uint8Array(256);
  len: i32 = 0;

  push(v: i32): void {
    this.ensure(1);
    this.buf[this.len++] = <u8>v;
  }

  append(p: usize, n: i32): void {
    this.ensure(n);
    memory.copy(this.buf.dataStart + <usize>this.len, p, n);
    this.len += n;
  }

  /** One TLV entry; false when the value exceeds 65535 bytes. */
  tlv(tag: i32, p: usize, n: i32): bool {
    if (n > 0xffff) return false;
    this.push(tag);
    this.push(n >> 8);
    this.push(n & 0xff);
    this.append(p, n);
    return true;
  }

  tlvBytes(tag: i32, b: Uint8Array): bool { return this.tlv(tag, b.dataStart, b.length); }

  toBytes(): Uint8Array { return this.buf.slice(0, this.len); }

  private ensure(n: i32): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length << 1;
    while (cap < this.len + n) cap <<= 1;
    const nb = new Uint8Array(cap);
    memory.copy(nb.dataStart, this.buf.dataStart, this.len);
    this.buf = nb;
  }
}

/** bech32m creqB of `pr`, upper case unless `upper` is false. */
export function encodeCreqB(pr: PaymentRequest, upper: bool = true, maxLength: i32 = BECH32_DEFAULT_LIMIT): CreqEncodeResult {
  const out = new CreqEncodeResult();
  const w = new Bytes();
  const id = pr.id;
  if (id != null && !w.tlvBytes(1, utf8Encode(id))) return out.fail(CreqError.StringTooLong, "id");
  if (pr.hasAmount) {
    const a = new Uint8Array(8);
    store<u64>(a.dataStart, bswap<u64>(pr.amount));
    w.tlvBytes(2, a);
  }
  const unit = pr.unit;
  if (unit != null) {
    if (unit == "sat") {
      const z = new Uint8Array(1);
      w.tlvBytes(3, z);
    } else if (unit.length == 0 || !w.tlvBytes(3, utf8Encode(unit))) return out.fail(CreqError.StringTooLong, "unit");
  }
  if (pr.hasSingleUse) {
    const s = new Uint8Array(1);
    s[0] = pr.singleUse ? 1 : 0;
    w.tlvBytes(4, s);
  }
  for (let i = 0; i < pr.mints.length; i++) {
    if (!w.tlvBytes(5, utf8Encode(pr.mints[i]))) return out.fail(CreqError.StringTooLong, "mint");
  }
  const desc = pr.description;
  if (desc != null && !w.tlvBytes(6, utf8Encode(desc))) return out.fail(CreqError.StringTooLong, "description");
  for (let i = 0; i < pr.transports.length; i++) {
    const sub = encodeTransport(pr.transports[i], out);
    if (sub == null) return out;
    if (!w.tlvBytes(7, sub)) return out.fail(CreqError.TooLong, "transport");
  }
  const nut10 = pr.nut10;
  if (nut10 != null) {
    const sub = new Bytes();
    let kind = -1;
    if (nut10.kind == "P2PK") kind = 0;
    else if (nut10.kind == "HTLC") kind = 1;
    else return out.fail(CreqError.UnknownNut10Kind, nut10.kind);
    sub.push(1); sub.push(0); sub.push(1); sub.push(kind);
    if (!sub.tlvBytes(2, utf8Encode(nut10.data))) return out.fail(CreqError.StringTooLong, "nut10 data");
    for (let i = 0; i < nut10.tags.length; i++) {
      const tuple = encodeTuple(nut10.tags[i]);
      if (tuple == null) return out.fail(CreqError.StringTooLong, "nut10 tag");
      if (!sub.tlvBytes(3, tuple)) return out.fail(CreqError.TooLong, "nut10 tag");
    }
    if (!w.tlvBytes(8, sub.toBytes())) return out.fail(CreqError.TooLong, "nut10");
  }
  const e = bech32Encode("creqb", w.toBytes(), Bech32Variant.Bech32m, upper, maxLength);
  if (e.error != Bech32Error.None) return out.fail(CreqError.TooLong, bech32ErrorReason(e.error));
  out.value = e.value;
  return out;
}

function encodeTransport(t: Transport, out: CreqEncodeResult): Uint8Array | null {
  const sub = new Bytes();
  let relays: Array<string> = [];
  if (t.type == "nostr") {
    const target = decodeNostrTarget(t.target);
    if (target == null) { out.fail(CreqError.BadNostrTarget, "target"); return null; }
    sub.push(1); sub.push(0); sub.push(1); sub.push(0);
    sub.tlvBytes(2, target.pubkey);
    relays = target.relays;
  } else if (t.type == "post") {
    sub.push(1); sub.push(0); sub.push(1); sub.push(1);
    if (!sub.tlvBytes(2, utf8Encode(t.target))) { out.fail(CreqError.StringTooLong, "target"); return null; }
  } else {
    out.fail(CreqError.UnknownTransport, t.type);
    return null;
  }
  for (let i = 0; i < t.tags.length; i++) {
    const tuple = encodeTuple(t.tags[i]);
    if (tuple == null) { out.fail(CreqError.StringTooLong, "transport tag"); return null; }
    if (!sub.tlvBytes(3, tuple)) { out.fail(CreqError.TooLong, "transport tag"); return null; }
  }
  // Relays of an nprofile follow the other tags, as in the NUT-26 vectors (cashu-ts puts them
  // first; both orders decode the same).
  for (let i = 0; i < relays.length; i++) {
    const r = new Array<string>(2);
    r[0] = "r";
    r[1] = relays[i];
    const tuple = encodeTuple(r);
    if (tuple == null) { out.fail(CreqError.StringTooLong, "relay"); return null; }
    if (!sub.tlvBytes(3, tuple)) { out.fail(CreqError.TooLong, "relay"); return null; }
  }
  return sub.toBytes();
}

/** (len, bytes)… of a tag tuple, or null when a string exceeds 255 bytes. */
function encodeTuple(tag: Array<string>): Uint8Array | null {
  const w = new Bytes();
  for (let i = 0; i < tag.length; i++) {
    const s = utf8Encode(tag[i]);
    if (s.length > 255) return null;
    w.push(s.length);
    w.append(s.dataStart, s.length);
  }
  return w.toBytes();
}
