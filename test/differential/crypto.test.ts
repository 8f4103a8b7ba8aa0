// Differential tests of the AssemblyScript crypto layer (build/testing/crypto.wasm) against
// @noble/curves 2.4 / @noble/hashes and @cashu/cashu-ts 4.8, on seeded random inputs.
//   node --import tsx --test test/differential/crypto.test.ts
//   CRYPTO_SEED=1234 CRYPTO_N=20000 node --import tsx --test ...   (another seed / more inputs)
// Needs build/testing/crypto.wasm (bash build-wasm-plugins.sh testing). Every failure prints the
// seed and the failing input, so it reproduces.
//
// noble is slow in BigInt (k*G ~165 µs, k*P ~670 µs here), so references are produced with
// algebra instead of one noble multiplication per case: a pool of points with known discrete
// logs is built by a random walk (P[i+1] = P[i] + T[j], k[i+1] = k[i] + t[j], noble additions and
// batch normalisation), and scalars are chosen so that the expected product is a pool point
// (k*Q with Q = q*G and k = k_j/q mod n must equal P_j). The comparisons are still against
// values noble computed; direct noble / cashu-ts calls check a subset of every operation too.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { secp256k1, schnorr } from "@noble/curves/secp256k1.js";
import { normalizeZ } from "@noble/curves/abstract/curve.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import {
  blindMessage, deriveSecretAndBlindingFactor, hashToCurve, unblindSignature, verifyDLEQProof, verifyDLEQProof_reblind,
} from "@cashu/cashu-ts";

// The module is built by `bash build-wasm-plugins.sh testing` (npm test does it first). Refuse to
// test a stale build: every crypto source must be older than the wasm.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const WASM = join(ROOT, "build/testing/crypto.wasm");
if (!existsSync(WASM)) throw new Error("build/testing/crypto.wasm is missing: run `bash build-wasm-plugins.sh testing`");
const sources = [join(ROOT, "assembly/testing/crypto.ts"), ...readdirSync(join(ROOT, "assembly/core/crypto")).map((f) => join(ROOT, "assembly/core/crypto", f))];
const stale = sources.filter((f) => statSync(f).mtimeMs > statSync(WASM).mtimeMs);
if (stale.length) throw new Error(`build/testing/crypto.wasm is older than ${stale.join(", ")}: run \`bash build-wasm-plugins.sh testing\``);
const m = await import("../../build/testing/crypto.js");

const SEED = Number(process.env.CRYPTO_SEED ?? 0x5eed2026) >>> 0;
const N = Number(process.env.CRYPTO_N ?? 10000);
const Point = secp256k1.Point;
type NPoint = InstanceType<typeof Point>;
const Fn = Point.Fn;
const ORDER = Fn.ORDER;
const P_FIELD = Point.Fp.ORDER;
const G = Point.BASE;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (sfc32) and helpers.

