// Strict CBOR (RFC 8949) for the shapes Cashu uses: maps with text keys, arrays, byte strings,
// text strings, unsigned integers up to u64, false/true/null/undefined.
//
// Three parts:
//   CborReader  a pull reader: the token and payment-request decoders walk their known structure
//               with it, without building a tree (decode speed matters on the request path);
//   decodeCbor  a small tree decoder on top of it, for generic use and tests;
//   CborWriter  a definite-length, minimal-length encoder.
//
// Strictness decisions (see docs/protocol.md):
// - Indefinite lengths (additional info 31) are rejected: cashu-ts and Nutshell (cbor2) only write
//   definite lengths and cashu-ts itself cannot read indefinite ones, so accepting them would only
//   widen what an attacker can send.
// - Non-minimal lengths/integers (e.g. 0x18 0x05 for 5) are accepted by default: nothing here is
//   hashed or signed, so a second spelling of the same value is harmless, and rejecting it could
//   refuse a payment from an encoder that uses fixed-width integers. `requireMinimal` turns the
//   check on.
// - Tags (major type 6) are rejected: no Cashu structure uses them and cashu-ts rejects them too.
// - Half/single/double floats and other simple values are skipped inside unknown fields (forward
//   compatibility) but are never accepted where a known field is read, and the tree decoder
//   rejects them.
// - Duplicate map keys are rejected in every map the decoders read, including maps nested in
//   skipped unknown fields; map keys must be text strings.
// - Text strings must be valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
// - Every length and count is checked against the bytes that remain before anything is allocated,
//   so a claimed 4 GiB string costs nothing; nesting depth is bounded (maxDepth).
// - Nothing may follow the top-level item (finish() reports TrailingData).
// Errors are named CborError codes with the byte offset; nothing traps.
//
// The strict UTF-8 validator/decoder used for text strings lives here too and is exported for the
// other Cashu decoders (cashuA JSON arrives as base64 of UTF-8).

export const enum CborError {
  None = 0,
  /** The input ends inside an item. */
  Truncated,
  /** Bytes follow the top-level item. */
  TrailingData,
  /** Nesting deeper than maxDepth. */
  TooDeep,
  /** A length or count larger than the remaining input (or a caller's limit). */
  TooLong,
  /** An indefinite-length item (not produced by Cashu encoders). */
  Indefinite,
  /** Additional information 28..30 (reserved by RFC 8949). */
  Reserved,
  /** A tag, float or simple value where none is allowed. */
  Unsupported,
  /** A length or integer not in its shortest form (only with requireMinimal). */
  NonMinimal,
  /** The same key twice in one map. */
  DuplicateKey,
  /** A map key that is not a text string. */
  NonTextKey,
  /** A text string that is not valid UTF-8. */
  BadUtf8,
  /** An item of another type than the field requires. */
  WrongType,
}

export function cborErrorReason(e: CborError): string {
  switch (e) {
    case CborError.None: return "no error";
    case CborError.Truncated: return "CBOR data is truncated";
    case CborError.TrailingData: return "unexpected data after the CBOR item";
    case CborError.TooDeep: return "CBOR nesting too deep";
    case CborError.TooLong: return "CBOR length exceeds the data or a limit";
    case CborError.Indefinite: return "indefinite-length CBOR items are not accepted";
    case CborError.Reserved: return "reserved CBOR additional information";
    case CborError.Unsupported: return "unsupported CBOR item (tag, float or simple value)";
    case CborError.NonMinimal: return "non-minimal CBOR encoding";
    case CborError.DuplicateKey: return "duplicate key in a CBOR map";
    case CborError.NonTextKey: return "CBOR map key is not a text string";
    case CborError.BadUtf8: return "CBOR text string is not valid UTF-8";
    case CborError.WrongType: return "CBOR item has the wrong type";
  }
  return "unknown CBOR error";
}

export const enum CborMajor {
  Uint = 0,
  NegInt = 1,
  Bytes = 2,
  Text = 3,
  Array = 4,
  Map = 5,
  Tag = 6,
  Simple = 7,
}

const EMPTY = new Uint8Array(0);

/**
 * Pull reader over bytes[start, end). After the first error every read returns a neutral value
 * (0, false, null, empty) and the first error and its offset are kept, so a caller can check once
 * per structure instead of after every read.
 */
