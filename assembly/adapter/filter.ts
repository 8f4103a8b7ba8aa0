// The proxy-wasm adapter: wires the SDK's root and HTTP contexts to the gate. It owns every host
// call (headers, local replies, http calls to the mint, metrics, logs); the gate owns every
// decision, this file only carries them out. Phases: request headers (hand every header to the
// gate, apply the request changes it names, act on its decision), http call response (continue
// deciding), response headers (attach pass/change/receipt), response body (byte count for
// metering), log (end of the exchange, metrics and the audit line).
import {
  BaseContext, Context, RootContext, FilterHeadersStatusValues, FilterDataStatusValues, GrpcStatusValues,
  LogLevelValues, HeaderPair, continue_request,
} from "@solo-io/proxy-runtime/assembly";
import { parseConfig } from "../gate/config";
import { Decision, DecisionKind, Exchange, Gate, Outcome, OUTCOMES, Stage, outcomeName } from "../gate/gate";
import { Strip } from "../gate/request";
import * as imports from "@solo-io/proxy-runtime/assembly/imports";
import { MintCall } from "../gate/mint-api";
import {
  HeaderName, MAP_HTTP_CALL_RESPONSE_HEADERS, Metrics, ProxyGateHost, RequestCounters,
  addResponseHeader, headerValue, httpCallResponseBody, labelled, logAt, nowNanos,
  readRequestHeaders, releaseRequestHeaders, removeRequestHeader, replaceRequestHeader,
  requestHeadersLen, requestHeadersPtr,
} from "./host";
import { hostEnv } from "./wasi";

const H_PATH = new HeaderName(":path");
const H_X_CASHU = new HeaderName("x-cashu");
const H_AUTHORIZATION = new HeaderName("authorization");
const H_PASS = new HeaderName("x-paygress-pass");
const H_COOKIE = new HeaderName("cookie");
const H_STATUS = new HeaderName(":status");

export class PaygressRoot extends RootContext {
  gate: Gate | null = null;
  host: ProxyGateHost = new ProxyGateHost();
  metrics: Metrics = new Metrics();
  counters: RequestCounters | null = null;

  onConfigure(configurationSize: u32): bool {
    if (!super.onConfigure(configurationSize)) return false;
    const result = parseConfig(this.getConfiguration(), hostEnv());
    if (result.config == null) {
      // The one line an operator needs: what is wrong and where.
      logAt(LogLevelValues.critical, "paygress: invalid plugin configuration: " + result.error);
      return false;
    }
    const gate = new Gate(result.config!, this.host);
    const incomplete = gate.challenge.complete();
    if (incomplete.length > 0) {
      logAt(LogLevelValues.critical, "paygress: invalid plugin configuration: " + incomplete);
      return false;
    }
    this.gate = gate;
    const c = result.config!;
    this.counters = new RequestCounters(this.metrics, c.routes.length, c.mints.length, OUTCOMES.length);
    logAt(LogLevelValues.info, "paygress: configured: " + c.routes.length.toString() + " routes, " +
      c.mints.length.toString() + " mints, unit " + c.unit + ", earnings lane " + c.earnings.lane.toString() +
      (c.earnings.laneEnv.length > 0 ? " (from " + c.earnings.laneEnv + ")" : ""));
    return true;
  }

  /** Finished request contexts, reused so that the hot path allocates nothing. */
  pool: Array<PaygressHttp> = [];

  createContext(contextId: u32): Context {
    if (this.pool.length > 0) {
      const c = this.pool.pop();
      c.context_id = contextId;
      c.reuse();
      return c;
    }
    return new PaygressHttp(contextId, this);
  }
}

export class PaygressHttp extends Context {
  ex: Exchange = new Exchange();
  callStarted: u64 = 0;
  paused: bool = false;
  /** The host destroyed the stream while a mint call was in flight. */
  gone: bool = false;
  responseBytes: u64 = 0;

  constructor(contextId: u32, public root: PaygressRoot) {
    super(contextId, root);
  }

  onRequestHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    const gate = this.root.gate;
    if (gate == null) {
      // Not configured (configure failed): fail closed.
      sendLocal(503, "paygress_not_configured", ["content-type", "application/json"], "{\"error\":\"paygress is not configured\"}");
      return FilterHeadersStatusValues.StopIteration;
    }
    if (!readRequestHeaders()) {
      // The host would not hand over the headers: the gate cannot tell what is priced.
      sendLocal(503, "paygress_no_headers", ["content-type", "application/json", "retry-after", "1"], "{\"error\":\"internal_error\",\"message\":\"the request headers could not be read\"}");
      return FilterHeadersStatusValues.StopIteration;
    }
    // One host call fetched every header; the gate reads them in place (a free or pass-holding
    // request allocates nothing) and names what must change before the request goes upstream.
    const d = gate.onRequestHeaders(requestHeadersPtr(), requestHeadersLen(), this.ex);
    releaseRequestHeaders();
    this.applyRequestChanges();
    return this.act(d);
  }

  /** Strips the payment credentials and sets the canonical :path the gate priced. */
  private applyRequestChanges(): void {
    const ex = this.ex;
    const strip = ex.strip;
    if (strip != Strip.None) {
      if ((strip & Strip.XCashu) != 0) removeRequestHeader(H_X_CASHU);
      if ((strip & Strip.PassHeader) != 0) removeRequestHeader(H_PASS);
      if ((strip & Strip.Authorization) != 0) removeRequestHeader(H_AUTHORIZATION);
      if ((strip & Strip.Cookie) != 0) {
        const c = ex.cookieHeader;
        if (c == null || c.length == 0) removeRequestHeader(H_COOKIE);
        else replaceRequestHeader(H_COOKIE, c);
      }
    }
    const path = ex.forwardPath;
    if (path != null) replaceRequestHeader(H_PATH, path);
  }

  /** Carries out a decision; returns the filter status for the request headers phase. */
  act(d: Decision): FilterHeadersStatusValues {
    if (d.kind == DecisionKind.Continue) {
      if (this.paused) {
        this.paused = false;
        continue_request();
      }
      return FilterHeadersStatusValues.Continue;
    }
    if (d.kind == DecisionKind.Respond) {
      sendDecision(d, this.ex.code);
      this.audit();
      return FilterHeadersStatusValues.StopIteration;
    }
    this.dispatch(d.call!);
    return FilterHeadersStatusValues.StopIteration;
  }

  private dispatch(call: MintCall): void {
    const gate = this.root.gate!;
    const mint = gate.config.mints[call.mintIndex];
    const headers: Array<HeaderPair> = [
      pair(":method", call.method),
      pair(":path", call.path),
      pair(":authority", mint.authority),
      // ngx_wasm_module (Kong) speaks TLS to the mint only when told so by :scheme; Envoy takes TLS
      // from the cluster and keeps :scheme as the URL says.
      pair(":scheme", mint.url.startsWith("https:") ? "https" : "http"),
      pair("accept", "application/json"),
      pair("user-agent", "paygress"),
    ];
    if (call.body.length > 0) headers.push(pair("content-type", "application/json"));
    this.callStarted = nowNanos();
    this.paused = true;
    this.ex.callPurpose = call.purpose;
    const r = this.root.httpCall(mint.cluster, headers, String.UTF8.encode(call.body), [], call.timeoutMs, this, onMintCallResponse);
    if (r != 0) {
      // The host refused the call (unknown cluster, ...): same as an unreachable mint.
      logAt(LogLevelValues.error, "paygress: cannot call mint cluster " + mint.cluster + " (WasmResult " + r.toString() + ")");
      this.act(gate.onMintResponse(this.ex, 0, ""));
    }
  }

  /** The mint answered (or the call failed: status 0). */
  onMintAnswer(status: u32, body: string): void {
    const gate = this.root.gate!;
    const ms = (nowNanos() - this.callStarted) / 1000000;
    this.root.metrics.record(labelled("paygress_mint_call_ms", "", this.ex.mintId, this.ex.callPurpose), ms);
    if (this.gone) {
      // The client went away mid-payment. Never start a swap for it (its token stays unspent);
      // if the swap was already sent, record what the mint did: earnings are restorable either way,
      // and the payment record lets the same token, presented again, get what it paid for.
      this.paused = false;
      if (this.ex.stage == Stage.Swap) {
        gate.onMintResponse(this.ex, status, body);
        gate.abandoned(this.ex);
        this.audit();
      }
      return;
    }
    const d = gate.onMintResponse(this.ex, status, body);
    if (this.ex.outcome == Outcome.Paid) this.audit();
    this.act(d);
  }

  onDelete(): void {
    // A context whose mint call is still in flight is not reused: the late answer must find it.
    if (this.paused) this.gone = true;
    else if (this.root.pool.length < 256) this.root.pool.push(this);
  }

  /** Resets this context for another request. */
  reuse(): void {
    this.callStarted = 0;
    this.paused = false;
    this.gone = false;
    this.responseBytes = 0;
    if (this.ex.heavy) this.ex = new Exchange();
    else this.ex.resetFast();
  }

  onResponseHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    if (this.ex.outcome == Outcome.Paid) {
      const h = this.root.gate!.responseHeaders(this.ex);
      for (let i = 0; i + 1 < h.length; i += 2) addResponseHeader(h[i], h[i + 1]);
    }
    return FilterHeadersStatusValues.Continue;
  }

  onResponseBody(bodyBufferLength: usize, _endOfStream: bool): FilterDataStatusValues {
    // Metering hook: bytes served on this exchange (for byte-priced routes).
    this.responseBytes += <u64>bodyBufferLength;
    return FilterDataStatusValues.Continue;
  }

  onLog(): void {
    const ex = this.ex;
    if (ex.outcome == Outcome.None) return;
    const gate = this.root.gate;
    if (gate != null) gate.finished(ex);
    const route = ex.route == null ? -1 : ex.route!.index;
    this.root.counters!.increment(route, ex.routeId, ex.mintIndex, ex.mintId, <i32>ex.outcome, outcomeName(ex.outcome));
    if (ex.outcome == Outcome.Paid) {
      this.root.metrics.increment(labelled("paygress_earned_total", ex.routeId, ex.mintId, ""), <i64>ex.earned);
    }
    this.audit();
  }

  private audit(): void {
    const gate = this.root.gate;
    if (gate == null) return;
    const line = gate.auditLine(this.ex);
    if (line != null) logAt(LogLevelValues.info, line);
  }
}

