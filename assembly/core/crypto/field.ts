// secp256k1 base field GF(p), p = 2^256 - 2^32 - 977. Pure, no host imports, no allocation.
//
// Representation (ported from bitcoin-core/secp256k1 src/field_10x26_impl.h, MIT licence):
// a field element is 10 little-endian u32 limbs of 26 bits (the top limb 22 bits) stored at a
// pointer in linear memory (FE_SIZE = 40 bytes); value = sum(n[i] * 2^(26*i)). Limbs may exceed
// 26 bits: the "magnitude" m of an element bounds each limb by 2*m*(2^26-1) (2*m*(2^22-1) for
// the top one), so additions need no carry propagation until a multiplication (inputs must
// have magnitude <= 8) or an explicit normalisation. The magnitude is tracked by the caller,
// not at run time: every function states what it accepts and returns, exactly as in libsecp256k1.
// "Normalized" means magnitude 1 and value fully reduced into [0, p).
//
// Why 10x26: wasm has no 64x64->128 multiply, so products must come from 32x32->64 i64.mul.
// Measured on this machine (AMD EPYC, node 20, asc -O3, 2M chained multiplications):
//   10x26 (libsecp layout, lazy reduction):           19.7 ns/mul, 15.8 ns/sqr
//   9x29  (81 products, carry pass + fold):            20.0 ns/mul, but inputs must stay < 2^29
//                                                      per limb (magnitude <= 2: no lazy adds)
//   8x32  (64 products with split hi/lo accumulators): 27.4 ns/mul, and every add must carry
// 10x26 is as fast as 9x29 and keeps libsecp256k1's headroom (mul inputs up to magnitude 8)
// and its proven limb bounds, so the group formulas can be ported with their bounds intact.
//
// Constant time: everything here is constant-time except functions whose names end in `Var`
// (and feCmpVar), which branch on the value and must only see public data.

export const FE_SIZE: usize = 40;

// @ts-ignore: decorator
@inline const M: u64 = 0x3FFFFFF;
// @ts-ignore: decorator
@inline const R0: u64 = 0x3D10;
// @ts-ignore: decorator
@inline const R1: u64 = 0x400;

/** r = a (small integer). Result normalized when a < 2^26. */
// @ts-ignore: decorator
@inline export function feSetInt(r: usize, a: u32): void {
  store<u32>(r, a, 0);
  store<u32>(r, 0, 4);
  store<u64>(r, 0, 8);
  store<u64>(r, 0, 16);
  store<u64>(r, 0, 24);
  store<u64>(r, 0, 32);
}

/** r = a (copy of 40 bytes). */
// @ts-ignore: decorator
@inline export function feCopy(r: usize, a: usize): void {
  store<u64>(r, load<u64>(a, 0), 0);
  store<u64>(r, load<u64>(a, 8), 8);
  store<u64>(r, load<u64>(a, 16), 16);
  store<u64>(r, load<u64>(a, 24), 24);
  store<u64>(r, load<u64>(a, 32), 32);
}

/** Fully reduces r (any magnitude <= 31) into [0, p). Constant time. */
export function feNormalize(r: usize): void {
  let t0 = load<u32>(r, 0), t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32), t9 = load<u32>(r, 36);
  let m: u32;
  let x: u32 = t9 >> 22; t9 &= 0x03FFFFF;
  t0 += x * 0x3D1; t1 += (x << 6);
  t1 += (t0 >> 26); t0 &= 0x3FFFFFF;
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF; m = t2;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF; m &= t3;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF; m &= t4;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF; m &= t5;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF; m &= t6;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF; m &= t7;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF; m &= t8;
  x = (t9 >> 22) | (<u32>(t9 == 0x03FFFFF) & <u32>(m == 0x3FFFFFF)
    & <u32>((t1 + 0x40 + ((t0 + 0x3D1) >> 26)) > 0x3FFFFFF));
  t0 += x * 0x3D1; t1 += (x << 6);
  t1 += (t0 >> 26); t0 &= 0x3FFFFFF;
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF;
  t9 &= 0x03FFFFF;
  store<u32>(r, t0, 0); store<u32>(r, t1, 4); store<u32>(r, t2, 8); store<u32>(r, t3, 12); store<u32>(r, t4, 16);
  store<u32>(r, t5, 20); store<u32>(r, t6, 24); store<u32>(r, t7, 28); store<u32>(r, t8, 32); store<u32>(r, t9, 36);
}