export class CborReader {
  error: CborError = CborError.None;
  errorAt: i32 = 0;
  /** Reject non-shortest lengths and integers. */
  requireMinimal: bool = false;
  /** Maximum nesting inside skip() and decodeCbor(). */
  maxDepth: i32 = 16;
  pos: i32 = 0;
  end: i32 = 0;
  /** Where the bytes of the last byte/text string read with a *Span method start, and their length. */
  spanStart: i32 = 0;
  spanLen: i32 = 0;
  private buf: Uint8Array = EMPTY;
  private base: usize = 0;

  constructor(buf: Uint8Array = EMPTY) {
    this.reset(buf);
  }

  reset(buf: Uint8Array, start: i32 = 0, end: i32 = -1): CborReader {
    this.buf = buf;
    this.base = buf.dataStart;
    this.pos = start < 0 ? 0 : start;
    this.end = end < 0 || end > buf.length ? buf.length : end;
    this.error = CborError.None;
    this.errorAt = 0;
    this.spanStart = 0;
    this.spanLen = 0;
    return this;
  }

  get ok(): bool { return this.error == CborError.None; }

  atEnd(): bool { return this.pos >= this.end; }

  /** Records `e` unless an error is already recorded. */
  fail(e: CborError, at: i32 = -1): void {
    if (this.error != CborError.None) return;
    this.error = e;
    this.errorAt = at < 0 ? this.pos : at;
  }

  /** The initial byte of the next item, or -1 at the end or after an error. */
  peekByte(): i32 {
    if (this.error != CborError.None || this.pos >= this.end) return -1;
    return <i32>load<u8>(this.base + <usize>this.pos);
  }

  /** The major type of the next item, or -1. */
  peekMajor(): i32 {
    const b = this.peekByte();
    return b < 0 ? -1 : b >> 5;
  }

  /** Consumes a null (0xf6) or undefined (0xf7) and returns true; otherwise reads nothing. */
  skipNullish(): bool {
    const b = this.peekByte();
    if (b == 0xf6 || b == 0xf7) {
      this.pos++;
      return true;
    }
    return false;
  }

  readUint(): u64 {
    return this.head(CborMajor.Uint);
  }

  /** Reads a negative integer -1 - n and returns n. */
  readNegInt(): u64 {
    return this.head(CborMajor.NegInt);
  }

  /** Reads false/true; sets WrongType for anything else. */
  readBool(): bool {
    const b = this.peekByte();
    if (b < 0) {
      if (this.error == CborError.None) this.fail(CborError.Truncated);
      return false;
    }
    if (b == 0xf4 || b == 0xf5) {
      this.pos++;
      return b == 0xf5;
    }
    this.fail(CborError.WrongType);
    return false;
  }

  /** Element count of an array (bounded by the remaining bytes), or -1 on error. */
  readArrayHeader(): i32 {
    const at = this.pos;
    const n = this.head(CborMajor.Array);
    if (this.error != CborError.None) return -1;
    if (n > <u64>(this.end - this.pos)) {
      this.fail(CborError.TooLong, at);
      return -1;
    }
    return <i32>n;
  }

  /** Entry count of a map (bounded by the remaining bytes), or -1 on error. */
  readMapHeader(): i32 {
    const at = this.pos;
    const n = this.head(CborMajor.Map);
    if (this.error != CborError.None) return -1;
    if (n > <u64>((this.end - this.pos) >> 1)) {
      this.fail(CborError.TooLong, at);
      return -1;
    }
    return <i32>n;
  }

  /** Reads a byte string, leaving it in spanStart/spanLen (no copy). */
  readBytesSpan(): bool {
    return this.string(CborMajor.Bytes);
  }

  /** Reads a byte string into a new array, or returns null on error. */
  readBytes(): Uint8Array | null {
    if (!this.string(CborMajor.Bytes)) return null;
    return this.spanCopy();
  }

  /** Reads a UTF-8 text string, leaving its bytes in spanStart/spanLen. */
  readTextSpan(): bool {
    if (!this.string(CborMajor.Text)) return false;
    if (!utf8Valid(this.base + <usize>this.spanStart, this.spanLen)) {
      this.fail(CborError.BadUtf8, this.spanStart);
      return false;
    }
    return true;
  }

  readText(): string | null {
    if (!this.readTextSpan()) return null;
    return utf8DecodeValid(this.base + <usize>this.spanStart, this.spanLen);
  }

  /** Reads a map key (must be text) into spanStart/spanLen. */
  readKey(): bool {
    const m = this.peekMajor();
    if (m >= 0 && m != CborMajor.Text) {
      this.fail(CborError.NonTextKey);
      return false;
    }
    return this.readTextSpan();
  }

