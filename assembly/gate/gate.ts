// The payment gate: host-agnostic, sans-I/O decision logic for one HTTP exchange.
//
//   onRequest(req, ex)            request headers -> pass | challenge (402/400) | "call the mint"
//   onMintResponse(ex, st, body)  the mint's answer -> next call | grant | refuse
//   responseHeaders(ex)           headers to add to the upstream's response (pass, change, receipt)
//   auditLine(ex)                 one structured line per payment attempt (no secrets)
//
// Money rules (docs/earnings.md, DESIGN.md): access only after the mint signed the swap; any mint
// failure refuses (503/502), never grants; duplicate proofs and sums are checked by the token
// decoder; the payer pays the input fee: admit only if sum - fee >= price; earnings are
// deterministic P2PK outputs the operator can always restore.
import { JsonWriter } from "../core/json";
import { decodeToken, encodeTokenV4, resolveTokenKeysetIds } from "../core/cashu/token";
import { extractPaymentToken, TokenSource } from "../core/cashu/headers";
import { PaymentHeaderError, TokenError } from "../core/cashu/errors";
import { Keyset, parseKeysetsResponse, parseKeysResponse } from "../core/cashu/keyset";
import { inputFeeForToken } from "../core/cashu/fees";
import { splitForKeyset, splitPaymentAndChange } from "../core/cashu/amounts";
import { normalizeMintUrl } from "../core/cashu/mint-url";
import { KeysetProofs, Proof, Token, TokenLimits } from "../core/cashu/types";
import { toHex } from "../core/encoding/hex";
import { GateConfig, MintConfig, RouteRule } from "./config";
import { GateHost } from "./host";
import { hostOnly, matchRoute, matchRouteRaw } from "./routes";
import { PassBook, PassError, passErrorCode, passErrorReason } from "./pass";
import { Challenge } from "./challenge";
import {
  BlindSignature, MintCall, parseMintError, parseRestoreOutputs, parseSignatures,
  ERR_OUTPUTS_PENDING, ERR_OUTPUTS_SIGNED, ERR_PROOFS_PENDING, ERR_PROOFS_SPENT,
} from "./mint-api";
import { OutputKind, PlannedOutput, changeOutput, earningsOutput, unblind } from "./outputs";
import { CounterBook, ProbeState } from "./counters";

export const enum DecisionKind {
  /** Let the request through to the upstream. */
  Continue = 0,
  /** Answer locally with status/headers/body. */
  Respond = 1,
  /** Keep the request paused and perform `call`; feed its answer to onMintResponse. */
  Call = 2,
}

/** What the host tells the gate about an incoming request. */
export class RequestInfo {
  method: string = "GET";
  /** :path as received (query string included). */
  path: string = "/";
  /** :authority / Host. */
  host: string = "";
  /** :scheme ("https" makes the pass cookie Secure). */
  scheme: string = "";
  xCashu: string | null = null;
  authorization: string | null = null;
  /** X-Paygress-Pass header. */
  pass: string | null = null;
  cookie: string | null = null;
}

export class Decision {
  kind: DecisionKind = DecisionKind.Continue;
  status: u32 = 200;
  /** Flattened header pairs: name, value, name, value, ... */
  headers: Array<string> = [];
  body: string = "";
  call: MintCall | null = null;
  /** Host-side cache of the encoded answer (for decisions the gate reuses, like the plain 402). */
  encoded: Object | null = null;
}

export const enum Stage { Start, Keysets, Keys, Probe, Swap, Done }

// Defaults shared by every Exchange so that a request that never pays allocates no arrays; the
// gate only ever replaces these fields, never pushes into them.
const NO_OUTPUTS = new Array<PlannedOutput>(0);
const NO_ORDER = new Array<i32>(0);

/** The one "let it through" decision (never modified). */
export const CONTINUE = new Decision();

/** What the gate decided for a request (metrics `outcome` label, audit `outcome`). */
export const enum Outcome { None = -1, Free = 0, Pass = 1, Paid = 2, Challenged = 3, Rejected = 4, Spent = 5, MintError = 6 }
export const OUTCOMES: StaticArray<string> = ["free", "pass", "paid", "challenged", "rejected", "spent", "mint_error"];

export function outcomeName(o: Outcome): string {
  return o < 0 ? "" : OUTCOMES[o];
}

