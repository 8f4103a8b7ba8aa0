import { bearerCashu, extractPaymentToken, TokenSource } from "../core/cashu/headers";
import { PaymentHeaderError } from "../core/cashu/errors";

describe("payment headers", () => {
  it("takes X-Cashu, trimmed", () => {
    const r = extractPaymentToken("  cashuBabc \t", null);
    expect<i32>(r.error).toBe(PaymentHeaderError.None);
    expect<i32>(r.source).toBe(TokenSource.XCashu);
    expect(r.token).toBe("cashuBabc");
  });

  it("takes Authorization: Bearer cashu… in any case of the scheme", () => {
    const r = extractPaymentToken(null, "bEaReR   cashuAxyz");
    expect<i32>(r.source).toBe(TokenSource.Authorization);
    expect(r.token).toBe("cashuAxyz");
    expect(bearerCashu("Bearer\tcashu:cashuBq")!).toBe("cashu:cashuBq");
  });

  it("ignores Authorization that is not a Cashu bearer token (it belongs to the upstream)", () => {
    expect(bearerCashu("Bearer eyJhbGciOi.x.y")).toBeNull();
    expect(bearerCashu("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerCashu("Bearercashu")).toBeNull();
    expect(bearerCashu("Bearer")).toBeNull();
    const r = extractPaymentToken(null, "Bearer eyJhbGciOi.x.y");
    expect<i32>(r.error).toBe(PaymentHeaderError.NoToken);
    const r2 = extractPaymentToken("cashuBabc", "Bearer eyJhbGciOi.x.y");
    expect<i32>(r2.source).toBe(TokenSource.XCashu);
  });

  it("treats a blank X-Cashu as absent, and nothing at all as NoToken", () => {
    expect<i32>(extractPaymentToken("   ", null).error).toBe(PaymentHeaderError.NoToken);
    expect<i32>(extractPaymentToken(null, null).error).toBe(PaymentHeaderError.NoToken);
    expect<i32>(extractPaymentToken("", "Bearer cashuBq").source).toBe(TokenSource.Authorization);
  });

  it("passes X-Cashu through even when it is not a token (decodeToken then says why)", () => {
    const r = extractPaymentToken("garbage", null);
    expect<i32>(r.error).toBe(PaymentHeaderError.None);
    expect(r.token).toBe("garbage");
  });

  it("accepts the same token in both headers and refuses two different ones", () => {
    const same = extractPaymentToken("cashuBabc", "Bearer cashuBabc");
    expect<i32>(same.error).toBe(PaymentHeaderError.None);
    expect<i32>(same.source).toBe(TokenSource.Both);
    const diff = extractPaymentToken("cashuBabc", "Bearer cashuBdef");
    expect<i32>(diff.error).toBe(PaymentHeaderError.ConflictingTokens);
    expect(diff.token).toBe("");
    expect(diff.reason().length).toBeGreaterThan(0);
  });
});
