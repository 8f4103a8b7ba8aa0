// paygressFetch: fetch that pays. Same signature as fetch; on a 402 with a NUT-24 X-Cashu payment
// request it pays from the client's wallet and retries once, within the spending caps.
//
//   1. a pass the client holds for the origin and route goes first (no payment, no mint call);
//   2. 402 -> decode the request (creqA or creqB), check the caps (above one: nothing is paid, the
//      error names the cap), reserve proofs at an accepted mint where the wallet holds enough, send
//      exactly the asked amount (the gate's price already allows for its input fee);
//   3. the answer: pass stored, change received into the wallet, the day's spend counted;
//      no answer / connection error / 502-503 from the gate -> the SAME token again (the gate grants
//      it if its swap happened, or takes it as new); 402 token_spent after a lost answer -> the
//      change is restored from the token itself (token-derived change) and the error says so.
import { PaygressError, describeError } from "./errors.ts";
import { type Challenge, decodeChallenge, errorBody, parsePass, parseReceipt, type Receipt } from "./challenge.ts";
import { checkCaps, type Limits } from "./caps.ts";
import { dropPass, findPass, learnRoute, passForRoute, storePass } from "./passes.ts";
import { ClientWallet, type ReceiveResult, type ReservedPayment, type StoredProof, toCashuProof } from "../wallet/wallet.ts";

export type PaygressEvent =
  | { type: "pass"; origin: string; route: string }
  | { type: "challenge"; origin: string; challenge: Challenge }
  | { type: "paying"; origin: string; amount: number; value: number; unit: string; mint: string }
  | { type: "retry"; reason: string; attempt: number; waitMs: number }
  | { type: "paid"; origin: string; amount: number; value: number; unit: string; mint: string; receipt: Receipt | null; change: ReceiveResult; recovered: boolean }
  | { type: "note"; message: string };

