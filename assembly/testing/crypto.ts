// Testing module: exposes the crypto layer to the TypeScript differential tests
// (test/differential/crypto.test.ts) and benchmarks (bench/cases/crypto.ts). Batch functions take
// N fixed-size items concatenated in one Uint8Array and return N records of [status byte][payload]
// (status = CryptoError code, 0 = ok), so that a test of 10,000 inputs costs a few calls.
import "./abort";
import { CryptoError } from "../core/crypto/errors";
import {
  GE_SIZE, GEJ_SIZE, Point, ecmultConst, ecmultGenConst, ecmultGenVar, ecmultVar, geDecode, geEncode,
  geSetGejVar, gejAddVar, gejIsInfinity, gejSetGe,
} from "../core/crypto/point";
import { scSetB32 } from "../core/crypto/scalar";
import { hashToCurveBytes, hashToCurveGe } from "../core/crypto/h2c";
import { blindMessage, signBlindedMessage, unblindSignature } from "../core/crypto/bdhke";
import { createDleqProof, dleqHashE, verifyDleqBlindSignature, verifyDleqProof } from "../core/crypto/dleq";
import { schnorrPublicKey, schnorrSign, schnorrVerify } from "../core/crypto/schnorr";
import { Nut13Output, bip39MnemonicToSeed, nut13Derive } from "../core/crypto/nut13";
import { hmacSha512, pbkdf2HmacSha512, sha512 } from "../core/crypto/sha512";
import { sha256 } from "../core/crypto/sha256";

const GA = memory.data(<i32>GE_SIZE);
const GB = memory.data(<i32>GE_SIZE);
const JA = memory.data(<i32>GEJ_SIZE);
const JB = memory.data(<i32>GEJ_SIZE);
const SA = memory.data(32);
const SB = memory.data(32);

function sub(a: Uint8Array, i: i32, size: i32): Uint8Array {
  return a.subarray(i * size, i * size + size);
}

/** Writes status + 33-byte compressed encoding of Jacobian j at out[i*34]. */
function putPoint(out: Uint8Array, i: i32, j: usize): void {
  const o = out.dataStart + <usize>(i * 34);
  if (gejIsInfinity(j)) { store<u8>(o, <u8>CryptoError.Infinity); return; }
  geSetGejVar(GA, j);
  store<u8>(o, <u8>geEncode(o + 1, GA, true));
}

function putStatus(out: Uint8Array, i: i32, stride: i32, e: CryptoError): void {
  store<u8>(out.dataStart + <usize>(i * stride), <u8>e);
}

/** k*G for N scalars (32 bytes each). mode 0: constant time, 1: variable time. Records of 34. */
export function batchMulGen(scalars: Uint8Array, mode: i32): Uint8Array {
  const n = scalars.length / 32;
  const out = new Uint8Array(n * 34);
  for (let i = 0; i < n; i++) {
    if (scSetB32(SA, scalars.dataStart + <usize>(i * 32)) != 0) { putStatus(out, i, 34, CryptoError.ScalarOverflow); continue; }
    if (mode == 0) ecmultGenConst(JA, SA); else ecmultGenVar(JA, SA);
    putPoint(out, i, JA);
  }
  return out;
}

/**
 * k*P for N (33-byte P, 32-byte k). mode 0: constant time (ecmultConst), 1: variable time
 * (ecmultVar). Records of 34.
 */
export function batchMul(points: Uint8Array, scalars: Uint8Array, mode: i32): Uint8Array {
  const n = scalars.length / 32;
  const out = new Uint8Array(n * 34);
  for (let i = 0; i < n; i++) {
    const e = geDecode(GB, points.dataStart + <usize>(i * 33), 33);
    if (e != CryptoError.None) { putStatus(out, i, 34, e); continue; }
    if (scSetB32(SA, scalars.dataStart + <usize>(i * 32)) != 0) { putStatus(out, i, 34, CryptoError.ScalarOverflow); continue; }
    if (mode == 0) {
      ecmultConst(JA, GB, SA);
    } else {
      gejSetGe(JB, GB);
      ecmultVar(JA, 1, JB, SA, 0);
    }
    putPoint(out, i, JA);
  }
  return out;
}

