// The wallet the client owns: proofs of any number of mints in one owner-only file (store.ts), every
// output it creates deterministic from its BIP-39 seed (NUT-13), so `restore` finds them all again,
// and a journal of operations so that no proof is lost when a process dies half-way:
//
//   every operation that sends proofs or asks a mint to sign is first written to the file (`ops`):
//   its inputs are marked reserved (no other process selects them), its output counters are taken
//   (no two operations ever use the same counter), and only then does anything leave the process.
//   When it ends, one more update applies the outcome. An operation whose process died (same host,
//   pid gone) is resolved by the next process that opens the wallet: NUT-07 tells whether its inputs
//   were spent; unspent inputs are released, spent ones are followed to their outputs (NUT-09
//   restore of our own counters, or of the token-derived change of a payment).
//
// Network calls are never made while the file lock is held.
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  Amount, OutputData, Wallet, getDecodedToken, getEncodedToken,
  type GetInfoResponse, type KeyChainCache, type Proof, type SerializedBlindedSignature,
} from "@cashu/cashu-ts";
import { PaygressError, describeError } from "../lib/errors.ts";
import { normalizeMintUrl } from "../lib/challenge.ts";
import { selectAtLeast, selectExact, splitAmount, splitForPrice } from "../lib/select.ts";
import { restoreTokenChange } from "../lib/change.ts";
import { DEFAULT_LIMITS, type Limits, type SpendEntry, recordSpend, spentToday } from "../lib/caps.ts";
import type { StoredPass } from "../lib/passes.ts";
import { generateMnemonic, mnemonicToSeed, validateMnemonic } from "./bip39.ts";
import { processAlive, readJson, updateJson, withFileLock, writeJsonAtomic } from "./store.ts";

export interface StoredProof {
  mint: string;
  unit: string;
  id: string;
  amount: number;
  secret: string;
  C: string;
  /** The id of the operation that reserved this proof (absent: spendable). */
  op?: string;
}

export type OpKind = "pay" | "swap" | "receive" | "mint";

export interface Op {
  id: string;
  kind: OpKind;
  pid: number;
  host: string;
  started: number;
  mint: string;
  unit: string;
  /** Outputs we asked (or will ask) the mint to sign: NUT-13 counters start.. of keysetId. */
  outputs?: { keysetId: string; start: number; amounts: number[] };
  /** receive: the proofs being swapped in (not the wallet's own, so not in `proofs`). */
  foreign?: StoredProof[];
  /** mint: the quote. */
  quote?: string;
  /** pay: where, what was asked and what the token is worth. */
  origin?: string;
  url?: string;
  asked?: number;
  value?: number;
}

interface MintCache { info: GetInfoResponse; keychain: KeyChainCache; savedAt: number }

export interface WalletState {
  version: 1;
  created: string;
  /** The BIP-39 recovery phrase. Never logged; shown only by `paygress wallet phrase`. */
  mnemonic: string;
  counters: Record<string, number>;
  mints: Record<string, MintCache>;
  defaultMint?: string;
  proofs: StoredProof[];
  ops: Op[];
  passes: StoredPass[];
  routes: Record<string, Record<string, string>>;
  spend: SpendEntry[];
  limits: Limits;
}

/** Mint info and keys are reused from the file this long (a payment then needs no mint call before it is sent). */
export const MINT_CACHE_TTL_MS = 5 * 60_000;
/** A dead process's payment whose token is still unspent is released only after this long (the gate may still be redeeming it). */
export const ORPHAN_PAYMENT_GRACE_MS = 30_000;

export function defaultWalletPath(): string {
  return process.env.PAYGRESS_WALLET || join(homedir(), ".paygress", "wallet.json");
}

const sum = (ps: ReadonlyArray<{ amount: number }>) => ps.reduce((s, p) => s + p.amount, 0);

export function toCashuProof(p: StoredProof): Proof {
  return { id: p.id, amount: Amount.from(p.amount), secret: p.secret, C: p.C };
}

function fromCashuProof(p: Proof, mint: string, unit: string): StoredProof {
  return { mint, unit, id: p.id, amount: Number(p.amount.toString()), secret: p.secret, C: p.C };
}

export function encodeToken(mint: string, unit: string, proofs: StoredProof[]): string {
  return getEncodedToken({ mint, unit, proofs: proofs.map(toCashuProof) });
}

function mintErrorCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown }).code;
  return typeof c === "number" ? c : undefined;
}

export interface ReservedPayment {
  opId: string;
  mint: string;
  unit: string;
  proofs: StoredProof[];
  value: number;
  token: string;
}

export interface ReceiveResult { amount: number; fee: number; proofs: number }

export class ClientWallet {
  private seedCache: Uint8Array | null = null;
  private connected = new Map<string, Wallet>();

  private constructor(readonly file: string) {}

  /** Creates a new wallet file (a fresh recovery phrase unless one is given). */
  static async create(file = defaultWalletPath(), mnemonic?: string): Promise<ClientWallet> {
    const phrase = mnemonic ? validateMnemonic(mnemonic) : generateMnemonic();
    await withFileLock(file, () => {
      if (readJson(file) !== null) throw new PaygressError("wallet_exists", `a wallet already exists at ${file}`);
      const state: WalletState = {
        version: 1, created: new Date().toISOString(), mnemonic: phrase, counters: {}, mints: {}, proofs: [], ops: [],
        passes: [], routes: {}, spend: [], limits: { ...DEFAULT_LIMITS },
      };
      writeJsonAtomic(file, state);
    });
    return new ClientWallet(file);
  }

  static open(file = defaultWalletPath()): ClientWallet {
    const w = new ClientWallet(file);
    w.read(); // fails with a clear message when absent
    return w;
  }

  read(): WalletState {
    const s = readJson<WalletState>(this.file);
    if (s === null) throw new PaygressError("no_wallet", `there is no wallet at ${this.file}; create one with: paygress wallet init`);
    if (s.version !== 1 || !Array.isArray(s.proofs)) throw new PaygressError("wallet_corrupt", `${this.file} is not a paygress wallet file (version ${String(s.version)})`);
    return s;
  }

  update<T>(mutate: (s: WalletState) => T): Promise<T> {
    return updateJson<WalletState, T>(this.file, mutate);
  }

  get seed(): Uint8Array {
    return (this.seedCache ??= mnemonicToSeed(this.read().mnemonic));
  }

  // ---- mints ---------------------------------------------------------------------------------

  /** A loaded cashu-ts Wallet for `mint`/`unit` (mint info and keys from the file when fresh). */
  async connect(mint: string, unit: string, opts: { seed?: Uint8Array; refresh?: boolean } = {}): Promise<Wallet> {
    mint = normalizeMintUrl(mint);
    const key = `${mint} ${unit} ${opts.seed ? "x" : "own"}`;
    if (!opts.refresh && !opts.seed && this.connected.has(key)) return this.connected.get(key)!;
    const w = new Wallet(mint, { unit, bip39seed: opts.seed ?? this.seed });
    const cached = this.read().mints[mint];
    if (!opts.refresh && cached && Date.now() - cached.savedAt < MINT_CACHE_TTL_MS) {
      try {
        w.loadMintFromCache(cached.info, cached.keychain);
        if (!opts.seed) this.connected.set(key, w);
        return w;
      } catch { /* stale or another unit: load from the mint */ }
    }
    try {
      await w.loadMint(true);
    } catch (e) {
      throw new PaygressError("mint_error", `cannot reach the mint ${mint}: ${describeError(e)}`);
    }
    const info = w.getMintInfo().cache;
    const keychain = w.keyChain.cache;
    await this.update((s) => { s.mints[mint] = { info, keychain, savedAt: Date.now() }; });
    if (!opts.seed) this.connected.set(key, w);
    return w;
  }

  // ---- balance -------------------------------------------------------------------------------

  balances(): Array<{ mint: string; unit: string; spendable: number; reserved: number; proofs: number }> {
    const s = this.read();
    const m = new Map<string, { mint: string; unit: string; spendable: number; reserved: number; proofs: number }>();
    for (const p of s.proofs) {
      const k = `${p.mint} ${p.unit}`;
      const e = m.get(k) ?? { mint: p.mint, unit: p.unit, spendable: 0, reserved: 0, proofs: 0 };
      if (p.op) e.reserved += p.amount; else e.spendable += p.amount;
      e.proofs++;
      m.set(k, e);
    }
    return [...m.values()];
  }

  spendable(mint: string, unit: string): number {
    return sum(this.read().proofs.filter((p) => !p.op && p.mint === mint && p.unit === unit));
  }

  // ---- operations: helpers --------------------------------------------------------------------