export interface PaygressOptions {
  /** The wallet (or its file; default $PAYGRESS_WALLET or ~/.paygress/wallet.json). */
  wallet?: ClientWallet | string;
  /** Caps; each field overrides the wallet's own setting. */
  limits?: Limits;
  /** The fetch underneath (default: the global fetch). */
  fetch?: typeof fetch;
  onEvent?: (e: PaygressEvent) => void;
  /** How often a token whose answer was lost is sent again (default 4 attempts in all). */
  attempts?: number;
  /** Longest wait between those attempts, whatever Retry-After says (default 5000 ms). */
  maxRetryWaitMs?: number;
  now?: () => number;
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const LOST_CODES = new Set(["mint_unavailable", "bad_mint_response"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (ps: ReadonlyArray<{ amount: number }>) => ps.reduce((s, p) => s + p.amount, 0);

function drain(res: Response): void {
  res.body?.cancel().catch(() => {});
}

type Sent =
  | { kind: "granted"; res: Response; lost: boolean }
  /** An answer without the gate's payment headers: whether the token was taken, only the mint can say. */
  | { kind: "answered"; res: Response; lost: boolean }
  | { kind: "rejected"; res: Response; code: string; message: string }
  | { kind: "spent"; res: Response; lost: boolean; code: string }
  | { kind: "unknown"; lost: true; why: string };

export function createPaygressFetch(opts: PaygressOptions = {}): FetchLike {
  const f = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const emit = (e: PaygressEvent) => { try { opts.onEvent?.(e); } catch { /* a listener's bug is not ours */ } };
  const attempts = opts.attempts ?? 4;
  const maxWait = opts.maxRetryWaitMs ?? 5000;
  let walletInstance: ClientWallet | null = opts.wallet instanceof ClientWallet ? opts.wallet : null;
  const walletFile = typeof opts.wallet === "string" ? opts.wallet : undefined;
  const wallet = (): ClientWallet => (walletInstance ??= ClientWallet.open(walletFile));
  const walletIfAny = (): ClientWallet | null => {
    try { return wallet(); } catch (e) { if (e instanceof PaygressError && e.code === "no_wallet") return null; throw e; }
  };

  return async function paygressFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const streaming = init?.body && typeof (init.body as ReadableStream).getReader === "function";
    const base = new Request(input, streaming ? { ...init, duplex: "half" } as RequestInit : init);
    const auth = base.headers.get("authorization") ?? "";
    if (base.headers.has("x-cashu") || /^bearer\s+cashu/i.test(auth)) return f(base); // the caller pays by hand
    const body = base.body ? new Uint8Array(await base.arrayBuffer()) : undefined;
    const send = (url: URL, extra: Record<string, string>, manual: boolean) => {
      const h = new Headers(base.headers);
      for (const [k, v] of Object.entries(extra)) h.set(k, v);
      // Credentials never follow a redirect: with a pass or a token we take the 3xx as the answer.
      return f(url.toString(), { method: base.method, headers: h, body, redirect: manual ? "manual" : base.redirect, signal: base.signal });
    };

    let url = new URL(base.url);
    const w0 = walletIfAny();
    const nowS = () => Math.floor(now() / 1000);
    const held = w0 ? findPass(w0.read(), url, nowS()) : undefined;
    let res: Response;
    if (held) {
      emit({ type: "pass", origin: url.origin, route: held.route });
      res = await send(url, { "x-paygress-pass": held.pass }, true);
    } else {
      res = await send(url, {}, false);
      if (res.url) url = new URL(res.url);
    }
    if (res.status !== 402 || !res.headers.has("x-cashu")) return res;

    let ch = decodeChallenge(res.headers.get("x-cashu"), await res.clone().text());
    const w = wallet();
    if (held && ch.code.startsWith("pass_")) {
      await w.update((s) => {
        if (ch.code !== "pass_wrong_scope") dropPass(s, held.pass);
        if (ch.route) learnRoute(s, url, ch.route);
      });
    } else if (ch.route) {
      await w.update((s) => learnRoute(s, url, ch.route!));
    }
    if (ch.route) {
      const other = passForRoute(w.read(), url.origin, ch.route, nowS());
      if (other && other.pass !== held?.pass) {
        drain(res);
        emit({ type: "pass", origin: url.origin, route: other.route });
        res = await send(url, { "x-paygress-pass": other.pass }, true);
        if (res.status !== 402 || !res.headers.has("x-cashu")) return res;
        ch = decodeChallenge(res.headers.get("x-cashu"), await res.clone().text());
      }
    }
    drain(res);
    emit({ type: "challenge", origin: url.origin, challenge: ch });
    return pay(w, url, ch, send);
  };

  type Send = (url: URL, extra: Record<string, string>, manual: boolean) => Promise<Response>;

  async function pay(w: ClientWallet, url: URL, ch: Challenge, send: Send): Promise<Response> {
    if (ch.locked) {
      throw new PaygressError("unsupported_request", `${url.origin} asks for a P2PK-locked token (locked mode), which this client does not make yet; nothing was paid`);
    }
    const origin = url.origin;
    const limits: Limits = { ...w.read().limits, ...opts.limits };
    checkCaps(limits, w.read().spend, origin, ch.unit, ch.amount, now());
    for (const note of await w.recoverOrphans(now())) emit({ type: "note", message: note });

    let target = ch.amount;
    for (let round = 0; ; round++) {
      const r = await w.reservePayment({ mints: ch.mints, unit: ch.unit, amount: target, origin, url: url.toString(), limits, nowMs: now() });
      emit({ type: "paying", origin, amount: target, value: r.value, unit: r.unit, mint: r.mint });
      const sent = await sendToken(url, r.token, send);

      if (sent.kind === "granted") return granted(w, url, r, target, sent.res, sent.lost);

      if (sent.kind === "rejected") {
        await w.releasePayment(r.opId);
        // A gate that still wants the input fee on top (the older rule): pay the amount plus the fee once.
        if (sent.code === "insufficient_amount" && round === 0) {
          const fee = await feeToAdd(w, r);
          if (fee > 0) {
            target = ch.amount + fee;
            checkCaps(limits, w.read().spend, origin, ch.unit, target, now());
            emit({ type: "note", message: `${origin} wants the mint's input fee on top: paying ${target} ${ch.unit}` });
            continue;
          }
        }
        throw new PaygressError("payment_rejected", `${origin} refused the payment: ${sent.message || sent.code} (HTTP ${sent.res.status}); nothing was spent, the token is back in your wallet`,
          { status: sent.res.status, code: sent.code });
      }

      // The token may have been redeemed: the mint knows.
      let states: string[];
      try {
        states = await w.states(r.mint, r.unit, r.proofs);
      } catch (e) {
        throw new PaygressError("outcome_unknown", `no answer from ${origin} and the mint ${r.mint} cannot be asked (${describeError(e)}); ` +
          `the ${r.value} ${r.unit} token is kept aside, and the next paygress command finds out what happened to it (or: paygress recover)`);
      }
      if (sent.kind === "answered") {
        // A server that answered without taking the payment keeps it unspent; one that took it is paid.
        if (states.every((s) => s === "UNSPENT")) {
          await w.releasePayment(r.opId);
          return sent.res;
        }
        if (states.every((s) => s === "SPENT")) return granted(w, url, r, target, sent.res, sent.lost);
      }
      if (states.every((s) => s === "UNSPENT")) {
        await w.releasePayment(r.opId);
        const why = sent.kind === "unknown" ? sent.why : sent.kind === "spent" ? `402 ${sent.code}` : `HTTP ${sent.res.status}`;
        throw new PaygressError("payment_rejected", `${origin} did not take the payment (${why}); nothing was spent, the token is back in your wallet`);
      }
      if (states.some((s) => s === "PENDING")) {
        throw new PaygressError("outcome_unknown", `the mint is still redeeming the token sent to ${origin}; the next paygress command finishes the payment (or: paygress recover)`);
      }
      // Spent: the gate redeemed it but we never got its answer. Take the change back from the token.
      const change = await w.restoreChange(r.mint, r.unit, r.proofs);
      if (sent.kind === "spent" && !sent.lost) {
        // Spent before we ever sent it here (another wallet with the same seed?): nothing was paid to this gate.
        const got = await w.abandonPayment(r, change);
        drainIf(sent);
        throw new PaygressError("payment_rejected", `${origin} says the token was already spent, and the mint agrees: these proofs had been ` +
          `spent elsewhere (is another wallet using the same recovery phrase?). They are removed from the wallet` +
          (change.length ? `; ${got.amount} ${r.unit} of change found for them was received` : "") + `. Nothing was paid to ${origin}; run the request again.`);
      }
      const got = await w.settlePayment(r, origin, change, now());
      drainIf(sent);
      throw new PaygressError("response_lost",
        `${origin} redeemed the ${r.value} ${r.unit} token, but its answer was lost on the way` +
        (sent.kind === "spent" ? " (to the retried token it said: already spent)" : "") +
        `; ${sum(change)} ${r.unit} of change recovered from the token` + (got.fee ? ` (${got.fee} ${r.unit} mint fee to receive it)` : "") +
        `. No access was granted for it; run the request again to pay again.`,
        { value: r.value, change: sum(change), received: got.amount, receiveFee: got.fee, unit: r.unit });
    }
  }

  function drainIf(s: Sent): void {
    if ("res" in s) drain(s.res);
  }

  /** The receiver's input fee for a token like `r` (at least one unit when the keyset charges any). */
  async function feeToAdd(w: ClientWallet, r: ReservedPayment): Promise<number> {
    try {
      const cw = await w.connect(r.mint, r.unit);
      const fee = Number(cw.getFeesForProofs(r.proofs.map(toCashuProof)).toString());
      const ppk = cw.keyChain.getKeysets().find((k) => k.isActive && k.unit === r.unit)?.fee ?? 0;
      return ppk > 0 ? Math.max(fee, 1) : fee;
    } catch {
      return 0;
    }
  }

  async function sendToken(url: URL, token: string, send: Send): Promise<Sent> {
    let lost = false;
    let why = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await send(url, { "x-cashu": token }, true);
      } catch (e) {
        if ((e as Error).name === "AbortError") throw e;
        lost = true;
        why = `no answer: ${describeError(e)}`;
        const waitMs = Math.min(250 * 2 ** (attempt - 1), maxWait);
        if (attempt < attempts) {
          emit({ type: "retry", reason: why, attempt, waitMs });
          await sleep(waitMs);
        }
        continue;
      }
      if (res.headers.has("x-paygress-receipt") || res.headers.has("x-paygress-pass")) return { kind: "granted", res, lost };
      if (res.status === 502 || res.status === 503) {
        const b = errorBody(await res.clone().text());
        drain(res);
        lost = true;
        why = `HTTP ${res.status}${b.code ? ` ${b.code}` : ""}${b.message ? `: ${b.message}` : ""}`;
        if (b.code && !LOST_CODES.has(b.code) && b.code !== "counter_contention" && b.code !== "no_active_keyset") {
          return { kind: "unknown", lost: true, why };
        }
        const ra = Number(res.headers.get("retry-after"));
        const waitMs = Math.min(Number.isFinite(ra) && ra > 0 ? ra * 1000 : 500 * attempt, maxWait);
        if (attempt < attempts) {
          emit({ type: "retry", reason: why, attempt, waitMs });
          await sleep(waitMs);
        }
        continue;
      }
      if (res.status === 402) {
        const b = errorBody(await res.clone().text());
        if (b.code === "token_pending") {
          drain(res);
          why = "the gate is still redeeming the token";
          if (attempt < attempts) {
            emit({ type: "retry", reason: why, attempt, waitMs: 500 });
            await sleep(500);
          }
          continue;
        }
        return { kind: "spent", res, lost, code: b.code || "payment_required" };
      }
      if (res.status === 400) {
        const b = errorBody(await res.clone().text());
        drain(res);
        return { kind: "rejected", res, code: b.code, message: b.message };
      }
      return { kind: "answered", res, lost };
    }
    return { kind: "unknown", lost: true, why };
  }

