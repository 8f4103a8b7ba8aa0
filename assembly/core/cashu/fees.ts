// NUT-02 input fees: fee = ceil(sum over proofs of input_fee_ppk of the proof's own keyset / 1000),
// computed in integers with every step checked for u64 overflow, and the gate's admission rule
// sum(amounts) - fee >= price (DESIGN.md money rule 4).

import { FeeError } from "./errors";
import { Keyset, findKeyset } from "./keyset";
import { Token } from "./types";

export class FeeResult {
  error: FeeError = FeeError.None;
  /** The fee in the token's unit, when error is None. */
  fee: u64 = 0;
  /** Sum of per-proof ppk (before rounding), when error is None. */
  ppkSum: u64 = 0;
  /** The keyset id that caused UnknownKeyset. */
  keysetId: string = "";

  get ok(): bool { return this.error == FeeError.None; }
}

/** ceil(ppkSum / 1000) without the overflow of (ppkSum + 999) / 1000. */
export function feeFromPpkSum(ppkSum: u64): u64 {
  return ppkSum / 1000 + (ppkSum % 1000 != 0 ? 1 : 0);
}

/**
 * The mint's input fee for spending every proof of `t`, looking up each group's keyset in
 * `keysets` (exact id: resolve short ids first). UnknownKeyset if one is missing.
 */
export function inputFeeForToken(t: Token, keysets: Array<Keyset>): FeeResult {
  const out = new FeeResult();
  let sum: u64 = 0;
  for (let i = 0; i < t.keysets.length; i++) {
    const g = t.keysets[i];
    const ks = findKeyset(keysets, g.id);
    if (ks == null) {
      out.error = FeeError.UnknownKeyset;
      out.keysetId = g.id;
      return out;
    }
    const n = <u64>g.proofs.length;
    const ppk = ks.inputFeePpk;
    if (n != 0 && ppk > U64.MAX_VALUE / n) {
      out.error = FeeError.Overflow;
      return out;
    }
    const part = ppk * n;
    const next = sum + part;
    if (next < sum) {
      out.error = FeeError.Overflow;
      return out;
    }
    sum = next;
  }
  out.ppkSum = sum;
  out.fee = feeFromPpkSum(sum);
  return out;
}

/** Fee for inputs given as parallel per-input ppk values (e.g. outputs of several keysets). */
export function inputFeeForPpks(ppks: Array<u64>): FeeResult {
  const out = new FeeResult();
  let sum: u64 = 0;
  for (let i = 0; i < ppks.length; i++) {
    const next = sum + ppks[i];
    if (next < sum) {
      out.error = FeeError.Overflow;
      return out;
    }
    sum = next;
  }
  out.ppkSum = sum;
  out.fee = feeFromPpkSum(sum);
  return out;
}

export class NetResult {
  error: FeeError = FeeError.None;
  /** amount - fee, when error is None. */
  net: u64 = 0;
}

/** amount - fee, or FeeExceedsAmount. */
export function amountAfterFee(amount: u64, fee: u64): NetResult {
  const out = new NetResult();
  if (fee > amount) {
    out.error = FeeError.FeeExceedsAmount;
    return out;
  }
  out.net = amount - fee;
  return out;
}

/** The admission rule: amount - fee >= price, with no overflow or underflow. */
export function coversPrice(amount: u64, fee: u64, price: u64): bool {
  return fee <= amount && amount - fee >= price;
}
