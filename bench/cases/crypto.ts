// secp256k1 / Cashu crypto: AssemblyScript (build/testing/crypto.wasm) vs @noble/curves and
// @cashu/cashu-ts doing the same operation. Each wasm case loops inside wasm (bench* exports).
// The noble DLEQ baseline uses noble's fastest public-data routines (multiplyUnsafe,
// mulAddUnsafe), i.e. the same math the AssemblyScript verifier does.
import { secp256k1, schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { blindMessage, hashToCurve, unblindSignature } from "@cashu/cashu-ts";
import type { BenchCase } from "../harness.ts";

const Point = secp256k1.Point;
const Fn = Point.Fn;
const G = Point.BASE;
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const toBig = (b: Uint8Array) => BigInt("0x" + Buffer.from(b).toString("hex"));
const utf8 = (s: string) => new TextEncoder().encode(s);
const hashE = (pts: Array<InstanceType<typeof Point>>) => sha256(utf8(pts.map((p) => p.toHex(false)).join("")));

/** NUT-12 verification of a proof-carried DLEQ with @noble/curves, the same math as the wasm. */
function nobleVerifyDleqProof(A: Uint8Array, secret: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array, r: Uint8Array): boolean {
  const Ap = Point.fromBytes(A), Cp = Point.fromBytes(C);
  const ee = Fn.fromBytes(e), ss = Fn.fromBytes(s), rr = Fn.fromBytes(r);
  const Y = hashToCurve(secret);
  const Cb = Cp.add(Ap.multiplyUnsafe(rr));
  const Bb = Y.add(G.multiplyUnsafe(rr));
  const R1 = G.mulAddUnsafe(ss, Ap, Fn.neg(ee));
  const R2 = Bb.mulAddUnsafe(ss, Cb, Fn.neg(ee));
  return toBig(hashE([R1, R2, Ap, Cb])) === ee;
}

/** NUT-12 verification on a BlindSignature with @noble/curves. */
function nobleVerifyDleqBlindSig(A: Uint8Array, B: Uint8Array, C: Uint8Array, e: Uint8Array, s: Uint8Array): boolean {
  const Ap = Point.fromBytes(A), Bp = Point.fromBytes(B), Cp = Point.fromBytes(C);
  const ee = Fn.fromBytes(e), ss = Fn.fromBytes(s);
  const R1 = G.mulAddUnsafe(ss, Ap, Fn.neg(ee));
  const R2 = Bp.mulAddUnsafe(ss, Cp, Fn.neg(ee));
  return toBig(hashE([R1, R2, Ap, Cp])) === ee;
}

export async function cases(): Promise<BenchCase[]> {
  const m = await import("../../build/testing/crypto.js");
  // NUT-12 official vectors.
  const A = fromHex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  const secret = utf8("daf4dd00a2b68a0858a80450f52c8a7d2ccf87d375e43e216e0c571f089f63e9");
  const C = fromHex("024369d2d22a80ecf78f3937da9d5f30c1b9f74f0c32684d583cca0fa6a61cdcfc");
  const e = fromHex("b31e58ac6527f34975ffab13e70a48b6d2b0d35abc4b03f0151f09ee1a9763d4");
  const s = fromHex("8fbae004c59e754d71df67e392b6ae4e29293113ddc2ec86592a0431d16306d8");
  const r = fromHex("a6d13fcd7a18442e6076f5e1e7c887ad5de40a019824bdfa9fe740d302e8d861");
  const bsB = fromHex("02a9acc1e48c25eeeb9289b5031cc57da9fe72f3fe2861d264bdc074209b107ba2");
  const bsE = fromHex("9818e061ee51d5c8edc3342369a554998ff7b4381c8652d724cdf46429be73d9");
  const bsS = fromHex("9818e061ee51d5c8edc3342369a554998ff7b4381c8652d724cdf46429be73da");
  if (m.benchDleqProof(A, secret, C, e, s, r, 1) !== 0 || !nobleVerifyDleqProof(A, secret, C, e, s, r)) throw new Error("bench: DLEQ (Proof) vector does not verify");
  if (m.benchDleqBlindSig(A, bsB, bsB, bsE, bsS, 1) !== 0 || !nobleVerifyDleqBlindSig(A, bsB, bsB, bsE, bsS)) throw new Error("bench: DLEQ (BlindSignature) vector does not verify");

  const k = fromHex("a6d13fcd7a18442e6076f5e1e7c887ad5de40a019824bdfa9fe740d302e8d861");
  const kBig = toBig(k);
  const P = G.multiply(0x1234567890abcdefn);
  const Pbytes = P.toBytes(true);
  // BIP-340 vector 1 (bitcoin/bips).
  const sig = fromHex("6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a");
  const msg = fromHex("243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89");
  const pk = fromHex("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659");
  if (m.benchSchnorrVerify(sig, msg, pk, 1) !== 0 || !schnorr.verify(sig, msg, pk)) throw new Error("bench: BIP-340 vector does not verify");

  const loop = (f: () => unknown) => (n: number) => { for (let i = 0; i < n; i++) f(); };
  return [
    {
      name: "secp256k1 k*G, constant time",
      wasm: (n) => { m.benchMulGen(k, n, 0); },
      js: loop(() => G.multiply(kBig)),
      jsName: "@noble/curves multiply",
    },
    {
      name: "secp256k1 k*G, variable time",
      wasm: (n) => { m.benchMulGen(k, n, 1); },
      js: loop(() => G.multiplyUnsafe(kBig)),
      jsName: "@noble/curves multiplyUnsafe",
    },
    {
      name: "secp256k1 k*P, constant time",
      wasm: (n) => { m.benchMul(Pbytes, k, n, 0); },
      js: loop(() => P.multiply(kBig)),
      jsName: "@noble/curves multiply",
    },
    {
      name: "secp256k1 k*P, variable time",
      wasm: (n) => { m.benchMul(Pbytes, k, n, 1); },
      js: loop(() => P.multiplyUnsafe(kBig)),
      jsName: "@noble/curves multiplyUnsafe",
    },
    {
      name: "hash_to_curve (NUT-00), 64-byte secret",
      wasm: (n) => { m.benchHashToCurve(secret, n); },
      js: loop(() => hashToCurve(secret)),
      jsName: "@cashu/cashu-ts hashToCurve",
    },
    {
      name: "blind B_ = Y + r*G (NUT-00)",
      wasm: (n) => { m.benchBlind(secret, r, n); },
      js: loop(() => blindMessage(secret, kBig)),
      jsName: "@cashu/cashu-ts blindMessage",
    },
    {
      name: "unblind C = C_ - r*K (NUT-00)",
      wasm: (n) => { m.benchUnblind(C, r, A, n); },
      js: loop(() => unblindSignature(Point.fromBytes(C), kBig, Point.fromBytes(A))),
      jsName: "@cashu/cashu-ts unblindSignature",
    },
    {
      name: "DLEQ verify per Proof (NUT-12, e/s/r)",
      wasm: (n) => { m.benchDleqProof(A, secret, C, e, s, r, n); },
      js: loop(() => nobleVerifyDleqProof(A, secret, C, e, s, r)),
      jsName: "@noble/curves (same math)",
      maxNs: 300_000,
      minSpeedup: 5,
    },
    {
      name: "DLEQ verify per BlindSignature (NUT-12, e/s)",
      wasm: (n) => { m.benchDleqBlindSig(A, bsB, bsB, bsE, bsS, n); },
      js: loop(() => nobleVerifyDleqBlindSig(A, bsB, bsB, bsE, bsS)),
      jsName: "@noble/curves (same math)",
      maxNs: 300_000,
      minSpeedup: 5,
    },
    {
      name: "BIP-340 Schnorr verify (NUT-11)",
      wasm: (n) => { m.benchSchnorrVerify(sig, msg, pk, n); },
      js: loop(() => schnorr.verify(sig, msg, pk)),
      jsName: "@noble/curves schnorr.verify",
    },
  ];
}