/** Per-request state, owned by the host's stream context. */
export class Exchange {
  stage: Stage = Stage.Start;
  route: RouteRule | null = null;
  /** `route` is set (the host may match the route itself before reading payment headers). */
  routed: bool = false;
  passChecked: bool = false;
  passPresented: bool = false;
  passError: PassError = PassError.None;
  /** Purpose of the mint call in flight (metrics label). */
  callPurpose: string = "";
  mint: MintConfig | null = null;
  mintIndex: i32 = -1;
  scheme: string = "";
  token: Token | null = null;
  tokenSource: TokenSource = TokenSource.None;
  fee: u64 = 0;
  outputKeyset: Keyset | null = null;
  outputs: Array<PlannedOutput> = NO_OUTPUTS;
  /** Output indices in the order they were sent to the mint (ascending amounts). */
  swapOrder: Array<i32> = NO_ORDER;
  swapAttempts: i32 = 0;
  /** Set after an "outputs already signed" answer: find the counter again before retrying. */
  reprobe: bool = false;
  /** Just above the counters of a collided attempt: the next search starts there. */
  reprobeFrom: i64 = -1;
  probe: ProbeState | null = null;
  /** Whether this exchange already refreshed keysets (an unknown keyset id triggers one refresh). */
  refreshedKeysets: bool = false;

  outcome: Outcome = Outcome.None;
  /** Machine-readable reason code for the audit line and response details. */
  code: string = "";
  reason: string = "";
  earned: u64 = 0;
  changeAmount: u64 = 0;
  changeToken: string = "";
  pass: string = "";
  passExpires: u64 = 0;
  mintStatus: u32 = 0;
  mintErrorCode: u32 = 0;
  audited: bool = false;

  get routeId(): string { return this.route == null ? "" : this.route!.id; }
  /** Set once token handling starts: the exchange then holds more than the fast paths reset. */
  heavy: bool = false;

  /** Resets what the fast paths (free route, pass, plain 402) write, for reuse of this object. */
  resetFast(): void {
    this.route = null;
    this.routed = false;
    this.passChecked = false;
    this.passPresented = false;
    this.passError = PassError.None;
    this.scheme = "";
    this.outcome = Outcome.None;
    this.code = "";
  }
  get mintId(): string { return this.mint == null ? "" : this.mint!.id; }
}

/** What the gate knows about one mint: its keysets (NUT-02) and the keys of its output keyset. */
export class MintState {
  keysets: Array<Keyset> = [];
  fetchedAt: u64 = 0;
  /** The active keyset of our unit, with keys (NUT-01), or null until fetched. */
  outputKeyset: Keyset | null = null;
  lastRefresh: u64 = 0;
}

const KEYSETS_MAX_AGE_S: u64 = 600;
const KEYSETS_MIN_REFRESH_S: u64 = 5;
const MAX_SWAP_ATTEMPTS: i32 = 3;

export class Gate {
  passes: PassBook;
  mints: Array<MintState> = [];
  counters: CounterBook;
  limits: TokenLimits = new TokenLimits();
  challenge: Challenge;
  /** Whether any route constrains hosts/methods (else the host skips reading them). */
  needsHost: bool = false;
  needsMethod: bool = false;

  constructor(public config: GateConfig, public host: GateHost) {
    this.passes = new PassBook(config.pass);
    this.counters = new CounterBook(host, config.earnings.lane);
    this.challenge = new Challenge(config);
    for (let i = 0; i < config.mints.length; i++) this.mints.push(new MintState());
    this.limits.maxProofs = config.maxProofs;
    this.limits.maxTokenLength = config.maxTokenLength;
    for (let i = 0; i < config.routes.length; i++) {
      if (config.routes[i].host.length > 0) this.needsHost = true;
      if (config.routes[i].methods.length > 0) this.needsMethod = true;
    }
  }

  /** The price rule for a request, or null when no rule matches. */
  route(method: string, host: string, path: string): RouteRule | null {
    return matchRoute(this.config.routes, method, this.needsHost ? hostOnly(host) : "", path);
  }

  /** route() for a :path given as raw UTF-8 bytes (the adapter's hot path). */
  routeRaw(method: string, host: string, p: usize, len: i32): RouteRule | null {
    return matchRouteRaw(this.config.routes, method, this.needsHost ? hostOnly(host) : "", p, len);
  }

