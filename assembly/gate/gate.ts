// The payment gate: host-agnostic, sans-I/O decision logic for one HTTP exchange.
//
//   onRequestHeaders(h, ex)       request headers -> pass | challenge (402/400) | "call the mint"
//   onMintResponse(ex, st, body)  the mint's answer -> next call | grant | refuse
//   responseHeaders(ex)           headers to add to the upstream's response (pass, change, receipt)
//   finished(ex) / abandoned(ex)  the exchange ended (log phase) / the client left mid-payment
//   auditLine(ex)                 one structured line per payment attempt (no secrets)
//
// Every Continue comes with what the host must change in the request before forwarding it
// (Exchange.strip / forwardPath / cookieHeader): the payment credentials never reach the upstream,
// and the upstream receives exactly the canonical path that was priced (target.ts).
//
// Money rules (DESIGN.md, docs/earnings.md): access only after the mint signed the swap (or, for a
// retried token, after the mint confirmed it had); any mint failure refuses (503/502), never
// grants; duplicate proofs and sums are checked by the token decoder; the advertised amount covers
// a typical payment's input fee and every token worth at least that is admitted; earnings are
// deterministic P2PK outputs the operator can always restore; change is derived from the paying
// token, so the payer can restore it too; a swap whose answer was lost is recovered, never charged
// twice and never refused as "spent" when the gate itself spent it.
import { JsonWriter } from "../core/json";
import { decodeToken, encodeTokenV4, resolveTokenKeysetIds } from "../core/cashu/token";
import { bearerCashu, extractPaymentToken, TokenSource } from "../core/cashu/headers";
import { PaymentHeaderError, TokenError } from "../core/cashu/errors";
import { Keyset, parseKeysetsResponse, parseKeysResponse } from "../core/cashu/keyset";
import { feeFromPpkSum, inputFeeForToken } from "../core/cashu/fees";
import { splitForKeyset } from "../core/cashu/amounts";
import { normalizeMintUrl } from "../core/cashu/mint-url";
import { KeysetProofs, Proof, Token, TokenLimits } from "../core/cashu/types";
import { toHex } from "../core/encoding/hex";
import { GateConfig, MintConfig, RouteRule } from "./config";
import { GateHost } from "./host";
import { matchTarget } from "./routes";
import { Target, canonicalHost, targetErrorReason } from "./target";
import { RequestHeaders, Strip, bearerCredentialAt, cookieEnd, cookieStart } from "./request";
import { PassBook, PassError, passErrorCode, passErrorReason } from "./pass";
import { Challenge } from "./challenge";
import {
  BlindSignature, MintCall, parseMintError, parseRestore, parseRestoreOutputs, parseSignatures,
  ERR_NOT_BALANCED, ERR_OUTPUTS_PENDING, ERR_OUTPUTS_SIGNED, ERR_PROOFS_PENDING, ERR_PROOFS_SPENT,
} from "./mint-api";
import { OutputKind, PlannedOutput, changeOutput, changeSeed, checkSignature, earningsOutput, paymentId, unblind } from "./outputs";
import { CounterBook, ProbeState } from "./counters";
import { MAX_RECORD_OUTPUTS, PaymentRecord, RecordBook, RecordSlot, RecordState } from "./records";

export const enum DecisionKind {
  /** Let the request through to the upstream (after the changes the Exchange names). */
  Continue = 0,
  /** Answer locally with status/headers/body. */
  Respond = 1,
  /** Keep the request paused and perform `call`; feed its answer to onMintResponse. */
  Call = 2,
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

export const enum Stage { Start, Prefetch, Keysets, Keys, RecoverKeys, Probe, Recover, Recheck, Swap, Done }

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
  passPresented: bool = false;
  passError: PassError = PassError.None;
  /** Purpose of the mint call in flight (metrics label). */
  callPurpose: string = "";
  mint: MintConfig | null = null;
  mintIndex: i32 = -1;
  scheme: string = "";

  // What the host changes in the request before forwarding it (every Continue).
  /** Credentials present in the request (Strip bits): remove those headers. */
  strip: i32 = Strip.None;
  /** The :path to forward instead of the one received (canonical path + query), or null. */
  forwardPath: string | null = null;
  /** With Strip.Cookie: the Cookie header to forward without the pass cookie ("" = remove it). */
  cookieHeader: string | null = null;

  token: Token | null = null;
  tokenSource: TokenSource = TokenSource.None;
  fee: u64 = 0;
  /** The amount the route's 402 asks for (price + fee allowance) when the token was judged. */
  advertised: u64 = 0;
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
  /** Whether keysets were refreshed after the mint said the fee did not balance. */
  feeRefreshed: bool = false;

  /** The token's change seed and payment id (outputs.ts), once computed. */
  changeSeed: Uint8Array | null = null;
  paymentId: Uint8Array | null = null;
  /** Where this payment's record lives (records.ts), once looked up. */
  slot: RecordSlot | null = null;
  recordChecked: bool = false;
  /** The record being recovered (Stage.Recover). */
  recovering: PaymentRecord | null = null;
  /** The grant came from a recorded swap whose answer had been lost. */
  recovered: bool = false;
  /** The upstream's response headers went out with the pass and change. */
  delivered: bool = false;

  outcome: Outcome = Outcome.None;
  /** Machine-readable reason code for the audit line and response details. */
  code: string = "";
  reason: string = "";
  earned: u64 = 0;
  /** The change the payer is owed (inputs - fee - earned). */
  changeAmount: u64 = 0;
  /** What of it is in changeToken; the rest failed the signature checks (restorable from the token). */
  changeDelivered: u64 = 0;
  changeToken: string = "";
  /** What went wrong with the mint's signatures, if anything (audit). */
  signatureError: string = "";
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
    this.stage = Stage.Start;
    this.route = null;
    this.passPresented = false;
    this.passError = PassError.None;
    this.scheme = "";
    this.strip = Strip.None;
    this.forwardPath = null;
    this.cookieHeader = null;
    this.mint = null;
    this.mintIndex = -1;
    this.outcome = Outcome.None;
    this.code = "";
    this.reason = "";
    this.mintStatus = 0;
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
  /** When an unpaid request last asked for this mint's keysets (to learn its fees). */
  lastPrefetch: u64 = 0;
}

