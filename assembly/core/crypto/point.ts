// The secp256k1 group: y^2 = x^3 + 7 over GF(p), prime order n, generator G. Pure, no host imports.
//
// Representation (formulas ported from bitcoin-core/secp256k1 src/group_impl.h, ecmult_impl.h,
// MIT licence), field elements as in field.ts:
//   GE  (affine)   at a pointer: x @0, y @40, infinity flag (u32) @80; GE_SIZE = 88 bytes.
//   GEJ (Jacobian) at a pointer: X @0, Y @40, Z @80, infinity flag @120; GEJ_SIZE = 128 bytes;
//       (X, Y, Z) is the affine point (X/Z^2, Y/Z^3).
// Magnitude bounds of coordinates follow libsecp256k1: GE x <= 4, y <= 3; GEJ X, Y <= 4, Z <= 1.
// The public face is the `Point` class (a GEJ in a StaticArray) and byte-level helpers; the
// pointer-level functions are exported for the other crypto layers.
//
// Scalar multiplication:
//   ecmultVar       sum(na[i]*A[i]) + ng*G: Strauss with wNAF (window 5) over the GLV split of
//                   each na[i] and (window 8) over the two 128-bit halves of ng, with precomputed
//                   odd multiples of G and 2^128*G; shared doublings. Variable time.
//   ecmultGenVar    k*G from a 64 x 15 table of j*16^i*G, one add per 4-bit digit. Variable time.
//   ecmultGenConst  k*G from the same table with a constant-time scan per digit. Constant time.
//   ecmultConst     k*A with a 4-bit fixed window, a constant-time table scan and the unified
//                   addition formula (secp256k1_gej_add_ge). Constant time.
// Functions whose names end in `Var` branch on their inputs and must only see public data
// (verification); secret scalars (blinding factors, mint keys, BIP32 keys) go through the
// `Const` ones.
import {
  FE_SIZE, feAdd, feAddInt, feCmov, feCopy, feEqual, feEqualVar, feGetB32, feHalf, feInv, feIsOdd,
  feMul, feMulInt, feNegate, feNormalize, feNormalizeVar, feNormalizeWeak, feNormalizesToZero,
  feNormalizesToZeroVar, feSetB32Limit, feSetInt, feSqr, feSqrt,
} from "./field";
import {
  SC_SIZE, scGetBitsLimb32, scGetBitsVar, scIsZero, scNegate, scSetB32, scSplit128, scSplitLambda,
} from "./scalar";
import { CryptoError } from "./errors";

export const GE_SIZE: usize = 88;
export const GEJ_SIZE: usize = 128;

// G and beta (a cube root of 1 mod p, lambda*(x, y) = (beta*x, y)) in 10x26 limbs.
const G_X: StaticArray<u32> = [0x2F81798, 0x0A056C5, 0x28D959F, 0x36CB738, 0x3029BFC, 0x3A1C2C1, 0x206295C, 0x2EEB156, 0x27EF9DC, 0x01E6F99];
const G_Y: StaticArray<u32> = [0x310D4B8, 0x1F423FE, 0x14199C4, 0x1229A15, 0x0FD17B4, 0x384422A, 0x24FBFC0, 0x3119576, 0x27726A3, 0x0120EB6];
const BETA: StaticArray<u32> = [0x19501EE, 0x25B0A1C, 0x0995C13, 0x1D44BD6, 0x19CF049, 0x30D0D3A, 0x24479EA, 0x01C41B9, 0x22B657C, 0x01EBA5A];

// @ts-ignore: decorator
@inline function X(p: usize): usize { return p; }
// @ts-ignore: decorator
@inline function Y(p: usize): usize { return p + 40; }
// @ts-ignore: decorator
@inline function Z(p: usize): usize { return p + 80; }
// @ts-ignore: decorator
@inline export function geIsInfinity(a: usize): bool { return load<u32>(a, 80) != 0; }
// @ts-ignore: decorator
@inline export function gejIsInfinity(a: usize): bool { return load<u32>(a, 120) != 0; }
// @ts-ignore: decorator
@inline function setGeInf(a: usize, v: u32): void { store<u32>(a, v, 80); }
// @ts-ignore: decorator
@inline function setGejInf(a: usize, v: u32): void { store<u32>(a, v, 120); }

/** r = G (affine). */
export function geSetG(r: usize): void {
  feCopy(X(r), changetype<usize>(G_X));
  feCopy(Y(r), changetype<usize>(G_Y));
  setGeInf(r, 0);
}

/** r = (x, y) (affine, not infinity). */
export function geSetXY(r: usize, x: usize, y: usize): void {
  feCopy(X(r), x); feCopy(Y(r), y); setGeInf(r, 0);
}

export function geSetInfinity(r: usize): void {
  feSetInt(X(r), 0); feSetInt(Y(r), 0); setGeInf(r, 1);
}

export function gejSetInfinity(r: usize): void {
  feSetInt(X(r), 0); feSetInt(Y(r), 0); feSetInt(Z(r), 0); setGejInf(r, 1);
}

export function geCopy(r: usize, a: usize): void { memory.copy(r, a, GE_SIZE); }
export function gejCopy(r: usize, a: usize): void { memory.copy(r, a, GEJ_SIZE); }

/** r = a as Jacobian (Z = 1). */
export function gejSetGe(r: usize, a: usize): void {
  feCopy(X(r), X(a)); feCopy(Y(r), Y(a)); feSetInt(Z(r), 1); setGejInf(r, load<u32>(a, 80));
}

const ZI2 = memory.data(40);
const ZI3 = memory.data(40);

/** r = affine point of Jacobian a given zi = 1/a.Z. r may alias a (the first 80 bytes). */
export function geSetGejZinv(r: usize, a: usize, zi: usize): void {
  feSqr(ZI2, zi);
  feMul(ZI3, ZI2, zi);
  feMul(X(r), X(a), ZI2);
  feMul(Y(r), Y(a), ZI3);
  setGeInf(r, load<u32>(a, 120));
}

