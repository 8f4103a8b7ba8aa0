// Amounts of outputs (blinded messages) the gate asks a mint to sign: splitting an amount into the
// keyset's denominations and validating amounts against a keyset.
//
// With the usual power-of-two keysets the greedy split (largest denomination first) is the split
// with the fewest outputs: it is the binary decomposition. For a keyset with other denominations
// greedy may fail where another split exists; such keysets are not in use, and the failure is a
// named error (Unsplittable) rather than a wrong split.

import { AmountError } from "./errors";
import { coversPrice } from "./fees";

export class SplitResult {
  error: AmountError = AmountError.None;
  /** Output amounts, largest first, when error is None. */
  amounts: Array<u64> = [];

  get ok(): bool { return this.error == AmountError.None; }
}

/** Default cap on outputs per split (one per bit of a u64). */
export const MAX_SPLIT_OUTPUTS: i32 = 64;

/** True for 1, 2, 4, … 2^63. */
export function isPowerOfTwo(a: u64): bool {
  return a != 0 && (a & (a - 1)) == 0;
}

/** The binary decomposition of `amount`, largest first (the fewest power-of-two outputs). */
export function splitPowersOfTwo(amount: u64): Array<u64> {
  const out = new Array<u64>(<i32>popcnt<u64>(amount));
  let k = 0;
  for (let bit = 63; bit >= 0; bit--) {
    const v = (<u64>1) << <u64>bit;
    if ((amount & v) != 0) out[k++] = v;
  }
  return out;
}

/**
 * Splits `amount` into denominations of a keyset (`keysetAmounts`, ascending as Keyset.amounts
 * keeps them), greedily from the largest, using at most `maxOutputs` outputs. Zero is refused.
 */
export function splitForKeyset(amount: u64, keysetAmounts: Array<u64>, maxOutputs: i32 = MAX_SPLIT_OUTPUTS): SplitResult {
  const out = new SplitResult();
  if (amount == 0) {
    out.error = AmountError.Zero;
    return out;
  }
  let rest = amount;
  const parts = new Array<u64>();
  for (let i = keysetAmounts.length - 1; i >= 0 && rest > 0; i--) {
    const d = keysetAmounts[i];
    if (d == 0 || d > rest) continue;
    const n = rest / d;
    if (n > <u64>(maxOutputs - parts.length)) {
      out.error = AmountError.TooManyOutputs;
      return out;
    }
    for (let k: u64 = 0; k < n; k++) parts.push(d);
    rest -= n * d;
  }
  if (rest != 0) {
    out.error = AmountError.Unsplittable;
    return out;
  }
  out.amounts = parts;
  return out;
}

/** A swap's outputs: the part the operator keeps and the change returned to the payer. */
export class PaymentSplit {
  error: AmountError = AmountError.None;
  /** Outputs worth `price` (largest first). */
  payment: Array<u64> = [];
  /** Outputs worth inputs - fee - price (largest first; empty when exact). */
  change: Array<u64> = [];
  changeAmount: u64 = 0;

  get ok(): bool { return this.error == AmountError.None; }
}

/**
 * Splits a swap of proofs worth `inputs` (fee `fee`) into outputs for `price` and for the change,
 * each with the fewest denominations of the keyset. Insufficient when inputs - fee < price.
 * The two sets stay separate so the change can be blinded for (and returned to) the payer.
 */
export function splitPaymentAndChange(inputs: u64, fee: u64, price: u64, keysetAmounts: Array<u64>, maxOutputs: i32 = MAX_SPLIT_OUTPUTS): PaymentSplit {
  const out = new PaymentSplit();
  if (!coversPrice(inputs, fee, price)) {
    out.error = AmountError.Insufficient;
    return out;
  }
  const change = inputs - fee - price;
  if (price > 0) {
    const p = splitForKeyset(price, keysetAmounts, maxOutputs);
    if (!p.ok) {
      out.error = p.error;
      return out;
    }
    out.payment = p.amounts;
  }
  if (change > 0) {
    const c = splitForKeyset(change, keysetAmounts, maxOutputs - out.payment.length);
    if (!c.ok) {
      out.error = c.error;
      return out;
    }
    out.change = c.amounts;
  }
  out.changeAmount = change;
  return out;
}

/** None when `amount` is positive and the keyset (ascending amounts) has a key for it. */
export function validateAmount(amount: u64, keysetAmounts: Array<u64>): AmountError {
  if (amount == 0) return AmountError.Zero;
  let lo = 0;
  let hi = keysetAmounts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = keysetAmounts[mid];
    if (v == amount) return AmountError.None;
    if (v < amount) lo = mid + 1;
    else hi = mid - 1;
  }
  return AmountError.NotInKeyset;
}

/** None when `amount` is a power of two (the denominations every current mint uses). */
export function validatePowerOfTwo(amount: u64): AmountError {
  if (amount == 0) return AmountError.Zero;
  return isPowerOfTwo(amount) ? AmountError.None : AmountError.NotPowerOfTwo;
}