  private newOp(kind: OpKind, mint: string, unit: string, extra: Partial<Op> = {}): Op {
    return { id: randomBytes(8).toString("hex"), kind, pid: process.pid, host: hostname(), started: Date.now(), mint, unit, ...extra };
  }

  private static takeCounters(s: WalletState, keysetId: string, n: number): number {
    const start = s.counters[keysetId] ?? 0;
    s.counters[keysetId] = start + n;
    return start;
  }

  /** NUT-13 outputs for counters start.. (one key derivation for the batch, amounts in the given order). */
  private outputData(w: Wallet, keysetId: string, start: number, amounts: number[]): OutputData[] {
    if (amounts.length === 0) return [];
    return OutputData.createDeterministicData(sum(amounts.map((amount) => ({ amount }))), this.seed, start, w.getKeyset(keysetId), amounts);
  }

  private static unblind(outputs: OutputData[], sigs: SerializedBlindedSignature[], w: Wallet, keysetId: string): Proof[] {
    if (sigs.length !== outputs.length) throw new PaygressError("mint_error", `the mint returned ${sigs.length} signatures for ${outputs.length} outputs`);
    const ks = w.getKeyset(keysetId);
    return outputs.map((o, i) => o.toProof(sigs[i], ks));
  }

  /** Swaps `inputs` at the mint into our deterministic outputs `op.outputs`. */
  private async swapInto(w: Wallet, op: Op, inputs: StoredProof[]): Promise<StoredProof[]> {
    const o = op.outputs!;
    const outputs = this.outputData(w, o.keysetId, o.start, o.amounts);
    const res = await w.mint.swap({ inputs: inputs.map(toCashuProof), outputs: outputs.map((d) => d.blindedMessage) });
    return ClientWallet.unblind(outputs, res.signatures, w, o.keysetId).map((p) => fromCashuProof(p, op.mint, op.unit));
  }

  /** Our outputs of `op` that the mint signed and that are unspent (after a lost answer). */
  private async restoreOutputs(w: Wallet, op: Op): Promise<StoredProof[]> {
    const o = op.outputs;
    if (!o || o.amounts.length === 0) return [];
    const r = await w.restore(o.start, o.amounts.length, { keysetId: o.keysetId });
    if (r.proofs.length === 0) return [];
    const states = await w.checkProofsStates(r.proofs);
    return r.proofs.filter((_, i) => String(states[i]?.state) === "UNSPENT").map((p) => fromCashuProof(p, op.mint, op.unit));
  }

  private static addProofs(s: WalletState, ps: StoredProof[]): void {
    const have = new Set(s.proofs.map((p) => p.secret));
    for (const p of ps) if (!have.has(p.secret)) { s.proofs.push({ ...p, op: undefined }); have.add(p.secret); }
  }

  // ---- mint (buy ecash over Lightning) ----------------------------------------------------------

  /**
   * Buys `amount` of ecash at `mint`: a quote (a Lightning invoice), waiting until it is paid, then the
   * proofs. The quote is journaled first, so a quote paid after this process died is still minted by
   * the next one.
   */
  async mint(mint: string, amount: number, unit = "sat",
    progress: (e: { stage: "quote"; request: string } | { stage: "waiting"; seconds: number } | { stage: "minting" }) => void = () => {},
    timeoutMs = 10 * 60_000): Promise<number> {
    mint = normalizeMintUrl(mint);
    const w = await this.connect(mint, unit);
    let quote;
    try {
      quote = await w.createMintQuoteBolt11(amount);
    } catch (e) {
      throw new PaygressError("mint_error", `the mint ${mint} refused a quote for ${amount} ${unit}: ${describeError(e)}`);
    }
    const keysetId = w.keysetId;
    const amounts = splitAmount(amount, Object.keys(w.getKeyset(keysetId).keys).map(Number));
    const op = await this.update((s) => {
      const o = this.newOp("mint", mint, unit, { quote: quote.quote });
      o.outputs = { keysetId, start: ClientWallet.takeCounters(s, keysetId, amounts.length), amounts };
      s.ops.push(o);
      s.defaultMint ??= mint;
      return o;
    });
    progress({ stage: "quote", request: quote.request });
    const t0 = Date.now();
    for (;;) {
      const q = await w.checkMintQuoteBolt11(quote.quote);
      if (String(q.state) === "PAID" || String(q.state) === "ISSUED") break;
      if (Date.now() - t0 > timeoutMs) {
        throw new PaygressError("mint_error", `the invoice was not paid within ${Math.round(timeoutMs / 1000)} s; if you pay it later, any paygress wallet command mints it`);
      }
      progress({ stage: "waiting", seconds: Math.round((Date.now() - t0) / 1000) });
      await new Promise((r) => setTimeout(r, 1000));
    }
    progress({ stage: "minting" });
    await this.finishMint(w, op);
    return amount;
  }

