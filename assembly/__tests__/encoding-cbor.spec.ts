import {
  CborArray, CborBytes, CborError, CborKind, CborMap, CborNegInt, CborReader, CborText, CborUint, CborValue, CborWriter,
  decodeCbor, encodeCbor, utf8DecodeStrict, utf8Valid,
} from "../core/encoding/cbor";
import { fromHex, toHex } from "../core/encoding/hex";

function h(s: string): Uint8Array { return fromHex(s)!; }
function errOf(hex: string, minimal: bool = false): CborError {
  const r = new CborReader();
  r.requireMinimal = minimal;
  decodeCbor(h(hex), r);
  return r.error;
}
function roundTrip(hex: string): string {
  const v = decodeCbor(h(hex));
  if (v == null) return "decode failed";
  return toHex(encodeCbor(v).toBytes());
}

describe("CBOR decode (RFC 8949 Appendix A)", () => {
  it("unsigned integers up to u64", () => {
    const cases = ["00", "01", "0a", "17", "1818", "1819", "1864", "1903e8", "1a000f4240", "1b000000e8d4a51000", "1bffffffffffffffff"];
    const values: u64[] = [0, 1, 10, 23, 24, 25, 100, 1000, 1000000, 1000000000000, U64.MAX_VALUE];
    for (let i = 0; i < cases.length; i++) {
      const v = decodeCbor(h(cases[i]));
      expect(v).not.toBeNull();
      expect<i32>(v!.kind).toBe(CborKind.Uint);
      expect<u64>(changetype<CborUint>(v).value).toBe(values[i]);
      expect(roundTrip(cases[i])).toBe(cases[i]);
    }
  });

  it("negative integers, byte and text strings, arrays, maps, simple values", () => {
    const neg = decodeCbor(h("3903e7"))!;
    expect<i32>(neg.kind).toBe(CborKind.NegInt);
    expect<u64>(changetype<CborNegInt>(neg).n).toBe(999);
    expect(toHex(changetype<CborBytes>(decodeCbor(h("4401020304"))!).value)).toBe("01020304");
    expect(changetype<CborText>(decodeCbor(h("62c3bc"))!).value).toBe("ü");
    expect(changetype<CborText>(decodeCbor(h("64f0908591"))!).value).toBe("\u{10151}");
    const arr = changetype<CborArray>(decodeCbor(h("8301820203820405"))!);
    expect(arr.items.length).toBe(3);
    const map = changetype<CborMap>(decodeCbor(h("a26161016162820203"))!);
    expect(map.keys.join(",")).toBe("a,b");
    expect<i32>(decodeCbor(h("f4"))!.kind).toBe(CborKind.Bool);
    expect<i32>(decodeCbor(h("f6"))!.kind).toBe(CborKind.Null);
    expect<i32>(decodeCbor(h("f7"))!.kind).toBe(CborKind.Undefined);
    const all = ["3903e7", "4401020304", "62c3bc", "8301820203820405", "a26161016162820203", "f4", "f5", "f6", "f7", "80", "a0", "40", "60"];
    for (let i = 0; i < all.length; i++) expect(roundTrip(all[i])).toBe(all[i]);
  });
});

