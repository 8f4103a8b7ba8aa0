// npm run bench:native [-- --json FILE] [-- --quick]
// What the native hosts cost, same machine, same run:
//   1. the C API, measured in C in a loop (build/native/bin/paygress-bench): ns per pass check,
//      per 402 and per free-route request, each a whole exchange (new, headers, response
//      headers, finish); target <= 1 us per pass check;
//   2. the Go middleware (host-shims/go, `go test -bench`): ns per pass check through
//      Middleware (minus the bare handler), Check without net/http, one instance vs a pool under
//      RunParallel; target <= 1.2 us per pass check;
//   3. NGINX requests/s with the Lua module vs the same NGINX without it (wrk, alternating runs,
//      ratio), on the pass-check path and on the 402 path.
// A fake mint (host-shims/c/test/fixtures.ts) sells the pass; nothing here needs the network.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import os from "node:os";
import { join } from "node:path";
import { Nginx, staticUpstream } from "../test/lib/nginx.ts";
import { GO_ENV, NATIVE_BIN, ROOT, buildNative, nginxPaygressHttp } from "../host-shims/testing.ts";
import { startFakeMint, writeNativeFixtures } from "../host-shims/c/test/fixtures.ts";

const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] ?? "build/bench-native.json" : null;
const quick = args.includes("--quick");
const TARGET_C_NS = 1000;
const TARGET_GO_NS = 1200;

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