  private async finishMint(w: Wallet, op: Op): Promise<void> {
    const o = op.outputs!;
    const outputs = this.outputData(w, o.keysetId, o.start, o.amounts);
    let proofs: StoredProof[];
    try {
      const res = await w.mint.mintBolt11({ quote: op.quote!, outputs: outputs.map((d) => d.blindedMessage) });
      proofs = ClientWallet.unblind(outputs, res.signatures, w, o.keysetId).map((p) => fromCashuProof(p, op.mint, op.unit));
    } catch (e) {
      // Issued already (a lost answer): the signatures are ours to restore.
      proofs = await this.restoreOutputs(w, op);
      if (proofs.length === 0) throw new PaygressError("mint_error", `minting at ${op.mint} failed: ${describeError(e)}`);
    }
    await this.update((s) => {
      ClientWallet.addProofs(s, proofs);
      s.ops = s.ops.filter((x) => x.id !== op.id);
    });
  }

  // ---- receive ---------------------------------------------------------------------------------

  /**
   * Journals the swap of foreign proofs into our own (inside an update): a receive op holding the
   * proofs and the output counters. Null when swapping would cost all of it: then the proofs are kept
   * as they are (still spendable ecash).
   */
  private planReceive(s: WalletState, w: Wallet, mint: string, unit: string, proofs: StoredProof[], price?: number): { op: Op; fee: number } | null {
    const fee = Number(w.getFeesForProofs(proofs.map(toCashuProof)).toString());
    const value = sum(proofs);
    if (value <= fee) {
      ClientWallet.addProofs(s, proofs);
      return null;
    }
    const keysetId = w.keysetId;
    const amounts = splitForPrice(value - fee, price, Object.keys(w.getKeyset(keysetId).keys).map(Number));
    const op = this.newOp("receive", mint, unit, { foreign: proofs });
    op.outputs = { keysetId, start: ClientWallet.takeCounters(s, keysetId, amounts.length), amounts };
    s.ops.push(op);
    return { op: { ...op }, fee };
  }

  /** Runs a journaled receive: the swap, then the new proofs into the file and the op out of it. */
  private async completeReceive(w: Wallet, op: Op, fee: number): Promise<ReceiveResult> {
    const proofs = op.foreign ?? [];
    let got: StoredProof[];
    try {
      got = await this.swapInto(w, op, proofs);
    } catch (e) {
      const code = mintErrorCode(e);
      if (code === 11001) {
        // Already spent: maybe by us, with an answer that got lost.
        got = await this.restoreOutputs(w, op);
        if (got.length === 0) {
          await this.update((s) => { s.ops = s.ops.filter((x) => x.id !== op.id); });
          throw new PaygressError("bad_token", "this token was already spent");
        }
      } else if (code !== undefined) {
        await this.update((s) => { s.ops = s.ops.filter((x) => x.id !== op.id); });
        throw new PaygressError("mint_error", `the mint ${op.mint} refused to swap the proofs: ${describeError(e)}`);
      } else {
        // No answer: the journal keeps the operation; the next run resolves it.
        throw new PaygressError("mint_error", `the mint ${op.mint} did not answer the swap (${describeError(e)}); the next paygress command finishes it`);
      }
    }
    await this.update((s) => {
      ClientWallet.addProofs(s, got);
      s.ops = s.ops.filter((x) => x.id !== op.id);
    });
    return { amount: sum(got), fee, proofs: got.length };
  }

  /** Swaps foreign proofs (a token someone gave us, or a gate's change) into our own. */
  async receiveProofs(mint: string, unit: string, proofs: StoredProof[], w?: Wallet): Promise<ReceiveResult> {
    if (proofs.length === 0) return { amount: 0, fee: 0, proofs: 0 };
    const wallet = w ?? await this.connect(mint, unit);
    const plan = await this.update((s) => this.planReceive(s, wallet, mint, unit, proofs));
    if (!plan) return { amount: sum(proofs), fee: 0, proofs: proofs.length };
    return this.completeReceive(wallet, plan.op, plan.fee);
  }