/** Reduces r to magnitude 1 (not necessarily < p). Constant time. */
export function feNormalizeWeak(r: usize): void {
  let t0 = load<u32>(r, 0), t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32), t9 = load<u32>(r, 36);
  const x: u32 = t9 >> 22; t9 &= 0x03FFFFF;
  t0 += x * 0x3D1; t1 += (x << 6);
  t1 += (t0 >> 26); t0 &= 0x3FFFFFF;
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF;
  store<u32>(r, t0, 0); store<u32>(r, t1, 4); store<u32>(r, t2, 8); store<u32>(r, t3, 12); store<u32>(r, t4, 16);
  store<u32>(r, t5, 20); store<u32>(r, t6, 24); store<u32>(r, t7, 28); store<u32>(r, t8, 32); store<u32>(r, t9, 36);
}

/** Like feNormalize, variable time (branches on the value): public data only. */
export function feNormalizeVar(r: usize): void {
  let t0 = load<u32>(r, 0), t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32), t9 = load<u32>(r, 36);
  let m: u32;
  let x: u32 = t9 >> 22; t9 &= 0x03FFFFF;
  t0 += x * 0x3D1; t1 += (x << 6);
  t1 += (t0 >> 26); t0 &= 0x3FFFFFF;
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF; m = t2;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF; m &= t3;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF; m &= t4;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF; m &= t5;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF; m &= t6;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF; m &= t7;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF; m &= t8;
  x = (t9 >> 22) | (<u32>(t9 == 0x03FFFFF) & <u32>(m == 0x3FFFFFF)
    & <u32>((t1 + 0x40 + ((t0 + 0x3D1) >> 26)) > 0x3FFFFFF));
  if (x) {
    t0 += 0x3D1; t1 += (x << 6);
    t1 += (t0 >> 26); t0 &= 0x3FFFFFF;
    t2 += (t1 >> 26); t1 &= 0x3FFFFFF;
    t3 += (t2 >> 26); t2 &= 0x3FFFFFF;
    t4 += (t3 >> 26); t3 &= 0x3FFFFFF;
    t5 += (t4 >> 26); t4 &= 0x3FFFFFF;
    t6 += (t5 >> 26); t5 &= 0x3FFFFFF;
    t7 += (t6 >> 26); t6 &= 0x3FFFFFF;
    t8 += (t7 >> 26); t7 &= 0x3FFFFFF;
    t9 += (t8 >> 26); t8 &= 0x3FFFFFF;
    t9 &= 0x03FFFFF;
  }
  store<u32>(r, t0, 0); store<u32>(r, t1, 4); store<u32>(r, t2, 8); store<u32>(r, t3, 12); store<u32>(r, t4, 16);
  store<u32>(r, t5, 20); store<u32>(r, t6, 24); store<u32>(r, t7, 28); store<u32>(r, t8, 32); store<u32>(r, t9, 36);
}

/** True when r (magnitude <= 31) is 0 mod p. Constant time. */
export function feNormalizesToZero(r: usize): bool {
  let t0 = load<u32>(r, 0), t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32), t9 = load<u32>(r, 36);
  let z0: u32, z1: u32;
  const x: u32 = t9 >> 22; t9 &= 0x03FFFFF;
  t0 += x * 0x3D1; t1 += (x << 6);
  t1 += (t0 >> 26); t0 &= 0x3FFFFFF; z0  = t0; z1  = t0 ^ 0x3D0;
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF; z0 |= t1; z1 &= t1 ^ 0x40;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF; z0 |= t2; z1 &= t2;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF; z0 |= t3; z1 &= t3;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF; z0 |= t4; z1 &= t4;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF; z0 |= t5; z1 &= t5;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF; z0 |= t6; z1 &= t6;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF; z0 |= t7; z1 &= t7;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF; z0 |= t8; z1 &= t8;
  z0 |= t9; z1 &= t9 ^ 0x3C00000;
  return (<u32>(z0 == 0) | <u32>(z1 == 0x3FFFFFF)) != 0;
}