/** r = (a.x * zi^2, a.y * zi^3) for affine-stored a (rescaling for the isomorphism trick). */
export function geSetGeZinv(r: usize, a: usize, zi: usize): void {
  feSqr(ZI2, zi);
  feMul(ZI3, ZI2, zi);
  feMul(X(r), X(a), ZI2);
  feMul(Y(r), Y(a), ZI3);
  setGeInf(r, load<u32>(a, 80));
}

/** r = -a (affine). */
export function geNeg(r: usize, a: usize): void {
  if (r != a) geCopy(r, a);
  feNormalizeWeak(Y(r));
  feNegate(Y(r), Y(r), 1);
}

/** r = -a (Jacobian). */
export function gejNeg(r: usize, a: usize): void {
  if (r != a) gejCopy(r, a);
  feNormalizeWeak(Y(r));
  feNegate(Y(r), Y(r), 1);
}

const SGV_Z = memory.data(40);

/** r = affine(a), variable time (inversion by exponentiation; infinity kept). a is not modified. */
export function geSetGejVar(r: usize, a: usize): void {
  if (gejIsInfinity(a)) { geSetInfinity(r); return; }
  feInv(SGV_Z, Z(a));
  geSetGejZinv(r, a, SGV_Z);
  setGeInf(r, 0);
}

/** r = affine(a), constant time; a must not be infinity (the flag is copied regardless). */
export function geSetGej(r: usize, a: usize): void {
  feInv(SGV_Z, Z(a));
  geSetGejZinv(r, a, SGV_Z);
}

const SAG_U = memory.data(40);
const SAG_T = memory.data(40);

/**
 * Batch conversion to affine: r[i] = affine(a[i]) for len points (strides GE_SIZE / GEJ_SIZE),
 * with one inversion. Infinity entries are kept. Variable time.
 */
export function geSetAllGejVar(r: usize, a: usize, len: i32): void {
  let last: i32 = -1;
  for (let i = 0; i < len; i++) {
    const ai = a + <usize>i * GEJ_SIZE, ri = r + <usize>i * GE_SIZE;
    if (gejIsInfinity(ai)) {
      geSetInfinity(ri);
    } else {
      if (last < 0) feCopy(X(ri), Z(ai));
      else feMul(X(ri), X(r + <usize>last * GE_SIZE), Z(ai));
      last = i;
    }
  }
  if (last < 0) return;
  feInv(SAG_U, X(r + <usize>last * GE_SIZE));
  let i = last;
  while (i > 0) {
    i--;
    const ai = a + <usize>i * GEJ_SIZE;
    if (!gejIsInfinity(ai)) {
      feMul(X(r + <usize>last * GE_SIZE), X(r + <usize>i * GE_SIZE), SAG_U);
      feMul(SAG_U, SAG_U, Z(a + <usize>last * GEJ_SIZE));
      last = i;
    }
  }
  feCopy(X(r + <usize>last * GE_SIZE), SAG_U);
  for (let j = 0; j < len; j++) {
    const aj = a + <usize>j * GEJ_SIZE, rj = r + <usize>j * GE_SIZE;
    if (!gejIsInfinity(aj)) {
      feCopy(SAG_T, X(rj));
      geSetGejZinv(rj, aj, SAG_T);
    }
  }
}

/**
 * Constant-time batch conversion to affine (none of the len points may be infinity).
 */
export function geSetAllGej(r: usize, a: usize, len: i32): void {
  feCopy(X(r), Z(a));
  for (let i = 1; i < len; i++) feMul(X(r + <usize>i * GE_SIZE), X(r + <usize>(i - 1) * GE_SIZE), Z(a + <usize>i * GEJ_SIZE));
  feInv(SAG_U, X(r + <usize>(len - 1) * GE_SIZE));
  for (let i = len - 1; i > 0; i--) {
    feMul(X(r + <usize>i * GE_SIZE), X(r + <usize>(i - 1) * GE_SIZE), SAG_U);
    feMul(SAG_U, SAG_U, Z(a + <usize>i * GEJ_SIZE));
  }
  feCopy(X(r), SAG_U);
  for (let i = 0; i < len; i++) {
    const ri = r + <usize>i * GE_SIZE;
    feCopy(SAG_T, X(ri));
    geSetGejZinv(ri, a + <usize>i * GEJ_SIZE, SAG_T);
  }
}

const XO_X2 = memory.data(40);
const XO_X3 = memory.data(40);

/**
 * r = the point with x coordinate x (magnitude <= 8) and y parity `odd`; returns false when x
 * is not on the curve. Variable time only in the final parity fix-up (y is public).
 */
export function geSetXoVar(r: usize, x: usize, odd: bool): bool {
  feCopy(X(r), x);
  feSqr(XO_X2, x);
  feMul(XO_X3, x, XO_X2);
  feAddInt(XO_X3, 7);
  const ok = feSqrt(Y(r), XO_X3);
  feNormalizeVar(Y(r));
  if (feIsOdd(Y(r)) != odd) {
    feNegate(Y(r), Y(r), 1);
    feNormalizeVar(Y(r));
  }
  feNormalizeVar(X(r));
  setGeInf(r, 0);
  return ok;
}

const IV_Y2 = memory.data(40);
const IV_X3 = memory.data(40);

/** True when a is a finite point on the curve. Variable time. */
export function geIsValidVar(a: usize): bool {
  if (geIsInfinity(a)) return false;
  feSqr(IV_Y2, Y(a));
  feSqr(IV_X3, X(a)); feMul(IV_X3, IV_X3, X(a));
  feAddInt(IV_X3, 7);
  feNormalizeWeak(IV_X3);
  return feEqualVar(IV_X3, IV_Y2);
}

const D_L = memory.data(40);
const D_S = memory.data(40);
const D_T = memory.data(40);

/** r = 2a (Jacobian). Constant time; r may alias a. 3M + 4S. */
export function gejDouble(r: usize, a: usize): void {
  setGejInf(r, load<u32>(a, 120));
  feMul(Z(r), Z(a), Y(a));
  feSqr(D_S, Y(a));
  feSqr(D_L, X(a));
  feMulInt(D_L, 3);
  feHalf(D_L);
  feNegate(D_T, D_S, 1);
  feMul(D_T, D_T, X(a));
  feSqr(X(r), D_L);
  feAdd(X(r), D_T);
  feAdd(X(r), D_T);
  feSqr(D_S, D_S);
  feAdd(D_T, X(r));
  feMul(Y(r), D_T, D_L);
  feAdd(Y(r), D_S);
  feNegate(Y(r), Y(r), 2);
}