  // ---- request headers ------------------------------------------------------------------------

  /**
   * Checks a presented pass for the request's route (the hot path: no network, one HMAC). Returns
   * true when it is valid; either way the result is remembered in `ex` for onRequest.
   */
  tryPass(passText: string, rule: RouteRule, ex: Exchange): bool {
    return this.passChecked(ex, this.passes.enabled ? this.passes.verify(passText, rule.id, this.host.nowSeconds()) : PassError.None);
  }

  /** tryPass() on the pass header's raw bytes [p, p+len) (no allocation). */
  tryPassRaw(p: usize, len: i32, rule: RouteRule, ex: Exchange): bool {
    return this.passChecked(ex, this.passes.enabled ? this.passes.verifyRaw(p, len, rule.id, this.host.nowSeconds()) : PassError.None);
  }

  private passChecked(ex: Exchange, err: PassError): bool {
    ex.passChecked = true;
    if (!this.passes.enabled) return false;
    ex.passPresented = true;
    ex.passError = err;
    if (err != PassError.None) return false;
    ex.outcome = Outcome.Pass;
    return true;
  }

  onRequest(req: RequestInfo, ex: Exchange): Decision {
    if (!ex.routed) {
      ex.route = this.route(req.method, req.host, req.path);
      ex.routed = true;
    }
    const rule = ex.route;
    ex.scheme = req.scheme;
    if (rule == null || rule.price == 0) {
      ex.outcome = Outcome.Free;
      return CONTINUE;
    }

    // A pass first: it is the hot path and needs no network.
    if (!ex.passChecked) {
      const passText = findPass(req, this.config.pass.cookie);
      if (passText != null && this.tryPass(passText, rule, ex)) return CONTINUE;
    }

    const header = extractPaymentToken(req.xCashu, req.authorization);
    if (header.error == PaymentHeaderError.NoToken) {
      ex.outcome = Outcome.Challenged;
      if (ex.passPresented) {
        ex.code = passErrorCode(ex.passError);
        return this.challenge.paymentRequired(rule, ex.code, passErrorReason(ex.passError) + "; pay again to get a new one");
      }
      ex.code = "payment_required";
      return this.challenge.plainPaymentRequired(rule);
    }
    ex.heavy = true;
    if (!header.ok) return this.reject(ex, 400, "bad_payment_header", header.reason());
    ex.tokenSource = header.source;

    const decoded = decodeToken(header.token, this.limits);
    if (!decoded.ok) return this.reject(ex, 400, "malformed_token", decoded.reason());
    const token = decoded.token!;
    ex.token = token;

    const mintIndex = this.findMint(token.mint);
    if (mintIndex < 0) {
      return this.reject(ex, 400, "mint_not_accepted", "tokens from " + token.mint + " are not accepted here; accepted mints: " + this.mintList());
    }
    ex.mintIndex = mintIndex;
    ex.mint = this.config.mints[mintIndex];
    if (token.unitOrSat() != this.config.unit) {
      return this.reject(ex, 400, "wrong_unit", "the token is in " + token.unitOrSat() + " but this resource is priced in " + this.config.unit);
    }
    if (token.amount < rule.price) {
      return this.reject(ex, 400, "insufficient_amount", "the token is worth " + token.amount.toString() + " " + this.config.unit +
        " but this resource costs " + rule.price.toString() + " " + this.config.unit + " plus the mint's input fee");
    }
    return this.proceed(ex);
  }

