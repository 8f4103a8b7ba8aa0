// The published JSON Schema and the filter's own configuration parser agree: every documented
// example and test configuration is valid for both, and each broken configuration is refused by
// both (the filter naming the field).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { FakeHost } from "../lib/fakehost.ts";
import { ROOT } from "../lib/procs.ts";
import { pluginConfig } from "../lib/config.ts";
import { scenarioPluginConfig } from "../lib/scenarios.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const schema = JSON.parse(readFileSync(join(ROOT, "docs/paygress-config.schema.json"), "utf8"));
const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false }).compile(schema);
const ENV: Array<[string, string]> = [["PAYGRESS_PASS_KEY", "ab".repeat(32)], ["PAYGRESS_EARNINGS_SEED", "cd".repeat(32)], ["POD_NAME", "paygress-7d9c8-x2kqp"]];

async function filterAccepts(config: unknown): Promise<{ ok: boolean; critical: string }> {
  const h = await FakeHost.load(WASM);
  for (const [k, v] of ENV) h.env.set(k, v);
  const ok = h.configure(config) === 1;
  return { ok, critical: h.logs.filter((l) => l.level === 5).map((l) => l.message).join("\n") };
}

function docExamples(): unknown[] {
  const md = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
  return [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
}

const valid: Array<[string, unknown]> = [
  ...docExamples().map((c, i) => [`docs/configuration.md example ${i + 1}`, c] as [string, unknown]),
  ["test pluginConfig()", pluginConfig({ mints: [{ url: "http://127.0.0.1:3338", cluster: "mint" }] })],
  ["scenario config", scenarioPluginConfig("http://127.0.0.1:3338")],
  ["free routes only", { mints: [{ url: "https://m.example", cluster: "m" }], routes: [{ prefix: "/", price: 0 }] }],
];

const base = pluginConfig({ mints: [{ url: "http://127.0.0.1:3338", cluster: "mint" }] });
const broken: Array<[string, unknown, RegExp]> = [
  ["unknown top-level field", { ...base, pricee: 1 }, /pricee: unknown field/],
  ["negative price", { ...base, routes: [{ prefix: "/", price: -1 }] }, /routes\[0\]\.price/],
  ["fractional price", { ...base, routes: [{ prefix: "/", price: 1.5 }] }, /routes\[0\]\.price/],
  ["relative prefix", { ...base, routes: [{ prefix: "api", price: 1 }] }, /routes\[0\]\.prefix/],
  ["prefix and pattern", { ...base, routes: [{ prefix: "/", pattern: "/*", price: 1 }] }, /routes\[0\]: give either prefix or pattern/],
  ["mint without cluster", { ...base, mints: [{ url: "http://m" }] }, /mints\[0\]\.cluster/],
  ["non-http mint", { ...base, mints: [{ url: "ftp://m", cluster: "c" }] }, /mints\[0\]\.url/],
  ["short pass key", { ...base, pass: { keys: [{ id: "k", secret: "abcd" }] } }, /pass\.keys\[0\]\.secret/],
  ["uncompressed lock key", { ...base, earnings: { lock_pubkey: "04" + "11".repeat(32), seed: "22".repeat(32) } }, /earnings\.lock_pubkey/],
  ["no earnings on a priced route", { mints: base.mints, routes: [{ prefix: "/", price: 1 }], pass: { ttl_seconds: 0 } }, /earnings: is required/],
  ["bad payment_request", { ...base, payment_request: "creqC" }, /payment_request/],
  ["timeout too small", { ...base, mints: [{ url: "http://m", cluster: "c", timeout_ms: 1 }] }, /mints\[0\]\.timeout_ms/],
];

describe("configuration: JSON Schema and the filter agree", () => {
  for (const [name, cfg] of valid) {
    it(`accepts ${name}`, async () => {
      assert.ok(validate(cfg), `schema: ${JSON.stringify(validate.errors)}`);
      const r = await filterAccepts(cfg);
      assert.ok(r.ok, `filter refused: ${r.critical}`);
    });
  }
  for (const [name, cfg, field] of broken) {
    it(`refuses ${name}`, async () => {
      const schemaOk = validate(cfg);
      const r = await filterAccepts(cfg);
      assert.equal(r.ok, false, "the filter must refuse it");
      assert.match(r.critical, field);
      // The schema cannot express "earnings required when a route is priced"; everything else it must catch.
      if (!/earnings: is required/.test(String(field))) assert.equal(schemaOk, false, "the schema must refuse it");
    });
  }
});