const KEYSETS_MAX_AGE_S: u64 = 600;
const KEYSETS_MIN_REFRESH_S: u64 = 5;
/** An unpaid request fetches an unknown mint's fees at most this often (a mint that is down). */
const PREFETCH_RETRY_S: u64 = 5;
const MAX_SWAP_ATTEMPTS: i32 = 3;
const SLASH = memory.data<u8>([0x2f]);

export class Gate {
  passes: PassBook;
  mints: Array<MintState> = [];
  counters: CounterBook;
  records: RecordBook;
  limits: TokenLimits = new TokenLimits();
  challenge: Challenge;
  /** Whether any route constrains hosts/methods (else the gate skips reading them). */
  needsHost: bool = false;
  needsMethod: bool = false;
  private target: Target = new Target();
  private headers: RequestHeaders = new RequestHeaders();

  constructor(public config: GateConfig, public host: GateHost) {
    this.passes = new PassBook(config.pass);
    this.counters = new CounterBook(host, config.earnings.lane);
    this.records = new RecordBook(host);
    this.challenge = new Challenge(config);
    for (let i = 0; i < config.mints.length; i++) this.mints.push(new MintState());
    this.limits.maxProofs = config.maxProofs;
    this.limits.maxTokenLength = config.maxTokenLength;
    for (let i = 0; i < config.routes.length; i++) {
      if (config.routes[i].host.length > 0) this.needsHost = true;
      if (config.routes[i].methods.length > 0) this.needsMethod = true;
    }
  }

  // ---- request headers ------------------------------------------------------------------------

  /**
   * Decides on a request from its headers, given as one proxy-wasm header map serialisation
   * [ptr, ptr+size) (proxy_get_header_map_pairs). A Continue leaves in `ex` what to strip and
   * rewrite before forwarding.
   */
  onRequestHeaders(ptr: usize, size: usize, ex: Exchange): Decision {
    const h = this.headers;
    if (!h.load(ptr, size)) return this.reject(ex, 400, "bad_request", "the request headers could not be read");
    return this.decide(h, ex);
  }

  private decide(h: RequestHeaders, ex: Exchange): Decision {
    // 1. The canonical target: what is priced is what is served.
    const t = this.target;
    let ok: bool;
    if (h.path >= 0) {
      let p = h.valuePtr(h.path);
      let n = h.valueLen(h.path);
      const skip = absoluteFormPathStart(p, n);
      if (skip > 0) { p += <usize>skip; n -= skip; }
      ok = n == 0 ? t.canonicalize(SLASH, 1) : t.canonicalize(p, n);
    } else {
      ok = t.canonicalize(SLASH, 1);
    }
    if (!ok) return this.reject(ex, 400, "bad_request_target", targetErrorReason(t.error));

    // 2. The host it is priced on; HTTP/2 :authority and a host header must agree.
    let host = "";
    if (h.authority >= 0 && h.host >= 0 && !sameBytes(h.valuePtr(h.authority), h.valueLen(h.authority), h.valuePtr(h.host), h.valueLen(h.host))) {
      if (canonicalHost(h.value(h.authority)) != canonicalHost(h.value(h.host))) {
        return this.reject(ex, 400, "conflicting_host", "the :authority and host headers name different hosts");
      }
    }
    if (this.needsHost) {
      const a = h.authority >= 0 ? h.authority : h.host;
      if (a >= 0) host = canonicalHost(h.value(a));
    }
    const method = this.needsMethod && h.method >= 0 ? h.value(h.method) : "GET";

    // 3. The price rule, and what must not reach the upstream whatever the decision.
    const rule = matchTarget(this.config.routes, method, host, t);
    ex.route = rule;
    const cookieName = this.config.pass.cookie;
    ex.strip = h.credentials(cookieName);
    if (t.changed) ex.forwardPath = t.forward();
    if ((ex.strip & Strip.Cookie) != 0) ex.cookieHeader = h.cookiesWithout(cookieName);
    if (rule == null || rule.price == 0) {
      ex.outcome = Outcome.Free;
      return CONTINUE;
    }

    // 4. A pass: the hot path (no network, no allocation for a pass in its header).
    if (this.passes.enabled && this.validPass(h, rule, ex, cookieName)) return CONTINUE;

    // 5. A payment, or the challenge.
    let xCashu: string | null = null;
    for (let k = 0; k < h.xCashuCount; k++) {
      const v = h.value(h.xCashuHeader(k)).trim();
      if (v.length == 0) continue;
      if (xCashu != null && xCashu != v) {
        ex.heavy = true;
        return this.reject(ex, 400, "bad_payment_header", "the request has several different X-Cashu headers; send one token");
      }
      xCashu = v;
    }
    let authorization: string | null = null;
    for (let k = 0; k < h.authorizationCount && authorization == null; k++) {
      const v = h.value(h.authorizationHeader(k));
      if (bearerCashu(v) != null) authorization = v;
    }
    const schemeIdx = h.scheme;
    ex.scheme = schemeIdx >= 0 ? h.value(schemeIdx) : "";
    const header = extractPaymentToken(xCashu, authorization);
    if (header.error == PaymentHeaderError.NoToken) {
      ex.outcome = Outcome.Challenged;
      const pre = this.prefetch(ex);
      if (pre != null) return pre;
      return this.challengeFor(ex, rule);
    }
    ex.heavy = true;
    if (!header.ok) return this.reject(ex, 400, "bad_payment_header", header.reason());
    ex.tokenSource = header.source;
    return this.pay(ex, header.token);
  }

