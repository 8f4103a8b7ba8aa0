// paygress-collect: recover (and optionally redeem) everything a Paygress gate earned at a mint.
//
//   npx tsx tools/paygress-collect.ts --mint URL --seed HEX --pubkey HEX [--lane N | --lanes N] [--from N]
//        [--privkey HEX --out token.txt] [--gap-batches 3] [--batch 100] [--json]
//
// Rebuilds the gate's deterministic, P2PK-locked outputs (tools/lib/earnings.ts), asks the mint to
// re-issue their signatures (NUT-09 /v1/restore) in batches until `--gap-batches` batches in a row
// come back empty, unblinds them, keeps the unspent ones (NUT-07), and — given the operator's
// private key — swaps them into fresh unlocked proofs and writes a cashuB token you can import into
// any wallet. Without --privkey it only reports what is there. Prints the next counter to start from
// (`--from`) so the next run resumes where this one ended.
import { writeFileSync } from "node:fs";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Wallet, getEncodedToken, hashToCurve, type Proof } from "@cashu/cashu-ts";
import { deriveOutput, laneCounter, type DerivedOutput } from "./lib/earnings.ts";

interface Args {
  mint: string; seed: string; pubkey: string; lane: number; from: bigint; privkey?: string; out?: string;
  /** Scan lanes 0..lanes-1 (replicas configured with earnings.lane_env); else only `lane`. */
  lanes?: number;
  gapBatches: number; batch: number; json: boolean; unit: string;
}

function parseArgs(argv: string[]): Args {
  const get = (k: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : undefined; };
  const need = (k: string) => { const v = get(k); if (!v) { console.error(`paygress-collect: --${k} is required`); process.exit(2); } return v; };
  const a: Args = {
    mint: need("mint").replace(/\/+$/, ""), seed: need("seed"), pubkey: need("pubkey"), lane: Number(get("lane") ?? 0),
    lanes: get("lanes") === undefined ? undefined : Number(get("lanes")),
    from: BigInt(get("from") ?? 0), privkey: get("privkey"), out: get("out"), gapBatches: Number(get("gap-batches") ?? 3),
    batch: Number(get("batch") ?? 100), json: argv.includes("--json"), unit: get("unit") ?? "sat",
  };
  if (!/^[0-9a-f]{64,}$/i.test(a.seed)) { console.error("paygress-collect: --seed must be hex of at least 32 bytes"); process.exit(2); }
  if (!/^0[23][0-9a-f]{64}$/i.test(a.pubkey)) { console.error("paygress-collect: --pubkey must be a compressed public key (66 hex)"); process.exit(2); }
  if (a.privkey && Buffer.from(secp256k1.getPublicKey(Buffer.from(a.privkey, "hex"), true)).toString("hex") !== a.pubkey.toLowerCase()) {
    console.error("paygress-collect: --privkey does not match --pubkey"); process.exit(2);
  }
  return a;
}

async function post(url: string, body: unknown): Promise<any> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function get(url: string): Promise<any> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

export interface CollectResult {
  proofs: Proof[];
  amount: number;
  spentFound: number;
  nextFrom: Record<string, string>;
  token?: string;
  redeemed?: number;
}

