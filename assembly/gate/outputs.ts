// The outputs of a swap: the operator's earnings (deterministic from the operator's seed,
// P2PK-locked; see docs/earnings.md) and the payer's change (deterministic from the paying token,
// so whoever holds the token can restore it with NUT-09 even if the answer never arrived). Pure:
// counters and seeds come in as values.
import { blindMessage, unblindSignature } from "../core/crypto/bdhke";
import { verifyDleqBlindSignature } from "../core/crypto/dleq";
import { CryptoError } from "../core/crypto/errors";
import { Nut13Output, nut13Derive, nut13DeriveHmac } from "../core/crypto/nut13";
import { Sha256 } from "../core/crypto/sha256";
import { fromHex, toHex } from "../core/encoding/hex";
import { Keyset } from "../core/cashu/keyset";
import { Token } from "../core/cashu/types";
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

const CHANGE_DOMAIN = "paygress-change-v1";
const PAYMENT_DOMAIN = "paygress-payment-v1";

/**
 * The change seed of a token (docs/protocol.md "Token-derived change"):
 *   S = SHA-256("paygress-change-v1" || for each proof, sorted by the UTF-8 bytes of its secret:
 *               UTF-8(secret) || 0x00)
 * Anyone holding the token can compute it; nobody else can (the secrets are the token).
 */
export function changeSeed(t: Token): Uint8Array {
  const proofs = t.allProofs();
  const secrets = new Array<Uint8Array>(proofs.length);
  for (let i = 0; i < proofs.length; i++) secrets[i] = Uint8Array.wrap(String.UTF8.encode(proofs[i].secret));
  secrets.sort(compareBytes);
  const h = new Sha256();
  h.update(Uint8Array.wrap(String.UTF8.encode(CHANGE_DOMAIN)));
  const zero = new Uint8Array(1);
  for (let i = 0; i < secrets.length; i++) {
    h.update(secrets[i]);
    h.update(zero);
  }
  return h.digest();
}

/** The payment id of a token (the key of its payment record): SHA-256("paygress-payment-v1" || S). */
export function paymentId(changeSeed: Uint8Array): Uint8Array {
  const h = new Sha256();
  h.update(Uint8Array.wrap(String.UTF8.encode(PAYMENT_DOMAIN)));
  h.update(changeSeed);
  return h.digest();
}

function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = <i32>a[i] - <i32>b[i];
    if (d != 0) return d;
  }
  return a.length - b.length;
}

/**
 * Change output `index` of a payment: NUT-13 (the derivation of the keyset id's version) with the
 * change seed as seed and `index` as counter; the secret is the hex of the derived bytes, as NUT-13
 * wallets make it. Null if derivation fails (negligible probability; the payment is refused).
 */
export function changeOutput(seed: Uint8Array, keysetId: string, index: u64, amount: u64): PlannedOutput | null {
  const kid = fromHex(keysetId);
  if (kid == null) return null;
  if (nut13Derive(derived, seed, kid, index) != CryptoError.None) return null;
  const o = new PlannedOutput();
  o.kind = OutputKind.Change;
  o.amount = amount;
  o.counter = index;
  o.secret = toHex(derived.secret);
  o.r.set(derived.r);
  if (blindMessage(o.B_, Uint8Array.wrap(String.UTF8.encode(o.secret)), o.r) != CryptoError.None) return null;
  return o;
}

/**
 * Checks the mint's signature on output `o` before the gate relies on it: the amount and keyset it
 * was asked for, and the NUT-12 DLEQ proof when the mint sent one. Returns an empty string when it
 * holds, else what is wrong.
 */
export function checkSignature(o: PlannedOutput, sig: BlindSignature, keyset: Keyset): string {
  if (sig.amount != o.amount) return "signed amount " + sig.amount.toString() + " instead of " + o.amount.toString();
  if (sig.keysetId != keyset.id) return "signed with keyset " + sig.keysetId + " instead of " + keyset.id;
  if (sig.dleqE.length > 0) {
    const K = keyset.keyFor(sig.amount);
    const C_ = fromHex(sig.C_);
    const e = fromHex(sig.dleqE);
    const s = fromHex(sig.dleqS);
    if (K == null || C_ == null || e == null || s == null) return "unusable signature";
    if (verifyDleqBlindSignature(K, o.B_, C_, e, s) != CryptoError.None) return "DLEQ proof does not verify";
  }
  return "";
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