  /** True when the last span is exactly the one ASCII character `c`. */
  spanIsChar(c: i32): bool {
    return this.spanLen == 1 && <i32>load<u8>(this.base + <usize>this.spanStart) == c;
  }

  /** True when the last span equals the ASCII string `s`. */
  spanEquals(s: string): bool {
    if (this.spanLen != s.length) return false;
    const p = this.base + <usize>this.spanStart;
    for (let i = 0; i < s.length; i++) {
      if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
    }
    return true;
  }

  /** A copy of the last span. */
  spanCopy(): Uint8Array {
    const out = new Uint8Array(this.spanLen);
    memory.copy(out.dataStart, this.base + <usize>this.spanStart, this.spanLen);
    return out;
  }

  /** Address of input byte `offset` (valid while the input array is alive). */
  ptr(offset: i32): usize {
    return this.base + <usize>offset;
  }

  /** Pointer to the first byte of the last span (valid while the input array is alive). */
  spanPtr(): usize {
    return this.base + <usize>this.spanStart;
  }

  /**
   * Skips one well-formed item of any supported type (floats and simple values included, tags not),
   * checking map keys for type and duplicates on the way. Used for unknown fields.
   */
  skip(): bool {
    return this.skipAt(0);
  }

  /** TrailingData unless every byte has been consumed. */
  finish(): bool {
    if (this.error != CborError.None) return false;
    if (this.pos != this.end) {
      this.fail(CborError.TrailingData);
      return false;
    }
    return true;
  }

  private skipAt(depth: i32): bool {
    if (this.error != CborError.None) return false;
    if (depth > this.maxDepth) {
      this.fail(CborError.TooDeep);
      return false;
    }
    const b = this.peekByte();
    if (b < 0) {
      this.fail(CborError.Truncated);
      return false;
    }
    const major = b >> 5;
    switch (major) {
      case CborMajor.Uint:
      case CborMajor.NegInt:
        this.head(major);
        break;
      case CborMajor.Bytes:
        this.string(CborMajor.Bytes);
        break;
      case CborMajor.Text:
        this.readTextSpan();
        break;
      case CborMajor.Array: {
        const n = this.readArrayHeader();
        for (let i = 0; i < n; i++) if (!this.skipAt(depth + 1)) return false;
        break;
      }
      case CborMajor.Map: {
        const n = this.readMapHeader();
        if (n <= 0) break;
        const keys = new KeySpans();
        for (let i = 0; i < n; i++) {
          if (!this.readKey()) return false;
          if (!keys.add(this)) return false;
          if (!this.skipAt(depth + 1)) return false;
        }
        break;
      }
      case CborMajor.Tag:
        this.fail(CborError.Unsupported);
        break;
      default: {
        // Major 7: simple values and floats.
        const ai = b & 31;
        this.pos++;
        if (ai < 24) break;
        if (ai == 24) { this.need(1); if (this.ok) this.pos += 1; break; }
        if (ai == 25) { this.need(2); if (this.ok) this.pos += 2; break; }
        if (ai == 26) { this.need(4); if (this.ok) this.pos += 4; break; }
        if (ai == 27) { this.need(8); if (this.ok) this.pos += 8; break; }
        this.pos--;
        this.fail(ai == 31 ? CborError.Indefinite : CborError.Reserved);
      }
    }
    return this.error == CborError.None;
  }

  private need(n: i32): bool {
    if (this.end - this.pos < n) {
      this.fail(CborError.Truncated);
      return false;
    }
    return true;
  }

