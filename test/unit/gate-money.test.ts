// The compiled filter (build/paygress.wasm) on the fake proxy-wasm host against a scripted mint
// (test/lib/scriptedmint.ts: real BDHKE and DLEQ, faults on cue): the money edges, one test per
// path — the advertised amount and who pays the fee, token-derived change, answers lost after the
// mint performed a swap, replays that must not pass for lost answers, credentials stripped and the
// canonical path forwarded. The same behaviours run against real mints and proxies in test/e2e.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { blindMessage, decodePaymentRequest, deriveSecretAndBlindingFactor, getDecodedToken, hashToCurve } from "@cashu/cashu-ts";
import { FakeHost, type Headers } from "../lib/fakehost.ts";
import { ROOT } from "../lib/procs.ts";
import { pluginConfig } from "../lib/config.ts";
import { ScriptedMint } from "../lib/scriptedmint.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const PRICE = 10;

async function setup(feePpk = 100, routes?: unknown[], extra: Record<string, unknown> = {}) {
  const h = await FakeHost.load(WASM);
  const m = new ScriptedMint({ feePpk });
  const cfg = pluginConfig({ mints: [{ url: m.url, cluster: "mint" }], price: PRICE, routes, extra });
  assert.equal(h.configure(cfg), 1, h.logs.map((l) => l.message).join("\n"));
  return { h, m };
}

const GET = (path: string, extra: Headers = []): Headers => [[":method", "GET"], [":path", path], [":authority", "shop.test"], [":scheme", "http"], ...extra];

/** One request through the filter, the mint answering every call it makes. */
function run(h: FakeHost, m: ScriptedMint, headers: Headers) {
  const before = h.calls.length;
  const r = h.request(headers);
  m.serve(h, before, () => r.stream.local != null || r.stream.continued);
  const calls = h.calls.slice(before).map((c) => c.headers.find(([k]) => k === ":path")![1]);
  const passed = r.stream.local == null && (r.status === 0 || r.stream.continued);
  return { ...r, calls, passed, json: r.stream.local ? JSON.parse(r.stream.local.body || "{}") : null };
}

/** Paid request: the filter's response headers as a map. */
function respond(h: FakeHost, r: ReturnType<typeof run>): Map<string, string> {
  const out = h.responseHeaders(r.stream, [[":status", "200"]]);
  h.finish(r.stream);
  return new Map(out.headers.filter(([k]) => k !== ":status").map(([k, v]) => [k, v]));
}

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest();

/** The change seed of a token, computed independently of the gate (docs/protocol.md). */
function changeSeed(token: string): Uint8Array {
  const secrets = getDecodedToken(token, []).proofs.map((p) => Buffer.from(p.secret, "utf8")).sort(Buffer.compare);
  return sha(Buffer.concat([Buffer.from("paygress-change-v1"), ...secrets.flatMap((s) => [s, Buffer.from([0])])]));
}