/** Like feNormalizesToZero, variable time (fast exit for the common non-zero case). */
export function feNormalizesToZeroVar(r: usize): bool {
  let t0 = load<u32>(r, 0);
  let t9 = load<u32>(r, 36);
  const x: u32 = t9 >> 22;
  t0 += x * 0x3D1;
  let z0: u32 = t0 & 0x3FFFFFF;
  let z1: u32 = z0 ^ 0x3D0;
  if (z0 != 0 && z1 != 0x3FFFFFF) return false;
  let t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32);
  t9 &= 0x03FFFFF;
  t1 += (x << 6);
  t1 += (t0 >> 26);
  t2 += (t1 >> 26); t1 &= 0x3FFFFFF; z0 |= t1; z1 &= t1 ^ 0x40;
  t3 += (t2 >> 26); t2 &= 0x3FFFFFF; z0 |= t2; z1 &= t2;
  t4 += (t3 >> 26); t3 &= 0x3FFFFFF; z0 |= t3; z1 &= t3;
  t5 += (t4 >> 26); t4 &= 0x3FFFFFF; z0 |= t4; z1 &= t4;
  t6 += (t5 >> 26); t5 &= 0x3FFFFFF; z0 |= t5; z1 &= t5;
  t7 += (t6 >> 26); t6 &= 0x3FFFFFF; z0 |= t6; z1 &= t6;
  t8 += (t7 >> 26); t7 &= 0x3FFFFFF; z0 |= t7; z1 &= t7;
  t9 += (t8 >> 26); t8 &= 0x3FFFFFF; z0 |= t8; z1 &= t8;
  z0 |= t9; z1 &= t9 ^ 0x3C00000;
  return z0 == 0 || z1 == 0x3FFFFFF;
}

/** True when a (normalized) is zero. */
export function feIsZero(a: usize): bool {
  return (load<u32>(a, 0) | load<u32>(a, 4) | load<u32>(a, 8) | load<u32>(a, 12) | load<u32>(a, 16)
    | load<u32>(a, 20) | load<u32>(a, 24) | load<u32>(a, 28) | load<u32>(a, 32) | load<u32>(a, 36)) == 0;
}

/** True when a (normalized) is odd. */
// @ts-ignore: decorator
@inline export function feIsOdd(a: usize): bool {
  return (load<u32>(a, 0) & 1) != 0;
}

/** Compares two normalized elements: -1, 0 or 1. Variable time. */
export function feCmpVar(a: usize, b: usize): i32 {
  for (let i = 9; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2)), y = load<u32>(b + (<usize>i << 2));
    if (x > y) return 1;
    if (x < y) return -1;
  }
  return 0;
}

/** r = the 32 big-endian bytes at p, reduced mod 2^256 (not mod p): magnitude 1, maybe >= p. */
export function feSetB32Mod(r: usize, p: usize): void {
  const w0 = bswap<u32>(load<u32>(p, 28)); // bits 0..31
  const w1 = bswap<u32>(load<u32>(p, 24));
  const w2 = bswap<u32>(load<u32>(p, 20));
  const w3 = bswap<u32>(load<u32>(p, 16));
  const w4 = bswap<u32>(load<u32>(p, 12));
  const w5 = bswap<u32>(load<u32>(p, 8));
  const w6 = bswap<u32>(load<u32>(p, 4));
  const w7 = bswap<u32>(load<u32>(p, 0));
  store<u32>(r, w0 & 0x3FFFFFF, 0);
  store<u32>(r, ((w0 >> 26) | (w1 << 6)) & 0x3FFFFFF, 4);
  store<u32>(r, ((w1 >> 20) | (w2 << 12)) & 0x3FFFFFF, 8);
  store<u32>(r, ((w2 >> 14) | (w3 << 18)) & 0x3FFFFFF, 12);
  store<u32>(r, ((w3 >> 8) | (w4 << 24)) & 0x3FFFFFF, 16);
  store<u32>(r, (w4 >> 2) & 0x3FFFFFF, 20);
  store<u32>(r, ((w4 >> 28) | (w5 << 4)) & 0x3FFFFFF, 24);
  store<u32>(r, ((w5 >> 22) | (w6 << 10)) & 0x3FFFFFF, 28);
  store<u32>(r, ((w6 >> 16) | (w7 << 16)) & 0x3FFFFFF, 32);
  store<u32>(r, w7 >> 10, 36);
}