  /** Tries every pass the request carries (header, Bearer, each pass cookie); true when one is valid. */
  private validPass(h: RequestHeaders, rule: RouteRule, ex: Exchange, cookieName: string): bool {
    const now = this.host.nowSeconds();
    for (let k = 0; k < h.passCount; k++) {
      const i = h.passHeader(k);
      let p = h.valuePtr(i);
      let n = h.valueLen(i);
      while (n > 0 && isOws(load<u8>(p))) { p++; n--; }
      while (n > 0 && isOws(load<u8>(p + <usize>n - 1))) n--;
      if (n > 0 && this.passChecked(ex, this.passes.verifyRaw(p, n, rule.id, now))) return true;
    }
    for (let k = 0; k < h.authorizationCount; k++) {
      const i = h.authorizationHeader(k);
      const p = h.valuePtr(i);
      const n = h.valueLen(i);
      const c = bearerStart(p, n);
      if (c >= 0 && bearerCredentialAt(p + <usize>c, n - c) == 2) {
        let e = n;
        while (e > c && isOws(load<u8>(p + <usize>e - 1))) e--;
        if (this.passChecked(ex, this.passes.verifyRaw(p + <usize>c, e - c, rule.id, now))) return true;
      }
    }
    if (cookieName.length > 0) {
      for (let k = 0; k < h.cookieCount; k++) {
        const i = h.cookieHeader(k);
        const p = h.valuePtr(i);
        const n = h.valueLen(i);
        let from = 0;
        while (true) {
          let s = cookieStart(p, n, cookieName, from);
          if (s < 0) break;
          let e = cookieEnd(p, n, s);
          from = e + 1;
          if (e - s >= 2 && load<u8>(p + <usize>s) == 0x22 && load<u8>(p + <usize>e - 1) == 0x22) { s++; e--; }
          if (e > s && this.passChecked(ex, this.passes.verifyRaw(p + <usize>s, e - s, rule.id, now))) return true;
        }
      }
    }
    return false;
  }

  private passChecked(ex: Exchange, err: PassError): bool {
    ex.passPresented = true;
    ex.passError = err;
    if (err != PassError.None) return false;
    ex.outcome = Outcome.Pass;
    return true;
  }

  /** The 402 for a request without a usable payment (after a bad pass: says what was wrong). */
  private challengeFor(ex: Exchange, rule: RouteRule): Decision {
    ex.outcome = Outcome.Challenged;
    ex.stage = Stage.Done;
    if (ex.passPresented) {
      ex.code = passErrorCode(ex.passError);
      return this.challenge.paymentRequired(rule, ex.code, passErrorReason(ex.passError) + "; pay again to get a new one");
    }
    ex.code = "payment_required";
    return this.challenge.plainPaymentRequired(rule);
  }

  /**
   * Before answering 402: when a mint's fees were never read, read them (its /v1/keysets) so the
   * advertised amount covers them. At most one such call per mint every PREFETCH_RETRY_S while it
   * fails; meanwhile the 402 advertises what is known.
   */
  private prefetch(ex: Exchange): Decision | null {
    const now = this.host.nowSeconds();
    for (let i = 0; i < this.mints.length; i++) {
      const ms = this.mints[i];
      if (ms.keysets.length > 0 || (ms.lastPrefetch != 0 && now - ms.lastPrefetch < PREFETCH_RETRY_S)) continue;
      ms.lastPrefetch = now;
      ex.mintIndex = i;
      ex.mint = this.config.mints[i];
      ex.stage = Stage.Prefetch;
      return this.call(ex, "GET", "/v1/keysets", "", "keysets");
    }
    return null;
  }

  private onPrefetch(ex: Exchange, status: u32, body: string): Decision {
    if (status == 200) {
      const r = parseKeysetsResponse(body);
      if (r.ok && r.keysets.length > 0) this.setKeysets(ex.mintIndex, r.keysets);
    }
    const next = this.prefetch(ex);
    if (next != null) return next;
    ex.mint = null;
    ex.mintIndex = -1;
    ex.mintStatus = 0;
    return this.challengeFor(ex, ex.route!);
  }

  // ---- paying ----------------------------------------------------------------------------------

  private pay(ex: Exchange, tokenText: string): Decision {
    const rule = ex.route!;
    const decoded = decodeToken(tokenText, this.limits);
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
    if (token.amount < rule.price) return this.insufficient(ex, token.amount, 0, false);
    return this.proceed(ex);
  }

