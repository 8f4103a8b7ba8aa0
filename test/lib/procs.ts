// Real processes for end-to-end tests: free loopback ports, readiness polling, logs kept in a temp
// directory and printed when a test fails, and cleanup that always runs (process groups are
// killed on normal exit, on test failure and on SIGINT/SIGTERM).
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const VENV_BIN = join(ROOT, ".venv/bin");

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `paygress-${prefix}-`));
}

export interface ProcOptions {
  name: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  logDir: string;
}

const live = new Set<Proc>();

export class Proc {
  readonly logFile: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  exitCode: number | null = null;

  constructor(readonly opts: ProcOptions) {
    this.logFile = join(opts.logDir, `${opts.name}.log`);
    const fd = openSync(this.logFile, "a");
    this.child = spawn(opts.cmd, opts.args, {
      cwd: opts.cwd ?? opts.logDir,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", fd, fd],
      detached: true, // own process group: kill() takes its children too
    });
    live.add(this);
    this.exited = new Promise((res) => {
      this.child.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        live.delete(this);
        res(this.exitCode);
      });
      this.child.on("error", () => { live.delete(this); res(-1); });
    });
  }

  get running(): boolean { return this.exitCode === null && this.child.exitCode === null; }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  /** SIGTERM the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    try { process.kill(-this.child.pid, "SIGTERM"); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(-this.child.pid!, "SIGKILL"); } catch { /* gone */ } }, graceMs);
    await this.exited;
    clearTimeout(t);
  }

  /** SIGKILL now (simulates a crash). */
  async kill(): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    try { process.kill(-this.child.pid, "SIGKILL"); } catch { /* gone */ }
    await this.exited;
  }
}

function killAllSync(): void {
  for (const p of live) {
    try { if (p.child.pid) process.kill(-p.child.pid, "SIGKILL"); } catch { /* gone */ }
  }
}
process.on("exit", killAllSync);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => { killAllSync(); process.exit(130); });
}

/** Polls `check` until it returns true, the process dies, or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, proc?: Proc, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = "";
  while (Date.now() < deadline) {
    if (proc && !proc.running) {
      throw new Error(`${what}: process exited with ${proc.exitCode}\n--- ${proc.opts.name} log ---\n${tail(proc.log())}`);
    }
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = String(e);
    }
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms ${lastErr}` + (proc ? `\n--- ${proc.opts.name} log ---\n${tail(proc.log())}` : ""));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function tail(text: string, lines = 60): string {
  return text.split("\n").slice(-lines).join("\n");
}

export async function httpOk(url: string): Promise<boolean> {
  const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await r.arrayBuffer();
  return r.ok;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
