import {
  deriveKeysetIdV1, deriveKeysetIdV2, findKeyset, Keyset, KeysetLimits, parseKeys, parseKeysResponse, parseKeysetsResponse,
  resolveKeysetId, verifyKeysetId,
} from "../core/cashu/keyset";
import { KeysetError } from "../core/cashu/errors";
import { hexToBytes } from "../core/cashu/keyset-id";

// NUT-02 v1 vector keys (id 00456a94ab4e1c46) and their v2 id with unit sat, fee 100, expiry 2059210353.
const KEYS = "{\"1\":\"03a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\",\"2\":\"03fd4ce5a16b65576145949e6f99f445f8249fee17c606b688b504a849cdc452de\",\"4\":\"02648eccfa4c026960966276fa5a4cae46ce0fd432211a4f449bf84f13aa5f8303\",\"8\":\"02fdfd6796bfeac490cbee12f778f867f0a2c68f6508d17c649759ea0dc3547528\"}";
const KEYS_SHUFFLED = "{\"8\":\"02fdfd6796bfeac490cbee12f778f867f0a2c68f6508d17c649759ea0dc3547528\",\"2\":\"03fd4ce5a16b65576145949e6f99f445f8249fee17c606b688b504a849cdc452de\",\"1\":\"03a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\",\"4\":\"02648eccfa4c026960966276fa5a4cae46ce0fd432211a4f449bf84f13aa5f8303\"}";
const V1 = "00456a94ab4e1c46";
const V2 = "015ba18a8adcd02e715a58358eb618da4a4b3791151a4bee5e968bb88406ccf76a";

function keysResponse(id: string, extra: string = ""): string {
  return "{\"keysets\":[{\"id\":\"" + id + "\",\"unit\":\"sat\",\"active\":true" + extra + ",\"keys\":" + KEYS + "}]}";
}

