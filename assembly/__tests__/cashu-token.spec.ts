import { decodeToken, encodeTokenV3, encodeTokenV4, hasShortKeysetIds, resolveTokenKeysetIds } from "../core/cashu/token";
import { TokenError } from "../core/cashu/errors";
import { Proof, Token, TokenLimits, KeysetProofs, Dleq } from "../core/cashu/types";
import { hexOfBytes, hexToBytes } from "../core/cashu/keyset-id";
import { normalizeMintUrl } from "../core/cashu/mint-url";
import { CborWriter } from "../core/encoding/cbor";
import { encodeBase64Url } from "../core/encoding/base64";

const V1 = "00ad268c4d1f5826";
const V2 = "01" + "ab".repeat(32);
const C = "02" + "11".repeat(32);

function cashuB(w: CborWriter): string { return "cashuB" + encodeBase64Url(w.toBytes()); }
function cashuA(json: string): string { return "cashuA" + encodeBase64Url(Uint8Array.wrap(String.UTF8.encode(json))); }
function err(s: string, limits: TokenLimits = new TokenLimits()): TokenError { return decodeToken(s, limits).error; }

/** Writes one proof map {a, s, c} (plus optional raw extra entries counted in `extra`). */
function proof(w: CborWriter, amount: u64, secret: string, extra: i32 = 0): CborWriter {
  w.mapHeader(3 + extra).text("a").uint(amount).text("s").text(secret).text("c").bytes(hexToBytes(C, 33)!);
  return w;
}

/** A whole token {t:[{i, p:[n proofs]}], m, u} with amounts `amount` and secrets "s<i>". */
function simple(n: i32, amount: u64 = 1, id: string = V1): string {
  const w = new CborWriter();
  w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(id, id.length >> 1)!).text("p").arrayHeader(n);
  for (let i = 0; i < n; i++) proof(w, amount, "s" + i.toString());
  w.text("m").text("http://localhost:3338").text("u").text("sat");
  return cashuB(w);
}

function sampleToken(): Token {
  const t = new Token();
  t.mint = "https://mint.example.com";
  t.unit = "sat";
  const g = new KeysetProofs(V2);
  for (let i = 0; i < 3; i++) {
    const p = new Proof();
    p.amount = <u64>(1 << i);
    p.secret = "secret-" + i.toString();
    p.C = hexToBytes(C, 33)!;
    if (i == 1) p.dleq = new Dleq(new Uint8Array(32), new Uint8Array(32), new Uint8Array(32));
    if (i == 2) p.witness = "{\"signatures\":[]}";
    g.proofs.push(p);
  }
  t.keysets.push(g);
  t.proofCount = 3;
  t.amount = 7;
  return t;
}

