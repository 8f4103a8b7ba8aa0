// Strict JSON (RFC 8259) reader and writer for the shapes Cashu and the plugin configuration use.
//
// Why hand-written: json-as 1.6 needs assemblyscript >= 0.28.18, which as-pect 8.1.0 cannot
// compile tests with (see docs/ARCHITECTURE.md). This reader is strict (no trailing commas, no
// comments, no leading zeros, no lone surrogates, no duplicate object keys, nothing after the
// value), bounded (input length, nesting depth) and never traps: every failure is a JsonError
// code plus the byte offset where it happened.
//
// Numbers keep their source text, so integers up to u64 are exact (Cashu amounts are u64);
// asU64() refuses fractions, exponents, negatives and overflow instead of rounding.

export const enum JsonKind { Null, Bool, Number, String, Array, Object }

export const enum JsonError {
  None = 0,
  TooLong,
  TooDeep,
  UnexpectedEnd,
  UnexpectedChar,
  BadNumber,
  BadString,
  BadEscape,
  BadUnicode,
  ControlChar,
  DuplicateKey,
  TrailingData,
}

export function jsonErrorName(e: JsonError): string {
  switch (e) {
    case JsonError.None: return "none";
    case JsonError.TooLong: return "input too long";
    case JsonError.TooDeep: return "nesting too deep";
    case JsonError.UnexpectedEnd: return "unexpected end of input";
    case JsonError.UnexpectedChar: return "unexpected character";
    case JsonError.BadNumber: return "malformed number";
    case JsonError.BadString: return "malformed string";
    case JsonError.BadEscape: return "invalid escape sequence";
    case JsonError.BadUnicode: return "invalid unicode";
    case JsonError.ControlChar: return "control character in string";
    case JsonError.DuplicateKey: return "duplicate object key";
    case JsonError.TrailingData: return "data after the JSON value";
  }
  return "unknown";
}

export class JsonValue {
  constructor(public kind: JsonKind) {}

  isNull(): bool { return this.kind == JsonKind.Null; }
  isObject(): bool { return this.kind == JsonKind.Object; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isString(): bool { return this.kind == JsonKind.String; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isBool(): bool { return this.kind == JsonKind.Bool; }

  /** The object view, or null when this is not an object. */
  asObject(): JsonObject | null {
    return this.kind == JsonKind.Object ? changetype<JsonObject>(this) : null;
  }
  asArray(): JsonArray | null {
    return this.kind == JsonKind.Array ? changetype<JsonArray>(this) : null;
  }
  /** The string's value, or null when this is not a string. */
  asString(): string | null {
    return this.kind == JsonKind.String ? changetype<JsonString>(this).value : null;
  }
  asNumber(): JsonNumber | null {
    return this.kind == JsonKind.Number ? changetype<JsonNumber>(this) : null;
  }
  /** 1 for true, 0 for false, -1 when this is not a boolean. */
  asBool(): i32 {
    if (this.kind != JsonKind.Bool) return -1;
    return changetype<JsonBool>(this).value ? 1 : 0;
  }
}

export class JsonNull extends JsonValue {
  constructor() { super(JsonKind.Null); }
}

export class JsonBool extends JsonValue {
  constructor(public value: bool) { super(JsonKind.Bool); }
}

export class JsonString extends JsonValue {
  constructor(public value: string) { super(JsonKind.String); }
}

export class JsonNumber extends JsonValue {
  constructor(public raw: string) { super(JsonKind.Number); }

  /** True when the literal is a plain non-negative integer (no sign, fraction or exponent). */
  isUnsignedInteger(): bool {
    const s = this.raw;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
    }
    return s.length > 0;
  }

  /** Exact u64 value; `ok` is false for non-integers, negatives and overflow. */
  asU64(out: U64Result): bool {
    out.ok = false;
    out.value = 0;
    if (!this.isUnsignedInteger()) return false;
    const s = this.raw;
    let v: u64 = 0;
    for (let i = 0; i < s.length; i++) {
      const d = <u64>(s.charCodeAt(i) - 0x30);
      if (v > (U64.MAX_VALUE - d) / 10) return false;
      v = v * 10 + d;
    }
    out.ok = true;
    out.value = v;
    return true;
  }

  asF64(): f64 {
    return parseFloat(this.raw);
  }
}

export class U64Result {
  ok: bool = false;
  value: u64 = 0;
}

export class JsonArray extends JsonValue {
  items: Array<JsonValue> = [];
  constructor() { super(JsonKind.Array); }
  get length(): i32 { return this.items.length; }
  at(i: i32): JsonValue { return this.items[i]; }
}

export class JsonObject extends JsonValue {
  keys: Array<string> = [];
  values: Array<JsonValue> = [];
  constructor() { super(JsonKind.Object); }

