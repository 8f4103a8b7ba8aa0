// The README's first command works: the demo walks 402 -> pay -> 200 + pass -> reuse -> replay
// refused -> earnings collected, against real Envoy and Nutshell.
import { it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "../lib/procs.ts";

it("npm run demo walks through 402 -> pay -> 200 -> pass -> replay 402 -> collect -> paygress pay", async () => {
  // Exactly the README's first command (set-up and build are quick when already done).
  const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "demo", "--", "--exit"], { cwd: ROOT, timeout: 180000, encoding: "utf8", maxBuffer: 1 << 22 });
  const statuses = [...stdout.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [402, 200, 200, 402, 200], stdout); // the last one: paygress pay -i
  assert.match(stdout, /^x-cashu: creqA/m);
  assert.match(stdout, /^x-paygress-pass: p1\./m);
  assert.match(stdout, /^x-cashu-change: cashuB/m);
  assert.match(stdout, /"code":"token_spent"/);
  assert.match(stdout, /found 2 earned proofs worth 10 sat; redeemed into 9 sat/);
  // The paying client: 402 handled and paid, then the pass (nothing paid).
  assert.match(stdout, /^\$ npx paygress --wallet \S+ pay -i http:\/\/127\.0\.0\.1:\d+\/hello$/m);
  assert.match(stdout, /^paygress: paying \d+ sat from /m);
  assert.match(stdout, /^paygress: using your pass for /m);
  // The one command the demo (and the README) gives for buying access, run as printed.
  const buy = /^  (npx paygress --wallet \S+ pay http:\S+)$/m.exec(stdout);
  assert.ok(buy, "the demo prints the command that buys access");
  assert.ok(stdout.includes(`$ ${buy[1]}\n`), "and runs it, exactly as printed");
  assert.equal(stdout.split("paygress: paying ").length - 1, 2, "the demo wallet paid once, the printed command once");
});
