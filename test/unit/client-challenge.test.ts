// The client reads what the gate says: NUT-24 402 challenges (creqA and creqB, built here with
// cashu-ts as an independent encoder), the JSON codes and route beside them, receipts in both the
// current and the earlier format, and pass headers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PaymentRequest } from "@cashu/cashu-ts";
import { decodeChallenge, errorBody, parsePass, parseReceipt } from "../../client/lib/challenge.ts";
import { PaygressError } from "../../client/lib/errors.ts";

const MINTS = ["http://127.0.0.1:3338", "https://mint.example.com"];

function request(amount: number | undefined, unit = "sat", nut10?: unknown): PaymentRequest {
  return new PaymentRequest(undefined, undefined, amount, unit, MINTS, "test", true, nut10 as never);
}

describe("client: 402 challenges", () => {
  it("decodes creqA and creqB to the same amount, unit and mints", () => {
    const pr = request(11);
    for (const encoded of [pr.toEncodedCreqA(), pr.toEncodedCreqB(), pr.toEncodedCreqB().toLowerCase()]) {
      const ch = decodeChallenge(encoded, "");
      assert.equal(ch.amount, 11, encoded.slice(0, 6));
      assert.equal(ch.unit, "sat");
      assert.deepEqual(ch.mints, MINTS);
      assert.equal(ch.code, "payment_required");
      assert.equal(ch.locked, false);
    }
  });

  it("takes the code and route from the JSON body, and the request from the body when the header is missing", () => {
    const pr = request(21, "usd");
    const body = JSON.stringify({ error: "payment_required", code: "pass_wrong_scope", message: "m", amount: 21, unit: "usd", route: "api", payment_request: pr.toEncodedCreqA() });
    const ch = decodeChallenge(null, body);
    assert.equal(ch.amount, 21);
    assert.equal(ch.unit, "usd");
    assert.equal(ch.route, "api");
    assert.equal(ch.code, "pass_wrong_scope");
  });

  it("refuses what it cannot pay, with a reason", () => {
    const codeOf = (f: () => unknown) => { try { f(); } catch (e) { assert.ok(e instanceof PaygressError); return e.code; } return "none"; };
    assert.equal(codeOf(() => decodeChallenge(null, "")), "bad_challenge");
    assert.equal(codeOf(() => decodeChallenge("creqAgarbage", "")), "bad_challenge");
    assert.equal(codeOf(() => decodeChallenge(request(undefined, undefined as never).toEncodedCreqA(), "")), "unsupported_request");
    const locked = decodeChallenge(request(5, "sat", { kind: "P2PK", data: "02" + "11".repeat(32), tags: [] }).toEncodedCreqA(), "");
    assert.equal(locked.locked, true);
  });

  it("reads error bodies", () => {
    assert.deepEqual(errorBody('{"error":"insufficient_amount","message":"short"}'), { code: "insufficient_amount", message: "short" });
    assert.deepEqual(errorBody('{"error":"payment_required","code":"token_spent","message":"x"}'), { code: "token_spent", message: "x" });
    assert.deepEqual(errorBody("<html>"), { code: "", message: "" });
  });
});

describe("client: receipts and passes", () => {
  it("parses the receipt with recovered=1, and the earlier paid= format", () => {
    assert.deepEqual(parseReceipt("amount=16; fee=1; earned=10; change=5; unit=sat; route=paid; recovered=1"),
      { amount: 16, fee: 1, earned: 10, change: 5, unit: "sat", route: "paid", recovered: true });
    assert.deepEqual(parseReceipt("paid=10; fee=1; change=5; unit=sat"), { paid: 10, fee: 1, change: 5, unit: "sat", recovered: false });
    assert.equal(parseReceipt(null), null);
  });

  it("parses passes, route ids with dots included, expiry from the header when given", () => {
    assert.deepEqual(parsePass("p1.k1.1795309123.paid.n8hZso15ZNRjbi5p36v1Xv"), { pass: "p1.k1.1795309123.paid.n8hZso15ZNRjbi5p36v1Xv", route: "paid", expires: 1795309123 });
    assert.equal(parsePass("p1.k1.1795309123.api.v2.mac")!.route, "api.v2");
    assert.equal(parsePass("p1.k1.100.r.mac", "200")!.expires, 200);
    assert.equal(parsePass("p2.k1.1.r.m"), null);
    assert.equal(parsePass("p1.k1.x.r.m"), null);
  });
});

describe("mint URLs as the gate compares them", () => {
  it("lower-cases scheme and host, keeps the path, drops trailing slashes", async () => {
    const { normalizeMintUrl } = await import("../../client/lib/challenge.ts");
    assert.equal(normalizeMintUrl("HTTPS://Mint.Example.COM/Cashu/"), "https://mint.example.com/Cashu");
    assert.equal(normalizeMintUrl(" http://127.0.0.1:3338/ "), "http://127.0.0.1:3338");
  });
});
