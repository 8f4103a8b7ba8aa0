// Base64 (RFC 4648 §4) and base64url (§5), with and without padding.
//
// Decoding is strict: it rejects characters outside the chosen alphabet, misplaced or missing
// padding, a length no encoder can produce (4n+1 characters) and non-canonical trailing bits
// (e.g. "QR==" for the single byte 0x41, whose canonical form is "QQ=="). Each failure is a named
// Base64Error plus the offset where it was found; nothing traps.
//
// Decoding reads straight out of a string range so that callers can skip a prefix ("cashuB")
// without copying the rest.

export const enum Base64Error {
  None = 0,
  /** A character outside the alphabet (this includes interior whitespace). */
  BadChar,
  /** '=' in the middle, too much of it, or padding where it is required/forbidden. */
  BadPadding,
  /** 4n+1 data characters: not a length any encoder produces. */
  BadLength,
  /** The unused low bits of the last character are not zero. */
  NonCanonical,
}

export function base64ErrorReason(e: Base64Error): string {
  switch (e) {
    case Base64Error.None: return "no error";
    case Base64Error.BadChar: return "invalid base64 character";
    case Base64Error.BadPadding: return "invalid base64 padding";
    case Base64Error.BadLength: return "invalid base64 length (truncated?)";
    case Base64Error.NonCanonical: return "non-canonical base64 (trailing bits set)";
  }
  return "unknown base64 error";
}

/** Which characters encode 62 and 63. */
export const enum Base64Alphabet {
  /** '+' and '/' (RFC 4648 §4). */
  Standard = 1,
  /** '-' and '_' (RFC 4648 §5). */
  Url = 2,
  /** Either pair, even mixed: what Cashu wallets (cashu-ts, Nutshell) accept in practice. */
  Either = 3,
}

export const enum Base64Padding {
  Optional = 0,
  Required = 1,
  Forbidden = 2,
}

/** Outcome of a decode: `bytes` is valid only when `error` is None. */
export class Base64Result {
  error: Base64Error = Base64Error.None;
  /** Offset (in the input string) of the offending character. */
  errorAt: i32 = 0;
  bytes: Uint8Array = EMPTY;
}

const EMPTY = new Uint8Array(0);

// Decode table for ASCII: 0..63 = value; bit 0x40 marks '+' '/' (standard only), bit 0x80 marks
// '-' '_' (url only); 0xff = not a base64 character.
const TABLE: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7e, 0xff, 0xbe, 0xff, 0x7f,
  0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
  0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xbf,
  0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
]);

const STD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Standard base64 of `data`, padded by default. */
export function encodeBase64(data: Uint8Array, pad: bool = true): string {
  return encodeWith(data, STD_CHARS, pad);
}

/** base64url of `data`, unpadded by default (the form Cashu tokens and requests use). */
export function encodeBase64Url(data: Uint8Array, pad: bool = false): string {
  return encodeWith(data, URL_CHARS, pad);
}

function encodeWith(data: Uint8Array, chars: string, pad: bool): string {
  const n = data.length;
  const full = n / 3;
  const rem = n - full * 3;
  let outLen = full * 4;
  if (rem != 0) outLen += pad ? 4 : rem + 1;
  // Write UTF-16 code units straight into a fresh string: no concatenation, one allocation.
  const out = changetype<string>(__new(<usize>outLen << 1, idof<string>()));
  const o = changetype<usize>(out);
  const alpha = changetype<usize>(chars);
  const src = data.dataStart;
  let i = 0;
  let j: usize = 0;
  for (let k = 0; k < full; k++) {
    const v = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8) | <u32>load<u8>(src + i + 2);
    store<u16>(o + j, load<u16>(alpha + ((v >> 18) << 1)));
    store<u16>(o + j + 2, load<u16>(alpha + (((v >> 12) & 63) << 1)));
    store<u16>(o + j + 4, load<u16>(alpha + (((v >> 6) & 63) << 1)));
    store<u16>(o + j + 6, load<u16>(alpha + ((v & 63) << 1)));
    i += 3;
    j += 8;
  }
  if (rem == 1) {
    const v = <u32>load<u8>(src + i);
    store<u16>(o + j, load<u16>(alpha + ((v >> 2) << 1)));
    store<u16>(o + j + 2, load<u16>(alpha + (((v & 3) << 4) << 1)));
    if (pad) {
      store<u16>(o + j + 4, 0x3d);
      store<u16>(o + j + 6, 0x3d);
    }
  } else if (rem == 2) {
    const v = (<u32>load<u8>(src + i) << 8) | <u32>load<u8>(src + i + 1);
    store<u16>(o + j, load<u16>(alpha + ((v >> 10) << 1)));
    store<u16>(o + j + 2, load<u16>(alpha + (((v >> 4) & 63) << 1)));
    store<u16>(o + j + 4, load<u16>(alpha + (((v & 15) << 2) << 1)));
    if (pad) store<u16>(o + j + 6, 0x3d);
  }
  return out;
}