  /** Continues a payment from wherever it stands: keysets, keys, counters, then the swap. */
  private proceed(ex: Exchange): Decision {
    const ms = this.mints[ex.mintIndex];
    const token = ex.token!;
    const now = this.host.nowSeconds();

    // Keysets (ids, units, fees). Refresh when stale or when the token names an id we do not know.
    if (ms.keysets.length == 0 || now - ms.fetchedAt > KEYSETS_MAX_AGE_S) {
      return this.fetchKeysets(ex);
    }
    const ids = new Array<string>(ms.keysets.length);
    for (let i = 0; i < ms.keysets.length; i++) ids[i] = ms.keysets[i].id;
    const resolved = resolveTokenKeysetIds(token, ids, true);
    if (!resolved.ok) {
      if (resolved.error == TokenError.UnknownKeyset && !ex.refreshedKeysets && now - ms.lastRefresh >= KEYSETS_MIN_REFRESH_S) {
        return this.fetchKeysets(ex);
      }
      return this.reject(ex, 400, "unknown_keyset", "the token uses a keyset this mint does not list (" + resolved.reason() + ")");
    }
    for (let i = 0; i < token.keysets.length; i++) {
      const ks = findKeyset(ms.keysets, token.keysets[i].id)!;
      if (ks.unit != this.config.unit) {
        return this.reject(ex, 400, "wrong_unit", "keyset " + ks.id + " of the token is in " + ks.unit + ", not " + this.config.unit);
      }
    }
    const fee = inputFeeForToken(token, ms.keysets);
    if (!fee.ok) return this.reject(ex, 400, "fee_error", "cannot compute the mint's input fee for this token");
    ex.fee = fee.fee;
    const price = ex.route!.price;
    if (token.amount < fee.fee || token.amount - fee.fee < price) {
      return this.reject(ex, 400, "insufficient_amount", "the token is worth " + token.amount.toString() + " " + this.config.unit +
        "; after the mint's input fee of " + fee.fee.toString() + " that is less than the price of " + price.toString());
    }

    // The keyset new outputs are signed with: the mint's active keyset of our unit, with keys.
    if (ms.outputKeyset == null || !ms.outputKeyset!.active || !hasKeyset(ms.keysets, ms.outputKeyset!.id)) {
      const active = activeKeyset(ms.keysets, this.config.unit);
      if (active == null) return this.mintFailure(ex, 503, "no_active_keyset", "the mint has no active keyset for " + this.config.unit);
      return this.fetchKeys(ex, active.id);
    }
    const outKs = ms.outputKeyset!;
    ex.outputKeyset = outKs;

    // Earnings counters.
    if (ex.reprobe || !this.counters.known(outKs.id)) {
      // After a collision, search above every counter of the refused attempt, so each retry makes
      // progress even when the mint does not say which output it had already signed.
      ex.probe = this.counters.startProbe(outKs.id, ex.reprobe ? ex.reprobeFrom : -1);
      ex.reprobe = false;
      return this.probeCall(ex);
    }
    return this.swap(ex);
  }

  private fetchKeysets(ex: Exchange): Decision {
    const ms = this.mints[ex.mintIndex];
    ex.refreshedKeysets = true;
    ms.lastRefresh = this.host.nowSeconds();
    ex.stage = Stage.Keysets;
    return this.call(ex, "GET", "/v1/keysets", "", "keysets");
  }

  private fetchKeys(ex: Exchange, id: string): Decision {
    ex.stage = Stage.Keys;
    return this.call(ex, "GET", "/v1/keys/" + id, "", "keys");
  }

  private probeCall(ex: Exchange): Decision {
    const p = ex.probe!;
    const w = new JsonWriter();
    w.beginObject().key("outputs").beginArray();
    for (let i = 0; i < p.samples.length; i++) {
      const o = earningsOutput(this.config.earnings.seed, p.keysetId, this.counters.counterOf(p.samples[i]),
        this.config.earnings.lockPubkeyHex, 1);
      if (o == null) return this.mintFailure(ex, 502, "derivation_failed", "could not derive earnings outputs for keyset " + p.keysetId);
      const hex = toHex(o.B_);
      p.blinded.push(hex);
      w.beginObject().ku64("amount", 1).kstr("id", p.keysetId).kstr("B_", hex).endObject();
    }
    w.endArray().endObject();
    ex.stage = Stage.Probe;
    return this.call(ex, "POST", "/v1/restore", w.toString(), "restore");
  }

