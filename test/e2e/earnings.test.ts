// Earnings counters across independent proxies (docs/earnings.md): two Envoys (separate processes,
// so no shared data between them) against one real mint. In the same lane they contend for
// counters; the mint refuses a reused output (11003), the gate finds fresh counters and retries, and
// every payment still succeeds with every earned proof recoverable. In distinct lanes they never
// contend.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT } from "../lib/procs.ts";
import { TestWallet } from "../lib/wallet.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { EARNINGS_SEED, OPERATOR_PUBKEY, pluginConfig } from "../lib/config.ts";
import { collect } from "../../tools/paygress-collect.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const PRICE = 4;

describe("earnings counters across replicas", () => {
  const stack = new Stack("earnings");
  let mint: Mint;
  let backend: Backend;
  let wallet: TestWallet;

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    backend = stack.add(await new Backend().start());
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  async function replica(name: string, lane: number): Promise<Envoy> {
    const cfg = pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: PRICE });
    (cfg.earnings as Record<string, unknown>).lane = lane;
    return stack.add(await new Envoy({
      name, logDir: stack.dir, backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: { wasmPath: WASM, pluginConfig: cfg },
    }).start());
  }

  async function payAlternately(a: Envoy, b: Envoy, rounds: number): Promise<number> {
    let paid = 0;
    for (let i = 0; i < rounds; i++) {
      for (const e of [a, b]) {
        const r = await fetch(`${e.url}/x`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(PRICE)) } });
        assert.equal(r.status, 200, `${e.name} round ${i}: ${await r.text()}`);
        paid += PRICE;
      }
    }
    return paid;
  }


  it("two replicas in one lane: contention resolved by the mint, nothing lost", async (t) => {
    const a = await replica("envoy-a", 0);
    const b = await replica("envoy-b", 0);
    const swaps0 = mint.requestCount(/\/v1\/swap$/);
    const paid = await payAlternately(a, b, 6);
    const swaps = mint.requestCount(/\/v1\/swap$/) - swaps0;
    t.diagnostic(`12 payments took ${swaps} swap attempts (refused ones were outputs already signed)`);
    assert.ok(swaps > 12, `expected contention to cost extra swap attempts, saw ${swaps} swaps for 12 payments`);
    const found = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n, gapBatches: 3, batch: 100, json: false, unit: "sat" });
    assert.equal(found.amount, paid);
    await a.stop();
    await b.stop();
  });

  it("replicas in distinct lanes never contend, and each lane is collected on its own", async () => {
    const before0 = (await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n, gapBatches: 3, batch: 100, json: false, unit: "sat" })).amount;
    const a = await replica("envoy-lane0", 0);
    const b = await replica("envoy-lane1", 1);
    const swaps0 = mint.requestCount(/\/v1\/swap$/);
    const paid = await payAlternately(a, b, 4);
    assert.equal(mint.requestCount(/\/v1\/swap$/) - swaps0, 8, "one swap per payment");
    const lane0 = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n, gapBatches: 3, batch: 100, json: false, unit: "sat" });
    const lane1 = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 1, from: 0n, gapBatches: 3, batch: 100, json: false, unit: "sat" });
    assert.equal(lane0.amount - before0, paid / 2);
    assert.equal(lane1.amount, paid / 2);
  });
});
