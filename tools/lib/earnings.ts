// The earnings derivation, as the operator's side computes it (independently of the filter's
// AssemblyScript code, with @noble/* and cashu-ts). See docs/earnings.md.
//
// Every output the gate asks the mint to sign for the operator is deterministic:
//   counter  c = lane * 2^32 + n                       (u64; n counts up per keyset and lane)
//   secret, r  = NUT-13 HMAC-SHA256 KDF(seed, keyset_id, c)   (used for every keyset version)
//   secret str = ["P2PK",{"nonce":"<hex(secret)>","data":"<operator pubkey hex>"}]
//   B_         = hash_to_curve(secret str) + r*G
// so an operator who knows the seed can rebuild every B_ and ask the mint (NUT-09 restore) for the
// signatures, even if the proxy died right after the mint answered; and only the operator's
// private key can spend them (P2PK lock), so the seed the gate holds cannot.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hashToCurve } from "@cashu/cashu-ts";

const N = secp256k1.Point.Fn.ORDER;
const KDF_DOMAIN = new TextEncoder().encode("Cashu_KDF_HMAC_SHA256");

export function laneCounter(lane: number, n: bigint): bigint {
  return (BigInt(lane) << 32n) + n;
}

export function kdf(seed: Uint8Array, keysetId: string, counter: bigint): { secret: Uint8Array; r: bigint } {
  const kid = Buffer.from(keysetId, "hex");
  const ctr = new Uint8Array(8);
  new DataView(ctr.buffer).setBigUint64(0, counter, false);
  const msg = (t: number) => new Uint8Array([...KDF_DOMAIN, ...kid, ...ctr, t]);
  const secret = hmac(sha256, seed, msg(0));
  const r = BigInt("0x" + Buffer.from(hmac(sha256, seed, msg(1))).toString("hex")) % N;
  if (r === 0n) throw new Error("derived r == 0");
  return { secret, r };
}

export function earningsSecret(nonce: Uint8Array, lockPubkeyHex: string): string {
  return `["P2PK",{"nonce":"${Buffer.from(nonce).toString("hex")}","data":"${lockPubkeyHex}"}]`;
}

export interface DerivedOutput {
  counter: bigint;
  secret: string;
  r: bigint;
  B_: string;
}

export function deriveOutput(seed: Uint8Array, keysetId: string, counter: bigint, lockPubkeyHex: string): DerivedOutput {
  const { secret: nonce, r } = kdf(seed, keysetId, counter);
  const secret = earningsSecret(nonce, lockPubkeyHex);
  const Y = hashToCurve(new TextEncoder().encode(secret));
  const B = Y.add(secp256k1.Point.BASE.multiply(r));
  return { counter, secret, r, B_: B.toHex(true) };
}
