// Hot reload e2e: a real Envoy takes the Paygress filter from a watched ECDS file
// (envoy/config.ts `paygressEcdsHttpFilter`). Under continuous load, v2 of the filter (a new .wasm
// file and a plugin configuration with another price) is deployed by atomically renaming a new
// resource file into place; Envoy must switch without a restart (same PID) and without a single
// failed request. Then a corrupt .wasm is deployed the same way: Envoy must reject it and keep
// serving v2. Every response is counted: 402 at the v1 price, 402 at the v2 price, anything else
// is a failure. A second part checks the stats tags: a metric named the Paygress way comes out of
// /stats/prometheus with route, mint and outcome labels.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { stringify } from "yaml";
import { paygressEcdsResource } from "../../envoy/config.ts";
import { Backend } from "../lib/backend.ts";
import { pluginConfig } from "../lib/config.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { Load, versionedWasm } from "../lib/load.ts";
import { ROOT, sleep, tail } from "../lib/procs.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const PRICE_V1 = 10;
const PRICE_V2 = 21;
const PRICE_BAD = 99;

/** The `amount` of a 402 fetched on a new TCP connection (no pooled keep-alive connection). */
function freshConnectionAmount(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers: { connection: "close" } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        try { resolve(res.statusCode === 402 ? (JSON.parse(body) as { amount: number }).amount : -res.statusCode!); } catch (e) { reject(e); }
      });
    });
    req.on("error", reject);
  });
}

describe("hot reload: new .wasm and configuration through a watched ECDS file, under load", () => {
  const stack = new Stack("hot-reload");
  const deployDir = stack.dir;
  const ecdsFile = join(deployDir, "paygress-ecds.yaml");
  let envoy: Envoy;
  let mint: Mint;
  let load: Load;

  /** Writes the .wasm, then atomically replaces the ECDS file with one pointing at it. */
  function deploy(version: string, wasm: Buffer, price: number): void {
    const wasmPath = join(deployDir, `paygress-${version}.wasm`);
    writeFileSync(wasmPath, wasm);
    const resource = paygressEcdsResource({
      wasmPath,
      pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price }),
    });
    const tmp = join(deployDir, `.paygress-ecds-${version}.yaml.tmp`);
    writeFileSync(tmp, stringify(resource));
    renameSync(tmp, ecdsFile); // the move Envoy's directory watch reacts to
  }

  async function ecdsStats(): Promise<{ reload: number; fail: number }> {
    const s = await envoy.stats("extension_config_discovery");
    let reload = 0, fail = 0;
    for (const [k, v] of s) {
      if (k.endsWith(".paygress.config_reload")) reload += v;
      if (k.endsWith(".paygress.config_fail")) fail += v;
    }
    return { reload, fail };
  }

  /** The .wasm file of the ECDS resource Envoy has in effect (from /config_dump). */
  async function serving(): Promise<string> {
    const dump = JSON.parse(await envoy.admin("/config_dump?resource=ecds_filters")) as { configs?: unknown[] };
    return JSON.stringify(dump.configs ?? []).match(/paygress-[\w-]+\.wasm/g)?.join(",") ?? "none";
  }

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    const backend = stack.add(await new Backend().start());
    envoy = new Envoy({
      logDir: stack.dir,
      concurrency: 2,
      logLevel: "warning",
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      ecds: { path: ecdsFile },
    });
    stack.add(envoy);
    deploy("v1", versionedWasm(readFileSync(WASM), "v1"), PRICE_V1);
    await envoy.start();
    load = new Load(`${envoy.url}/premium`, new Map([[PRICE_V1, "v1"], [PRICE_V2, "v2"], [PRICE_BAD, "bad"]]));
  });
  after(async () => {
    await load?.stop();
    await stack.stop();
  });
  onFailureDump(stack);

  it("serves v1 from the ECDS file", async () => {
    const r = await fetch(`${envoy.url}/premium`);
    assert.equal(r.status, 402);
    assert.equal((await r.json()).amount, PRICE_V1);
  });

  it("switches to v2 (new .wasm, new price) under load, same PID, no failed request", async (t) => {
    const pid = envoy.proc.child.pid;
    load.start(6, 200000, 60000);
    await load.until("500 responses from v1", () => load.count("v1") >= 500, 20000);
    const before = await ecdsStats();
    const started = Date.now();
    deploy("v2", versionedWasm(readFileSync(WASM), "v2"), PRICE_V2);
    await load.until("v2 serving", () => load.lastAre("v2", 200), 20000);
    const switchMs = Date.now() - started;
    assert.match(await serving(), /paygress-v2\.wasm/, "the ECDS config in effect loads the v2 .wasm");
    const after = await ecdsStats();
    assert.ok(after.reload > before.reload, `ECDS reload counter must grow: ${JSON.stringify({ before, after })}`);
    assert.ok(envoy.proc.running, "Envoy must still run");
    assert.equal(envoy.proc.child.pid, pid, "same Envoy process (no restart)");
    t.diagnostic(`v1->v2 switch in ${switchMs} ms; counts so far ${JSON.stringify(Object.fromEntries(load.counts))}`);
    assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
  });

  it("rejects a corrupt .wasm deployed the same way and keeps serving v2", async (t) => {
    const pid = envoy.proc.child.pid;
    const before = await ecdsStats();
    const good = readFileSync(WASM);
    const corrupt = Buffer.concat([good.subarray(0, 8), Buffer.from("this is not a wasm module"), good.subarray(good.length / 2)]);
    deploy("v3-corrupt", corrupt, PRICE_BAD);
    // Envoy reads the file, fails to create the VM and counts a config failure.
    const deadline = Date.now() + 15000;
    while ((await ecdsStats()).fail <= before.fail) {
      if (Date.now() > deadline) throw new Error(`no ECDS config_fail after the corrupt deploy:\n${tail(envoy.proc.log(), 30)}`);
      await sleep(100);
    }
    // Keep the load running a while longer: only v2 may answer.
    const mark = load.total;
    await load.until("300 more responses", () => load.total >= mark + 300, 20000);
    await load.stop();
    assert.ok(load.lastAre("v2", 300), `after the corrupt deploy only v2 may answer: ${load.recent.slice(-300).filter((x) => x !== "v2").slice(0, 5)}`);
    assert.equal(load.count("bad"), 0, "the corrupt version must never serve");
    assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
    assert.equal(envoy.proc.child.pid, pid, "same Envoy process");
    assert.ok(envoy.proc.running);
    // Envoy's /config_dump shows the last resource it *received* (the corrupt one), so the proof
    // is the traffic above, the rejection counters and a request on a fresh connection.
    const rejected = (await envoy.stats("extension_config_discovery")).get("extension_config_discovery.http_filter.paygress.update_rejected");
    assert.ok((rejected ?? 0) >= 1, "Envoy counts the corrupt resource as rejected");
    assert.match(envoy.proc.log(), /Filesystem config update rejected: Unable to create Wasm plugin paygress/);
    assert.equal(await freshConnectionAmount(`${envoy.url}/premium`), PRICE_V2);
    // The real filter's metrics come out labelled through the bootstrap's stats tags.
    const prom = (await envoy.admin("/stats/prometheus")).split("\n").filter((l) => l.startsWith("paygress_requests_total"));
    assert.ok(prom.some((l) => /^paygress_requests_total\{[^}]*route="paid"[^}]*outcome="[^"]+"[^}]*\} [1-9]\d*$/.test(l)),
      `labelled paygress_requests_total in /stats/prometheus: ${prom.join(" | ") || "none"}`);
    t.diagnostic(prom.join("\n"));
    t.diagnostic(`hot reload totals: ${load.total} requests: ${JSON.stringify(Object.fromEntries(load.counts))}`);
    console.log(`hot-reload counts: ${JSON.stringify({ total: load.total, ...Object.fromEntries(load.counts) })}`);
  });
});

