import { decodePaymentRequest, encodeCreqA, encodeCreqB, Nut10Option, PaymentRequest, Transport, CreqLimits } from "../core/cashu/creq";
import { CreqError } from "../core/cashu/errors";
import { decodeNostrTarget, encodeNprofile } from "../core/cashu/nostr";
import { CborWriter } from "../core/encoding/cbor";
import { encodeBase64Url } from "../core/encoding/base64";
import { Bech32Variant, bech32Encode } from "../core/encoding/bech32m";
import { toHex } from "../core/encoding/hex";

function creqA(w: CborWriter): string { return "creqA" + encodeBase64Url(w.toBytes()); }
function creqB(tlv: Array<u8>): string {
  const b = new Uint8Array(tlv.length);
  for (let i = 0; i < tlv.length; i++) b[i] = tlv[i];
  return bech32Encode("creqb", b, Bech32Variant.Bech32m, true).value;
}
function err(s: string): CreqError { return decodePaymentRequest(s).error; }

function nut24(): PaymentRequest {
  const pr = new PaymentRequest();
  pr.amount = 21;
  pr.hasAmount = true;
  pr.unit = "sat";
  pr.mints.push("https://mint.example.com");
  const n = new Nut10Option();
  n.kind = "P2PK";
  n.data = "02" + "ab".repeat(32);
  n.tags.push(["locktime", "1900000000"]);
  pr.nut10 = n;
  return pr;
}

describe("payment request round trips", () => {
  it("encodes the NUT-24 fields both ways", () => {
    const a = encodeCreqA(nut24());
    expect(a.value.startsWith("creqA")).toBe(true);
    const b = encodeCreqB(nut24());
    expect(b.value.startsWith("CREQB1")).toBe(true);
    expect(encodeCreqB(nut24(), false).value.startsWith("creqb1")).toBe(true);
    const forms = [a.value, b.value, b.value.toLowerCase(), "  " + a.value + "\n", "CREQA" + a.value.substring(5)];
    for (let i = 0; i < forms.length; i++) {
      const r = decodePaymentRequest(forms[i]);
      expect<i32>(r.error).toBe(CreqError.None);
      const pr = r.request!;
      expect<u64>(pr.amount).toBe(21);
      expect(pr.unit!).toBe("sat");
      expect(pr.mints[0]).toBe("https://mint.example.com");
      expect(pr.nut10!.kind).toBe("P2PK");
      expect(pr.nut10!.tags[0][1]).toBe("1900000000");
      expect(pr.transports.length).toBe(0);
    }
  });

  it("refuses an amount without a unit (NUT-18)", () => {
    const pr = nut24();
    pr.unit = null;
    expect<i32>(encodeCreqA(pr).error).toBe(CreqError.AmountWithoutUnit);
    expect<i32>(encodeCreqB(pr).error).toBe(CreqError.AmountWithoutUnit);
  });

  it("refuses what creqB cannot carry", () => {
    const pr = nut24();
    pr.nut10!.kind = "DLC";
    expect<i32>(encodeCreqB(pr).error).toBe(CreqError.UnknownNut10Kind);
    expect<i32>(encodeCreqA(pr).error).toBe(CreqError.None);
    const t = new Transport();
    t.type = "email";
    t.target = "a@b";
    const p2 = nut24();
    p2.transports.push(t);
    expect<i32>(encodeCreqB(p2).error).toBe(CreqError.UnknownTransport);
    t.type = "nostr";
    expect<i32>(encodeCreqB(p2).error).toBe(CreqError.BadNostrTarget);
    const p3 = nut24();
    p3.nut10!.tags.push(["x", "y".repeat(300)]);
    expect<i32>(encodeCreqB(p3).error).toBe(CreqError.StringTooLong);
    const p4 = nut24();
    p4.description = "d".repeat(1200);
    expect<i32>(encodeCreqB(p4).error).toBe(CreqError.TooLong);
  });
});

describe("creqA strictness", () => {
  it("names prefix, base64 and CBOR errors", () => {
    expect<i32>(err("")).toBe(CreqError.Empty);
    expect<i32>(err("creq")).toBe(CreqError.BadPrefix);
    expect<i32>(err("cashuBo2F0")).toBe(CreqError.BadPrefix);
    expect<i32>(err("creqA!!!!")).toBe(CreqError.BadBase64);
    expect<i32>(err("creqA")).toBe(CreqError.BadCbor);
    expect<i32>(err("creqAoWFh")).toBe(CreqError.BadCbor); // {a: <missing>}
    const w = new CborWriter();
    w.mapHeader(1).text("a").text("ten");
    expect<i32>(err(creqA(w))).toBe(CreqError.WrongType);
    const l = new CreqLimits();
    l.maxLength = 10;
    expect<i32>(decodePaymentRequest(encodeCreqA(nut24()).value, l).error).toBe(CreqError.TooLong);
  });

  it("rejects duplicate keys and missing transport/nut10 fields, skips unknown ones", () => {
    const w = new CborWriter();
    w.mapHeader(2).text("u").text("sat").text("u").text("usd");
    expect<i32>(err(creqA(w))).toBe(CreqError.BadCbor);
    const w2 = new CborWriter();
    w2.mapHeader(1).text("t").arrayHeader(1).mapHeader(1).text("t").text("post");
    expect<i32>(err(creqA(w2))).toBe(CreqError.MissingField);
    const w3 = new CborWriter();
    w3.mapHeader(1).text("nut10").mapHeader(1).text("k").text("P2PK");
    expect<i32>(err(creqA(w3))).toBe(CreqError.MissingField);
    const w4 = new CborWriter();
    w4.mapHeader(3).text("zz").arrayHeader(2).uint(1).uint(2).text("a").uint(5).text("u").text("sat");
    const r = decodePaymentRequest(creqA(w4));
    expect<i32>(r.error).toBe(CreqError.None);
    expect<u64>(r.request!.amount).toBe(5);
  });

  it("reads cashu-ts's `undefined` for absent optional values", () => {
    const w = new CborWriter();
    w.mapHeader(2).text("t").arrayHeader(1).mapHeader(3).text("t").text("post").text("a").text("https://x.y").text("g").undefined();
    w.text("d").undefined();
    const r = decodePaymentRequest(creqA(w));
    expect<i32>(r.error).toBe(CreqError.None);
    expect(r.request!.transports[0].tags.length).toBe(0);
    expect(r.request!.description).toBeNull();
  });

  it("bounds list lengths and strings", () => {
    const w = new CborWriter();
    w.mapHeader(1).text("m").arrayHeader(17);
    for (let i = 0; i < 17; i++) w.text("https://m" + i.toString());
    expect<i32>(err(creqA(w))).toBe(CreqError.TooMany);
    const w2 = new CborWriter();
    w2.mapHeader(1).text("d").text("x".repeat(3000));
    expect<i32>(err(creqA(w2))).toBe(CreqError.StringTooLong);
  });
});

