// The payment scenario suite, run against every host build of the same paygress.wasm: Envoy
// (test/e2e/gate.test.ts), NGINX with the native module, the Go middleware and Traefik with
// forward-auth. Everything is real: the proxy, a Nutshell mint (input fee 100 ppk), a second mint
// whose tokens are not accepted, cashu-ts wallets. Each scenario reads like the curl session it
// replaces: 402 -> pay -> 200 + pass, pass reuse without a mint call, expired/tampered passes,
// cashuA, replay, another mint, underpayment after fees, malformed tokens, concurrent double-spend,
// mint outage (fail closed, then recovery), and the operator recovering every earned proof, also
// after the proxy is killed right after a swap.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodePaymentRequest, getDecodedToken, type Proof } from "@cashu/cashu-ts";
import { Backend } from "./backend.ts";
import { Mint } from "./mint.ts";
import { sleep, waitFor } from "./procs.ts";
import { TestWallet } from "./wallet.ts";
import { Stack, onFailureDump } from "./stack.ts";
import { TcpRelay } from "./tcpproxy.ts";
import { EARNINGS_SEED, OPERATOR_PRIVKEY, OPERATOR_PUBKEY, PASS_KEY, pluginConfig } from "./config.ts";
import { collect } from "../../tools/paygress-collect.ts";

export const PRICE = 10;
/** What the 402 asks: the price plus the fee allowance at the scenario mint (100 ppk: one proof per bit of 11 costs 1). */
export const ADVERTISED = 11;
export const MINT_TIMEOUT_MS = 1500;

/** A running proxy with Paygress in front of the backend. */
export interface ProxyUnderTest {
  readonly url: string;
  /** SIGKILL: the proxy dies at once, whatever it was doing. */
  kill(): Promise<void>;
  /** A new proxy process with the same configuration (in-memory state is gone). */
  restart(): Promise<void>;
  /** Prometheus text of the proxy's metrics, when it exports them. */
  metrics?: () => Promise<string>;
  /** Everything the proxy logged so far (the audit lines among it), when the host keeps logs. */
  logs?: () => string;
}

export interface ScenarioContext {
  stack: Stack;
  mint: Mint;
  backend: Backend;
  /** Where the proxy reaches the mint: 127.0.0.1:mintPort (a relay that can make the mint hang). */
  mintPort: number;
  /** The plugin configuration; its mint's `cluster` is "mint", to reach 127.0.0.1:mintPort. */
  pluginConfig: Record<string, unknown>;
}

export function scenarioPluginConfig(mintUrl: string): Record<string, unknown> {
  return pluginConfig({
    mints: [{ url: mintUrl, cluster: "mint", timeout_ms: MINT_TIMEOUT_MS }],
    routes: [
      { id: "free", prefix: "/free", price: 0 },
      { id: "short", prefix: "/short", price: PRICE, pass_ttl_seconds: 1 },
      { id: "paid", prefix: "/", price: PRICE },
    ],
  });
}

export interface ScenarioOptions {
  /** The host exports Prometheus metrics (Envoy): check their labels. */
  metrics?: boolean;
  /** The host keeps the module's log lines: check the audit lines and that no secret leaks. */
  logs?: boolean;
}