  /** Receives an encoded token into the wallet. */
  async receiveToken(token: string): Promise<ReceiveResult & { mint: string; unit: string }> {
    const d = ClientWallet.decode(token, this.knownKeysetIds());
    return { ...(await this.receiveProofs(d.mint, d.unit, d.proofs)), mint: d.mint, unit: d.unit };
  }

  knownKeysetIds(): string[] {
    const s = this.read();
    return Object.values(s.mints).flatMap((m) => m.keychain.keysets.map((k) => k.id));
  }

  static decode(token: string, keysetIds: string[]): { mint: string; unit: string; proofs: StoredProof[] } {
    let t;
    try {
      t = getDecodedToken(token.trim(), keysetIds);
    } catch (e) {
      throw new PaygressError("bad_token", `this is not a Cashu token this wallet can read (${(e as Error).message})`);
    }
    const mint = normalizeMintUrl(t.mint);
    const unit = t.unit ?? "sat";
    return { mint, unit, proofs: t.proofs.map((p) => fromCashuProof(p, mint, unit)) };
  }

  // ---- payments ----------------------------------------------------------------------------------

  /**
   * Reserves proofs worth at least `amount` at one of `mints` for a payment to `origin`, re-checking
   * the caps inside the lock (with the other processes' pending payments counted). Exact proofs when
   * the wallet has them; else an overpayment (the gate returns change) if it stays within `maxValue`;
   * else a swap at the mint first to make the exact amount.
   */
  async reservePayment(req: { mints: string[]; unit: string; amount: number; origin: string; url: string; limits: Limits; nowMs: number }): Promise<ReservedPayment> {
    const { unit, amount, origin } = req;
    const accepted = req.mints.map(normalizeMintUrl);
    type Plan = { kind: "ready"; r: ReservedPayment } | { kind: "split"; mint: string; inputs: StoredProof[]; swapOp: string };
    const capRoom = (s: WalletState) => {
      let room = req.limits.maxAmount ?? Infinity;
      if (req.limits.maxPerOriginPerDay !== undefined) {
        const pending = s.ops.filter((o) => o.kind === "pay" && o.origin === origin && o.unit === unit).reduce((x, o) => x + (o.value ?? 0), 0);
        room = Math.min(room, req.limits.maxPerOriginPerDay - spentToday(s.spend, origin, unit, req.nowMs) - pending);
      }
      return room;
    };
    const plan = await this.update<Plan>((s) => {
      const room = capRoom(s);
      if (amount > room) {
        throw new PaygressError("cap_per_origin_day", `paying ${amount} ${unit} to ${origin} now would go over your daily cap for it ` +
          `(${req.limits.maxPerOriginPerDay} ${unit}, counting payments in progress); nothing was paid`, { amount, unit });
      }
      const order = [...accepted].sort((a, b) => Number(b === s.defaultMint) - Number(a === s.defaultMint));
      const free = (m: string) => s.proofs.filter((p) => !p.op && p.mint === m && p.unit === unit);
      let best: { mint: string; sel: StoredProof[] } | null = null;
      for (const m of order) {
        const exact = selectExact(free(m), amount);
        if (exact) { best = { mint: m, sel: exact }; break; }
      }
      if (!best) {
        for (const m of order) {
          const over = selectAtLeast(free(m), amount);
          if (over && sum(over) <= room) { best = { mint: m, sel: over }; break; }
        }
      }
      if (best) {
        const op = this.newOp("pay", best.mint, unit, { origin, url: req.url, asked: amount, value: sum(best.sel) });
        const mark = new Set(best.sel.map((p) => p.secret));
        for (const p of s.proofs) if (mark.has(p.secret)) p.op = op.id;
        s.ops.push(op);
        return { kind: "ready", r: { opId: op.id, mint: best.mint, unit, proofs: best.sel, value: sum(best.sel), token: encodeToken(best.mint, unit, best.sel) } };
      }
      // Needs a swap first (the only overpayment possible is above the cap) — or funds are short.
      for (const m of order) {
        const inputs = selectAtLeast(free(m), amount + 1);
        if (inputs) {
          const op = this.newOp("swap", m, unit);
          const mark = new Set(inputs.map((p) => p.secret));
          for (const p of s.proofs) if (mark.has(p.secret)) p.op = op.id;
          s.ops.push(op);
          return { kind: "split", mint: m, inputs, swapOp: op.id };
        }
      }
      const have = accepted.map((m) => `${sum(free(m))} ${unit} at ${m}`).join(", ");
      throw new PaygressError("insufficient_funds",
        `not enough ecash: this costs ${amount} ${unit} from ${accepted.join(" or ")}; your wallet holds ${have}. ` +
        `Add some with: paygress wallet mint ${Math.max(amount, 100)} --mint ${accepted[0]}`, { amount, unit, mints: accepted });
    });
    if (plan.kind === "ready") return plan.r;
    return this.splitForPayment(plan.mint, unit, plan.inputs, plan.swapOp, amount, req);
  }

