// NUT-12 discrete-log-equality proofs: the mint proves that C_ = a*B_ uses the same a as its
// public key A = a*G. Pure, no host imports.
//   hash_e(R1, R2, A, C_) = SHA256(hex(R1) || hex(R2) || hex(A) || hex(C_)), each point as the
//                           130 lower-case hex characters of its 65-byte uncompressed SEC1 form.
//   verify:  R1 = s*G - e*A,  R2 = s*B_ - e*C_,  accept iff e == hash_e(R1, R2, A, C_).
//   Proof-carried form (Proof.dleq = {e, s, r}): Y = hash_to_curve(secret), C_ = C + r*A,
//            B_ = Y + r*G; computed here as R2 = s*Y - e*C_ + (s*r)*G, which equals s*B_ - e*C_
//            and saves the separate r*G.
// Verification handles public data only and is variable time (ecmultVar: Strauss + GLV). The
// prover (mint side, for tests and tools) handles the mint key a and uses constant-time code.
// Scalars e, s, r are 32-byte big-endian and must be < n (a value >= n is rejected, not reduced;
// r must also be non-zero, as @cashu/cashu-ts requires). Results: CryptoError.None = valid,
// DleqInvalid = well-formed but wrong, anything else = malformed input.
import { CryptoError } from "./errors";
import { Sha256 } from "./sha256";
import { HmacSha256Key } from "./hmac";
import { hashToCurveGe } from "./h2c";
import {
  GE_SIZE, GEJ_SIZE, ecmultConst, ecmultGenConst, ecmultVar, geDecode, geEncode, geSetAllGejVar,
  geSetGejVar, gejAddGeVar, gejIsInfinity, gejSetGe,
} from "./point";
import { SC_SIZE, scAdd, scGetB32, scIsZero, scMul, scNegate, scSetB32 } from "./scalar";
import { ctEqualPtr } from "./ct";

const HEX: StaticArray<u8> = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

const hasher = new Sha256();
const ENC = memory.data(65);
const ENC_HEX = memory.data(130);

function hashPoint(ge: usize): void {
  geEncode(ENC, ge, false);
  for (let i: usize = 0; i < 65; i++) {
    const b = load<u8>(ENC + i);
    store<u8>(ENC_HEX + 2 * i, unchecked(HEX[b >> 4]));
    store<u8>(ENC_HEX + 2 * i + 1, unchecked(HEX[b & 15]));
  }
  hasher.updatePtr(ENC_HEX, 130);
}

/** out (32 bytes at out) = hash_e of four finite affine points (GE pointers). */
export function hashEGe(out: Uint8Array, r1: usize, r2: usize, k: usize, c: usize): void {
  hasher.reset();
  hashPoint(r1); hashPoint(r2); hashPoint(k); hashPoint(c);
  hasher.digestInto(out);
}

const HE = memory.data(<i32>GE_SIZE * 4);

/**
 * hash_e over four SEC1-encoded points (the NUT-12 test vector form). Writes 32 bytes to out32.
 * Errors: BadLength, BadPrefix, XOutOfRange, NotOnCurve.
 */
export function dleqHashE(out32: Uint8Array, r1: Uint8Array, r2: Uint8Array, k: Uint8Array, c: Uint8Array): CryptoError {
  if (out32.length != 32) return CryptoError.BadLength;
  let e = geDecode(HE, r1.dataStart, r1.length);
  if (e == CryptoError.None) e = geDecode(HE + GE_SIZE, r2.dataStart, r2.length);
  if (e == CryptoError.None) e = geDecode(HE + 2 * GE_SIZE, k.dataStart, k.length);
  if (e == CryptoError.None) e = geDecode(HE + 3 * GE_SIZE, c.dataStart, c.length);
  if (e != CryptoError.None) return e;
  hashEGe(out32, HE, HE + GE_SIZE, HE + 2 * GE_SIZE, HE + 3 * GE_SIZE);
  return CryptoError.None;
}