export function paymentScenarios(hostName: string, startProxy: (ctx: ScenarioContext) => Promise<ProxyUnderTest>, opts: ScenarioOptions = {}): void {
describe(`payment scenarios: ${hostName}, real mint, cashu-ts wallet`, () => {
  const stack = new Stack(`scenarios-${hostName.toLowerCase().replace(/\W+/g, "-")}`);
  let mint: Mint;
  let otherMint: Mint;
  let backend: Backend;
  let proxy: ProxyUnderTest;
  let wallet: TestWallet;
  let otherWallet: TestWallet;
  let relay: TcpRelay;
  let earnedExpected = 0;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${proxy.url}${path}`, { headers });
  const mintCalls = async () => mint.requestCount();
  const sum = (ps: Proof[]) => ps.reduce((s, p) => s + Number(p.amount), 0);

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: 100 }).start());
    otherMint = stack.add(await new Mint({ logDir: stack.dir, name: "other-mint", privateKey: "another-mint-key" }).start());
    backend = stack.add(await new Backend().start());
    relay = stack.add(await new TcpRelay("127.0.0.1", mint.port).start());
    proxy = await startProxy({ stack, mint, backend, mintPort: relay.port, pluginConfig: scenarioPluginConfig(mint.url) });
    wallet = await new TestWallet(mint.url).load();
    otherWallet = await new TestWallet(otherMint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("answers 402 with a NUT-24 X-Cashu payment request a wallet can decode", async () => {
    const r = await get("/article");
    assert.equal(r.status, 402);
    const creq = r.headers.get("x-cashu") ?? "";
    assert.match(creq, /^creqA/);
    const pr = decodePaymentRequest(creq);
    assert.equal(Number(pr.amount), ADVERTISED);
    assert.equal(pr.unit, "sat");
    assert.deepEqual(pr.mints, [mint.url]);
    const body = await r.json();
    assert.equal(body.amount, ADVERTISED);
    assert.equal(body.route, "paid");
    assert.equal(body.payment_request, creq);
    assert.equal(Number(decodePaymentRequest(body.payment_request_creqb).amount), ADVERTISED);
    assert.equal(backend.requests.length, 0);
  });

  it("lets free routes through without payment", async () => {
    assert.equal((await get("/free/x")).status, 200);
  });

  let pass = "";
  it("pays with a cashuB token: 200, a pass, a receipt and spendable change", async () => {
    const proofs = await wallet.mint(16); // one 16-sat proof: fee ceil(100/1000) = 1, change 5
    assert.equal(proofs.length, 1);
    const r = await get("/article", { "X-Cashu": wallet.encodeB(proofs) });
    assert.equal(r.status, 200, await r.clone().text());
    earnedExpected += PRICE;
    pass = r.headers.get("x-paygress-pass") ?? "";
    assert.match(pass, /^p1\.k1\.\d+\.paid\./);
    assert.match(r.headers.get("set-cookie") ?? "", /^paygress_pass=p1\./);
    assert.equal(r.headers.get("x-paygress-receipt"), "amount=16; fee=1; earned=10; change=5; unit=sat; route=paid");
    const change = r.headers.get("x-cashu-change") ?? "";
    const decoded = getDecodedToken(change, []);
    assert.equal(sum(decoded.proofs), 5);
    const received = await wallet.wallet.receive(change); // the change is real ecash
    assert.equal(sum(received), 5 - 1);
  });

  it("serves the same route with the pass and no mint call", async () => {
    const before = await mintCalls();
    for (let i = 0; i < 5; i++) {
      assert.equal((await get("/article", { "X-Paygress-Pass": pass })).status, 200);
    }
    assert.equal((await get("/other", { Authorization: `Bearer ${pass}` })).status, 200);
    assert.equal((await get("/article", { Cookie: `theme=dark; paygress_pass=${pass}` })).status, 200);
    await sleep(300); // let the mint's log catch up before counting
    assert.equal(await mintCalls(), before, "a valid pass must not call the mint");
  });

  it("refuses tampered, wrong-scope and expired passes with 402", async () => {
    const tampered = pass.slice(0, -2) + (pass.endsWith("A") ? "BB" : "AA");
    const r1 = await get("/article", { "X-Paygress-Pass": tampered });
    assert.equal(r1.status, 402);
    assert.equal((await r1.json()).code, "pass_bad_signature");
    const r2 = await get("/short/x", { "X-Paygress-Pass": pass });
    assert.equal(r2.status, 402);
    assert.equal((await r2.json()).code, "pass_wrong_scope");
    const paid = await get("/short/x", { "X-Cashu": wallet.encodeB(await wallet.mint(16)) });
    assert.equal(paid.status, 200);
    earnedExpected += PRICE;
    const shortPass = paid.headers.get("x-paygress-pass") ?? "";
    assert.equal((await get("/short/x", { "X-Paygress-Pass": shortPass })).status, 200);
    await sleep(2100);
    const r3 = await get("/short/x", { "X-Paygress-Pass": shortPass });
    assert.equal(r3.status, 402);
    assert.equal((await r3.json()).code, "pass_expired");
  });

  it("accepts cashuA tokens too, and Authorization: Bearer cashu...", async () => {
    const a = await get("/article", { "X-Cashu": wallet.encodeA(await wallet.mint(16)) });
    assert.equal(a.status, 200, await a.clone().text());
    earnedExpected += PRICE;
    const b = await get("/article", { Authorization: `Bearer ${wallet.encodeB(await wallet.mint(16))}` });
    assert.equal(b.status, 200, await b.clone().text());
    earnedExpected += PRICE;
  });

  it("answers 402 with a fresh request to a replayed (spent) token", async () => {
    const token = wallet.encodeB(await wallet.mint(16));
    assert.equal((await get("/article", { "X-Cashu": token })).status, 200);
    earnedExpected += PRICE;
    const replay = await get("/article", { "X-Cashu": token });
    assert.equal(replay.status, 402);
    assert.match(replay.headers.get("x-cashu") ?? "", /^creqA/);
    assert.equal((await replay.json()).code, "token_spent");
  });

  it("answers 400 to a token from a mint it does not accept", async () => {
    const r = await get("/article", { "X-Cashu": otherWallet.encodeB(await otherWallet.mint(16)) });
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.error, "mint_not_accepted");
    assert.match(body.message, new RegExp(otherMint.url.replace(/[.:/]/g, ".")));
  });

  it("answers 400 when the token does not cover price plus the mint's input fee", async () => {
    const proofs = await wallet.mint(10); // 8 + 2: fee ceil(200/1000) = 1, 9 < 10
    assert.equal(sum(proofs), 10);
    const r = await get("/article", { "X-Cashu": wallet.encodeB(proofs) });
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.error, "insufficient_amount");
    assert.match(body.message, /input fee of 1/);
    // Nothing was spent: the same proofs still pay once topped up.
    const more = await wallet.mint(2);
    assert.equal((await get("/article", { "X-Cashu": wallet.encodeB([...proofs, ...more]) })).status, 200);
    earnedExpected += PRICE;
  });

  it("answers 400 with a clear reason to malformed tokens", async () => {
    const cases: Array<[string, RegExp]> = [
      ["cashuBnot-base64!!", /base64/],
      ["cashuCabc", /version/],
      ["hello", /cashuA or cashuB/],
      [wallet.encodeB(await wallet.mint(4)).slice(0, 60), /CBOR|truncated|base64/],
    ];
    for (const [token, reason] of cases) {
      const r = await get("/article", { "X-Cashu": token });
      assert.equal(r.status, 400, token);
      const body = await r.json();
      assert.equal(body.error, "malformed_token");
      assert.match(body.message, reason);
    }
  });

  it("lets exactly one of 20 concurrent requests with the same token through", async () => {
    const token = wallet.encodeB(await wallet.mint(16));
    const results = await Promise.all(Array.from({ length: 20 }, () => get("/article", { "X-Cashu": token }).then((r) => r.status)));
    assert.equal(results.filter((s) => s === 200).length, 1, `statuses: ${results.join(",")}`);
    assert.ok(results.every((s) => s === 200 || s === 402), `statuses: ${results.join(",")}`);
    earnedExpected += PRICE;
  });

  if (opts.logs) it("logs one audit line per payment and never a token, pass or secret", async () => {
    const log = proxy.logs!();
    const audits = log.split("\n").filter((l) => l.includes('"event":"paygress.payment"'));
    assert.ok(audits.some((l) => l.includes('"outcome":"paid"')), "paid audit lines");
    assert.ok(audits.some((l) => l.includes('"outcome":"spent"')), "spent audit lines");
    assert.ok(audits.some((l) => l.includes('"outcome":"rejected"')), "rejected audit lines");
    assert.doesNotMatch(log, /cashu[AB][A-Za-z0-9_-]{20}/, "no token in the logs");
    assert.doesNotMatch(log, /p1\.k1\.\d+\.\w+\.[A-Za-z0-9_-]{20}/, "no pass in the logs");
    assert.ok(!log.includes(EARNINGS_SEED) && !log.includes(PASS_KEY), "no secret in the logs");
  });

  if (opts.metrics) it("exports Prometheus metrics labelled by route, mint and outcome", async () => {
    const text = await proxy.metrics!();
    assert.match(text, /paygress_requests_total\{[^}]*route="paid"[^}]*outcome="paid"[^}]*\} \d+/);
    assert.match(text, /paygress_requests_total\{[^}]*outcome="pass"[^}]*\} \d+/);
    assert.match(text, /paygress_requests_total\{[^}]*outcome="spent"[^}]*\} \d+/);
    assert.match(text, /paygress_earned_total\{[^}]*route="paid"[^}]*\} \d+/);
    assert.doesNotMatch(text, /cashu[AB][A-Za-z0-9_-]{20}/, "no token in metrics");
  });

  it("fails closed with 503 within the mint timeout while the mint is down, and recovers", async () => {
    const token = wallet.encodeB(await wallet.mint(16));
    await mint.stop();
    const t0 = Date.now();
    const r = await get("/article", { "X-Cashu": token });
    const ms = Date.now() - t0;
    assert.equal(r.status, 503);
    assert.ok(r.headers.get("retry-after"));
    assert.ok(ms < MINT_TIMEOUT_MS + 1000, `answered after ${ms} ms`);
    assert.equal((await r.json()).error, "mint_unavailable");
    await mint.start();
    const again = await get("/article", { "X-Cashu": token });
    assert.equal(again.status, 200, await again.clone().text());
    earnedExpected += PRICE;
  });

  it("fails closed with 503 after the mint timeout when the mint hangs, and recovers", async () => {
    const token = wallet.encodeB(await wallet.mint(16));
    relay.blackhole = true;
    relay.resetConnections();
    const t0 = Date.now();
    const r = await get("/article", { "X-Cashu": token });
    const ms = Date.now() - t0;
    relay.blackhole = false;
    assert.equal(r.status, 503, await r.clone().text());
    assert.ok(r.headers.get("retry-after"));
    assert.ok(ms >= MINT_TIMEOUT_MS * 0.8 && ms < MINT_TIMEOUT_MS + 1500, `answered after ${ms} ms (timeout ${MINT_TIMEOUT_MS} ms)`);
    relay.resetConnections();
    const again = await get("/article", { "X-Cashu": token });
    assert.equal(again.status, 200, await again.clone().text());
    earnedExpected += PRICE;
  });

  it("keeps every earned proof recoverable, even when the proxy is killed right after a swap", async () => {
    const token = wallet.encodeB(await wallet.mint(16));
    const seen = backend.requests.length;
    const inflight = get("/slow/30000", { "X-Cashu": token }).catch(() => null);
    // The upstream sees the request only after the mint signed the swap.
    await waitFor("paid request reaching the upstream", async () => backend.requests.length > seen);
    await proxy.kill();
    await inflight;
    earnedExpected += PRICE;

    // A new proxy process (shared counters gone) keeps earning without reusing counters.
    await proxy.restart();
    const r = await get("/article", { "X-Cashu": wallet.encodeB(await wallet.mint(16)) });
    assert.equal(r.status, 200, await r.clone().text());
    earnedExpected += PRICE;

    const found = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n,
      gapBatches: 3, batch: 100, json: false, unit: "sat" });
    assert.equal(found.amount, earnedExpected, "the collector finds exactly what the gate earned");
    assert.equal(found.spentFound, 0);
    // Locked to the operator: unspendable without the key...
    const locked = wallet.encodeB(found.proofs);
    await assert.rejects(wallet.wallet.receive(locked));
    // ...and redeemable with it.
    const redeemed = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n,
      privkey: OPERATOR_PRIVKEY, gapBatches: 3, batch: 100, json: false, unit: "sat" });
    assert.ok(redeemed.redeemed! > 0 && redeemed.redeemed! <= earnedExpected && redeemed.redeemed! >= earnedExpected - Math.ceil(found.proofs.length * 100 / 1000));
    assert.equal(sum(getDecodedToken(redeemed.token!, []).proofs), redeemed.redeemed);
  });
});
}