  async function granted(w: ClientWallet, url: URL, r: ReservedPayment, amount: number, res: Response, lost: boolean): Promise<Response> {
    const receipt = parseReceipt(res.headers.get("x-paygress-receipt"));
    const passHeader = res.headers.get("x-paygress-pass");
    const info = passHeader ? parsePass(passHeader, res.headers.get("x-paygress-pass-expires")) : null;
    let change: StoredProof[] = [];
    const changeHeader = res.headers.get("x-cashu-change");
    if (changeHeader) {
      try {
        const d = ClientWallet.decode(changeHeader, w.knownKeysetIds());
        if (d.mint === r.mint && d.unit === r.unit) change = d.proofs;
        else emit({ type: "note", message: `the change came from another mint (${d.mint}); receiving it separately` });
        if (d.mint !== r.mint || d.unit !== r.unit) await w.receiveProofs(d.mint, d.unit, d.proofs).catch(() => {});
      } catch (e) {
        emit({ type: "note", message: `the change token cannot be read (${describeError(e)}); restoring it from the payment instead` });
      }
    }
    if (change.length === 0 && receipt?.change && receipt.change > 0) {
      change = await w.restoreChange(r.mint, r.unit, r.proofs); // token-derived change, when the header is missing
    }
    if (info) await w.update((s) => storePass(s, url, info, now()));
    const got = await w.settlePayment(r, url.origin, change, now(), amount);
    emit({ type: "paid", origin: url.origin, amount, value: r.value, unit: r.unit, mint: r.mint, receipt, change: got, recovered: lost || !!receipt?.recovered });
    return res;
  }
}
