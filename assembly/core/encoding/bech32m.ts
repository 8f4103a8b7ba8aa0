// Bech32 (BIP-173) and Bech32m (BIP-350) over 8-bit payloads.
//
// NUT-26 payment requests (`creqb1...`) are Bech32m; the Nostr `npub`/`nprofile` targets inside
// them (NIP-19) are plain Bech32, so both checksum constants live here. BIP-173's 90-character
// limit is too small for payment requests: the limit is a parameter, 1023 by default, which is
// what cashu-ts accepts (longer strings would not be readable by the wallets that pay us).
//
// Decoding is strict: mixed case, characters outside the charset, a missing separator, a bad
// checksum (or the other variant's checksum) and non-zero or over-long padding bits are named
// errors. Nothing traps.

export const enum Bech32Variant {
  Bech32 = 1,
  Bech32m = 2,
}

export const enum Bech32Error {
  None = 0,
  /** Longer than the limit. */
  TooLong,
  /** Too short to hold a separator and a checksum. */
  TooShort,
  /** Upper and lower case mixed. */
  MixedCase,
  /** No '1' separator, or an empty human-readable part. */
  NoSeparator,
  /** The human-readable part has a character outside 33..126 or is longer than 83. */
  BadHrp,
  /** A data character outside the bech32 charset. */
  BadChar,
  /** The checksum does not match. */
  BadChecksum,
  /** The checksum is valid for the other variant (bech32 where bech32m is expected or vice versa). */
  WrongVariant,
  /** More than 4 padding bits, or padding bits that are not zero. */
  BadPadding,
}

export function bech32ErrorReason(e: Bech32Error): string {
  switch (e) {
    case Bech32Error.None: return "no error";
    case Bech32Error.TooLong: return "bech32 string too long";
    case Bech32Error.TooShort: return "bech32 string too short";
    case Bech32Error.MixedCase: return "bech32 string mixes upper and lower case";
    case Bech32Error.NoSeparator: return "bech32 string has no '1' separator or no prefix";
    case Bech32Error.BadHrp: return "invalid bech32 prefix";
    case Bech32Error.BadChar: return "invalid bech32 character";
    case Bech32Error.BadChecksum: return "bech32 checksum mismatch";
    case Bech32Error.WrongVariant: return "bech32/bech32m variant mismatch";
    case Bech32Error.BadPadding: return "invalid bech32 padding bits";
  }
  return "unknown bech32 error";
}

/** Default length limit for encoding and decoding (cashu-ts's limit for payment requests). */
export const BECH32_DEFAULT_LIMIT: i32 = 1023;

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// Reverse charset for lower-case ASCII; 0xff = invalid.
const REV: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x0f, 0xff, 0x0a, 0x11, 0x15, 0x14, 0x1a, 0x1e, 0x07, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0x1d, 0xff, 0x18, 0x0d, 0x19, 0x09, 0x08, 0x17, 0xff, 0x12, 0x16, 0x1f, 0x1b, 0x13, 0xff,
  0x01, 0x00, 0x03, 0x10, 0x0b, 0x1c, 0x0c, 0x0e, 0x06, 0x04, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff,
]);

// @ts-ignore: decorator
@inline function constFor(v: Bech32Variant): u32 { return v == Bech32Variant.Bech32m ? 0x2bc830a3 : 1; }

// @ts-ignore: decorator
@inline function step(chk: u32, v: u32): u32 {
  const b = chk >> 25;
  let c = ((chk & 0x1ffffff) << 5) ^ v;
  if (b & 1) c ^= 0x3b6a57b2;
  if (b & 2) c ^= 0x26508e6d;
  if (b & 4) c ^= 0x1ea119fa;
  if (b & 8) c ^= 0x3d4233dd;
  if (b & 16) c ^= 0x2a1462b3;
  return c;
}

/** Checksum state after the expanded human-readable part (already lower case). */
function hrpState(hrp: string): u32 {
  let chk: u32 = 1;
  for (let i = 0; i < hrp.length; i++) chk = step(chk, <u32>hrp.charCodeAt(i) >> 5);
  chk = step(chk, 0);
  for (let i = 0; i < hrp.length; i++) chk = step(chk, <u32>hrp.charCodeAt(i) & 31);
  return chk;
}

export class Bech32Result {
  error: Bech32Error = Bech32Error.None;
  errorAt: i32 = 0;
  /** The human-readable part, lower case. */
  hrp: string = "";
  /** The payload, converted from 5-bit groups to bytes. */
  data: Uint8Array = new Uint8Array(0);
  /** True when the input was upper case (NUT-26 recommends upper case for QR codes). */
  upper: bool = false;
}

/** Decodes `s` (either all upper or all lower case) as `variant`, payload converted to bytes. */
export function bech32Decode(s: string, variant: Bech32Variant, maxLength: i32 = BECH32_DEFAULT_LIMIT): Bech32Result {
  return decodeImpl(s, variant, maxLength, true);
}

/**
 * Checks the form and checksum of `s` only (the payload may be any 5-bit data, as in the BIP-173
 * and BIP-350 test strings); `data` stays empty.
 */
export function bech32Check(s: string, variant: Bech32Variant, maxLength: i32 = BECH32_DEFAULT_LIMIT): Bech32Result {
  return decodeImpl(s, variant, maxLength, false);
}