/** Like feSetB32Mod; returns false (r still set) when the value is >= p. Result normalized if true. */
export function feSetB32Limit(r: usize, p: usize): bool {
  feSetB32Mod(r, p);
  const over = <u32>(load<u32>(r, 36) == 0x3FFFFF)
    & <u32>((load<u32>(r, 32) & load<u32>(r, 28) & load<u32>(r, 24) & load<u32>(r, 20) & load<u32>(r, 16)
      & load<u32>(r, 12) & load<u32>(r, 8)) == 0x3FFFFFF)
    & <u32>((load<u32>(r, 4) + 0x40 + ((load<u32>(r, 0) + 0x3D1) >> 26)) > 0x3FFFFFF);
  return over == 0;
}

/** Writes normalized a as 32 big-endian bytes at p. */
export function feGetB32(p: usize, a: usize): void {
  const n0 = load<u32>(a, 0), n1 = load<u32>(a, 4), n2 = load<u32>(a, 8), n3 = load<u32>(a, 12), n4 = load<u32>(a, 16);
  const n5 = load<u32>(a, 20), n6 = load<u32>(a, 24), n7 = load<u32>(a, 28), n8 = load<u32>(a, 32), n9 = load<u32>(a, 36);
  store<u32>(p, bswap<u32>((n9 << 10) | (n8 >> 16)), 0);
  store<u32>(p, bswap<u32>((n8 << 16) | (n7 >> 10)), 4);
  store<u32>(p, bswap<u32>((n7 << 22) | (n6 >> 4)), 8);
  store<u32>(p, bswap<u32>((n6 << 28) | (n5 << 2) | (n4 >> 24)), 12);
  store<u32>(p, bswap<u32>((n4 << 8) | (n3 >> 18)), 16);
  store<u32>(p, bswap<u32>((n3 << 14) | (n2 >> 12)), 20);
  store<u32>(p, bswap<u32>((n2 << 20) | (n1 >> 6)), 24);
  store<u32>(p, bswap<u32>((n1 << 26) | n0), 28);
}

/** r = -a, where a has magnitude <= m (m <= 31). Result magnitude m + 1. r may alias a. */
// @ts-ignore: decorator
@inline export function feNegate(r: usize, a: usize, m: u32): void {
  const k: u32 = 2 * (m + 1);
  store<u32>(r, 0x3FFFC2F * k - load<u32>(a, 0), 0);
  store<u32>(r, 0x3FFFFBF * k - load<u32>(a, 4), 4);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 8), 8);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 12), 12);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 16), 16);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 20), 20);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 24), 24);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 28), 28);
  store<u32>(r, 0x3FFFFFF * k - load<u32>(a, 32), 32);
  store<u32>(r, 0x03FFFFF * k - load<u32>(a, 36), 36);
}

/** r *= k (small). Magnitude is multiplied by k. */
// @ts-ignore: decorator
@inline export function feMulInt(r: usize, k: u32): void {
  store<u32>(r, load<u32>(r, 0) * k, 0);
  store<u32>(r, load<u32>(r, 4) * k, 4);
  store<u32>(r, load<u32>(r, 8) * k, 8);
  store<u32>(r, load<u32>(r, 12) * k, 12);
  store<u32>(r, load<u32>(r, 16) * k, 16);
  store<u32>(r, load<u32>(r, 20) * k, 20);
  store<u32>(r, load<u32>(r, 24) * k, 24);
  store<u32>(r, load<u32>(r, 28) * k, 28);
  store<u32>(r, load<u32>(r, 32) * k, 32);
  store<u32>(r, load<u32>(r, 36) * k, 36);
}

/** r += a. Magnitudes add. */
// @ts-ignore: decorator
@inline export function feAdd(r: usize, a: usize): void {
  store<u32>(r, load<u32>(r, 0) + load<u32>(a, 0), 0);
  store<u32>(r, load<u32>(r, 4) + load<u32>(a, 4), 4);
  store<u32>(r, load<u32>(r, 8) + load<u32>(a, 8), 8);
  store<u32>(r, load<u32>(r, 12) + load<u32>(a, 12), 12);
  store<u32>(r, load<u32>(r, 16) + load<u32>(a, 16), 16);
  store<u32>(r, load<u32>(r, 20) + load<u32>(a, 20), 20);
  store<u32>(r, load<u32>(r, 24) + load<u32>(a, 24), 24);
  store<u32>(r, load<u32>(r, 28) + load<u32>(a, 28), 28);
  store<u32>(r, load<u32>(r, 32) + load<u32>(a, 32), 32);
  store<u32>(r, load<u32>(r, 36) + load<u32>(a, 36), 36);
}

