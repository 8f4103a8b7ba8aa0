// Scalars modulo the secp256k1 group order
//   n = 0xFFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141.
// Pure, no host imports, no allocation.
//
// Representation (after bitcoin-core/secp256k1 src/scalar_8x32_impl.h, MIT licence): 8
// little-endian u32 limbs at a pointer in linear memory (SC_SIZE = 32 bytes), always fully
// reduced into [0, n). Products use 32x32->64 i64 multiplies with explicit carries; the 512-bit
// product is reduced with 2^256 = 2^256 - n (a 129-bit constant) twice, then a final
// conditional subtraction. Scalar work is a tiny share of any operation here, so the loops are
// generic rather than unrolled.
//
// Constant time: everything is constant-time except functions whose names end in `Var`.

export const SC_SIZE: usize = 32;

// n, little-endian limbs.
// @ts-ignore: decorator
@inline const N0: u32 = 0xD0364141;
// @ts-ignore: decorator
@inline const N1: u32 = 0xBFD25E8C;
// @ts-ignore: decorator
@inline const N2: u32 = 0xAF48A03B;
// @ts-ignore: decorator
@inline const N3: u32 = 0xBAAEDCE6;
// @ts-ignore: decorator
@inline const N4: u32 = 0xFFFFFFFE;
// @ts-ignore: decorator
@inline const N5: u32 = 0xFFFFFFFF;
// @ts-ignore: decorator
@inline const N6: u32 = 0xFFFFFFFF;
// @ts-ignore: decorator
@inline const N7: u32 = 0xFFFFFFFF;
// 2^256 - n.
// @ts-ignore: decorator
@inline const NC0: u32 = 0x2FC9BEBF; // ~N0 + 1
// @ts-ignore: decorator
@inline const NC1: u32 = 0x402DA173; // ~N1
// @ts-ignore: decorator
@inline const NC2: u32 = 0x50B75FC4; // ~N2
// @ts-ignore: decorator
@inline const NC3: u32 = 0x45512319; // ~N3
// n / 2 (floor).
// @ts-ignore: decorator
@inline const NH0: u32 = 0x681B20A0;
// @ts-ignore: decorator
@inline const NH1: u32 = 0xDFE92F46;
// @ts-ignore: decorator
@inline const NH2: u32 = 0x57A4501D;
// @ts-ignore: decorator
@inline const NH3: u32 = 0x5D576E73;
// @ts-ignore: decorator
@inline const NH7: u32 = 0x7FFFFFFF;

// 2^256 - n as 5 limbs, for the generic reduction loops.
const NC: StaticArray<u32> = [NC0, NC1, NC2, NC3, 1];

// @ts-ignore: decorator
@inline function d(a: usize, i: i32): u32 { return load<u32>(a + (<usize>i << 2)); }

/** r = v. */
export function scSetInt(r: usize, v: u32): void {
  store<u32>(r, v, 0); store<u32>(r, 0, 4);
  store<u64>(r, 0, 8); store<u64>(r, 0, 16); store<u64>(r, 0, 24);
}

/** r = a. */
export function scCopy(r: usize, a: usize): void {
  store<u64>(r, load<u64>(a, 0), 0); store<u64>(r, load<u64>(a, 8), 8);
  store<u64>(r, load<u64>(a, 16), 16); store<u64>(r, load<u64>(a, 24), 24);
}

/** 1 when the (possibly unreduced) limbs at a are >= n. Constant time. */
function checkOverflow(a: usize): u32 {
  let yes: u32 = 0, no: u32 = 0;
  no |= <u32>(d(a, 7) < N7);
  no |= <u32>(d(a, 6) < N6);
  no |= <u32>(d(a, 5) < N5);
  no |= <u32>(d(a, 4) < N4);
  yes |= <u32>(d(a, 4) > N4) & ~no;
  no |= <u32>(d(a, 3) < N3) & ~yes;
  yes |= <u32>(d(a, 3) > N3) & ~no;
  no |= <u32>(d(a, 2) < N2) & ~yes;
  yes |= <u32>(d(a, 2) > N2) & ~no;
  no |= <u32>(d(a, 1) < N1) & ~yes;
  yes |= <u32>(d(a, 1) > N1) & ~no;
  yes |= <u32>(d(a, 0) >= N0) & ~no;
  return yes & 1;
}

