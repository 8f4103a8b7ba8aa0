// The outputs of a swap: the operator's earnings (deterministic, P2PK-locked; see docs/earnings.md)
// and the payer's change (random secrets, returned as a token). Pure: counters and random bytes
// come in as values.
import { blindMessage, unblindSignature } from "../core/crypto/bdhke";
import { CryptoError } from "../core/crypto/errors";
import { Nut13Output, nut13DeriveHmac } from "../core/crypto/nut13";
import { fromHex, toHex } from "../core/encoding/hex";
import { Keyset } from "../core/cashu/keyset";
import { BlindSignature } from "./mint-api";

export const enum OutputKind { Earnings = 0, Change = 1 }

/** One planned output and what is needed to unblind its signature later. */
export class PlannedOutput {
  kind: OutputKind = OutputKind.Earnings;
  amount: u64 = 0;
  /** Earnings: the derivation counter (lane * 2^32 + n). */
  counter: u64 = 0;
  secret: string = "";
  r: Uint8Array = new Uint8Array(32);
  B_: Uint8Array = new Uint8Array(33);
}

/** The P2PK secret of an earnings output: the exact string the collector rebuilds. */
export function earningsSecret(nonce: Uint8Array, lockPubkeyHex: string): string {
  return "[\"P2PK\",{\"nonce\":\"" + toHex(nonce) + "\",\"data\":\"" + lockPubkeyHex + "\"}]";
}

const derived = new Nut13Output();

/** The earnings output for `counter` in keyset `keysetId`, or null if derivation fails. */
export function earningsOutput(seed: Uint8Array, keysetId: string, counter: u64, lockPubkeyHex: string, amount: u64): PlannedOutput | null {
  const kid = fromHex(keysetId);
  if (kid == null) return null;
  if (nut13DeriveHmac(derived, seed, kid, counter) != CryptoError.None) return null;
  const o = new PlannedOutput();
  o.kind = OutputKind.Earnings;
  o.amount = amount;
  o.counter = counter;
  o.secret = earningsSecret(derived.secret, lockPubkeyHex);
  o.r.set(derived.r);
  if (blindMessage(o.B_, Uint8Array.wrap(String.UTF8.encode(o.secret)), o.r) != CryptoError.None) return null;
  return o;
}

/**
 * A change output for the payer from 64 random bytes (32 for the secret, 32 for r). Returns null
 * in the negligible case that r is not a valid scalar; the caller draws again.
 */
export function changeOutput(random64: Uint8Array, amount: u64): PlannedOutput | null {
  const o = new PlannedOutput();
  o.kind = OutputKind.Change;
  o.amount = amount;
  o.secret = toHex(random64.subarray(0, 32));
  o.r.set(random64.subarray(32, 64));
  if (blindMessage(o.B_, Uint8Array.wrap(String.UTF8.encode(o.secret)), o.r) != CryptoError.None) return null;
  return o;
}

/** C = C_ - r*K for a change output; null when the signature or key is unusable. */
export function unblind(o: PlannedOutput, sig: BlindSignature, keyset: Keyset): Uint8Array | null {
  const K = keyset.keyFor(sig.amount);
  if (K == null) return null;
  const C_ = fromHex(sig.C_);
  if (C_ == null) return null;
  const C = new Uint8Array(33);
  if (unblindSignature(C, C_, o.r, K) != CryptoError.None) return null;
  return C;
}
