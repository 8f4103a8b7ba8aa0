// The compiled filter on the fake proxy-wasm host, with mint answers scripted in the test: paths
// that real processes cannot easily provoke. Here: a host whose shared-data store refuses writes
// must get a 503 after a bounded number of mint calls, not an endless counter search.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { getEncodedToken } from "@cashu/cashu-ts";
import { FakeHost } from "../lib/fakehost.ts";
import { ROOT } from "../lib/procs.ts";
import { pluginConfig } from "../lib/config.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const MINT = "http://mint.test";
const AMOUNTS = Array.from({ length: 8 }, (_, i) => 2 ** i);
const pub = (seed: string) => Buffer.from(secp256k1.getPublicKey(createHash("sha256").update(seed).digest(), true)).toString("hex");
const keys: Record<string, string> = Object.fromEntries(AMOUNTS.map((a) => [String(a), pub(`k${a}`)]));
const id = "00" + createHash("sha256").update(Buffer.concat(AMOUNTS.map((a) => Buffer.from(keys[String(a)], "hex")))).digest("hex").slice(0, 14);
const keyset = { id, unit: "sat", active: true, input_fee_ppk: 0 };

function token(amount: number): string {
  const proofs = [{ id, amount, secret: createHash("sha256").update(`s${amount}`).digest("hex"), C: pub(`c${amount}`) }];
  return getEncodedToken({ mint: MINT, unit: "sat", proofs: proofs as never });
}

describe("gate on the fake host with scripted mint answers", () => {
  it("refuses with 503, after a bounded number of mint calls, when the host cannot store the earnings counter", async () => {
    const h = await FakeHost.load(WASM);
    assert.equal(h.configure(pluginConfig({ mints: [{ url: MINT, cluster: "mint" }], price: 8 })), 1);
    h.failSharedWrites = true;
    const { stream } = h.request([[":method", "GET"], [":path", "/x"], [":authority", "shop"], ["x-cashu", token(8)]]);
    let answered = 0;
    while (stream.local == null && h.calls.length > answered && answered < 50) {
      const call = h.calls[answered++];
      const path = call.headers.find(([k]) => k === ":path")![1];
      if (path === "/v1/keysets") h.respond(call, 200, JSON.stringify({ keysets: [keyset] }));
      else if (path.startsWith("/v1/keys/")) h.respond(call, 200, JSON.stringify({ keysets: [{ ...keyset, keys }] }));
      else if (path === "/v1/restore") h.respond(call, 200, JSON.stringify({ outputs: [], signatures: [] }));
      else assert.fail(`unexpected mint call ${path}`);
    }
    assert.ok(answered < 10, `the gate made ${answered} mint calls`);
    assert.equal(stream.local?.status, 503);
    assert.equal(JSON.parse(stream.local!.body).error, "counter_store_failed");
    assert.ok(!h.calls.some((c) => c.headers.some(([k, v]) => k === ":path" && v === "/v1/swap")), "no swap without a stored counter");
  });
});
