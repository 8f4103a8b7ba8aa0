// Thin helpers over the proxy-wasm ABI, for what the SDK wraps expensively or wrongly: header
// reads with names encoded once, response header adds, shared data with compare-and-swap (the
// SDK's get_shared_data passes the wrong pointers), metrics by name, the current time.
import * as imports from "@solo-io/proxy-runtime/assembly/imports";
import { LogLevelValues, WasmResultValues } from "@solo-io/proxy-runtime/assembly";
import { GateHost, SharedBytes, StoreResult } from "../gate/host";
import { hostRandom } from "./wasi";
import { armScratch, disarmScratch, release } from "./memory";

export const MAP_REQUEST_HEADERS = 0;
export const MAP_RESPONSE_HEADERS = 2;
export const MAP_HTTP_CALL_RESPONSE_HEADERS = 6;
export const BUFFER_HTTP_CALL_RESPONSE_BODY = 4;

/** A header name encoded once, for repeated lookups. */
export class HeaderName {
  readonly bytes: ArrayBuffer;
  constructor(public name: string) {
    this.bytes = String.UTF8.encode(name);
  }
}

// Where the host writes the pointer and size of the value it malloc'd for us.
const valuePtr = memory.data(8);
const valueSize = memory.data(8);
const casPtr = memory.data(8);

/** Takes ownership of a buffer the host allocated through our malloc and decodes it as UTF-8. */
function takeString(): string {
  const ptr = load<usize>(valuePtr);
  const size = load<usize>(valueSize);
  if (ptr == 0) return "";
  const s = String.UTF8.decodeUnsafe(ptr, size);
  release(ptr); // our malloc pinned it; nothing references it any more
  return s;
}

/** Header value from map `map`, or null when absent. */
export function headerValue(map: i32, name: HeaderName): string | null {
  const r = imports.proxy_get_header_map_value(map, changetype<usize>(name.bytes), name.bytes.byteLength, valuePtr, valueSize);
  if (r != WasmResultValues.Ok) return null;
  return takeString();
}

// ---- all request headers at once ----------------------------------------------------------------
// proxy_get_header_map_pairs hands over every header in one host call (one allocation callback into
// the module instead of one per header), in the serialisation the gate reads in place
// (gate/request.ts).

let pairsPtr: usize = 0;
let pairsLen: usize = 0;

/** Fetches all request headers (into the scratch area when they fit). False when the host refuses. */
export function readRequestHeaders(): bool {
  armScratch();
  const r = imports.proxy_get_header_map_pairs(MAP_REQUEST_HEADERS, valuePtr, valueSize);
  disarmScratch();
  if (r != WasmResultValues.Ok) {
    pairsPtr = 0;
    pairsLen = 0;
    return false;
  }
  pairsPtr = load<usize>(valuePtr);
  pairsLen = pairsPtr == 0 ? 0 : load<usize>(valueSize);
  return true;
}

export function requestHeadersPtr(): usize { return pairsPtr; }
export function requestHeadersLen(): usize { return pairsLen; }

export function releaseRequestHeaders(): void {
  release(pairsPtr);
  pairsPtr = 0;
  pairsLen = 0;
}

/** Removes every value of request header `name`. */
export function removeRequestHeader(name: HeaderName): void {
  imports.proxy_remove_header_map_value(MAP_REQUEST_HEADERS, changetype<usize>(name.bytes), name.bytes.byteLength);
}

/** Replaces request header `name` (every value) with one value. */
export function replaceRequestHeader(name: HeaderName, value: string): void {
  const v = String.UTF8.encode(value);
  imports.proxy_replace_header_map_value(MAP_REQUEST_HEADERS, changetype<usize>(name.bytes), name.bytes.byteLength, changetype<usize>(v), v.byteLength);
}

export function requestHeader(name: HeaderName): string | null {
  return headerValue(MAP_REQUEST_HEADERS, name);
}