describe("stats tags: name=.=value;.; metric names become Prometheus labels", () => {
  const stack = new Stack("stats-tags");
  let envoy: Envoy;

  before(async () => {
    // A minimal proxy-wasm module that defines and increments one counter named the way the
    // Paygress filter names its metrics; built from text with wabt's wat2wasm.
    const name = "paygress_requests_total_route=.=api;.;mint=.=m0;.;outcome=.=paid;.;";
    const wat = `(module
  (import "env" "proxy_define_metric" (func $define (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $inc (param i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "${name}")
  (global $heap (mut i32) (i32.const 4096))
  (func (export "malloc") (param $n i32) (result i32)
    (local $p i32) (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))
  (func (export "proxy_abi_version_0_2_0"))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (drop (call $define (i32.const 0) (i32.const 16) (i32.const ${name.length}) (i32.const 8)))
    (drop (call $inc (i32.load (i32.const 8)) (i64.const 1)))
    (i32.const 1)))`;
    writeFileSync(join(stack.dir, "metric.wat"), wat);
    execFileSync("wat2wasm", [join(stack.dir, "metric.wat"), "-o", join(stack.dir, "metric.wasm")]);
    const backend = stack.add(await new Backend().start());
    envoy = stack.add(await new Envoy({
      name: "envoy-stats",
      logDir: stack.dir,
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [],
      filter: { wasmPath: join(stack.dir, "metric.wasm"), pluginConfig: {} },
    }).start());
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("exports paygress_requests_total{route,mint,outcome}", async () => {
    const text = await envoy.admin("/stats/prometheus");
    const line = text.split("\n").find((l) => l.startsWith("paygress_requests_total"));
    assert.ok(line, `no paygress_requests_total in /stats/prometheus:\n${text.split("\n").filter((l) => l.includes("paygress")).join("\n")}`);
    assert.match(line, /^paygress_requests_total\{route="api",mint="m0",outcome="paid"\} [1-9]\d*$/);
  });
});