  /** Builds the outputs and the swap request. */
  private swap(ex: Exchange): Decision {
    const token = ex.token!;
    const ks = ex.outputKeyset!;
    const price = ex.route!.price;
    let payment: Array<u64>;
    let change: Array<u64> = [];
    if (this.config.change) {
      const split = splitPaymentAndChange(token.amount, ex.fee, price, ks.amounts);
      if (!split.ok) return this.reject(ex, 400, "unsplittable", "the amount cannot be split into this mint's denominations");
      payment = split.payment;
      change = split.change;
      ex.changeAmount = split.changeAmount;
    } else {
      const split = splitForKeyset(token.amount - ex.fee, ks.amounts);
      if (!split.ok) return this.reject(ex, 400, "unsplittable", "the amount cannot be split into this mint's denominations");
      payment = split.amounts;
    }
    let earned: u64 = 0;
    for (let i = 0; i < payment.length; i++) earned += payment[i];
    ex.earned = earned;

    // Earnings outputs on reserved counters.
    const start = this.counters.reserve(ks.id, payment.length);
    if (start.length != payment.length) {
      // The shared counter vanished (proxy restarted under us): find it again.
      ex.probe = this.counters.startProbe(ks.id, -1);
      return this.probeCall(ex);
    }
    const outputs = new Array<PlannedOutput>();
    for (let i = 0; i < payment.length; i++) {
      const o = earningsOutput(this.config.earnings.seed, ks.id, this.counters.counterOf(start[i]), this.config.earnings.lockPubkeyHex, payment[i]);
      if (o == null) {
        this.counters.release(ks.id, start);
        return this.mintFailure(ex, 502, "derivation_failed", "could not derive earnings outputs");
      }
      o.counter = start[i];
      outputs.push(o);
    }
    for (let i = 0; i < change.length; i++) {
      let o: PlannedOutput | null = null;
      for (let tries = 0; tries < 3 && o == null; tries++) o = changeOutput(this.host.randomBytes(64), change[i]);
      if (o == null) {
        this.counters.release(ks.id, start);
        return this.mintFailure(ex, 503, "no_randomness", "the host gave no usable randomness for change outputs");
      }
      outputs.push(o);
    }
    ex.outputs = outputs;

    // NUT-03: outputs ascending by amount, so their order does not reveal the price.
    const order = sortedByAmount(outputs);
    const w = new JsonWriter();
    w.beginObject().key("inputs").beginArray();
    for (let g = 0; g < token.keysets.length; g++) {
      const ps = token.keysets[g].proofs;
      for (let i = 0; i < ps.length; i++) writeProof(w, ps[i]);
    }
    w.endArray().key("outputs").beginArray();
    for (let i = 0; i < order.length; i++) {
      const o = outputs[order[i]];
      w.beginObject().ku64("amount", o.amount).kstr("id", ks.id).kstr("B_", toHex(o.B_)).endObject();
    }
    w.endArray().endObject();
    ex.swapOrder = order;
    ex.swapAttempts++;
    ex.stage = Stage.Swap;
    return this.call(ex, "POST", "/v1/swap", w.toString(), "swap");
  }

  private call(ex: Exchange, method: string, path: string, body: string, purpose: string): Decision {
    const m = ex.mint!;
    const c = new MintCall();
    c.mintIndex = ex.mintIndex;
    c.method = method;
    c.path = m.basePath + path;
    c.body = body;
    c.timeoutMs = m.timeoutMs;
    c.purpose = purpose;
    const d = new Decision();
    d.kind = DecisionKind.Call;
    d.call = c;
    return d;
  }

  // ---- the mint's answers -----------------------------------------------------------------------

  /** `status` 0 means the call failed (no connection, timeout, reset). */
  onMintResponse(ex: Exchange, status: u32, body: string): Decision {
    ex.mintStatus = status;
    const stage = ex.stage;
    if (stage == Stage.Keysets) return this.onKeysets(ex, status, body);
    if (stage == Stage.Keys) return this.onKeys(ex, status, body);
    if (stage == Stage.Probe) return this.onProbe(ex, status, body);
    if (stage == Stage.Swap) return this.onSwap(ex, status, body);
    return this.mintFailure(ex, 502, "unexpected_response", "a mint response arrived at an unexpected stage");
  }

