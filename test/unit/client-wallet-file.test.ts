// The client's wallet file with several processes at once: owner-only permissions, no update lost,
// no proof reserved (hence paid) twice, a lock left by a process killed inside it broken at once, and
// a payment interrupted by a kill left in the journal for the next process.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ClientWallet } from "../../client/wallet/wallet.ts";
import { ROOT } from "../lib/procs.ts";

const WORKER = join(ROOT, "test/lib/client-wallet-worker.ts");
const TSX = join(ROOT, "node_modules/.bin/tsx");

function worker(file: string, mode: string, id = "w", iterations = 0): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const p = spawn(TSX, [WORKER, file, mode, id, String(iterations)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code, sig) => res({ code: code ?? (sig ? 128 : null), out: out || err }));
  });
}

describe("client wallet file: several processes, crashes", () => {
  let dir = "";
  let file = "";
  const START = 120;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "paygress-client-wallet-"));
    file = join(dir, "sub", "wallet.json");
    const w = await ClientWallet.create(file);
    await w.update((s) => {
      for (let i = 0; i < START; i++) s.proofs.push({ mint: "http://mint.test", unit: "sat", id: "00aa", amount: 1 + (i % 2), secret: `start-${i}`, C: "02" + "00".repeat(32) });
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is readable by its owner only", () => {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "sub")).mode & 0o777, 0o700);
  });

  it("three processes reserving, paying and adding at once: no proof paid twice, no update lost", async () => {
    const runs = await Promise.all(["a", "b", "c"].map((id) => worker(file, "run", id, 25)));
    for (const r of runs) assert.equal(r.code, 0, r.out);
    const results = runs.map((r) => JSON.parse(r.out) as { settled: string[]; added: string[] });
    const settled = results.flatMap((r) => r.settled);
    assert.equal(new Set(settled).size, settled.length, "a proof was settled (paid) by two payments");
    const s = ClientWallet.open(file).read();
    const have = new Set(s.proofs.map((p) => p.secret));
    for (const x of settled) assert.ok(!have.has(x), "a paid proof is still in the wallet");
    for (const x of results.flatMap((r) => r.added)) assert.ok(have.has(x), `update lost: ${x} missing`);
    assert.equal(s.proofs.length, START - settled.length + 75);
    assert.equal(s.ops.length, 0);
    assert.ok(s.proofs.every((p) => !p.op), "no proof left reserved");
    assert.ok(!existsSync(file + ".lock"));
  });

  it("breaks the lock of a process killed while holding it", async () => {
    const r = await worker(file, "crash-in-lock");
    assert.ok(r.code === 137 || r.code === 128, `exit ${r.code}: ${r.out}`);
    assert.ok(existsSync(file + ".lock"), "the dead process left its lock");
    const t0 = Date.now();
    await ClientWallet.open(file).update(() => {});
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    assert.ok(!existsSync(file + ".lock"));
  });

  it("keeps a payment interrupted by a kill in the journal, its proofs reserved, for the next process", async () => {
    const w = ClientWallet.open(file);
    const spendable = w.spendable("http://mint.test", "sat");
    const r = await worker(file, "crash-after-reserve");
    assert.ok(r.code === 137 || r.code === 128, `exit ${r.code}: ${r.out}`);
    const orphans = w.orphans();
    assert.equal(orphans.length, 1);
    assert.equal(orphans[0].kind, "pay");
    const reserved = w.read().proofs.filter((p) => p.op === orphans[0].id);
    assert.equal(reserved.reduce((x, p) => x + p.amount, 0), 2);
    assert.equal(w.spendable("http://mint.test", "sat"), spendable - 2, "reserved proofs are not spendable by others");
  });

  it("paygress wallet balance shows amounts per mint and no secret", async () => {
    const { stdout } = await promisify(execFile)(join(ROOT, "client/bin/paygress.mjs"), ["--wallet", file, "wallet", "balance"], { encoding: "utf8" }).catch((e) => e);
    assert.match(stdout, /sat at http:\/\/mint\.test/);
    assert.doesNotMatch(stdout, /start-\d|cashu[AB]/);
  });
});