/** a*G + b*P for N (32-byte a, 33-byte P, 32-byte b). Variable time. Records of 34. */
export function batchMulAddGen(a: Uint8Array, points: Uint8Array, b: Uint8Array): Uint8Array {
  const n = a.length / 32;
  const out = new Uint8Array(n * 34);
  for (let i = 0; i < n; i++) {
    const e = geDecode(GB, points.dataStart + <usize>(i * 33), 33);
    if (e != CryptoError.None) { putStatus(out, i, 34, e); continue; }
    if (scSetB32(SA, a.dataStart + <usize>(i * 32)) != 0 || scSetB32(SB, b.dataStart + <usize>(i * 32)) != 0) {
      putStatus(out, i, 34, CryptoError.ScalarOverflow); continue;
    }
    gejSetGe(JB, GB);
    ecmultVar(JA, 1, JB, SB, SA);
    putPoint(out, i, JA);
  }
  return out;
}

/** P + Q for N pairs of 33-byte points. Records of 34 (status Infinity when P = -Q). */
export function batchAdd(p: Uint8Array, q: Uint8Array): Uint8Array {
  const n = p.length / 33;
  const out = new Uint8Array(n * 34);
  for (let i = 0; i < n; i++) {
    let e = geDecode(GA, p.dataStart + <usize>(i * 33), 33);
    if (e == CryptoError.None) e = geDecode(GB, q.dataStart + <usize>(i * 33), 33);
    if (e != CryptoError.None) { putStatus(out, i, 34, e); continue; }
    gejSetGe(JA, GA);
    gejSetGe(JB, GB);
    gejAddVar(JA, JA, JB, 0);
    putPoint(out, i, JA);
  }
  return out;
}

/**
 * Decodes N encodings of itemLen bytes and re-encodes each (compressed when `compressed`).
 * Records of 1 + (33 or 65).
 */
export function batchRecode(data: Uint8Array, itemLen: i32, compressed: bool): Uint8Array {
  if (itemLen <= 0) return new Uint8Array(0);
  const n = data.length / itemLen;
  const stride = compressed ? 34 : 66;
  const out = new Uint8Array(n * stride);
  for (let i = 0; i < n; i++) {
    const o = out.dataStart + <usize>(i * stride);
    let e = geDecode(GA, data.dataStart + <usize>(i * itemLen), itemLen);
    if (e == CryptoError.None) e = geEncode(o + 1, GA, compressed);
    store<u8>(o, <u8>e);
  }
  return out;
}

/** hash_to_curve of N messages of itemLen bytes. Records of 34. */
export function batchHashToCurve(msgs: Uint8Array, itemLen: i32): Uint8Array {
  const n = itemLen <= 0 ? 1 : msgs.length / itemLen;
  if (itemLen < 0) itemLen = 0;
  const out = new Uint8Array(n * 34);
  for (let i = 0; i < n; i++) {
    const o = out.dataStart + <usize>(i * 34);
    let e = hashToCurveGe(GA, msgs.dataStart + <usize>(i * itemLen), itemLen);
    if (e == CryptoError.None) e = geEncode(o + 1, GA, true);
    store<u8>(o, <u8>e);
  }
  return out;
}

/** B_ = hash_to_curve(secret) + r*G for N (secret itemLen bytes, r 32). Records of 34. */
export function batchBlind(secrets: Uint8Array, itemLen: i32, rs: Uint8Array): Uint8Array {
  const n = rs.length / 32;
  const out = new Uint8Array(n * 34);
  const b = new Uint8Array(33);
  for (let i = 0; i < n; i++) {
    const e = blindMessage(b, sub(secrets, i, itemLen), sub(rs, i, 32));
    out[i * 34] = <u8>e;
    if (e == CryptoError.None) memory.copy(out.dataStart + <usize>(i * 34 + 1), b.dataStart, 33);
  }
  return out;
}