  private insufficient(ex: Exchange, amount: u64, fee: u64, feeKnown: bool): Decision {
    const u = " " + this.config.unit;
    const a = this.challenge.advertised(ex.route!);
    let why = "the token is worth " + amount.toString() + u + " but this resource costs " + a.toString() + u;
    if (feeKnown) why += "; after the mint's input fee of " + fee.toString() + u + " it leaves less than the price of " + ex.route!.price.toString() + u;
    return this.reject(ex, 400, "insufficient_amount", why);
  }

  /** Continues a payment from wherever it stands: keysets, keys, its record, counters, the swap. */
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

    // NUT-24 admission: any token worth at least the advertised amount (price + fee allowance);
    // a cheaper one too when what is left after the fee covers the price.
    const price = ex.route!.price;
    ex.advertised = this.challenge.advertised(ex.route!);
    if (token.amount <= fee.fee) {
      return this.reject(ex, 400, "fee_exceeds_amount", "the mint's input fee for these " + token.proofCount.toString() + " proofs (" +
        fee.fee.toString() + " " + this.config.unit + ") takes the whole token; pay with fewer, larger proofs");
    }
    const net = token.amount - fee.fee;
    if (token.amount < ex.advertised && net < price) return this.insufficient(ex, token.amount, fee.fee, true);
    if (this.config.change) {
      ex.earned = net < price ? net : price;
      ex.changeAmount = net - ex.earned;
    } else {
      ex.earned = net;
      ex.changeAmount = 0;
    }

    // The keyset new outputs are signed with: the mint's active keyset of our unit, with keys.
    if (ms.outputKeyset == null || !ms.outputKeyset!.active || !hasKeyset(ms.keysets, ms.outputKeyset!.id)) {
      const active = activeKeyset(ms.keysets, this.config.unit);
      if (active == null) return this.mintFailure(ex, 503, "no_active_keyset", "the mint has no active keyset for " + this.config.unit);
      return this.fetchKeys(ex, active.id);
    }
    const outKs = ms.outputKeyset!;
    ex.outputKeyset = outKs;

    // What this gate remembers about the token: a payment in flight, done, or one whose answer was lost.
    if (!ex.recordChecked) {
      ex.recordChecked = true;
      ex.changeSeed = changeSeed(token);
      ex.paymentId = paymentId(ex.changeSeed!);
      const slot = this.records.find(ex.paymentId!, now);
      ex.slot = slot;
      if (slot.record != null) {
        const r = slot.record!;
        const st = r.effectiveState(now);
        if (st == RecordState.Pending) {
          return this.spent(ex, ERR_PROOFS_PENDING, "token_pending", "this token is being spent in another request right now");
        }
        if (st == RecordState.Granted || st == RecordState.Delivered) {
          return this.spent(ex, ERR_PROOFS_SPENT, "token_spent", "this token was already spent");
        }
        if (st == RecordState.Unknown || st == RecordState.Lost) {
          if (r.routeIndex != ex.route!.index) {
            return this.spent(ex, ERR_PROOFS_SPENT, "token_spent", "this token already paid for route " + this.config.routes[r.routeIndex].id +
              "; present it again there to get that access");
          }
          return this.recover(ex, r);
        }
      }
    }

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

  /** The change outputs of this payment: derived from the token, ascending amounts, index = counter. */
  private changeOutputs(ex: Exchange, ks: Keyset, change: u64, into: Array<PlannedOutput>): bool {
    if (change == 0) return true;
    const split = splitForKeyset(change, ks.amounts);
    if (!split.ok) return false;
    const amounts = split.amounts;
    for (let i = amounts.length - 1, k = 0; i >= 0; i--, k++) {
      const o = changeOutput(ex.changeSeed!, ks.id, <u64>k, amounts[i]);
      if (o == null) return false;
      into.push(o);
    }
    return true;
  }