describe("keys and keyset responses", () => {
  it("sorts keys by amount, whatever the JSON order", () => {
    const k = parseKeys(KEYS_SHUFFLED);
    expect<i32>(k.error).toBe(KeysetError.None);
    expect<u64>(k.amounts[0]).toBe(1);
    expect<u64>(k.amounts[3]).toBe(8);
    expect(deriveKeysetIdV1(k.pubkeys)).toBe(V1);
  });

  it("parses /v1/keys with v1 and v2 ids and verifies them", () => {
    const r = parseKeysResponse(keysResponse(V1));
    expect<i32>(r.error).toBe(KeysetError.None);
    const ks = r.keysets[0];
    expect(ks.active).toBe(true);
    expect<u64>(ks.inputFeePpk).toBe(0);
    expect(ks.hasFinalExpiry).toBe(false);
    expect(ks.keyFor(4)).not.toBeNull();
    expect(ks.keyFor(3)).toBeNull();
    const r2 = parseKeysResponse(keysResponse(V2, ",\"input_fee_ppk\":100,\"final_expiry\":2059210353"));
    expect<i32>(r2.error).toBe(KeysetError.None);
    expect<u64>(r2.keysets[0].finalExpiry).toBe(2059210353);
  });

  it("refuses keys that do not hash to their id", () => {
    const r = parseKeysResponse(keysResponse(V2, ",\"input_fee_ppk\":101,\"final_expiry\":2059210353"));
    expect<i32>(r.error).toBe(KeysetError.KeysetIdMismatch);
    expect(r.keysets.length).toBe(0);
    expect<i32>(parseKeysResponse(keysResponse("00456a94ab4e1c47")).error).toBe(KeysetError.KeysetIdMismatch);
    // ...unless the caller verifies later (e.g. after merging final_expiry from /v1/keysets).
    const r2 = parseKeysResponse(keysResponse(V2, ",\"input_fee_ppk\":100"), false);
    expect<i32>(r2.error).toBe(KeysetError.None);
    const ks = r2.keysets[0];
    expect<i32>(verifyKeysetId(ks)).toBe(KeysetError.KeysetIdMismatch);
    ks.finalExpiry = 2059210353;
    ks.hasFinalExpiry = true;
    expect<i32>(verifyKeysetId(ks)).toBe(KeysetError.None);
  });

  it("treats null fee/expiry as absent and reads inactive keysets", () => {
    const r = parseKeysetsResponse("{\"keysets\":[{\"id\":\"" + V2 + "\",\"unit\":\"sat\",\"active\":false,\"input_fee_ppk\":null,\"final_expiry\":null},{\"id\":\"" + V1 + "\",\"unit\":\"usd\",\"active\":true,\"input_fee_ppk\":250}]}");
    expect<i32>(r.error).toBe(KeysetError.None);
    expect(r.keysets.length).toBe(2);
    expect(r.keysets[0].active).toBe(false);
    expect<u64>(r.keysets[0].inputFeePpk).toBe(0);
    expect(r.keysets[0].hasKeys()).toBe(false);
    expect<u64>(findKeyset(r.keysets, V1)!.inputFeePpk).toBe(250);
  });

  it("skips legacy base64 ids and unknown versions instead of failing the whole list", () => {
    const r = parseKeysetsResponse("{\"keysets\":[{\"id\":\"I2yN+iRYfkzT\",\"unit\":\"sat\",\"active\":false},{\"id\":\"02aaaaaaaaaaaaaa\",\"unit\":\"sat\",\"active\":true},{\"id\":\"" + V1 + "\",\"unit\":\"sat\",\"active\":true}]}");
    expect<i32>(r.error).toBe(KeysetError.None);
    expect(r.keysets.length).toBe(1);
    expect(r.skipped).toBe(2);
  });

  it("names malformed responses", () => {
    expect<i32>(parseKeysetsResponse("{").error).toBe(KeysetError.BadJson);
    expect<i32>(parseKeysetsResponse("[]").error).toBe(KeysetError.WrongType);
    expect<i32>(parseKeysetsResponse("{}").error).toBe(KeysetError.MissingField);
    expect<i32>(parseKeysetsResponse("{\"keysets\":[{\"id\":\"" + V1 + "\"}]}").error).toBe(KeysetError.MissingField);
    expect<i32>(parseKeysetsResponse("{\"keysets\":[{\"id\":\"" + V1 + "\",\"unit\":\"sat\",\"input_fee_ppk\":-1}]}").error).toBe(KeysetError.WrongType);
    expect<i32>(parseKeysetsResponse("{\"keysets\":[{\"id\":\"" + V1 + "\",\"unit\":\"\"}]}").error).toBe(KeysetError.BadUnit);
    expect<i32>(parseKeysetsResponse("{\"keysets\":[{\"id\":\"" + V1 + "\",\"unit\":\"sat\"},{\"id\":\"" + V1 + "\",\"unit\":\"sat\"}]}").error).toBe(KeysetError.DuplicateKeysetId);
    expect<i32>(parseKeys("{}").error).toBe(KeysetError.NoKeys);
    expect<i32>(parseKeys("{\"0\":\"03a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\"}").error).toBe(KeysetError.BadAmount);
    expect<i32>(parseKeys("{\"01\":\"03a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\"}").error).toBe(KeysetError.BadAmount);
    expect<i32>(parseKeys("{\"18446744073709551616\":\"03a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\"}").error).toBe(KeysetError.BadAmount);
    expect<i32>(parseKeys("{\"1\":\"04a40f20667ed53513075dc51e715ff2046cad64eb68960632269ba7f0210e38bc\"}").error).toBe(KeysetError.BadPublicKey);
    expect<i32>(parseKeys("{\"1\":7}").error).toBe(KeysetError.BadPublicKey);
    const l = new KeysetLimits();
    l.maxKeys = 3;
    expect<i32>(parseKeys(KEYS, l).error).toBe(KeysetError.TooManyKeys);
    l.maxLength = 100;
    expect<i32>(parseKeysResponse(keysResponse(V1), true, l).error).toBe(KeysetError.TooLong);
    l.maxLength = 1 << 20;
    l.maxKeysets = 0;
    expect<i32>(parseKeysResponse(keysResponse(V1), true, l).error).toBe(KeysetError.TooManyKeysets);
  });

  it("derives v2 ids from unit, fee and expiry", () => {
    const k = parseKeys(KEYS);
    expect(deriveKeysetIdV2(k.amounts, k.pubkeys, "sat", 100, 2059210353)).toBe(V2);
    expect(deriveKeysetIdV2(k.amounts, k.pubkeys, "sat", 0, 2059210353)).not.toBe(V2);
    const ks = new Keyset();
    ks.id = "zz";
    expect<i32>(verifyKeysetId(ks)).toBe(KeysetError.NoKeys);
    ks.amounts = k.amounts;
    ks.pubkeys = k.pubkeys;
    expect<i32>(verifyKeysetId(ks)).toBe(KeysetError.BadKeysetId);
    ks.id = "03" + "00".repeat(7);
    expect<i32>(verifyKeysetId(ks)).toBe(KeysetError.UnsupportedKeysetVersion);
    expect(hexToBytes("zz", 1)).toBeNull();
  });
});

describe("short keyset ids", () => {
  it("resolve to exactly one full v2 id", () => {
    const other = "015ba18a8adcd02e" + "00".repeat(25);
    expect(resolveKeysetId(V2.substring(0, 16), [V1, V2]).id).toBe(V2);
    expect(resolveKeysetId(V2.substring(0, 16).toUpperCase(), [V2]).id).toBe(V2);
    expect<i32>(resolveKeysetId(V2.substring(0, 16), [V2, other]).error).toBe(KeysetError.AmbiguousKeyset);
    expect<i32>(resolveKeysetId(V2.substring(0, 16), [V1]).error).toBe(KeysetError.UnknownKeyset);
    expect<i32>(resolveKeysetId(V2.substring(0, 16), []).error).toBe(KeysetError.UnknownKeyset);
    expect(resolveKeysetId(V1, []).id).toBe(V1);
    expect<i32>(resolveKeysetId(V1, [], true).error).toBe(KeysetError.UnknownKeyset);
    expect<i32>(resolveKeysetId("nothex", [V2]).error).toBe(KeysetError.BadKeysetId);
    expect<i32>(resolveKeysetId("09" + "00".repeat(7), [V2]).error).toBe(KeysetError.UnsupportedKeysetVersion);
  });
});