  private onKeysets(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "keysets");
    const r = parseKeysetsResponse(body);
    if (!r.ok || r.keysets.length == 0) return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/keysets answer is unusable: " + r.reason());
    const ms = this.mints[ex.mintIndex];
    ms.keysets = r.keysets;
    ms.fetchedAt = this.host.nowSeconds();
    return this.proceed(ex);
  }

  private onKeys(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "keys");
    const r = parseKeysResponse(body, true);
    if (!r.ok || r.keysets.length == 0) return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/keys answer is unusable: " + r.reason());
    const ms = this.mints[ex.mintIndex];
    const active = activeKeyset(ms.keysets, this.config.unit);
    let chosen: Keyset | null = null;
    for (let i = 0; i < r.keysets.length; i++) {
      if (active != null && r.keysets[i].id == active.id) chosen = r.keysets[i];
    }
    if (chosen == null) return this.mintFailure(ex, 502, "bad_mint_response", "the mint did not return the keys of its active keyset");
    chosen.active = true;
    chosen.inputFeePpk = active!.inputFeePpk;
    chosen.unit = active!.unit;
    ms.outputKeyset = chosen;
    return this.proceed(ex);
  }

  private onProbe(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "restore");
    const found = parseRestoreOutputs(body);
    if (found == null) return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/restore answer is unusable");
    const p = ex.probe!;
    if (this.counters.probeStep(p, found)) {
      ex.probe = null;
      // Without a stored counter the next step would search again, forever: refuse instead.
      if (p.failed || !this.counters.known(p.keysetId)) {
        return this.mintFailure(ex, 503, "counter_store_failed", "the proxy could not store its earnings counter; nothing was charged, try again");
      }
      return this.proceed(ex);
    }
    return this.probeCall(ex);
  }

  private onSwap(ex: Exchange, status: u32, body: string): Decision {
    const ks = ex.outputKeyset!;
    if (status == 200) {
      const sigs = parseSignatures(body);
      if (sigs == null || sigs.length != ex.outputs.length) {
        // The mint may have signed: the earnings stay restorable; the payer is refused.
        return this.mintFailure(ex, 502, "bad_mint_response", "the mint's swap answer is unusable");
      }
      return this.paid(ex, sigs);
    }
    if (status == 0 || status >= 500) {
      // Unknown outcome: the counters may have been signed; reusing them later is safe (the mint
      // refuses an output twice and the gate then finds fresh counters).
      this.counters.release(ks.id, earningsCounters(ex));
      return this.unreachable(ex, status, "swap");
    }
    const err = parseMintError(body);
    const code = err == null ? <u32>0 : err.code;
    ex.mintErrorCode = code;
    const detail = err == null ? "HTTP " + status.toString() : err.detail;
    if (code == ERR_OUTPUTS_SIGNED || code == ERR_OUTPUTS_PENDING) {
      // Counters already used (another replica in this lane, or a lost earlier answer): drop them
      // and find where the counter really stands.
      if (ex.swapAttempts < MAX_SWAP_ATTEMPTS) {
        ex.reprobe = true;
        ex.reprobeFrom = maxCounter(earningsCounters(ex)) + 1;
        return this.proceed(ex);
      }
      return this.mintFailure(ex, 503, "counter_contention", "could not find unused earnings outputs; retry");
    }
    this.counters.release(ks.id, earningsCounters(ex));
    if (code == ERR_PROOFS_SPENT || code == ERR_PROOFS_PENDING) {
      ex.outcome = Outcome.Spent;
      ex.code = code == ERR_PROOFS_SPENT ? "token_spent" : "token_pending";
      ex.reason = code == ERR_PROOFS_SPENT ? "this token was already spent" : "this token is being spent in another request";
      return this.challenge.paymentRequired(ex.route!, ex.code, ex.reason);
    }
    if (status >= 400 && status < 500 && err != null) {
      return this.reject(ex, 400, "mint_rejected_token", "the mint rejected the token: " + detail + (code > 0 ? " (code " + code.toString() + ")" : ""));
    }
    return this.mintFailure(ex, 502, "bad_mint_response", "unexpected answer from the mint: HTTP " + status.toString());
  }

  private paid(ex: Exchange, sigs: Array<BlindSignature>): Decision {
    const ks = ex.outputKeyset!;
    // Signatures come in request order; map them back to our outputs.
    const order = ex.swapOrder;
    const byOutput = new Array<BlindSignature>(ex.outputs.length);
    for (let i = 0; i < order.length; i++) byOutput[order[i]] = sigs[i];

    if (ex.changeAmount > 0) {
      const change = new Token();
      change.version = 4;
      change.mint = ex.mint!.url;
      change.unit = this.config.unit;
      const group = new KeysetProofs(ks.id);
      let ok = true;
      for (let i = 0; i < ex.outputs.length; i++) {
        const o = ex.outputs[i];
        if (o.kind != OutputKind.Change) continue;
        const C = unblind(o, byOutput[i], ks);
        if (C == null) { ok = false; break; }
        const p = new Proof();
        p.amount = o.amount;
        p.id = ks.id;
        p.secret = o.secret;
        p.C = C;
        group.proofs.push(p);
        change.amount += o.amount;
        change.proofCount++;
      }
      if (ok) {
        change.keysets.push(group);
        const enc = encodeTokenV4(change);
        if (enc.ok) ex.changeToken = enc.value;
      }
    }

    const now = this.host.nowSeconds();
    if (this.passes.enabled) {
      const ttl = ex.route!.passTtl > 0 ? ex.route!.passTtl : this.config.pass.ttlSeconds;
      ex.passExpires = now + <u64>ttl;
      ex.pass = this.passes.issue(ex.route!.id, ex.passExpires);
    }
    ex.outcome = Outcome.Paid;
    ex.code = "paid";
    ex.stage = Stage.Done;
    return CONTINUE;
  }

  private unreachable(ex: Exchange, status: u32, what: string): Decision {
    const why = status == 0 ? "did not answer in time" : "answered HTTP " + status.toString();
    return this.mintFailure(ex, 503, "mint_unavailable", "the mint " + why + " (" + what + "); nothing was charged, try again");
  }

  // ---- refusals -----------------------------------------------------------------------------------

  private reject(ex: Exchange, status: u32, code: string, reason: string): Decision {
    ex.outcome = Outcome.Rejected;
    ex.code = code;
    ex.reason = reason;
    ex.stage = Stage.Done;
    return this.challenge.error(status, code, reason, ex.route);
  }

  private mintFailure(ex: Exchange, status: u32, code: string, reason: string): Decision {
    ex.outcome = Outcome.MintError;
    ex.code = code;
    ex.reason = reason;
    ex.stage = Stage.Done;
    const d = this.challenge.error(status, code, reason, ex.route);
    if (status == 503) {
      d.headers.push("retry-after");
      d.headers.push("5");
    }
    return d;
  }

  // ---- response phase ----------------------------------------------------------------------------

  /** Headers to add to the upstream's response (flattened pairs); empty unless this request paid. */
  responseHeaders(ex: Exchange): Array<string> {
    const h = new Array<string>();
    if (ex.outcome != Outcome.Paid) return h;
    if (ex.pass.length > 0) {
      h.push("x-paygress-pass"); h.push(ex.pass);
      h.push("x-paygress-pass-expires"); h.push(ex.passExpires.toString());
      const cookie = this.config.pass.cookie;
      if (cookie.length > 0) {
        const ttl = ex.passExpires - this.host.nowSeconds();
        h.push("set-cookie");
        h.push(cookie + "=" + ex.pass + "; Max-Age=" + ttl.toString() + "; Path=/; HttpOnly; SameSite=Lax" + (ex.scheme == "https" ? "; Secure" : ""));
      }
    }
    if (ex.changeToken.length > 0) {
      h.push("x-cashu-change"); h.push(ex.changeToken);
    }
    h.push("x-paygress-receipt");
    h.push("paid=" + ex.route!.price.toString() + "; fee=" + ex.fee.toString() + "; change=" + ex.changeAmount.toString() + "; unit=" + this.config.unit);
    return h;
  }

  /** One JSON line per payment attempt (a token was presented); null otherwise. No secrets. */
  auditLine(ex: Exchange): string | null {
    if (ex.token == null && ex.tokenSource == TokenSource.None) return null;
    if (ex.audited) return null;
    ex.audited = true;
    const w = new JsonWriter();
    w.beginObject()
      .kstr("event", "paygress.payment")
      .kstr("outcome", outcomeName(ex.outcome))
      .kstr("code", ex.code)
      .kstr("route", ex.routeId)
      .kstr("mint", ex.mintId)
      .kstr("unit", this.config.unit);
    if (ex.route != null) w.ku64("price", ex.route!.price);
    if (ex.token != null) {
      w.ku64("amount", ex.token!.amount).ku64("proofs", <u64>ex.token!.proofCount).ku64("fee", ex.fee);
    }
    if (ex.outcome == Outcome.Paid) {
      w.ku64("earned", ex.earned).ku64("change", ex.changeAmount);
      w.kstr("keyset", ex.outputKeyset!.id).key("counters").beginArray();
      for (let i = 0; i < ex.outputs.length; i++) if (ex.outputs[i].kind == OutputKind.Earnings) w.u64(ex.outputs[i].counter);
      w.endArray();
      w.ku64("pass_expires", ex.passExpires);
    }
    if (ex.mintStatus != 0) w.ku64("mint_status", <u64>ex.mintStatus);
    if (ex.mintErrorCode != 0) w.ku64("mint_error", <u64>ex.mintErrorCode);
    if (ex.reason.length > 0) w.kstr("reason", ex.reason);
    w.endObject();
    return w.toString();
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private findMint(url: string): i32 {
    const n = normalizeMintUrl(url);
    if (n == null) return -1;
    for (let i = 0; i < this.config.mints.length; i++) {
      if (this.config.mints[i].url == n) return i;
    }
    return -1;
  }

  private mintList(): string {
    const urls = new Array<string>();
    for (let i = 0; i < this.config.mints.length; i++) urls.push(this.config.mints[i].url);
    return urls.join(", ");
  }
}