function decodeImpl(s: string, variant: Bech32Variant, maxLength: i32, convert: bool): Bech32Result {
  const out = new Bech32Result();
  const n = s.length;
  if (n > maxLength) return fail(out, Bech32Error.TooLong, maxLength);
  if (n < 8) return fail(out, Bech32Error.TooShort, n);
  let hasLower = false;
  let hasUpper = false;
  let sep = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return fail(out, Bech32Error.BadChar, i);
    if (c >= 0x61 && c <= 0x7a) hasLower = true;
    else if (c >= 0x41 && c <= 0x5a) hasUpper = true;
    else if (c == 0x31) sep = i;
  }
  if (hasLower && hasUpper) return fail(out, Bech32Error.MixedCase, 0);
  if (sep < 1) return fail(out, Bech32Error.NoSeparator, sep < 0 ? n : 0);
  if (sep > 83) return fail(out, Bech32Error.BadHrp, sep);
  if (n - sep - 1 < 6) return fail(out, Bech32Error.TooShort, n);
  const hrp = s.substring(0, sep).toLowerCase();
  let chk = hrpState(hrp);
  const words = n - sep - 1;
  for (let i = sep + 1; i < n; i++) {
    const v = value(s.charCodeAt(i));
    if (v > 31) return fail(out, Bech32Error.BadChar, i);
    chk = step(chk, v);
  }
  if (chk != constFor(variant)) {
    const other = variant == Bech32Variant.Bech32m ? Bech32Variant.Bech32 : Bech32Variant.Bech32m;
    return fail(out, chk == constFor(other) ? Bech32Error.WrongVariant : Bech32Error.BadChecksum, n - 6);
  }
  out.hrp = hrp;
  out.upper = hasUpper;
  if (!convert) return out;
  // 5-bit groups to bytes; at most 4 leftover bits, all zero.
  const dataWords = words - 6;
  const bytes = new Uint8Array((dataWords * 5) >> 3);
  let acc: u32 = 0;
  let bits: u32 = 0;
  let w = 0;
  for (let i = 0; i < dataWords; i++) {
    acc = ((acc << 5) | value(s.charCodeAt(sep + 1 + i))) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[w++] = <u8>(acc >> bits);
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) != 0) return fail(out, Bech32Error.BadPadding, n - 7);
  out.data = bytes;
  return out;
}

// @ts-ignore: decorator
@inline function value(c: i32): u32 {
  if (c >= 0x41 && c <= 0x5a) c += 0x20;
  if (c >= 128) return 0xff;
  return <u32>load<u8>(REV + <usize>c);
}

export class Bech32EncodeResult {
  error: Bech32Error = Bech32Error.None;
  value: string = "";
}

/**
 * Encodes `data` under `hrp` (1..83 characters in 33..126, no upper case) as `variant`. The
 * result is lower case unless `upper`; TooLong when it would exceed `maxLength`.
 */
export function bech32Encode(
  hrp: string,
  data: Uint8Array,
  variant: Bech32Variant,
  upper: bool = false,
  maxLength: i32 = BECH32_DEFAULT_LIMIT,
): Bech32EncodeResult {
  const out = new Bech32EncodeResult();
  if (hrp.length < 1 || hrp.length > 83) {
    out.error = Bech32Error.BadHrp;
    return out;
  }
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126 || (c >= 0x41 && c <= 0x5a)) {
      out.error = Bech32Error.BadHrp;
      return out;
    }
  }
  const dataWords = (data.length * 8 + 4) / 5;
  const total = hrp.length + 1 + dataWords + 6;
  if (total > maxLength) {
    out.error = Bech32Error.TooLong;
    return out;
  }
  const str = changetype<string>(__new(<usize>total << 1, idof<string>()));
  const o = changetype<usize>(str);
  const cs = changetype<usize>(CHARSET);
  const caseBit: u16 = upper ? 0x20 : 0;
  for (let i = 0; i < hrp.length; i++) {
    const c = <u16>hrp.charCodeAt(i);
    store<u16>(o + (<usize>i << 1), c >= 0x61 && c <= 0x7a ? c ^ caseBit : c);
  }
  store<u16>(o + (<usize>hrp.length << 1), 0x31);
  let chk = hrpState(hrp);
  let pos = hrp.length + 1;
  let acc: u32 = 0;
  let bits: u32 = 0;
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << 8) | data[i]) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      const v = (acc >> bits) & 31;
      chk = step(chk, v);
      store<u16>(o + (<usize>(pos++) << 1), letter(cs, v, caseBit));
    }
  }
  if (bits > 0) {
    const v = (acc << (5 - bits)) & 31;
    chk = step(chk, v);
    store<u16>(o + (<usize>(pos++) << 1), letter(cs, v, caseBit));
  }
  for (let i = 0; i < 6; i++) chk = step(chk, 0);
  chk ^= constFor(variant);
  for (let i = 0; i < 6; i++) {
    store<u16>(o + (<usize>(pos++) << 1), letter(cs, (chk >> (5 * (5 - i))) & 31, caseBit));
  }
  out.value = str;
  return out;
}

// @ts-ignore: decorator
@inline function letter(cs: usize, v: u32, caseBit: u16): u16 {
  const c = load<u16>(cs + (<usize>v << 1));
  // Digits have no case; letters flip to upper case when caseBit is set.
  return c >= 0x61 ? c ^ caseBit : c;
}

function fail(out: Bech32Result, e: Bech32Error, at: i32): Bech32Result {
  out.error = e;
  out.errorAt = at;
  out.hrp = "";
  out.data = new Uint8Array(0);
  return out;
}