/** Restores every earned proof of `a`; redeems them when a.privkey is given. */
export async function collect(a: Args): Promise<CollectResult> {
  const seed = Buffer.from(a.seed, "hex");
  const pubkey = a.pubkey.toLowerCase();
  const keysets = ((await get(`${a.mint}/v1/keysets`)).keysets as Array<{ id: string; unit: string }>).filter((k) => k.unit === a.unit);
  const found: Array<{ d: DerivedOutput; sig: { id: string; amount: number; C_: string } }> = [];
  const nextFrom: Record<string, string> = {};
  const lanes = a.lanes === undefined ? [a.lane] : Array.from({ length: a.lanes }, (_, i) => i);
  for (const lane of lanes) for (const ks of keysets) {
    let start = laneCounter(lane, a.from);
    let empty = 0;
    let next = start;
    while (empty < a.gapBatches) {
      const batch: DerivedOutput[] = [];
      for (let i = 0; i < a.batch; i++) batch.push(deriveOutput(seed, ks.id, start + BigInt(i), pubkey));
      const res = await post(`${a.mint}/v1/restore`, { outputs: batch.map((d) => ({ amount: 1, id: ks.id, B_: d.B_ })) });
      const byB = new Map(batch.map((d) => [d.B_, d]));
      const outs = res.outputs as Array<{ B_: string }>;
      const sigs = res.signatures as Array<{ id: string; amount: number; C_: string }>;
      if (outs.length === 0) empty++;
      else empty = 0;
      outs.forEach((o, i) => {
        const d = byB.get(o.B_)!;
        found.push({ d, sig: sigs[i] });
        if (d.counter + 1n > next) next = d.counter + 1n;
      });
      start += BigInt(a.batch);
    }
    nextFrom[lanes.length > 1 ? `${ks.id} lane ${lane}` : ks.id] = (next - laneCounter(lane, 0n)).toString();
  }
  // Unblind: C = C_ - r*K(amount).
  const keysCache = new Map<string, Record<string, string>>();
  const proofs: Proof[] = [];
  for (const { d, sig } of found) {
    if (!keysCache.has(sig.id)) keysCache.set(sig.id, (await get(`${a.mint}/v1/keys/${sig.id}`)).keysets[0].keys);
    const K = secp256k1.Point.fromHex(keysCache.get(sig.id)![String(sig.amount)]);
    const C = secp256k1.Point.fromHex(sig.C_).subtract(K.multiply(d.r));
    proofs.push({ id: sig.id, amount: sig.amount, secret: d.secret, C: C.toHex(true) } as unknown as Proof);
  }
  // Keep the unspent ones (NUT-07).
  let unspent = proofs;
  let spentFound = 0;
  if (proofs.length) {
    const Ys = proofs.map((p) => hashToCurve(new TextEncoder().encode(p.secret)).toHex(true));
    const states = (await post(`${a.mint}/v1/checkstate`, { Ys })).states as Array<{ Y: string; state: string }>;
    const st = new Map(states.map((s) => [s.Y, s.state]));
    unspent = proofs.filter((_, i) => st.get(Ys[i]) === "UNSPENT");
    spentFound = proofs.length - unspent.length;
  }
  const amount = unspent.reduce((s, p) => s + Number(p.amount), 0);
  const result: CollectResult = { proofs: unspent, amount, spentFound, nextFrom };
  if (a.privkey && unspent.length) {
    const wallet = new Wallet(a.mint, { unit: a.unit });
    await wallet.loadMint();
    const locked = getEncodedToken({ mint: a.mint, unit: a.unit, proofs: unspent });
    const fresh = await wallet.receive(locked, { privkey: a.privkey });
    result.redeemed = fresh.reduce((s, p) => s + Number(p.amount), 0);
    result.token = getEncodedToken({ mint: a.mint, unit: a.unit, proofs: fresh });
    if (a.out) writeFileSync(a.out, result.token + "\n", { mode: 0o600 });
  }
  return result;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("paygress-collect.ts");
if (isMain) {
  const a = parseArgs(process.argv.slice(2));
  collect(a).then((r) => {
    if (a.json) {
      console.log(JSON.stringify({ amount: r.amount, proofs: r.proofs.length, spent_found: r.spentFound, redeemed: r.redeemed ?? null, next_from: r.nextFrom, token_file: a.out ?? null }));
    } else {
      console.log(`found ${r.proofs.length} unspent earned proofs worth ${r.amount} ${a.unit} (${r.spentFound} already spent)`);
      if (r.redeemed !== undefined) console.log(`redeemed into ${r.redeemed} ${a.unit} of fresh ecash${a.out ? `: token written to ${a.out}` : ""}`);
      else if (r.proofs.length) console.log("run again with --privkey (the operator key) and --out FILE to redeem them");
      for (const [k, v] of Object.entries(r.nextFrom)) console.log(`keyset ${k}: next run may start at --from ${v}`);
    }
  }).catch((e) => { console.error(`paygress-collect: ${e.message ?? e}`); process.exit(1); });
}
