// Token-derived change (docs/client.md): the seed S of a token, and the change outputs the gate makes
// from it, computed here independently (node:crypto hashes, a hand-written BIP-32 and NUT-13 KDF,
// hash_to_curve from NUT-00) and checked against the official NUT-00/NUT-13 vectors; then cashu-ts's
// own restore (a Wallet with bip39seed = S), which the client uses, must ask the mint for exactly
// those B_ for counters 0..63, byte for byte, on "00" and "01" keysets, and unblind what it gets.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Mint, Wallet, createNewMintKeys, type RequestOptions } from "@cashu/cashu-ts";
import { CHANGE_OUTPUTS, changeSeed, restoreTokenChange } from "../../client/lib/change.ts";
import { entropyToMnemonic, mnemonicToSeed, validateMnemonic } from "../../client/wallet/bip39.ts";
import { ROOT } from "../lib/procs.ts";

const N = secp256k1.Point.Fn.ORDER;
const G = secp256k1.Point.BASE;
const hex = (b: Uint8Array | Buffer) => Buffer.from(b).toString("hex");
const big = (b: Uint8Array) => BigInt("0x" + hex(b));
const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const scalar = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex");

// ---- independent implementations ----------------------------------------------------------------

function seedIndependent(secrets: string[]): Buffer {
  const parts = secrets.map((s) => Buffer.from(s, "utf8")).sort(Buffer.compare);
  const h = createHash("sha256").update("paygress-change-v1");
  for (const p of parts) h.update(p).update(Buffer.from([0]));
  return h.digest();
}

/** BIP-32 CKDpriv along a path like m/129372'/0'/7'/3'/0. */
function bip32(seed: Uint8Array, path: string): Buffer {
  let I = createHmac("sha512", "Bitcoin seed").update(seed).digest();
  let k = big(I.subarray(0, 32));
  let c = I.subarray(32);
  for (const seg of path.split("/").slice(1)) {
    const hard = seg.endsWith("'");
    const i = Number(hard ? seg.slice(0, -1) : seg) + (hard ? 0x80000000 : 0);
    const data = hard ? Buffer.concat([Buffer.from([0]), scalar(k), be32(i)]) : Buffer.concat([Buffer.from(G.multiply(k).toBytes(true)), be32(i)]);
    I = createHmac("sha512", c).update(data).digest();
    k = (big(I.subarray(0, 32)) + k) % N;
    c = I.subarray(32);
  }
  return scalar(k);
}

function nut13(seed: Uint8Array, keysetId: string, counter: number): { secret: Buffer; r: bigint } {
  if (keysetId.startsWith("00")) {
    const kint = BigInt("0x" + keysetId) % (2n ** 31n - 1n);
    return { secret: bip32(seed, `m/129372'/0'/${kint}'/${counter}'/0`), r: big(bip32(seed, `m/129372'/0'/${kint}'/${counter}'/1`)) };
  }
  const ctr = Buffer.alloc(8);
  ctr.writeBigUInt64BE(BigInt(counter));
  const msg = Buffer.concat([Buffer.from("Cashu_KDF_HMAC_SHA256"), Buffer.from(keysetId, "hex"), ctr]);
  const secret = createHmac("sha256", seed).update(Buffer.concat([msg, Buffer.from([0])])).digest();
  const r = big(createHmac("sha256", seed).update(Buffer.concat([msg, Buffer.from([1])])).digest()) % N;
  return { secret, r };
}

function hashToCurve(x: Uint8Array): InstanceType<typeof secp256k1.Point> {
  const msgHash = createHash("sha256").update(Buffer.concat([Buffer.from("Secp256k1_HashToCurve_Cashu_"), x])).digest();
  for (let i = 0; i < 2 ** 16; i++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32LE(i);
    const h = createHash("sha256").update(Buffer.concat([msgHash, ctr])).digest();
    try { return secp256k1.Point.fromHex("02" + hex(h)); } catch { /* not on the curve: next counter */ }
  }
  throw new Error("no point");
}

/** The gate's change output i for seed S (what the client must be able to restore). */
function changeOutput(S: Uint8Array, keysetId: string, i: number): { secret: string; r: bigint; B_: string } {
  const d = nut13(S, keysetId, i);
  const secret = hex(d.secret); // the secret string is the lowercase hex of the derived bytes
  return { secret, r: d.r, B_: hashToCurve(Buffer.from(secret, "utf8")).add(G.multiply(d.r)).toHex(true) };
}

// ---- vectors ------------------------------------------------------------------------------------