/** r -= n when overflow (0 or 1). Constant time. */
function reduce(r: usize, overflow: u32): u32 {
  const o = <u64>overflow;
  let t: u64 = <u64>d(r, 0) + o * NC0;
  store<u32>(r, <u32>t, 0); t >>= 32;
  t += <u64>d(r, 1) + o * NC1; store<u32>(r, <u32>t, 4); t >>= 32;
  t += <u64>d(r, 2) + o * NC2; store<u32>(r, <u32>t, 8); t >>= 32;
  t += <u64>d(r, 3) + o * NC3; store<u32>(r, <u32>t, 12); t >>= 32;
  t += <u64>d(r, 4) + o; store<u32>(r, <u32>t, 16); t >>= 32;
  t += <u64>d(r, 5); store<u32>(r, <u32>t, 20); t >>= 32;
  t += <u64>d(r, 6); store<u32>(r, <u32>t, 24); t >>= 32;
  t += <u64>d(r, 7); store<u32>(r, <u32>t, 28);
  return overflow;
}

/**
 * r = the 32 big-endian bytes at p, reduced mod n. Returns 1 when the input was >= n (and was
 * reduced), else 0. Constant time.
 */
export function scSetB32(r: usize, p: usize): u32 {
  for (let i = 0; i < 8; i++) store<u32>(r + (<usize>i << 2), bswap<u32>(load<u32>(p + 28 - (<usize>i << 2))));
  return reduce(r, checkOverflow(r));
}

/** Writes a as 32 big-endian bytes at p. */
export function scGetB32(p: usize, a: usize): void {
  for (let i = 0; i < 8; i++) store<u32>(p + 28 - (<usize>i << 2), bswap<u32>(d(a, i)));
}