describe("token prefix and framing", () => {
  it("rejects empty, wrong prefix and unknown versions with named errors", () => {
    expect<i32>(err("")).toBe(TokenError.Empty);
    expect<i32>(err("  \t\n")).toBe(TokenError.Empty);
    expect<i32>(err("cashu")).toBe(TokenError.BadPrefix);
    expect<i32>(err("cash")).toBe(TokenError.BadPrefix);
    expect<i32>(err("Cashub")).toBe(TokenError.BadPrefix);
    expect<i32>(err("casshuAeyJ0")).toBe(TokenError.BadPrefix);
    expect<i32>(err("eyJ0b2tlbiI6W3")).toBe(TokenError.BadPrefix);
    expect<i32>(err("cashuCo2F0")).toBe(TokenError.UnsupportedVersion);
    expect<i32>(err("cashub" + simple(1).substring(6))).toBe(TokenError.UnsupportedVersion);
    expect<i32>(err("cashu:cashu")).toBe(TokenError.BadPrefix);
  });

  it("trims surrounding whitespace, accepts the cashu: URI prefix, padding and the standard alphabet", () => {
    const t = simple(2);
    expect<i32>(err("  " + t + "\r\n")).toBe(TokenError.None);
    expect<i32>(err("cashu:" + t)).toBe(TokenError.None);
    const pad = (4 - ((t.length - 6) & 3)) & 3;
    let padded = t;
    for (let i = 0; i < pad; i++) padded += "=";
    expect<i32>(err(padded)).toBe(TokenError.None);
    expect<i32>(err(t.replaceAll("-", "+").replaceAll("_", "/"))).toBe(TokenError.None);
  });

  it("rejects interior whitespace, bad characters and truncation as BadBase64", () => {
    const t = simple(2);
    expect<i32>(err(t.substring(0, 20) + " " + t.substring(20))).toBe(TokenError.BadBase64);
    expect<i32>(err(t.substring(0, 20) + "!" + t.substring(20))).toBe(TokenError.BadBase64);
    expect<i32>(err(t + "===")).toBe(TokenError.BadBase64);
    const r = decodeToken(t.substring(0, 20) + "." + t.substring(21));
    expect(r.reason().includes("invalid base64 character at character 20")).toBe(true);
  });

  it("enforces the length limit before decoding", () => {
    const l = new TokenLimits();
    l.maxTokenLength = 100;
    expect<i32>(err(simple(4), l)).toBe(TokenError.TooLong);
    expect<i32>(err("cashuB" + "A".repeat(1 << 20))).toBe(TokenError.TooLong);
  });
});

