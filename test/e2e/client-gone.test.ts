// A client that hangs up while the gate is still talking to the mint must not lose its token: the
// gate never starts a swap for a stream that is gone. Real Envoy, real (slowed) mint.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT, sleep } from "../lib/procs.ts";
import { TestWallet } from "../lib/wallet.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { TcpRelay } from "../lib/tcpproxy.ts";
import { pluginConfig } from "../lib/config.ts";

describe("client hangs up during a payment", () => {
  const stack = new Stack("client-gone");
  let mint: Mint;
  let relay: TcpRelay;
  let envoy: Envoy;
  let wallet: TestWallet;

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    relay = stack.add(await new TcpRelay("127.0.0.1", mint.port).start());
    const backend = stack.add(await new Backend().start());
    envoy = stack.add(await new Envoy({
      logDir: stack.dir, backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: relay.port }],
      filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint", timeout_ms: 5000 }], price: 10 }) },
    }).start());
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("does not spend the token of a client that left before the swap", async () => {
    const proofs = await wallet.mint(10);
    const token = wallet.encodeB(proofs);
    relay.delayMs = 1000; // every mint call takes 1 s
    const abort = new AbortController();
    const req = fetch(`${envoy.url}/x`, { headers: { "X-Cashu": token }, signal: abort.signal }).catch((e) => e);
    await sleep(300);
    abort.abort();
    await req;
    // Long enough for keysets, keys, counter probe and a swap to happen, had the gate gone on.
    await sleep(5000);
    relay.delayMs = 0;
    assert.equal(mint.requestCount(/\/v1\/swap$/), 0, "no swap may be sent for a stream that is gone");
    const states = await wallet.wallet.checkProofsStates(proofs);
    assert.ok(states.every((s) => String(s.state) === "UNSPENT"), JSON.stringify(states));
    // And the same token still pays.
    const r = await fetch(`${envoy.url}/x`, { headers: { "X-Cashu": token } });
    assert.equal(r.status, 200, await r.text());
  });
});
