import { Bech32Error, Bech32Variant, bech32Check, bech32Decode, bech32Encode } from "../core/encoding/bech32m";
import { fromHex, toHex } from "../core/encoding/hex";

function check(s: string, v: Bech32Variant, max: i32 = 90): Bech32Error {
  return bech32Check(s, v, max).error;
}

describe("bech32m (BIP-350 test vectors)", () => {
  it("accepts the valid strings", () => {
    const valid = [
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
    ];
    for (let i = 0; i < valid.length; i++) expect<i32>(check(valid[i], Bech32Variant.Bech32m)).toBe(Bech32Error.None);
  });

  it("rejects the invalid strings with the right error", () => {
    expect<i32>(check("\x201xj0phk", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("\x7f1g6xzxy", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("\x801vctc34", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", Bech32Variant.Bech32m)).toBe(Bech32Error.TooLong);
    expect<i32>(check("qyrz8wqd2c9m", Bech32Variant.Bech32m)).toBe(Bech32Error.NoSeparator);
    expect<i32>(check("1qyrz8wqd2c9m", Bech32Variant.Bech32m)).toBe(Bech32Error.NoSeparator);
    expect<i32>(check("y1b0jsk6g", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("lt1igcx5c0", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("in1muywd", Bech32Variant.Bech32m)).toBe(Bech32Error.TooShort);
    expect<i32>(check("mm1crxm3i", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("au1s5cgom", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChar);
    expect<i32>(check("M1VUXWEZ", Bech32Variant.Bech32m)).toBe(Bech32Error.BadChecksum);
    expect<i32>(check("16plkw9", Bech32Variant.Bech32m)).toBe(Bech32Error.TooShort);
    expect<i32>(check("1p2gdwpf", Bech32Variant.Bech32m)).toBe(Bech32Error.NoSeparator);
  });

  it("tells bech32 and bech32m checksums apart", () => {
    // BIP-173 valid bech32 strings are WrongVariant as bech32m, and vice versa.
    expect<i32>(check("A12UEL5L", Bech32Variant.Bech32)).toBe(Bech32Error.None);
    expect<i32>(check("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", Bech32Variant.Bech32)).toBe(Bech32Error.None);
    expect<i32>(check("A12UEL5L", Bech32Variant.Bech32m)).toBe(Bech32Error.WrongVariant);
    expect<i32>(check("A1LQFN3A", Bech32Variant.Bech32)).toBe(Bech32Error.WrongVariant);
  });

  it("rejects mixed case", () => {
    expect<i32>(check("A1lqfn3a", Bech32Variant.Bech32m)).toBe(Bech32Error.MixedCase);
  });
});

describe("bech32 payloads", () => {
  it("decodes an npub (NIP-19 example)", () => {
    const r = bech32Decode("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6", Bech32Variant.Bech32);
    expect<i32>(r.error).toBe(Bech32Error.None);
    expect(r.hrp).toBe("npub");
    expect(toHex(r.data)).toBe("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
    const e = bech32Encode("npub", r.data, Bech32Variant.Bech32);
    expect(e.value).toBe("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
  });

  it("round-trips bytes of every length 0..100, upper and lower case", () => {
    for (let n = 0; n <= 100; n++) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = <u8>(i * 29 + 7);
      const up = n % 2 == 0;
      const e = bech32Encode("creqb", b, Bech32Variant.Bech32m, up);
      expect<i32>(e.error).toBe(Bech32Error.None);
      const d = bech32Decode(e.value, Bech32Variant.Bech32m);
      expect<i32>(d.error).toBe(Bech32Error.None);
      expect(d.upper).toBe(up);
      expect(d.hrp).toBe("creqb");
      expect(toHex(d.data)).toBe(toHex(b));
    }
  });

  it("enforces the length limit both ways (longer than BIP-173's 90 by default)", () => {
    const b = new Uint8Array(600);
    const e = bech32Encode("creqb", b, Bech32Variant.Bech32m);
    expect<i32>(e.error).toBe(Bech32Error.None);
    expect(e.value.length).toBe(6 + 960 + 6);
    expect<i32>(bech32Decode(e.value, Bech32Variant.Bech32m).error).toBe(Bech32Error.None);
    expect<i32>(bech32Decode(e.value, Bech32Variant.Bech32m, 500).error).toBe(Bech32Error.TooLong);
    expect<i32>(bech32Encode("creqb", new Uint8Array(700), Bech32Variant.Bech32m).error).toBe(Bech32Error.TooLong);
    expect<i32>(bech32Encode("Creqb", b, Bech32Variant.Bech32m).error).toBe(Bech32Error.BadHrp);
    expect<i32>(bech32Encode("", b, Bech32Variant.Bech32m).error).toBe(Bech32Error.BadHrp);
  });

  it("rejects non-zero or excess padding bits", () => {
    // "lqfn3a"-style strings with 1 data word carry 5 bits: not a whole byte.
    expect<i32>(bech32Decode("a1qqv7uvkp", Bech32Variant.Bech32m).error).not.toBe(Bech32Error.None);
    const ok = bech32Encode("a", fromHex("ff")!, Bech32Variant.Bech32m);
    expect<i32>(bech32Decode(ok.value, Bech32Variant.Bech32m).error).toBe(Bech32Error.None);
  });
});
