// Cashu tokens and payment requests: AssemblyScript (build/testing/cashu.wasm) vs @cashu/cashu-ts.
// The wasm side loops inside the module (bench* exports) so the JS<->wasm string copy is paid once
// per batch, not per operation. Run: npm run bench:core -- --filter token
import { getDecodedToken, getEncodedToken, PaymentRequest, type Token } from "@cashu/cashu-ts";
import type { BenchCase } from "../harness.ts";

/** Deterministic filler so every run measures the same bytes. */
function hex(seed: number, bytes: number): string {
  let s = "";
  let x = seed >>> 0;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += (x >>> 24).toString(16).padStart(2, "0");
  }
  return s;
}

function token(proofs: number, dleq: boolean): Token {
  const id = "01" + hex(1, 32);
  return {
    mint: "https://mint.example.com",
    unit: "sat",
    proofs: Array.from({ length: proofs }, (_, i) => ({
      id,
      amount: BigInt(1 << i),
      secret: hex(100 + i, 32),
      C: "02" + hex(200 + i, 32),
      ...(dleq ? { dleq: { e: hex(300 + i, 32), s: hex(400 + i, 32), r: hex(500 + i, 32) } } : {}),
    })),
  } as unknown as Token;
}

function v3(t: Token): string {
  const json = JSON.stringify({
    token: [{ mint: t.mint, proofs: t.proofs.map((p) => ({ amount: Number(p.amount as unknown as bigint), id: p.id, secret: p.secret, C: p.C, ...(p.dleq ? { dleq: p.dleq } : {}) })) }],
    unit: t.unit,
  });
  return "cashuA" + Buffer.from(json).toString("base64url");
}

export async function cases(): Promise<BenchCase[]> {
  const m = await import("../../build/testing/cashu.js");
  const plain = token(8, false);
  const withDleq = token(8, true);
  const ids = [plain.proofs[0].id];
  // cashu-ts writes short v2 ids; decode with the full id list as a wallet would.
  const bPlain = getEncodedToken(plain);
  const bDleq = getEncodedToken(withDleq);
  const aPlain = v3(plain);
  const request = new PaymentRequest(undefined, "b7a90176", 21n, "sat", ["https://mint.example.com"], undefined, false, {
    kind: "P2PK", data: "02" + hex(7, 32), tags: [["locktime", "1900000000"]],
  } as never);
  const creqA = request.toEncodedCreqA();
  const creqB = request.toEncodedCreqB();
  const check = (what: string, v: number) => {
    if (v < 0) throw new Error(`bench token: ${what} failed in wasm (${v})`);
  };
  check("decode cashuB", m.benchDecodeToken(bPlain, 1));
  check("decode cashuB+dleq", m.benchDecodeToken(bDleq, 1));
  check("decode cashuA", m.benchDecodeToken(aPlain, 1));
  check("creqA", m.benchDecodeCreq(creqA, 1));
  check("creqB", m.benchDecodeCreq(creqB, 1));
  return [
    {
      name: "token decode cashuB, 8 proofs",
      wasm: (n) => { m.benchDecodeToken(bPlain, n); },
      js: (n) => { for (let i = 0; i < n; i++) getDecodedToken(bPlain, ids); },
      jsName: "@cashu/cashu-ts",
      maxNs: 20_000,
    },
    {
      name: "token decode cashuB, 8 proofs with DLEQ",
      wasm: (n) => { m.benchDecodeToken(bDleq, n); },
      js: (n) => { for (let i = 0; i < n; i++) getDecodedToken(bDleq, ids); },
      jsName: "@cashu/cashu-ts",
      maxNs: 20_000,
    },
    {
      name: "token decode cashuA, 8 proofs",
      wasm: (n) => { m.benchDecodeToken(aPlain, n); },
      js: (n) => { for (let i = 0; i < n; i++) getDecodedToken(aPlain, ids); },
      jsName: "@cashu/cashu-ts",
    },
    {
      name: "token encode cashuB, 8 proofs",
      wasm: (n) => { m.benchEncodeToken(bPlain, 4, n); },
      js: (n) => { for (let i = 0; i < n; i++) getEncodedToken(plain); },
      jsName: "@cashu/cashu-ts",
    },
    {
      name: "token encode cashuA, 8 proofs",
      wasm: (n) => { m.benchEncodeToken(bPlain, 3, n); },
    },
    {
      name: "token creqA decode (NUT-24 request)",
      wasm: (n) => { m.benchDecodeCreq(creqA, n); },
      js: (n) => { for (let i = 0; i < n; i++) PaymentRequest.fromEncodedRequest(creqA); },
      jsName: "@cashu/cashu-ts",
    },
    {
      name: "token creqA encode (NUT-24 request)",
      wasm: (n) => { m.benchEncodeCreq(creqA, 0, n); },
      js: (n) => { for (let i = 0; i < n; i++) request.toEncodedCreqA(); },
      jsName: "@cashu/cashu-ts",
    },
    {
      name: "token creqB decode (NUT-24 request)",
      wasm: (n) => { m.benchDecodeCreq(creqB, n); },
      js: (n) => { for (let i = 0; i < n; i++) PaymentRequest.fromEncodedRequest(creqB); },
      jsName: "@cashu/cashu-ts",
    },
    {
      name: "token creqB encode (NUT-24 request)",
      wasm: (n) => { m.benchEncodeCreq(creqB, 1, n); },
      js: (n) => { for (let i = 0; i < n; i++) request.toEncodedCreqB(); },
      jsName: "@cashu/cashu-ts",
    },
  ];
}