describe("CBOR strictness", () => {
  it("rejects truncation anywhere", () => {
    expect<i32>(errOf("")).toBe(CborError.Truncated);
    expect<i32>(errOf("19 03".replace(" ", ""))).toBe(CborError.Truncated);
    expect<i32>(errOf("1b00000000")).toBe(CborError.Truncated);
    expect<i32>(errOf("44010203")).toBe(CborError.Truncated);
    expect<i32>(errOf("6261")).toBe(CborError.Truncated);
    expect<i32>(errOf("a161")).toBe(CborError.TooLong); // one entry needs at least two bytes
    expect<i32>(errOf("a26161")).toBe(CborError.TooLong);
    expect<i32>(errOf("a16161")).toBe(CborError.Truncated);
  });

  it("rejects lengths and counts larger than the input before allocating", () => {
    expect<i32>(errOf("5bffffffffffffffff00")).toBe(CborError.Truncated);
    expect<i32>(errOf("7a7fffffff61")).toBe(CborError.Truncated);
    expect<i32>(errOf("9bffffffffffffffff")).toBe(CborError.TooLong);
    expect<i32>(errOf("9a0000ffff00")).toBe(CborError.TooLong);
    expect<i32>(errOf("bb7fffffffffffffff")).toBe(CborError.TooLong);
    expect<i32>(errOf("a2616100")).toBe(CborError.TooLong);
  });

  it("rejects trailing data", () => {
    expect<i32>(errOf("0000")).toBe(CborError.TrailingData);
    expect<i32>(errOf("a0ff")).toBe(CborError.TrailingData);
  });

  it("rejects indefinite lengths, reserved additional info, tags and floats", () => {
    expect<i32>(errOf("5f42010243030405ff")).toBe(CborError.Indefinite);
    expect<i32>(errOf("9f0102ff")).toBe(CborError.Indefinite);
    expect<i32>(errOf("bf61610161629f0203ffff")).toBe(CborError.Indefinite);
    expect<i32>(errOf("7f657374726561646d696e67ff")).toBe(CborError.Indefinite);
    expect<i32>(errOf("1c")).toBe(CborError.Reserved);
    expect<i32>(errOf("c11a514b67b0")).toBe(CborError.Unsupported);
    expect<i32>(errOf("f93c00")).toBe(CborError.Unsupported);
    expect<i32>(errOf("fb3ff199999999999a")).toBe(CborError.Unsupported);
    expect<i32>(errOf("f0")).toBe(CborError.Unsupported);
  });

  it("rejects duplicate and non-text map keys", () => {
    expect<i32>(errOf("a2616101616102")).toBe(CborError.DuplicateKey);
    expect<i32>(errOf("a201020304")).toBe(CborError.NonTextKey);
    expect<i32>(errOf("a1410100")).toBe(CborError.NonTextKey);
  });

  it("rejects invalid UTF-8 in text strings", () => {
    expect<i32>(errOf("62c080")).toBe(CborError.BadUtf8); // overlong NUL
    expect<i32>(errOf("63eda080")).toBe(CborError.BadUtf8); // surrogate D800
    expect<i32>(errOf("64f4908080")).toBe(CborError.BadUtf8); // above U+10FFFF
    expect<i32>(errOf("61ff")).toBe(CborError.BadUtf8);
    expect<i32>(errOf("62c3")).toBe(CborError.Truncated);
    expect<i32>(errOf("61c3")).toBe(CborError.BadUtf8);
  });

  it("bounds nesting depth", () => {
    const r = new CborReader();
    r.maxDepth = 3;
    decodeCbor(h("8181818101"), r);
    expect<i32>(r.error).toBe(CborError.TooDeep);
    r.maxDepth = 4;
    decodeCbor(h("8181818101"), r);
    expect<i32>(r.error).toBe(CborError.None);
    // a deep bomb: 10000 nested arrays
    const bomb = new Uint8Array(10000);
    bomb.fill(0x81);
    const r2 = new CborReader();
    expect(decodeCbor(bomb, r2)).toBeNull();
    expect<i32>(r2.error).toBe(CborError.TooDeep);
  });

  it("accepts non-minimal encodings by default and rejects them on request", () => {
    expect<i32>(errOf("1805")).toBe(CborError.None);
    expect<i32>(errOf("1805", true)).toBe(CborError.NonMinimal);
    expect<i32>(errOf("190005", true)).toBe(CborError.NonMinimal);
    expect<i32>(errOf("1a0000ffff", true)).toBe(CborError.NonMinimal);
    expect<i32>(errOf("1b00000000ffffffff", true)).toBe(CborError.NonMinimal);
    expect<i32>(errOf("5801ff", true)).toBe(CborError.NonMinimal);
    expect<i32>(errOf("1b0000000100000000", true)).toBe(CborError.None);
  });

  it("skips unknown values (floats included) but still checks their map keys", () => {
    const r = new CborReader(h("a2616182f93c00f7616280"));
    expect(r.readMapHeader()).toBe(2);
    expect(r.readKey()).toBe(true);
    expect(r.skip()).toBe(true);
    expect(r.readKey()).toBe(true);
    expect(r.skip()).toBe(true);
    expect(r.finish()).toBe(true);
    const dup = new CborReader(h("a2616100616100"));
    expect(dup.skip()).toBe(false);
    expect<i32>(dup.error).toBe(CborError.DuplicateKey);
    const nested = new CborReader(h("81a2616100616100"));
    expect(nested.skip()).toBe(false);
    expect<i32>(nested.error).toBe(CborError.DuplicateKey);
  });

  it("reports the wrong type without consuming, and keeps the first error", () => {
    const r = new CborReader(h("6161"));
    expect<u64>(r.readUint()).toBe(0);
    expect<i32>(r.error).toBe(CborError.WrongType);
    expect(r.errorAt).toBe(0);
    r.readArrayHeader();
    expect<i32>(r.error).toBe(CborError.WrongType);
    expect(r.readText()).toBeNull();
  });
});

describe("CBOR writer", () => {
  it("writes shortest forms at every boundary", () => {
    const vals: u64[] = [0, 23, 24, 255, 256, 65535, 65536, 4294967295, 4294967296, U64.MAX_VALUE];
    const hex = ["00", "17", "1818", "18ff", "190100", "19ffff", "1a00010000", "1affffffff", "1b0000000100000000", "1bffffffffffffffff"];
    for (let i = 0; i < vals.length; i++) expect(toHex(new CborWriter().uint(vals[i]).toBytes())).toBe(hex[i]);
  });

  it("writes text as UTF-8 and grows its buffer", () => {
    const w = new CborWriter(16);
    w.arrayHeader(2).text("ü").bytes(new Uint8Array(300));
    const b = w.toBytes();
    expect(toHex(b.subarray(0, 7))).toBe("8262c3bc59012c");
    expect(b.length).toBe(7 + 300);
    const back = decodeCbor(b);
    expect(back).not.toBeNull();
  });

  it("encodes a tree built by hand", () => {
    const m = new CborMap();
    m.keys.push("a");
    m.values.push(new CborUint(1));
    m.keys.push("b");
    const a = new CborArray();
    a.items.push(new CborText("x"));
    a.items.push(<CborValue>new CborNegInt(0));
    m.values.push(a);
    expect(toHex(encodeCbor(m).toBytes())).toBe("a2616101616282617820");
  });
});

describe("UTF-8", () => {
  it("validates and decodes", () => {
    const ok = h("48c3a9e282acf09f9880");
    expect(utf8Valid(ok.dataStart, ok.length)).toBe(true);
    expect(utf8DecodeStrict(ok)!).toBe("Hé€😀");
    expect(utf8DecodeStrict(h("e0808a"))).toBeNull();
    expect(utf8DecodeStrict(h("80"))).toBeNull();
    expect(utf8DecodeStrict(h("f5808080"))).toBeNull();
    expect(utf8DecodeStrict(h("f09f98"))).toBeNull();
    expect(utf8DecodeStrict(h("41424344454647484950"))!).toBe("ABCDEFGHIP");
  });
});
