// BIP-340 Schnorr signatures over secp256k1 (NUT-11 P2PK witnesses sign SHA256(message) this
// way). Pure, no host imports.
//   tagged_hash(tag, m) = SHA256(SHA256(tag) || SHA256(tag) || m); the 64-byte prefix is one
//   SHA-256 block, so its chaining state is computed once per tag and reused.
//   verify(sig = r || s, m, P): P = lift_x(x(P)) (even y), e = H_challenge(r || x(P) || m) mod n,
//   R = s*G - e*P (variable-time double-scalar multiplication: public data), accept iff R is
//   finite, has even y and x(R) == r.
// The signer is for tests and tools only (the gate verifies, it never signs); it takes the aux
// randomness as bytes and uses constant-time multiplication by the secret key and nonce.
// Public keys are 32-byte x-only keys, or 33-byte compressed SEC1 keys (as NUT-11 writes them),
// of which only x is used, as BIP-340 and libsecp256k1's x-only keys do.
import { CryptoError } from "./errors";
import { Sha256 } from "./sha256";
import { feGetB32, feIsOdd, feNormalizeVar, feSetB32Limit } from "./field";
import {
  GE_SIZE, GEJ_SIZE, ecmultGenConst, ecmultVar, geSetGejVar, geSetXoVar, gejIsInfinity, gejSetGe,
} from "./point";
import { scAdd, scCondNegate, scGetB32, scIsZero, scMul, scNegate, scSetB32 } from "./scalar";

const hasher = new Sha256();

class Tag {
  state: StaticArray<u32> = new StaticArray<u32>(8);
  constructor(name: string) {
    const h = new Sha256().updateString(name).digest();
    const s = new Sha256();
    s.update(h).update(h).getState(this.state);
  }
}

let tagChallenge: Tag | null = null;
let tagAux: Tag | null = null;
let tagNonce: Tag | null = null;

function challengeTag(): Tag {
  let t = tagChallenge;
  if (t == null) tagChallenge = t = new Tag("BIP0340/challenge");
  return t;
}

/** Starts the shared hasher on tagged_hash(tag, ...). */
function startTagged(t: Tag): Sha256 {
  hasher.setState(t.state, 64);
  return hasher;
}

/** tagged_hash(tag, msg) as defined by BIP-340. */
export function taggedHash(tag: string, msg: Uint8Array): Uint8Array {
  const t = new Tag(tag);
  const h = new Sha256();
  h.setState(t.state, 64);
  return h.update(msg).digest();
}

const P_GE = memory.data(<i32>GE_SIZE);
const R_GE = memory.data(<i32>GE_SIZE);
const PJ = memory.data(<i32>GEJ_SIZE);
const RJ = memory.data(<i32>GEJ_SIZE);
const FX = memory.data(40);
const S_SC = memory.data(32);
const E_SC = memory.data(32);
const PX = memory.data(32);
const RX = memory.data(32);
const DIGEST = new Uint8Array(32);

/** Reads an x-only (32) or compressed (33) key into FX. Errors: BadLength, BadPrefix, XOutOfRange. */
function readXOnly(pubkey: Uint8Array): CryptoError {
  let p = pubkey.dataStart;
  if (pubkey.length == 33) {
    const prefix = load<u8>(p);
    if (prefix != 2 && prefix != 3) return CryptoError.BadPrefix;
    p += 1;
  } else if (pubkey.length != 32) {
    return CryptoError.BadLength;
  }
  memory.copy(PX, p, 32);
  return feSetB32Limit(FX, PX) ? CryptoError.None : CryptoError.XOutOfRange;
}

/**
 * Verifies a BIP-340 signature (64 bytes) on msg (any length; NUT-11 passes SHA256 of the
 * message) under pubkey (32-byte x-only or 33-byte compressed). Returns None when valid,
 * SchnorrInvalid when well-formed but wrong; BadLength, BadPrefix, XOutOfRange (key x or r >= p),
 * NotOnCurve (key), ScalarOverflow (s >= n) for malformed input. Variable time (public data).
 */