/** r = 2a, variable time; when rzr != 0 it receives r.Z / a.Z. */
export function gejDoubleVar(r: usize, a: usize, rzr: usize): void {
  if (gejIsInfinity(a)) {
    gejSetInfinity(r);
    if (rzr) feSetInt(rzr, 1);
    return;
  }
  if (rzr) {
    feCopy(rzr, Y(a));
    feNormalizeWeak(rzr);
  }
  gejDouble(r, a);
}

const A_Z22 = memory.data(40);
const A_Z12 = memory.data(40);
const A_U1 = memory.data(40);
const A_U2 = memory.data(40);
const A_S1 = memory.data(40);
const A_S2 = memory.data(40);
const A_H = memory.data(40);
const A_I = memory.data(40);
const A_H2 = memory.data(40);
const A_H3 = memory.data(40);
const A_T = memory.data(40);

/** r = a + b (both Jacobian), variable time; rzr (if != 0) receives r.Z / a.Z. r may alias a. */
export function gejAddVar(r: usize, a: usize, b: usize, rzr: usize): void {
  if (gejIsInfinity(a)) { gejCopy(r, b); return; }
  if (gejIsInfinity(b)) {
    if (rzr) feSetInt(rzr, 1);
    if (r != a) gejCopy(r, a);
    return;
  }
  feSqr(A_Z22, Z(b));
  feSqr(A_Z12, Z(a));
  feMul(A_U1, X(a), A_Z22);
  feMul(A_U2, X(b), A_Z12);
  feMul(A_S1, Y(a), A_Z22); feMul(A_S1, A_S1, Z(b));
  feMul(A_S2, Y(b), A_Z12); feMul(A_S2, A_S2, Z(a));
  feNegate(A_H, A_U1, 1); feAdd(A_H, A_U2);
  feNegate(A_I, A_S2, 1); feAdd(A_I, A_S1);
  if (feNormalizesToZeroVar(A_H)) {
    if (feNormalizesToZeroVar(A_I)) {
      gejDoubleVar(r, a, rzr);
    } else {
      if (rzr) feSetInt(rzr, 0);
      gejSetInfinity(r);
    }
    return;
  }
  setGejInf(r, 0);
  feMul(A_T, A_H, Z(b));
  if (rzr) feCopy(rzr, A_T);
  feMul(Z(r), Z(a), A_T);
  feSqr(A_H2, A_H);
  feNegate(A_H2, A_H2, 1);
  feMul(A_H3, A_H2, A_H);
  feMul(A_T, A_U1, A_H2);
  feSqr(X(r), A_I);
  feAdd(X(r), A_H3);
  feAdd(X(r), A_T);
  feAdd(X(r), A_T);
  feAdd(A_T, X(r));
  feMul(Y(r), A_T, A_I);
  feMul(A_H3, A_H3, A_S1);
  feAdd(Y(r), A_H3);
}

/** r = a + b (a Jacobian, b affine), variable time; rzr as in gejAddVar. r may alias a. 8M + 3S. */
export function gejAddGeVar(r: usize, a: usize, b: usize, rzr: usize): void {
  if (gejIsInfinity(a)) { gejSetGe(r, b); return; }
  if (geIsInfinity(b)) {
    if (rzr) feSetInt(rzr, 1);
    if (r != a) gejCopy(r, a);
    return;
  }
  feSqr(A_Z12, Z(a));
  feCopy(A_U1, X(a));
  feMul(A_U2, X(b), A_Z12);
  feCopy(A_S1, Y(a));
  feMul(A_S2, Y(b), A_Z12); feMul(A_S2, A_S2, Z(a));
  feNegate(A_H, A_U1, 4); feAdd(A_H, A_U2);
  feNegate(A_I, A_S2, 1); feAdd(A_I, A_S1);
  if (feNormalizesToZeroVar(A_H)) {
    if (feNormalizesToZeroVar(A_I)) {
      gejDoubleVar(r, a, rzr);
    } else {
      if (rzr) feSetInt(rzr, 0);
      gejSetInfinity(r);
    }
    return;
  }
  setGejInf(r, 0);
  if (rzr) feCopy(rzr, A_H);
  feMul(Z(r), Z(a), A_H);
  feSqr(A_H2, A_H);
  feNegate(A_H2, A_H2, 1);
  feMul(A_H3, A_H2, A_H);
  feMul(A_T, A_U1, A_H2);
  feSqr(X(r), A_I);
  feAdd(X(r), A_H3);
  feAdd(X(r), A_T);
  feAdd(X(r), A_T);
  feAdd(A_T, X(r));
  feMul(Y(r), A_T, A_I);
  feMul(A_H3, A_H3, A_S1);
  feAdd(Y(r), A_H3);
}

const Z_AZ = memory.data(40);
const Z_B2 = memory.data(40);
const Z_B3 = memory.data(40);

/**
 * r = a + b where b is given as affine coordinates of the point (b.x, b.y, 1/bzinv): the
 * isomorphism trick of libsecp256k1 for adding precomputed G multiples to an accumulator whose
 * Z carries a global factor. Variable time. r may alias a.
 */