  get size(): i32 { return this.keys.length; }

  has(key: string): bool { return this.indexOf(key) >= 0; }

  /** The member named `key`, or null. Objects here are small; a linear scan beats hashing. */
  get(key: string): JsonValue | null {
    const i = this.indexOf(key);
    return i < 0 ? null : this.values[i];
  }

  getString(key: string): string | null {
    const v = this.get(key);
    return v == null ? null : v.asString();
  }

  getObject(key: string): JsonObject | null {
    const v = this.get(key);
    return v == null ? null : v.asObject();
  }

  getArray(key: string): JsonArray | null {
    const v = this.get(key);
    return v == null ? null : v.asArray();
  }

  getNumber(key: string): JsonNumber | null {
    const v = this.get(key);
    return v == null ? null : v.asNumber();
  }

  indexOf(key: string): i32 {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] == key) return i;
    }
    return -1;
  }
}

/** Limits and the outcome of one parse. Reuse is fine; parse() resets it. */
export class JsonParser {
  error: JsonError = JsonError.None;
  /** Byte offset (in the UTF-16 code units of the input string) of the error. */
  errorAt: i32 = 0;
  maxLength: i32 = 1 << 20;
  maxDepth: i32 = 32;

  private s: string = "";
  private pos: i32 = 0;
  private depth: i32 = 0;

  /** Parse a whole document. Returns null on any error; see `error`, `errorAt`. */
  parse(text: string): JsonValue | null {
    this.error = JsonError.None;
    this.errorAt = 0;
    this.s = text;
    this.pos = 0;
    this.depth = 0;
    if (text.length > this.maxLength) return this.fail(JsonError.TooLong);
    this.skipWs();
    const v = this.value();
    if (v == null) return null;
    this.skipWs();
    if (this.pos != this.s.length) return this.fail(JsonError.TrailingData);
    this.s = "";
    return v;
  }

  errorMessage(): string {
    return jsonErrorName(this.error) + " at offset " + this.errorAt.toString();
  }

  private fail(e: JsonError): JsonValue | null {
    if (this.error == JsonError.None) {
      this.error = e;
      this.errorAt = this.pos;
    }
    return null;
  }

  private skipWs(): void {
    const s = this.s;
    let p = this.pos;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(): JsonValue | null {
    if (this.pos >= this.s.length) return this.fail(JsonError.UnexpectedEnd);
    const c = this.s.charCodeAt(this.pos);
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) {
      const str = this.string();
      return str == null ? null : new JsonString(str);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return new JsonBool(true);
    if (this.literal("false")) return new JsonBool(false);
    if (this.literal("null")) return new JsonNull();
    return this.fail(JsonError.UnexpectedChar);
  }

  private literal(word: string): bool {
    const s = this.s;
    if (this.pos + word.length > s.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (s.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  private object(): JsonValue | null {
    if (++this.depth > this.maxDepth) return this.fail(JsonError.TooDeep);
    this.pos++; // {
    const obj = new JsonObject();
    this.skipWs();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      this.depth--;
      return obj;
    }
    while (true) {
      this.skipWs();
      if (this.pos >= this.s.length) return this.fail(JsonError.UnexpectedEnd);
      if (this.s.charCodeAt(this.pos) != 0x22) return this.fail(JsonError.UnexpectedChar);
      const keyAt = this.pos;
      const key = this.string();
      if (key == null) return null;
      if (obj.indexOf(key) >= 0) {
        this.pos = keyAt;
        return this.fail(JsonError.DuplicateKey);
      }
      this.skipWs();
      if (this.pos >= this.s.length) return this.fail(JsonError.UnexpectedEnd);
      if (this.s.charCodeAt(this.pos) != 0x3a) return this.fail(JsonError.UnexpectedChar);
      this.pos++;
      this.skipWs();
      const v = this.value();
      if (v == null) return null;
      obj.keys.push(key);
      obj.values.push(v);
      this.skipWs();
      if (this.pos >= this.s.length) return this.fail(JsonError.UnexpectedEnd);
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x7d) break;
      this.pos--;
      return this.fail(JsonError.UnexpectedChar);
    }
    this.depth--;
    return obj;
  }

  private array(): JsonValue | null {
    if (++this.depth > this.maxDepth) return this.fail(JsonError.TooDeep);
    this.pos++; // [
    const arr = new JsonArray();
    this.skipWs();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      this.depth--;
      return arr;
    }
    while (true) {
      this.skipWs();
      const v = this.value();
      if (v == null) return null;
      arr.items.push(v);
      this.skipWs();
      if (this.pos >= this.s.length) return this.fail(JsonError.UnexpectedEnd);
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x5d) break;
      this.pos--;
      return this.fail(JsonError.UnexpectedChar);
    }
    this.depth--;
    return arr;
  }

