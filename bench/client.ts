// npm run bench:client [-- --payments N] [-- --json FILE]
//
// What a payment costs the paying client, in CPU milliseconds of the client's own process — the
// mint (Nutshell), the gate (Envoy + paygress.wasm) and the upstream (NGINX) are other processes,
// so their time is not in it, and neither is any waiting on the network:
//   pay+change  paygressFetch on a 402: decode the request, check caps, select and reserve proofs,
//               encode the token, wallet file writes, the paid request, then receiving the change
//               (the client's side of one swap: NUT-13 outputs, unblinding) and its file writes
//   pay exact   the same with proofs worth exactly the asked amount: no change, no swap, no mint call
//   pass        paygressFetch with a pass the wallet holds (the second call)
// and, without any network, the parts:
//   reserve     select + reserve + encode a token (one locked read-modify-write of the wallet file)
//   release     give the proofs back (one more write)
//   file update one locked no-op read-modify-write of the wallet file
//   derive 00   one NUT-13 output on a "00" keyset (BIP-32 path derivation + hash_to_curve + blinding)
//   derive 01   one NUT-13 output on a "01" keyset (HMAC KDF + hash_to_curve + blinding)
// Each is measured in 3 rounds; the table gives the median per operation over all samples, p10-p90,
// and the spread of the three round medians (the noise).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import { OutputData, createNewMintKeys } from "@cashu/cashu-ts";
import { Envoy } from "../test/lib/envoy.ts";
import { Mint } from "../test/lib/mint.ts";
import { staticUpstream } from "../test/lib/nginx.ts";
import { ROOT } from "../test/lib/procs.ts";
import { Stack } from "../test/lib/stack.ts";
import { pluginConfig } from "../test/lib/config.ts";
import { ClientWallet } from "../client/wallet/wallet.ts";
import { createPaygressFetch } from "../client/lib/fetch.ts";

const args = process.argv.slice(2);
const opt = (k: string, d: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const PAYMENTS = Number(opt("--payments", "20"));
const JSON_OUT = args.includes("--json") ? opt("--json", "") : "";
const ROUNDS = 3;

const cpuMs = (f: () => unknown) => async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
};

interface Row { name: string; n: number; cpuMedian: number; cpuP10: number; cpuP90: number; roundMedians: number[]; wallMedian: number }

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function bench(name: string, n: number, setup: () => Promise<void> | void, op: () => Promise<unknown> | unknown): Promise<Row> {
  const all: number[] = [];
  const walls: number[] = [];
  const roundMedians: number[] = [];
  const m = cpuMs(op);
  await setup(); await m(); // warm-up (JIT), not counted
  for (let r = 0; r < ROUNDS; r++) {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      await setup();
      const { cpu, wall } = await m();
      xs.push(cpu);
      walls.push(wall);
    }
    all.push(...xs);
    roundMedians.push(q(xs, 0.5));
  }
  process.stderr.write(`${name}: median ${q(all, 0.5).toFixed(3)} ms CPU\n`);
  return { name, n: all.length, cpuMedian: q(all, 0.5), cpuP10: q(all, 0.1), cpuP90: q(all, 0.9), roundMedians, wallMedian: q(walls, 0.5) };
}

const stack = new Stack("bench-client");
try {
  const mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: 100 }).start());
  const upstream = stack.add(await staticUpstream(stack.dir).start());
  const envoy = stack.add(await new Envoy({
    logDir: stack.dir,
    backend: { host: "127.0.0.1", port: upstream.port },
    mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
    filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: 10 }) },
  }).start());
  const file = join(stack.dir, "wallet.json");
  const w = await ClientWallet.create(file);
  const payments = ROUNDS * PAYMENTS + 1;
  process.stderr.write(`funding the wallet with ${payments} single 64-sat proofs...\n`);
  for (let i = 0; i < payments; i++) await w.mint(mint.url, 64);
  const pf = createPaygressFetch({ wallet: w });
  const url = `${envoy.url}/bench`;
  const rows: Row[] = [];

  // A fresh 402 every time: forget the pass first (not measured). Spend the 64s, not the change.
  const forget = () => w.update((s) => { s.passes = []; s.routes = {}; s.proofs = s.proofs.filter((p) => p.amount === 64); });
  rows.push(await bench("pay+change", PAYMENTS, forget, async () => {
    const r = await pf(url);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    await r.arrayBuffer();
  }));
  // Exact proofs: the wallet holds sets worth exactly what the gate asks; no change, no swap.
  const asked = Number((await (await fetch(url)).json() as { amount: number }).amount);
  const we = await ClientWallet.create(join(stack.dir, "wallet-exact.json"));
  process.stderr.write(`funding a second wallet with ${payments} exact sets of ${asked} sat...\n`);
  for (let i = 0; i < payments; i++) await we.mint(mint.url, asked);
  const pfe = createPaygressFetch({ wallet: we });
  rows.push(await bench("pay exact (no change)", PAYMENTS, () => we.update((s) => { s.passes = []; s.routes = {}; }), async () => {
    const r = await pfe(url);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    if (r.headers.has("x-cashu-change")) throw new Error("change on an exact payment");
    await r.arrayBuffer();
  }));
  rows.push(await bench("pass", 50, () => {}, async () => {
    const r = await pf(url);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    await r.arrayBuffer();
  }));

  // The parts, without network (one more 64-sat proof to reserve and release).
  await w.mint(mint.url, 64);
  const req = { mints: [mint.url], unit: "sat", amount: 64, origin: envoy.url, url, limits: {}, nowMs: Date.now() };
  let held: Awaited<ReturnType<ClientWallet["reservePayment"]>> | null = null;
  rows.push(await bench("reserve (select+encode+write)", 50, async () => { if (held) await w.releasePayment(held.opId); held = null; },
    async () => { held = await w.reservePayment(req); }));
  const last = held as { opId: string } | null;
  if (last) await w.releasePayment(last.opId);
  rows.push(await bench("release (write)", 50, async () => { held = await w.reservePayment(req); }, async () => { await w.releasePayment(held!.opId); held = null; }));
  rows.push(await bench("file update (lock+read+write)", 50, () => {}, () => w.update(() => {})));
  const seed = w.seed;
  for (const v of [0, 1]) {
    const ks = createNewMintKeys(8, new Uint8Array(32).fill(7), { versionByte: v });
    let c = 0;
    rows.push(await bench(`derive 0${v} (one output)`, 200, () => {}, () => OutputData.createSingleDeterministicData(8, seed, c++, ks.keysetId)));
  }

  const cpu = os.cpus()[0]?.model ?? "?";
  console.log(`\nPaygress client: CPU time of the client process per operation (mint, gate, upstream excluded)`);
  console.log(`${cpu}, ${os.cpus().length} cpus, node ${process.version}; ${ROUNDS} rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}\n`);
  console.log("| operation | samples | CPU ms median | p10 – p90 | round medians (noise) | wall ms median |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const spread = (Math.max(...r.roundMedians) - Math.min(...r.roundMedians)) / r.cpuMedian;
    console.log(`| ${r.name} | ${r.n} | ${r.cpuMedian.toFixed(3)} | ${r.cpuP10.toFixed(3)} – ${r.cpuP90.toFixed(3)} | ` +
      `${r.roundMedians.map((x) => x.toFixed(3)).join(" / ")} (±${(spread * 50).toFixed(0)}%) | ${r.wallMedian.toFixed(2)} |`);
  }
  console.log("\nwall ms include waiting on the gate and the mint (other processes) and are not the client's cost.");
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ cpu, node: process.version, rows }, null, 2));
} finally {
  await stack.stop();
}