function vectorValues(file: string, heading: string): Record<string, string> {
  const md = readFileSync(join(ROOT, "test/vectors/cashu-nuts", file), "utf8");
  const part = md.slice(md.indexOf(heading));
  const out: Record<string, string> = {};
  for (const m of part.slice(0, part.indexOf("\n## ", 5) > 0 ? part.indexOf("\n## ", 5) : undefined).matchAll(/"(\w+)":\s*"([^"]+)"/g)) out[m[1]] = m[2];
  return out;
}

describe("client: token-derived change, computed independently", () => {
  it("the independent hash_to_curve and NUT-13 derivations reproduce the official vectors", () => {
    const htc = readFileSync(join(ROOT, "test/vectors/cashu-nuts/00-tests.md"), "utf8");
    const pairs = [...htc.matchAll(/Message: ([0-9a-f]{64})\nPoint:\s+([0-9a-f]{66})/g)].slice(0, 3);
    assert.equal(pairs.length, 3);
    for (const [, msg, point] of pairs) assert.equal(hashToCurve(Buffer.from(msg, "hex")).toHex(true), point);

    for (const [heading, keysetId] of [["## Version 1: Secret derivation", "009a1f293253e41e"],
      ["## Version 2: Secret derivation", "015ba18a8adcd02e715a58358eb618da4a4b3791151a4bee5e968bb88406ccf76a"]] as const) {
      const v = vectorValues("13-tests.md", heading);
      const seed = pbkdf2Sync(v.mnemonic, "mnemonic", 2048, 64, "sha512");
      assert.equal(hex(mnemonicToSeed(validateMnemonic(v.mnemonic))), hex(seed), "client BIP-39 seed = node:crypto PBKDF2");
      for (let i = 0; i < 5; i++) {
        const d = nut13(seed, keysetId, i);
        assert.equal(hex(d.secret), v[`secret_${i}`], `${keysetId.slice(0, 2)} secret_${i}`);
        assert.equal(d.r.toString(16).padStart(64, "0"), v[`r_${i}`], `${keysetId.slice(0, 2)} r_${i}`);
      }
    }
  });

  it("BIP-39: the official first vector and Nutshell's own mnemonic package agree with the client", () => {
    const m = entropyToMnemonic(new Uint8Array(16));
    assert.equal(m, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
    assert.equal(hex(mnemonicToSeed(m, "TREZOR")), "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04");
    assert.throws(() => validateMnemonic(m.replace(/about$/, "abandon")), /checksum/);
    assert.throws(() => validateMnemonic("abandon ".repeat(11) + "notaword"), /not a word/);
    const phrases = Array.from({ length: 5 }, () => entropyToMnemonic(randomBytes(16)));
    const py = spawnSync(join(ROOT, ".venv/bin/python"), ["-c",
      "import sys,json; from mnemonic import Mnemonic; m=Mnemonic('english'); ps=json.load(sys.stdin); print(json.dumps([[m.check(p), m.to_seed(p).hex()] for p in ps]))"],
      { input: JSON.stringify(phrases), encoding: "utf8" });
    assert.equal(py.status, 0, py.stderr);
    const theirs = JSON.parse(py.stdout) as Array<[boolean, string]>;
    phrases.forEach((p, i) => {
      assert.equal(theirs[i][0], true, "python-mnemonic accepts the checksum");
      assert.equal(theirs[i][1], hex(mnemonicToSeed(p)));
    });
  });

  it("S = SHA-256 over the secrets sorted by their UTF-8 bytes, as computed independently", () => {
    // UTF-16 order (JS string sort) and UTF-8 byte order differ here: U+FF61 < U+1F600 in UTF-8 only.
    const tricky = ["\u{1F600}a", "\uFF61b", "zeta", "Alpha", "alpha", "e\u0301"];
    assert.notDeepEqual([...tricky].sort(), tricky.map((s) => Buffer.from(s)).sort(Buffer.compare).map((b) => b.toString()));
    assert.equal(hex(changeSeed(tricky.map((secret) => ({ secret })))), hex(seedIndependent(tricky)));
    assert.equal(hex(changeSeed([...tricky].reverse().map((secret) => ({ secret })))), hex(seedIndependent(tricky)), "order of the token does not matter");
    for (let n = 0; n < 200; n++) {
      const secrets = Array.from({ length: 1 + (n % 9) }, (_, i) => (i % 3 === 0 ? randomBytes(32).toString("hex") : `["P2PK",{"nonce":"${randomBytes(4).toString("hex")}","data":"π${i}"}]`));
      assert.equal(hex(changeSeed(secrets.map((secret) => ({ secret })))), hex(seedIndependent(secrets)));
    }
  });
});

describe("client: cashu-ts restore with bip39seed = S matches the derivation byte for byte", () => {
  for (const versionByte of [0, 1]) {
    it(`keyset id version 0${versionByte}: counters 0..63 requested, signatures unblinded, spent ones dropped`, async () => {
      const ks = createNewMintKeys(8, randomBytes(32), { versionByte, unit: "sat", input_fee_ppk: 100 });
      assert.ok(ks.keysetId.startsWith(`0${versionByte}`));
      const secrets = Array.from({ length: 3 }, () => randomBytes(32).toString("hex"));
      const S = seedIndependent(secrets);
      const expected = Array.from({ length: CHANGE_OUTPUTS }, (_, i) => changeOutput(S, ks.keysetId, i));
      const signed = new Map([[0, 1], [1, 4], [2, 16]]); // the gate's change 21 = 1 + 4 + 16, ascending
      const spentY = hashToCurve(Buffer.from(expected[1].secret)).toHex(true);
      let restoreBody: { outputs: Array<{ B_: string; id: string }> } | null = null;
      const url = "http://mint.test";
      const fake = async <T>(o: RequestOptions): Promise<T> => {
        const path = o.endpoint.slice(url.length);
        const keys = Object.fromEntries(Object.entries(ks.pubKeys).map(([a, k]) => [a, typeof k === "string" ? k : hex(k as Uint8Array)]));
        if (path === "/v1/info") return { name: "t", pubkey: "02" + "11".repeat(32), version: "test", nuts: { 7: { supported: true }, 9: { supported: true } } } as T;
        if (path === "/v1/keysets") return { keysets: [{ id: ks.keysetId, unit: "sat", active: true, input_fee_ppk: 100 }] } as T;
        if (path === "/v1/keys" || path === `/v1/keys/${ks.keysetId}`) return { keysets: [{ id: ks.keysetId, unit: "sat", active: true, input_fee_ppk: 100, keys }] } as T;
        if (path === "/v1/restore") {
          restoreBody = o.requestBody as typeof restoreBody;
          const outs = restoreBody!.outputs.map((b, i) => ({ b, i })).filter(({ i }) => signed.has(i));
          return {
            outputs: outs.map(({ b, i }) => ({ ...b, amount: signed.get(i) })),
            signatures: outs.map(({ b, i }) => {
              const priv = ks.privKeys[signed.get(i)!] as unknown as string | Uint8Array;
              const k = big(typeof priv === "string" ? Buffer.from(priv, "hex") : priv);
              return { id: ks.keysetId, amount: signed.get(i), C_: secp256k1.Point.fromHex(b.B_).multiply(k).toHex(true) };
            }),
          } as T;
        }
        if (path === "/v1/checkstate") {
          const Ys = (o.requestBody as { Ys: string[] }).Ys;
          return { states: Ys.map((Y) => ({ Y, state: Y === spentY ? "SPENT" : "UNSPENT", witness: null })) } as T;
        }
        throw new Error(`unexpected ${path}`);
      };
      const got = await restoreTokenChange(async (seed) => {
        const w = new Wallet(new Mint(url, { customRequest: fake as never }), { unit: "sat", bip39seed: seed });
        await w.loadMint();
        return w;
      }, secrets.map((secret) => ({ secret })));
      assert.ok(restoreBody, "restore was called");
      const body = restoreBody as unknown as { outputs: Array<{ B_: string; id: string }> };
      assert.equal(body.outputs.length, CHANGE_OUTPUTS);
      body.outputs.forEach((o, i) => {
        assert.equal(o.B_, expected[i].B_, `B_ of counter ${i}`);
        assert.equal(o.id, ks.keysetId);
      });
      // Unblinded: C = k * Y for each signed, unspent output; counter 1 was spent and is dropped.
      assert.deepEqual(got.map((p) => p.secret), [expected[0].secret, expected[2].secret]);
      assert.deepEqual(got.map((p) => Number(p.amount.toString())), [1, 16]);
      for (const p of got) {
        const amt = Number(p.amount.toString());
        const priv = ks.privKeys[amt] as unknown as string | Uint8Array;
        const k = big(typeof priv === "string" ? Buffer.from(priv, "hex") : priv);
        assert.equal(p.C, hashToCurve(Buffer.from(p.secret)).multiply(k).toHex(true));
      }
    });
  }
});