class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = seed >>> 0;
    for (let i = 0; i < 20; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  int(n: number): number { return this.u32() % n; }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
  /** Uniform-ish scalar in [1, n). */
  scalar(): bigint {
    for (;;) {
      const v = toBig(this.bytes(32));
      if (v > 0n && v < ORDER) return v;
    }
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const toBig = (b: Uint8Array) => BigInt("0x" + (hex(b) || "0"));
const be32 = (v: bigint) => fromHex(v.toString(16).padStart(64, "0"));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const mod = (a: bigint) => ((a % ORDER) + ORDER) % ORDER;
const enc = (p: NPoint, compressed = true) => p.toBytes(compressed);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Fails with the seed, the case index and its inputs. */
function fail(what: string, i: number, inputs: Record<string, unknown>): never {
  const shown = Object.entries(inputs).map(([k, v]) => `  ${k} = ${v instanceof Uint8Array ? hex(v) : String(v)}`).join("\n");
  assert.fail(`${what} (CRYPTO_SEED=${SEED}, case ${i})\n${shown}`);
}

/** Record i of a batch result: [status][payload]. */
function rec(out: Uint8Array, i: number, stride: number): { status: number; data: Uint8Array } {
  return { status: out[i * stride], data: out.subarray(i * stride + 1, (i + 1) * stride) };
}

const E = { None: 0, BadLength: 1, BadPrefix: 2, XOutOfRange: 3, NotOnCurve: 4, Infinity: 5, ScalarOverflow: 6, ScalarZero: 7, DleqInvalid: 9, SchnorrInvalid: 10 };

// ---------------------------------------------------------------------------------------------
// The pool: POOL points with known discrete logs, by a random walk with noble additions.

const rng = new Rng(SEED);
const POOL = N + 64;
const poolK: bigint[] = [];
let poolP: NPoint[] = [];
let poolC: Uint8Array[] = []; // compressed encodings
let poolU: Uint8Array[] = []; // uncompressed encodings

let steps: bigint[] = [];
let stepPts: NPoint[] = [];

function buildPool(): void {
  steps = Array.from({ length: 64 }, () => rng.scalar());
  stepPts = steps.map((t) => G.multiplyUnsafe(t));
  let k = rng.scalar();
  let p = G.multiplyUnsafe(k);
  const raw: NPoint[] = [];
  for (let i = 0; i < POOL; i++) {
    const j = rng.int(64);
    k = mod(k + steps[j]);
    p = p.add(stepPts[j]);
    poolK.push(k);
    raw.push(p);
  }
  poolP = normalizeZ(Point, raw);
  poolC = poolP.map((q) => enc(q, true));
  poolU = poolP.map((q) => enc(q, false));
}

/**
 * A walk that yields (x, X = x*G, aX = a*X) for a fixed scalar a, with two noble additions per
 * step: the same random steps as the pool, pre-multiplied by a once.
 */
class ScaledWalk {
  private x: bigint; private X: NPoint; private aX: NPoint;
  private readonly aSteps: NPoint[];
  constructor(readonly a: bigint) {
    this.x = rng.scalar();
    this.X = G.multiplyUnsafe(this.x);
    this.aX = G.multiplyUnsafe(mod(a * this.x));
    this.aSteps = steps.map((t) => G.multiplyUnsafe(mod(a * t)));
  }
  next(): { x: bigint; X: NPoint; aX: NPoint } {
    const j = rng.int(64);
    this.x = mod(this.x + steps[j]);
    this.X = this.X.add(stepPts[j]);
    this.aX = this.aX.add(this.aSteps[j]);
    return { x: this.x, X: this.X, aX: this.aX };
  }
}

before(() => {
  const t = Date.now();
  buildPool();
  console.log(`# crypto differential: CRYPTO_SEED=${SEED}, N=${N}, pool of ${POOL} points built in ${Date.now() - t} ms`);
});

// ---------------------------------------------------------------------------------------------

describe("scalar multiplication", () => {
  test(`k*G, constant-time and variable-time, ${N} random scalars vs noble`, () => {
    const ks = concat(poolK.slice(0, N).map(be32));
    for (const mode of [0, 1]) {
      const out = m.batchMulGen(ks, mode);
      for (let i = 0; i < N; i++) {
        const r = rec(out, i, 34);
        if (r.status !== E.None || hex(r.data) !== hex(poolC[i])) fail(`k*G mode ${mode} differs from noble`, i, { k: be32(poolK[i]), got: r.data, want: poolC[i] });
      }
    }
    // Scalar edge cases: 1, 2, n-1, n (overflow), 2^256-1, 0 (infinity).
    const edge = [1n, 2n, ORDER - 1n];
    const out = m.batchMulGen(concat([...edge.map(be32), be32(ORDER), fromHex("ff".repeat(32)), be32(0n)]), 0);
    edge.forEach((k, i) => assert.equal(hex(rec(out, i, 34).data), hex(enc(G.multiply(k)))));
    assert.equal(rec(out, 3, 34).status, E.ScalarOverflow);
    assert.equal(rec(out, 4, 34).status, E.ScalarOverflow);
    assert.equal(rec(out, 5, 34).status, E.Infinity);
  });

  test(`k*P, constant-time and variable-time, ${N} random (P, k) vs noble`, () => {
    // P = P[i] (log q), k = k[j]/q mod n, so k*P must be P[j].
    const pts: Uint8Array[] = [], ks: Uint8Array[] = [], want: Uint8Array[] = [];
    for (let c = 0; c < N; c++) {
      const i = rng.int(POOL), j = rng.int(POOL);
      pts.push(poolC[i]);
      ks.push(be32(mod(poolK[j] * Fn.inv(poolK[i]))));
      want.push(poolC[j]);
    }
    const P = concat(pts), K = concat(ks);
    for (const mode of [0, 1]) {
      const out = m.batchMul(P, K, mode);
      for (let c = 0; c < N; c++) {
        const r = rec(out, c, 34);
        if (r.status !== E.None || hex(r.data) !== hex(want[c])) fail(`k*P mode ${mode} differs from noble`, c, { P: pts[c], k: ks[c], got: r.data, want: want[c] });
      }
    }
    // Direct noble multiplications on a subset, with fresh random scalars.
    const n = Math.min(300, N);
    const dp: Uint8Array[] = [], dk: bigint[] = [];
    for (let c = 0; c < n; c++) { dp.push(poolC[rng.int(POOL)]); dk.push(rng.scalar()); }
    const out = m.batchMul(concat(dp), concat(dk.map(be32)), 1);
    for (let c = 0; c < n; c++) {
      const wantD = enc(Point.fromBytes(dp[c]).multiplyUnsafe(dk[c]));
      if (hex(rec(out, c, 34).data) !== hex(wantD)) fail("k*P differs from noble multiplyUnsafe", c, { P: dp[c], k: be32(dk[c]) });
    }
  });

  test(`a*G + b*P (verification form), ${N} random inputs vs noble`, () => {
    const as: Uint8Array[] = [], pts: Uint8Array[] = [], bs: Uint8Array[] = [], want: Uint8Array[] = [];
    for (let c = 0; c < N; c++) {
      const i = rng.int(POOL), j = rng.int(POOL), b = rng.scalar();
      pts.push(poolC[i]); bs.push(be32(b));
      as.push(be32(mod(poolK[j] - b * poolK[i])));
      want.push(poolC[j]);
    }
    const out = m.batchMulAddGen(concat(as), concat(pts), concat(bs));
    for (let c = 0; c < N; c++) {
      const r = rec(out, c, 34);
      if (r.status !== E.None || hex(r.data) !== hex(want[c])) fail("a*G + b*P differs from noble", c, { a: as[c], P: pts[c], b: bs[c], got: r.data, want: want[c] });
    }
  });
});

describe("group law and encodings", () => {
  test(`P + Q, ${N} random pairs (with doublings and inverses) vs noble`, () => {
    const ps: Uint8Array[] = [], qs: Uint8Array[] = [], sums: NPoint[] = [];
    for (let c = 0; c < N; c++) {
      const i = rng.int(POOL);
      const kind = c % 50;
      const j = kind === 0 ? i : rng.int(POOL);
      const q = kind === 1 ? poolP[i].negate() : poolP[j];
      ps.push(poolC[i]); qs.push(enc(q));
      sums.push(poolP[i].add(q));
    }
    const finite = normalizeZ(Point, sums.filter((s) => !s.is0()));
    let f = 0;
    const out = m.batchAdd(concat(ps), concat(qs));
    for (let c = 0; c < N; c++) {
      const r = rec(out, c, 34);
      if (sums[c].is0()) {
        if (r.status !== E.Infinity) fail("P + (-P) is not infinity", c, { P: ps[c], Q: qs[c] });
        continue;
      }
      const want = enc(finite[f++]);
      if (r.status !== E.None || hex(r.data) !== hex(want)) fail("P + Q differs from noble", c, { P: ps[c], Q: qs[c], got: r.data, want });
    }
  });

  test(`compress (65 -> 33) and decompress (33 -> 65), ${N} random points each vs noble`, () => {
    const idx = Array.from({ length: N }, () => rng.int(POOL));
    const outC = m.batchRecode(concat(idx.map((i) => poolU[i])), 65, true);
    const outU = m.batchRecode(concat(idx.map((i) => poolC[i])), 33, false);
    for (let c = 0; c < N; c++) {
      const i = idx[c];
      // Reference: noble parses each encoding itself (decompression solves for y).
      const wantC = Point.fromBytes(poolU[i]).toBytes(true);
      const rc = rec(outC, c, 34);
      if (rc.status !== E.None || hex(rc.data) !== hex(wantC)) fail("compress differs from noble", c, { in: poolU[i], got: rc.data });
      const wantU = Point.fromBytes(poolC[i]).toBytes(false);
      const ru = rec(outU, c, 66);
      if (ru.status !== E.None || hex(ru.data) !== hex(wantU)) fail("decompress differs from noble", c, { in: poolC[i], got: ru.data });
    }
  });

  test(`decoding ${N} invalid or random encodings: accepted exactly when noble accepts, with a named error otherwise`, () => {
    const lens = [33, 65];
    for (const len of lens) {
      const items: Uint8Array[] = [];
      for (let c = 0; c < N; c++) {
        let b: Uint8Array;
        const kind = c % 6;
        if (kind === 0) b = concat([Uint8Array.of(len === 33 ? 2 + rng.int(2) : 4), rng.bytes(len - 1)]); // random x (and y)
        else if (kind === 1) { b = (len === 33 ? poolC : poolU)[rng.int(POOL)].slice(); b[0] = [0, 1, 5, 6, 7, 0xff, len === 33 ? 4 : 2][rng.int(7)]; } // bad prefix
        else if (kind === 2) { // x >= p
          const x = P_FIELD + BigInt(rng.int(0x3d0));
          b = concat([Uint8Array.of(len === 33 ? 2 : 4), be32(x), len === 65 ? rng.bytes(32) : new Uint8Array(0)]);
        } else if (kind === 3 && len === 65) { b = poolU[rng.int(POOL)].slice(); b[64] ^= 1 << rng.int(8); } // y off the curve
        else if (kind === 4 && len === 65) { b = poolU[rng.int(POOL)].slice(); b.set(be32(P_FIELD + BigInt(rng.int(100))), 33); } // y >= p
        else b = (len === 33 ? poolC : poolU)[rng.int(POOL)]; // valid
        items.push(b);
      }
      const out = m.batchRecode(concat(items), len, false);
      for (let c = 0; c < N; c++) {
        let want: Uint8Array | null = null;
        try { want = Point.fromBytes(items[c]).toBytes(false); } catch { want = null; }
        const r = rec(out, c, 66);
        if (want === null) {
          if (r.status === E.None || r.status > 14) fail("invalid encoding accepted (noble rejects it)", c, { in: items[c], status: r.status });
        } else if (r.status !== E.None || hex(r.data) !== hex(want)) fail("valid encoding rejected or misdecoded", c, { in: items[c], status: r.status });
      }
    }
    // Wrong lengths are named as such.
    for (const len of [0, 1, 32, 34, 64, 66]) {
      const out = m.batchRecode(rng.bytes(len || 1).subarray(0, len), len || 1, true);
      if (len) assert.equal(out[0], E.BadLength, `length ${len}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const h2cMsgs: Uint8Array[] = [];
const h2cPts: NPoint[] = [];

describe("NUT-00 hash_to_curve and BDHKE", () => {
  test(`hash_to_curve, ${N} random messages (lengths 0..95) vs @cashu/cashu-ts`, () => {
    // Group messages by length (the batch API takes equal-length items).
    for (let c = 0; c < N; c++) h2cMsgs.push(rng.bytes(c % 96));
    for (let len = 0; len < 96; len++) {
      const idx = h2cMsgs.map((msg, c) => (msg.length === len ? c : -1)).filter((c) => c >= 0);
      const out = len === 0 ? concat(idx.map(() => m.batchHashToCurve(new Uint8Array(0), 0))) : m.batchHashToCurve(concat(idx.map((c) => h2cMsgs[c])), len);
      idx.forEach((c, k) => {
        const want = hashToCurve(h2cMsgs[c]);
        h2cPts[c] = want;
        const r = rec(out, k, 34);
        if (r.status !== E.None || hex(r.data) !== want.toHex(true)) fail("hash_to_curve differs from cashu-ts", c, { msg: h2cMsgs[c], got: r.data, want: want.toHex(true) });
      });
    }
  });

  test(`blinding B_ = Y + r*G, ${N} random (secret, r) vs noble, a subset vs cashu-ts blindMessage`, () => {
    const secrets = h2cMsgs.map((_, c) => rng.bytes(32));
    const Ys = secrets.map((s) => hashToCurve(s));
    const rIdx = secrets.map(() => rng.int(POOL));
    const want = normalizeZ(Point, Ys.map((Y, c) => Y.add(poolP[rIdx[c]]))).map((p) => enc(p));
    const out = m.batchBlind(concat(secrets), 32, concat(rIdx.map((i) => be32(poolK[i]))));
    for (let c = 0; c < N; c++) {
      const r = rec(out, c, 34);
      if (r.status !== E.None || hex(r.data) !== hex(want[c])) fail("blinding differs from noble", c, { secret: secrets[c], r: be32(poolK[rIdx[c]]), got: r.data, want: want[c] });
    }
    for (let c = 0; c < Math.min(200, N); c++) {
      const ref = blindMessage(secrets[c], poolK[rIdx[c]]);
      assert.equal(hex(rec(out, c, 34).data), ref.B_.toHex(true), `cashu-ts blindMessage case ${c} (CRYPTO_SEED=${SEED})`);
    }
  });

  test(`unblinding C = C_ - r*K, ${N} random (C_, r, K) vs noble, a subset vs cashu-ts unblindSignature`, () => {
    // K = P[i], C_ = P[j], r = (k_j - k_l)/k_i: then C must be P[l].
    const Cs: Uint8Array[] = [], rs: Uint8Array[] = [], Ks: Uint8Array[] = [], want: Uint8Array[] = [];
    for (let c = 0; c < N; c++) {
      const i = rng.int(POOL), j = rng.int(POOL);
      let l = rng.int(POOL);
      if (l === j) l = (l + 1) % POOL; // r = 0 is rejected (ScalarZero), tested in the specs
      Ks.push(poolC[i]); Cs.push(poolC[j]);
      rs.push(be32(mod((poolK[j] - poolK[l]) * Fn.inv(poolK[i]))));
      want.push(poolC[l]);
    }
    const out = m.batchUnblind(concat(Cs), concat(rs), concat(Ks));
    for (let c = 0; c < N; c++) {
      const r = rec(out, c, 34);
      if (r.status !== E.None || hex(r.data) !== hex(want[c])) fail("unblinding differs from noble", c, { C_: Cs[c], r: rs[c], K: Ks[c], got: r.data, want: want[c] });
    }
    for (let c = 0; c < Math.min(100, N); c++) {
      const ref = unblindSignature(Point.fromBytes(Cs[c]), toBig(rs[c]), Point.fromBytes(Ks[c]));
      assert.equal(hex(rec(out, c, 34).data), ref.toHex(true), `cashu-ts unblindSignature case ${c} (CRYPTO_SEED=${SEED})`);
    }
  });

  test(`mint signing C_ = k*B_, 2000 random (k, B_) vs noble`, () => {
    const n = Math.min(2000, N);
    const ks: Uint8Array[] = [], Bs: Uint8Array[] = [], want: Uint8Array[] = [];
    for (let c = 0; c < n; c++) {
      const i = rng.int(POOL), j = rng.int(POOL);
      Bs.push(poolC[i]); ks.push(be32(mod(poolK[j] * Fn.inv(poolK[i])))); want.push(poolC[j]);
    }
    const out = m.batchSignBlinded(concat(ks), concat(Bs));
    for (let c = 0; c < n; c++) if (hex(rec(out, c, 34).data) !== hex(want[c])) fail("k*B_ differs from noble", c, { k: ks[c], B_: Bs[c] });
  });
});

// ---------------------------------------------------------------------------------------------
// NUT-12 DLEQ. Valid proofs are built by noble from scalars; each case is verified as built and
// with one field tampered (the field cycles through all of them).

const hashE = (pts: NPoint[]) => sha256(utf8(pts.map((p) => p.toHex(false)).join("")));
const MINT_KEYS = 16;

describe("NUT-12 DLEQ verification", () => {
  test(`BlindSignature DLEQ: ${N} valid proofs accepted, ${N} with one of A, B_, C_, e, s tampered rejected`, () => {
    // Mint keys a (full-size); B_ and C_ = a*B_ come from a walk scaled by a; the nonce k is a
    // pool scalar (R1 = k*G is a pool point) and R2 = k*B_ = (k*b)*G costs one noble k*G.
    const mintA = Array.from({ length: MINT_KEYS }, () => rng.scalar());
    const walks = mintA.map((a) => new ScaledWalk(a));
    const mintP = normalizeZ(Point, mintA.map((a) => G.multiplyUnsafe(a)));
    const As: Uint8Array[] = [], Bs: Uint8Array[] = [], Cs: Uint8Array[] = [], es: Uint8Array[] = [], ss: Uint8Array[] = [];
    const raw: NPoint[] = [];
    const meta: Array<{ m: number; r: number }> = [];
    for (let c = 0; c < N; c++) {
      const mk = rng.int(MINT_KEYS), r = rng.int(POOL);
      const w = walks[mk].next();
      meta.push({ m: mk, r });
      raw.push(w.X, w.aX, G.multiplyUnsafe(mod(poolK[r] * w.x)));
    }
    const norm = normalizeZ(Point, raw);
    for (let c = 0; c < N; c++) {
      const { m: mk, r } = meta[c];
      const B_ = norm[3 * c], C_ = norm[3 * c + 1], R2 = norm[3 * c + 2];
      const e = hashE([poolP[r], R2, mintP[mk], C_]);
      const s = mod(poolK[r] + mod(toBig(e)) * mintA[mk]);
      As.push(enc(mintP[mk])); Bs.push(enc(B_)); Cs.push(enc(C_)); es.push(e); ss.push(be32(s));
    }
    const valid = m.batchVerifyDleqBlindSig(concat(As), concat(Bs), concat(Cs), concat(es), concat(ss));
    for (let c = 0; c < N; c++) if (valid[c] !== E.None) fail("valid BlindSignature DLEQ rejected", c, { A: As[c], B_: Bs[c], C_: Cs[c], e: es[c], s: ss[c], status: valid[c] });
    // Tamper one field per case.
    const fields = ["A", "B_", "C_", "e", "s"];
    const tA = As.map((x) => x), tB = Bs.map((x) => x), tC = Cs.map((x) => x), te = es.map((x) => x), ts = ss.map((x) => x);
    for (let c = 0; c < N; c++) {
      const other = poolC[rng.int(POOL)];
      const bump = (v: Uint8Array) => be32(mod(toBig(v) + 1n + BigInt(rng.int(1000))));
      switch (c % 5) {
        case 0: tA[c] = other; break;
        case 1: tB[c] = other; break;
        case 2: tC[c] = other; break;
        case 3: te[c] = bump(es[c]); break;
        default: ts[c] = bump(ss[c]);
      }
    }
    const bad = m.batchVerifyDleqBlindSig(concat(tA), concat(tB), concat(tC), concat(te), concat(ts));
    for (let c = 0; c < N; c++) if (bad[c] !== E.DleqInvalid) fail(`BlindSignature DLEQ with ${fields[c % 5]} tampered was not rejected as dleq_invalid`, c, { A: tA[c], B_: tB[c], C_: tC[c], e: te[c], s: ts[c], status: bad[c] });
    // cashu-ts verdicts on a subset, valid and tampered, must agree.
    for (let c = 0; c < Math.min(60, N); c++) {
      for (const [set, verdict] of [[[As, Bs, Cs, es, ss], valid], [[tA, tB, tC, te, ts], bad]] as const) {
        let ref: boolean;
        try { ref = verifyDLEQProof({ e: set[3][c], s: set[4][c] }, Point.fromBytes(set[1][c]), Point.fromBytes(set[2][c]), Point.fromBytes(set[0][c])); } catch { ref = false; }
        assert.equal(verdict[c] === E.None, ref, `cashu-ts verifyDLEQProof disagrees on case ${c} (CRYPTO_SEED=${SEED})`);
      }
    }
  });

  test(`Proof DLEQ (e, s, r): ${N} valid proofs accepted, ${N} with one of A, secret, C, e, s, r tampered rejected`, () => {
    // Y = hash_to_curve(secret) has no known logarithm, so noble must compute C = a*Y for every
    // case. To keep that affordable the 16 mint keys a are 32-bit except in the first 40 cases
    // (full-size, also checked with cashu-ts). r is full-size: r*G and r*A = a*(r*G) come from a
    // walk scaled by a. The prover's nonce is k = t*a + u (t, u < 16), so R1 = t*A + u*G and
    // R2 = k*B_ = t*C_ + u*B_ are a few additions. What the verifier sees stays full-size: e is a
    // hash, s = k + e*a and r are 256-bit.
    const secrets = Array.from({ length: N }, () => utf8(hex(rng.bytes(32))));
    const small = () => BigInt((rng.u32() | 1) >>> 0) + 2n;
    const keys = Array.from({ length: MINT_KEYS }, () => small());
    const walks = keys.map((a) => new ScaledWalk(a));
    const keyP = keys.map((a) => G.multiplyUnsafe(a));
    const times = (p: NPoint, t: number) => { let acc = Point.ZERO; for (let i = 0; i < t; i++) acc = acc.add(p); return acc; };
    const rows: Array<{ a: bigint; r: bigint; k: bigint }> = [];
    const raw: NPoint[] = [];
    for (let c = 0; c < N; c++) {
      const full = c < 40;
      const mk = rng.int(MINT_KEYS);
      const Y = hashToCurve(secrets[c]);
      let a: bigint, A: NPoint, r: bigint, rG: NPoint, rA: NPoint;
      if (full) {
        a = rng.scalar(); A = G.multiplyUnsafe(a); r = rng.scalar(); rG = G.multiplyUnsafe(r); rA = A.multiplyUnsafe(r);
      } else {
        const w = walks[mk].next();
        a = keys[mk]; A = keyP[mk]; r = w.x; rG = w.X; rA = w.aX;
      }
      const t = 1 + rng.int(15), u = 1 + rng.int(15);
      const C = Y.multiplyUnsafe(a);
      const Bb = Y.add(rG);  // B_ = Y + r*G
      const Cb = C.add(rA);  // C_ = C + r*A
      const R1 = times(A, t).add(times(G, u));
      const R2 = times(Cb, t).add(times(Bb, u));
      rows.push({ a, r, k: mod(BigInt(t) * a + BigInt(u)) });
      raw.push(A, C, Cb, R2, R1);
    }
    const norm = normalizeZ(Point, raw);
    const As: Uint8Array[] = [], Cs: Uint8Array[] = [], es: Uint8Array[] = [], ss: Uint8Array[] = [], rs: Uint8Array[] = [];
    rows.forEach((row, c) => {
      const [A, C, Cb, R2, R1] = norm.slice(5 * c, 5 * c + 5);
      const e = hashE([R1, R2, A, Cb]);
      As.push(enc(A)); Cs.push(enc(C)); es.push(e);
      ss.push(be32(mod(row.k + mod(toBig(e)) * row.a))); rs.push(be32(row.r));
    });
    // Equal-length secrets (64 hex characters) go in one batch.
    const run = (a: Uint8Array[], sec: Uint8Array[], C: Uint8Array[], e: Uint8Array[], s: Uint8Array[], r: Uint8Array[]) =>
      m.batchVerifyDleqProof(concat(a), concat(sec), 64, concat(C), concat(e), concat(s), concat(r));
    const valid = run(As, secrets, Cs, es, ss, rs);
    for (let c = 0; c < N; c++) if (valid[c] !== E.None) fail("valid Proof DLEQ rejected", c, { A: As[c], secret: secrets[c], C: Cs[c], e: es[c], s: ss[c], r: rs[c], status: valid[c] });
    const fields = ["A", "secret", "C", "e", "s", "r"];
    const tA = As.slice(), tS = secrets.slice(), tC = Cs.slice(), te = es.slice(), ts = ss.slice(), tr = rs.slice();
    for (let c = 0; c < N; c++) {
      const bump = (v: Uint8Array) => be32(mod(toBig(v) + 1n + BigInt(rng.int(1000))));
      switch (c % 6) {
        case 0: tA[c] = poolC[rng.int(POOL)]; break;
        case 1: { const s = secrets[c].slice(); s[rng.int(64)] ^= 1; tS[c] = s; break; }
        case 2: tC[c] = poolC[rng.int(POOL)]; break;
        case 3: te[c] = bump(es[c]); break;
        case 4: ts[c] = bump(ss[c]); break;
        default: tr[c] = bump(rs[c]);
      }
    }
    const bad = run(tA, tS, tC, te, ts, tr);
    for (let c = 0; c < N; c++) if (bad[c] !== E.DleqInvalid) fail(`Proof DLEQ with ${fields[c % 6]} tampered was not rejected as dleq_invalid`, c, { A: tA[c], secret: tS[c], C: tC[c], e: te[c], s: ts[c], r: tr[c], status: bad[c] });
    // cashu-ts verdicts (full-size mint keys in the first 40 cases), valid and tampered.
    for (let c = 0; c < Math.min(40, N); c++) {
      for (const [set, verdict] of [[[As, secrets, Cs, es, ss, rs], valid], [[tA, tS, tC, te, ts, tr], bad]] as const) {
        let ref: boolean;
        try {
          ref = verifyDLEQProof_reblind(set[1][c], { e: set[3][c], s: set[4][c], r: toBig(set[5][c]) }, Point.fromBytes(set[2][c]), Point.fromBytes(set[0][c]));
        } catch { ref = false; }
        assert.equal(verdict[c] === E.None, ref, `cashu-ts verifyDLEQProof_reblind disagrees on case ${c} (CRYPTO_SEED=${SEED})`);
      }
    }
  });

  test("the mint-side prover reproduces noble's e and s for 200 random (a, B_)", () => {
    const n = Math.min(200, N);
    const as: bigint[] = [], Bs: Uint8Array[] = [];
    for (let c = 0; c < n; c++) { as.push(rng.scalar()); Bs.push(poolC[rng.int(POOL)]); }
    const out = m.batchCreateDleq(concat(as.map(be32)), concat(Bs));
    for (let c = 0; c < n; c++) {
      const r = rec(out, c, 98);
      const A = G.multiply(as[c]), B = Point.fromBytes(Bs[c]), C = B.multiply(as[c]);
      // NUT-12 deterministic nonce.
      const msg = concat([utf8("Cashu_DLEQ_R_v1"), A.toBytes(false), B.toBytes(false), C.toBytes(false)]);
      let k = 0n;
      for (let ctr = 0; ctr < 256; ctr++) { k = toBig(hmac(sha256, be32(as[c]), concat([msg, Uint8Array.of(ctr)]))); if (k > 0n && k < ORDER) break; }
      const e = hashE([G.multiply(k), B.multiply(k), A, C]);
      const s = mod(k + mod(toBig(e)) * as[c]);
      const want = hex(C.toBytes(true)) + hex(e) + hex(be32(s));
      if (r.status !== E.None || hex(r.data) !== want) fail("DLEQ prover differs from noble", c, { a: be32(as[c]), B_: Bs[c] });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("BIP-340 Schnorr (NUT-11 witnesses)", () => {
  test(`verify: ${N} valid signatures accepted, ${N} with sig, message or key tampered rejected; subsets vs noble`, () => {
    const keys = Array.from({ length: 32 }, () => rng.scalar());
    const pubs = normalizeZ(Point, keys.map((d) => G.multiplyUnsafe(d)));
    const tag = (name: string, ...parts: Uint8Array[]) => { const t = sha256(utf8(name)); return sha256(concat([t, t, ...parts])); };
    const xOnly = (p: NPoint) => p.toBytes(true).subarray(1);
    const sigs: Uint8Array[] = [], msgs: Uint8Array[] = [], pks: Uint8Array[] = [], signer: number[] = [];
    for (let c = 0; c < N; c++) {
      const ki = rng.int(32);
      signer.push(ki);
      let d = keys[ki];
      const P = pubs[ki];
      if (P.y & 1n) d = ORDER - d;
      const j = rng.int(POOL);
      let k = poolK[j];
      const R = poolP[j];
      if (R.y & 1n) k = ORDER - k;
      const msg = sha256(rng.bytes(1 + rng.int(64)));
      const e = mod(toBig(tag("BIP0340/challenge", xOnly(R), xOnly(P), msg)));
      sigs.push(concat([xOnly(R), be32(mod(k + e * d))])); msgs.push(msg); pks.push(xOnly(P));
    }
    const valid = m.batchSchnorrVerify(concat(sigs), concat(msgs), concat(pks), 32);
    for (let c = 0; c < N; c++) if (valid[c] !== E.None) fail("valid BIP-340 signature rejected", c, { sig: sigs[c], msg: msgs[c], pk: pks[c], status: valid[c] });
    const tSig = sigs.map((s) => s.slice()), tMsg = msgs.map((s) => s.slice()), tPk = pks.slice();
    for (let c = 0; c < N; c++) {
      switch (c % 4) {
        case 0: tSig[c][rng.int(32)] ^= 1 << rng.int(8); break; // r
        case 1: tSig[c][32 + rng.int(32)] ^= 1 << rng.int(8); break; // s
        case 2: tMsg[c][rng.int(32)] ^= 1 << rng.int(8); break;
        default: tPk[c] = xOnly(pubs[(signer[c] + 1 + rng.int(31)) % 32]);
      }
    }
    const bad = m.batchSchnorrVerify(concat(tSig), concat(tMsg), concat(tPk), 32);
    for (let c = 0; c < N; c++) if (bad[c] === E.None) fail(`tampered BIP-340 signature accepted (${["r", "s", "msg", "key"][c % 4]})`, c, { sig: tSig[c], msg: tMsg[c], pk: tPk[c] });
    for (let c = 0; c < Math.min(150, N); c++) {
      assert.equal(valid[c] === E.None, schnorr.verify(sigs[c], msgs[c], pks[c]), `noble verify (valid) case ${c}`);
      assert.equal(bad[c] === E.None, schnorr.verify(tSig[c], tMsg[c], tPk[c]), `noble verify (tampered) case ${c}`);
    }
  });

  test("sign: 300 random (key, message, aux) give noble's signature byte for byte", () => {
    const n = Math.min(300, N);
    const ks: Uint8Array[] = [], ms: Uint8Array[] = [], aux: Uint8Array[] = [];
    for (let c = 0; c < n; c++) { ks.push(be32(rng.scalar())); ms.push(rng.bytes(32)); aux.push(rng.bytes(32)); }
    const out = m.batchSchnorrSign(concat(ms), concat(ks), concat(aux));
    for (let c = 0; c < n; c++) {
      const want = schnorr.sign(ms[c], ks[c], aux[c]);
      if (hex(rec(out, c, 65).data) !== hex(want)) fail("BIP-340 signature differs from noble", c, { key: ks[c], msg: ms[c], aux: aux[c] });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("NUT-13 deterministic secrets vs @cashu/cashu-ts", () => {
  test("HMAC-SHA256 KDF (keyset v2): 2000 random (seed, keyset id, counter)", () => {
    for (let c = 0; c < 2000; c++) {
      const seed = rng.bytes(64);
      const id = concat([Uint8Array.of(1), rng.bytes(32)]);
      const counter = rng.int(1 << 30);
      const got = m.nut13(seed, id, BigInt(counter));
      const ref = deriveSecretAndBlindingFactor(seed, hex(id), counter);
      if (got[0] !== 0 || hex(got.subarray(1, 33)) !== hex(ref.secret) || hex(got.subarray(33)) !== hex(ref.blindingFactor))
        fail("NUT-13 v2 derivation differs from cashu-ts", c, { seed, id, counter });
    }
  });

  test("legacy BIP-32 path (keyset v1): 150 random seeds x 2 counters", () => {
    for (let c = 0; c < 150; c++) {
      const seed = rng.bytes(64);
      const id = concat([Uint8Array.of(0), rng.bytes(7)]);
      const counter = rng.int(2 ** 31 - 2);
      const got = m.nut13Range(seed, id, counter, 2);
      for (let k = 0; k < 2; k++) {
        const ref = deriveSecretAndBlindingFactor(seed, hex(id), counter + k);
        const g = got.subarray(k * 65, (k + 1) * 65);
        if (g[0] !== 0 || hex(g.subarray(1, 33)) !== hex(ref.secret) || hex(g.subarray(33)) !== hex(ref.blindingFactor))
          fail("NUT-13 v1 derivation differs from cashu-ts", c, { seed, id, counter: counter + k });
      }
    }
  });

  test("BIP-39 seed, SHA-512, HMAC-SHA512, PBKDF2 vs @noble/hashes", () => {
    const words = "half depart obvious quality work element tank gorilla view sugar picture humble";
    assert.equal(hex(m.bip39Seed(words, "")), hex(pbkdf2(sha512, utf8(words), utf8("mnemonic"), { c: 2048, dkLen: 64 })));
    assert.equal(hex(m.bip39Seed(words, "TREZOR")), hex(pbkdf2(sha512, utf8(words), utf8("mnemonicTREZOR"), { c: 2048, dkLen: 64 })));
    for (let c = 0; c < 500; c++) {
      const data = rng.bytes(rng.int(300)), key = rng.bytes(rng.int(200));
      assert.equal(hex(m.sha512Bytes(data)), hex(sha512(data)), `sha512 case ${c}`);
      assert.equal(hex(m.hmacSha512Bytes(key, data)), hex(hmac(sha512, key, data)), `hmac-sha512 case ${c}`);
    }
    for (let c = 0; c < 20; c++) {
      const pw = rng.bytes(rng.int(40)), salt = rng.bytes(rng.int(40)), it = 1 + rng.int(50), len = 1 + rng.int(150);
      assert.equal(hex(m.pbkdf2Sha512(pw, salt, it, len)), hex(pbkdf2(sha512, pw, salt, { c: it, dkLen: len })), `pbkdf2 case ${c}`);
    }
  });
});

describe("malformed input never traps", () => {
  test(`${N} random garbage inputs through every parser: named errors, no RuntimeError`, () => {
    for (let c = 0; c < N; c++) {
      const len = [0, 1, 31, 32, 33, 64, 65, 96, 99, 130][c % 10] + (c % 7 === 0 ? rng.int(40) : 0);
      const data = rng.bytes(len);
      if (len > 0 && c % 3 === 0) data[0] = [2, 3, 4][rng.int(3)];
      let out: Uint8Array;
      try { out = m.garbage(data); } catch (err) { fail(`garbage input trapped: ${err}`, c, { data }); }
      for (const s of out!) if (s > 14) fail("garbage input gave an unnamed status", c, { data, status: s });
    }
    // Batch entry points with random bytes as well.
    const junk = rng.bytes(33 * 64);
    for (const call of [
      () => m.batchMul(junk, junk.subarray(0, 32 * 64), 0),
      () => m.batchMul(junk, junk.subarray(0, 32 * 64), 1),
      () => m.batchAdd(junk, junk),
      () => m.batchUnblind(junk, junk.subarray(0, 32 * 64), junk),
      () => m.batchVerifyDleqBlindSig(junk, junk, junk, junk.subarray(0, 32 * 64), junk.subarray(32, 32 * 65)),
      () => m.batchSchnorrVerify(junk.subarray(0, 64 * 32), junk.subarray(0, 32 * 32), junk.subarray(0, 32 * 32), 32),
    ]) assert.doesNotThrow(call);
  });
});
