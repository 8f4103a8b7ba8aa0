// The payment scenario suite (test/lib/scenarios.ts) against build/paygress.wasm in NGINX built
// with Kong's ngx_wasm_module on Wasmtime (tools/ngx-wasm.sh), configured by the generator of
// k8s/ngx-wasm/nginx.conf with loopback values (test/lib/ngx-wasm.ts). Two workers share the
// earnings counters through shm_kv, so the concurrent double spend and the counters run across
// processes; mint calls go through the module's HTTP dispatch. Then what is particular to this
// host: the reason phrase of local replies, metrics (none over HTTP here), and that no worker ever
// died on a signal during the whole file.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { get as httpGet } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { pluginConfig } from "../lib/config.ts";
import { Load, versionedWasm } from "../lib/load.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT, sleep } from "../lib/procs.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { TcpRelay } from "../lib/tcpproxy.ts";
import { TestWallet } from "../lib/wallet.ts";
import { NgxWasm } from "../lib/ngx-wasm.ts";
import { paymentScenarios, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { adversarialSuite } from "../lib/adversarial.ts";
import { logFilePart } from "../../host-shims/testing.ts";

const WASM = join(ROOT, "build/paygress.wasm");
/** Every NGINX this file started, for the crash check at the end. */
const started: NgxWasm[] = [];
/** Error logs of the NGINXes already stopped (their directories may be gone). */
const crashLines: string[] = [];
let lastUrl = "";

async function startNgx(ctx: { stack: ScenarioContext["stack"]; mintPort: number; backendPort: number; pluginConfig: Record<string, unknown> }, name: string, wasmPath = WASM): Promise<NgxWasm> {
  const n = new NgxWasm({
    logDir: ctx.stack.dir, name, wasmPath, pluginConfig: ctx.pluginConfig,
    clusters: { mint: ctx.mintPort }, upstreamPort: ctx.backendPort, workers: 2,
  });
  // The error log is the host's log: dump it on failure, and keep its crash lines after a stop.
  ctx.stack.add({ stop: async () => { crashLines.push(...n.crashes()); }, proc: { opts: { name: `${name} error.log` }, log: () => n.errorLog() } });
  ctx.stack.add(await n.start());
  started.push(n);
  return n;
}

async function ngxProxy(ctx: ScenarioContext, name = "ngx-wasm"): Promise<ProxyUnderTest> {
  let restarts = 0;
  const sctx = { stack: ctx.stack, mintPort: ctx.mintPort, backendPort: ctx.backend.port, pluginConfig: ctx.pluginConfig };
  let ngx = await startNgx(sctx, name);
  lastUrl = ngx.url;
  return {
    get url() { return ngx.url; },
    kill: async () => { crashLines.push(...ngx.crashes()); await ngx.proc.kill(); },
    restart: async () => { ngx = await startNgx(sctx, `ngx-wasm-restart-${++restarts}`); lastUrl = ngx.url; },
    // The filter's log lines (audit lines at info) are in NGINX's error log.
    logs: () => ngx.errorLog(),
  };
}

paymentScenarios("NGINX + ngx_wasm_module", (ctx) => ngxProxy(ctx), { logs: true });
adversarialSuite("NGINX + ngx_wasm_module", (ctx) => ngxProxy(ctx, "ngx-wasm-adversarial"));

// The shared client-gone scenario (test/lib/client-gone.ts) does not hold here, and this is the
// tested, documented exception (docs/deploy.md): NGINX tells a module nothing about a client that
// hangs up while its request waits in the access phase (ngx_wasm_module has no counterpart of
// lua_check_client_abort), so the filter finishes the payment it started. The swap is sent, the
// token is spent and the operator earns it (recoverable like any earning). The payer loses
// nothing: the request ended without a response going out, so the payment record says the answer
// was lost, and the same token presented again gets the access it paid for (recovered=1).
describe("client hangs up during a payment: NGINX + ngx_wasm_module (documented exception)", () => {
  const stack = new Stack("client-gone-ngx-wasm");
  let mint: Mint;
  let relay: TcpRelay;
  let url = "";
  let wallet: TestWallet;
  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    relay = stack.add(await new TcpRelay("127.0.0.1", mint.port).start());
    const backend = stack.add(await new Backend().start());
    url = (await startNgx({ stack, mintPort: relay.port, backendPort: backend.port,
      pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint", timeout_ms: 5000 }], price: 10 }) }, "ngx-wasm-client-gone")).url;
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("finishes the swap of a client that left; the same token then gets the access it paid for", async () => {
    const proofs = await wallet.mint(10);
    const token = wallet.encodeB(proofs);
    relay.delayMs = 1000; // every mint call takes 1 s
    const abort = new AbortController();
    const req = fetch(`${url}/x`, { headers: { "X-Cashu": token }, signal: abort.signal }).catch((e) => e);
    await sleep(300);
    abort.abort();
    await req;
    await sleep(5000); // keysets, keys, counter probe and the swap are over by now
    relay.delayMs = 0;
    assert.equal(mint.requestCount(/\/v1\/swap$/), 1, "NGINX does not report the hang-up: the swap is sent (host difference)");
    const states = await wallet.wallet.checkProofsStates(proofs);
    assert.ok(states.every((s) => String(s.state) === "SPENT"), JSON.stringify(states));
    const r = await fetch(`${url}/x`, { headers: { "X-Cashu": token } });
    assert.equal(r.status, 200, await r.clone().text());
    assert.match(r.headers.get("x-paygress-receipt") ?? "", /recovered=1/);
    const again = await fetch(`${url}/x`, { headers: { "X-Cashu": token } });
    assert.equal(again.status, 402);
    assert.equal((await again.json()).code, "token_spent");
  });
});

describe("NGINX + ngx_wasm_module: what is particular to this host", () => {
  it("answers local replies with the standard reason phrase", async () => {
    // No mint needed: a 402 comes without any mint call (port 9 is never dialled).
    const stack = new Stack("ngx-wasm-reason");
    try {
      const backend = stack.add(await new Backend().start());
      const n = await startNgx({ stack, mintPort: 9, backendPort: backend.port,
        pluginConfig: pluginConfig({ mints: [{ url: "http://127.0.0.1:9", cluster: "mint" }] }) }, "ngx-wasm-reason");
      const line = await new Promise<string>((resolve, reject) => {
        httpGet(`${n.url}/paid`, (res) => { res.resume(); resolve(`${res.statusCode} ${res.statusMessage}`); }).on("error", reject);
      });
      assert.equal(line, "402 Payment Required");
      const free = await fetch(`${n.url}/free/x`);
      assert.equal(free.status, 200);
    } finally {
      await stack.stop();
    }
  });

  it("forwards a replaced :path (ngx_wasm_module patch 0003), a replaced header, and not a removed one (nginx patch 0001)", async () => {
    // A raw proxy-wasm module (wat2wasm, like the stats-tags probe in hot-reload.test.ts) that, in
    // on_request_headers, replaces :path and cookie and removes x-cashu: what reaches the upstream
    // is the host fact the gate's credential stripping has to live with (docs/deploy.md): the
    // generated configuration drops the credentials itself (proxy_set_header).
    const wat = `(module
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_remove_header_map_value" (func $remove (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) ":path") (data (i32.const 32) "/canon/a?x=1") (data (i32.const 64) "x-cashu")
  (data (i32.const 96) "cookie") (data (i32.const 112) "theme=dark")
  (global $heap (mut i32) (i32.const 4096))
  (func (export "malloc") (param $n i32) (result i32)
    (local $p i32) (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))
  (func (export "proxy_abi_version_0_2_0"))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $replace (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 12)))
    (drop (call $remove (i32.const 0) (i32.const 64) (i32.const 7)))
    (drop (call $replace (i32.const 0) (i32.const 96) (i32.const 6) (i32.const 112) (i32.const 10)))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_body") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32)))`;
    const stack = new Stack("ngx-wasm-headers");
    try {
      writeFileSync(join(stack.dir, "mutate.wat"), wat);
      execFileSync("wat2wasm", [join(stack.dir, "mutate.wat"), "-o", join(stack.dir, "mutate.wasm")]);
      const backend = stack.add(await new Backend().start());
      const n = await startNgx({ stack, mintPort: 9, backendPort: backend.port, pluginConfig: {} }, "ngx-wasm-headers", join(stack.dir, "mutate.wasm"));
      backend.requests.length = 0;
      const r = await fetch(`${n.url}/orig/path?q=2`, { headers: { "X-Cashu": "cashuBexample", Cookie: "theme=dark; paygress_pass=p1.x" } });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      const seen = backend.requests.at(-1)!;
      assert.equal(seen.headers.cookie, "theme=dark", "a replaced request header is forwarded as replaced");
      assert.equal(seen.headers["x-cashu"], undefined, "a removed request header does not reach a proxy_pass upstream");
      assert.equal(seen.url, "/canon/a?x=1", "proxy_pass sends the replaced :path (patch 0003)");
    } finally {
      await stack.stop();
    }
  });

  it("no NGINX worker died on a signal in this file", () => {
    const lines = [...crashLines, ...started.flatMap((n) => n.crashes())];
    assert.ok(started.length >= 3, `NGINXes started: ${started.length} (${lastUrl})`);
    assert.deepEqual([...new Set(lines)], [], "a worker crashed (the host must survive anything the filter does)");
  });
});

// Hot reload the NGINX way: a new .wasm and configuration written next to the running ones, then
// `nginx -s reload` (the master starts workers with the new module, the old ones finish their
// requests and exit). Under a closed loop of unpaid requests every response must come from v1 or
// v2 (the 402's amount names it), none may fail, and the master keeps its PID. The clients open a
// new connection per request: on reload the old workers close their idle keep-alive connections,
// and a client that sends on one at that instant sees the connection closed (an NGINX property, not
// the module's; clients that retry idempotent requests on a closed keep-alive connection do not see
// it). PAYGRESS_RELOAD_KEEPALIVE=1 measures that case too (docs/deploy.md has the figures).
describe("hot reload: a new .wasm through nginx -s reload, under load (NGINX + ngx_wasm_module)", () => {
  const stack = new Stack("hot-reload-ngx-wasm");
  const PRICE_V1 = 10;
  const PRICE_V2 = 21;
  let n: NgxWasm;
  let load: Load;
  const config = (price: number) => pluginConfig({ mints: [{ url: "http://127.0.0.1:9", cluster: "mint" }], price });

  before(async () => {
    const backend = stack.add(await new Backend().start());
    const v1 = join(stack.dir, "paygress-v1.wasm");
    writeFileSync(v1, versionedWasm(readFileSync(WASM), "v1"));
    n = await startNgx({ stack, mintPort: 9, backendPort: backend.port, pluginConfig: config(PRICE_V1) }, "ngx-wasm-reload", v1);
    load = new Load(`${n.url}/premium`, new Map([[PRICE_V1, "v1"], [PRICE_V2, "v2"]]),
      process.env.PAYGRESS_RELOAD_KEEPALIVE ? {} : { connection: "close" });
  });
  after(async () => {
    await load?.stop();
    await stack.stop();
  });
  onFailureDump(stack);

  it("switches to v2 (new .wasm, new price) with no failed request and the same master", async (t) => {
    const pid = n.proc.child.pid;
    load.start(6, 200000, 60000);
    await load.until("500 responses from v1", () => load.count("v1") >= 500, 20000);
    const v2 = join(stack.dir, "paygress-v2.wasm");
    writeFileSync(v2, versionedWasm(readFileSync(WASM), "v2"));
    n.writeConf(config(PRICE_V2), v2);
    const started = Date.now();
    n.reload();
    await load.until("v2 serving", () => load.lastAre("v2", 200), 20000);
    const switchMs = Date.now() - started;
    const mark = load.total;
    await load.until("300 more responses", () => load.total >= mark + 300, 20000);
    await load.stop();
    console.log(`ngx-wasm hot-reload counts: ${JSON.stringify({ total: load.total, ...Object.fromEntries(load.counts), switchMs, keepAlive: !!process.env.PAYGRESS_RELOAD_KEEPALIVE })}`);
    assert.ok(load.lastAre("v2", 300), "after the switch only v2 answers");
    assert.ok(n.proc.running, "the master still runs");
    assert.equal(n.proc.child.pid, pid, "same master process (no restart)");
    assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
    t.diagnostic(`v1->v2 switch in ${switchMs} ms`);
  });
});
