// SHA-512 (FIPS 180-4), HMAC-SHA512 (RFC 2104) and PBKDF2-HMAC-SHA512 (RFC 8018). Pure, no
// host imports. Needed by NUT-13's legacy derivation: BIP-39 seeds (PBKDF2, 2048 rounds) and
// BIP-32 key derivation (HMAC-SHA512). Not on any hot path.

const K: StaticArray<u64> = [
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
  0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
  0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
  0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
  0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
  0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
  0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
  0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
  0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
  0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
  0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
  0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
  0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
];

const W = memory.data(80 * 8);

// @ts-ignore: decorator
@inline function rotr(x: u64, n: u64): u64 { return (x >>> n) | (x << (64 - n)); }

function compress(h: StaticArray<u64>, block: usize): void {
  for (let i = 0; i < 16; i++) store<u64>(W + (<usize>i << 3), bswap<u64>(load<u64>(block + (<usize>i << 3))));
  for (let i = 16; i < 80; i++) {
    const w15 = load<u64>(W + (<usize>(i - 15) << 3));
    const w2 = load<u64>(W + (<usize>(i - 2) << 3));
    const s0 = rotr(w15, 1) ^ rotr(w15, 8) ^ (w15 >>> 7);
    const s1 = rotr(w2, 19) ^ rotr(w2, 61) ^ (w2 >>> 6);
    store<u64>(W + (<usize>i << 3), load<u64>(W + (<usize>(i - 16) << 3)) + s0 + load<u64>(W + (<usize>(i - 7) << 3)) + s1);
  }
  let a = unchecked(h[0]), b = unchecked(h[1]), c = unchecked(h[2]), d = unchecked(h[3]);
  let e = unchecked(h[4]), f = unchecked(h[5]), g = unchecked(h[6]), hh = unchecked(h[7]);
  for (let i = 0; i < 80; i++) {
    const S1 = rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41);
    const ch = (e & f) ^ (~e & g);
    const t1 = hh + S1 + ch + unchecked(K[i]) + load<u64>(W + (<usize>i << 3));
    const S0 = rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  unchecked(h[0] += a); unchecked(h[1] += b); unchecked(h[2] += c); unchecked(h[3] += d);
  unchecked(h[4] += e); unchecked(h[5] += f); unchecked(h[6] += g); unchecked(h[7] += hh);
}

export class Sha512 {
  private h: StaticArray<u64> = new StaticArray<u64>(8);
  private buf: Uint8Array = new Uint8Array(128);
  private bufLen: i32 = 0;
  private total: u64 = 0;

  constructor() { this.reset(); }

  reset(): Sha512 {
    const h = this.h;
    h[0] = 0x6a09e667f3bcc908; h[1] = 0xbb67ae8584caa73b; h[2] = 0x3c6ef372fe94f82b; h[3] = 0xa54ff53a5f1d36f1;
    h[4] = 0x510e527fade682d1; h[5] = 0x9b05688c2b3e6c1f; h[6] = 0x1f83d9abfb41bd6b; h[7] = 0x5be0cd19137e2179;
    this.bufLen = 0;
    this.total = 0;
    return this;
  }

  /** Restores a chaining state saved with getState on a 128-byte boundary. */
  setState(state: StaticArray<u64>, bytesSoFar: u64): void {
    for (let i = 0; i < 8; i++) this.h[i] = state[i];
    this.bufLen = 0;
    this.total = bytesSoFar;
  }

  getState(out: StaticArray<u64>): void {
    for (let i = 0; i < 8; i++) out[i] = this.h[i];
  }

  update(data: Uint8Array): Sha512 { return this.updatePtr(data.dataStart, data.length); }

  updatePtr(ptr: usize, len: i32): Sha512 {
    this.total += <u64>len;
    let off = 0;
    const buf = this.buf.dataStart;
    if (this.bufLen > 0) {
      const take = min(128 - this.bufLen, len);
      memory.copy(buf + this.bufLen, ptr, take);
      this.bufLen += take;
      off = take;
      if (this.bufLen < 128) return this;
      compress(this.h, buf);
      this.bufLen = 0;
    }
    while (len - off >= 128) {
      compress(this.h, ptr + off);
      off += 128;
    }
    if (off < len) {
      memory.copy(buf, ptr + off, len - off);
      this.bufLen = len - off;
    }
    return this;
  }