function findPass(req: RequestInfo, cookieName: string): string | null {
  if (req.pass != null && req.pass!.length > 0) return req.pass!.trim();
  if (req.authorization != null) {
    const a = req.authorization!.trim();
    if (a.length > 10 && (a.startsWith("Bearer p1.") || a.startsWith("bearer p1."))) return a.substring(7).trim();
  }
  if (req.cookie != null && cookieName.length > 0) return cookieValue(req.cookie!, cookieName);
  return null;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string, name: string): string | null {
  let i = 0;
  while (i < header.length) {
    while (i < header.length && (header.charCodeAt(i) == 0x20 || header.charCodeAt(i) == 0x3b)) i++;
    const eq = header.indexOf("=", i);
    if (eq < 0) return null;
    let end = header.indexOf(";", eq);
    if (end < 0) end = header.length;
    if (eq - i == name.length && header.substring(i, eq) == name) {
      let v = header.substring(eq + 1, end).trim();
      if (v.length >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length - 1);
      return v;
    }
    i = end + 1;
  }
  return null;
}

function findKeyset(list: Array<Keyset>, id: string): Keyset | null {
  for (let i = 0; i < list.length; i++) if (list[i].id == id) return list[i];
  return null;
}

function hasKeyset(list: Array<Keyset>, id: string): bool {
  const k = findKeyset(list, id);
  return k != null && k.active;
}