export function gejAddZinvVar(r: usize, a: usize, b: usize, bzinv: usize): void {
  if (gejIsInfinity(a)) {
    setGejInf(r, load<u32>(b, 80));
    feSqr(Z_B2, bzinv);
    feMul(Z_B3, Z_B2, bzinv);
    feMul(X(r), X(b), Z_B2);
    feMul(Y(r), Y(b), Z_B3);
    feSetInt(Z(r), 1);
    return;
  }
  if (geIsInfinity(b)) { if (r != a) gejCopy(r, a); return; }
  feMul(Z_AZ, Z(a), bzinv);
  feSqr(A_Z12, Z_AZ);
  feCopy(A_U1, X(a));
  feMul(A_U2, X(b), A_Z12);
  feCopy(A_S1, Y(a));
  feMul(A_S2, Y(b), A_Z12); feMul(A_S2, A_S2, Z_AZ);
  feNegate(A_H, A_U1, 4); feAdd(A_H, A_U2);
  feNegate(A_I, A_S2, 1); feAdd(A_I, A_S1);
  if (feNormalizesToZeroVar(A_H)) {
    if (feNormalizesToZeroVar(A_I)) gejDoubleVar(r, a, 0);
    else gejSetInfinity(r);
    return;
  }
  setGejInf(r, 0);
  feMul(Z(r), Z(a), A_H);
  feSqr(A_H2, A_H);
  feNegate(A_H2, A_H2, 1);
  feMul(A_H3, A_H2, A_H);
  feMul(A_T, A_U1, A_H2);
  feSqr(X(r), A_I);
  feAdd(X(r), A_H3);
  feAdd(X(r), A_T);
  feAdd(X(r), A_T);
  feAdd(A_T, X(r));
  feMul(Y(r), A_T, A_I);
  feMul(A_H3, A_H3, A_S1);
  feAdd(Y(r), A_H3);
}

const C_ZZ = memory.data(40);
const C_U1 = memory.data(40);
const C_U2 = memory.data(40);
const C_S1 = memory.data(40);
const C_S2 = memory.data(40);
const C_T = memory.data(40);
const C_TT = memory.data(40);
const C_M = memory.data(40);
const C_N = memory.data(40);
const C_Q = memory.data(40);
const C_RR = memory.data(40);
const C_MALT = memory.data(40);
const C_RRALT = memory.data(40);
const FE_ONE: StaticArray<u32> = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * r = a + b (a Jacobian, may be infinity; b affine, must not be infinity), constant time, with
 * the unified formula of secp256k1_gej_add_ge (also correct when a == b or a == -b). r may alias a.
 */
export function gejAddGe(r: usize, a: usize, b: usize): void {
  const aInf = load<u32>(a, 120);
  feSqr(C_ZZ, Z(a));
  feCopy(C_U1, X(a));
  feMul(C_U2, X(b), C_ZZ);
  feCopy(C_S1, Y(a));
  feMul(C_S2, Y(b), C_ZZ);
  feMul(C_S2, C_S2, Z(a));
  feCopy(C_T, C_U1); feAdd(C_T, C_U2);
  feCopy(C_M, C_S1); feAdd(C_M, C_S2);
  feSqr(C_RR, C_T);
  feNegate(C_MALT, C_U2, 1);
  feMul(C_TT, C_U1, C_MALT);
  feAdd(C_RR, C_TT);
  const degenerate: u32 = feNormalizesToZero(C_M) ? 1 : 0;
  feCopy(C_RRALT, C_S1);
  feMulInt(C_RRALT, 2);
  feAdd(C_MALT, C_U1);
  feCmov(C_RRALT, C_RR, degenerate ^ 1);
  feCmov(C_MALT, C_M, degenerate ^ 1);
  feSqr(C_N, C_MALT);
  feNegate(C_Q, C_T, 5);
  feMul(C_Q, C_Q, C_N);
  feSqr(C_N, C_N);
  feCmov(C_N, C_M, degenerate);
  feSqr(C_T, C_RRALT);
  feMul(Z(r), Z(a), C_MALT);
  feAdd(C_T, C_Q);
  feCopy(X(r), C_T);
  feMulInt(C_T, 2);
  feAdd(C_T, C_Q);
  feMul(C_T, C_T, C_RRALT);
  feAdd(C_T, C_N);
  feNegate(Y(r), C_T, 6);
  feHalf(Y(r));
  feCmov(X(r), X(b), aInf);
  feCmov(Y(r), Y(b), aInf);
  feCmov(Z(r), changetype<usize>(FE_ONE), aInf);
  setGejInf(r, feNormalizesToZero(Z(r)) ? 1 : 0);
}

const RS_ZZ = memory.data(40);

/** Multiplies the Z coordinate of r by s (same point). s must be non-zero. */
export function gejRescale(r: usize, s: usize): void {
  feSqr(RS_ZZ, s);
  feMul(X(r), X(r), RS_ZZ);
  feMul(Y(r), Y(r), RS_ZZ);
  feMul(Y(r), Y(r), s);
  feMul(Z(r), Z(r), s);
}

/** r = a when flag (0 or 1). Constant time. */
export function gejCmov(r: usize, a: usize, flag: u32): void {
  feCmov(X(r), X(a), flag);
  feCmov(Y(r), Y(a), flag);
  feCmov(Z(r), Z(a), flag);
  const ri = load<u32>(r, 120);
  setGejInf(r, ri ^ ((ri ^ load<u32>(a, 120)) & (0 - flag)));
}

/** r.x, r.y = a.x, a.y when flag (0 or 1). Constant time. */
function geCmovXY(r: usize, a: usize, flag: u32): void {
  feCmov(X(r), X(a), flag);
  feCmov(Y(r), Y(a), flag);
}

// ---------------------------------------------------------------------------------------------
// Encoding (SEC1).

const DEC_X = memory.data(40);
const DEC_Y = memory.data(40);

/**
 * Decodes a SEC1 point (33-byte compressed 02/03 || x, or 65-byte uncompressed 04 || x || y)
 * at [p, p+len) into the affine r. Errors: BadLength, BadPrefix, XOutOfRange, NotOnCurve.
 * Infinity has no encoding here. Variable time: encodings are public data.
 */
export function geDecode(r: usize, p: usize, len: i32): CryptoError {
  if (len == 33) {
    const prefix = load<u8>(p);
    if (prefix != 2 && prefix != 3) return CryptoError.BadPrefix;
    if (!feSetB32Limit(DEC_X, p + 1)) return CryptoError.XOutOfRange;
    if (!geSetXoVar(r, DEC_X, prefix == 3)) return CryptoError.NotOnCurve;
    return CryptoError.None;
  }
  if (len == 65) {
    if (load<u8>(p) != 4) return CryptoError.BadPrefix;
    if (!feSetB32Limit(DEC_X, p + 1)) return CryptoError.XOutOfRange;
    if (!feSetB32Limit(DEC_Y, p + 33)) return CryptoError.XOutOfRange;
    geSetXY(r, DEC_X, DEC_Y);
    if (!geIsValidVar(r)) return CryptoError.NotOnCurve;
    return CryptoError.None;
  }
  return CryptoError.BadLength;
}