  private number(): JsonValue | null {
    const s = this.s;
    const start = this.pos;
    let p = this.pos;
    if (s.charCodeAt(p) == 0x2d) p++;
    if (p >= s.length) { this.pos = p; return this.fail(JsonError.BadNumber); }
    let c = s.charCodeAt(p);
    if (c == 0x30) {
      p++;
    } else if (c >= 0x31 && c <= 0x39) {
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    } else {
      this.pos = p;
      return this.fail(JsonError.BadNumber);
    }
    if (p < s.length && s.charCodeAt(p) == 0x2e) {
      p++;
      if (p >= s.length || !isDigit(s.charCodeAt(p))) { this.pos = p; return this.fail(JsonError.BadNumber); }
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    }
    if (p < s.length && (s.charCodeAt(p) | 0x20) == 0x65) {
      p++;
      if (p < s.length && (s.charCodeAt(p) == 0x2b || s.charCodeAt(p) == 0x2d)) p++;
      if (p >= s.length || !isDigit(s.charCodeAt(p))) { this.pos = p; return this.fail(JsonError.BadNumber); }
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    }
    // "01" and similar: a digit right after a leading zero is not JSON.
    if (p < s.length && isDigit(s.charCodeAt(p))) { this.pos = p; return this.fail(JsonError.BadNumber); }
    this.pos = p;
    return new JsonNumber(s.substring(start, p));
  }

  /** Reads a string starting at the opening quote; returns its decoded value or null. */
  private string(): string | null {
    const s = this.s;
    let p = this.pos + 1;
    // Fast path: no escapes.
    let q = p;
    while (q < s.length) {
      const c = s.charCodeAt(q);
      if (c == 0x22 || c == 0x5c || c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) break;
      q++;
    }
    if (q < s.length && s.charCodeAt(q) == 0x22) {
      this.pos = q + 1;
      return s.substring(p, q);
    }
    const parts = new Array<string>();
    let chunkStart = p;
    while (true) {
      if (p >= s.length) { this.pos = p; this.fail(JsonError.UnexpectedEnd); return null; }
      const c = s.charCodeAt(p);
      if (c == 0x22) {
        parts.push(s.substring(chunkStart, p));
        p++;
        break;
      }
      if (c < 0x20) { this.pos = p; this.fail(JsonError.ControlChar); return null; }
      if (c >= 0xd800 && c <= 0xdbff) {
        // A surrogate pair must be complete (the input came from valid UTF-8 otherwise).
        if (p + 1 >= s.length) { this.pos = p; this.fail(JsonError.BadUnicode); return null; }
        const d = s.charCodeAt(p + 1);
        if (d < 0xdc00 || d > 0xdfff) { this.pos = p; this.fail(JsonError.BadUnicode); return null; }
        p += 2;
        continue;
      }
      if (c >= 0xdc00 && c <= 0xdfff) { this.pos = p; this.fail(JsonError.BadUnicode); return null; }
      if (c != 0x5c) { p++; continue; }
      parts.push(s.substring(chunkStart, p));
      p++;
      if (p >= s.length) { this.pos = p; this.fail(JsonError.UnexpectedEnd); return null; }
      const e = s.charCodeAt(p);
      p++;
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const u = this.hex4(p);
        if (u < 0) { this.pos = p; this.fail(JsonError.BadEscape); return null; }
        p += 4;
        if (u >= 0xd800 && u <= 0xdbff) {
          // Must be followed by \uDC00-\uDFFF.
          if (p + 6 > s.length || s.charCodeAt(p) != 0x5c || s.charCodeAt(p + 1) != 0x75) {
            this.pos = p; this.fail(JsonError.BadUnicode); return null;
          }
          const lo = this.hex4(p + 2);
          if (lo < 0xdc00 || lo > 0xdfff) { this.pos = p; this.fail(JsonError.BadUnicode); return null; }
          p += 6;
          parts.push(String.fromCharCode(u, lo));
        } else if (u >= 0xdc00 && u <= 0xdfff) {
          this.pos = p; this.fail(JsonError.BadUnicode); return null;
        } else {
          parts.push(String.fromCharCode(u));
        }
      } else {
        this.pos = p - 1;
        this.fail(JsonError.BadEscape);
        return null;
      }
      chunkStart = p;
    }
    this.pos = p;
    return parts.join("");
  }

  private hex4(p: i32): i32 {
    const s = this.s;
    if (p + 4 > s.length) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const d = hexDigit(s.charCodeAt(p + i));
      if (d < 0) return -1;
      v = (v << 4) | d;
    }
    return v;
  }
}