/** True when a is zero. Constant time. */
export function scIsZero(a: usize): bool {
  return (load<u64>(a, 0) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0;
}

/** True when a == b. Constant time. */
export function scEq(a: usize, b: usize): bool {
  return ((load<u64>(a, 0) ^ load<u64>(b, 0)) | (load<u64>(a, 8) ^ load<u64>(b, 8))
    | (load<u64>(a, 16) ^ load<u64>(b, 16)) | (load<u64>(a, 24) ^ load<u64>(b, 24))) == 0;
}

/** True when a > n/2. Constant time. */
export function scIsHigh(a: usize): bool {
  let yes: u32 = 0, no: u32 = 0;
  no |= <u32>(d(a, 7) < NH7);
  yes |= <u32>(d(a, 7) > NH7) & ~no;
  no |= <u32>(d(a, 6) < 0xFFFFFFFF) & ~yes;
  no |= <u32>(d(a, 5) < 0xFFFFFFFF) & ~yes;
  no |= <u32>(d(a, 4) < 0xFFFFFFFF) & ~yes;
  no |= <u32>(d(a, 3) < NH3) & ~yes;
  yes |= <u32>(d(a, 3) > NH3) & ~no;
  no |= <u32>(d(a, 2) < NH2) & ~yes;
  yes |= <u32>(d(a, 2) > NH2) & ~no;
  no |= <u32>(d(a, 1) < NH1) & ~yes;
  yes |= <u32>(d(a, 1) > NH1) & ~no;
  yes |= <u32>(d(a, 0) > NH0) & ~no;
  return (yes & 1) != 0;
}

/** r = a + b mod n; returns 1 when the sum wrapped. Constant time. r may alias a or b. */
export function scAdd(r: usize, a: usize, b: usize): u32 {
  let t: u64 = 0;
  for (let i = 0; i < 8; i++) {
    t += <u64>d(a, i) + <u64>d(b, i);
    store<u32>(r + (<usize>i << 2), <u32>t);
    t >>= 32;
  }
  return reduce(r, (<u32>t + checkOverflow(r)) & 1);
}

/** r = -a mod n (0 stays 0). Constant time. r may alias a. */
export function scNegate(r: usize, a: usize): void {
  const nonzero: u32 = scIsZero(a) ? 0 : 0xFFFFFFFF;
  let t: u64 = <u64>(~d(a, 0)) + N0 + 1;
  store<u32>(r, <u32>t & nonzero, 0); t >>= 32;
  t += <u64>(~d(a, 1)) + N1; store<u32>(r, <u32>t & nonzero, 4); t >>= 32;
  t += <u64>(~d(a, 2)) + N2; store<u32>(r, <u32>t & nonzero, 8); t >>= 32;
  t += <u64>(~d(a, 3)) + N3; store<u32>(r, <u32>t & nonzero, 12); t >>= 32;
  t += <u64>(~d(a, 4)) + N4; store<u32>(r, <u32>t & nonzero, 16); t >>= 32;
  t += <u64>(~d(a, 5)) + N5; store<u32>(r, <u32>t & nonzero, 20); t >>= 32;
  t += <u64>(~d(a, 6)) + N6; store<u32>(r, <u32>t & nonzero, 24); t >>= 32;
  t += <u64>(~d(a, 7)) + N7; store<u32>(r, <u32>t & nonzero, 28);
}

const NEG_TMP = memory.data(32);

/** r = -r when flag (0 or 1). Constant time. */
export function scCondNegate(r: usize, flag: u32): void {
  scNegate(NEG_TMP, r);
  scCmov(r, NEG_TMP, flag);
}

/** r = a when flag (0 or 1). Constant time. */
export function scCmov(r: usize, a: usize, flag: u32): void {
  const mask1: u64 = 0 - <u64>flag, mask0 = ~mask1;
  for (let i: usize = 0; i < 32; i += 8) store<u64>(r + i, (load<u64>(r + i) & mask0) | (load<u64>(a + i) & mask1));
}

// 512-bit product and reduction scratch (u32 limbs).
const L = memory.data(16 * 4);
const MM = memory.data(14 * 4);
const PP = memory.data(10 * 4);

/** acc[0..accLen) += x[0..xLen) * y[0..yLen) (all little-endian u32 limbs); fixed-length loops. */
function mulAddInto(acc: usize, accLen: i32, x: usize, xLen: i32, y: usize, yLen: i32): void {
  for (let i = 0; i < xLen; i++) {
    const xi = <u64>d(x, i);
    let carry: u64 = 0;
    for (let j = 0; j < yLen; j++) {
      const p = acc + (<usize>(i + j) << 2);
      const t = <u64>load<u32>(p) + xi * <u64>d(y, j) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
    for (let k = i + yLen; k < accLen; k++) {
      const p = acc + (<usize>k << 2);
      const t = <u64>load<u32>(p) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
  }
}

function mul512(l: usize, a: usize, b: usize): void {
  memory.fill(l, 0, 64);
  mulAddInto(l, 16, a, 8, b, 8);
}

function reduce512(r: usize, l: usize): void {
  const nc = changetype<usize>(NC);
  // m = l[0..8) + l[8..16) * (2^256 - n): at most 386 bits.
  memory.fill(MM, 0, 56);
  memory.copy(MM, l, 32);
  mulAddInto(MM, 14, l + 32, 8, nc, 5);
  // p = m[0..8) + m[8..13) * (2^256 - n): at most 260 bits.
  memory.fill(PP, 0, 40);
  memory.copy(PP, MM, 32);
  mulAddInto(PP, 10, MM + 32, 5, nc, 5);
  // r = p[0..8) + p[8..10) * (2^256 - n), then one conditional subtraction.
  const p8 = <u64>d(PP, 8);
  let c: u64 = <u64>d(PP, 0) + p8 * NC0; store<u32>(r, <u32>c, 0); c >>= 32;
  c += <u64>d(PP, 1) + p8 * NC1; store<u32>(r, <u32>c, 4); c >>= 32;
  c += <u64>d(PP, 2) + p8 * NC2; store<u32>(r, <u32>c, 8); c >>= 32;
  c += <u64>d(PP, 3) + p8 * NC3; store<u32>(r, <u32>c, 12); c >>= 32;
  c += <u64>d(PP, 4) + p8; store<u32>(r, <u32>c, 16); c >>= 32;
  c += <u64>d(PP, 5); store<u32>(r, <u32>c, 20); c >>= 32;
  c += <u64>d(PP, 6); store<u32>(r, <u32>c, 24); c >>= 32;
  c += <u64>d(PP, 7); store<u32>(r, <u32>c, 28); c >>= 32;
  reduce(r, (<u32>c + checkOverflow(r)) & 1);
}

/** r = a * b mod n. Constant time. r may alias a or b. */
export function scMul(r: usize, a: usize, b: usize): void {
  mul512(L, a, b);
  reduce512(r, L);
}

/** Bits [offset, offset+count) of a, all within one 32-bit limb; count in 1..32. */
// @ts-ignore: decorator
@inline export function scGetBitsLimb32(a: usize, offset: u32, count: u32): u32 {
  return (d(a, <i32>(offset >> 5)) >> (offset & 31)) & (0xFFFFFFFF >> (32 - count));
}

/** Bits [offset, offset+count) of a (may straddle two limbs); count in 1..32, offset+count <= 256. */
export function scGetBitsVar(a: usize, offset: u32, count: u32): u32 {
  if (((offset + count - 1) >> 5) == (offset >> 5)) return scGetBitsLimb32(a, offset, count);
  const lo = d(a, <i32>(offset >> 5)) >> (offset & 31);
  const hi = d(a, <i32>(offset >> 5) + 1) << (32 - (offset & 31));
  return (lo | hi) & (0xFFFFFFFF >> (32 - count));
}

/** r1 = k mod 2^128, r2 = k >> 128. */
export function scSplit128(r1: usize, r2: usize, k: usize): void {
  store<u64>(r1, load<u64>(k, 0), 0); store<u64>(r1, load<u64>(k, 8), 8);
  store<u64>(r1, 0, 16); store<u64>(r1, 0, 24);
  store<u64>(r2, load<u64>(k, 16), 0); store<u64>(r2, load<u64>(k, 24), 8);
  store<u64>(r2, 0, 16); store<u64>(r2, 0, 24);
}

/** r = round(a * b / 2^384). Constant time. */
function mulShift384(r: usize, a: usize, b: usize): void {
  mul512(L, a, b);
  const roundBit = (d(L, 11) >> 31) & 1;
  store<u64>(r, load<u64>(L, 48), 0); store<u64>(r, load<u64>(L, 56), 8);
  store<u64>(r, 0, 16); store<u64>(r, 0, 24);
  // Adding the rounding bit cannot overflow 128 bits here (the product is < 2^512).
  let t: u64 = <u64>d(r, 0) + roundBit;
  store<u32>(r, <u32>t, 0); t >>= 32;
  for (let i = 1; i < 5; i++) {
    t += <u64>d(r, i);
    store<u32>(r + (<usize>i << 2), <u32>t);
    t >>= 32;
  }
}

// GLV constants (secp256k1 src/scalar_impl.h), little-endian limbs.
const LAMBDA: StaticArray<u32> = [0x1B23BD72, 0xDF02967C, 0x20816678, 0x122E22EA, 0x8812645A, 0xA5261C02, 0xC05C30E0, 0x5363AD4C];
const MINUS_B1: StaticArray<u32> = [0x0ABFE4C3, 0x6F547FA9, 0x010E8828, 0xE4437ED6, 0, 0, 0, 0];
const MINUS_B2: StaticArray<u32> = [0x3DB1562C, 0xD765CDA8, 0x0774346D, 0x8A280AC5, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF];
const G1: StaticArray<u32> = [0x45DBB031, 0xE893209A, 0x71E8CA7F, 0x3DAA8A14, 0x9284EB15, 0xE86C90E4, 0xA7D46BCD, 0x3086D221];
const G2: StaticArray<u32> = [0x8AC47F71, 0x1571B4AE, 0x9DF506C6, 0x221208AC, 0x0ABFE4C4, 0x6F547FA9, 0x010E8828, 0xE4437ED6];

/** The scalar lambda (a cube root of 1 mod n) with lambda*(x, y) = (beta*x, y). */
export function scLambda(): usize { return changetype<usize>(LAMBDA); }

const C1 = memory.data(32);
const C2 = memory.data(32);

/**
 * GLV split: r1 + lambda*r2 == k (mod n), with r1 and r2 each either < 2^128 or > n - 2^128
 * (their negation is then < 2^128). Constant time. r1, r2 and k must be distinct.
 */
export function scSplitLambda(r1: usize, r2: usize, k: usize): void {
  mulShift384(C1, k, changetype<usize>(G1));
  mulShift384(C2, k, changetype<usize>(G2));
  scMul(C1, C1, changetype<usize>(MINUS_B1));
  scMul(C2, C2, changetype<usize>(MINUS_B2));
  scAdd(r2, C1, C2);
  scMul(r1, r2, changetype<usize>(LAMBDA));
  scNegate(r1, r1);
  scAdd(r1, r1, k);
}