  /** Reads an item header of major type `major` and returns its argument (0 on error). */
  private head(major: i32): u64 {
    if (this.error != CborError.None) return 0;
    if (this.pos >= this.end) {
      this.fail(CborError.Truncated);
      return 0;
    }
    const at = this.pos;
    const ib = <i32>load<u8>(this.base + <usize>at);
    if ((ib >> 5) != major) {
      this.fail(CborError.WrongType, at);
      return 0;
    }
    const ai = ib & 31;
    this.pos = at + 1;
    if (ai < 24) return <u64>ai;
    let v: u64 = 0;
    let min: u64 = 0;
    if (ai == 24) {
      if (!this.need(1)) return 0;
      v = <u64>load<u8>(this.base + <usize>this.pos);
      this.pos += 1;
      min = 24;
    } else if (ai == 25) {
      if (!this.need(2)) return 0;
      v = <u64>bswap<u16>(load<u16>(this.base + <usize>this.pos));
      this.pos += 2;
      min = 0x100;
    } else if (ai == 26) {
      if (!this.need(4)) return 0;
      v = <u64>bswap<u32>(load<u32>(this.base + <usize>this.pos));
      this.pos += 4;
      min = 0x10000;
    } else if (ai == 27) {
      if (!this.need(8)) return 0;
      v = bswap<u64>(load<u64>(this.base + <usize>this.pos));
      this.pos += 8;
      min = 0x100000000;
    } else {
      this.fail(ai == 31 ? CborError.Indefinite : CborError.Reserved, at);
      return 0;
    }
    if (this.requireMinimal && v < min) {
      this.fail(CborError.NonMinimal, at);
      return 0;
    }
    return v;
  }

  private string(major: i32): bool {
    const at = this.pos;
    const n = this.head(major);
    if (this.error != CborError.None) return false;
    if (n > <u64>(this.end - this.pos)) {
      this.fail(CborError.Truncated, at);
      return false;
    }
    this.spanStart = this.pos;
    this.spanLen = <i32>n;
    this.pos += <i32>n;
    return true;
  }
}

/**
 * Remembers the raw key spans of one map and reports a duplicate. Maps in Cashu structures have a
 * handful of keys, so a linear scan is cheaper than hashing.
 */
export class KeySpans {
  private starts: Array<i32> = [];
  private lens: Array<i32> = [];
  private base: usize = 0;

