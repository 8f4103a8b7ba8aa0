// The README's first command works: the demo walks 402 -> pay -> 200 + pass -> reuse -> replay
// refused -> earnings collected, against real Envoy and Nutshell.
import { it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "../lib/procs.ts";

it("npm run demo walks through 402 -> pay -> 200 -> pass -> replay 402 -> collect", async () => {
  // Exactly the README's first command (set-up and build are quick when already done).
  const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "demo", "--", "--exit"], { cwd: ROOT, timeout: 180000, encoding: "utf8", maxBuffer: 1 << 22 });
  const statuses = [...stdout.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [402, 200, 200, 402], stdout);
  assert.match(stdout, /^x-cashu: creqA/m);
  assert.match(stdout, /^x-paygress-pass: p1\./m);
  assert.match(stdout, /^x-cashu-change: cashuB/m);
  assert.match(stdout, /"code":"token_spent"/);
  assert.match(stdout, /found 2 earned proofs worth 10 sat; redeemed into 9 sat/);
});
