import {
  Base64Alphabet, Base64Error, Base64Padding, decodeBase64, decodeBase64Range, encodeBase64, encodeBase64Url, Base64Result,
} from "../core/encoding/base64";

function bytes(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }
function text(b: Uint8Array): string { return String.UTF8.decode(b.buffer); }
function err(s: string, a: Base64Alphabet = Base64Alphabet.Either, p: Base64Padding = Base64Padding.Optional): Base64Error {
  return decodeBase64(s, a, p).error;
}

describe("base64 encode (RFC 4648 §10 vectors)", () => {
  it("standard, padded", () => {
    expect(encodeBase64(bytes(""))).toBe("");
    expect(encodeBase64(bytes("f"))).toBe("Zg==");
    expect(encodeBase64(bytes("fo"))).toBe("Zm8=");
    expect(encodeBase64(bytes("foo"))).toBe("Zm9v");
    expect(encodeBase64(bytes("foob"))).toBe("Zm9vYg==");
    expect(encodeBase64(bytes("fooba"))).toBe("Zm9vYmE=");
    expect(encodeBase64(bytes("foobar"))).toBe("Zm9vYmFy");
  });

  it("url alphabet, unpadded by default, padded on request", () => {
    const b = new Uint8Array(3);
    b[0] = 0xfb; b[1] = 0xff; b[2] = 0xbf;
    expect(encodeBase64(b)).toBe("+/+/");
    expect(encodeBase64Url(b)).toBe("-_-_");
    expect(encodeBase64Url(bytes("f"))).toBe("Zg");
    expect(encodeBase64Url(bytes("f"), true)).toBe("Zg==");
    expect(encodeBase64(bytes("fo"), false)).toBe("Zm8");
  });
});

describe("base64 decode", () => {
  it("round-trips every length 0..64 in both alphabets, padded or not", () => {
    for (let n = 0; n <= 64; n++) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = <u8>(i * 37 + n);
      const forms = [encodeBase64(b), encodeBase64(b, false), encodeBase64Url(b), encodeBase64Url(b, true)];
      for (let k = 0; k < forms.length; k++) {
        const r = decodeBase64(forms[k], Base64Alphabet.Either);
        expect<i32>(r.error).toBe(Base64Error.None);
        expect(r.bytes.length).toBe(n);
        for (let i = 0; i < n; i++) expect(r.bytes[i]).toBe(b[i]);
      }
    }
  });

  it("decodes text", () => {
    expect(text(decodeBase64("Zm9vYmFy").bytes)).toBe("foobar");
    expect(text(decodeBase64("Zm9vYg").bytes)).toBe("foob");
  });

  it("enforces the alphabet", () => {
    expect<i32>(err("-_-_", Base64Alphabet.Standard)).toBe(Base64Error.BadChar);
    expect<i32>(err("+/+/", Base64Alphabet.Url)).toBe(Base64Error.BadChar);
    expect<i32>(err("+_-/", Base64Alphabet.Either)).toBe(Base64Error.None);
  });

  it("rejects characters outside the alphabet, including interior whitespace, with their offset", () => {
    const r = decodeBase64("Zm9v YmFy");
    expect<i32>(r.error).toBe(Base64Error.BadChar);
    expect(r.errorAt).toBe(4);
    expect<i32>(err("Zm9v\nYmFy")).toBe(Base64Error.BadChar);
    expect<i32>(err("Zm9vYé==")).toBe(Base64Error.BadChar);
    expect<i32>(err("Zm=vYmFy")).toBe(Base64Error.BadChar);
    expect<i32>(err("Zm9v!mFy")).toBe(Base64Error.BadChar);
  });

  it("enforces padding rules", () => {
    expect<i32>(err("Zg=")).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zg===")).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zm9v=")).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zm9v====")).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zg==", Base64Alphabet.Either, Base64Padding.Forbidden)).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zg", Base64Alphabet.Either, Base64Padding.Required)).toBe(Base64Error.BadPadding);
    expect<i32>(err("Zg==", Base64Alphabet.Either, Base64Padding.Required)).toBe(Base64Error.None);
    expect<i32>(err("=")).toBe(Base64Error.BadPadding);
  });

  it("rejects impossible lengths and non-canonical trailing bits", () => {
    expect<i32>(err("Z")).toBe(Base64Error.BadLength);
    expect<i32>(err("Zm9vY")).toBe(Base64Error.BadLength);
    expect<i32>(err("Zh")).toBe(Base64Error.NonCanonical); // 'h' leaves low bits set: "Zg" is canonical
    expect<i32>(err("Zh==")).toBe(Base64Error.NonCanonical);
    expect<i32>(err("Zm9=")).toBe(Base64Error.NonCanonical); // "Zm8=" is canonical
    expect<i32>(err("QR==")).toBe(Base64Error.NonCanonical);
    expect<i32>(err("QQ==")).toBe(Base64Error.None);
  });

  it("decodes a range without copying the prefix and resets its result", () => {
    const out = new Base64Result();
    decodeBase64Range("cashuBZm9v", 6, 10, Base64Alphabet.Url, Base64Padding.Optional, out);
    expect<i32>(out.error).toBe(Base64Error.None);
    expect(text(out.bytes)).toBe("foo");
    decodeBase64Range("xxQ", 2, 3, Base64Alphabet.Url, Base64Padding.Optional, out);
    expect<i32>(out.error).toBe(Base64Error.BadLength);
    expect(out.bytes.length).toBe(0);
    decodeBase64Range("abc", 5, 9, Base64Alphabet.Url, Base64Padding.Optional, out);
    expect<i32>(out.error).toBe(Base64Error.None);
    expect(out.bytes.length).toBe(0);
  });
});
