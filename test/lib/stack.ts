// Groups the processes and servers of one test file: one temp dir for their logs, one stop() that
// stops them all (in reverse order), and a failure hook that prints their logs.
import { afterEach } from "node:test";
import { removeDir, tail, tempDir } from "./procs.ts";

interface Stoppable { stop(): Promise<void>; proc?: { opts: { name: string }; log(): string } }

export class Stack {
  readonly dir: string;
  readonly parts: Stoppable[] = [];
  failed = false;

  constructor(name: string) {
    this.dir = tempDir(name);
  }

  add<T extends Stoppable>(part: T): T {
    this.parts.push(part);
    return part;
  }

  logs(): string {
    return this.parts
      .filter((p) => p.proc)
      .map((p) => `--- ${p.proc!.opts.name} log (last lines) ---\n${tail(p.proc!.log())}`)
      .join("\n");
  }

  async stop(): Promise<void> {
    for (const p of [...this.parts].reverse()) {
      try { await p.stop(); } catch { /* keep stopping the rest */ }
    }
    if (!this.failed && !process.env.PAYGRESS_KEEP_LOGS) removeDir(this.dir);
    else console.error(`logs kept in ${this.dir}`);
  }
}

/** Prints every process log of `stack` after a failing test. */
export function onFailureDump(stack: Stack): void {
  afterEach((t) => {
    // node:test exposes no pass/fail on the context in Node 20; the test's diagnostics do.
    const ctx = t as unknown as { passed?: boolean };
    if (ctx.passed === false) {
      stack.failed = true;
      console.error(`\n[${t.name}] failed; process logs:\n${stack.logs()}`);
    }
  });
}