  /** Swaps `inputs` into exactly `amount` (reserved for the payment) plus the rest (kept), fee paid from the rest. */
  private async splitForPayment(mint: string, unit: string, inputs: StoredProof[], swapOpId: string, amount: number,
    req: { origin: string; url: string }): Promise<ReservedPayment> {
    const release = () => this.update((s) => {
      for (const p of s.proofs) if (p.op === swapOpId) p.op = undefined;
      s.ops = s.ops.filter((o) => o.id !== swapOpId);
    });
    let w: Wallet;
    try {
      w = await this.connect(mint, unit);
    } catch (e) {
      await release();
      throw e;
    }
    const fee = Number(w.getFeesForProofs(inputs.map(toCashuProof)).toString());
    const rest = sum(inputs) - fee - amount;
    if (rest < 0) {
      await release();
      throw new PaygressError("insufficient_funds", `not enough ecash at ${mint} to make exactly ${amount} ${unit} plus the mint's fee of ${fee}`);
    }
    const keysetId = w.keysetId;
    const denoms = Object.keys(w.getKeyset(keysetId).keys).map(Number);
    const sendAmounts = splitAmount(amount, denoms);
    const keepAmounts = splitForPrice(rest, amount, denoms);
    const amounts = [...sendAmounts, ...keepAmounts];
    const op = await this.update((s) => {
      const o = s.ops.find((x) => x.id === swapOpId)!;
      o.outputs = { keysetId, start: ClientWallet.takeCounters(s, keysetId, amounts.length), amounts };
      return { ...o };
    });
    let out: StoredProof[];
    try {
      out = await this.swapInto(w, op, inputs);
    } catch (e) {
      if (mintErrorCode(e) !== undefined) {
        await release();
        throw new PaygressError("mint_error", `the mint ${mint} refused to split the proofs for this payment: ${describeError(e)}`);
      }
      throw new PaygressError("mint_error", `the mint ${mint} did not answer (${describeError(e)}); nothing was paid, the next paygress command finishes the split`);
    }
    const send = out.slice(0, sendAmounts.length);
    const keep = out.slice(sendAmounts.length);
    return this.update((s) => {
      s.proofs = s.proofs.filter((p) => p.op !== swapOpId);
      s.ops = s.ops.filter((o) => o.id !== swapOpId);
      const pay = this.newOp("pay", mint, unit, { origin: req.origin, url: req.url, asked: amount, value: amount });
      ClientWallet.addProofs(s, [...keep, ...send]);
      const mark = new Set(send.map((p) => p.secret));
      for (const p of s.proofs) if (mark.has(p.secret)) p.op = pay.id;
      s.ops.push(pay);
      return { opId: pay.id, mint, unit, proofs: send, value: amount, token: encodeToken(mint, unit, send) };
    });
  }

  /** The token was not spent (the gate refused it before redeeming): its proofs are spendable again. */
  releasePayment(opId: string): Promise<void> {
    return this.update((s) => {
      for (const p of s.proofs) if (p.op === opId) p.op = undefined;
      s.ops = s.ops.filter((o) => o.id !== opId);
    });
  }

  /**
   * The gate redeemed the token: drop its proofs, count what was spent, and take the change in
   * (`change`: the proofs of X-Cashu-Change, or those restored from the token). Returns what came back.
   */
  async settlePayment(p: ReservedPayment, origin: string, change: StoredProof[], nowMs = Date.now(), price?: number): Promise<ReceiveResult> {
    const changeValue = sum(change);
    // Connect first (no network under the lock); the change is journaled in the same update that
    // drops the spent proofs, so it is never in neither place.
    const w = change.length ? await this.connect(p.mint, p.unit) : null;
    const plan = await this.update((s) => {
      s.proofs = s.proofs.filter((x) => x.op !== p.opId);
      s.ops = s.ops.filter((o) => o.id !== p.opId);
      s.spend = recordSpend(s.spend, origin, p.unit, p.value - changeValue, nowMs);
      return w ? this.planReceive(s, w, p.mint, p.unit, change, price) : null;
    });
    if (!plan) return { amount: changeValue, fee: 0, proofs: change.length };
    return this.completeReceive(w!, plan.op, plan.fee);
  }