  /** Writes the 64-byte digest at out. The hasher must be reset before reuse. */
  digestInto(out: usize): void {
    const buf = this.buf.dataStart;
    const bits = this.total << 3;
    store<u8>(buf + this.bufLen, 0x80);
    this.bufLen++;
    if (this.bufLen > 112) {
      memory.fill(buf + this.bufLen, 0, 128 - this.bufLen);
      compress(this.h, buf);
      this.bufLen = 0;
    }
    memory.fill(buf + this.bufLen, 0, 120 - this.bufLen);
    store<u64>(buf + 120, bswap<u64>(bits));
    compress(this.h, buf);
    for (let i = 0; i < 8; i++) store<u64>(out + (<usize>i << 3), bswap<u64>(this.h[i]));
  }

  digest(): Uint8Array {
    const out = new Uint8Array(64);
    this.digestInto(out.dataStart);
    return out;
  }
}

/** SHA-512 of data. */
export function sha512(data: Uint8Array): Uint8Array { return new Sha512().update(data).digest(); }

/** HMAC-SHA512 with the inner and outer chaining states precomputed once per key. */
export class HmacSha512Key {
  private inner: StaticArray<u64> = new StaticArray<u64>(8);
  private outer: StaticArray<u64> = new StaticArray<u64>(8);
  private h: Sha512 = new Sha512();
  private tmp: Uint8Array = new Uint8Array(64);

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 128) k = sha512(k);
    const pad = new Uint8Array(128);
    for (let i = 0; i < 128; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x36;
    this.h.reset().update(pad).getState(this.inner);
    for (let i = 0; i < 128; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x5c;
    this.h.reset().update(pad).getState(this.outer);
  }

  /** MAC of [ptr, ptr+len) written to the 64 bytes at out (out may overlap the input). */
  macPtrInto(ptr: usize, len: i32, out: usize): void {
    const h = this.h;
    h.setState(this.inner, 128);
    h.updatePtr(ptr, len);
    h.digestInto(this.tmp.dataStart);
    h.setState(this.outer, 128);
    h.updatePtr(this.tmp.dataStart, 64);
    h.digestInto(out);
  }

  mac(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(64);
    this.macPtrInto(data.dataStart, data.length, out.dataStart);
    return out;
  }
}

/** One-shot HMAC-SHA512(key, data). */
export function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new HmacSha512Key(key).mac(data);
}

/** PBKDF2-HMAC-SHA512(password, salt, iterations) with dkLen output bytes. */
export function pbkdf2HmacSha512(password: Uint8Array, salt: Uint8Array, iterations: i32, dkLen: i32): Uint8Array {
  const mac = new HmacSha512Key(password);
  const out = new Uint8Array(dkLen);
  const first = new Uint8Array(salt.length + 4);
  memory.copy(first.dataStart, salt.dataStart, salt.length);
  const u = new Uint8Array(64);
  const t = new Uint8Array(64);
  let block: u32 = 1;
  for (let off = 0; off < dkLen; off += 64) {
    store<u32>(first.dataStart + <usize>salt.length, bswap<u32>(block));
    mac.macPtrInto(first.dataStart, first.length, u.dataStart);
    memory.copy(t.dataStart, u.dataStart, 64);
    for (let i = 1; i < iterations; i++) {
      mac.macPtrInto(u.dataStart, 64, u.dataStart);
      for (let j = 0; j < 64; j += 8) store<u64>(t.dataStart + j, load<u64>(t.dataStart + j) ^ load<u64>(u.dataStart + j));
    }
    const n = min(64, dkLen - off);
    memory.copy(out.dataStart + off, t.dataStart, n);
    block++;
  }
  return out;
}