/** r += a for a small integer (magnitude grows by at most 1). */
// @ts-ignore: decorator
@inline export function feAddInt(r: usize, a: u32): void {
  store<u32>(r, load<u32>(r, 0) + a, 0);
}

/** r = a if flag (0 or 1), else unchanged. Constant time. */
export function feCmov(r: usize, a: usize, flag: u32): void {
  const mask1: u32 = 0 - flag, mask0: u32 = ~mask1;
  for (let i: usize = 0; i < 40; i += 4) {
    store<u32>(r + i, (load<u32>(r + i) & mask0) | (load<u32>(a + i) & mask1));
  }
}

/** r = r / 2 mod p. Input magnitude m, output floor(m/2) + 1. Constant time. */
export function feHalf(r: usize): void {
  let t0 = load<u32>(r, 0), t1 = load<u32>(r, 4), t2 = load<u32>(r, 8), t3 = load<u32>(r, 12), t4 = load<u32>(r, 16);
  let t5 = load<u32>(r, 20), t6 = load<u32>(r, 24), t7 = load<u32>(r, 28), t8 = load<u32>(r, 32), t9 = load<u32>(r, 36);
  const mask: u32 = (0 - (t0 & 1)) >> 6;
  t0 += 0x3FFFC2F & mask;
  t1 += 0x3FFFFBF & mask;
  t2 += mask; t3 += mask; t4 += mask; t5 += mask; t6 += mask; t7 += mask; t8 += mask;
  t9 += mask >> 4;
  store<u32>(r, (t0 >> 1) + ((t1 & 1) << 25), 0);
  store<u32>(r, (t1 >> 1) + ((t2 & 1) << 25), 4);
  store<u32>(r, (t2 >> 1) + ((t3 & 1) << 25), 8);
  store<u32>(r, (t3 >> 1) + ((t4 & 1) << 25), 12);
  store<u32>(r, (t4 >> 1) + ((t5 & 1) << 25), 16);
  store<u32>(r, (t5 >> 1) + ((t6 & 1) << 25), 20);
  store<u32>(r, (t6 >> 1) + ((t7 & 1) << 25), 24);
  store<u32>(r, (t7 >> 1) + ((t8 & 1) << 25), 28);
  store<u32>(r, (t8 >> 1) + ((t9 & 1) << 25), 32);
  store<u32>(r, t9 >> 1, 36);
}

/**
 * r = a * b. Inputs magnitude <= 8, output magnitude 1 (not normalized). r may alias a or b
 * (all limbs are read first). Ported from secp256k1_fe_mul_inner. Constant time.
 */