describe("gate money edges on the fake host (scripted mint)", () => {
  it("advertises price + the fee of a typical payment, after reading the mint's fees once", async () => {
    for (const [ppk, amount] of [[0, 10], [100, 11], [1000, 12]] as const) {
      const { h, m } = await setup(ppk);
      const first = run(h, m, GET("/a"));
      assert.deepEqual(first.calls, ["/v1/keysets"], "the first 402 reads the fees");
      assert.equal(first.stream.local?.status, 402);
      assert.equal(Number(decodePaymentRequest(first.stream.local!.headers.find(([k]) => k === "x-cashu")![1]).amount), amount, `ppk ${ppk}`);
      assert.equal(first.json.amount, amount);
      assert.equal(first.json.route, "paid");
      const second = run(h, m, GET("/a"));
      assert.deepEqual(second.calls, [], "later 402s make no mint call");
      assert.equal(second.json.amount, amount);
    }
  });

  it("admits a token of exactly the advertised amount; the payer's fee comes out of it", async () => {
    const { h, m } = await setup(100);
    run(h, m, GET("/a"));
    const r = run(h, m, GET("/a", [["x-cashu", m.token([8, 2, 1])]]));
    assert.ok(r.passed, JSON.stringify(r.json));
    const hdr = respond(h, r);
    assert.equal(hdr.get("x-paygress-receipt"), "amount=11; fee=1; earned=10; change=0; unit=sat; route=paid");
    assert.equal(hdr.get("x-cashu-change"), undefined);
  });

  it("lets the operator absorb a larger fee, and refuses a token the fee eats whole", async () => {
    const { h, m } = await setup(1000);
    run(h, m, GET("/a"));
    // a = 12; a token of twelve 1-sat proofs pays 12 in fees: nothing left.
    const eaten = run(h, m, GET("/a", [["x-cashu", m.token(Array(12).fill(1))]]));
    assert.equal(eaten.stream.local?.status, 400);
    assert.equal(eaten.json.error, "fee_exceeds_amount");
    assert.ok(!eaten.calls.includes("/v1/swap"));
    // 12 = 4+4+2+1+1: fee 5, the operator earns 7 of its 10.
    const r = run(h, m, GET("/a", [["x-cashu", m.token([4, 4, 2, 1, 1])]]));
    assert.ok(r.passed, JSON.stringify(r.json));
    assert.equal(respond(h, r).get("x-paygress-receipt"), "amount=12; fee=5; earned=7; change=0; unit=sat; route=paid");
    // 11 < a, but 11 - 1 covers the price at a 100-ppk mint: admitted (below: 1000 ppk, refused).
    const short = run(h, m, GET("/a", [["x-cashu", m.token([8, 2, 1])]]));
    assert.equal(short.stream.local?.status, 400);
    assert.equal(short.json.error, "insufficient_amount");
    assert.match(short.json.message, /costs 12 sat/);
  });

  it("derives the change from the token: anyone holding it can rebuild the outputs", async () => {
    const { h, m } = await setup(100);
    const token = m.token([16, 4]);
    const r = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.ok(r.passed);
    const hdr = respond(h, r);
    assert.equal(hdr.get("x-paygress-receipt"), "amount=20; fee=1; earned=10; change=9; unit=sat; route=paid");
    const change = getDecodedToken(hdr.get("x-cashu-change")!, []);
    assert.deepEqual(change.proofs.map((p) => Number(p.amount)).sort((a, b) => a - b), [1, 8]);
    // Change output i: NUT-13 with seed S and counter i, ascending amounts (cashu-ts derives it).
    const S = changeSeed(token);
    const expected = [0, 1].map((i) => {
      const d = deriveSecretAndBlindingFactor(S, m.id, i);
      const secret = Buffer.from(d.secret).toString("hex");
      return { secret, B_: blindMessage(new TextEncoder().encode(secret), BigInt("0x" + Buffer.from(d.blindingFactor).toString("hex"))).B_.toHex(true) };
    });
    assert.deepEqual(change.proofs.map((p) => p.secret).sort(), expected.map((e) => e.secret).sort());
    const sent = m.swaps[0].outputs.map((o) => o.B_);
    for (const e of expected) assert.ok(sent.includes(e.B_), "the swap carried the derived change output");
  });

  for (const fault of ["perform-then-drop", "perform-then-500", "perform-then-garbage"] as const) {
    it(`recovers a payment whose swap went through but whose answer was lost (${fault})`, async () => {
      const { h, m } = await setup(100);
      const token = m.token([16, 4]);
      m.fault = fault;
      const first = run(h, m, GET("/a", [["x-cashu", token]]));
      assert.ok([502, 503].includes(first.stream.local!.status), `status ${first.stream.local?.status}`);
      assert.match(first.json.message, /present the same token again/);
      h.finish(first.stream);
      const again = run(h, m, GET("/a", [["x-cashu", token]]));
      assert.ok(again.passed, JSON.stringify(again.json));
      assert.deepEqual(again.calls, ["/v1/restore"], "the mint is asked, not charged twice");
      const hdr = respond(h, again);
      assert.equal(hdr.get("x-paygress-receipt"), "amount=20; fee=1; earned=10; change=9; unit=sat; route=paid; recovered=1");
      assert.match(hdr.get("x-paygress-pass") ?? "", /^p1\.k1\./);
      assert.equal(getDecodedToken(hdr.get("x-cashu-change")!, []).proofs.reduce((s, p) => s + Number(p.amount), 0), 9);
      assert.equal(m.swaps.length, 1, "one swap in all");
      // Once delivered, the token is spent: answered without a mint call.
      const third = run(h, m, GET("/a", [["x-cashu", token]]));
      assert.equal(third.stream.local?.status, 402);
      assert.equal(third.json.code, "token_spent");
      assert.deepEqual(third.calls, []);
    });
  }

  it("treats a lost answer of a swap that never happened as a new payment", async () => {
    const { h, m } = await setup(100);
    const token = m.token([16]);
    m.fault = "drop";
    const first = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.equal(first.stream.local?.status, 503);
    h.finish(first.stream);
    const again = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.ok(again.passed, JSON.stringify(again.json));
    assert.deepEqual(again.calls, ["/v1/restore", "/v1/swap"]);
    assert.doesNotMatch(respond(h, again).get("x-paygress-receipt")!, /recovered/);
  });

  it("never takes a token the payer swapped away for a lost answer", async () => {
    const { h, m } = await setup(100);
    const token = m.token([16]);
    m.fault = "drop";
    h.finish(run(h, m, GET("/a", [["x-cashu", token]])).stream);
    // The payer redeems the same proofs elsewhere (here: the mint marks them spent).
    const proofs = getDecodedToken(token, []).proofs;
    for (const p of proofs) m.spent.add(hashToCurveHex(p.secret));
    const again = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.equal(again.stream.local?.status, 402);
    assert.equal(again.json.code, "token_spent");
  });

  it("refuses a replay whose change outputs a payer had the mint sign (no record here)", async () => {
    const { h, m } = await setup(100);
    const token = m.token([16, 4]);
    // Another proxy redeemed the token first, with the same token-derived change outputs.
    const { h: h2 } = await setup(100);
    const other = run(h2, m, GET("/a", [["x-cashu", token]]));
    assert.ok(other.passed);
    const r = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.equal(r.stream.local?.status, 402);
    assert.equal(r.json.code, "token_spent");
    // One swap (refused: its change outputs were signed), then the restore telling a replay from a
    // counter collision.
    assert.equal(r.calls.filter((c) => c === "/v1/swap").length, 1);
    assert.equal(r.calls.at(-1), "/v1/restore");
    assert.equal(m.swaps.length, 2);
  });

  it("answers token_pending, without a mint call, while the same token is being paid", async () => {
    const { h, m } = await setup(100);
    run(h, m, GET("/a")); // fees known
    const token = m.token([16]);
    const before = h.calls.length;
    const first = h.request(GET("/a", [["x-cashu", token]]));
    // Answer the key lookups but hold the swap.
    let i = before;
    while (i < h.calls.length) {
      const c = h.calls[i];
      if (c.headers.find(([k]) => k === ":path")![1] === "/v1/swap") break;
      m.answer(h, c);
      i++;
    }
    const second = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.equal(second.stream.local?.status, 402);
    assert.equal(second.json.code, "token_pending");
    assert.ok(!second.calls.includes("/v1/swap"));
    m.answer(h, h.calls[i]);
    assert.ok(first.stream.continued);
  });

  it("reads the fees again when the mint says the swap does not balance", async () => {
    const { h, m } = await setup(0);
    run(h, m, GET("/a"));
    m.feePpk = 100; // the mint changed its fee after the gate read it
    const r = run(h, m, GET("/a", [["x-cashu", m.token([16])]]));
    assert.ok(r.passed, JSON.stringify(r.json));
    assert.deepEqual(r.calls.filter((c) => c === "/v1/swap" || c === "/v1/keysets"), ["/v1/swap", "/v1/keysets", "/v1/swap"]);
    assert.equal(respond(h, r).get("x-paygress-receipt"), "amount=16; fee=1; earned=10; change=5; unit=sat; route=paid");
  });

  it("does not hand out change whose signature fails its DLEQ proof, and says so in the receipt", async () => {
    const { h, m } = await setup(100);
    m.fault = "bad-dleq";
    const r = run(h, m, GET("/a", [["x-cashu", m.token([16, 4])]]));
    assert.ok(r.passed);
    const hdr = respond(h, r);
    assert.equal(hdr.get("x-cashu-change"), undefined);
    assert.equal(hdr.get("x-paygress-receipt"), "amount=20; fee=1; earned=10; change=0; unit=sat; route=paid; change_missing=9");
    assert.ok(h.logs.some((l) => l.message.includes("DLEQ proof does not verify")));
  });

  it("keeps a payment whose client left mid-swap: the same token gets it later", async () => {
    const { h, m } = await setup(100);
    run(h, m, GET("/a"));
    const token = m.token([16]);
    const before = h.calls.length;
    const r = h.request(GET("/a", [["x-cashu", token]]));
    let i = before;
    while (i < h.calls.length && h.calls[i].headers.find(([k]) => k === ":path")![1] !== "/v1/swap") m.answer(h, h.calls[i++]);
    h.finish(r.stream); // the client hangs up while the swap is in flight
    m.answer(h, h.calls[i]); // the mint performs it
    const again = run(h, m, GET("/a", [["x-cashu", token]]));
    assert.ok(again.passed, JSON.stringify(again.json));
    assert.match(respond(h, again).get("x-paygress-receipt")!, /recovered=1/);
  });

  it("strips payment credentials and forwards the canonical path", async () => {
    const { h, m } = await setup(100, [
      { id: "free", prefix: "/healthz", price: 0 },
      { id: "api", prefix: "/api/", price: PRICE },
      { id: "rest", prefix: "/", price: 0 },
    ]);
    const free = run(h, m, GET("/healthz/../api/x?q=1", [["authorization", "Basic dTpw"], ["cookie", "theme=dark; paygress_pass=x; lang=en"], ["x-cashu", "cashuBxyz"]]));
    assert.equal(free.passed, false, "the trick is priced as /api");
    const pay = run(h, m, GET("//%61pi/x?q=1", [["x-cashu", m.token([16])], ["authorization", "Basic dTpw"], ["cookie", "theme=dark; paygress_pass=x; lang=en"]]));
    assert.ok(pay.passed, JSON.stringify(pay.json));
    const fwd = new Map(pay.stream.requestHeaders);
    assert.equal(fwd.get(":path"), "/api/x?q=1");
    assert.equal(fwd.get("x-cashu"), undefined);
    assert.equal(fwd.get("authorization"), "Basic dTpw");
    assert.equal(fwd.get("cookie"), "theme=dark; lang=en");
    const pass = respond(h, pay).get("x-paygress-pass")!;
    // A valid pass and an unspent token: the pass is used, the token neither spent nor forwarded.
    const token = m.token([16]);
    const both = run(h, m, GET("/api/y", [["authorization", `Bearer ${token}`], ["x-paygress-pass", pass]]));
    assert.ok(both.passed);
    assert.deepEqual(both.calls, []);
    const fwd2 = new Map(both.stream.requestHeaders);
    assert.equal(fwd2.get("authorization"), undefined);
    assert.equal(fwd2.get("x-paygress-pass"), undefined);
    assert.equal(fwd2.get(":path"), "/api/y");
  });

  it("tries every pass cookie, and never sends a negative Max-Age", async () => {
    const { h, m } = await setup(0, undefined, { pass: { ttl_seconds: 2, keys: [{ id: "k1", secret: "c3".repeat(32) }], cookie: true } });
    const r = run(h, m, GET("/a", [["x-cashu", m.token([16])]]));
    assert.ok(r.passed);
    h.nowNs += 5_000_000_000n; // the upstream took 5 s, longer than the pass lives
    const hdr = respond(h, r);
    assert.equal(hdr.get("set-cookie"), undefined, `set-cookie: ${hdr.get("set-cookie")}`);
    h.nowNs -= 5_000_000_000n;
    const pass = hdr.get("x-paygress-pass")!;
    const ok = run(h, m, GET("/a", [["cookie", "paygress_pass=p1.k1.1.paid.AAAA; other=1"], ["cookie", `paygress_pass=${pass}`]]));
    assert.ok(ok.passed, JSON.stringify(ok.json));
  });

  it("refuses two different X-Cashu headers and disagreeing :authority/host, spending nothing", async () => {
    const { h, m } = await setup(100);
    const two = run(h, m, GET("/a", [["x-cashu", m.token([16])], ["x-cashu", m.token([16])]]));
    assert.equal(two.stream.local?.status, 400);
    assert.equal(two.json.error, "bad_payment_header");
    assert.deepEqual(two.calls, []);
    const hosts = run(h, m, [[":method", "GET"], [":path", "/a"], [":authority", "free.test"], ["host", "paid.test"], ["x-cashu", m.token([16])]]);
    assert.equal(hosts.stream.local?.status, 400);
    assert.equal(hosts.json.error, "conflicting_host");
    assert.equal(m.swaps.length, 0);
    const same = run(h, m, [[":method", "GET"], [":path", "/free/x"], [":authority", "Shop.Test"], ["host", "shop.test:80"]]);
    assert.ok(same.passed, "the same host spelled differently is fine");
  });

  it("refuses ambiguous paths with 400 on every route", async () => {
    const { h, m } = await setup(100);
    for (const p of ["/free/..%2f/x", "/free\\x", "/free/%00", "/free/%zz", "/free/..;/x"]) {
      const r = run(h, m, GET(p));
      assert.equal(r.stream.local?.status, 400, p);
      assert.equal(r.json.error, "bad_request_target", p);
    }
  });
});

function hashToCurveHex(secret: string): string {
  // Same as the scripted mint's spent-set key.
  return hashToCurve(new TextEncoder().encode(secret)).toHex(true);
}
