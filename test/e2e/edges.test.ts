// The payment edges a real deployment meets, on a real Envoy with real Nutshell mints:
//   - Nutshell's own wallet paying exactly what the 402 asks (`cashu send <a>`, no --include-fees)
//     at mints charging 100 and 1000 ppk input fees: admitted, the receipt states the fee;
//   - HTTP/2 requests whose :authority and host headers name different hosts: refused;
//   - a swap the mint performed whose answer was lost between the gate and the mint (an HTTP relay
//     delivers the swap and drops the answer): the client gets an error, the change is restorable
//     from the token alone, and the same token then gets 200 with the access and change it paid for.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { connect as h2connect } from "node:http2";
import { join } from "node:path";
import { Wallet, decodePaymentRequest, getDecodedToken } from "@cashu/cashu-ts";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { HttpRelay } from "../lib/http-relay.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT, VENV_BIN } from "../lib/procs.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { TestWallet } from "../lib/wallet.ts";
import { pluginConfig } from "../lib/config.ts";
import { restoreTokenChange } from "../../client/lib/change.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const PRICE = 10;
const sum = (ps: Array<{ amount: number | bigint }>) => ps.reduce((s, p) => s + Number(p.amount), 0);

async function gateFor(stack: Stack, name: string, mintPort: number, mintUrl: string, backend: Backend): Promise<Envoy> {
  return stack.add(await new Envoy({
    logDir: stack.dir,
    name,
    backend: { host: "127.0.0.1", port: backend.port },
    mints: [{ cluster: "mint", host: "127.0.0.1", port: mintPort }],
    filter: { wasmPath: WASM, pluginConfig: pluginConfig({ mints: [{ url: mintUrl, cluster: "mint", timeout_ms: 2000 }], price: PRICE }) },
  }).start());
}

describe("a wallet paying exactly the X-Cashu amount at mints with input fees (Nutshell's cashu send)", () => {
  const stack = new Stack("edges-nutshell-send");
  let backend: Backend;
  before(async () => { backend = stack.add(await new Backend().start()); });
  after(() => stack.stop());
  onFailureDump(stack);

  for (const [ppk, advertised] of [[100, 11], [1000, 12]] as const) {
    it(`at ${ppk} ppk: 402 asks ${advertised}, cashu send ${advertised} pays it, the receipt states the fee`, async () => {
      const mint = stack.add(await new Mint({ logDir: stack.dir, name: `mint-${ppk}`, inputFeePpk: ppk }).start());
      const envoy = await gateFor(stack, `envoy-${ppk}`, mint.port, mint.url, backend);
      const r402 = await fetch(`${envoy.url}/article`);
      assert.equal(r402.status, 402);
      const amount = Number(decodePaymentRequest(r402.headers.get("x-cashu")!).amount);
      assert.equal(amount, advertised);
      const cashu = (...args: string[]) => execFileSync(join(VENV_BIN, "cashu"), ["-h", mint.url, "--yes", ...args], {
        env: { ...process.env, CASHU_DIR: join(stack.dir, `cashu-wallet-${ppk}`) }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
      });
      cashu("invoice", "100");
      const token = /cashu[AB][A-Za-z0-9_-]+/.exec(cashu("send", String(amount)))![0]; // no --include-fees
      const proofs = getDecodedToken(token, []).proofs;
      assert.equal(sum(proofs), amount, "the wallet sent exactly the asked amount");
      const r = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
      assert.equal(r.status, 200, await r.clone().text());
      const receipt = r.headers.get("x-paygress-receipt") ?? "";
      const fee = Math.ceil((proofs.length * ppk) / 1000);
      const earned = Math.min(PRICE, amount - fee);
      assert.equal(receipt, `amount=${amount}; fee=${fee}; earned=${earned}; change=${amount - fee - earned}; unit=sat; route=paid`);
    });
  }
});

/** One HTTP/2 (h2c) request; resolves with the status, or 0 when the stream was reset. */
function h2get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const c = h2connect(url);
    c.on("error", () => resolve(0));
    const req = c.request({ ":method": "GET", ...headers });
    let status = 0;
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("error", () => { c.close(); resolve(0); });
    req.on("close", () => { c.close(); resolve(status); });
    req.resume();
    req.end();
  });
}

