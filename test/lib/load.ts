// A closed loop of concurrent unpaid requests that counts every response by the price of the 402
// it got (each price names a deployed version); anything else is a failure. Used to measure hot
// reloads: plain Envoy's watched ECDS file (test/e2e/hot-reload.test.ts) and Istio's push of a
// changed WasmPlugin (test/e2e/istio.test.ts), NGINX + ngx_wasm_module through nginx -s reload
// (test/e2e/ngx-wasm.test.ts).
import { sleep } from "./procs.ts";

/** Appends a custom section naming the version, so v1 and v2 are different modules (new VM). */
export function versionedWasm(wasm: Buffer, version: string): Buffer {
  const name = Buffer.from("paygress.version");
  const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.from(version)]);
  const size: number[] = [];
  let n = payload.length;
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; size.push(b); } while (n);
  return Buffer.concat([wasm, Buffer.from([0]), Buffer.from(size), payload]);
}

/** Counts every response of a closed loop of concurrent unpaid requests. */
export class Load {
  counts = new Map<string, number>();
  failures: string[] = [];
  total = 0;
  private stopped = false;
  private workers: Promise<void>[] = [];
  /** Outcomes in arrival order (bounded), to see the switch-over. */
  recent: string[] = [];

  /** `headers`: e.g. {connection: "close"} for a new connection per request. */
  constructor(readonly url: string, readonly prices: Map<number, string>, readonly headers: Record<string, string> = {}) {}

  start(concurrency: number, maxRequests: number, maxMs: number): void {
    const deadline = Date.now() + maxMs;
    for (let i = 0; i < concurrency; i++) {
      this.workers.push((async () => {
        while (!this.stopped && this.total < maxRequests && Date.now() < deadline) {
          this.record(await this.once());
        }
      })());
    }
  }

  private async once(): Promise<string> {
    try {
      const r = await fetch(this.url, { signal: AbortSignal.timeout(5000), headers: this.headers });
      const text = await r.text();
      if (r.status !== 402) return `fail:status ${r.status}: ${text.slice(0, 120)}`;
      const amount = (JSON.parse(text) as { amount?: number }).amount;
      const v = amount === undefined ? undefined : this.prices.get(amount);
      return v ?? `fail:402 with amount ${amount}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return `fail:${String(e).slice(0, 80)}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
    }
  }

  private record(outcome: string): void {
    this.total++;
    const key = outcome.startsWith("fail:") ? "failed" : outcome;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (key === "failed" && this.failures.length < 20) this.failures.push(outcome);
    this.recent.push(key);
    if (this.recent.length > 400) this.recent.shift();
  }

  count(k: string): number { return this.counts.get(k) ?? 0; }

  /** Resolves when `cond` holds; fails after `timeoutMs` with the counts so far. */
  async until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms; counts ${JSON.stringify(Object.fromEntries(this.counts))}`);
      await sleep(50);
    }
  }

  /** Whether the last `n` outcomes were all `k`. */
  lastAre(k: string, n: number): boolean {
    return this.recent.length >= n && this.recent.slice(-n).every((x) => x === k);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }
}
