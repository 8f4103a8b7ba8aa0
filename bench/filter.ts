// npm run bench:filter — per-request cost of the compiled filter itself, driven through the
// proxy-wasm ABI by the TypeScript fake host (test/lib/fakehost.ts): ns per request and host calls
// per request for the pass path, the 402 path and a free route. The fake host's own JS cost is
// included; a "no-op" baseline (only context create/done/log/delete) shows the floor.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { FakeHost } from "../test/lib/fakehost.ts";
import { ROOT } from "../test/lib/procs.ts";
import { pluginConfig } from "../test/lib/config.ts";
import { ScriptedMint } from "../test/lib/scriptedmint.ts";

const WASM = process.argv.includes("--wasm") ? process.argv[process.argv.indexOf("--wasm") + 1] : join(ROOT, "build/paygress.wasm");
const jsonFile = process.argv.includes("--json") ? process.argv[process.argv.indexOf("--json") + 1] : null;
const N = 200000;

const h = await FakeHost.load(WASM);
h.configure(pluginConfig({ mints: [{ url: "http://127.0.0.1:3338", cluster: "mint" }], price: 10, passTtl: 86400 }));
// The first priced request reads the mint's fees (one /v1/keysets call); answer it before measuring.
{
  const { stream } = h.request([[":method", "GET"], [":path", "/api/warm"], [":authority", "shop.example"]]);
  new ScriptedMint({ url: "http://127.0.0.1:3338", feePpk: 100 }).serve(h, 0, () => stream.local != null);
  h.finish(stream);
}
// A pass signed by the filter's own key: issue one through the gate is not possible without a
// mint, so sign it like the filter does (p1.<kid>.<exp>.<route>.<mac>).
import { createHmac } from "node:crypto";
import { PASS_KEY } from "../test/lib/config.ts";
const body = `p1.k1.${Math.floor(Date.now() / 1000) + 86400}.paid`;
const pass = `${body}.${createHmac("sha256", Buffer.from(PASS_KEY, "hex")).update(body).digest("base64url")}`;

type Req = Array<[string, string]>;
const base: Req = [[":method", "GET"], [":path", "/api/items?id=7"], [":authority", "shop.example"], [":scheme", "http"],
  ["user-agent", "wrk"], ["accept", "*/*"]];
const cases: Array<{ name: string; headers: Req; expect: number | null }> = [
  { name: "pass (valid X-Paygress-Pass)", headers: [...base, ["x-paygress-pass", pass]], expect: null },
  { name: "402 (no payment)", headers: base, expect: 402 },
  { name: "free route", headers: [[":method", "GET"], [":path", "/free/x"], [":authority", "shop.example"]], expect: null },
];

function runCase(headers: Req, n: number): { ns: number; calls: number } {
  const c0 = h.hostCalls;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const { stream } = h.request(headers);
    h.responseHeaders(stream, [[":status", "200"]]);
    h.responseBody(stream, 11, true);
    h.finish(stream);
  }
  return { ns: Number(process.hrtime.bigint() - t0) / n, calls: (h.hostCalls - c0) / n };
}

const results = [];
for (const c of cases) {
  const { stream } = h.request(c.headers);
  if ((stream.local?.status ?? null) !== c.expect) throw new Error(`${c.name}: expected ${c.expect}, got ${stream.local?.status}`);
  h.finish(stream);
  runCase(c.headers, 20000); // warm up
  const rounds = [runCase(c.headers, N), runCase(c.headers, N), runCase(c.headers, N)].sort((a, b) => a.ns - b.ns);
  results.push({ name: c.name, nsPerRequest: rounds[1].ns, hostCallsPerRequest: rounds[1].calls });
}
console.log(`filter on the fake host (${N} requests x 3 rounds, median; includes the fake host's JS cost)`);
for (const r of results) console.log(`  ${r.name.padEnd(32)} ${(r.nsPerRequest / 1000).toFixed(2)} µs/request  ${r.hostCallsPerRequest.toFixed(1)} host calls/request`);
console.log(`  linear memory after the run: ${h.memoryBytes() / 1024} KiB`);
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ when: new Date().toISOString(), wasm: WASM, results }, null, 2));