/** C = C_ - r*K for N (C_ 33, r 32, K 33). Records of 34. */
export function batchUnblind(blindSigs: Uint8Array, rs: Uint8Array, keys: Uint8Array): Uint8Array {
  const n = rs.length / 32;
  const out = new Uint8Array(n * 34);
  const c = new Uint8Array(33);
  for (let i = 0; i < n; i++) {
    const e = unblindSignature(c, sub(blindSigs, i, 33), sub(rs, i, 32), sub(keys, i, 33));
    out[i * 34] = <u8>e;
    if (e == CryptoError.None) memory.copy(out.dataStart + <usize>(i * 34 + 1), c.dataStart, 33);
  }
  return out;
}

/** C_ = k*B_ for N (k 32, B_ 33). Records of 34. */
export function batchSignBlinded(ks: Uint8Array, blinded: Uint8Array): Uint8Array {
  const n = ks.length / 32;
  const out = new Uint8Array(n * 34);
  const c = new Uint8Array(33);
  for (let i = 0; i < n; i++) {
    const e = signBlindedMessage(c, sub(ks, i, 32), sub(blinded, i, 33));
    out[i * 34] = <u8>e;
    if (e == CryptoError.None) memory.copy(out.dataStart + <usize>(i * 34 + 1), c.dataStart, 33);
  }
  return out;
}

/** Mint-side DLEQ: for N (a 32, B_ 33) records of 1 + C_(33) + e(32) + s(32) = 98. */
export function batchCreateDleq(as: Uint8Array, blinded: Uint8Array): Uint8Array {
  const n = as.length / 32;
  const out = new Uint8Array(n * 98);
  const c = new Uint8Array(33), e = new Uint8Array(32), s = new Uint8Array(32);
  for (let i = 0; i < n; i++) {
    const err = createDleqProof(c, e, s, sub(as, i, 32), sub(blinded, i, 33));
    const o = i * 98;
    out[o] = <u8>err;
    if (err == CryptoError.None) {
      memory.copy(out.dataStart + <usize>(o + 1), c.dataStart, 33);
      memory.copy(out.dataStart + <usize>(o + 34), e.dataStart, 32);
      memory.copy(out.dataStart + <usize>(o + 66), s.dataStart, 32);
    }
  }
  return out;
}

/** DLEQ verification on N BlindSignatures (A, B_, C_ 33 each; e, s 32 each). N status bytes. */
export function batchVerifyDleqBlindSig(A: Uint8Array, B: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array): Uint8Array {
  const n = e.length / 32;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = <u8>verifyDleqBlindSignature(sub(A, i, 33), sub(B, i, 33), sub(C, i, 33), sub(e, i, 32), sub(s, i, 32));
  }
  return out;
}

/** Proof-carried DLEQ verification on N proofs (A, C 33; secret itemLen; e, s, r 32). N statuses. */
export function batchVerifyDleqProof(A: Uint8Array, secrets: Uint8Array, itemLen: i32, C: Uint8Array, e: Uint8Array, s: Uint8Array, r: Uint8Array): Uint8Array {
  const n = e.length / 32;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = <u8>verifyDleqProof(sub(A, i, 33), sub(secrets, i, itemLen), sub(C, i, 33), sub(e, i, 32), sub(s, i, 32), sub(r, i, 32));
  }
  return out;
}

/** BIP-340 verification of N (sig 64, msg 32, x-only key 32). N statuses. */
export function batchSchnorrVerify(sigs: Uint8Array, msgs: Uint8Array, keys: Uint8Array, keyLen: i32): Uint8Array {
  const n = sigs.length / 64;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = <u8>schnorrVerify(sub(sigs, i, 64), sub(msgs, i, 32), sub(keys, i, keyLen));
  return out;
}