const ENC_X = memory.data(40);
const ENC_Y = memory.data(40);

/**
 * Writes affine a as SEC1 at p: 33 bytes (compressed) or 65 bytes. Returns Infinity (and writes
 * nothing) for the point at infinity. Constant time for a finite point (it also encodes public
 * keys derived from secrets, e.g. in BIP-32).
 */
export function geEncode(p: usize, a: usize, compressed: bool): CryptoError {
  if (geIsInfinity(a)) return CryptoError.Infinity;
  feCopy(ENC_X, X(a)); feNormalize(ENC_X);
  feCopy(ENC_Y, Y(a)); feNormalize(ENC_Y);
  if (compressed) {
    store<u8>(p, feIsOdd(ENC_Y) ? 3 : 2);
    feGetB32(p + 1, ENC_X);
  } else {
    store<u8>(p, 4);
    feGetB32(p + 1, ENC_X);
    feGetB32(p + 33, ENC_Y);
  }
  return CryptoError.None;
}

// ---------------------------------------------------------------------------------------------
// Variable-time multi-scalar multiplication (Strauss-wNAF with GLV), ported from
// secp256k1_ecmult_strauss_wnaf.

// @ts-ignore: decorator
@inline const WINDOW_A: i32 = 5;
// @ts-ignore: decorator
@inline const TABLE_A: i32 = 1 << (WINDOW_A - 2); // 8 odd multiples
// @ts-ignore: decorator
@inline const WINDOW_G: i32 = 8;
// @ts-ignore: decorator
@inline const TABLE_G: i32 = 1 << (WINDOW_G - 2); // 64 odd multiples
/** Most points one ecmultVar call accepts. */
export const ECMULT_MAX_POINTS: i32 = 4;
// @ts-ignore: decorator
@inline const WNAF_LEN: i32 = 129;

const PRE_G = memory.data(<i32>GE_SIZE * TABLE_G);
const PRE_G128 = memory.data(<i32>GE_SIZE * TABLE_G);
let preGReady = false;

const PRE_A = memory.data(<i32>GE_SIZE * TABLE_A * ECMULT_MAX_POINTS);
const AUX = memory.data(<i32>FE_SIZE * TABLE_A * ECMULT_MAX_POINTS);
const WNAF_1 = memory.data(4 * WNAF_LEN * ECMULT_MAX_POINTS);
const WNAF_LAM = memory.data(4 * WNAF_LEN * ECMULT_MAX_POINTS);
const BITS_1 = memory.data(4 * ECMULT_MAX_POINTS);
const BITS_LAM = memory.data(4 * ECMULT_MAX_POINTS);
const WNAF_NG1 = memory.data(4 * WNAF_LEN);
const WNAF_NG128 = memory.data(4 * WNAF_LEN);
const EM_TMP = memory.data(<i32>GEJ_SIZE);
const EM_TMPA = memory.data(<i32>GE_SIZE);
const EM_Z = memory.data(40);
const EM_NA1 = memory.data(32);
const EM_NALAM = memory.data(32);
const EM_NG1 = memory.data(32);
const EM_NG128 = memory.data(32);
const EM_WS = memory.data(32);

/**
 * wNAF of the scalar at a (which must be < 2^len or > n - 2^len, i.e. "negative" and small)
 * into len i32 slots at wnaf; returns the number of digits used. Variable time.
 */
function ecmultWnaf(wnaf: usize, len: i32, a: usize, w: i32): i32 {
  let lastSetBit = -1;
  let sign = 1;
  let carry: u32 = 0;
  memory.fill(wnaf, 0, <usize>len << 2);
  memory.copy(EM_WS, a, 32);
  if (scGetBitsLimb32(EM_WS, 255, 1)) {
    scNegate(EM_WS, EM_WS);
    sign = -1;
  }
  let bit = 0;
  while (bit < len) {
    if (scGetBitsLimb32(EM_WS, <u32>bit, 1) == carry) { bit++; continue; }
    let now = w;
    if (now > len - bit) now = len - bit;
    let word = <i32>scGetBitsVar(EM_WS, <u32>bit, <u32>now) + <i32>carry;
    carry = <u32>(word >> (w - 1)) & 1;
    word -= <i32>(carry << <u32>w);
    store<i32>(wnaf + (<usize>bit << 2), sign * word);
    lastSetBit = bit;
    bit += now;
  }
  return lastSetBit + 1;
}

const OM_D = memory.data(<i32>GEJ_SIZE);
const OM_DGE = memory.data(<i32>GE_SIZE);
const OM_AI = memory.data(<i32>GEJ_SIZE);

/**
 * pre[0..n) = odd multiples [1, 3, .., 2n-1]*a stored as affine coordinates on an isomorphic
 * curve sharing an implicit Z; zr[i] receives Z ratios and z the final Z (see libsecp256k1
 * secp256k1_ecmult_odd_multiples_table). a must not be infinity.
 */
function oddMultiplesTable(n: i32, pre: usize, zr: usize, z: usize, a: usize): void {
  gejDoubleVar(OM_D, a, 0);
  geSetXY(OM_DGE, X(OM_D), Y(OM_D));
  geSetGejZinv(pre, a, Z(OM_D));
  setGeInf(pre, 0);
  gejSetGe(OM_AI, pre);
  feCopy(Z(OM_AI), Z(a));
  feCopy(zr, Z(OM_D));
  for (let i = 1; i < n; i++) {
    gejAddGeVar(OM_AI, OM_AI, OM_DGE, zr + <usize>i * FE_SIZE);
    geSetXY(pre + <usize>i * GE_SIZE, X(OM_AI), Y(OM_AI));
  }
  feMul(z, Z(OM_AI), Z(OM_D));
}

const GZ_ZS = memory.data(40);