/** Decodes all of `s`. See decodeBase64Range. */
export function decodeBase64(
  s: string,
  alphabet: Base64Alphabet = Base64Alphabet.Standard,
  padding: Base64Padding = Base64Padding.Optional,
  out: Base64Result = new Base64Result(),
): Base64Result {
  return decodeBase64Range(s, 0, s.length, alphabet, padding, out);
}

/**
 * Decodes the characters s[start, end). Returns `out` with `error` None and `bytes` set, or with
 * `error`/`errorAt` describing the first problem.
 */
export function decodeBase64Range(
  s: string,
  start: i32,
  end: i32,
  alphabet: Base64Alphabet,
  padding: Base64Padding,
  out: Base64Result,
): Base64Result {
  out.error = Base64Error.None;
  out.errorAt = 0;
  out.bytes = EMPTY;
  if (start < 0) start = 0;
  if (end > s.length) end = s.length;
  if (end <= start) return out;
  const p = changetype<usize>(s);

  // Padding: at most two '=' at the very end, and then the total must be a multiple of 4.
  let dataEnd = end;
  while (dataEnd > start && load<u16>(p + (<usize>(dataEnd - 1) << 1)) == 0x3d) dataEnd--;
  const padCount = end - dataEnd;
  const dataLen = dataEnd - start;
  if (padCount > 0) {
    if (padding == Base64Padding.Forbidden || padCount > 2 || ((dataLen + padCount) & 3) != 0) {
      return fail(out, Base64Error.BadPadding, dataEnd);
    }
  } else if (padding == Base64Padding.Required && (dataLen & 3) != 0) {
    return fail(out, Base64Error.BadPadding, end);
  }
  const rem = dataLen & 3;
  // Padding only ever completes a partial final group.
  if (padCount > 0 && rem == 0) return fail(out, Base64Error.BadPadding, dataEnd);

  // Characters flagged 0x40 are standard-only, 0x80 url-only; reject the ones not allowed.
  const forbidden: u32 = alphabet == Base64Alphabet.Standard ? 0x80 : alphabet == Base64Alphabet.Url ? 0x40 : 0;
  const outLen = (dataLen >> 2) * 3 + (rem == 0 ? 0 : rem - 1);
  const bytes = new Uint8Array(outLen);
  const dst = bytes.dataStart;
  const full = dataLen >> 2;
  let q = p + (<usize>start << 1);
  let w: usize = 0;
  for (let k = 0; k < full; k++) {
    let acc: u32 = 0;
    for (let m = 0; m < 4; m++) {
      const v = value(load<u16>(q + (<usize>m << 1)), forbidden);
      if (v > 63) return fail(out, Base64Error.BadChar, start + k * 4 + m);
      acc = (acc << 6) | v;
    }
    store<u8>(dst + w, <u8>(acc >> 16));
    store<u8>(dst + w + 1, <u8>(acc >> 8));
    store<u8>(dst + w + 2, <u8>acc);
    w += 3;
    q += 8;
  }
  if (rem != 0) {
    const at = start + full * 4;
    let acc: u32 = 0;
    for (let m = 0; m < rem; m++) {
      const v = value(load<u16>(q + (<usize>m << 1)), forbidden);
      if (v > 63) return fail(out, Base64Error.BadChar, at + m);
      acc = (acc << 6) | v;
    }
    // A lone final character (4n+1) is reported after its validity, so that a stray character
    // in the middle of a token says BadChar rather than BadLength.
    if (rem == 1) return fail(out, Base64Error.BadLength, at);
    if (rem == 2) {
      if ((acc & 15) != 0) return fail(out, Base64Error.NonCanonical, at + 1);
      store<u8>(dst + w, <u8>(acc >> 4));
    } else {
      if ((acc & 3) != 0) return fail(out, Base64Error.NonCanonical, at + 2);
      store<u8>(dst + w, <u8>(acc >> 10));
      store<u8>(dst + w + 1, <u8>(acc >> 2));
    }
  }
  out.bytes = bytes;
  return out;
}

/** 0..63 for an allowed character, 0xff otherwise. */
// @ts-ignore: decorator
@inline function value(c: u32, forbidden: u32): u32 {
  if (c >= 128) return 0xff;
  const t = <u32>load<u8>(TABLE + c);
  if (t == 0xff || (t & forbidden) != 0) return 0xff;
  return t & 63;
}

function fail(out: Base64Result, e: Base64Error, at: i32): Base64Result {
  out.error = e;
  out.errorAt = at;
  out.bytes = EMPTY;
  return out;
}
