// The compiled filter (build/paygress.wasm) driven through the proxy-wasm ABI by the fake host:
// configuration handling, the 402 challenge, pass-through, and memory staying flat.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeHost } from "../lib/fakehost.ts";
import { ROOT } from "../lib/procs.ts";
import { pluginConfig } from "../lib/config.ts";
import { ScriptedMint } from "../lib/scriptedmint.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const CONFIG = pluginConfig({ mints: [{ url: "http://mint.test", cluster: "mint" }], price: 5 });

/** The first priced request reads the mint's fees (one /v1/keysets call) before its 402. */
function answerFeeLookup(h: FakeHost, stream: { local: unknown }): void {
  const m = new ScriptedMint();
  m.serve(h, 0, () => stream.local != null);
}
const GET = (path: string, extra: Array<[string, string]> = []): Array<[string, string]> =>
  [[":method", "GET"], [":path", path], [":authority", "shop.test"], ...extra];

describe("proxy-wasm adapter on a fake host", () => {
  it("reads the plugin configuration through the patched SDK (size pointer fix)", async () => {
    const h = await FakeHost.load(WASM);
    assert.equal(h.configure(CONFIG), 1);
    const { stream } = h.request(GET("/x"));
    answerFeeLookup(h, stream);
    assert.equal(stream.local?.status, 402);
    assert.equal(JSON.parse(stream.local!.body).amount, 5);
  });

  it("refuses an invalid configuration with one critical log line naming the field", async () => {
    const h = await FakeHost.load(WASM);
    assert.equal(h.configure({ ...CONFIG, routes: [{ prefix: "nope", price: 1 }] }), 0);
    const crit = h.logs.filter((l) => l.level === 5);
    assert.equal(crit.length, 1);
    assert.match(crit[0].message, /routes\[0\]\.prefix/);
  });

  it("refuses malformed JSON and an empty configuration", async () => {
    for (const bad of ["{", ""]) {
      const h = await FakeHost.load(WASM);
      assert.equal(h.configure(bad), 0, `configuration ${JSON.stringify(bad)} must be refused`);
      assert.equal(h.logs.filter((l) => l.level === 5).length, 1);
    }
  });

  it("passes free routes and challenges priced ones", async () => {
    const h = await FakeHost.load(WASM);
    h.configure(CONFIG);
    const free = h.request(GET("/free/a"));
    assert.equal(free.status, 0);
    assert.equal(free.stream.local, null);
    const paid = h.request(GET("/api"));
    assert.equal(paid.status, 1);
    answerFeeLookup(h, paid.stream);
    assert.equal(paid.stream.local?.status, 402);
    const again = h.request(GET("/api"));
    assert.equal(again.stream.local?.status, 402, "the fees are known: answered at once");
  });

  it("keeps memory flat over many requests (incremental GC)", async () => {
    const h = await FakeHost.load(WASM);
    h.configure(CONFIG);
    const first = h.request(GET("/api"));
    answerFeeLookup(h, first.stream);
    h.finish(first.stream);
    for (let i = 0; i < 2000; i++) h.finish(h.request(GET("/api")).stream);
    const before = h.memoryBytes();
    for (let i = 0; i < 50000; i++) h.finish(h.request(GET("/api")).stream);
    assert.equal(h.memoryBytes(), before, "linear memory grew");
  });
});