export function feMul(r: usize, a: usize, b: usize): void {
  const a0 = <u64>load<u32>(a, 0);
  const a1 = <u64>load<u32>(a, 4);
  const a2 = <u64>load<u32>(a, 8);
  const a3 = <u64>load<u32>(a, 12);
  const a4 = <u64>load<u32>(a, 16);
  const a5 = <u64>load<u32>(a, 20);
  const a6 = <u64>load<u32>(a, 24);
  const a7 = <u64>load<u32>(a, 28);
  const a8 = <u64>load<u32>(a, 32);
  const a9 = <u64>load<u32>(a, 36);
  const b0 = <u64>load<u32>(b, 0);
  const b1 = <u64>load<u32>(b, 4);
  const b2 = <u64>load<u32>(b, 8);
  const b3 = <u64>load<u32>(b, 12);
  const b4 = <u64>load<u32>(b, 16);
  const b5 = <u64>load<u32>(b, 20);
  const b6 = <u64>load<u32>(b, 24);
  const b7 = <u64>load<u32>(b, 28);
  const b8 = <u64>load<u32>(b, 32);
  const b9 = <u64>load<u32>(b, 36);
  let c: u64, d: u64;
  let u0: u64, u1: u64, u2: u64, u3: u64, u4: u64, u5: u64, u6: u64, u7: u64, u8: u64;
  let t0: u64, t1: u64, t2: u64, t3: u64, t4: u64, t5: u64, t6: u64, t7: u64, t9: u64;
  d = a0 * b9
    + a1 * b8
    + a2 * b7
    + a3 * b6
    + a4 * b5
    + a5 * b4
    + a6 * b3
    + a7 * b2
    + a8 * b1
    + a9 * b0;
  t9 = d & M; d >>= 26;
  c = a0 * b0;
  d += a1 * b9
    + a2 * b8
    + a3 * b7
    + a4 * b6
    + a5 * b5
    + a6 * b4
    + a7 * b3
    + a8 * b2
    + a9 * b1;
  u0 = d & M; d >>= 26; c += u0 * R0;
  t0 = c & M; c >>= 26; c += u0 * R1;
  c += a0 * b1
    + a1 * b0;
  d += a2 * b9
    + a3 * b8
    + a4 * b7
    + a5 * b6
    + a6 * b5
    + a7 * b4
    + a8 * b3
    + a9 * b2;
  u1 = d & M; d >>= 26; c += u1 * R0;
  t1 = c & M; c >>= 26; c += u1 * R1;
  c += a0 * b2
    + a1 * b1
    + a2 * b0;
  d += a3 * b9
    + a4 * b8
    + a5 * b7
    + a6 * b6
    + a7 * b5
    + a8 * b4
    + a9 * b3;
  u2 = d & M; d >>= 26; c += u2 * R0;
  t2 = c & M; c >>= 26; c += u2 * R1;
  c += a0 * b3
    + a1 * b2
    + a2 * b1
    + a3 * b0;
  d += a4 * b9
    + a5 * b8
    + a6 * b7
    + a7 * b6
    + a8 * b5
    + a9 * b4;
  u3 = d & M; d >>= 26; c += u3 * R0;
  t3 = c & M; c >>= 26; c += u3 * R1;
  c += a0 * b4
    + a1 * b3
    + a2 * b2
    + a3 * b1
    + a4 * b0;
  d += a5 * b9
    + a6 * b8
    + a7 * b7
    + a8 * b6
    + a9 * b5;
  u4 = d & M; d >>= 26; c += u4 * R0;
  t4 = c & M; c >>= 26; c += u4 * R1;
  c += a0 * b5
    + a1 * b4
    + a2 * b3
    + a3 * b2
    + a4 * b1
    + a5 * b0;
  d += a6 * b9
    + a7 * b8
    + a8 * b7
    + a9 * b6;
  u5 = d & M; d >>= 26; c += u5 * R0;
  t5 = c & M; c >>= 26; c += u5 * R1;
  c += a0 * b6
    + a1 * b5
    + a2 * b4
    + a3 * b3
    + a4 * b2
    + a5 * b1
    + a6 * b0;
  d += a7 * b9
    + a8 * b8
    + a9 * b7;
  u6 = d & M; d >>= 26; c += u6 * R0;
  t6 = c & M; c >>= 26; c += u6 * R1;
  c += a0 * b7
    + a1 * b6
    + a2 * b5
    + a3 * b4
    + a4 * b3
    + a5 * b2
    + a6 * b1
    + a7 * b0;
  d += a8 * b9
    + a9 * b8;
  u7 = d & M; d >>= 26; c += u7 * R0;
  t7 = c & M; c >>= 26; c += u7 * R1;
  c += a0 * b8
    + a1 * b7
    + a2 * b6
    + a3 * b5
    + a4 * b4
    + a5 * b3
    + a6 * b2
    + a7 * b1
    + a8 * b0;
  d += a9 * b9;
  u8 = d & M; d >>= 26; c += u8 * R0;
  store<u32>(r, <u32>(t3), 12);
  store<u32>(r, <u32>(t4), 16);
  store<u32>(r, <u32>(t5), 20);
  store<u32>(r, <u32>(t6), 24);
  store<u32>(r, <u32>(t7), 28);
  store<u32>(r, <u32>(c & M), 32); c >>= 26; c += u8 * R1;
  c += d * R0 + t9;
  store<u32>(r, <u32>(c & (M >> 4)), 36); c >>= 22; c += d * (R1 << 4);
  d = c * (R0 >> 4) + t0;
  store<u32>(r, <u32>(d & M), 0); d >>= 26;
  d += c * (R1 >> 4) + t1;
  store<u32>(r, <u32>(d & M), 4); d >>= 26;
  d += t2;
  store<u32>(r, <u32>(d), 8);
}
/** r = a^2. Input magnitude <= 8, output magnitude 1. r may alias a. Constant time. */
export function feSqr(r: usize, a: usize): void {
  const a0 = <u64>load<u32>(a, 0);
  const a1 = <u64>load<u32>(a, 4);
  const a2 = <u64>load<u32>(a, 8);
  const a3 = <u64>load<u32>(a, 12);
  const a4 = <u64>load<u32>(a, 16);
  const a5 = <u64>load<u32>(a, 20);
  const a6 = <u64>load<u32>(a, 24);
  const a7 = <u64>load<u32>(a, 28);
  const a8 = <u64>load<u32>(a, 32);
  const a9 = <u64>load<u32>(a, 36);
  let c: u64, d: u64;
  let u0: u64, u1: u64, u2: u64, u3: u64, u4: u64, u5: u64, u6: u64, u7: u64, u8: u64;
  let t0: u64, t1: u64, t2: u64, t3: u64, t4: u64, t5: u64, t6: u64, t7: u64, t9: u64;
  d = (a0 << 1) * a9
    + (a1 << 1) * a8
    + (a2 << 1) * a7
    + (a3 << 1) * a6
    + (a4 << 1) * a5;
  t9 = d & M; d >>= 26;
  c = a0 * a0;
  d += (a1 << 1) * a9
    + (a2 << 1) * a8
    + (a3 << 1) * a7
    + (a4 << 1) * a6
    + a5 * a5;
  u0 = d & M; d >>= 26; c += u0 * R0;
  t0 = c & M; c >>= 26; c += u0 * R1;
  c += (a0 << 1) * a1;
  d += (a2 << 1) * a9
    + (a3 << 1) * a8
    + (a4 << 1) * a7
    + (a5 << 1) * a6;
  u1 = d & M; d >>= 26; c += u1 * R0;
  t1 = c & M; c >>= 26; c += u1 * R1;
  c += (a0 << 1) * a2
    + a1 * a1;
  d += (a3 << 1) * a9
    + (a4 << 1) * a8
    + (a5 << 1) * a7
    + a6 * a6;
  u2 = d & M; d >>= 26; c += u2 * R0;
  t2 = c & M; c >>= 26; c += u2 * R1;
  c += (a0 << 1) * a3
    + (a1 << 1) * a2;
  d += (a4 << 1) * a9
    + (a5 << 1) * a8
    + (a6 << 1) * a7;
  u3 = d & M; d >>= 26; c += u3 * R0;
  t3 = c & M; c >>= 26; c += u3 * R1;
  c += (a0 << 1) * a4
    + (a1 << 1) * a3
    + a2 * a2;
  d += (a5 << 1) * a9
    + (a6 << 1) * a8
    + a7 * a7;
  u4 = d & M; d >>= 26; c += u4 * R0;
  t4 = c & M; c >>= 26; c += u4 * R1;
  c += (a0 << 1) * a5
    + (a1 << 1) * a4
    + (a2 << 1) * a3;
  d += (a6 << 1) * a9
    + (a7 << 1) * a8;
  u5 = d & M; d >>= 26; c += u5 * R0;
  t5 = c & M; c >>= 26; c += u5 * R1;
  c += (a0 << 1) * a6
    + (a1 << 1) * a5
    + (a2 << 1) * a4
    + a3 * a3;
  d += (a7 << 1) * a9
    + a8 * a8;
  u6 = d & M; d >>= 26; c += u6 * R0;
  t6 = c & M; c >>= 26; c += u6 * R1;
  c += (a0 << 1) * a7
    + (a1 << 1) * a6
    + (a2 << 1) * a5
    + (a3 << 1) * a4;
  d += (a8 << 1) * a9;
  u7 = d & M; d >>= 26; c += u7 * R0;
  t7 = c & M; c >>= 26; c += u7 * R1;
  c += (a0 << 1) * a8
    + (a1 << 1) * a7
    + (a2 << 1) * a6
    + (a3 << 1) * a5
    + a4 * a4;
  d += a9 * a9;
  u8 = d & M; d >>= 26; c += u8 * R0;
  store<u32>(r, <u32>(t3), 12);
  store<u32>(r, <u32>(t4), 16);
  store<u32>(r, <u32>(t5), 20);
  store<u32>(r, <u32>(t6), 24);
  store<u32>(r, <u32>(t7), 28);
  store<u32>(r, <u32>(c & M), 32); c >>= 26; c += u8 * R1;
  c += d * R0 + t9;
  store<u32>(r, <u32>(c & (M >> 4)), 36); c >>= 22; c += d * (R1 << 4);
  d = c * (R0 >> 4) + t0;
  store<u32>(r, <u32>(d & M), 0); d >>= 26;
  d += c * (R1 >> 4) + t1;
  store<u32>(r, <u32>(d & M), 4); d >>= 26;
  d += t2;
  store<u32>(r, <u32>(d), 8);
}

