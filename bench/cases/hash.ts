// SHA-256 and HMAC-SHA256: AssemblyScript vs @noble/hashes. The wasm side loops inside wasm
// (benchSha256 in build/testing/crypto.wasm, benchHmac in build/testing/hash.wasm).
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import type { BenchCase } from "../harness.ts";

export async function cases(): Promise<BenchCase[]> {
  const m = await import("../../build/testing/hash.js");
  const c = await import("../../build/testing/crypto.js");
  const kib = new Uint8Array(1024).map((_, i) => i & 255);
  const hundred = kib.slice(0, 100);
  const sixtyFour = kib.slice(0, 64);
  const key = new Uint8Array(32).fill(7);
  return [
    {
      name: "sha256 1 KiB",
      wasm: (n) => { c.benchSha256(kib, n); },
      js: (n) => { for (let i = 0; i < n; i++) sha256(kib); },
      jsName: "@noble/hashes",
      bytesPerOp: 1024,
    },
    {
      name: "sha256 64 B",
      wasm: (n) => { c.benchSha256(sixtyFour, n); },
      js: (n) => { for (let i = 0; i < n; i++) sha256(sixtyFour); },
      jsName: "@noble/hashes",
      bytesPerOp: 64,
    },
    {
      name: "hmac-sha256 100 B (precomputed key)",
      wasm: (n) => { m.benchHmac(key, hundred, n); },
      js: (n) => { const h = hmac.create(sha256, key); for (let i = 0; i < n; i++) h.clone().update(hundred).digest(); },
      jsName: "@noble/hashes",
    },
  ];
}