  /** Proofs of a payment that turned out to be spent elsewhere: dropped (not counted as spent here), any change received. */
  async abandonPayment(p: ReservedPayment, change: StoredProof[]): Promise<ReceiveResult> {
    const w = change.length ? await this.connect(p.mint, p.unit) : null;
    const plan = await this.update((s) => {
      s.proofs = s.proofs.filter((x) => x.op !== p.opId);
      s.ops = s.ops.filter((o) => o.id !== p.opId);
      return w ? this.planReceive(s, w, p.mint, p.unit, change) : null;
    });
    if (!plan) return { amount: sum(change), fee: 0, proofs: change.length };
    return this.completeReceive(w!, plan.op, plan.fee);
  }

  /** Proof states at the mint (UNSPENT, PENDING, SPENT), in order. */
  async states(mint: string, unit: string, proofs: StoredProof[]): Promise<string[]> {
    const w = await this.connect(mint, unit);
    const st = await w.checkProofsStates(proofs.map(toCashuProof));
    return st.map((x) => String(x.state));
  }

  /** The change a gate made for a token of ours, restored from the mint (token-derived change). */
  async restoreChange(mint: string, unit: string, tokenProofs: StoredProof[]): Promise<StoredProof[]> {
    const found = await restoreTokenChange((seed) => this.connect(mint, unit, { seed }), tokenProofs);
    return found.map((p) => fromCashuProof(p, mint, unit));
  }

  /** Forgets proofs the mint says are spent (they are worth nothing); returns their value. */
  dropSpent(secrets: Set<string>): Promise<number> {
    return this.update((s) => {
      const gone = s.proofs.filter((p) => secrets.has(p.secret));
      s.proofs = s.proofs.filter((p) => !secrets.has(p.secret));
      return sum(gone);
    });
  }

  // ---- journal recovery ------------------------------------------------------------------------------

  /** Operations left by processes that died (same host). */
  orphans(nowMs = Date.now()): Op[] {
    const me = hostname();
    return this.read().ops.filter((o) => o.host === me && o.pid !== process.pid && !processAlive(o.pid) && o.started <= nowMs);
  }

  /**
   * Finishes what dead processes left half-done. Returns one line per operation for the person.
   * Safe to run at any time and from several processes (each operation is claimed under the lock).
   */
  async recoverOrphans(nowMs = Date.now()): Promise<string[]> {
    const notes: string[] = [];
    for (const o of this.orphans(nowMs)) {
      const claimed = await this.update((s) => {
        const x = s.ops.find((y) => y.id === o.id);
        if (!x || (x.pid !== o.pid)) return null;
        x.pid = process.pid;
        return { ...x };
      });
      if (!claimed) continue;
      try {
        const note = await this.resolve(claimed, nowMs, o.pid);
        if (note) notes.push(note);
      } catch (e) {
        await this.update((s) => { const x = s.ops.find((y) => y.id === o.id); if (x) x.pid = o.pid; });
        notes.push(`could not finish an interrupted ${claimed.kind} at ${claimed.mint} yet: ${describeError(e)}`);
      }
    }
    return notes;
  }