describe("creqB strictness", () => {
  it("names bech32 and prefix errors", () => {
    expect<i32>(err("creqb1qqqqqqqq")).toBe(CreqError.BadBech32);
    expect<i32>(err("CREQB1qyqqsc3hvyunqvfhxcpqqzqqqqqqqqqqqq9qxqqpqqzsq")).toBe(CreqError.BadBech32);
    const other = bech32Encode("creqc", new Uint8Array(3), Bech32Variant.Bech32m).value;
    expect<i32>(err(other)).toBe(CreqError.BadPrefix);
    const b32 = bech32Encode("creqb", new Uint8Array(3), Bech32Variant.Bech32).value;
    expect<i32>(err(b32)).toBe(CreqError.BadBech32);
  });

  it("checks TLV framing, sizes, duplicates and UTF-8; ignores unknown tags", () => {
    expect<i32>(err(creqB([1, 0, 5, 0x61]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([1, 0]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([2, 0, 4, 0, 0, 0, 1]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([4, 0, 1, 2]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([3, 0, 0]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([1, 0, 1, 0x61, 1, 0, 1, 0x62]))).toBe(CreqError.DuplicateField);
    expect<i32>(err(creqB([6, 0, 1, 0xff]))).toBe(CreqError.BadUtf8);
    const r = decodePaymentRequest(creqB([0x63, 0, 2, 9, 9, 3, 0, 1, 0, 5, 0, 1, 0x6d, 5, 0, 1, 0x6e]));
    expect<i32>(r.error).toBe(CreqError.None);
    expect(r.request!.unit!).toBe("sat");
    expect(r.request!.mints.join(",")).toBe("m,n");
    const empty = decodePaymentRequest(creqB([]));
    expect<i32>(empty.error).toBe(CreqError.None);
  });

  it("checks transport and nut10 sub-fields", () => {
    expect<i32>(err(creqB([7, 0, 4, 1, 0, 1, 1]))).toBe(CreqError.MissingField);
    expect<i32>(err(creqB([7, 0, 8, 1, 0, 1, 7, 2, 0, 1, 0x61]))).toBe(CreqError.UnknownTransport);
    expect<i32>(err(creqB([7, 0, 8, 1, 0, 1, 0, 2, 0, 1, 0x61]))).toBe(CreqError.BadNostrTarget);
    expect<i32>(err(creqB([7, 0, 12, 1, 0, 1, 1, 2, 0, 1, 0x61, 3, 0, 2, 5, 0x61]))).toBe(CreqError.BadTlv);
    expect<i32>(err(creqB([8, 0, 8, 1, 0, 1, 5, 2, 0, 1, 0x61]))).toBe(CreqError.UnknownNut10Kind);
    expect<i32>(err(creqB([8, 0, 4, 1, 0, 1, 0]))).toBe(CreqError.MissingField);
    expect<i32>(err(creqB([8, 0, 2, 1, 0, 8, 0, 2, 1, 0]))).toBe(CreqError.BadTlv);
    const r = decodePaymentRequest(creqB([8, 0, 15, 1, 0, 1, 0, 2, 0, 1, 0x61, 3, 0, 4, 1, 0x6b, 1, 0x76]));
    expect<i32>(r.error).toBe(CreqError.None);
    expect(r.request!.nut10!.kind).toBe("P2PK");
    expect(r.request!.nut10!.tags[0].join("=")).toBe("k=v");
  });
});

describe("nostr targets", () => {
  it("reads npub and nprofile (NIP-19 examples) and writes nprofile", () => {
    const pk = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
    const a = decodeNostrTarget("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6")!;
    expect(toHex(a.pubkey)).toBe(pk);
    expect(a.relays.length).toBe(0);
    const np = "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";
    const b = decodeNostrTarget(np)!;
    expect(toHex(b.pubkey)).toBe(pk);
    expect(b.relays.join(" ")).toBe("wss://r.x.com wss://djbas.sadkb.com");
    expect(encodeNprofile(b.pubkey, b.relays)!).toBe(np);
    expect(decodeNostrTarget("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5")).toBeNull();
    expect(decodeNostrTarget("https://example.com")).toBeNull();
  });
});