export function schnorrVerify(sig: Uint8Array, msg: Uint8Array, pubkey: Uint8Array): CryptoError {
  if (sig.length != 64) return CryptoError.BadLength;
  let err = readXOnly(pubkey);
  if (err != CryptoError.None) return err;
  if (!geSetXoVar(P_GE, FX, false)) return CryptoError.NotOnCurve;
  memory.copy(RX, sig.dataStart, 32);
  if (!feSetB32Limit(FX, RX)) return CryptoError.XOutOfRange;
  if (scSetB32(S_SC, sig.dataStart + 32) != 0) return CryptoError.ScalarOverflow;
  const h = startTagged(challengeTag());
  h.updatePtr(RX, 32); h.updatePtr(PX, 32); h.updatePtr(msg.dataStart, msg.length);
  h.digestInto(DIGEST);
  scSetB32(E_SC, DIGEST.dataStart);
  scNegate(E_SC, E_SC);
  gejSetGe(PJ, P_GE);
  ecmultVar(RJ, 1, PJ, E_SC, S_SC);
  if (gejIsInfinity(RJ)) return CryptoError.SchnorrInvalid;
  geSetGejVar(R_GE, RJ);
  feNormalizeVar(R_GE + 40);
  if (feIsOdd(R_GE + 40)) return CryptoError.SchnorrInvalid;
  feNormalizeVar(R_GE);
  feGetB32(PX, R_GE); // reuse PX for x(R)
  for (let i: usize = 0; i < 32; i++) if (load<u8>(PX + i) != load<u8>(RX + i)) return CryptoError.SchnorrInvalid;
  return CryptoError.None;
}

/**
 * schnorrVerify as a plain predicate (true only for a valid signature), shaped for the
 * SchnorrVerify seam of core/cashu/p2pk.ts: (sig 64 bytes, msg32, x-only or compressed key).
 */
export function schnorrVerifyBool(sig: Uint8Array, msg32: Uint8Array, xonly: Uint8Array): bool {
  return schnorrVerify(sig, msg32, xonly) == CryptoError.None;
}

const D_SC = memory.data(32);
const K_SC = memory.data(32);
const T = memory.data(32);

/** out32 = x-only public key of seckey. Errors: BadLength, ScalarOverflow, ScalarZero. */
export function schnorrPublicKey(out32: Uint8Array, seckey: Uint8Array): CryptoError {
  if (out32.length != 32 || seckey.length != 32) return CryptoError.BadLength;
  if (scSetB32(D_SC, seckey.dataStart) != 0) return CryptoError.ScalarOverflow;
  if (scIsZero(D_SC)) return CryptoError.ScalarZero;
  ecmultGenConst(PJ, D_SC);
  geSetGejVar(P_GE, PJ);
  feNormalizeVar(P_GE);
  feGetB32(out32.dataStart, P_GE);
  return CryptoError.None;
}

/**
 * BIP-340 signing, for tests and tools: out64 = sign(msg, seckey, aux32). Errors: BadLength,
 * ScalarOverflow, ScalarZero, InvalidDerivedKey (nonce == 0).
 */
export function schnorrSign(out64: Uint8Array, msg: Uint8Array, seckey: Uint8Array, aux32: Uint8Array): CryptoError {
  if (out64.length != 64 || seckey.length != 32 || aux32.length != 32) return CryptoError.BadLength;
  if (scSetB32(D_SC, seckey.dataStart) != 0) return CryptoError.ScalarOverflow;
  if (scIsZero(D_SC)) return CryptoError.ScalarZero;
  ecmultGenConst(PJ, D_SC);
  geSetGejVar(P_GE, PJ);
  feNormalizeVar(P_GE); feNormalizeVar(P_GE + 40);
  scCondNegate(D_SC, feIsOdd(P_GE + 40) ? 1 : 0);
  feGetB32(PX, P_GE);
  // t = bytes(d) xor hash_aux(aux)
  let tAux = tagAux;
  if (tAux == null) tagAux = tAux = new Tag("BIP0340/aux");
  let h = startTagged(tAux);
  h.updatePtr(aux32.dataStart, 32);
  h.digestInto(DIGEST);
  scGetB32(T, D_SC);
  for (let i: usize = 0; i < 32; i++) store<u8>(T + i, load<u8>(T + i) ^ load<u8>(DIGEST.dataStart + i));
  let tNonce = tagNonce;
  if (tNonce == null) tagNonce = tNonce = new Tag("BIP0340/nonce");
  h = startTagged(tNonce);
  h.updatePtr(T, 32); h.updatePtr(PX, 32); h.updatePtr(msg.dataStart, msg.length);
  h.digestInto(DIGEST);
  scSetB32(K_SC, DIGEST.dataStart);
  if (scIsZero(K_SC)) return CryptoError.InvalidDerivedKey;
  ecmultGenConst(RJ, K_SC);
  geSetGejVar(R_GE, RJ);
  feNormalizeVar(R_GE); feNormalizeVar(R_GE + 40);
  scCondNegate(K_SC, feIsOdd(R_GE + 40) ? 1 : 0);
  feGetB32(RX, R_GE);
  h = startTagged(challengeTag());
  h.updatePtr(RX, 32); h.updatePtr(PX, 32); h.updatePtr(msg.dataStart, msg.length);
  h.digestInto(DIGEST);
  scSetB32(E_SC, DIGEST.dataStart);
  scMul(E_SC, E_SC, D_SC);
  scAdd(E_SC, E_SC, K_SC);
  memory.copy(out64.dataStart, RX, 32);
  scGetB32(out64.dataStart + 32, E_SC);
  return CryptoError.None;
}