/** BIP-340 signing of N (msg 32, seckey 32, aux 32). Records of 1 + 64. */
export function batchSchnorrSign(msgs: Uint8Array, keys: Uint8Array, aux: Uint8Array): Uint8Array {
  const n = keys.length / 32;
  const out = new Uint8Array(n * 65);
  const sig = new Uint8Array(64);
  for (let i = 0; i < n; i++) {
    const e = schnorrSign(sig, sub(msgs, i, 32), sub(keys, i, 32), sub(aux, i, 32));
    out[i * 65] = <u8>e;
    if (e == CryptoError.None) memory.copy(out.dataStart + <usize>(i * 65 + 1), sig.dataStart, 64);
  }
  return out;
}

/** x-only public key: 1 + 32 bytes. */
export function schnorrPubkey(seckey: Uint8Array): Uint8Array {
  const out = new Uint8Array(33);
  const pk = new Uint8Array(32);
  const e = schnorrPublicKey(pk, seckey);
  out[0] = <u8>e;
  if (e == CryptoError.None) memory.copy(out.dataStart + 1, pk.dataStart, 32);
  return out;
}

/** NUT-13 derivation: 1 status byte + secret (32) + r (32). */
export function nut13(seed: Uint8Array, keysetId: Uint8Array, counter: u64): Uint8Array {
  const o = new Nut13Output();
  const e = nut13Derive(o, seed, keysetId, counter);
  const out = new Uint8Array(65);
  out[0] = <u8>e;
  if (e == CryptoError.None) {
    memory.copy(out.dataStart + 1, o.secret.dataStart, 32);
    memory.copy(out.dataStart + 33, o.r.dataStart, 32);
  }
  return out;
}

/** NUT-13 derivation for counters [first, first + count): count records of 65 as nut13(). */
export function nut13Range(seed: Uint8Array, keysetId: Uint8Array, first: u32, count: i32): Uint8Array {
  const out = new Uint8Array(count * 65);
  const o = new Nut13Output();
  for (let i = 0; i < count; i++) {
    const e = nut13Derive(o, seed, keysetId, <u64>(first + <u32>i));
    out[i * 65] = <u8>e;
    if (e == CryptoError.None) {
      memory.copy(out.dataStart + <usize>(i * 65 + 1), o.secret.dataStart, 32);
      memory.copy(out.dataStart + <usize>(i * 65 + 33), o.r.dataStart, 32);
    }
  }
  return out;
}

/** BIP-39 seed of a mnemonic (64 bytes), or an empty array for non-ASCII input. */
export function bip39Seed(mnemonic: string, passphrase: string): Uint8Array {
  const s = bip39MnemonicToSeed(mnemonic, passphrase);
  return s == null ? new Uint8Array(0) : s;
}

export function sha512Bytes(data: Uint8Array): Uint8Array { return sha512(data); }
export function hmacSha512Bytes(key: Uint8Array, data: Uint8Array): Uint8Array { return hmacSha512(key, data); }
export function pbkdf2Sha512(password: Uint8Array, salt: Uint8Array, iterations: i32, dkLen: i32): Uint8Array {
  return pbkdf2HmacSha512(password, salt, iterations, dkLen);
}

/** hash_e of four 33/65-byte points: 1 + 32 bytes. */
export function hashE(r1: Uint8Array, r2: Uint8Array, k: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(33);
  const h = new Uint8Array(32);
  const e = dleqHashE(h, r1, r2, k, c);
  out[0] = <u8>e;
  if (e == CryptoError.None) memory.copy(out.dataStart + 1, h.dataStart, 32);
  return out;
}

/**
 * Feeds arbitrary bytes to every parsing entry point (decode, scalar readers, DLEQ, Schnorr,
 * BDHKE, NUT-13) and returns the status of each; used to check that garbage never traps.
 */