// Scratch for the exponentiation chains (single-threaded module; these functions do not nest).
const X2 = memory.data(40);
const X3 = memory.data(40);
const X6 = memory.data(40);
const X9 = memory.data(40);
const X11 = memory.data(40);
const X22 = memory.data(40);
const X44 = memory.data(40);
const X88 = memory.data(40);
const X176 = memory.data(40);
const X220 = memory.data(40);
const X223 = memory.data(40);
const T1 = memory.data(40);
const AIN = memory.data(40);

function sqrN(r: usize, a: usize, n: i32): void {
  feSqr(r, a);
  for (let j = 1; j < n; j++) feSqr(r, r);
}

/** Computes x223 = a^(2^223 - 1) and the intermediate blocks (shared by sqrt and inverse). */
function powBlocks(a: usize): void {
  feSqr(X2, a); feMul(X2, X2, a);
  feSqr(X3, X2); feMul(X3, X3, a);
  sqrN(X6, X3, 3); feMul(X6, X6, X3);
  sqrN(X9, X6, 3); feMul(X9, X9, X3);
  sqrN(X11, X9, 2); feMul(X11, X11, X2);
  sqrN(X22, X11, 11); feMul(X22, X22, X11);
  sqrN(X44, X22, 22); feMul(X44, X44, X22);
  sqrN(X88, X44, 44); feMul(X88, X88, X44);
  sqrN(X176, X88, 88); feMul(X176, X176, X88);
  sqrN(X220, X176, 44); feMul(X220, X220, X44);
  sqrN(X223, X220, 3); feMul(X223, X223, X3);
}