/** Brings the table to the implicit global Z of its last entry (libsecp256k1 ge_table_set_globalz). */
function tableSetGlobalz(len: i32, a: usize, zr: usize): void {
  if (len <= 0) return;
  let i = len - 1;
  feNormalizeWeak(Y(a + <usize>i * GE_SIZE));
  feCopy(GZ_ZS, zr + <usize>i * FE_SIZE);
  while (i > 0) {
    if (i != len - 1) feMul(GZ_ZS, GZ_ZS, zr + <usize>i * FE_SIZE);
    i--;
    geSetGeZinv(a + <usize>i * GE_SIZE, a + <usize>i * GE_SIZE, GZ_ZS);
  }
}

/** r = entry n (odd, |n| < 2^(w-1)) of an odd-multiples table, negated when n < 0. */
// @ts-ignore: decorator
@inline function tableGet(r: usize, pre: usize, n: i32): void {
  if (n > 0) {
    geCopy(r, pre + <usize>((n - 1) >> 1) * GE_SIZE);
  } else {
    geCopy(r, pre + <usize>((-n - 1) >> 1) * GE_SIZE);
    feNegate(Y(r), Y(r), 1);
  }
}

/** Like tableGet for the lambda-table: x from xs (beta-multiplied), y from pre. */
// @ts-ignore: decorator
@inline function tableGetLambda(r: usize, pre: usize, xs: usize, n: i32): void {
  const idx = n > 0 ? (n - 1) >> 1 : (-n - 1) >> 1;
  geSetXY(r, xs + <usize>idx * FE_SIZE, Y(pre + <usize>idx * GE_SIZE));
  if (n < 0) feNegate(Y(r), Y(r), 1);
}

const PG_TMP = memory.data(<i32>GEJ_SIZE * TABLE_G);
const PG_D = memory.data(<i32>GEJ_SIZE);
const PG_GE = memory.data(<i32>GE_SIZE);

/** Fills `table` with affine [1, 3, .., 2*TABLE_G - 1] * base (base affine). */
function fillOddMultiplesAffine(table: usize, base: usize): void {
  gejSetGe(PG_TMP, base);
  gejSetGe(PG_D, base);
  gejDoubleVar(PG_D, PG_D, 0);
  for (let i = 1; i < TABLE_G; i++) {
    gejAddVar(PG_TMP + <usize>i * GEJ_SIZE, PG_TMP + <usize>(i - 1) * GEJ_SIZE, PG_D, 0);
  }
  geSetAllGejVar(table, PG_TMP, TABLE_G);
  for (let i = 0; i < TABLE_G; i++) {
    const e = table + <usize>i * GE_SIZE;
    feNormalizeVar(X(e)); feNormalizeVar(Y(e));
  }
}

function ensurePreG(): void {
  if (preGReady) return;
  geSetG(PG_GE);
  fillOddMultiplesAffine(PRE_G, PG_GE);
  // 2^128 * G by 128 doublings.
  gejSetGe(PG_D, PG_GE);
  for (let i = 0; i < 128; i++) gejDoubleVar(PG_D, PG_D, 0);
  geSetGejVar(PG_GE, PG_D);
  fillOddMultiplesAffine(PRE_G128, PG_GE);
  preGReady = true;
}

/**
 * r = sum(na[i] * a[i], i < num) + ng * G (r Jacobian). a: num Jacobian points (stride
 * GEJ_SIZE), na: num scalars (stride SC_SIZE), ng: a scalar pointer or 0 for none.
 * num <= ECMULT_MAX_POINTS. Variable time: public scalars and points only.
 */
export function ecmultVar(r: usize, num: i32, a: usize, na: usize, ng: usize): void {
  feSetInt(EM_Z, 1);
  let bits = 0;
  let no = 0;
  for (let np = 0; np < num; np++) {
    const ap = a + <usize>np * GEJ_SIZE, nap = na + <usize>np * SC_SIZE;
    if (scIsZero(nap) || gejIsInfinity(ap)) continue;
    scSplitLambda(EM_NA1, EM_NALAM, nap);
    const b1 = ecmultWnaf(WNAF_1 + <usize>(no * WNAF_LEN) * 4, WNAF_LEN, EM_NA1, WINDOW_A);
    const bl = ecmultWnaf(WNAF_LAM + <usize>(no * WNAF_LEN) * 4, WNAF_LEN, EM_NALAM, WINDOW_A);
    store<i32>(BITS_1 + (<usize>no << 2), b1);
    store<i32>(BITS_LAM + (<usize>no << 2), bl);
    if (b1 > bits) bits = b1;
    if (bl > bits) bits = bl;
    gejCopy(EM_TMP, ap);
    if (no) gejRescale(EM_TMP, EM_Z);
    const pre = PRE_A + <usize>(no * TABLE_A) * GE_SIZE;
    const aux = AUX + <usize>(no * TABLE_A) * FE_SIZE;
    oddMultiplesTable(TABLE_A, pre, aux, EM_Z, EM_TMP);
    if (no) feMul(aux, aux, Z(ap));
    no++;
  }
  if (no) tableSetGlobalz(TABLE_A * no, PRE_A, AUX);
  for (let np = 0; np < no; np++) {
    for (let j = 0; j < TABLE_A; j++) {
      const k = np * TABLE_A + j;
      feMul(AUX + <usize>k * FE_SIZE, X(PRE_A + <usize>k * GE_SIZE), changetype<usize>(BETA));
    }
  }
  let bitsNg1 = 0, bitsNg128 = 0;
  if (ng) {
    ensurePreG();
    scSplit128(EM_NG1, EM_NG128, ng);
    bitsNg1 = ecmultWnaf(WNAF_NG1, WNAF_LEN, EM_NG1, WINDOW_G);
    bitsNg128 = ecmultWnaf(WNAF_NG128, WNAF_LEN, EM_NG128, WINDOW_G);
    if (bitsNg1 > bits) bits = bitsNg1;
    if (bitsNg128 > bits) bits = bitsNg128;
  }
  gejSetInfinity(r);
  for (let i = bits - 1; i >= 0; i--) {
    gejDoubleVar(r, r, 0);
    for (let np = 0; np < no; np++) {
      let n: i32;
      if (i < load<i32>(BITS_1 + (<usize>np << 2)) && (n = load<i32>(WNAF_1 + (<usize>(np * WNAF_LEN + i) << 2))) != 0) {
        tableGet(EM_TMPA, PRE_A + <usize>(np * TABLE_A) * GE_SIZE, n);
        gejAddGeVar(r, r, EM_TMPA, 0);
      }
      if (i < load<i32>(BITS_LAM + (<usize>np << 2)) && (n = load<i32>(WNAF_LAM + (<usize>(np * WNAF_LEN + i) << 2))) != 0) {
        tableGetLambda(EM_TMPA, PRE_A + <usize>(np * TABLE_A) * GE_SIZE, AUX + <usize>(np * TABLE_A) * FE_SIZE, n);
        gejAddGeVar(r, r, EM_TMPA, 0);
      }
    }
    let n: i32;
    if (i < bitsNg1 && (n = load<i32>(WNAF_NG1 + (<usize>i << 2))) != 0) {
      tableGet(EM_TMPA, PRE_G, n);
      gejAddZinvVar(r, r, EM_TMPA, EM_Z);
    }
    if (i < bitsNg128 && (n = load<i32>(WNAF_NG128 + (<usize>i << 2))) != 0) {
      tableGet(EM_TMPA, PRE_G128, n);
      gejAddZinvVar(r, r, EM_TMPA, EM_Z);
    }
  }
  if (!gejIsInfinity(r)) feMul(Z(r), Z(r), EM_Z);
}