// Scratch. Points: A, B_ (or Y), C_ (GE); Jacobian copies for ecmult inputs; results.
const A_GE = memory.data(<i32>GE_SIZE);
const B_GE = memory.data(<i32>GE_SIZE);
const C_GE = memory.data(<i32>GE_SIZE);
const PTS = memory.data(<i32>GEJ_SIZE * 2);
const SCS = memory.data(<i32>SC_SIZE * 2);
const RJ = memory.data(<i32>GEJ_SIZE * 3); // R1, R2, C_ (proof form)
const RGE = memory.data(<i32>GE_SIZE * 3);
const E_SC = memory.data(32);
const S_SC = memory.data(32);
const R_SC = memory.data(32);
const NEG_E = memory.data(32);
const SR_SC = memory.data(32);
const HASH = new Uint8Array(32);

function readScalar(r: usize, b: Uint8Array): CryptoError {
  if (b.length != 32) return CryptoError.BadLength;
  if (scSetB32(r, b.dataStart) != 0) return CryptoError.ScalarOverflow;
  return CryptoError.None;
}

/** R1 = s*G - e*A into RJ[0]; expects A_GE, S_SC, NEG_E set. */
function computeR1(): void {
  gejSetGe(PTS, A_GE);
  ecmultVar(RJ, 1, PTS, NEG_E, S_SC);
}

/** Finishes: affine R1, R2 (and C_ when withC), hash with A and C_, compare with e. */
function finishVerify(e: Uint8Array, cGe: usize, count: i32): CryptoError {
  if (gejIsInfinity(RJ) || gejIsInfinity(RJ + GEJ_SIZE)) return CryptoError.DleqInvalid;
  geSetAllGejVar(RGE, RJ, count);
  hashEGe(HASH, RGE, RGE + GE_SIZE, A_GE, cGe);
  return ctEqualPtr(HASH.dataStart, e.dataStart, 32) ? CryptoError.None : CryptoError.DleqInvalid;
}

/**
 * Verifies the DLEQ proof (e, s) of a BlindSignature: A the mint key for the amount, B_ the
 * blinded message, C_ the blind signature (SEC1 encodings). Returns None when valid.
 */
export function verifyDleqBlindSignature(A: Uint8Array, blinded: Uint8Array, blindSig: Uint8Array, e: Uint8Array, s: Uint8Array): CryptoError {
  let err = readScalar(E_SC, e);
  if (err == CryptoError.None) err = readScalar(S_SC, s);
  if (err == CryptoError.None) err = geDecode(A_GE, A.dataStart, A.length);
  if (err == CryptoError.None) err = geDecode(B_GE, blinded.dataStart, blinded.length);
  if (err == CryptoError.None) err = geDecode(C_GE, blindSig.dataStart, blindSig.length);
  if (err != CryptoError.None) return err;
  scNegate(NEG_E, E_SC);
  computeR1();
  // R2 = s*B_ - e*C_
  gejSetGe(PTS, B_GE);
  gejSetGe(PTS + GEJ_SIZE, C_GE);
  scCopyTo(SCS, S_SC);
  scCopyTo(SCS + SC_SIZE, NEG_E);
  ecmultVar(RJ + GEJ_SIZE, 2, PTS, SCS, 0);
  return finishVerify(e, C_GE, 2);
}

/**
 * Verifies a proof-carried DLEQ (Proof.dleq = {e, s, r}) for a Proof (secret bytes, C) signed
 * with mint key A. Returns None when valid; ScalarZero when r is zero.
 */
export function verifyDleqProof(A: Uint8Array, secret: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array, r: Uint8Array): CryptoError {
  let err = readScalar(E_SC, e);
  if (err == CryptoError.None) err = readScalar(S_SC, s);
  if (err == CryptoError.None) err = readScalar(R_SC, r);
  if (err == CryptoError.None && scIsZero(R_SC)) err = CryptoError.ScalarZero;
  if (err == CryptoError.None) err = geDecode(A_GE, A.dataStart, A.length);
  if (err == CryptoError.None) err = geDecode(C_GE, C.dataStart, C.length);
  if (err == CryptoError.None) err = hashToCurveGe(B_GE, secret.dataStart, secret.length);
  if (err != CryptoError.None) return err;
  // C_ = C + r*A (RJ[2])
  const cj = RJ + 2 * GEJ_SIZE;
  gejSetGe(PTS, A_GE);
  ecmultVar(cj, 1, PTS, R_SC, 0);
  gejAddGeVar(cj, cj, C_GE, 0);
  if (gejIsInfinity(cj)) return CryptoError.DleqInvalid;
  scNegate(NEG_E, E_SC);
  computeR1();
  // R2 = s*Y - e*C_ + (s*r)*G
  gejSetGe(PTS, B_GE);
  memory.copy(PTS + GEJ_SIZE, cj, GEJ_SIZE);
  scCopyTo(SCS, S_SC);
  scCopyTo(SCS + SC_SIZE, NEG_E);
  scMul(SR_SC, S_SC, R_SC);
  ecmultVar(RJ + GEJ_SIZE, 2, PTS, SCS, SR_SC);
  return finishVerify(e, RGE + 2 * GE_SIZE, 3);
}

