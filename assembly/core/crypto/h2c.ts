// NUT-00 hash_to_curve: Y = PublicKey(02 || SHA256(msg_hash || counter)), msg_hash =
// SHA256("Secp256k1_HashToCurve_Cashu_" || x), counter a little-endian u32 from 0 until the
// candidate is a valid x coordinate (< p, on the curve); the point with even y is taken.
// Pure, no host imports. Inputs are public (secrets become public when spent), so the loop is
// variable time by nature: it stops at the first counter that works.
import { Sha256 } from "./sha256";
import { GE_SIZE, Point, geEncode, geSetXoVar, gejSetGe } from "./point";
import { feSetB32Limit } from "./field";
import { CryptoError } from "./errors";

/** Counter values tried before giving up (as @cashu/cashu-ts and Nutshell: 2^16). */
export const H2C_MAX_COUNTER: u32 = 1 << 16;

const DOMAIN = String.UTF8.encode("Secp256k1_HashToCurve_Cashu_");

const hasher = new Sha256();
const MSG_HASH = memory.data(36); // msg_hash (32) || counter (4)
const DIGEST = new Uint8Array(32);
const X = memory.data(40);
const Y_GE = memory.data(<i32>GE_SIZE);

/**
 * r (an affine GE pointer, see point.ts) = hash_to_curve(the len bytes at msg). Returns
 * NoPointFound if every counter fails (probability about 2^-65536).
 */
export function hashToCurveGe(r: usize, msg: usize, len: i32): CryptoError {
  hasher.reset().updatePtr(changetype<usize>(DOMAIN), DOMAIN.byteLength);
  hasher.updatePtr(msg, len);
  hasher.digestInto(DIGEST);
  memory.copy(MSG_HASH, DIGEST.dataStart, 32);
  for (let counter: u32 = 0; counter < H2C_MAX_COUNTER; counter++) {
    store<u32>(MSG_HASH, counter, 32);
    hasher.reset().updatePtr(MSG_HASH, 36);
    hasher.digestInto(DIGEST);
    if (!feSetB32Limit(X, DIGEST.dataStart)) continue;
    if (geSetXoVar(r, X, false)) return CryptoError.None;
  }
  return CryptoError.NoPointFound;
}

/** out = hash_to_curve(msg). */
export function hashToCurve(out: Point, msg: Uint8Array): CryptoError {
  const e = hashToCurveGe(Y_GE, msg.dataStart, msg.length);
  if (e == CryptoError.None) gejSetGe(out.ptr, Y_GE);
  return e;
}

/** Writes the 33-byte compressed hash_to_curve(msg) into out33. */
export function hashToCurveBytes(out33: Uint8Array, msg: Uint8Array): CryptoError {
  if (out33.length != 33) return CryptoError.BadLength;
  const e = hashToCurveGe(Y_GE, msg.dataStart, msg.length);
  if (e != CryptoError.None) return e;
  return geEncode(out33.dataStart, Y_GE, true);
}
