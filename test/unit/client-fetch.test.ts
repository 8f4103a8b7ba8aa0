// paygressFetch's decisions against a scripted gate (a local HTTP server answering what each test
// says; the real gates are in test/e2e/client.test.ts): the same token again after 503
// mint_unavailable and 402 token_pending, the right pass after pass_wrong_scope, nothing spent on a
// 400, nothing sent above a cap. No mint is needed on these paths (exact proofs, no change).
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PaymentRequest } from "@cashu/cashu-ts";
import { createPaygressFetch } from "../../client/lib/fetch.ts";
import { ClientWallet } from "../../client/wallet/wallet.ts";
import { PaygressError } from "../../client/lib/errors.ts";

const MINT = "http://mint.test";
const CREQ = new PaymentRequest(undefined, undefined, 3, "sat", [MINT]).toEncodedCreqA();
type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

describe("client: paygressFetch against a scripted gate", () => {
  let server: Server;
  let base = "";
  let dir = "";
  let wallet: ClientWallet;
  let script: Array<(req: IncomingMessage) => Answer> = [];
  let seen: IncomingMessage[] = [];
  const challenge = (code = "payment_required", route?: string): Answer =>
    ({ status: 402, headers: { "x-cashu": CREQ }, body: { error: "payment_required", code, amount: 3, unit: "sat", mints: [MINT], route } });
  const paid = (route = "paid"): Answer => ({ status: 200, headers: {
    "x-paygress-pass": `p1.k1.${Math.floor(Date.now() / 1000) + 300}.${route}.mac${route}`, "x-paygress-receipt": `amount=3; fee=0; earned=3; change=0; unit=sat; route=${route}` }, body: { ok: true } });

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const next = script.shift();
      const a = next ? next(req) : { status: 500, body: { error: "unscripted" } };
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(JSON.stringify(a.body ?? {}));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), "paygress-client-fetch-"));
  });
  after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });
  beforeEach(async () => {
    wallet = await ClientWallet.create(join(dir, `w-${Math.random()}.json`));
    await wallet.update((s) => {
      for (const [i, amount] of [1, 2, 1, 2, 8].entries()) s.proofs.push({ mint: MINT, unit: "sat", id: "00ad268c4d1f5826", amount, secret: `s${i}`, C: "02" + "11".repeat(32) });
    });
    script = [];
    seen = [];
  });
  const pf = (opts = {}) => createPaygressFetch({ wallet, maxRetryWaitMs: 10, ...opts });

  it("sends the same token again after 503 mint_unavailable and 402 token_pending, then keeps the pass", async () => {
    script = [() => challenge(),
      () => ({ status: 503, headers: { "retry-after": "5" }, body: { error: "mint_unavailable", message: "the mint did not answer" } }),
      () => ({ ...challenge("token_pending") }),
      () => paid()];
    const events: string[] = [];
    const r = await pf({ onEvent: (e: { type: string }) => events.push(e.type) })(`${base}/a`, { method: "POST", body: "q=1" });
    assert.equal(r.status, 200);
    const tokens = seen.slice(1).map((q) => q.headers["x-cashu"]);
    assert.equal(tokens.length, 3);
    assert.match(String(tokens[0]), /^cashuB/);
    assert.ok(tokens.every((t) => t === tokens[0]), "the very same token each time");
    assert.ok(seen.every((q) => q.method === "POST"));
    assert.deepEqual(events.filter((e) => e === "retry").length, 2);
    const s = wallet.read();
    assert.equal(s.proofs.reduce((x, p) => x + p.amount, 0), 14 - 3, "exactly the asked amount left the wallet");
    assert.equal(s.ops.length, 0);
    assert.equal(s.passes.length, 1);
    assert.equal(s.spend[0].amount, 3);
    // Second call: the pass, no token.
    script = [() => ({ status: 200, body: { ok: true } })];
    seen = [];
    assert.equal((await pf()(`${base}/a`)).status, 200);
    assert.match(String(seen[0].headers["x-paygress-pass"]), /^p1\.k1\.\d+\.paid\./);
    assert.equal(seen[0].headers["x-cashu"], undefined);
  });

  it("after pass_wrong_scope naming a route it holds a pass for, sends that pass and pays nothing", async () => {
    script = [() => challenge(), () => paid("api")];
    await pf()(`${base}/api/x`);
    script = [() => challenge(), () => paid("paid")];
    await pf()(`${base}/b`);
    const before = wallet.read().proofs.length;
    // /new is unknown: the latest pass (paid) goes first; the gate says the route is api.
    script = [(q) => { assert.match(String(q.headers["x-paygress-pass"]), /\.paid\./); return challenge("pass_wrong_scope", "api"); },
      (q) => { assert.match(String(q.headers["x-paygress-pass"]), /\.api\./); return { status: 200, body: { ok: true } }; }];
    seen = [];
    assert.equal((await pf()(`${base}/new`)).status, 200);
    assert.equal(seen.length, 2);
    assert.ok(seen.every((q) => q.headers["x-cashu"] === undefined));
    assert.equal(wallet.read().proofs.length, before);
    assert.equal(wallet.read().routes[base]["/new"], "api", "learned the route of /new");
  });

  it("a 400 spends nothing: the proofs are back, the error carries the gate's reason", async () => {
    script = [() => challenge(), () => ({ status: 400, body: { error: "mint_not_accepted", message: "tokens from x are not accepted here" } })];
    await assert.rejects(pf()(`${base}/c`), (e: unknown) => e instanceof PaygressError && e.code === "payment_rejected" &&
      /not accepted here/.test(e.message) && /nothing was spent/.test(e.message));
    const s = wallet.read();
    assert.equal(s.proofs.reduce((x, p) => x + p.amount, 0), 14);
    assert.ok(s.proofs.every((p) => !p.op));
    assert.equal(s.ops.length, 0);
  });

  it("above a cap sends no token and reserves nothing", async () => {
    script = [() => challenge()];
    await assert.rejects(pf({ limits: { maxAmount: 2 } })(`${base}/d`), (e: unknown) => e instanceof PaygressError && e.code === "cap_per_request");
    assert.equal(seen.length, 1);
    assert.equal(wallet.read().ops.length, 0);
  });

  it("passes a request that already carries a token through untouched", async () => {
    script = [() => ({ status: 200, body: { ok: true } })];
    const r = await pf()(`${base}/e`, { headers: { "X-Cashu": "cashuBmine" } });
    assert.equal(r.status, 200);
    assert.equal(seen[0].headers["x-cashu"], "cashuBmine");
  });
});
