// Shared benchmark harness: calibrates an iteration count to ~150 ms, takes the median of several
// rounds, and reports ns/op for a wasm implementation beside an independent JS one, with ratios.
// Cases run their loop inside the callee (a wasm export looping N times) so that binding costs do
// not dominate short operations.
export interface BenchCase {
  /** e.g. "sha256 1 KiB" */
  name: string;
  /** Runs the wasm operation `iters` times. */
  wasm: (iters: number) => void;
  /** Runs the independent JS implementation `iters` times (omit when none exists). */
  js?: (iters: number) => void;
  /** Name of the JS baseline, e.g. "@noble/hashes". */
  jsName?: string;
  /** Bytes processed per op, to print MB/s. */
  bytesPerOp?: number;
  /** Target: wasm ns/op must be at most this. */
  maxNs?: number;
  /** Target: js/wasm time ratio must be at least this. */
  minSpeedup?: number;
}

export interface BenchResult {
  name: string;
  wasmNsPerOp: number;
  jsNsPerOp: number | null;
  jsName: string | null;
  speedup: number | null;
  wasmMBps: number | null;
  jsMBps: number | null;
  maxNs: number | null;
  minSpeedup: number | null;
  meetsTargets: boolean;
}

function measure(fn: (iters: number) => void, targetMs = 150, rounds = 5): number {
  fn(1); // warm up + JIT
  let iters = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    fn(iters);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= targetMs / 4 || iters >= 1 << 30) {
      iters = Math.max(1, Math.round((iters * targetMs) / Math.max(ms, 0.001)));
      break;
    }
    iters *= 4;
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn(iters);
    samples.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function runCase(c: BenchCase): BenchResult {
  const wasmNs = measure(c.wasm);
  const jsNs = c.js ? measure(c.js) : null;
  const speedup = jsNs != null ? jsNs / wasmNs : null;
  const mbps = (ns: number | null) => (c.bytesPerOp && ns ? (c.bytesPerOp / ns) * 1e3 : null);
  const meets = (c.maxNs == null || wasmNs <= c.maxNs) && (c.minSpeedup == null || (speedup ?? 0) >= c.minSpeedup);
  return {
    name: c.name, wasmNsPerOp: wasmNs, jsNsPerOp: jsNs, jsName: c.jsName ?? null, speedup,
    wasmMBps: mbps(wasmNs), jsMBps: mbps(jsNs), maxNs: c.maxNs ?? null, minSpeedup: c.minSpeedup ?? null,
    meetsTargets: meets,
  };
}

export function fmtNs(ns: number): string {
  if (ns >= 1e6) return (ns / 1e6).toFixed(2) + " ms";
  if (ns >= 1e3) return (ns / 1e3).toFixed(2) + " µs";
  return ns.toFixed(1) + " ns";
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    fmtNs(r.wasmNsPerOp) + (r.wasmMBps ? ` (${r.wasmMBps.toFixed(1)} MB/s)` : ""),
    r.jsNsPerOp != null ? fmtNs(r.jsNsPerOp) + (r.jsMBps ? ` (${r.jsMBps.toFixed(1)} MB/s)` : "") : "-",
    r.speedup != null ? r.speedup.toFixed(2) + "x" : "-",
    [r.maxNs != null ? `<= ${fmtNs(r.maxNs)}` : "", r.minSpeedup != null ? `>= ${r.minSpeedup}x` : ""].filter(Boolean).join(", ") || "-",
    r.maxNs == null && r.minSpeedup == null ? "" : r.meetsTargets ? "met" : "MISSED",
  ]);
  const head = ["operation", "wasm (AssemblyScript)", "JS baseline", "JS/wasm", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}
