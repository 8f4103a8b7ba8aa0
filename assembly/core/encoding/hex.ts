// Lower-case hexadecimal. Decoding accepts either case and reports failure by returning null.

const DIGITS = "0123456789abcdef";

/** Lower-case hex of `len` bytes at `p`, written straight into one new string. */
export function toHexPtr(p: usize, len: i32): string {
  const s = changetype<string>(__new(<usize>len << 2, idof<string>()));
  const o = changetype<usize>(s);
  const d = changetype<usize>(DIGITS);
  for (let i = 0; i < len; i++) {
    const b = <usize>load<u8>(p + <usize>i);
    store<u16>(o + (<usize>i << 2), load<u16>(d + ((b >> 4) << 1)));
    store<u16>(o + (<usize>i << 2) + 2, load<u16>(d + ((b & 15) << 1)));
  }
  return s;
}

export function toHex(b: Uint8Array): string {
  return toHexPtr(b.dataStart, b.length);
}

function nibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Bytes of an even-length hex string, or null on odd length / non-hex characters. */
export function fromHex(s: string): Uint8Array | null {
  if ((s.length & 1) != 0) return null;
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if ((hi | lo) < 0) return null;
    out[i] = <u8>((hi << 4) | lo);
  }
  return out;
}

/** True when `s` is non-empty lower/upper-case hex of exactly `bytes` bytes (any length if < 0). */
export function isHex(s: string, bytes: i32 = -1): bool {
  if (bytes >= 0 && s.length != bytes * 2) return false;
  if (s.length == 0 || (s.length & 1) != 0) return false;
  for (let i = 0; i < s.length; i++) if (nibble(s.charCodeAt(i)) < 0) return false;
  return true;
}
