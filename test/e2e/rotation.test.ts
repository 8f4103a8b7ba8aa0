// Pass key rotation in real Envoy: a pass signed with k1 keeps working while the configuration
// lists [k2, k1] (new passes are signed with k2), and is refused with 402 once k1 is removed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT } from "../lib/procs.ts";
import { TestWallet } from "../lib/wallet.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { PASS_KEY, pluginConfig } from "../lib/config.ts";

const K2 = "d4".repeat(32);

describe("pass key rotation", () => {
  const stack = new Stack("rotation");
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

  async function envoyWith(name: string, keys: Array<{ id: string; secret: string }>): Promise<Envoy> {
    const cfg = pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: 10 });
    (cfg.pass as Record<string, unknown>).keys = keys;
    return stack.add(await new Envoy({
      name, logDir: stack.dir, backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: cfg },
    }).start());
  }

  it("accepts old passes during rotation and refuses them after the old key is removed", async () => {
    const before = await envoyWith("envoy-k1", [{ id: "k1", secret: PASS_KEY }]);
    const paid = await fetch(`${before.url}/x`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(10)) } });
    assert.equal(paid.status, 200);
    const oldPass = paid.headers.get("x-paygress-pass")!;
    assert.match(oldPass, /^p1\.k1\./);

    const during = await envoyWith("envoy-k2-k1", [{ id: "k2", secret: K2 }, { id: "k1", secret: PASS_KEY }]);
    assert.equal((await fetch(`${during.url}/x`, { headers: { "X-Paygress-Pass": oldPass } })).status, 200);
    const fresh = await fetch(`${during.url}/x`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(10)) } });
    assert.match(fresh.headers.get("x-paygress-pass") ?? "", /^p1\.k2\./, "new passes are signed with the first key");

    const after = await envoyWith("envoy-k2", [{ id: "k2", secret: K2 }]);
    const r = await fetch(`${after.url}/x`, { headers: { "X-Paygress-Pass": oldPass } });
    assert.equal(r.status, 402);
    assert.equal((await r.json()).code, "pass_unknown_key");
    assert.equal((await fetch(`${after.url}/x`, { headers: { "X-Paygress-Pass": fresh.headers.get("x-paygress-pass")! } })).status, 200);
  });
});