/** Callback of every mint call (the SDK has set the effective context to the request's). */
function onMintCallResponse(origin: BaseContext, headers: u32, bodySize: usize, _trailers: u32): void {
  const ctx = changetype<PaygressHttp>(origin);
  let status: u32 = 0;
  let body = "";
  if (headers > 0) {
    const s = headerValue(MAP_HTTP_CALL_RESPONSE_HEADERS, H_STATUS);
    if (s != null) status = <u32>parseStatus(s);
    body = httpCallResponseBody(bodySize);
  }
  ctx.onMintAnswer(status, body);
}

function parseStatus(s: string): i32 {
  if (s.length != 3) return 0;
  let v = 0;
  for (let i = 0; i < 3; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return 0;
    v = v * 10 + c;
  }
  return v;
}

function pair(k: string, v: string): HeaderPair {
  return new HeaderPair(String.UTF8.encode(k), String.UTF8.encode(v));
}

/**
 * A local answer encoded for proxy_send_local_response. No status details: ngx_wasm_module (Kong)
 * sends them as the HTTP reason phrase ("HTTP/1.1 402 payment_required"), and with none every host
 * uses the standard phrase — what the Rust and Go SDKs send too. The code stays in the JSON body
 * and the audit line.
 */
class EncodedResponse {
  details: ArrayBuffer;
  body: ArrayBuffer;
  headers: ArrayBuffer;
  constructor(_details: string, headers: Array<string>, body: string) {
    this.details = new ArrayBuffer(0);
    this.body = String.UTF8.encode(body);
    this.headers = serializePairs(headers);
  }
}

/** proxy-wasm header map serialisation: count, (key len, value len)*, then NUL-terminated data. */
function serializePairs(headers: Array<string>): ArrayBuffer {
  const n = headers.length >> 1;
  const enc = new Array<ArrayBuffer>(n * 2);
  let size = 4 + n * 8;
  for (let i = 0; i < n * 2; i++) {
    enc[i] = String.UTF8.encode(headers[i]);
    size += enc[i].byteLength + 1;
  }
  const out = new ArrayBuffer(size);
  const p = changetype<usize>(out);
  store<u32>(p, n);
  let o: usize = 4 + <usize>n * 8;
  for (let i = 0; i < n * 2; i++) {
    store<u32>(p + 4 + <usize>i * 4, enc[i].byteLength);
  }
  for (let i = 0; i < n * 2; i++) {
    memory.copy(p + o, changetype<usize>(enc[i]), enc[i].byteLength);
    o += <usize>enc[i].byteLength;
    store<u8>(p + o, 0);
    o++;
  }
  return out;
}

/** grpc_status -1: not a gRPC answer (ngx_wasm_module asserts it in debug builds; Envoy ignores it). */
const NO_GRPC_STATUS: u32 = 0xffffffff;

function sendEncoded(status: u32, e: EncodedResponse): void {
  imports.proxy_send_local_response(status, changetype<usize>(e.details), e.details.byteLength,
    changetype<usize>(e.body), e.body.byteLength, changetype<usize>(e.headers), e.headers.byteLength, NO_GRPC_STATUS);
}

function sendLocal(status: u32, details: string, headers: Array<string>, body: string): void {
  sendEncoded(status, new EncodedResponse(details, headers, body));
}

/** Sends a decision's answer, encoding it once when the gate reuses the decision. */
function sendDecision(d: Decision, details: string): void {
  let e = d.encoded;
  if (e == null) {
    const enc = new EncodedResponse(details, d.headers, d.body);
    d.encoded = enc;
    sendEncoded(d.status, enc);
    return;
  }
  sendEncoded(d.status, changetype<EncodedResponse>(e));
}