/**
 * r = sqrt(a) = a^((p+1)/4) when a (magnitude <= 8) is a square; returns whether it was.
 * When it returns false, r holds sqrt(-a). r has magnitude 1 (not normalized). r may alias a.
 * Constant time.
 */
export function feSqrt(r: usize, a: usize): bool {
  feCopy(AIN, a);
  powBlocks(AIN);
  sqrN(T1, X223, 23); feMul(T1, T1, X22);
  sqrN(T1, T1, 6); feMul(T1, T1, X2);
  feSqr(T1, T1);
  feSqr(r, T1);
  feSqr(T1, r);
  return feEqual(T1, AIN);
}

/** r = 1/a = a^(p-2) mod p (r = 0 when a = 0). a magnitude <= 8; r magnitude 1. Constant time. */
export function feInv(r: usize, a: usize): void {
  feCopy(AIN, a);
  powBlocks(AIN);
  sqrN(T1, X223, 23); feMul(T1, T1, X22);
  sqrN(T1, T1, 5); feMul(T1, T1, AIN);
  sqrN(T1, T1, 3); feMul(T1, T1, X2);
  sqrN(T1, T1, 2); feMul(r, T1, AIN);
}

const NA = memory.data(40);

/** True when a (magnitude 1) equals b (magnitude <= 31) mod p. Constant time. */
export function feEqual(a: usize, b: usize): bool {
  feNegate(NA, a, 1);
  feAdd(NA, b);
  return feNormalizesToZero(NA);
}

/** Like feEqual, variable time. */
export function feEqualVar(a: usize, b: usize): bool {
  feNegate(NA, a, 1);
  feAdd(NA, b);
  return feNormalizesToZeroVar(NA);
}
