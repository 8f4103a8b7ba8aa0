// Keyset id forms (NUT-02) and fast lower-case hex for the byte strings tokens carry.
//
//   v1        8 bytes, version byte 0x00              "00" + 14 hex
//   v2       33 bytes, version byte 0x01              "01" + 64 hex
//   short v2  8 bytes, version byte 0x01 (NUT-00 V4)  first 16 hex of a v2 id; must be resolved
// Anything else is malformed, or of a version this code does not know.
import { toHexPtr } from "../encoding/hex";

export const enum KeysetIdKind {
  Invalid = 0,
  V1,
  V2,
  ShortV2,
  UnknownVersion,
}

/** Classifies a binary keyset id. */
export function classifyKeysetIdBytes(p: usize, len: i32): KeysetIdKind {
  if (len != 8 && len != 33) return KeysetIdKind.Invalid;
  const v = load<u8>(p);
  if (v == 0x00) return len == 8 ? KeysetIdKind.V1 : KeysetIdKind.Invalid;
  if (v == 0x01) return len == 33 ? KeysetIdKind.V2 : KeysetIdKind.ShortV2;
  return KeysetIdKind.UnknownVersion;
}

/** Classifies a hex keyset id (either case). */
export function classifyKeysetIdHex(id: string): KeysetIdKind {
  const n = id.length;
  if (n != 16 && n != 66) return KeysetIdKind.Invalid;
  for (let i = 0; i < n; i++) if (hexNibble(id.charCodeAt(i)) < 0) return KeysetIdKind.Invalid;
  const v = (hexNibble(id.charCodeAt(0)) << 4) | hexNibble(id.charCodeAt(1));
  if (v == 0x00) return n == 16 ? KeysetIdKind.V1 : KeysetIdKind.Invalid;
  if (v == 0x01) return n == 66 ? KeysetIdKind.V2 : KeysetIdKind.ShortV2;
  return KeysetIdKind.UnknownVersion;
}

/** Lower-case hex of [p, p+len), written straight into one string. */
export function hexOf(p: usize, len: i32): string {
  return toHexPtr(p, len);
}

/** Lower-case hex of `b`. */
export function hexOfBytes(b: Uint8Array): string {
  return hexOf(b.dataStart, b.length);
}

/** Bytes of a hex string of exactly `bytes` bytes (either case), or null. */
export function hexToBytes(s: string, bytes: i32): Uint8Array | null {
  if (s.length != bytes << 1) return null;
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if ((hi | lo) < 0) return null;
    out[i] = <u8>((hi << 4) | lo);
  }
  return out;
}

/** Lower-cases a hex string only when needed. */
export function lowerHex(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x46) return s.toLowerCase();
  }
  return s;
}

export function hexNibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** True for a 33-byte SEC1 compressed point encoding (prefix 02 or 03; not checked on the curve). */
export function isCompressedPoint(b: Uint8Array): bool {
  return b.length == 33 && (b[0] == 0x02 || b[0] == 0x03);
}