export function addResponseHeader(name: string, value: string): void {
  const k = String.UTF8.encode(name);
  const v = String.UTF8.encode(value);
  imports.proxy_add_header_map_value(MAP_RESPONSE_HEADERS, changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
}

/** The body of the http call response being delivered (bytes [0, size)). */
export function httpCallResponseBody(size: usize): string {
  if (size == 0) return "";
  const r = imports.proxy_get_buffer_bytes(BUFFER_HTTP_CALL_RESPONSE_BODY, 0, <u32>size, valuePtr, valueSize);
  if (r != WasmResultValues.Ok) return "";
  return takeString();
}

export function logAt(level: LogLevelValues, message: string): void {
  const buf = String.UTF8.encode(message);
  imports.proxy_log(level as imports.LogLevel, changetype<usize>(buf), buf.byteLength);
}

const timePtr = memory.data(8);

export function nowNanos(): u64 {
  if (imports.proxy_get_current_time_nanoseconds(timePtr) != WasmResultValues.Ok) return 0;
  return load<u64>(timePtr);
}

// ---- shared data ------------------------------------------------------------------------------

class SharedValue {
  found: bool = false;
  value: u64 = 0;
  cas: u32 = 0;
}

/** Reads shared data `key` as bytes. False when the host failed. */
function getSharedBytes(key: ArrayBuffer, out: SharedBytes): bool {
  out.found = false;
  out.cas = 0;
  const r = imports.proxy_get_shared_data(changetype<usize>(key), key.byteLength, valuePtr, valueSize, casPtr);
  if (r == WasmResultValues.NotFound) return true;
  if (r != WasmResultValues.Ok) return false;
  const ptr = load<usize>(valuePtr);
  const size = load<usize>(valueSize);
  out.cas = load<u32>(casPtr);
  out.found = true;
  const v = new Uint8Array(<i32>size);
  if (ptr != 0) {
    memory.copy(v.dataStart, ptr, size);
    release(ptr);
  }
  out.value = v;
  return true;
}

const counterBytes = new SharedBytes();

/** Reads a shared u64 counter (a value of another size counts as not set). False when the host failed. */
function getShared(key: ArrayBuffer, out: SharedValue): bool {
  if (!getSharedBytes(key, counterBytes)) return false;
  out.cas = counterBytes.cas;
  out.found = counterBytes.found && counterBytes.value.length == 8;
  out.value = out.found ? load<u64>(counterBytes.value.dataStart) : 0;
  return true;
}

function setShared(key: ArrayBuffer, value: u64, cas: u32): WasmResultValues {
  const buf = memory.data(8);
  store<u64>(buf, value);
  return imports.proxy_set_shared_data(changetype<usize>(key), key.byteLength, buf, 8, cas);
}

/** GateHost over proxy-wasm: shared data CAS counters, host time, WASI randomness. */
export class ProxyGateHost extends GateHost {
  private sv: SharedValue = new SharedValue();

  nowSeconds(): u64 {
    return nowNanos() / 1000000000;
  }

  randomBytes(n: i32): Uint8Array {
    const r = hostRandom(n);
    // All zeroes makes changeOutput fail (r = 0), so the caller refuses instead of using weak keys.
    return r == null ? new Uint8Array(n) : r;
  }

  reserveCounters(key: string, n: u32): u64 {
    const k = String.UTF8.encode(key);
    for (let attempt = 0; attempt < 64; attempt++) {
      if (!getShared(k, this.sv)) return U64.MAX_VALUE;
      if (!this.sv.found) return U64.MAX_VALUE;
      if (n == 0) return this.sv.value;
      const start = this.sv.value;
      const r = setShared(k, start + <u64>n, this.sv.cas);
      if (r == WasmResultValues.Ok) return start;
      if (r != WasmResultValues.CasMismatch) return U64.MAX_VALUE;
    }
    return U64.MAX_VALUE;
  }

  loadShared(key: string, out: SharedBytes): bool {
    return getSharedBytes(String.UTF8.encode(key), out);
  }

  storeShared(key: string, value: Uint8Array, cas: u32): StoreResult {
    const k = String.UTF8.encode(key);
    const r = imports.proxy_set_shared_data(changetype<usize>(k), k.byteLength, value.dataStart, value.length, cas);
    if (r == WasmResultValues.Ok) return StoreResult.Ok;
    return r == WasmResultValues.CasMismatch ? StoreResult.CasMismatch : StoreResult.Failed;
  }

  raiseCounter(key: string, next: u64): bool {
    const k = String.UTF8.encode(key);
    for (let attempt = 0; attempt < 64; attempt++) {
      if (!getShared(k, this.sv)) return false;
      if (this.sv.found && this.sv.value >= next) return true;
      // cas 0 for a key that does not exist yet means "set unconditionally"; a racing creator is
      // then overwritten only with a value at least as high, which is fine.
      const r = setShared(k, next, this.sv.found ? this.sv.cas : 0);
      if (r == WasmResultValues.Ok) return true;
      if (r != WasmResultValues.CasMismatch) return false;
    }
    return false;
  }
}

// ---- metrics ------------------------------------------------------------------------------------

const METRIC_COUNTER = 0;
const METRIC_HISTOGRAM = 2;
const idPtr = memory.data(4);

/** Metrics defined lazily by full name (labels are encoded in the name; see envoy/config.ts). */
export class Metrics {
  private ids: Map<string, u32> = new Map();

  /** Defines (or finds) the counter `name`; 0 when the host refuses. */
  define(name: string): u32 {
    return this.id(name, METRIC_COUNTER);
  }

  private id(name: string, type: i32): u32 {
    if (this.ids.has(name)) return this.ids.get(name);
    const b = String.UTF8.encode(name);
    let id: u32 = 0;
    if (imports.proxy_define_metric(type, changetype<usize>(b), b.byteLength, idPtr) == WasmResultValues.Ok) id = load<u32>(idPtr);
    this.ids.set(name, id);
    return id;
  }

  increment(name: string, by: i64): void {
    const id = this.id(name, METRIC_COUNTER);
    if (id != 0) imports.proxy_increment_metric(id, by);
  }

  record(name: string, value: u64): void {
    const id = this.id(name, METRIC_HISTOGRAM);
    if (id != 0) imports.proxy_record_metric(id, value);
  }
}

/**
 * Metric ids of paygress_requests_total by (route, mint, outcome) indices, defined on first use:
 * counting a request then costs no string building and no hashing.
 */
export class RequestCounters {
  private ids: StaticArray<u32>;
  constructor(public metrics: Metrics, public routes: i32, public mints: i32, public outcomes: i32) {
    this.ids = new StaticArray<u32>(routes * (mints + 1) * outcomes);
  }

  /** `route` -1 = no route; `mint` -1 = no mint. */
  increment(route: i32, routeId: string, mint: i32, mintId: string, outcome: i32, outcomeName: string): void {
    if (route < 0 || outcome < 0) {
      this.metrics.increment(labelled("paygress_requests_total", routeId, mintId, outcomeName), 1);
      return;
    }
    const slot = (route * (this.mints + 1) + (mint + 1)) * this.outcomes + outcome;
    let id = unchecked(this.ids[slot]);
    if (id == 0) {
      id = this.metrics.define(labelled("paygress_requests_total", routeId, mintId, outcomeName));
      unchecked(this.ids[slot] = id);
    }
    if (id != 0) imports.proxy_increment_metric(id, 1);
  }
}

/** `<name>_route=.=<r>;.;mint=.=<m>;.;outcome=.=<o>;.;` — labels Envoy's stats_tags extract. */
export function labelled(name: string, route: string, mint: string, outcome: string): string {
  let s = name;
  if (route.length > 0) s += "_route=.=" + route + ";.;";
  if (mint.length > 0) s += "mint=.=" + mint + ";.;";
  if (outcome.length > 0) s += "outcome=.=" + outcome + ";.;";
  return s;
}
