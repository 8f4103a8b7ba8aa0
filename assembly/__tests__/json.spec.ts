import { JsonError, JsonParser, JsonWriter, U64Result, quoteJson } from "../core/json";

function parseErr(text: string): JsonError {
  const p = new JsonParser();
  const v = p.parse(text);
  return v == null ? p.error : JsonError.None;
}

describe("json reader", () => {
  it("parses nested objects and keeps member order", () => {
    const v = new JsonParser().parse('{"b":[1,2,{"c":null}],"a":"x\\u00e9\\n","t":true}');
    expect(v).not.toBeNull();
    const o = v!.asObject()!;
    expect(o.keys.join(",")).toBe("b,a,t");
    expect(o.getString("a")).toBe("xé\n");
    expect(o.getArray("b")!.length).toBe(3);
    expect(o.get("t")!.asBool()).toBe(1);
  });

  it("keeps u64 amounts exact and refuses overflow", () => {
    const r = new U64Result();
    const big = new JsonParser().parse("18446744073709551615")!.asNumber()!;
    expect(big.asU64(r)).toBe(true);
    expect(r.value).toBe(U64.MAX_VALUE);
    const over = new JsonParser().parse("18446744073709551616")!.asNumber()!;
    expect(over.asU64(r)).toBe(false);
    expect(new JsonParser().parse("1.5")!.asNumber()!.asU64(r)).toBe(false);
    expect(new JsonParser().parse("-1")!.asNumber()!.asU64(r)).toBe(false);
    expect(new JsonParser().parse("1e3")!.asNumber()!.asU64(r)).toBe(false);
  });

  it("rejects what strict JSON rejects, with a named error", () => {
    expect(parseErr("{\"a\":1,}")).toBe(JsonError.UnexpectedChar);
    expect(parseErr("[1,]")).toBe(JsonError.UnexpectedChar);
    expect(parseErr("01")).toBe(JsonError.BadNumber);
    expect(parseErr("{\"a\":1,\"a\":2}")).toBe(JsonError.DuplicateKey);
    expect(parseErr("\"a\u0001\"")).toBe(JsonError.ControlChar);
    expect(parseErr("\"\\x\"")).toBe(JsonError.BadEscape);
    expect(parseErr("\"\\ud800\"")).toBe(JsonError.BadUnicode);
    expect(parseErr("{} x")).toBe(JsonError.TrailingData);
    expect(parseErr("[")).toBe(JsonError.UnexpectedEnd);
    expect(parseErr("")).toBe(JsonError.UnexpectedEnd);
    expect(parseErr("nul")).toBe(JsonError.UnexpectedChar);
  });

  it("bounds depth and length", () => {
    const p = new JsonParser();
    p.maxDepth = 3;
    expect(p.parse("[[[[1]]]]")).toBeNull();
    expect(p.error).toBe(JsonError.TooDeep);
    p.maxLength = 4;
    expect(p.parse("[1,2,3]")).toBeNull();
    expect(p.error).toBe(JsonError.TooLong);
  });
});

describe("json writer", () => {
  it("writes compact JSON with escapes", () => {
    const w = new JsonWriter();
    w.beginObject().kstr("a", "q\"\\\n").ku64("n", 18446744073709551615).key("l").beginArray().str("x").bool(false).endArray().endObject();
    expect(w.toString()).toBe('{"a":"q\\"\\\\\\n","n":18446744073709551615,"l":["x",false]}');
    expect(quoteJson("\u0001")).toBe('"\\u0001"');
  });
});