export function garbage(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(9);
  const p = new Point();
  const tmp33 = new Uint8Array(33);
  const len = data.length;
  const a = data.subarray(0, min(len, 33));
  const b = data.subarray(min(len, 33), min(len, 66));
  const c = data.subarray(min(len, 66), min(len, 99));
  const s1 = data.subarray(0, min(len, 32));
  const s2 = data.subarray(min(len, 32), min(len, 64));
  const s3 = data.subarray(min(len, 64), min(len, 96));
  out[0] = <u8>geDecode(GA, data.dataStart, len);
  out[1] = <u8>verifyDleqBlindSignature(a, b, c, s1, s2);
  out[2] = <u8>verifyDleqProof(a, data, b, s1, s2, s3);
  out[3] = <u8>schnorrVerify(data.subarray(0, min(len, 64)), data, data.subarray(min(len, 64)));
  out[4] = <u8>blindMessage(tmp33, data, s1);
  out[5] = <u8>unblindSignature(tmp33, a, s2, b);
  out[6] = <u8>signBlindedMessage(tmp33, s1, b);
  const o = new Nut13Output();
  out[7] = <u8>nut13Derive(o, data, data.subarray(0, min(len, 9)), 0);
  out[8] = <u8>hashToCurveBytes(tmp33, data);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Benchmark helpers: loop inside wasm, return the last status so the work cannot be skipped.

export function benchMulGen(k: Uint8Array, iters: i32, mode: i32): i32 {
  scSetB32(SA, k.dataStart);
  for (let i = 0; i < iters; i++) {
    if (mode == 0) ecmultGenConst(JA, SA); else ecmultGenVar(JA, SA);
  }
  return gejIsInfinity(JA) ? 1 : 0;
}

export function benchMul(point: Uint8Array, k: Uint8Array, iters: i32, mode: i32): i32 {
  geDecode(GB, point.dataStart, point.length);
  scSetB32(SA, k.dataStart);
  gejSetGe(JB, GB);
  for (let i = 0; i < iters; i++) {
    if (mode == 0) ecmultConst(JA, GB, SA); else ecmultVar(JA, 1, JB, SA, 0);
  }
  return gejIsInfinity(JA) ? 1 : 0;
}

export function benchHashToCurve(msg: Uint8Array, iters: i32): i32 {
  let e = CryptoError.None;
  for (let i = 0; i < iters; i++) e = hashToCurveGe(GA, msg.dataStart, msg.length);
  return e;
}

export function benchDleqProof(A: Uint8Array, secret: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array, r: Uint8Array, iters: i32): i32 {
  let st = CryptoError.None;
  for (let i = 0; i < iters; i++) st = verifyDleqProof(A, secret, C, e, s, r);
  return st;
}

export function benchDleqBlindSig(A: Uint8Array, B: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array, iters: i32): i32 {
  let st = CryptoError.None;
  for (let i = 0; i < iters; i++) st = verifyDleqBlindSignature(A, B, C, e, s);
  return st;
}

export function benchSchnorrVerify(sig: Uint8Array, msg: Uint8Array, key: Uint8Array, iters: i32): i32 {
  let st = CryptoError.None;
  for (let i = 0; i < iters; i++) st = schnorrVerify(sig, msg, key);
  return st;
}

export function benchSha256(data: Uint8Array, iters: i32): u8 {
  let h = new Uint8Array(32);
  for (let i = 0; i < iters; i++) h = sha256(data);
  return h[0];
}

export function benchBlind(secret: Uint8Array, r: Uint8Array, iters: i32): i32 {
  const out = new Uint8Array(33);
  let st = CryptoError.None;
  for (let i = 0; i < iters; i++) st = blindMessage(out, secret, r);
  return st;
}

export function benchUnblind(C: Uint8Array, r: Uint8Array, K: Uint8Array, iters: i32): i32 {
  const out = new Uint8Array(33);
  let st = CryptoError.None;
  for (let i = 0; i < iters; i++) st = unblindSignature(out, C, r, K);
  return st;
}