  /** Builds the outputs, records the payment and sends the swap. */
  private swap(ex: Exchange): Decision {
    const token = ex.token!;
    const ks = ex.outputKeyset!;
    const earnedSplit = splitForKeyset(ex.earned, ks.amounts);
    if (!earnedSplit.ok) return this.reject(ex, 400, "unsplittable", "the amount cannot be split into this mint's denominations");
    const payment = earnedSplit.amounts;
    if (payment.length > MAX_RECORD_OUTPUTS) return this.reject(ex, 400, "unsplittable", "the payment needs more than " + MAX_RECORD_OUTPUTS.toString() + " outputs");

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
    if (!this.changeOutputs(ex, ks, ex.changeAmount, outputs)) {
      this.counters.release(ks.id, start);
      return this.reject(ex, 400, "unsplittable", "the change cannot be split into this mint's denominations");
    }
    ex.outputs = outputs;

    // The record first: if the answer is lost, the same token presented again finds it.
    const rec = new PaymentRecord();
    rec.state = RecordState.Pending;
    rec.routeIndex = ex.route!.index;
    rec.id.set(ex.paymentId!.subarray(0, 16));
    rec.created = this.host.nowSeconds();
    rec.amount = token.amount;
    rec.fee = ex.fee;
    rec.earned = ex.earned;
    rec.change = ex.changeAmount;
    rec.keysetId = ks.id;
    rec.counters = start;
    if (ex.slot != null) this.records.write(ex.slot!, rec);

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

  /**
   * A token whose earlier swap's answer was lost: asks the mint (restore) whether the recorded
   * outputs were signed. The record's keyset may have been rotated out since: fetch its keys.
   */
  private recover(ex: Exchange, r: PaymentRecord): Decision {
    ex.recovering = r;
    const out = ex.outputKeyset;
    if (out == null || out.id != r.keysetId) {
      ex.stage = Stage.RecoverKeys;
      return this.call(ex, "GET", "/v1/keys/" + r.keysetId, "", "keys");
    }
    return this.recoverWith(ex, out);
  }

  private recoverWith(ex: Exchange, ks: Keyset): Decision {
    const r = ex.recovering!;
    const earnedSplit = splitForKeyset(r.earned, ks.amounts);
    if (!earnedSplit.ok || earnedSplit.amounts.length != r.counters.length) {
      return this.mintFailure(ex, 502, "record_mismatch", "the recorded payment does not match the mint's keyset");
    }
    const outputs = new Array<PlannedOutput>();
    for (let i = 0; i < r.counters.length; i++) {
      const o = earningsOutput(this.config.earnings.seed, ks.id, this.counters.counterOf(r.counters[i]), this.config.earnings.lockPubkeyHex, earnedSplit.amounts[i]);
      if (o == null) return this.mintFailure(ex, 502, "derivation_failed", "could not derive earnings outputs");
      o.counter = r.counters[i];
      outputs.push(o);
    }
    if (!this.changeOutputs(ex, ks, r.change, outputs)) return this.mintFailure(ex, 502, "derivation_failed", "could not derive change outputs");
    ex.outputs = outputs;
    ex.outputKeyset = ks;
    const w = new JsonWriter();
    w.beginObject().key("outputs").beginArray();
    for (let i = 0; i < outputs.length; i++) {
      w.beginObject().ku64("amount", outputs[i].amount).kstr("id", ks.id).kstr("B_", toHex(outputs[i].B_)).endObject();
    }
    w.endArray().endObject();
    ex.stage = Stage.Recover;
    return this.call(ex, "POST", "/v1/restore", w.toString(), "restore");
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
    ex.callPurpose = purpose;
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
    if (stage == Stage.Prefetch) return this.onPrefetch(ex, status, body);
    if (stage == Stage.Keysets) return this.onKeysets(ex, status, body);
    if (stage == Stage.Keys) return this.onKeys(ex, status, body);
    if (stage == Stage.RecoverKeys) return this.onRecoverKeys(ex, status, body);
    if (stage == Stage.Probe) return this.onProbe(ex, status, body);
    if (stage == Stage.Recover) return this.onRecover(ex, status, body);
    if (stage == Stage.Recheck) return this.onRecheck(ex, status, body);
    if (stage == Stage.Swap) return this.onSwap(ex, status, body);
    return this.mintFailure(ex, 502, "unexpected_response", "a mint response arrived at an unexpected stage");
  }

  private onKeysets(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "keysets");
    const r = parseKeysetsResponse(body);
    if (!r.ok || r.keysets.length == 0) return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/keysets answer is unusable: " + r.reason());
    this.setKeysets(ex.mintIndex, r.keysets);
    return this.proceed(ex);
  }

  /** New keysets of a mint: remembered, and the advertised amounts follow their fees. */
  private setKeysets(mintIndex: i32, keysets: Array<Keyset>): void {
    const ms = this.mints[mintIndex];
    ms.keysets = keysets;
    ms.fetchedAt = this.host.nowSeconds();
    this.updateAllowances();
  }

  /**
   * Advertised amount of every priced route: price + the largest, over the mints whose fees are
   * known, of the input fee a typical payment of that amount carries (one proof per bit of it, in
   * the dearest active keyset of the unit).
   */
  updateAllowances(): void {
    for (let r = 0; r < this.config.routes.length; r++) {
      const rule = this.config.routes[r];
      if (rule.price == 0) continue;
      let allowance: u64 = 0;
      for (let m = 0; m < this.mints.length; m++) {
        const ppk = maxActivePpk(this.mints[m].keysets, this.config.unit);
        const a = feeAllowance(rule.price, ppk);
        if (a > allowance) allowance = a;
      }
      if (rule.price + allowance >= rule.price) this.challenge.setAdvertised(rule, rule.price + allowance);
    }
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

  private onRecoverKeys(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "keys");
    const r = parseKeysResponse(body, true);
    const want = ex.recovering!.keysetId;
    if (r.ok) {
      for (let i = 0; i < r.keysets.length; i++) if (r.keysets[i].id == want) return this.recoverWith(ex, r.keysets[i]);
    }
    return this.mintFailure(ex, 502, "bad_mint_response", "the mint did not return the keys of keyset " + want);
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

  /** Signatures the mint holds for ex.outputs (by output index; null: not signed). */
  private signedOutputs(ex: Exchange, body: string): Array<BlindSignature | null> | null {
    const r = parseRestore(body);
    if (r == null) return null;
    const out = new Array<BlindSignature | null>(ex.outputs.length);
    for (let i = 0; i < ex.outputs.length; i++) {
      const hex = toHex(ex.outputs[i].B_);
      for (let k = 0; k < r.blinded.length; k++) {
        if (r.blinded[k] == hex) { out[i] = r.signatures[k]; break; }
      }
    }
    return out;
  }

  private onRecover(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) return this.unreachable(ex, status, "restore");
    const sigs = this.signedOutputs(ex, body);
    if (sigs == null) return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/restore answer is unusable");
    const r = ex.recovering!;
    let earnings = 0;
    let signed = 0;
    for (let i = 0; i < ex.outputs.length; i++) {
      if (ex.outputs[i].kind != OutputKind.Earnings) continue;
      earnings++;
      if (sigs[i] != null) signed++;
    }
    if (earnings > 0 && signed == earnings) {
      // The swap happened: the payer gets what it paid for, as if the answer had arrived.
      ex.recovered = true;
      ex.fee = r.fee;
      ex.earned = r.earned;
      ex.changeAmount = r.change;
      return this.grant(ex, sigs, r.passExpires);
    }
    // It did not: a new payment. Outputs nobody signed can be reused by the next swap.
    ex.recovering = null;
    if (signed == 0) this.counters.release(ex.outputKeyset!.id, r.counters);
    ex.outputs = NO_OUTPUTS;
    ex.outputKeyset = null;
    return this.proceed(ex);
  }

