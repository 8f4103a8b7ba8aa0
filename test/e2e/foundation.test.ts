// Foundation e2e: the built filter in a real Envoy answers 402 without payment, lets a request
// with a payment header reach the upstream, shows up in Envoy's admin, refuses a bad
// configuration with one critical line; and the real Nutshell mint mints for a cashu-ts wallet.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT, tail, tempDir } from "../lib/procs.ts";
import { TestWallet } from "../lib/wallet.ts";
import { pluginConfig } from "../lib/config.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";

const WASM = join(ROOT, "build/paygress.wasm");

describe("foundation: filter in a real Envoy, real mint", () => {
  const stack = new Stack("foundation");
  let envoy: Envoy;
  let mint: Mint;
  let backend: Backend;

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    backend = stack.add(await new Backend().start());
    envoy = stack.add(await new Envoy({
      logDir: stack.dir,
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: {
        wasmPath: WASM,
        pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: 10 }),
      },
    }).start());
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("answers 402 with a JSON body when no payment is presented", async () => {
    const r = await fetch(`${envoy.url}/premium`);
    assert.equal(r.status, 402);
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    const body = await r.json();
    assert.equal(body.error, "payment_required");
    assert.equal(body.amount, 10);
    assert.equal(body.unit, "sat");
    assert.deepEqual(body.mints, [mint.url]);
    assert.equal(backend.requests.length, 0, "the upstream must not see an unpaid request");
  });

  it("lets a request paid with a real token through to the upstream", async () => {
    const before = backend.requests.length;
    const w = await new TestWallet(mint.url).load();
    const r = await fetch(`${envoy.url}/premium`, { headers: { "X-Cashu": w.encodeB(await w.mint(10)) } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).message, "hello from the paid backend");
    assert.equal(backend.requests.length, before + 1);
  });

  it("shows the wasm filter loaded in Envoy's admin", async () => {
    const dump = await envoy.admin("/config_dump");
    assert.match(dump, /envoy\.filters\.http\.wasm/);
    assert.match(dump, /"root_id": "paygress"/);
    const stats = await envoy.stats("wasm");
    const active = [...stats.entries()].find(([k]) => k.includes("wasm.envoy.wasm.runtime.v8.active"));
    assert.ok(active && active[1] >= 1, `a v8 wasm VM must be active: ${JSON.stringify([...stats])}`);
  });

  it("refuses a bad plugin configuration with one clear critical log line", async () => {
    const bad = new Envoy({
      name: "envoy-bad-config",
      logDir: stack.dir,
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: {
        wasmPath: WASM,
        pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], routes: [{ prefix: "/", price: -5 }] }),
      },
    });
    await assert.rejects(bad.start(), /exited/);
    const log = bad.proc.log();
    const ours = log.split("\n").filter((l) => l.includes("[critical]") && l.includes("paygress: invalid plugin configuration"));
    assert.equal(ours.length, 1, `expected one critical configuration line, log:\n${tail(log, 20)}`);
    assert.match(ours[0], /routes\[0\]\.price: must be an unsigned integer/);
    assert.notEqual(bad.proc.exitCode, 0);
  });

  it("the real mint issues ecash to a cashu-ts wallet", async () => {
    const w = await new TestWallet(mint.url).load();
    const proofs = await w.mint(21);
    assert.equal(proofs.reduce((s, p) => s + Number(p.amount), 0), 21);
    const token = w.encodeB(proofs);
    assert.match(token, /^cashuB/);
  });
});
