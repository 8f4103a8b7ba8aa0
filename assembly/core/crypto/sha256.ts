// SHA-256 (FIPS 180-4). Streaming (Sha256) and one-shot (sha256). Pure; no host imports.

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
    if (state.length < 8) return; // not a chaining state: leave the hasher as it is
    memory.copy(changetype<usize>(this.h), changetype<usize>(state), 32);
    this.bufLen = 0;
    this.total = bytesSoFar;
  }

  /** Copies the chaining state; valid only on a 64-byte boundary. */
  getState(out: StaticArray<u32>): void {
    if (out.length < 8) return;
    memory.copy(changetype<usize>(out), changetype<usize>(this.h), 32);
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
    const h = this.h;
    for (let i = 0; i < 8; i++) store<u32>(o + (i << 2), bswap<u32>(unchecked(h[i])));
  }

  digest(): Uint8Array {
    const out = new Uint8Array(32);
    this.digestInto(out);
    return out;
  }
}

// Fully unrolled compression function (generated): the 16-word message schedule lives in
// locals and the eight working variables are renamed per round instead of shifted, so the
// engine keeps everything in registers.
function compress(h: StaticArray<u32>, p: usize): void {
  let a = unchecked(h[0]), b = unchecked(h[1]), c = unchecked(h[2]), d = unchecked(h[3]);
  let e = unchecked(h[4]), f = unchecked(h[5]), g = unchecked(h[6]), hh = unchecked(h[7]);
  let w0 = bswap<u32>(load<u32>(p, 0));
  let w1 = bswap<u32>(load<u32>(p, 4));
  let w2 = bswap<u32>(load<u32>(p, 8));
  let w3 = bswap<u32>(load<u32>(p, 12));
  let w4 = bswap<u32>(load<u32>(p, 16));
  let w5 = bswap<u32>(load<u32>(p, 20));
  let w6 = bswap<u32>(load<u32>(p, 24));
  let w7 = bswap<u32>(load<u32>(p, 28));
  let w8 = bswap<u32>(load<u32>(p, 32));
  let w9 = bswap<u32>(load<u32>(p, 36));
  let w10 = bswap<u32>(load<u32>(p, 40));
  let w11 = bswap<u32>(load<u32>(p, 44));
  let w12 = bswap<u32>(load<u32>(p, 48));
  let w13 = bswap<u32>(load<u32>(p, 52));
  let w14 = bswap<u32>(load<u32>(p, 56));
  let w15 = bswap<u32>(load<u32>(p, 60));
  let t1: u32, t2: u32;
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0x428a2f98 + w0;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0x71374491 + w1;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0xb5c0fbcf + w2;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0xe9b5dba5 + w3;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x3956c25b + w4;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0x59f111f1 + w5;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x923f82a4 + w6;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0xab1c5ed5 + w7;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0xd807aa98 + w8;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0x12835b01 + w9;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0x243185be + w10;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0x550c7dc3 + w11;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x72be5d74 + w12;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0x80deb1fe + w13;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x9bdc06a7 + w14;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0xc19bf174 + w15;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w0 += (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3)) + w9 + (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0xe49b69c1 + w0;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w1 += (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3)) + w10 + (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0xefbe4786 + w1;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w2 += (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3)) + w11 + (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0x0fc19dc6 + w2;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w3 += (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3)) + w12 + (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0x240ca1cc + w3;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w4 += (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3)) + w13 + (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x2de92c6f + w4;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w5 += (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3)) + w14 + (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0x4a7484aa + w5;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w6 += (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3)) + w15 + (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x5cb0a9dc + w6;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w7 += (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3)) + w0 + (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0x76f988da + w7;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w8 += (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3)) + w1 + (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0x983e5152 + w8;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w9 += (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3)) + w2 + (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0xa831c66d + w9;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w10 += (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3)) + w3 + (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0xb00327c8 + w10;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w11 += (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3)) + w4 + (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0xbf597fc7 + w11;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w12 += (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3)) + w5 + (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0xc6e00bf3 + w12;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w13 += (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3)) + w6 + (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0xd5a79147 + w13;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w14 += (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3)) + w7 + (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x06ca6351 + w14;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w15 += (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3)) + w8 + (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0x14292967 + w15;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w0 += (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3)) + w9 + (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0x27b70a85 + w0;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w1 += (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3)) + w10 + (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0x2e1b2138 + w1;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w2 += (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3)) + w11 + (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0x4d2c6dfc + w2;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w3 += (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3)) + w12 + (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0x53380d13 + w3;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w4 += (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3)) + w13 + (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x650a7354 + w4;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w5 += (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3)) + w14 + (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0x766a0abb + w5;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w6 += (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3)) + w15 + (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x81c2c92e + w6;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w7 += (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3)) + w0 + (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0x92722c85 + w7;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w8 += (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3)) + w1 + (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0xa2bfe8a1 + w8;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w9 += (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3)) + w2 + (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0xa81a664b + w9;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w10 += (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3)) + w3 + (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0xc24b8b70 + w10;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w11 += (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3)) + w4 + (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0xc76c51a3 + w11;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w12 += (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3)) + w5 + (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0xd192e819 + w12;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w13 += (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3)) + w6 + (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0xd6990624 + w13;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w14 += (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3)) + w7 + (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0xf40e3585 + w14;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w15 += (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3)) + w8 + (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0x106aa070 + w15;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w0 += (rotr<u32>(w1, 7) ^ rotr<u32>(w1, 18) ^ (w1 >>> 3)) + w9 + (rotr<u32>(w14, 17) ^ rotr<u32>(w14, 19) ^ (w14 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0x19a4c116 + w0;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w1 += (rotr<u32>(w2, 7) ^ rotr<u32>(w2, 18) ^ (w2 >>> 3)) + w10 + (rotr<u32>(w15, 17) ^ rotr<u32>(w15, 19) ^ (w15 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0x1e376c08 + w1;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w2 += (rotr<u32>(w3, 7) ^ rotr<u32>(w3, 18) ^ (w3 >>> 3)) + w11 + (rotr<u32>(w0, 17) ^ rotr<u32>(w0, 19) ^ (w0 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0x2748774c + w2;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w3 += (rotr<u32>(w4, 7) ^ rotr<u32>(w4, 18) ^ (w4 >>> 3)) + w12 + (rotr<u32>(w1, 17) ^ rotr<u32>(w1, 19) ^ (w1 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0x34b0bcb5 + w3;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w4 += (rotr<u32>(w5, 7) ^ rotr<u32>(w5, 18) ^ (w5 >>> 3)) + w13 + (rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x391c0cb3 + w4;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w5 += (rotr<u32>(w6, 7) ^ rotr<u32>(w6, 18) ^ (w6 >>> 3)) + w14 + (rotr<u32>(w3, 17) ^ rotr<u32>(w3, 19) ^ (w3 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0x4ed8aa4a + w5;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w6 += (rotr<u32>(w7, 7) ^ rotr<u32>(w7, 18) ^ (w7 >>> 3)) + w15 + (rotr<u32>(w4, 17) ^ rotr<u32>(w4, 19) ^ (w4 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0x5b9cca4f + w6;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w7 += (rotr<u32>(w8, 7) ^ rotr<u32>(w8, 18) ^ (w8 >>> 3)) + w0 + (rotr<u32>(w5, 17) ^ rotr<u32>(w5, 19) ^ (w5 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0x682e6ff3 + w7;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  w8 += (rotr<u32>(w9, 7) ^ rotr<u32>(w9, 18) ^ (w9 >>> 3)) + w1 + (rotr<u32>(w6, 17) ^ rotr<u32>(w6, 19) ^ (w6 >>> 10));
  t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + 0x748f82ee + w8;
  t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1; hh = t1 + t2;
  w9 += (rotr<u32>(w10, 7) ^ rotr<u32>(w10, 18) ^ (w10 >>> 3)) + w2 + (rotr<u32>(w7, 17) ^ rotr<u32>(w7, 19) ^ (w7 >>> 10));
  t1 = g + (rotr<u32>(d, 6) ^ rotr<u32>(d, 11) ^ rotr<u32>(d, 25)) + ((d & e) ^ (~d & f)) + 0x78a5636f + w9;
  t2 = (rotr<u32>(hh, 2) ^ rotr<u32>(hh, 13) ^ rotr<u32>(hh, 22)) + ((hh & a) ^ (hh & b) ^ (a & b));
  c += t1; g = t1 + t2;
  w10 += (rotr<u32>(w11, 7) ^ rotr<u32>(w11, 18) ^ (w11 >>> 3)) + w3 + (rotr<u32>(w8, 17) ^ rotr<u32>(w8, 19) ^ (w8 >>> 10));
  t1 = f + (rotr<u32>(c, 6) ^ rotr<u32>(c, 11) ^ rotr<u32>(c, 25)) + ((c & d) ^ (~c & e)) + 0x84c87814 + w10;
  t2 = (rotr<u32>(g, 2) ^ rotr<u32>(g, 13) ^ rotr<u32>(g, 22)) + ((g & hh) ^ (g & a) ^ (hh & a));
  b += t1; f = t1 + t2;
  w11 += (rotr<u32>(w12, 7) ^ rotr<u32>(w12, 18) ^ (w12 >>> 3)) + w4 + (rotr<u32>(w9, 17) ^ rotr<u32>(w9, 19) ^ (w9 >>> 10));
  t1 = e + (rotr<u32>(b, 6) ^ rotr<u32>(b, 11) ^ rotr<u32>(b, 25)) + ((b & c) ^ (~b & d)) + 0x8cc70208 + w11;
  t2 = (rotr<u32>(f, 2) ^ rotr<u32>(f, 13) ^ rotr<u32>(f, 22)) + ((f & g) ^ (f & hh) ^ (g & hh));
  a += t1; e = t1 + t2;
  w12 += (rotr<u32>(w13, 7) ^ rotr<u32>(w13, 18) ^ (w13 >>> 3)) + w5 + (rotr<u32>(w10, 17) ^ rotr<u32>(w10, 19) ^ (w10 >>> 10));
  t1 = d + (rotr<u32>(a, 6) ^ rotr<u32>(a, 11) ^ rotr<u32>(a, 25)) + ((a & b) ^ (~a & c)) + 0x90befffa + w12;
  t2 = (rotr<u32>(e, 2) ^ rotr<u32>(e, 13) ^ rotr<u32>(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
  hh += t1; d = t1 + t2;
  w13 += (rotr<u32>(w14, 7) ^ rotr<u32>(w14, 18) ^ (w14 >>> 3)) + w6 + (rotr<u32>(w11, 17) ^ rotr<u32>(w11, 19) ^ (w11 >>> 10));
  t1 = c + (rotr<u32>(hh, 6) ^ rotr<u32>(hh, 11) ^ rotr<u32>(hh, 25)) + ((hh & a) ^ (~hh & b)) + 0xa4506ceb + w13;
  t2 = (rotr<u32>(d, 2) ^ rotr<u32>(d, 13) ^ rotr<u32>(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
  g += t1; c = t1 + t2;
  w14 += (rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3)) + w7 + (rotr<u32>(w12, 17) ^ rotr<u32>(w12, 19) ^ (w12 >>> 10));
  t1 = b + (rotr<u32>(g, 6) ^ rotr<u32>(g, 11) ^ rotr<u32>(g, 25)) + ((g & hh) ^ (~g & a)) + 0xbef9a3f7 + w14;
  t2 = (rotr<u32>(c, 2) ^ rotr<u32>(c, 13) ^ rotr<u32>(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
  f += t1; b = t1 + t2;
  w15 += (rotr<u32>(w0, 7) ^ rotr<u32>(w0, 18) ^ (w0 >>> 3)) + w8 + (rotr<u32>(w13, 17) ^ rotr<u32>(w13, 19) ^ (w13 >>> 10));
  t1 = a + (rotr<u32>(f, 6) ^ rotr<u32>(f, 11) ^ rotr<u32>(f, 25)) + ((f & g) ^ (~f & hh)) + 0xc67178f2 + w15;
  t2 = (rotr<u32>(b, 2) ^ rotr<u32>(b, 13) ^ rotr<u32>(b, 22)) + ((b & c) ^ (b & d) ^ (c & d));
  e += t1; a = t1 + t2;
  unchecked(h[0] += a); unchecked(h[1] += b); unchecked(h[2] += c); unchecked(h[3] += d);
  unchecked(h[4] += e); unchecked(h[5] += f); unchecked(h[6] += g); unchecked(h[7] += hh);
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Sha256().update(data).digest();
}

/** SHA-256 of the UTF-8 bytes of `s`. */
export function sha256String(s: string): Uint8Array {
  return new Sha256().updateString(s).digest();
}