/** The mint's active keyset of `unit` (the lowest fee if several), or null. */
function activeKeyset(list: Array<Keyset>, unit: string): Keyset | null {
  let best: Keyset | null = null;
  for (let i = 0; i < list.length; i++) {
    const k = list[i];
    if (!k.active || k.unit != unit) continue;
    if (best == null || k.inputFeePpk < best.inputFeePpk || (k.inputFeePpk == best.inputFeePpk && k.id.startsWith("01") && !best.id.startsWith("01"))) best = k;
  }
  return best;
}

function maxCounter(list: Array<u64>): i64 {
  let m: i64 = -1;
  for (let i = 0; i < list.length; i++) if (<i64>list[i] > m) m = <i64>list[i];
  return m;
}

function earningsCounters(ex: Exchange): Array<u64> {
  const out = new Array<u64>();
  for (let i = 0; i < ex.outputs.length; i++) if (ex.outputs[i].kind == OutputKind.Earnings) out.push(ex.outputs[i].counter);
  return out;
}

/** Indices of `outputs` in ascending amount order (stable). */
function sortedByAmount(outputs: Array<PlannedOutput>): Array<i32> {
  const idx = new Array<i32>(outputs.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  for (let i = 1; i < idx.length; i++) {
    const v = idx[i];
    let j = i - 1;
    while (j >= 0 && outputs[idx[j]].amount > outputs[v].amount) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
  return idx;
}

function writeProof(w: JsonWriter, p: Proof): void {
  w.beginObject().ku64("amount", p.amount).kstr("id", p.id).kstr("secret", p.secret).kstr("C", toHex(p.C));
  if (p.witness != null) w.kstr("witness", p.witness!);
  w.endObject();
}
