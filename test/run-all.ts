// The test command (`npm test` runs it after set-up and the wasm build):
//   1. generates the as-pect specs from the official NUT vectors (tools/gen-vectors.ts)
//   2. runs as-pect (AssemblyScript unit tests)
//   3. builds the testing modules and runs every TypeScript test file with node:test:
//      test/unit (compiled filter on a fake host), test/differential (vs noble / cashu-ts),
//      test/e2e (real Envoy, real Nutshell mint, NGINX, Traefik)
// and ends with one plain line CI can read: "N passed, N failed" (skipped tests are reported
// separately and never counted as passed). Options: --only unit|aspect|differential|e2e,
// --grep TEXT (file name filter for the node:test part).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
const grep = args.includes("--grep") ? args[args.indexOf("--grep") + 1] : null;
const started = Date.now();

function run(cmd: string, argv: string[], opts: { capture?: boolean } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const sections: string[] = [];
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

async function aspect(): Promise<void> {
  console.log("\n== AssemblyScript unit tests (as-pect) ==");
  const gen = await run("npx", ["tsx", "tools/gen-vectors.ts"]);
  if (gen.code !== 0) {
    totals.failed++;
    sections.push("vector generation: FAILED");
    return;
  }
  const r = await run("npx", ["asp", "--config", "as-pect.config.js"]);
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(stripAnsi(r.out));
  if (!m) {
    totals.failed++;
    sections.push(`as-pect: no summary (exit ${r.code}) — counted as 1 failure`);
    return;
  }
  const pass = Number(m[1]);
  const total = Number(m[2]);
  let failed = total - pass;
  if (r.code !== 0 && failed === 0) failed = 1; // a compile error or crash after the summary
  totals.passed += pass;
  totals.failed += failed;
  sections.push(`as-pect: ${pass} passed, ${failed} failed`);
}

function testFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const p = join(abs, e.name);
    if (e.isDirectory()) out.push(...testFiles(relative(ROOT, p)));
    else if (e.name.endsWith(".test.ts")) out.push(relative(ROOT, p));
  }
  return out.sort();
}

async function nodeTests(label: string, dirs: string[], concurrency: number): Promise<void> {
  let files = dirs.flatMap(testFiles);
  if (grep) files = files.filter((f) => f.includes(grep));
  if (files.length === 0) return;
  console.log(`\n== ${label} (${files.length} files) ==`);
  const tapDir = join(ROOT, "build/test-results");
  mkdirSync(tapDir, { recursive: true });
  // One file per run: concurrent runs in one checkout must not read each other's results.
  const tap = join(tapDir, `${label.replace(/\W+/g, "-")}-${process.pid}.tap`);
  rmSync(tap, { force: true });
  const r = await run(process.execPath, [
    "--import", "tsx", "--test", `--test-concurrency=${concurrency}`,
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, "utf8") : "";
  rmSync(tap, { force: true });
  const num = (k: string) => Number((new RegExp(`^# ${k} (\\d+)$`, "m").exec(text) ?? [])[1] ?? 0);
  const pass = num("pass");
  let fail = num("fail") + num("cancelled");
  const skipped = num("skipped") + num("todo");
  // A run that ended without node:test's summary (killed, crashed) is a failure, whatever its exit code.
  const complete = /^# tests \d+$/m.test(text);
  if ((r.code !== 0 || !complete) && fail === 0) fail = 1;
  if (!complete) sections.push(`${label}: the test run ended without its summary (killed or crashed?) — counted as a failure`);
  totals.passed += pass;
  totals.failed += fail;
  totals.skipped += skipped;
  sections.push(`${label}: ${pass} passed, ${fail} failed${skipped ? `, ${skipped} skipped (not counted as passed)` : ""}`);
}

if (!only || only === "aspect" || only === "unit") await aspect();
if (!only || only === "unit" || only === "differential") {
  const b = await run("bash", ["build-wasm-plugins.sh", "testing"]);
  if (b.code !== 0) { totals.failed++; sections.push("testing build: FAILED"); }
}
if (!only || only === "unit") await nodeTests("unit (TypeScript)", ["test/unit"], 2);
if (!only || only === "differential") await nodeTests("differential", ["test/differential"], 2);
if (!only || only === "e2e") await nodeTests("e2e", ["test/e2e"], 2);

console.log("\n== Summary ==");
for (const s of sections) console.log("  " + s);
console.log(`  time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
