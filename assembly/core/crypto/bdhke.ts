// NUT-00 blind Diffie-Hellman key exchange on secp256k1. Pure, no host imports; randomness is
// never drawn here: callers pass the blinding factor r (random, or derived with NUT-13).
//   blinding   (wallet):  B_ = Y + r*G,  Y = hash_to_curve(secret)
//   signing    (mint):    C_ = k*B_      (for tests and tools; the gate never holds a mint key)
//   unblinding (wallet):  C  = C_ - r*K
// r and k are secrets, so every multiplication by them is constant time (ecmultGenConst,
// ecmultConst) and the additions use the unified constant-time formula. All points are 33-byte
// compressed SEC1; scalars 32-byte big-endian in [1, n).
import { CryptoError } from "./errors";
import { hashToCurveGe } from "./h2c";
import {
  GE_SIZE, GEJ_SIZE, ecmultConst, ecmultGenConst, geDecode, geEncode, geSetGejVar, gejAddGe,
  gejIsInfinity, gejNeg,
} from "./point";
import { scIsZero, scSetB32 } from "./scalar";

const K_SC = memory.data(32);
const Y_GE = memory.data(<i32>GE_SIZE);
const P_GE = memory.data(<i32>GE_SIZE);
const J1 = memory.data(<i32>GEJ_SIZE);
const J2 = memory.data(<i32>GEJ_SIZE);
const OUT_GE = memory.data(<i32>GE_SIZE);

/** Reads a secret scalar in [1, n) into K_SC. Errors: BadLength, ScalarOverflow, ScalarZero. */
function secretScalar(k: Uint8Array): CryptoError {
  if (k.length != 32) return CryptoError.BadLength;
  if (scSetB32(K_SC, k.dataStart) != 0) return CryptoError.ScalarOverflow;
  if (scIsZero(K_SC)) return CryptoError.ScalarZero;
  return CryptoError.None;
}

function finish(out33: Uint8Array, j: usize): CryptoError {
  if (gejIsInfinity(j)) return CryptoError.Infinity;
  geSetGejVar(OUT_GE, j); // the result is public
  return geEncode(out33.dataStart, OUT_GE, true);
}

/**
 * Blinding: out33 = hash_to_curve(secret) + r*G. secret is the proof secret's bytes (UTF-8 of
 * Proof.secret). Errors: BadLength (out33 or r), ScalarOverflow, ScalarZero, NoPointFound,
 * Infinity (Y = -r*G).
 */
export function blindMessage(out33: Uint8Array, secret: Uint8Array, r: Uint8Array): CryptoError {
  if (out33.length != 33) return CryptoError.BadLength;
  let e = secretScalar(r);
  if (e != CryptoError.None) return e;
  e = hashToCurveGe(Y_GE, secret.dataStart, secret.length);
  if (e != CryptoError.None) return e;
  ecmultGenConst(J1, K_SC);
  gejAddGe(J1, J1, Y_GE);
  return finish(out33, J1);
}

/**
 * Unblinding: out33 = C_ - r*K (C_ the mint's blind signature, K the mint public key for the
 * amount). Errors: BadLength, BadPrefix, XOutOfRange, NotOnCurve (C_ or K), ScalarOverflow,
 * ScalarZero, Infinity (C_ = r*K).
 */
export function unblindSignature(out33: Uint8Array, blindSig: Uint8Array, r: Uint8Array, mintKey: Uint8Array): CryptoError {
  if (out33.length != 33) return CryptoError.BadLength;
  let e = secretScalar(r);
  if (e != CryptoError.None) return e;
  e = geDecode(P_GE, mintKey.dataStart, mintKey.length);
  if (e != CryptoError.None) return e;
  e = geDecode(Y_GE, blindSig.dataStart, blindSig.length);
  if (e != CryptoError.None) return e;
  ecmultConst(J1, P_GE, K_SC);
  gejNeg(J2, J1);
  gejAddGe(J2, J2, Y_GE);
  return finish(out33, J2);
}

/**
 * Mint side: out33 = k*B_ (k the mint private key for the amount). For tests and tools.
 * Errors: BadLength, BadPrefix, XOutOfRange, NotOnCurve, ScalarOverflow, ScalarZero.
 */
export function signBlindedMessage(out33: Uint8Array, mintSecret: Uint8Array, blinded: Uint8Array): CryptoError {
  if (out33.length != 33) return CryptoError.BadLength;
  let e = secretScalar(mintSecret);
  if (e != CryptoError.None) return e;
  e = geDecode(P_GE, blinded.dataStart, blinded.length);
  if (e != CryptoError.None) return e;
  ecmultConst(J1, P_GE, K_SC);
  return finish(out33, J1);
}