  private onSwap(ex: Exchange, status: u32, body: string): Decision {
    const ks = ex.outputKeyset!;
    if (status == 200) {
      const sigs = parseSignatures(body);
      if (sigs == null || sigs.length != ex.outputs.length) {
        // The mint may have signed: the outcome is unknown. The record keeps the counters, so the
        // same token presented again finds out; the earnings stay restorable either way.
        this.records.update(ex.slot, RecordState.Unknown);
        return this.mintFailure(ex, 502, "bad_mint_response", "the mint's swap answer is unusable; present the same token again to get the access it paid for");
      }
      // Signatures come in request order; map them back to our outputs.
      const byOutput = new Array<BlindSignature | null>(ex.outputs.length);
      for (let i = 0; i < ex.swapOrder.length; i++) byOutput[ex.swapOrder[i]] = sigs[i];
      return this.grant(ex, byOutput, 0);
    }
    if (status == 0 || status >= 500) {
      // Unknown outcome: the counters stay reserved for this token's record.
      this.records.update(ex.slot, RecordState.Unknown);
      return this.unreachable(ex, status, "swap");
    }
    const err = parseMintError(body);
    const code = err == null ? <u32>0 : err.code;
    ex.mintErrorCode = code;
    const detail = err == null ? "HTTP " + status.toString() : err.detail;
    if (code == ERR_OUTPUTS_SIGNED) {
      // Either our earnings counters collided (another replica in this lane), or the change
      // outputs — derived from the token — were signed before: the token was already swapped.
      // The mint tells which: does it know our earnings outputs?
      return this.recheck(ex);
    }
    if (code == ERR_OUTPUTS_PENDING) return this.collided(ex);
    this.release(ex);
    if (code == ERR_NOT_BALANCED && !ex.feeRefreshed) {
      // Our idea of the mint's fee is stale: read its keysets again and redo the payment.
      ex.feeRefreshed = true;
      ex.outputs = NO_OUTPUTS;
      return this.fetchKeysets(ex);
    }
    if (code == ERR_PROOFS_SPENT || code == ERR_PROOFS_PENDING) {
      return this.spent(ex, code, code == ERR_PROOFS_SPENT ? "token_spent" : "token_pending",
        code == ERR_PROOFS_SPENT ? "this token was already spent" : "this token is being spent in another request");
    }
    if (status >= 400 && status < 500 && err != null) {
      return this.reject(ex, 400, "mint_rejected_token", "the mint rejected the token: " + detail + (code > 0 ? " (code " + code.toString() + ")" : ""));
    }
    return this.mintFailure(ex, 502, "bad_mint_response", "unexpected answer from the mint: HTTP " + status.toString());
  }

  /** After "outputs already signed": restore our earnings outputs to tell a collision from a replay. */
  private recheck(ex: Exchange): Decision {
    const ks = ex.outputKeyset!;
    const w = new JsonWriter();
    w.beginObject().key("outputs").beginArray();
    for (let i = 0; i < ex.outputs.length; i++) {
      const o = ex.outputs[i];
      if (o.kind != OutputKind.Earnings) continue;
      w.beginObject().ku64("amount", o.amount).kstr("id", ks.id).kstr("B_", toHex(o.B_)).endObject();
    }
    w.endArray().endObject();
    ex.stage = Stage.Recheck;
    return this.call(ex, "POST", "/v1/restore", w.toString(), "restore");
  }

  private onRecheck(ex: Exchange, status: u32, body: string): Decision {
    if (status != 200) {
      this.records.update(ex.slot, RecordState.Free);
      return this.unreachable(ex, status, "restore");
    }
    const sigs = this.signedOutputs(ex, body);
    if (sigs == null) {
      this.records.update(ex.slot, RecordState.Free);
      return this.mintFailure(ex, 502, "bad_mint_response", "the mint's /v1/restore answer is unusable");
    }
    let earningsSigned = 0;
    for (let i = 0; i < ex.outputs.length; i++) if (ex.outputs[i].kind == OutputKind.Earnings && sigs[i] != null) earningsSigned++;
    if (earningsSigned > 0) return this.collided(ex);
    // Our counters are fresh; what the mint had signed are the token's change outputs.
    this.release(ex);
    return this.spent(ex, ERR_PROOFS_SPENT, "token_spent", "this token was already spent");
  }