// ---------------------------------------------------------------------------------------------
// Fixed-base table for G: GEN[i][j-1] = j * 16^i * G (affine), i < 64, 1 <= j <= 15.

// @ts-ignore: decorator
@inline const GEN_WINDOWS: i32 = 64;
// @ts-ignore: decorator
@inline const GEN_ENTRIES: i32 = 15;
let genTable: StaticArray<u8> | null = null;
const GT_J = memory.data(<i32>GEJ_SIZE * GEN_ENTRIES);
const GT_BASE = memory.data(<i32>GEJ_SIZE);

function genTablePtr(): usize {
  let t = genTable;
  if (t == null) {
    t = new StaticArray<u8>(<i32>GE_SIZE * GEN_WINDOWS * GEN_ENTRIES);
    const base = changetype<usize>(t);
    geSetG(PG_GE);
    gejSetGe(GT_BASE, PG_GE);
    for (let i = 0; i < GEN_WINDOWS; i++) {
      gejCopy(GT_J, GT_BASE);
      for (let j = 1; j < GEN_ENTRIES; j++) {
        gejAddVar(GT_J + <usize>j * GEJ_SIZE, GT_J + <usize>(j - 1) * GEJ_SIZE, GT_BASE, 0);
      }
      // next base = 16 * base = 15 * base + base
      gejAddVar(GT_BASE, GT_J + <usize>(GEN_ENTRIES - 1) * GEJ_SIZE, GT_BASE, 0);
      const row = base + <usize>(i * GEN_ENTRIES) * GE_SIZE;
      geSetAllGejVar(row, GT_J, GEN_ENTRIES);
      for (let j = 0; j < GEN_ENTRIES; j++) {
        const e = row + <usize>j * GE_SIZE;
        feNormalizeVar(X(e)); feNormalizeVar(Y(e));
      }
    }
    genTable = t;
  }
  return changetype<usize>(t);
}

const GC_T = memory.data(<i32>GE_SIZE);
const GC_R2 = memory.data(<i32>GEJ_SIZE);

/** r = k * G, constant time (k is a reduced scalar pointer; k = 0 gives infinity). */
export function ecmultGenConst(r: usize, k: usize): void {
  const table = genTablePtr();
  gejSetInfinity(r);
  for (let i = 0; i < GEN_WINDOWS; i++) {
    const digit = scGetBitsLimb32(k, <u32>(i << 2), 4);
    const row = table + <usize>(i * GEN_ENTRIES) * GE_SIZE;
    geCopy(GC_T, row);
    for (let j = 2; j <= GEN_ENTRIES; j++) geCmovXY(GC_T, row + <usize>(j - 1) * GE_SIZE, <u32>(digit == <u32>j));
    setGeInf(GC_T, 0);
    gejAddGe(GC_R2, r, GC_T);
    gejCmov(r, GC_R2, <u32>(digit != 0));
  }
}

/** r = k * G, variable time (public k only). */
export function ecmultGenVar(r: usize, k: usize): void {
  const table = genTablePtr();
  gejSetInfinity(r);
  for (let i = 0; i < GEN_WINDOWS; i++) {
    const digit = scGetBitsLimb32(k, <u32>(i << 2), 4);
    if (digit == 0) continue;
    gejAddGeVar(r, r, table + <usize>(i * GEN_ENTRIES + <i32>digit - 1) * GE_SIZE, 0);
  }
}

const CT_TJ = memory.data(<i32>GEJ_SIZE * 15);
const CT_T = memory.data(<i32>GE_SIZE * 15);
const CT_A = memory.data(<i32>GE_SIZE);
const CT_SEL = memory.data(<i32>GE_SIZE);
const CT_R2 = memory.data(<i32>GEJ_SIZE);

/**
 * r = k * a, constant time in k (a affine, not infinity; k a reduced scalar pointer, 0 gives
 * infinity). 4-bit fixed window from the top, table of 1..15 * a scanned in full per digit.
 */
export function ecmultConst(r: usize, a: usize, k: usize): void {
  geCopy(CT_A, a);
  setGeInf(CT_A, 0);
  gejSetGe(CT_TJ, CT_A);
  gejDouble(CT_TJ + GEJ_SIZE, CT_TJ);
  for (let j = 2; j < 15; j++) gejAddGe(CT_TJ + <usize>j * GEJ_SIZE, CT_TJ + <usize>(j - 1) * GEJ_SIZE, CT_A);
  geSetAllGej(CT_T, CT_TJ, 15);
  gejSetInfinity(r);
  for (let i = 63; i >= 0; i--) {
    gejDouble(r, r); gejDouble(r, r); gejDouble(r, r); gejDouble(r, r);
    const digit = scGetBitsLimb32(k, <u32>(i << 2), 4);
    geCopy(CT_SEL, CT_T);
    for (let j = 2; j <= 15; j++) geCmovXY(CT_SEL, CT_T + <usize>(j - 1) * GE_SIZE, <u32>(digit == <u32>j));
    setGeInf(CT_SEL, 0);
    gejAddGe(CT_R2, r, CT_SEL);
    gejCmov(r, CT_R2, <u32>(digit != 0));
  }
}