console.log(`bench:native on ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} cpus), load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
buildNative("test", "go");
const dir = mkdtempSync(join(tmpdir(), "paygress-bench-native-"));
writeNativeFixtures(dir, 256);

// ---- 1. C API ---------------------------------------------------------------------------------
const iterations = quick ? 50000 : 300000;
const c = JSON.parse(execFileSync(join(NATIVE_BIN, "paygress-bench"), [dir, String(iterations)], { encoding: "utf8" })) as Record<string, number | boolean>;
console.log("\nC API (a whole exchange per request, best of 5 rounds):");
console.log(`  pass check       ${fmt(c.pass_check_ns as number)} ns   (target <= ${TARGET_C_NS} ns: ${(c.pass_check_ns as number) <= TARGET_C_NS ? "met" : "MISSED"})`);
console.log(`  402 challenge    ${fmt(c.challenge_402_ns as number)} ns`);
console.log(`  free route       ${fmt(c.free_route_ns as number)} ns`);
console.log(`  payment, warm    ${fmt(c.warm_payment_ms as number, 3)} ms of gate CPU (mint round trips excluded)`);
console.log(`  instance create  ${fmt(c.create_ms as number, 2)} ms; linear memory ${fmt((c.memory_bytes as number) / 1024)} KiB`);

// ---- 2. Go middleware ---------------------------------------------------------------------------
const goBench = spawnSync("go", ["test", "-count=1", "-run", "XXX", "-bench", ".", "-benchtime", `${quick ? 50000 : 300000}x`], {
  cwd: join(ROOT, "host-shims/go"), encoding: "utf8", env: { ...process.env, ...GO_ENV, PAYGRESS_FIXTURES: dir }, maxBuffer: 16 << 20,
});
if (goBench.status !== 0) throw new Error(`go test -bench failed:\n${goBench.stdout}${goBench.stderr}`);
const goNs: Record<string, number> = {};
for (const m of goBench.stdout.matchAll(/^Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns\/op/gm)) goNs[m[1]] = Number(m[2]);
const goPass = goNs.MiddlewarePass - goNs.Baseline;
console.log("\nGo (cgo) middleware:");
console.log(`  pass check via Middleware   ${fmt(goPass)} ns   (${fmt(goNs.MiddlewarePass)} - ${fmt(goNs.Baseline)} bare handler; target <= ${TARGET_GO_NS} ns: ${goPass <= TARGET_GO_NS ? "met" : "MISSED"})`);
console.log(`  pass check via Check        ${fmt(goNs.CheckPass)} ns   (cgo layer without net/http; C alone ${fmt(c.pass_check_ns as number)} ns)`);
console.log(`  402 via Middleware          ${fmt(goNs.Middleware402)} ns`);
console.log(`  parallel, 1 instance        ${fmt(goNs.ParallelPassOneInstance)} ns/op   (all goroutines serialised on one instance's mutex)`);
console.log(`  parallel, instance pool     ${fmt(goNs.ParallelPassInstancePool)} ns/op   (one instance per GOMAXPROCS, no global lock)`);

// ---- 3. NGINX throughput -------------------------------------------------------------------------
const mint = await startFakeMint(dir);
const logDir = mkdtempSync(join(tmpdir(), "paygress-bench-nginx-"));
const upstream = await staticUpstream(logDir).start();
const configFile = join(logDir, "paygress.json");
writeFileSync(configFile, JSON.stringify(JSON.parse(execFileSync("cat", [join(dir, "config.json")], { encoding: "utf8" }))));
const common = { configFile, clusters: { mint: mint.url }, upstream: `127.0.0.1:${upstream.port}` };
const withModule = await new Nginx({ logDir, name: "nginx-paygress", lua: true, workers: 1, http: nginxPaygressHttp(common) }).start();
const without = await new Nginx({ logDir, name: "nginx-plain", lua: true, workers: 1, http: nginxPaygressHttp({ ...common, withoutPaygress: true }) }).start();
const tokens = execFileSync("cat", [join(dir, "tokens.txt")], { encoding: "utf8" }).trim().split("\n");
const paid = await fetch(`${withModule.url}/article`, { headers: { "X-Cashu": tokens[tokens.length - 1] } });
const pass = paid.headers.get("x-paygress-pass");
if (paid.status !== 200 || !pass) throw new Error(`could not buy a pass through NGINX: ${paid.status} ${await paid.text()}`);

function wrk(url: string, headers: string[]): number {
  const r = spawnSync("wrk", ["-t1", "-c16", `-d${quick ? 2 : 3}s`, ...headers.flatMap((h) => ["-H", h]), url], { encoding: "utf8" });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`wrk failed: ${r.stdout}${r.stderr}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout);
  return Number(m[1]) * (non2xx ? -1 : 1); // negative: wrong statuses (reported)
}
const rounds = quick ? 1 : 5;
const rps = { plain: [] as number[], pass: [] as number[], challenge: [] as number[] };
for (let i = 0; i < rounds; i++) {
  rps.plain.push(wrk(`${without.url}/article`, []));
  rps.pass.push(wrk(`${withModule.url}/article`, [`X-Paygress-Pass: ${pass}`]));
  rps.challenge.push(Math.abs(wrk(`${withModule.url}/article`, []))); // 402s are the expected answer here
}
const median = (a: number[]) => [...a].map(Math.abs).sort((x, y) => x - y)[Math.floor(a.length / 2)];
const nginxRes = { plainRps: median(rps.plain), passRps: median(rps.pass), challengeRps: median(rps.challenge), passRatio: median(rps.pass) / median(rps.plain), challengeRatio: median(rps.challenge) / median(rps.plain) };
console.log(`\nNGINX (1 worker, proxy_pass to a static NGINX upstream; wrk -t1 -c16; median of ${rounds} alternating runs):`);
console.log(`  without Paygress     ${fmt(nginxRes.plainRps)} req/s`);
console.log(`  pass check           ${fmt(nginxRes.passRps)} req/s   (${(nginxRes.passRatio * 100).toFixed(1)}% of without)`);
console.log(`  402 answered locally ${fmt(nginxRes.challengeRps)} req/s   (${(nginxRes.challengeRatio * 100).toFixed(1)}% of without; no upstream hop)`);
if (rps.pass.some((r) => r < 0)) console.log("  WARNING: some pass-check requests were not answered 200");
await withModule.stop();
await without.stop();
await upstream.stop();
await mint.close();
rmSync(logDir, { recursive: true, force: true });
rmSync(dir, { recursive: true, force: true });

if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify({
    when: new Date().toISOString(), cpu: os.cpus()[0]?.model, cpus: os.cpus().length, loadavg: os.loadavg(),
    c: { ...c, target_pass_check_ns: TARGET_C_NS },
    go: { ns_per_op: goNs, pass_check_ns: goPass, target_pass_check_ns: TARGET_GO_NS },
    nginx: { ...nginxRes, runs: rps },
  }, null, 2));
  console.log(`\nwrote ${jsonFile}`);
}
