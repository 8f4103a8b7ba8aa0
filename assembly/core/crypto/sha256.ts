// SHA-256 (FIPS 180-4). Streaming (Sha256) and one-shot (sha256). Pure; no host imports.
// Words are kept in a fixed 64-entry schedule in linear memory to avoid per-block allocation.

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

// Message schedule scratch (64 words); the module is single-threaded.
const W = memory.data(64 * 4);

export class Sha256 {
  private h: StaticArray<u32> = new StaticArray<u32>(8);
  private buf: Uint8Array = new Uint8Array(64);
  private bufLen: i32 = 0;
  private total: u64 = 0;

  constructor() {
    this.reset();
  }

  reset(): Sha256 {
    const h = this.h;
    h[0] = 0x6a09e667; h[1] = 0xbb67ae85; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a;
    h[4] = 0x510e527f; h[5] = 0x9b05688c; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
    this.bufLen = 0;
    this.total = 0;
    return this;
  }

  /** Restores the chaining state (used by HMAC to skip re-hashing padded keys). */
  setState(state: StaticArray<u32>, bytesSoFar: u64): void {
    for (let i = 0; i < 8; i++) this.h[i] = state[i];
    this.bufLen = 0;
    this.total = bytesSoFar;
  }

  /** Copies the chaining state; valid only on a 64-byte boundary. */
  getState(out: StaticArray<u32>): void {
    for (let i = 0; i < 8; i++) out[i] = this.h[i];
  }

  update(data: Uint8Array): Sha256 {
    return this.updatePtr(data.dataStart, data.length);
  }

  updateString(s: string): Sha256 {
    const b = String.UTF8.encode(s);
    return this.updatePtr(changetype<usize>(b), b.byteLength);
  }

  updatePtr(ptr: usize, len: i32): Sha256 {
    this.total += <u64>len;
    let off = 0;
    const buf = this.buf.dataStart;
    if (this.bufLen > 0) {
      const take = min(64 - this.bufLen, len);
      memory.copy(buf + this.bufLen, ptr, take);
      this.bufLen += take;
      off = take;
      if (this.bufLen < 64) return this;
      compress(this.h, buf);
      this.bufLen = 0;
    }
    while (len - off >= 64) {
      compress(this.h, ptr + off);
      off += 64;
    }
    if (off < len) {
      memory.copy(buf, ptr + off, len - off);
      this.bufLen = len - off;
    }
    return this;
  }

  /** Writes the 32-byte digest to `out` (at offset 0). The hasher must be reset before reuse. */
  digestInto(out: Uint8Array): void {
    const buf = this.buf.dataStart;
    const bits = this.total << 3;
    store<u8>(buf + this.bufLen, 0x80);
    this.bufLen++;
    if (this.bufLen > 56) {
      memory.fill(buf + this.bufLen, 0, 64 - this.bufLen);
      compress(this.h, buf);
      this.bufLen = 0;
    }
    memory.fill(buf + this.bufLen, 0, 56 - this.bufLen);
    store<u64>(buf + 56, bswap<u64>(bits));
    compress(this.h, buf);
    const o = out.dataStart;
    for (let i = 0; i < 8; i++) store<u32>(o + (i << 2), bswap<u32>(this.h[i]));
  }

  digest(): Uint8Array {
    const out = new Uint8Array(32);
    this.digestInto(out);
    return out;
  }
}

// @ts-ignore: decorator
@inline function rotr(x: u32, n: u32): u32 { return (x >>> n) | (x << (32 - n)); }

function compress(h: StaticArray<u32>, block: usize): void {
  for (let i = 0; i < 16; i++) {
    store<u32>(W + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  }
  for (let i = 16; i < 64; i++) {
    const w15 = load<u32>(W + ((i - 15) << 2));
    const w2 = load<u32>(W + ((i - 2) << 2));
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (i << 2), load<u32>(W + ((i - 16) << 2)) + s0 + load<u32>(W + ((i - 7) << 2)) + s1);
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = hh + S1 + ch + unchecked(K[i]) + load<u32>(W + (i << 2));
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Sha256().update(data).digest();
}

/** SHA-256 of the UTF-8 bytes of `s`. */
export function sha256String(s: string): Uint8Array {
  return new Sha256().updateString(s).digest();
}