// @ts-ignore: decorator
@inline function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Convenience: parse with default limits; null on error. */
export function parseJson(text: string): JsonValue | null {
  return new JsonParser().parse(text);
}

/** Builds compact JSON text. Keys and strings are escaped; numbers written as given. */
export class JsonWriter {
  private parts: Array<string> = [];
  private needComma: Array<bool> = [false];

  beginObject(): JsonWriter { this.sep(); this.parts.push("{"); this.needComma.push(false); return this; }
  endObject(): JsonWriter { this.parts.push("}"); this.needComma.pop(); return this; }
  beginArray(): JsonWriter { this.sep(); this.parts.push("["); this.needComma.push(false); return this; }
  endArray(): JsonWriter { this.parts.push("]"); this.needComma.pop(); return this; }

  /** Writes `"key":`; the next value call completes the member. */
  key(k: string): JsonWriter {
    this.sep();
    this.parts.push(quoteJson(k));
    this.parts.push(":");
    this.needComma[this.needComma.length - 1] = false;
    return this;
  }

  str(v: string): JsonWriter { this.sep(); this.parts.push(quoteJson(v)); return this; }
  u64(v: u64): JsonWriter { this.sep(); this.parts.push(v.toString()); return this; }
  i64(v: i64): JsonWriter { this.sep(); this.parts.push(v.toString()); return this; }
  bool(v: bool): JsonWriter { this.sep(); this.parts.push(v ? "true" : "false"); return this; }
  null(): JsonWriter { this.sep(); this.parts.push("null"); return this; }
  /** Inserts already-serialised JSON. */
  raw(json: string): JsonWriter { this.sep(); this.parts.push(json); return this; }

  // Member shorthands.
  kstr(k: string, v: string): JsonWriter { return this.key(k).str(v); }
  ku64(k: string, v: u64): JsonWriter { return this.key(k).u64(v); }
  kbool(k: string, v: bool): JsonWriter { return this.key(k).bool(v); }

  toString(): string { return this.parts.join(""); }

  private sep(): void {
    const top = this.needComma.length - 1;
    if (this.needComma[top]) this.parts.push(",");
    else this.needComma[top] = true;
  }
}

/** JSON string literal for `s`, with the escapes RFC 8259 requires. */
export function quoteJson(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c == 0x22 || c == 0x5c || (c >= 0xd800 && c <= 0xdfff)) { plain = false; break; }
  }
  if (plain) return "\"" + s + "\"";
  const parts = new Array<string>();
  parts.push("\"");
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c == 0x22) rep = "\\\"";
    else if (c == 0x5c) rep = "\\\\";
    else if (c == 0x0a) rep = "\\n";
    else if (c == 0x0d) rep = "\\r";
    else if (c == 0x09) rep = "\\t";
    else if (c < 0x20) rep = "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const ok = i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (ok) { i++; continue; }
      rep = "\\ufffd";
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = "\\ufffd";
    if (rep != null) {
      parts.push(s.substring(start, i));
      parts.push(rep);
      start = i + 1;
    }
  }
  parts.push(s.substring(start));
  parts.push("\"");
  return parts.join("");
}

const HEX = "0123456789abcdef";