  /** Earnings counters already used: find where the counter really stands, and retry. */
  private collided(ex: Exchange): Decision {
    if (ex.swapAttempts < MAX_SWAP_ATTEMPTS) {
      ex.reprobe = true;
      ex.reprobeFrom = maxCounter(earningsCounters(ex)) + 1;
      return this.proceed(ex);
    }
    this.records.update(ex.slot, RecordState.Free);
    return this.mintFailure(ex, 503, "counter_contention", "could not find unused earnings outputs; nothing was charged, retry");
  }

  /** The swap was refused for good: its counters return to the free list, its record is dropped. */
  private release(ex: Exchange): void {
    const ks = ex.outputKeyset;
    if (ks != null) this.counters.release(ks.id, earningsCounters(ex));
    this.records.update(ex.slot, RecordState.Free);
  }

  /**
   * Access granted for signatures the mint issued (the swap's answer, or a restore after a lost
   * answer): checks them, builds the change token from those that hold, issues the pass.
   */
  private grant(ex: Exchange, byOutput: Array<BlindSignature | null>, recordedPassExpiry: u64): Decision {
    const ks = ex.outputKeyset!;
    let changeOk: u64 = 0;
    const change = new Token();
    change.version = 4;
    change.mint = ex.mint!.url;
    change.unit = this.config.unit;
    const group = new KeysetProofs(ks.id);
    for (let i = 0; i < ex.outputs.length; i++) {
      const o = ex.outputs[i];
      const sig = byOutput[i];
      if (sig == null) {
        if (o.kind == OutputKind.Change) ex.signatureError = "the mint returned no signature for a change output";
        continue;
      }
      const bad = checkSignature(o, sig, ks);
      if (bad.length > 0) {
        ex.signatureError = (o.kind == OutputKind.Earnings ? "earnings output: " : "change output: ") + bad;
        continue;
      }
      if (o.kind != OutputKind.Change) continue;
      const C = unblind(o, sig, ks);
      if (C == null) { ex.signatureError = "change output: cannot unblind the signature"; continue; }
      const p = new Proof();
      p.amount = o.amount;
      p.id = ks.id;
      p.secret = o.secret;
      p.C = C;
      group.proofs.push(p);
      change.amount += o.amount;
      change.proofCount++;
      changeOk += o.amount;
    }
    if (change.proofCount > 0) {
      change.keysets.push(group);
      const enc = encodeTokenV4(change);
      if (enc.ok) {
        ex.changeToken = enc.value;
        ex.changeDelivered = changeOk;
      }
    }

    const now = this.host.nowSeconds();
    if (this.passes.enabled) {
      const ttl = ex.route!.passTtl > 0 ? ex.route!.passTtl : this.config.pass.ttlSeconds;
      // A recovered payment that had been granted keeps the lifetime it bought then (a pass already
      // over is not issued again); one whose answer never came gets its pass now.
      ex.passExpires = ex.recovered && recordedPassExpiry > 0 ? recordedPassExpiry : now + <u64>ttl;
      if (ex.passExpires > now) ex.pass = this.passes.issue(ex.route!.id, ex.passExpires);
    }
    const slot = ex.slot;
    if (slot != null && slot.record != null) {
      const r = slot.record!;
      r.state = RecordState.Granted;
      r.passExpires = ex.passExpires;
      this.records.write(slot, r);
    }
    ex.outcome = Outcome.Paid;
    ex.code = "paid";
    ex.stage = Stage.Done;
    return CONTINUE;
  }

  private unreachable(ex: Exchange, status: u32, what: string): Decision {
    const why = status == 0 ? "did not answer in time" : "answered HTTP " + status.toString();
    const after = what == "swap"
      ? "; the payment's outcome is unknown: present the same token again to get the access it paid for, or to pay if it did not go through"
      : "; nothing was charged, try again";
    return this.mintFailure(ex, 503, "mint_unavailable", "the mint " + why + " (" + what + ")" + after);
  }

  // ---- refusals -----------------------------------------------------------------------------------

  private spent(ex: Exchange, mintCode: u32, code: string, reason: string): Decision {
    ex.outcome = Outcome.Spent;
    ex.code = code;
    ex.reason = reason;
    ex.stage = Stage.Done;
    if (ex.mintErrorCode == 0) ex.mintErrorCode = mintCode;
    return this.challenge.paymentRequired(ex.route!, code, reason);
  }

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

  // ---- response phase, end of the exchange -------------------------------------------------------

  /** Headers to add to the upstream's response (flattened pairs); empty unless this request paid. */
  responseHeaders(ex: Exchange): Array<string> {
    const h = new Array<string>();
    if (ex.outcome != Outcome.Paid) return h;
    const now = this.host.nowSeconds();
    if (ex.pass.length > 0) {
      h.push("x-paygress-pass"); h.push(ex.pass);
      h.push("x-paygress-pass-expires"); h.push(ex.passExpires.toString());
      const cookie = this.config.pass.cookie;
      // The upstream may have taken longer than the pass lives: then no cookie at all.
      if (cookie.length > 0 && ex.passExpires > now) {
        h.push("set-cookie");
        h.push(cookie + "=" + ex.pass + "; Max-Age=" + (ex.passExpires - now).toString() + "; Path=/; HttpOnly; SameSite=Lax" + (ex.scheme == "https" ? "; Secure" : ""));
      }
    }
    if (ex.changeToken.length > 0) {
      h.push("x-cashu-change"); h.push(ex.changeToken);
    }
    h.push("x-paygress-receipt");
    h.push(this.receipt(ex));
    if (!ex.delivered) {
      ex.delivered = true;
      this.records.update(ex.slot, RecordState.Delivered);
    }
    return h;
  }

