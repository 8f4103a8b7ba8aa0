// Fixtures for the C test harness and the C benchmark: a fake mint's keyset (real secp256k1 keys,
// a NUT-02 v1 id the gate verifies), its /v1/keysets and /v1/keys answers, the plugin
// configuration, and tokens with well-formed proofs from that keyset. The harness answers the
// gate's mint calls from these files (swap signatures are the generator point: the gate cannot
// tell, and the harness tests the host API, not the mint's cryptography).
//   npx tsx host-shims/c/test/fixtures.ts DIR
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { getEncodedToken } from "@cashu/cashu-ts";
import { pluginConfig } from "../../../test/lib/config.ts";

export const FIXTURE_MINT = "http://mint.test";
export const FIXTURE_PRICE = 10;
const AMOUNTS = Array.from({ length: 12 }, (_, i) => 2 ** i);

function pub(priv: Uint8Array): string {
  return Buffer.from(secp256k1.getPublicKey(priv, true)).toString("hex");
}

function point(seed: string): string {
  return pub(createHash("sha256").update(seed).digest());
}

export function writeNativeFixtures(dir: string, tokens = 64): void {
  mkdirSync(dir, { recursive: true });
  const keys: Record<string, string> = {};
  for (const a of AMOUNTS) keys[String(a)] = point(`paygress-fake-mint-${a}`);
  const id = "00" + createHash("sha256").update(Buffer.concat(AMOUNTS.map((a) => Buffer.from(keys[String(a)], "hex")))).digest("hex").slice(0, 14);
  const keyset = { id, unit: "sat", active: true, input_fee_ppk: 100 };
  writeFileSync(join(dir, "keysets.json"), JSON.stringify({ keysets: [keyset] }));
  writeFileSync(join(dir, "keys.json"), JSON.stringify({ keysets: [{ ...keyset, keys }] }));
  writeFileSync(join(dir, "keyset_id"), id);
  const config = pluginConfig({
    mints: [{ url: FIXTURE_MINT, cluster: "mint", timeout_ms: 1500 }],
    routes: [
      { id: "free", prefix: "/free", price: 0 },
      { id: "short", prefix: "/short", price: FIXTURE_PRICE, pass_ttl_seconds: 1 },
      { id: "paid", prefix: "/", price: FIXTURE_PRICE },
    ],
  });
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  // The same configuration with its secrets taken from the environment (WASI environ).
  const byEnv = structuredClone(config) as any;
  byEnv.pass.keys[0] = { id: "k1", secret_env: "PAYGRESS_PASS_KEY" };
  byEnv.earnings = { ...byEnv.earnings, seed_env: "PAYGRESS_EARNINGS_SEED" };
  delete byEnv.earnings.seed;
  writeFileSync(join(dir, "config-env.json"), JSON.stringify(byEnv));
  writeFileSync(join(dir, "env"), `PAYGRESS_PASS_KEY=${config.pass && (config.pass as any).keys[0].secret}\nPAYGRESS_EARNINGS_SEED=${(config.earnings as any).seed}\n`);
  const lines: string[] = [];
  for (let i = 0; i < tokens; i++) {
    const proofs = [{ id, amount: 16, secret: randomBytes(32).toString("hex"), C: point(`proof-${i}-${randomBytes(8).toString("hex")}`) }];
    lines.push(getEncodedToken({ mint: FIXTURE_MINT, unit: "sat", proofs }));
  }
  writeFileSync(join(dir, "tokens.txt"), lines.join("\n") + "\n");
}

if (process.argv[1] && process.argv[1].endsWith("fixtures.ts")) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: npx tsx host-shims/c/test/fixtures.ts DIR");
    process.exit(2);
  }
  writeNativeFixtures(dir);
  console.log(`fixtures written to ${dir}`);
}

/**
 * A fake mint over HTTP serving the fixtures (for benchmarks of real hosts without a real mint):
 * keysets, keys, an empty restore, and swaps signed with the generator point.
 */
export async function startFakeMint(dir: string): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const { readFileSync } = await import("node:fs");
  const keysets = readFileSync(join(dir, "keysets.json"));
  const keys = readFileSync(join(dir, "keys.json"));
  const G = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "";
      const json = (body: string | Buffer) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      };
      if (url === "/v1/keysets") return json(keysets);
      if (url.startsWith("/v1/keys/")) return json(keys);
      if (url === "/v1/restore") return json(`{"outputs":[],"signatures":[]}`);
      if (url === "/v1/swap") {
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { outputs?: Array<{ amount: number; id: string }> };
        return json(JSON.stringify({ signatures: (body.outputs ?? []).map((o) => ({ amount: o.amount, id: o.id, C_: G })) }));
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((r) => { server.closeAllConnections?.(); server.close(() => r()); }) };
}
