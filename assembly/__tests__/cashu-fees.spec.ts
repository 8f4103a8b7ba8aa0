import { amountAfterFee, coversPrice, feeFromPpkSum, inputFeeForPpks, inputFeeForToken } from "../core/cashu/fees";
import {
  isPowerOfTwo, splitForKeyset, splitPaymentAndChange, splitPowersOfTwo, validateAmount, validatePowerOfTwo,
} from "../core/cashu/amounts";
import { AmountError, FeeError } from "../core/cashu/errors";
import { Keyset } from "../core/cashu/keyset";
import { KeysetProofs, Proof, Token } from "../core/cashu/types";

function keyset(id: string, ppk: u64): Keyset {
  const k = new Keyset();
  k.id = id;
  k.inputFeePpk = ppk;
  return k;
}

function token(groups: Array<string>, counts: Array<i32>): Token {
  const t = new Token();
  for (let i = 0; i < groups.length; i++) {
    const g = new KeysetProofs(groups[i]);
    for (let k = 0; k < counts[i]; k++) {
      const p = new Proof();
      p.amount = 1;
      g.proofs.push(p);
      t.proofCount++;
    }
    t.keysets.push(g);
  }
  return t;
}

const A = "00aaaaaaaaaaaaaa";
const B = "01" + "bb".repeat(32);

function pow2Keyset(): Array<u64> {
  const a = new Array<u64>();
  for (let i = 0; i < 64; i++) a.push((<u64>1) << <u64>i);
  return a;
}

describe("NUT-02 input fees", () => {
  it("follows the spec's example: 100 ppk per input, 1-10 inputs cost 1, 11-20 cost 2", () => {
    const ks = [keyset(A, 100)];
    expect<u64>(inputFeeForToken(token([A], [3]), ks).fee).toBe(1);
    expect<u64>(inputFeeForToken(token([A], [10]), ks).fee).toBe(1);
    expect<u64>(inputFeeForToken(token([A], [11]), ks).fee).toBe(2);
    expect<u64>(inputFeeForToken(token([A], [20]), ks).fee).toBe(2);
    expect<u64>(inputFeeForToken(token([A], [21]), ks).fee).toBe(3);
  });

  it("charges each proof its own keyset's fee, rounding the sum once", () => {
    const ks = [keyset(A, 100), keyset(B, 450)];
    const r = inputFeeForToken(token([A, B], [3, 2]), ks);
    expect<u64>(r.ppkSum).toBe(1200);
    expect<u64>(r.fee).toBe(2);
    expect<u64>(inputFeeForToken(token([A], [5]), [keyset(A, 0)]).fee).toBe(0);
    expect<u64>(feeFromPpkSum(1000)).toBe(1);
    expect<u64>(feeFromPpkSum(1001)).toBe(2);
    expect<u64>(feeFromPpkSum(U64.MAX_VALUE)).toBe(U64.MAX_VALUE / 1000 + 1);
  });

  it("names unknown keysets and overflow", () => {
    const r = inputFeeForToken(token([A, B], [1, 1]), [keyset(A, 1)]);
    expect<i32>(r.error).toBe(FeeError.UnknownKeyset);
    expect(r.keysetId).toBe(B);
    expect<i32>(inputFeeForToken(token([A], [2]), [keyset(A, U64.MAX_VALUE)]).error).toBe(FeeError.Overflow);
    expect<i32>(inputFeeForToken(token([A, B], [1, 1]), [keyset(A, U64.MAX_VALUE), keyset(B, 1)]).error).toBe(FeeError.Overflow);
    expect<i32>(inputFeeForPpks([U64.MAX_VALUE, 1]).error).toBe(FeeError.Overflow);
    expect<u64>(inputFeeForPpks([100, 100, 100]).fee).toBe(1);
  });

  it("admits only when amount - fee >= price, without underflow", () => {
    expect(coversPrice(10, 1, 9)).toBe(true);
    expect(coversPrice(10, 1, 10)).toBe(false);
    expect(coversPrice(1, 5, 0)).toBe(false);
    expect(coversPrice(U64.MAX_VALUE, 0, U64.MAX_VALUE)).toBe(true);
    expect<i32>(amountAfterFee(3, 4).error).toBe(FeeError.FeeExceedsAmount);
    expect<u64>(amountAfterFee(7, 4).net).toBe(3);
  });
});

describe("amount splits", () => {
  it("splits into powers of two, largest first", () => {
    expect(splitPowersOfTwo(13).join(",")).toBe("8,4,1");
    expect(splitPowersOfTwo(0).length).toBe(0);
    expect(splitPowersOfTwo(U64.MAX_VALUE).length).toBe(64);
    expect(isPowerOfTwo(1)).toBe(true);
    expect(isPowerOfTwo(0)).toBe(false);
    expect(isPowerOfTwo(6)).toBe(false);
    expect(isPowerOfTwo((<u64>1) << 63)).toBe(true);
    expect<i32>(validatePowerOfTwo(6)).toBe(AmountError.NotPowerOfTwo);
    expect<i32>(validatePowerOfTwo(0)).toBe(AmountError.Zero);
  });

  it("splits with a keyset's denominations and caps the outputs", () => {
    const ks = pow2Keyset();
    expect(splitForKeyset(1000, ks).amounts.join(",")).toBe("512,256,128,64,32,8");
    const small: Array<u64> = [1, 2, 4];
    expect(splitForKeyset(13, small).amounts.join(",")).toBe("4,4,4,1");
    expect<i32>(splitForKeyset(1000, small).error).toBe(AmountError.TooManyOutputs);
    expect<i32>(splitForKeyset(U64.MAX_VALUE, [1]).error).toBe(AmountError.TooManyOutputs);
    expect<i32>(splitForKeyset(3, [2]).error).toBe(AmountError.Unsplittable);
    expect<i32>(splitForKeyset(0, ks).error).toBe(AmountError.Zero);
    expect<i32>(splitForKeyset(7, ks, 2).error).toBe(AmountError.TooManyOutputs);
  });

  it("splits a swap into the operator's part and the payer's change", () => {
    const ks = pow2Keyset();
    const s = splitPaymentAndChange(100, 1, 21, ks);
    expect<i32>(s.error).toBe(AmountError.None);
    expect(s.payment.join(",")).toBe("16,4,1");
    expect(s.change.join(",")).toBe("64,8,4,2");
    expect<u64>(s.changeAmount).toBe(78);
    const exact = splitPaymentAndChange(22, 1, 21, ks);
    expect(exact.change.length).toBe(0);
    expect<i32>(splitPaymentAndChange(21, 1, 21, ks).error).toBe(AmountError.Insufficient);
    expect<i32>(splitPaymentAndChange(0, 1, 0, ks).error).toBe(AmountError.Insufficient);
  });

  it("validates amounts against a keyset", () => {
    const ks: Array<u64> = [1, 2, 4, 8];
    expect<i32>(validateAmount(4, ks)).toBe(AmountError.None);
    expect<i32>(validateAmount(16, ks)).toBe(AmountError.NotInKeyset);
    expect<i32>(validateAmount(3, ks)).toBe(AmountError.NotInKeyset);
    expect<i32>(validateAmount(0, ks)).toBe(AmountError.Zero);
  });
});