// ---------------------------------------------------------------------------------------------
// Public API: Point objects and byte-level helpers.

/** A curve point (Jacobian coordinates, see the header), or the point at infinity. */
export class Point {
  /** GEJ_SIZE bytes of limbs; use `ptr`. */
  readonly data: StaticArray<u32> = new StaticArray<u32>(<i32>(GEJ_SIZE >> 2));

  constructor() {
    gejSetInfinity(this.ptr);
  }

  /** Address of the GEJ limbs (valid while this object is alive). */
  @inline get ptr(): usize { return changetype<usize>(this.data); }

  static infinity(): Point { return new Point(); }

  static generator(): Point {
    const p = new Point();
    geSetG(SCR_GE);
    gejSetGe(p.ptr, SCR_GE);
    return p;
  }

  isInfinity(): bool { return gejIsInfinity(this.ptr); }

  copyFrom(a: Point): Point { gejCopy(this.ptr, a.ptr); return this; }
}

const SCR_GE = memory.data(<i32>GE_SIZE);
const SCR_GE2 = memory.data(<i32>GE_SIZE);
const SCR_SC = memory.data(32);
const SCR_SC2 = memory.data(32);

/** Decodes SEC1 bytes (33 or 65) into out. Errors: BadLength, BadPrefix, XOutOfRange, NotOnCurve. */
export function pointDecode(out: Point, bytes: Uint8Array): CryptoError {
  const e = geDecode(SCR_GE, bytes.dataStart, bytes.length);
  if (e != CryptoError.None) return e;
  gejSetGe(out.ptr, SCR_GE);
  return CryptoError.None;
}

/**
 * Writes the SEC1 encoding of a into out (33 bytes compressed, 65 uncompressed). Errors:
 * Infinity (the point at infinity has no encoding), BadLength (out has the wrong size).
 */
export function pointEncodeInto(out: Uint8Array, a: Point, compressed: bool): CryptoError {
  if (out.length != (compressed ? 33 : 65)) return CryptoError.BadLength;
  if (a.isInfinity()) return CryptoError.Infinity;
  geSetGejVar(SCR_GE, a.ptr);
  return geEncode(out.dataStart, SCR_GE, compressed);
}

/** SEC1 encoding of a, or null for the point at infinity. */
export function pointEncode(a: Point, compressed: bool): Uint8Array | null {
  const out = new Uint8Array(compressed ? 33 : 65);
  return pointEncodeInto(out, a, compressed) == CryptoError.None ? out : null;
}

/** r = a + b (handles doubling, inverses and infinity). Variable time. r may alias a or b. */
export function pointAddVar(r: Point, a: Point, b: Point): void {
  gejAddVar(SCR_J, a.ptr, b.ptr, 0);
  gejCopy(r.ptr, SCR_J);
}
const SCR_J = memory.data(<i32>GEJ_SIZE);

/** r = 2a. Variable time. */
export function pointDoubleVar(r: Point, a: Point): void { gejDoubleVar(r.ptr, a.ptr, 0); }

/** r = -a. */
export function pointNegate(r: Point, a: Point): void { gejNeg(r.ptr, a.ptr); }

/** True when a and b are the same point. Variable time. */
export function pointEqualVar(a: Point, b: Point): bool {
  gejNeg(SCR_J, a.ptr);
  gejAddVar(SCR_J, SCR_J, b.ptr, 0);
  return gejIsInfinity(SCR_J);
}

/**
 * Reads a 32-byte big-endian scalar into the scalar at r. Errors: BadLength, ScalarOverflow
 * (>= n, rejected rather than reduced).
 */
export function scalarFromBytes(r: usize, k: Uint8Array): CryptoError {
  if (k.length != 32) return CryptoError.BadLength;
  if (scSetB32(r, k.dataStart) != 0) return CryptoError.ScalarOverflow;
  return CryptoError.None;
}

/** r = k*G, constant time in k (secret scalars). Errors as scalarFromBytes. */
export function pointMulGen(r: Point, k: Uint8Array): CryptoError {
  const e = scalarFromBytes(SCR_SC, k);
  if (e != CryptoError.None) return e;
  ecmultGenConst(r.ptr, SCR_SC);
  return CryptoError.None;
}

/** r = k*G, variable time (public scalars only). */
export function pointMulGenVar(r: Point, k: Uint8Array): CryptoError {
  const e = scalarFromBytes(SCR_SC, k);
  if (e != CryptoError.None) return e;
  ecmultGenVar(r.ptr, SCR_SC);
  return CryptoError.None;
}

/** r = k*a, constant time in k (secret scalars). r may alias a. */
export function pointMul(r: Point, a: Point, k: Uint8Array): CryptoError {
  const e = scalarFromBytes(SCR_SC, k);
  if (e != CryptoError.None) return e;
  if (a.isInfinity()) { gejSetInfinity(r.ptr); return CryptoError.None; }
  geSetGej(SCR_GE2, a.ptr);
  ecmultConst(r.ptr, SCR_GE2, SCR_SC);
  return CryptoError.None;
}

/** r = k*a, variable time (public scalars only). r may alias a. */
export function pointMulVar(r: Point, a: Point, k: Uint8Array): CryptoError {
  const e = scalarFromBytes(SCR_SC, k);
  if (e != CryptoError.None) return e;
  gejCopy(SCR_J, a.ptr);
  ecmultVar(r.ptr, 1, SCR_J, SCR_SC, 0);
  return CryptoError.None;
}

/** r = a*G + b*P (double-scalar multiplication for verification). Variable time. */
export function pointMulAddGenVar(r: Point, a: Uint8Array, p: Point, b: Uint8Array): CryptoError {
  let e = scalarFromBytes(SCR_SC, a);
  if (e != CryptoError.None) return e;
  e = scalarFromBytes(SCR_SC2, b);
  if (e != CryptoError.None) return e;
  gejCopy(SCR_J, p.ptr);
  ecmultVar(r.ptr, 1, SCR_J, SCR_SC2, SCR_SC);
  return CryptoError.None;
}