function scCopyTo(r: usize, a: usize): void { memory.copy(r, a, 32); }

// ---------------------------------------------------------------------------------------------
// Prover (mint side). Constant time in the mint key a.

const NONCE_TAG = String.UTF8.encode("Cashu_DLEQ_R_v1");
const NONCE_MSG = memory.data(15 + 65 * 3 + 1);
const NONCE = new Uint8Array(32);
const AJ = memory.data(<i32>GEJ_SIZE);
const CJ = memory.data(<i32>GEJ_SIZE);
const R1J = memory.data(<i32>GEJ_SIZE);
const R2J = memory.data(<i32>GEJ_SIZE);
const PGE = memory.data(<i32>GE_SIZE * 4);
const A_SC = memory.data(32);
const K_SC = memory.data(32);

/**
 * Creates C_ = a*B_ and its NUT-12 DLEQ proof (e, s) with the deterministic nonce
 * r = HMAC-SHA256(a, "Cashu_DLEQ_R_v1" || A || B_ || C_ || ctr) (uncompressed points, first
 * ctr in 0..255 giving 0 < r < n). Writes 33 + 32 + 32 bytes. Errors: BadLength,
 * ScalarOverflow, ScalarZero, BadPrefix, XOutOfRange, NotOnCurve.
 */
export function createDleqProof(outC: Uint8Array, outE: Uint8Array, outS: Uint8Array, a: Uint8Array, blinded: Uint8Array): CryptoError {
  if (outC.length != 33 || outE.length != 32 || outS.length != 32 || a.length != 32) return CryptoError.BadLength;
  if (scSetB32(A_SC, a.dataStart) != 0) return CryptoError.ScalarOverflow;
  if (scIsZero(A_SC)) return CryptoError.ScalarZero;
  const err = geDecode(B_GE, blinded.dataStart, blinded.length);
  if (err != CryptoError.None) return err;
  ecmultGenConst(AJ, A_SC);
  ecmultConst(CJ, B_GE, A_SC);
  geSetGejVar(PGE, AJ);          // A (public)
  geSetGejVar(PGE + GE_SIZE, CJ); // C_ (public)
  geEncode(outC.dataStart, PGE + GE_SIZE, true);
  memory.copy(NONCE_MSG, changetype<usize>(NONCE_TAG), 15);
  geEncode(NONCE_MSG + 15, PGE, false);
  geEncode(NONCE_MSG + 80, B_GE, false);
  geEncode(NONCE_MSG + 145, PGE + GE_SIZE, false);
  const mac = new HmacSha256Key(a);
  let found = false;
  for (let ctr = 0; ctr < 256 && !found; ctr++) {
    store<u8>(NONCE_MSG + 210, <u8>ctr);
    mac.macPtrInto(NONCE_MSG, 211, NONCE);
    const over = scSetB32(K_SC, NONCE.dataStart);
    found = over == 0 && !scIsZero(K_SC);
  }
  if (!found) return CryptoError.InvalidDerivedKey;
  ecmultGenConst(R1J, K_SC);
  ecmultConst(R2J, B_GE, K_SC);
  geSetGejVar(PGE + 2 * GE_SIZE, R1J);
  geSetGejVar(PGE + 3 * GE_SIZE, R2J);
  hashEGe(outE, PGE + 2 * GE_SIZE, PGE + 3 * GE_SIZE, PGE, PGE + GE_SIZE);
  // s = r + e*a mod n (e reduced mod n)
  scSetB32(E_SC, outE.dataStart);
  scMul(E_SC, E_SC, A_SC);
  scAdd(S_SC, K_SC, E_SC);
  scGetB32(outS.dataStart, S_SC);
  return CryptoError.None;
}
