// The wallet file: one JSON document, owner-only (0600, in a 0700 directory), replaced atomically
// (write a temporary file, fsync, rename, fsync the directory), and changed only under a lock file
// (`<file>.lock`, created with O_EXCL) held for the few milliseconds of a read-modify-write: never
// across a network call. Several processes can therefore use one wallet: each change starts from
// the latest file and no update is lost.
//
// A lock whose holder died (same host, pid gone) is broken: renamed away under a unique name, and
// only if what was renamed is still the dead holder's lock. Paying never depends on the lock alone:
// the mint refuses a proof spent twice, and every payment is journaled (wallet.ts) before its token
// leaves the process.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync, chmodSync, linkSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { PaygressError } from "../lib/errors.ts";

export interface LockOwner { pid: number; host: string; nonce: string; since: number }

export const LOCK_TIMEOUT_MS = 20_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** Holds `<file>.lock` while `fn` runs. `fn` must not do network I/O. */
export async function withFileLock<T>(file: string, fn: () => T, timeoutMs = LOCK_TIMEOUT_MS): Promise<T> {
  const lock = file + ".lock";
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const me: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString("hex"), since: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = readOwner(lock);
    if (owner && owner.host === me.host && !processAlive(owner.pid)) breakStaleLock(lock, owner);
    else if (!owner) {
      // Created but not written yet, or garbage: give its creator a moment, then treat it as stale.
      try { if (Date.now() - statSync(lock).mtimeMs > 2000) breakStaleLock(lock, null); } catch { /* gone */ }
    }
    if (Date.now() > deadline) {
      throw new PaygressError("wallet_busy", `the wallet ${file} has been locked by process ${owner?.pid ?? "?"} for over ${Math.round(timeoutMs / 1000)} s; ` +
        `if no paygress process is running, remove ${lock}`);
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return fn();
  } finally {
    const owner = readOwner(lock);
    if (owner && owner.nonce === me.nonce) unlinkSync(lock);
  }
}

function breakStaleLock(lock: string, seen: LockOwner | null): void {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // someone else broke it first
  }
  const got = readOwner(aside);
  if ((seen === null && got === null) || (seen && got && got.nonce === seen.nonce)) {
    rmSync(aside, { force: true });
    return;
  }
  // We renamed a live lock that replaced the stale one in between: put it back (link fails if a
  // third process already took the free slot; then both wait on the mint as the last line).
  try { linkSync(aside, lock); } catch { /* taken */ }
  rmSync(aside, { force: true });
}

/** Reads the JSON file (or null when absent). */
export function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new PaygressError("wallet_corrupt", `the wallet file ${file} is not valid JSON; restore it from your recovery phrase (paygress wallet init --restore)`);
  }
}

/** Replaces `file` atomically with `value`, owner-only. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(value, null, 1) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  try {
    const dfd = openSync(dir, "r");
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* directories cannot be fsynced everywhere */ }
}

/** Read-modify-write under the lock; `mutate` returns a result and may change the state in place. */
export async function updateJson<S, T>(file: string, mutate: (state: S) => T): Promise<T> {
  return withFileLock(file, () => {
    const state = readJson<S>(file);
    if (state === null) throw new PaygressError("no_wallet", `there is no wallet at ${file}; create one with: paygress wallet init`);
    const result = mutate(state);
    writeJsonAtomic(file, state);
    return result;
  });
}
