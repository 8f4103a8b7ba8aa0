// npm run bench:envoy [-- --json FILE] [-- --duration S] [-- --rounds N] [-- --baseline-wasm FILE]
//
// Throughput and latency of Envoy on loopback with wrk, in one run:
//   off         Envoy without any Wasm filter (baseline)
//   pass        Envoy with Paygress, every request carrying a valid pass (the paid hot path)
//   402         Envoy with Paygress, every request unpaid (answered locally with 402)
// and, to show what any Wasm filter costs before Paygress does anything:
//   empty-abi   a proxy-wasm module with no SDK and no logic (bench/wasm/empty-abi.ts)
//   empty-sdk   an empty filter on @solo-io/proxy-runtime, patched like ours (bench/wasm/empty-sdk.ts)
//   read-headers  the empty SDK filter reading the request headers once, as Paygress must
//               (bench/wasm/read-headers.ts)
// With --baseline-wasm, also pass@baseline and 402@baseline: the same requests through another build
// of paygress.wasm (e.g. an earlier commit's), in the same run, for a before/after ratio.
// The upstream is NGINX returning a small static 200. Envoy runs one worker pinned to CPU 0; wrk and
// NGINX are pinned to CPU 1, so the proxy's CPU is what is measured. Throughput is measured with 16
// connections, latency with 1 connection (requests one after another, so the median is the service
// time, not queueing). Rounds alternate off/pass/402 to cancel drift; medians are reported.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import { Envoy } from "../test/lib/envoy.ts";
import { Mint } from "../test/lib/mint.ts";
import { staticUpstream } from "../test/lib/nginx.ts";
import { ROOT } from "../test/lib/procs.ts";
import { Stack } from "../test/lib/stack.ts";
import { TestWallet } from "../test/lib/wallet.ts";
import { pluginConfig } from "../test/lib/config.ts";
import { mkdirSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (k: string, d: string) => (args.includes(`--${k}`) ? args[args.indexOf(`--${k}`) + 1] : d);
const DURATION = Number(opt("duration", "5"));
const ROUNDS = Number(opt("rounds", "3"));
const jsonFile = args.includes("--json") ? opt("json", "build/bench-envoy.json") : null;
const baselineWasm = args.includes("--baseline-wasm") ? opt("baseline-wasm", "") : null;
const run = promisify(execFile);

interface WrkResult { rps: number; p50us: number; p90us: number; p99us: number; non2xx: number; errors: number }

function us(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v : m[2] === "ms" ? v * 1000 : v * 1e6;
}

async function wrk(url: string, connections: number, header?: string): Promise<WrkResult> {
  const a = ["-c", "1", "wrk", "-t1", `-c${connections}`, `-d${DURATION}s`, "--latency"];
  if (header) a.push("-H", header);
  a.push(url);
  const { stdout } = await run("taskset", a, { encoding: "utf8" });
  const num = (re: RegExp) => Number((re.exec(stdout) ?? [])[1] ?? 0);
  const lat = (p: string) => us((new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(stdout) ?? [])[1] ?? "");
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50us: lat("50"), p90us: lat("90"), p99us: lat("99"),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/),
    errors: num(/Socket errors:.*?(\d+)/),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const stack = new Stack("bench-envoy");
try {
  const mint = stack.add(await new Mint({ logDir: stack.dir }).start());
  const upstream = stack.add(await staticUpstream(stack.dir).start());
  await run("taskset", ["-a", "-p", "-c", "1", String(upstream.proc.child.pid)]);
  const common = { logDir: stack.dir, backend: { host: "127.0.0.1", port: upstream.port }, logLevel: "warn", concurrency: 1 };
  const off = stack.add(await new Envoy({ ...common, name: "envoy-off", mints: [] }).start());
  // The two empty baselines, built here so they always match this checkout's toolchain and patch.
  mkdirSync(join(ROOT, "build/bench"), { recursive: true });
  const asc = join(ROOT, "node_modules/.bin/asc");
  const emptyAbi = join(ROOT, "build/bench/empty-abi.wasm");
  const emptySdk = join(ROOT, "build/bench/empty-sdk.wasm");
  await run(asc, [join(ROOT, "bench/wasm/empty-abi.ts"), "--config", join(ROOT, "assembly/testing/asconfig.json"), "--runtime", "stub", "-O3", "--use", "abort=", "-o", emptyAbi]);
  await run(asc, [join(ROOT, "bench/wasm/empty-sdk.ts"), "--config", join(ROOT, "assembly/testing/asconfig.json"), "--runtime", "incremental", "-O3", "--converge",
    "--use", "abort=assembly/adapter/abort/paygressAbort", "-o", emptySdk], { cwd: ROOT });
  const readHeaders = join(ROOT, "build/bench/read-headers.wasm");
  await run(asc, [join(ROOT, "bench/wasm/read-headers.ts"), "--config", join(ROOT, "assembly/testing/asconfig.json"), "--runtime", "incremental", "-O3", "--converge",
    "--use", "abort=assembly/adapter/abort/paygressAbort", "-o", readHeaders], { cwd: ROOT });
  const readEnvoy = stack.add(await new Envoy({ ...common, name: "envoy-read-headers", mints: [], filter: { wasmPath: readHeaders, pluginConfig: {} } }).start());
  const abiEnvoy = stack.add(await new Envoy({ ...common, name: "envoy-empty-abi", mints: [], filter: { wasmPath: emptyAbi, pluginConfig: {} } }).start());
  const sdkEnvoy = stack.add(await new Envoy({ ...common, name: "envoy-empty-sdk", mints: [], filter: { wasmPath: emptySdk, pluginConfig: {} } }).start());
  const on = stack.add(await new Envoy({
    ...common, name: "envoy-on", mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
    filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: 10, passTtl: 86400 }) },
  }).start());
  const baseline = baselineWasm ? stack.add(await new Envoy({
    ...common, name: "envoy-baseline", mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
    filter: { wasmPath: baselineWasm, pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: 10, passTtl: 86400 }) },
  }).start()) : null;
  for (const e of [off, abiEnvoy, sdkEnvoy, readEnvoy, on, ...(baseline ? [baseline] : [])]) await run("taskset", ["-a", "-p", "-c", "0", String(e.proc.child.pid)]);

  // Buy a pass once.
  const wallet = await new TestWallet(mint.url).load();
  const paid = await fetch(`${on.url}/`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(10)) } });
  if (paid.status !== 200) throw new Error(`could not buy a pass: ${paid.status} ${await paid.text()}`);
  const pass = paid.headers.get("x-paygress-pass")!;

  const variants: Array<{ name: string; url: string; header?: string; expect: string }> = [
    { name: "off", url: `${off.url}/`, expect: "200" },
    { name: "empty-abi", url: `${abiEnvoy.url}/`, header: `X-Paygress-Pass: ${pass}`, expect: "200" },
    { name: "empty-sdk", url: `${sdkEnvoy.url}/`, header: `X-Paygress-Pass: ${pass}`, expect: "200" },
    { name: "read-headers", url: `${readEnvoy.url}/`, header: `X-Paygress-Pass: ${pass}`, expect: "200" },
    { name: "pass", url: `${on.url}/`, header: `X-Paygress-Pass: ${pass}`, expect: "200" },
    { name: "402", url: `${on.url}/`, expect: "402" },
    ...(baseline ? [
      { name: "pass@baseline", url: `${baseline.url}/`, header: `X-Paygress-Pass: ${pass}`, expect: "200" },
      { name: "402@baseline", url: `${baseline.url}/`, expect: "402" },
    ] : []),
  ];
  for (const v of variants) await wrk(v.url, 4, v.header); // warm up (JIT, connection pools)

  const tput: Record<string, WrkResult[]> = {};
  const lat: Record<string, WrkResult[]> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) (tput[v.name] ??= []).push(await wrk(v.url, 16, v.header));
    for (const v of variants) (lat[v.name] ??= []).push(await wrk(v.url, 1, v.header));
  }
  const summary = variants.map((v) => ({
    variant: v.name,
    rps: median(tput[v.name].map((x) => x.rps)),
    p50us_c16: median(tput[v.name].map((x) => x.p50us)),
    p99us_c16: median(tput[v.name].map((x) => x.p99us)),
    p50us_c1: median(lat[v.name].map((x) => x.p50us)),
    p90us_c1: median(lat[v.name].map((x) => x.p90us)),
    p99us_c1: median(lat[v.name].map((x) => x.p99us)),
    non2xx: tput[v.name].reduce((s, x) => s + x.non2xx, 0),
    socketErrors: tput[v.name].reduce((s, x) => s + x.errors, 0),
  }));
  const row = (n: string) => summary.find((x) => x.variant === n)!;
  const base = row("off");
  const passRow = row("pass");
  const perRequestUs = (r: { rps: number }) => 1e6 / r.rps;
  const ratios = {
    passThroughputRatio: passRow.rps / base.rps,
    challengeThroughputRatio: row("402").rps / base.rps,
    emptyAbiThroughputRatio: row("empty-abi").rps / base.rps,
    emptySdkThroughputRatio: row("empty-sdk").rps / base.rps,
    readHeadersThroughputRatio: row("read-headers").rps / base.rps,
    passAddedMedianLatencyUs: passRow.p50us_c1 - base.p50us_c1,
    // CPU time per request on Envoy's one worker, above the baseline, from throughput.
    passAddedCpuUsPerRequest: perRequestUs(passRow) - perRequestUs(base),
    emptySdkAddedCpuUsPerRequest: perRequestUs(row("empty-sdk")) - perRequestUs(base),
    emptyAbiAddedCpuUsPerRequest: perRequestUs(row("empty-abi")) - perRequestUs(base),
    readHeadersAddedCpuUsPerRequest: perRequestUs(row("read-headers")) - perRequestUs(base),
  };
  const targets = { passThroughputRatio: 0.92, passAddedMedianLatencyUs: 20 };

  console.log(`bench:envoy on ${os.cpus()[0]?.model} (${os.cpus().length} cpus); Envoy 1 worker on CPU 0, wrk + NGINX upstream on CPU 1;`);
  console.log(`${ROUNDS} rounds x ${DURATION}s per variant; medians.\n`);
  const head = ["variant", "req/s (c16)", "p50 c16", "p99 c16", "p50 c1", "p90 c1", "p99 c1", "non-2xx"];
  const rows = summary.map((s) => [s.variant, s.rps.toFixed(0), `${s.p50us_c16.toFixed(0)} µs`, `${s.p99us_c16.toFixed(0)} µs`,
    `${s.p50us_c1.toFixed(0)} µs`, `${s.p90us_c1.toFixed(0)} µs`, `${s.p99us_c1.toFixed(0)} µs`, String(s.non2xx)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i])).join("  "));
  console.log(`\npass/off throughput ratio: ${ratios.passThroughputRatio.toFixed(3)} (target >= ${targets.passThroughputRatio})`);
  console.log(`402/off throughput ratio:  ${ratios.challengeThroughputRatio.toFixed(3)}`);
  console.log(`added median latency on the pass path (1 connection): ${ratios.passAddedMedianLatencyUs.toFixed(1)} µs (target <= ${targets.passAddedMedianLatencyUs} µs)`);
  console.log(`any Wasm filter first: empty module/off ${ratios.emptyAbiThroughputRatio.toFixed(3)}, empty SDK filter/off ${ratios.emptySdkThroughputRatio.toFixed(3)}, ` +
    `+ reading the headers once/off ${ratios.readHeadersThroughputRatio.toFixed(3)}`);
  console.log(`worker CPU per request above off: empty module ${ratios.emptyAbiAddedCpuUsPerRequest.toFixed(2)} µs, empty SDK filter ${ratios.emptySdkAddedCpuUsPerRequest.toFixed(2)} µs, ` +
    `+ header read ${ratios.readHeadersAddedCpuUsPerRequest.toFixed(2)} µs, Paygress pass path ${ratios.passAddedCpuUsPerRequest.toFixed(2)} µs`);
  if (baseline) {
    const b = row("pass@baseline");
    const c = row("402@baseline");
    console.log(`this build vs the baseline build: pass throughput ${(passRow.rps / b.rps).toFixed(3)}, pass added CPU ${(perRequestUs(passRow) - perRequestUs(base)).toFixed(2)} vs ` +
      `${(perRequestUs(b) - perRequestUs(base)).toFixed(2)} µs per request; 402 throughput ${(row("402").rps / c.rps).toFixed(3)}`);
  }
  if (jsonFile) {
    writeFileSync(jsonFile, JSON.stringify({ when: new Date().toISOString(), cpu: os.cpus()[0]?.model, durationS: DURATION, rounds: ROUNDS, summary, ratios, targets, raw: { tput, lat } }, null, 2));
    console.log(`wrote ${jsonFile}`);
  }
} finally {
  await stack.stop();
}