describe("cashuB (V4) content", () => {
  it("decodes a well-formed token and reports its total", () => {
    const r = decodeToken(simple(3, 4));
    expect<i32>(r.error).toBe(TokenError.None);
    const t = r.token!;
    expect(t.version).toBe(4);
    expect(t.proofCount).toBe(3);
    expect<u64>(t.amount).toBe(12);
    expect(t.keysets[0].id).toBe(V1);
    expect(t.allProofs()[2].secret).toBe("s2");
  });

  it("rejects truncated CBOR at every length", () => {
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w, 1, "x");
    w.text("m").text("http://localhost:3338").text("u").text("sat");
    const full = w.toBytes();
    for (let n = 0; n < full.length; n++) {
      const e = err("cashuB" + encodeBase64Url(full.subarray(0, n)));
      expect<i32>(e).not.toBe(TokenError.None);
    }
  });

  it("rejects trailing data, indefinite lengths, huge lengths and tags", () => {
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w, 1, "x");
    w.text("m").text("http://a.b").text("u").text("sat");
    const base = w.toBytes();
    expect<i32>(err("cashuB" + encodeBase64Url(base))).toBe(TokenError.None);
    const trailing = new Uint8Array(base.length + 1);
    trailing.set(base);
    const tr = decodeToken("cashuB" + encodeBase64Url(trailing));
    expect<i32>(tr.error).toBe(TokenError.BadCbor);
    expect(tr.reason().includes("unexpected data after the CBOR item")).toBe(true);
    expect<i32>(err("cashuB" + encodeBase64Url(hexToBytes("bf6174ff", 4)!))).toBe(TokenError.BadCbor);
    expect<i32>(err("cashuB" + encodeBase64Url(hexToBytes("a161749bffffffffffffffff", 12)!))).toBe(TokenError.BadCbor);
    expect<i32>(err("cashuB" + encodeBase64Url(hexToBytes("a161747bffffffffffffffff", 12)!))).toBe(TokenError.WrongType);
    expect<i32>(err("cashuB" + encodeBase64Url(hexToBytes("a16174c080", 5)!))).toBe(TokenError.WrongType);
    expect<i32>(err("cashuB" + encodeBase64Url(hexToBytes("a16178c100", 5)!))).toBe(TokenError.BadCbor);
    const r = decodeToken("cashuB" + encodeBase64Url(hexToBytes("a1617498ff", 5)!));
    expect<i32>(r.error).toBe(TokenError.BadCbor);
    expect(r.reason().includes("at byte")).toBe(true);
  });

  it("rejects wrong types with the field path", () => {
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    w.mapHeader(3).text("a").text("one").text("s").text("x").text("c").bytes(hexToBytes(C, 33)!);
    w.text("m").text("http://localhost:3338").text("u").text("sat");
    const r = decodeToken(cashuB(w));
    expect<i32>(r.error).toBe(TokenError.WrongType);
    expect(r.detail).toBe("t[0].p[0].a");
    const w2 = new CborWriter();
    w2.mapHeader(1).text("t").text("nope");
    expect<i32>(err(cashuB(w2))).toBe(TokenError.WrongType);
    const w3 = new CborWriter();
    w3.arrayHeader(0);
    expect<i32>(err(cashuB(w3))).toBe(TokenError.WrongType);
  });

  it("requires m, u, t and proof fields a, s, c", () => {
    const w = new CborWriter();
    w.mapHeader(2).text("t").arrayHeader(0).text("u").text("sat");
    const r = decodeToken(cashuB(w));
    expect<i32>(r.error).toBe(TokenError.MissingField);
    expect(r.detail).toBe("m");
    const w2 = new CborWriter();
    w2.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    w2.mapHeader(2).text("a").uint(1).text("s").text("x");
    w2.text("m").text("http://localhost:3338").text("u").text("sat");
    const r2 = decodeToken(cashuB(w2));
    expect<i32>(r2.error).toBe(TokenError.MissingField);
    expect(r2.detail).toBe("t[0].p[0].c");
  });

  it("rejects duplicate keys (known and unknown) and skips unknown fields", () => {
    const w = new CborWriter();
    w.mapHeader(4).text("m").text("http://a.b").text("m").text("http://a.b").text("u").text("sat").text("t").arrayHeader(0);
    const r = decodeToken(cashuB(w));
    expect<i32>(r.error).toBe(TokenError.BadCbor);
    expect(r.reason().includes("duplicate key")).toBe(true);
    const w2 = new CborWriter();
    w2.mapHeader(5).text("zz").uint(1).text("zz").uint(2).text("m").text("http://a.b").text("u").text("sat").text("t").arrayHeader(0);
    expect<i32>(err(cashuB(w2))).toBe(TokenError.BadCbor);
    // Unknown fields (any depth, null/undefined optional fields) are fine.
    const w3 = new CborWriter();
    w3.mapHeader(6).text("x").mapHeader(1).text("y").arrayHeader(2).uint(1).bool(true).text("d").null();
    w3.text("t").arrayHeader(1).mapHeader(3).text("i").bytes(hexToBytes(V1, 8)!).text("future").uint(9).text("p").arrayHeader(1);
    proof(w3, 2, "x", 3).text("d").undefined().text("w").null().text("pe").bytes(new Uint8Array(33));
    w3.text("m").text("http://a.b").text("u").text("sat").text("v").text("2");
    const r3 = decodeToken(cashuB(w3));
    expect<i32>(r3.error).toBe(TokenError.None);
    expect(r3.token!.memo).toBeNull();
    expect(r3.token!.allProofs()[0].dleq).toBeNull();
  });

  it("rejects zero amounts, sums that overflow u64, duplicate secrets and too many proofs", () => {
    expect<i32>(err(simple(1, 0))).toBe(TokenError.ZeroAmount);
    expect<i32>(err(simple(1, U64.MAX_VALUE))).toBe(TokenError.None);
    const r = decodeToken(simple(2, U64.MAX_VALUE / 2 + 1));
    expect<i32>(r.error).toBe(TokenError.AmountOverflow);
    expect(r.detail).toBe("t[0].p[1]");
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(2);
    w.mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w, 1, "same");
    w.mapHeader(2).text("i").bytes(hexToBytes(V2, 33)!).text("p").arrayHeader(1);
    proof(w, 2, "same");
    w.text("m").text("http://a.b").text("u").text("sat");
    const d = decodeToken(cashuB(w));
    expect<i32>(d.error).toBe(TokenError.DuplicateProof);
    expect(d.detail).toBe("proofs 0 and 1");
    expect<i32>(err(simple(64))).toBe(TokenError.None);
    expect<i32>(err(simple(65))).toBe(TokenError.TooManyProofs);
    const l = new TokenLimits();
    l.maxProofs = 4;
    expect<i32>(err(simple(5), l)).toBe(TokenError.TooManyProofs);
  });

  it("checks keyset ids, C and DLEQ sizes", () => {
    expect<i32>(err(simple(1, 1, "0011"))).toBe(TokenError.BadKeysetId);
    expect<i32>(err(simple(1, 1, "02" + "00".repeat(7)))).toBe(TokenError.UnsupportedKeysetVersion);
    expect<i32>(err(simple(1, 1, "00" + "00".repeat(32)))).toBe(TokenError.BadKeysetId);
    expect<i32>(err(simple(1, 1, "01" + "cd".repeat(7)))).toBe(TokenError.None); // short v2 id
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    w.mapHeader(3).text("a").uint(1).text("s").text("x").text("c").bytes(new Uint8Array(33));
    w.text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w))).toBe(TokenError.BadSignaturePoint);
    const w2 = new CborWriter();
    w2.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w2, 1, "x", 1).text("d").mapHeader(2).text("e").bytes(new Uint8Array(32)).text("s").bytes(new Uint8Array(32));
    w2.text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w2))).toBe(TokenError.BadDleq);
  });

  it("bounds secrets, witnesses, memos, units and mint URLs", () => {
    const l = new TokenLimits();
    l.maxSecretLength = 8;
    expect<i32>(err(simple(1, 1), l)).toBe(TokenError.None);
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w, 1, "123456789");
    w.text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w), l)).toBe(TokenError.SecretTooLong);
    const w2 = new CborWriter();
    w2.mapHeader(3).text("t").arrayHeader(1).mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w2, 1, "");
    w2.text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w2))).toBe(TokenError.EmptySecret);
    const w3 = new CborWriter();
    w3.mapHeader(3).text("t").arrayHeader(0).text("m").text("ftp://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w3))).toBe(TokenError.BadMintUrl);
    const w4 = new CborWriter();
    w4.mapHeader(3).text("t").arrayHeader(0).text("m").text("http://a.b").text("u").text("s a t");
    expect<i32>(err(cashuB(w4))).toBe(TokenError.BadUnit);
    const w5 = new CborWriter();
    w5.mapHeader(4).text("d").text("x".repeat(2000)).text("t").arrayHeader(0).text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w5))).toBe(TokenError.MemoTooLong);
    const w6 = new CborWriter();
    w6.mapHeader(3).text("t").arrayHeader(0).text("m").text("http://a.b").text("u").text("sat");
    expect<i32>(err(cashuB(w6))).toBe(TokenError.NoProofs);
  });

  it("merges repeated keyset groups and drops empty ones", () => {
    const w = new CborWriter();
    w.mapHeader(3).text("t").arrayHeader(3);
    w.mapHeader(2).text("i").bytes(hexToBytes(V1, 8)!).text("p").arrayHeader(1);
    proof(w, 1, "a");
    w.mapHeader(2).text("i").bytes(hexToBytes(V2, 33)!).text("p").arrayHeader(0);
    w.mapHeader(2).text("p").arrayHeader(1);
    proof(w, 2, "b");
    w.text("i").bytes(hexToBytes(V1, 8)!);
    w.text("m").text("HTTPS://Mint.Example.COM/Path//").text("u").text("sat");
    const r = decodeToken(cashuB(w));
    expect<i32>(r.error).toBe(TokenError.None);
    const t = r.token!;
    expect(t.keysets.length).toBe(1);
    expect(t.keysets[0].proofs.length).toBe(2);
    expect(t.mint).toBe("https://mint.example.com/Path");
  });
});