  private async resolve(op: Op, nowMs: number, deadPid: number): Promise<string | null> {
    // Left for a later run: the operation goes back to its dead owner, so it stays an orphan.
    const later = () => this.update((s) => { const x = s.ops.find((y) => y.id === op.id); if (x) x.pid = deadPid; });
    let w: Wallet;
    try {
      w = await this.connect(op.mint, op.unit);
    } catch (e) {
      await later();
      throw e;
    }
    const own = this.read().proofs.filter((p) => p.op === op.id);
    const release = () => this.update((s) => {
      for (const p of s.proofs) if (p.op === op.id) p.op = undefined;
      s.ops = s.ops.filter((x) => x.id !== op.id);
    });
    if (op.kind === "mint") {
      const q = await w.checkMintQuoteBolt11(op.quote!);
      const st = String(q.state);
      if (st === "PAID" || st === "ISSUED") {
        await this.finishMint(w, op);
        return `minted ${sum(op.outputs!.amounts.map((a) => ({ amount: a })))} ${op.unit} from a quote an earlier run had waited for`;
      }
      if (q.expiry && q.expiry * 1000 < nowMs) {
        await this.update((s) => { s.ops = s.ops.filter((x) => x.id !== op.id); });
        return null;
      }
      await later();
      return null;
    }
    const inputs = op.kind === "receive" ? op.foreign ?? [] : own;
    const st = inputs.length ? (await w.checkProofsStates(inputs.map(toCashuProof))).map((x) => String(x.state)) : [];
    if (st.some((x) => x === "PENDING")) {
      await later();
      return `an interrupted ${op.kind} at ${op.mint} is still pending at the mint; run again later`;
    }
    const spent = st.length > 0 && st.every((x) => x === "SPENT");
    if (op.kind === "pay") {
      if (!spent) {
        if (nowMs - op.started < ORPHAN_PAYMENT_GRACE_MS) {
          await later();
          return null;
        }
        await release();
        return `a payment to ${op.origin} was interrupted before the gate redeemed it: ${sum(own)} ${op.unit} are spendable again`;
      }
      const change = await this.restoreChange(op.mint, op.unit, own);
      const r = await this.settlePayment({ opId: op.id, mint: op.mint, unit: op.unit, proofs: own, value: sum(own), token: "" }, op.origin ?? "", change, nowMs);
      return `a payment to ${op.origin} was interrupted after the gate redeemed it (${sum(own)} ${op.unit}); ${sum(change)} ${op.unit} of change recovered from the token` +
        (r.fee ? ` (${r.fee} ${op.unit} mint fee to receive it)` : "");
    }
    // swap / receive: inputs spent means the mint signed our outputs.
    if (spent) {
      const got = await this.restoreOutputs(w, op);
      await this.update((s) => {
        ClientWallet.addProofs(s, got);
        s.proofs = s.proofs.filter((p) => p.op !== op.id);
        s.ops = s.ops.filter((x) => x.id !== op.id);
      });
      return `finished an interrupted ${op.kind} at ${op.mint}: ${sum(got)} ${op.unit} restored`;
    }
    if (op.kind === "swap") {
      await release();
      return null;
    }
    // receive whose inputs are unspent: do it now.
    const r = await this.completeReceive(w, op, Number(w.getFeesForProofs(inputs.map(toCashuProof)).toString()));
    return `received ${r.amount} ${op.unit} that an interrupted run had not taken in yet`;
  }

  // ---- restore ---------------------------------------------------------------------------------------

  /**
   * Finds every unspent proof this wallet's seed ever made at `mint` (NUT-09 restore in batches of
   * 100 until three empty batches, NUT-07 check) and adds the missing ones; moves counters past them.
   */
  async restore(mint: string, unit = "sat"): Promise<{ added: number; amount: number; spent: number }> {
    mint = normalizeMintUrl(mint);
    const w = await this.connect(mint, unit, { refresh: true });
    const keysets = w.keyChain.getKeysets().filter((k) => k.unit === unit && k.hasHexId);
    const found: Proof[] = [];
    const next: Record<string, number> = {};
    for (const ks of keysets) {
      let start = 0;
      let empty = 0;
      while (empty < 3) {
        const r = await w.restore(start, 100, { keysetId: ks.id });
        if (r.proofs.length) {
          empty = 0;
          found.push(...r.proofs);
          next[ks.id] = r.lastCounterWithSignature! + 1;
        } else empty++;
        start += 100;
      }
    }
    const states = found.length ? await w.checkProofsStates(found) : [];
    const unspent = found.filter((_, i) => String(states[i]?.state) === "UNSPENT").map((p) => fromCashuProof(p, mint, unit));
    return this.update((s) => {
      const before = new Set(s.proofs.map((p) => p.secret));
      const added = unspent.filter((p) => !before.has(p.secret));
      ClientWallet.addProofs(s, added);
      for (const [k, n] of Object.entries(next)) s.counters[k] = Math.max(s.counters[k] ?? 0, n);
      s.defaultMint ??= mint;
      return { added: added.length, amount: sum(added), spent: found.length - unspent.length };
    });
  }
}
