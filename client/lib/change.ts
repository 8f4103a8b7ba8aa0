// Token-derived change (docs/earnings.md "Change and lost answers"): the gate derives its change outputs from the
// paying token, so whoever holds the token can restore the change at the mint (NUT-09) even when the
// gate's answer never arrived.
//
//   S = SHA-256( "paygress-change-v1" || for each proof, sorted by secret (bytewise, UTF-8):
//                 UTF-8(secret) || 0x00 )
//   change output i = NUT-13 derivation for the output keyset's id version with seed S, counter i
//
// The restore itself is cashu-ts's own: a Wallet constructed with bip39seed = S restores counters
// 0..63 of each keyset of the unit (test/unit/client-change.test.ts checks that cashu-ts derives
// byte for byte what an independent implementation of the rule above derives).
import { sha256 } from "@noble/hashes/sha2.js";
import { Wallet, type Proof } from "@cashu/cashu-ts";

const DOMAIN = new TextEncoder().encode("paygress-change-v1");
/** How many change outputs the gate can have made (the change split of one payment). */
export const CHANGE_OUTPUTS = 64;

export function changeSeed(proofs: ReadonlyArray<{ secret: string }>): Uint8Array {
  const enc = new TextEncoder();
  const secrets = proofs.map((p) => enc.encode(p.secret)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const h = sha256.create();
  h.update(DOMAIN);
  for (const s of secrets) {
    h.update(s);
    h.update(new Uint8Array([0]));
  }
  return h.digest();
}

/**
 * The change the gate made for the token `proofs`, restored from the mint, UNSPENT ones only.
 * `connect` gives a loaded cashu-ts Wallet for the mint with the given seed (so the caller decides
 * about caching mint info and keys).
 */
export async function restoreTokenChange(
  connect: (seed: Uint8Array) => Promise<Wallet>,
  proofs: ReadonlyArray<{ secret: string }>,
): Promise<Proof[]> {
  const w = await connect(changeSeed(proofs));
  const keysets = w.keyChain.getKeysets().filter((k) => k.unit === w.unit && k.hasHexId);
  keysets.sort((a, b) => Number(b.isActive) - Number(a.isActive));
  const found: Proof[] = [];
  for (const ks of keysets) {
    const r = await w.restore(0, CHANGE_OUTPUTS, { keysetId: ks.id });
    found.push(...r.proofs);
    // Change is made on one keyset (the active one at the time of the swap): stop at the first hit.
    if (r.proofs.length > 0) break;
  }
  if (found.length === 0) return [];
  const states = await w.checkProofsStates(found);
  return found.filter((_, i) => String(states[i]?.state) === "UNSPENT");
}