describe("HTTP/2 :authority and host", () => {
  const stack = new Stack("edges-h2-authority");
  let envoy: Envoy;
  let backend: Backend;
  before(async () => {
    const mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    backend = stack.add(await new Backend().start());
    envoy = stack.add(await new Envoy({
      logDir: stack.dir,
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: { wasmPath: WASM, pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], routes: [
        { id: "paid", host: "paid.test", prefix: "/", price: PRICE }, { id: "free", prefix: "/", price: 0 }] }) },
    }).start());
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("never serves a host it did not price when :authority and host disagree; canonical spellings agree", async () => {
    // The gate refuses a request carrying both with different hosts (400 conflicting_host, unit
    // test gate-money). Through Envoy the filter never sees both: only :authority reaches it and
    // the upstream, so the request is priced and served as the same host.
    const seen = backend.requests.length;
    const disagree = await h2get(envoy.url, { ":path": "/x?h2=1", ":authority": "free.test", host: "paid.test" });
    const got = backend.requests.slice(seen);
    if (disagree === 400 || disagree === 0) assert.equal(got.length, 0, "refused: nothing reached the upstream");
    else {
      assert.equal(disagree, 200, `status ${disagree}`);
      assert.equal(got.length, 1);
      assert.equal(got[0].headers.host, "free.test", "served as the host it was priced for");
    }
    assert.equal(await h2get(envoy.url, { ":path": "/x?h2=2", ":authority": "paid.test", host: "free.test" }), 402, "priced as :authority");
    assert.equal(await h2get(envoy.url, { ":path": "/x", ":authority": "free.test" }), 200);
    assert.equal(await h2get(envoy.url, { ":path": "/x", ":authority": "paid.test" }), 402);
    assert.equal(await h2get(envoy.url, { ":path": "/x", ":authority": "Paid.Test:443" }), 402);
  });
});

describe("a swap the mint performed whose answer was lost", () => {
  const stack = new Stack("edges-lost-answer");
  let mint: Mint;
  let relay: HttpRelay;
  let envoy: Envoy;
  let wallet: TestWallet;

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: 100 }).start());
    const backend = stack.add(await new Backend().start());
    relay = await new HttpRelay("127.0.0.1", mint.port).start();
    stack.add({ stop: () => relay.stop() });
    envoy = await gateFor(stack, "envoy", relay.port, mint.url, backend);
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("answers an error, keeps the change restorable from the token alone, and gives the same token its access and change", async () => {
    const proofs = await wallet.mint(32); // 32 - fee 1 - price 10: 21 of change
    const token = wallet.encodeB(proofs);
    relay.dropNextMatching = (req) => req.method === "POST" && req.url === "/v1/swap";
    const first = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
    assert.equal(first.status, 503, await first.clone().text());
    const body = await first.json();
    assert.equal(body.error, "mint_unavailable");
    assert.match(body.message, /present the same token again/);
    assert.equal(relay.dropped.length, 1);
    assert.equal(relay.dropped[0].status, 200, "the mint did perform the swap");
    const states = await wallet.wallet.checkProofsStates(proofs);
    assert.ok(states.every((s) => s.state === "SPENT"), "the token was redeemed");

    // Anyone holding the token can restore the change (NUT-09), without the gate.
    const restored = await restoreTokenChange(async (seed) => {
      const w = new Wallet(mint.url, { unit: "sat", bip39seed: seed });
      await w.loadMint();
      return w;
    }, proofs);
    assert.equal(sum(restored), 21);

    // The same token again: the gate finds its recorded swap at the mint and grants what was paid.
    const again = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
    assert.equal(again.status, 200, await again.clone().text());
    assert.equal(again.headers.get("x-paygress-receipt"), "amount=32; fee=1; earned=10; change=21; unit=sat; route=paid; recovered=1");
    assert.match(again.headers.get("x-paygress-pass") ?? "", /^p1\.k1\./);
    const change = getDecodedToken(again.headers.get("x-cashu-change")!, []).proofs;
    assert.deepEqual(change.map((p) => p.secret).sort(), restored.map((p) => p.secret).sort(), "the change is the token-derived one");
    const received = await wallet.wallet.receive(again.headers.get("x-cashu-change")!);
    assert.ok(sum(received) >= 21 - 5, "the change is real ecash");

    // Delivered now: the token is spent, answered without a swap.
    const third = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
    assert.equal(third.status, 402);
    assert.equal((await third.json()).code, "token_spent");
  });

  it("a lost answer of a swap that never reached the mint: the same token is simply a payment", async () => {
    const proofs = await wallet.mint(16);
    const token = wallet.encodeB(proofs);
    await mint.stop();
    const first = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
    assert.equal(first.status, 503);
    await mint.start();
    const again = await fetch(`${envoy.url}/article`, { headers: { "X-Cashu": token } });
    assert.equal(again.status, 200, await again.clone().text());
    assert.doesNotMatch(again.headers.get("x-paygress-receipt") ?? "", /recovered/);
  });
});