  /** Adds the reader's last span (a key just read); false (and DuplicateKey) if already seen. */
  add(r: CborReader): bool {
    const p = r.spanPtr();
    const start = r.spanStart;
    const len = r.spanLen;
    this.base = p - <usize>start;
    for (let i = 0; i < this.starts.length; i++) {
      if (this.lens[i] == len && memory.compare(this.base + <usize>this.starts[i], p, len) == 0) {
        r.fail(CborError.DuplicateKey, start);
        return false;
      }
    }
    this.starts.push(start);
    this.lens.push(len);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Tree decoder

export const enum CborKind { Uint, NegInt, Bytes, Text, Array, Map, Bool, Null, Undefined }

export class CborValue {
  constructor(public kind: CborKind) {}
}

export class CborUint extends CborValue {
  constructor(public value: u64) { super(CborKind.Uint); }
}

/** A negative integer -1 - n, kept as n so the whole CBOR range fits. */
export class CborNegInt extends CborValue {
  constructor(public n: u64) { super(CborKind.NegInt); }
}

export class CborBytes extends CborValue {
  constructor(public value: Uint8Array) { super(CborKind.Bytes); }
}

export class CborText extends CborValue {
  constructor(public value: string) { super(CborKind.Text); }
}

export class CborArray extends CborValue {
  items: Array<CborValue> = [];
  constructor() { super(CborKind.Array); }
}

export class CborMap extends CborValue {
  keys: Array<string> = [];
  values: Array<CborValue> = [];
  constructor() { super(CborKind.Map); }

  get(key: string): CborValue | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.values[i];
    return null;
  }
}

export class CborBool extends CborValue {
  constructor(public value: bool) { super(CborKind.Bool); }
}

export class CborNull extends CborValue {
  constructor(undef: bool) { super(undef ? CborKind.Undefined : CborKind.Null); }
}

/**
 * Decodes exactly one item filling all of `bytes`. Returns null on error; the reader (pass one to
 * set limits) holds the error and its offset.
 */
export function decodeCbor(bytes: Uint8Array, reader: CborReader | null = null): CborValue | null {
  let r: CborReader;
  if (reader == null) r = new CborReader(bytes);
  else {
    r = reader;
    r.reset(bytes);
  }
  const v = treeItem(r, 0);
  if (v == null) return null;
  if (!r.finish()) return null;
  return v;
}

function treeItem(r: CborReader, depth: i32): CborValue | null {
  if (depth > r.maxDepth) {
    r.fail(CborError.TooDeep);
    return null;
  }
  const b = r.peekByte();
  if (b < 0) {
    r.fail(CborError.Truncated);
    return null;
  }
  switch (b >> 5) {
    case CborMajor.Uint: {
      const v = r.readUint();
      return r.ok ? new CborUint(v) : null;
    }
    case CborMajor.NegInt: {
      const n = r.readNegInt();
      return r.ok ? new CborNegInt(n) : null;
    }
    case CborMajor.Bytes: {
      const v = r.readBytes();
      return v == null ? null : new CborBytes(v);
    }
    case CborMajor.Text: {
      const v = r.readText();
      return v == null ? null : new CborText(v);
    }
    case CborMajor.Array: {
      const n = r.readArrayHeader();
      if (n < 0) return null;
      const a = new CborArray();
      for (let i = 0; i < n; i++) {
        const v = treeItem(r, depth + 1);
        if (v == null) return null;
        a.items.push(v);
      }
      return a;
    }
    case CborMajor.Map: {
      const n = r.readMapHeader();
      if (n < 0) return null;
      const m = new CborMap();
      const seen = new KeySpans();
      for (let i = 0; i < n; i++) {
        if (!r.readKey()) return null;
        if (!seen.add(r)) return null;
        const k = utf8DecodeValid(r.spanPtr(), r.spanLen);
        const v = treeItem(r, depth + 1);
        if (v == null) return null;
        m.keys.push(k);
        m.values.push(v);
      }
      return m;
    }
    case CborMajor.Tag:
      r.fail(CborError.Unsupported);
      return null;
    default: {
      if (b == 0xf4 || b == 0xf5) return new CborBool(r.readBool());
      if (r.skipNullish()) return new CborNull(b == 0xf7);
      const ai = b & 31;
      r.fail(ai == 31 ? CborError.Indefinite : ai >= 28 ? CborError.Reserved : CborError.Unsupported);
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Definite-length, shortest-form CBOR encoder into a growable buffer. */
export class CborWriter {
  private buf: Uint8Array;
  len: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.buf = new Uint8Array(capacity < 16 ? 16 : capacity);
  }

  uint(v: u64): CborWriter { this.head(CborMajor.Uint, v); return this; }

  /** Writes the negative integer -1 - n. */
  negInt(n: u64): CborWriter { this.head(CborMajor.NegInt, n); return this; }

  bytes(b: Uint8Array): CborWriter {
    this.head(CborMajor.Bytes, <u64>b.length);
    this.raw(b.dataStart, b.length);
    return this;
  }

  /** Text string; lone surrogates (impossible in strings this project decodes) become U+FFFD. */
  text(s: string): CborWriter {
    const n = String.UTF8.byteLength(s);
    this.head(CborMajor.Text, <u64>n);
    this.ensure(n);
    String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, this.buf.dataStart + <usize>this.len, false, String.UTF8.ErrorMode.REPLACE);
    this.len += n;
    return this;
  }

  arrayHeader(n: i32): CborWriter { this.head(CborMajor.Array, <u64>n); return this; }
  mapHeader(n: i32): CborWriter { this.head(CborMajor.Map, <u64>n); return this; }
  bool(v: bool): CborWriter { this.byte(v ? 0xf5 : 0xf4); return this; }
  null(): CborWriter { this.byte(0xf6); return this; }
  undefined(): CborWriter { this.byte(0xf7); return this; }

  /** Raw bytes, already CBOR. */
  raw(p: usize, n: i32): CborWriter {
    this.ensure(n);
    memory.copy(this.buf.dataStart + <usize>this.len, p, n);
    this.len += n;
    return this;
  }

  /** A copy of what has been written. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.len);
    memory.copy(out.dataStart, this.buf.dataStart, this.len);
    return out;
  }

  private byte(b: i32): void {
    this.ensure(1);
    store<u8>(this.buf.dataStart + <usize>this.len, <u8>b);
    this.len++;
  }

  private head(major: i32, v: u64): void {
    this.ensure(9);
    const p = this.buf.dataStart + <usize>this.len;
    const m = <u8>(major << 5);
    if (v < 24) {
      store<u8>(p, m | <u8>v);
      this.len += 1;
    } else if (v < 0x100) {
      store<u8>(p, m | 24);
      store<u8>(p, <u8>v, 1);
      this.len += 2;
    } else if (v < 0x10000) {
      store<u8>(p, m | 25);
      store<u16>(p, bswap<u16>(<u16>v), 1);
      this.len += 3;
    } else if (v < 0x100000000) {
      store<u8>(p, m | 26);
      store<u32>(p, bswap<u32>(<u32>v), 1);
      this.len += 5;
    } else {
      store<u8>(p, m | 27);
      store<u64>(p, bswap<u64>(v), 1);
      this.len += 9;
    }
  }

  private ensure(n: i32): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length << 1;
    while (cap < need) cap <<= 1;
    const nb = new Uint8Array(cap);
    memory.copy(nb.dataStart, this.buf.dataStart, this.len);
    this.buf = nb;
  }
}

/** Encodes a tree value (definite lengths, shortest form). */
export function encodeCbor(v: CborValue, w: CborWriter = new CborWriter()): CborWriter {
  switch (v.kind) {
    case CborKind.Uint: w.uint(changetype<CborUint>(v).value); break;
    case CborKind.NegInt: w.negInt(changetype<CborNegInt>(v).n); break;
    case CborKind.Bytes: w.bytes(changetype<CborBytes>(v).value); break;
    case CborKind.Text: w.text(changetype<CborText>(v).value); break;
    case CborKind.Array: {
      const a = changetype<CborArray>(v);
      w.arrayHeader(a.items.length);
      for (let i = 0; i < a.items.length; i++) encodeCbor(a.items[i], w);
      break;
    }
    case CborKind.Map: {
      const m = changetype<CborMap>(v);
      w.mapHeader(m.keys.length);
      for (let i = 0; i < m.keys.length; i++) {
        w.text(m.keys[i]);
        encodeCbor(m.values[i], w);
      }
      break;
    }
    case CborKind.Bool: w.bool(changetype<CborBool>(v).value); break;
    case CborKind.Null: w.null(); break;
    default: w.undefined();
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// UTF-8

/** True when [p, p+len) is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function utf8Valid(p: usize, len: i32): bool {
  let i = 0;
  while (i < len) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= len && (load<u64>(p + <usize>i) & 0x8080808080808080) == 0) {
      i += 8;
      continue;
    }
    const b0 = <u32>load<u8>(p + <usize>i);
    if (b0 < 0x80) {
      i++;
      continue;
    }
    if (b0 < 0xc2) return false; // continuation byte or overlong 2-byte lead
    if (b0 < 0xe0) {
      if (i + 1 >= len || !cont(load<u8>(p + <usize>(i + 1)))) return false;
      i += 2;
      continue;
    }
    if (b0 < 0xf0) {
      if (i + 2 >= len) return false;
      const b1 = <u32>load<u8>(p + <usize>(i + 1));
      if (!cont(b1) || !cont(load<u8>(p + <usize>(i + 2)))) return false;
      if (b0 == 0xe0 && b1 < 0xa0) return false; // overlong
      if (b0 == 0xed && b1 >= 0xa0) return false; // UTF-16 surrogate
      i += 3;
      continue;
    }
    if (b0 < 0xf5) {
      if (i + 3 >= len) return false;
      const b1 = <u32>load<u8>(p + <usize>(i + 1));
      if (!cont(b1) || !cont(load<u8>(p + <usize>(i + 2))) || !cont(load<u8>(p + <usize>(i + 3)))) return false;
      if (b0 == 0xf0 && b1 < 0x90) return false; // overlong
      if (b0 == 0xf4 && b1 >= 0x90) return false; // above U+10FFFF
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function cont(b: u32): bool { return (b & 0xc0) == 0x80; }

/** Decodes UTF-8 already checked by utf8Valid. */
export function utf8DecodeValid(p: usize, len: i32): string {
  if (len == 0) return "";
  // Pure ASCII (the usual case: hex secrets, URLs, units) widens byte by byte.
  let ascii = true;
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    if ((load<u64>(p + <usize>i) & 0x8080808080808080) != 0) { ascii = false; break; }
  }
  if (ascii) {
    for (; i < len; i++) if (load<u8>(p + <usize>i) >= 0x80) { ascii = false; break; }
  }
  if (!ascii) return String.UTF8.decodeUnsafe(p, <usize>len, false);
  const s = changetype<string>(__new(<usize>len << 1, idof<string>()));
  const o = changetype<usize>(s);
  for (let k = 0; k < len; k++) store<u16>(o + (<usize>k << 1), load<u8>(p + <usize>k));
  return s;
}

/** Strict UTF-8 decode of bytes; null when not well-formed. */
export function utf8DecodeStrict(b: Uint8Array): string | null {
  if (!utf8Valid(b.dataStart, b.length)) return null;
  return utf8DecodeValid(b.dataStart, b.length);
}

/** UTF-8 bytes of `s` (lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Uint8Array {
  const n = String.UTF8.byteLength(s);
  const out = new Uint8Array(n);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, out.dataStart, false, String.UTF8.ErrorMode.REPLACE);
  return out;
}