  /**
   * Who paid what: amount = the token's value = fee (to the mint, paid by the payer out of the token)
   * + earned (the operator's) + change (returned). change is what X-Cashu-Change carries;
   * change_missing, when present, failed the signature checks and is restorable from the token.
   */
  receipt(ex: Exchange): string {
    const t = ex.token;
    let s = "amount=" + (t == null ? "0" : t.amount.toString()) + "; fee=" + ex.fee.toString() + "; earned=" + ex.earned.toString() +
      "; change=" + ex.changeDelivered.toString() + "; unit=" + this.config.unit + "; route=" + ex.routeId;
    if (ex.changeAmount > ex.changeDelivered) s += "; change_missing=" + (ex.changeAmount - ex.changeDelivered).toString();
    if (ex.recovered) s += "; recovered=1";
    return s;
  }

  /** The exchange ended (log phase): a payment whose response never went out is Lost. */
  finished(ex: Exchange): void {
    if (ex.outcome == Outcome.Paid && !ex.delivered) this.records.update(ex.slot, RecordState.Lost);
  }

  /** The client went away while the mint was asked: a swap that went through is Lost to it. */
  abandoned(ex: Exchange): void {
    if (ex.outcome == Outcome.Paid) this.records.update(ex.slot, RecordState.Lost);
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
    if (ex.advertised != 0) w.ku64("advertised", ex.advertised);
    if (ex.token != null) {
      w.ku64("amount", ex.token!.amount).ku64("proofs", <u64>ex.token!.proofCount).ku64("fee", ex.fee);
    }
    if (ex.outcome == Outcome.Paid) {
      w.ku64("earned", ex.earned).ku64("change", ex.changeDelivered);
      if (ex.changeAmount > ex.changeDelivered) w.ku64("change_missing", ex.changeAmount - ex.changeDelivered);
      w.kstr("keyset", ex.outputKeyset!.id).key("counters").beginArray();
      for (let i = 0; i < ex.outputs.length; i++) if (ex.outputs[i].kind == OutputKind.Earnings) w.u64(ex.outputs[i].counter);
      w.endArray();
      w.ku64("pass_expires", ex.passExpires);
      if (ex.recovered) w.kbool("recovered", true);
    }
    if (ex.signatureError.length > 0) w.kstr("signature_error", ex.signatureError);
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

/**
 * The fee allowance for a price at a mint charging `ppk` per input: the least f with
 * f >= fee(price + f), where a payment of a is taken to be one proof per bit of a (how wallets hold
 * and send amounts). Never less than that fee, so the operator earns the price from such a payment.
 */
export function feeAllowance(price: u64, ppk: u64): u64 {
  if (ppk == 0) return 0;
  let f: u64 = 0;
  for (let i = 0; i < 64; i++) {
    const a = price + f;
    if (a < price) return f; // overflow: keep what we have
    const proofs = <u64>popcnt<u64>(a);
    if (ppk > U64.MAX_VALUE / proofs) return f;
    const need = feeFromPpkSum(proofs * ppk);
    if (need <= f) return f;
    f = need;
  }
  return f;
}

function maxActivePpk(list: Array<Keyset>, unit: string): u64 {
  let m: u64 = 0;
  for (let i = 0; i < list.length; i++) {
    const k = list[i];
    if (k.active && k.unit == unit && k.inputFeePpk > m) m = k.inputFeePpk;
  }
  return m;
}

// @ts-ignore: decorator
@inline function isOws(c: u8): bool { return c == 0x20 || c == 0x09; }

/** Offset of the credential in "Bearer <credential>" (any case, OWS around), or -1. */
function bearerStart(p: usize, n: i32): i32 {
  let i = 0;
  while (i < n && isOws(load<u8>(p + <usize>i))) i++;
  if (n - i < 8) return -1;
  const want = "bearer";
  for (let k = 0; k < 6; k++) {
    let c = <u32>load<u8>(p + <usize>(i + k));
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != <u32>want.charCodeAt(k)) return -1;
  }
  i += 6;
  if (!isOws(load<u8>(p + <usize>i))) return -1;
  while (i < n && isOws(load<u8>(p + <usize>i))) i++;
  return i;
}

/**
 * Where the path starts in an absolute-form target ("http://host/path" -> offset of "/path"); 0
 * for origin form. A target with no path after the authority gives its length (empty path: "/").
 */
function absoluteFormPathStart(p: usize, n: i32): i32 {
  if (n == 0 || load<u8>(p) == 0x2f) return 0;
  let k = 0;
  if (n >= 7 && schemeIs(p, "http://")) k = 7;
  else if (n >= 8 && schemeIs(p, "https://")) k = 8;
  else return 0;
  while (k < n) {
    const c = load<u8>(p + <usize>k);
    if (c == 0x2f || c == 0x3f) return k;
    k++;
  }
  return n;
}

function schemeIs(p: usize, s: string): bool {
  for (let i = 0; i < s.length; i++) {
    let c = <u32>load<u8>(p + <usize>i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}

function sameBytes(a: usize, an: i32, b: usize, bn: i32): bool {
  return an == bn && memory.compare(a, b, <usize>an) == 0;
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