let rngState: u32 = 0x9e3779b9;
function next(): u32 {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 17;
  rngState ^= rngState << 5;
  return rngState;
}

describe("garbage", () => {
  it("returns a named error (never traps) for 3000 pseudo-random and mutated inputs", () => {
    const good = simple(8, 3);
    const prefixes = ["cashuB", "cashuA", "cashuB", "cashu:cashuB"];
    let errors = 0;
    for (let n = 0; n < 3000; n++) {
      let s: string;
      if (n % 2 == 0) {
        const b = new Uint8Array(<i32>(next() % 200));
        for (let i = 0; i < b.length; i++) b[i] = <u8>next();
        // Bias towards CBOR/JSON structure bytes so the decoders get past the first byte.
        if (b.length > 0) b[0] = n % 4 == 0 ? 0xa3 : 0x7b;
        s = prefixes[n % 4] + encodeBase64Url(b);
      } else {
        const at = <i32>(next() % <u32>good.length);
        const c = String.fromCharCode(<i32>(0x2d + next() % 0x50));
        s = good.substring(0, at) + c + good.substring(at + 1 + <i32>(next() % 3));
      }
      if (decodeToken(s).error != TokenError.None) errors++;
    }
    expect(errors).toBeGreaterThan(2000);
  });
});

describe("cashuA (V3) content", () => {
  it("merges entries of one mint and refuses several mints", () => {
    const p = "{\"amount\":1,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\"}";
    const q = "{\"amount\":2,\"id\":\"" + V1 + "\",\"secret\":\"b\",\"C\":\"" + C + "\"}";
    const same = cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[" + p + "]},{\"mint\":\"https://m.com/\",\"proofs\":[" + q + "]}]}");
    const r = decodeToken(same);
    expect<i32>(r.error).toBe(TokenError.None);
    expect(r.token!.proofCount).toBe(2);
    expect(r.token!.unit).toBe("");
    expect(r.token!.unitOrSat()).toBe("sat");
    const two = cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[" + p + "]},{\"mint\":\"https://other.com\",\"proofs\":[" + q + "]}]}");
    const r2 = decodeToken(two);
    expect<i32>(r2.error).toBe(TokenError.MultipleMints);
    expect(r2.detail).toBe("token[1].mint");
  });

  it("names JSON, UTF-8, type and content errors", () => {
    expect<i32>(err(cashuA("{\"token\":[}"))).toBe(TokenError.BadJson);
    expect<i32>(err("cashuA" + encodeBase64Url(hexToBytes("7b22c0", 3)!))).toBe(TokenError.BadUtf8);
    expect<i32>(err(cashuA("[]"))).toBe(TokenError.WrongType);
    expect<i32>(err(cashuA("{}"))).toBe(TokenError.MissingField);
    expect<i32>(err(cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[{\"amount\":-1,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\"}]}]}"))).toBe(TokenError.WrongType);
    expect<i32>(err(cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[{\"amount\":18446744073709551616,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\"}]}]}"))).toBe(TokenError.AmountOverflow);
    expect<i32>(err(cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[{\"amount\":1,\"id\":\"I2yN+iRYfkzT\",\"secret\":\"a\",\"C\":\"" + C + "\"}]}]}"))).toBe(TokenError.BadKeysetId);
    expect<i32>(err(cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[{\"amount\":1,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\",\"witness\":{\"signatures\":[]}}]}]}"))).toBe(TokenError.WrongType);
    expect<i32>(err(cashuA("{\"token\":[{\"mint\":\"https://m.com\",\"proofs\":[{\"amount\":1,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\"},{\"amount\":1,\"id\":\"" + V1 + "\",\"secret\":\"a\",\"C\":\"" + C + "\"}]}]}"))).toBe(TokenError.DuplicateProof);
  });
});

describe("token encoding", () => {
  it("round-trips V4 with full and short ids, and V3", () => {
    const t = sampleToken();
    const full = encodeTokenV4(t);
    expect<i32>(full.error).toBe(TokenError.None);
    const back = decodeToken(full.value).token!;
    expect(back.keysets[0].id).toBe(V2);
    expect(hasShortKeysetIds(back)).toBe(false);
    expect(back.allProofs()[1].dleq).not.toBeNull();
    expect(back.allProofs()[2].witness!).toBe("{\"signatures\":[]}");
    const short = decodeToken(encodeTokenV4(t, true).value).token!;
    expect(short.keysets[0].id).toBe(V2.substring(0, 16));
    expect(hasShortKeysetIds(short)).toBe(true);
    const v3 = decodeToken(encodeTokenV3(t).value).token!;
    expect(v3.version).toBe(3);
    expect<u64>(v3.amount).toBe(7);
    expect(hexOfBytes(v3.allProofs()[1].dleq!.r)).toBe("00".repeat(32));
  });

  it("refuses to encode what could not be decoded", () => {
    const t = sampleToken();
    t.unit = "";
    expect<i32>(encodeTokenV4(t).error).toBe(TokenError.BadUnit);
    expect<i32>(encodeTokenV3(t).error).toBe(TokenError.None);
    const t2 = sampleToken();
    t2.keysets[0].proofs[0].amount = 0;
    expect<i32>(encodeTokenV4(t2).error).toBe(TokenError.ZeroAmount);
    const t3 = sampleToken();
    t3.keysets[0].proofs = [];
    expect<i32>(encodeTokenV4(t3).error).toBe(TokenError.NoProofs);
    const t4 = sampleToken();
    t4.mint = "mint.example.com";
    expect<i32>(encodeTokenV4(t4).error).toBe(TokenError.BadMintUrl);
    const t5 = sampleToken();
    t5.keysets[0].id = "zz";
    expect<i32>(encodeTokenV4(t5).error).toBe(TokenError.BadKeysetId);
  });
});

describe("short keyset id resolution", () => {
  it("resolves a unique prefix, refuses unknown and ambiguous ones, merges groups", () => {
    const t = decodeToken(encodeTokenV4(sampleToken(), true).value).token!;
    const other = "01" + "ab".repeat(7) + "cd".repeat(25);
    const r = resolveTokenKeysetIds(t, [V1, V2, "01" + "ff".repeat(32)]);
    expect<i32>(r.error).toBe(TokenError.None);
    expect(t.keysets[0].id).toBe(V2);
    expect(t.allProofs()[0].id).toBe(V2);
    const t2 = decodeToken(encodeTokenV4(sampleToken(), true).value).token!;
    expect<i32>(resolveTokenKeysetIds(t2, [V1]).error).toBe(TokenError.UnknownKeyset);
    expect(t2.keysets[0].id).toBe(V2.substring(0, 16));
    expect<i32>(resolveTokenKeysetIds(t2, [V2, other]).error).toBe(TokenError.AmbiguousKeyset);
    expect<i32>(resolveTokenKeysetIds(t2, [V2, V2.toUpperCase()]).error).toBe(TokenError.None);
    const full = decodeToken(encodeTokenV4(sampleToken()).value).token!;
    expect<i32>(resolveTokenKeysetIds(full, []).error).toBe(TokenError.None);
    expect<i32>(resolveTokenKeysetIds(full, [], true).error).toBe(TokenError.UnknownKeyset);
  });
});

describe("mint URL normalization", () => {
  it("lower-cases scheme and host, strips trailing slashes, refuses the rest", () => {
    expect(normalizeMintUrl("https://mint.example.com")!).toBe("https://mint.example.com");
    expect(normalizeMintUrl("HTTPS://MINT.example.com:3338///")!).toBe("https://mint.example.com:3338");
    expect(normalizeMintUrl("https://m.com/API/")!).toBe("https://m.com/API");
    expect(normalizeMintUrl("https://")).toBeNull();
    expect(normalizeMintUrl("https:///x")).toBeNull();
    expect(normalizeMintUrl("https://u:p@m.com")).toBeNull();
    expect(normalizeMintUrl("https://m.com/?q=1")).toBeNull();
    expect(normalizeMintUrl("https://m.com/#f")).toBeNull();
    expect(normalizeMintUrl("https://m .com")).toBeNull();
    expect(normalizeMintUrl("mint.com")).toBeNull();
  });
});
