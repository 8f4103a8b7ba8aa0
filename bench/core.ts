// npm run bench:core [-- --json FILE] [-- --filter TEXT]
// Core (protocol + crypto) benchmark: AssemblyScript compiled to wasm vs independent JS
// implementations (@noble/*, @cashu/cashu-ts), same machine, same run. Case lists live in
// bench/cases/*.ts (each exports `cases(): Promise<BenchCase[]>`). Needs: bash build-wasm-plugins.sh testing
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import os from "node:os";
import { BenchCase, BenchResult, printTable, runCase } from "./harness.ts";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] ?? "build/bench-core.json" : null;
const filterAt = args.indexOf("--filter");
const filter = filterAt >= 0 ? args[filterAt + 1] : null;

const all: BenchCase[] = [];
for (const f of readdirSync(join(here, "cases")).filter((f) => f.endsWith(".ts")).sort()) {
  const mod = await import(pathToFileURL(join(here, "cases", f)).href);
  all.push(...(await mod.cases()));
}
const results: BenchResult[] = [];
for (const c of all) {
  if (filter && !c.name.includes(filter)) continue;
  results.push(runCase(c));
}
console.log(`bench:core on ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} cpus), node ${process.version}`);
printTable(results);
const missed = results.filter((r) => !r.meetsTargets);
console.log(missed.length ? `targets missed: ${missed.map((r) => r.name).join(", ")}` : "all targets met");
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify({ when: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, results }, null, 2));
  console.log(`wrote ${jsonFile}`);
}
