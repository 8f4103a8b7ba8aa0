// A proxy-wasm host emulator in TypeScript (in the spirit of proxy-wasm-go-sdk's proxytest): loads
// the compiled paygress.wasm, implements the env.proxy_* imports and the WASI calls it uses, and
// drives the ABI the way Envoy does (context create, request headers, http call responses,
// response headers, log, done, delete). Unit tests and the SDK-overhead benchmark use it; e2e
// tests never do (they run real Envoy).
import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";

const OK = 0, NOT_FOUND = 1, BAD_ARGUMENT = 2, CAS_MISMATCH = 8;

export interface HttpCall {
  token: number;
  contextId: number;
  cluster: string;
  headers: Array<[string, string]>;
  body: string;
  timeoutMs: number;
}

export interface LocalResponse {
  status: number;
  details: string;
  headers: Array<[string, string]>;
  body: string;
}

export interface Metric { name: string; type: number; value: bigint }

export type Headers = Array<[string, string]>;

class Stream {
  requestHeaders: Headers = [];
  responseHeaders: Headers = [];
  local: LocalResponse | null = null;
  continued = false;
  constructor(readonly id: number) {}
}

const te = new TextEncoder();
const td = new TextDecoder();

export class FakeHost {
  instance!: WebAssembly.Instance;
  mem!: WebAssembly.Memory;
  exports!: Record<string, (...a: number[]) => number>;
  readonly rootId = 1;
  private nextId = 2;
  private current = 0;
  streams = new Map<number, Stream>();
  calls: HttpCall[] = [];
  private nextToken = 1;
  shared = new Map<string, { value: Uint8Array; cas: number }>();
  metrics: Metric[] = [];
  logs: Array<{ level: number; message: string }> = [];
  properties = new Map<string, Uint8Array>([["plugin_root_id", te.encode("paygress")]]);
  env = new Map<string, string>();
  pluginConfig = new Uint8Array();
  httpResponse: { headers: Headers; body: Uint8Array } | null = null;
  nowNs = BigInt(Date.now()) * 1000000n;
  /** Make proxy_set_shared_data fail (a full or broken store). */
  failSharedWrites = false;
  hostCalls = 0;

  static async load(wasmPath: string): Promise<FakeHost> {
    const h = new FakeHost();
    const mod = await WebAssembly.compile(readFileSync(wasmPath));
    h.instance = await WebAssembly.instantiate(mod, h.imports(mod));
    h.mem = h.instance.exports.memory as WebAssembly.Memory;
    h.exports = h.instance.exports as unknown as Record<string, (...a: number[]) => number>;
    return h;
  }

  // ---- guest memory helpers -------------------------------------------------------------------
  private u8(): Uint8Array { return new Uint8Array(this.mem.buffer); }
  private dv(): DataView { return new DataView(this.mem.buffer); }
  private str(ptr: number, len: number): string { return td.decode(this.u8().subarray(ptr, ptr + len)); }
  private bytes(ptr: number, len: number): Uint8Array { return this.u8().slice(ptr, ptr + len); }

  /** Copies `data` into guest memory allocated with the module's malloc; writes ptr/size out. */
  private give(data: Uint8Array, ptrOut: number, sizeOut: number): void {
    const p = data.length ? this.exports.malloc(data.length) >>> 0 : 0;
    if (data.length) this.u8().set(data, p);
    this.dv().setUint32(ptrOut, p, true);
    this.dv().setUint32(sizeOut, data.length, true);
  }

  private static serializePairs(pairs: Headers): Uint8Array {
    const enc = pairs.map(([k, v]) => [te.encode(k), te.encode(v)] as const);
    let size = 4 + enc.length * 8;
    for (const [k, v] of enc) size += k.length + v.length + 2;
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, enc.length, true);
    let o = 4;
    for (const [k, v] of enc) { dv.setUint32(o, k.length, true); dv.setUint32(o + 4, v.length, true); o += 8; }
    for (const [k, v] of enc) { out.set(k, o); o += k.length + 1; out.set(v, o); o += v.length + 1; }
    return out;
  }

  private parsePairs(ptr: number, len: number): Headers {
    if (len === 0) return [];
    const dv = this.dv();
    const n = dv.getUint32(ptr, true);
    const sizes: number[] = [];
    for (let i = 0; i < n * 2; i++) sizes.push(dv.getUint32(ptr + 4 + i * 4, true));
    let o = ptr + 4 + n * 8;
    const out: Headers = [];
    for (let i = 0; i < n; i++) {
      const k = this.str(o, sizes[2 * i]); o += sizes[2 * i] + 1;
      const v = this.str(o, sizes[2 * i + 1]); o += sizes[2 * i + 1] + 1;
      out.push([k, v]);
    }
    return out;
  }

  private map(type: number): Headers | null {
    const s = this.streams.get(this.current);
    if (type === 0) return s ? s.requestHeaders : null;
    if (type === 2) return s ? s.responseHeaders : null;
    if (type === 6) return this.httpResponse ? this.httpResponse.headers : null;
    return null;
  }

  // ---- imports ----------------------------------------------------------------------------------
  private imports(mod: WebAssembly.Module): WebAssembly.Imports {
    const h = this;
    const env: Record<string, (...a: any[]) => number | void> = {
      proxy_log(level: number, ptr: number, len: number) { h.hostCalls++; h.logs.push({ level, message: h.str(ptr, len) }); return OK; },
      proxy_get_property(pPtr: number, pLen: number, outPtr: number, outLen: number) {
        h.hostCalls++;
        const path = h.str(pPtr, pLen).replace(/\0/g, ".");
        const v = h.properties.get(path);
        if (!v) return NOT_FOUND;
        h.give(v, outPtr, outLen);
        return OK;
      },
      proxy_get_buffer_bytes(type: number, start: number, len: number, outPtr: number, outLen: number) {
        h.hostCalls++;
        let buf: Uint8Array | null = null;
        if (type === 7) buf = h.pluginConfig;
        if (type === 4) buf = h.httpResponse?.body ?? null;
        if (!buf) return NOT_FOUND;
        h.give(buf.subarray(start, start + len), outPtr, outLen);
        return OK;
      },
      proxy_get_buffer_status(type: number, lenPtr: number, flagsPtr: number) {
        h.hostCalls++;
        const buf = type === 7 ? h.pluginConfig : type === 4 ? h.httpResponse?.body : null;
        if (!buf) return NOT_FOUND;
        h.dv().setUint32(lenPtr, buf.length, true);
        h.dv().setUint32(flagsPtr, 0, true);
        return OK;
      },
      proxy_get_header_map_value(type: number, kPtr: number, kLen: number, outPtr: number, outLen: number) {
        h.hostCalls++;
        const m = h.map(type);
        if (!m) return BAD_ARGUMENT;
        const key = h.str(kPtr, kLen).toLowerCase();
        const e = m.find(([k]) => k.toLowerCase() === key);
        if (!e) return NOT_FOUND;
        h.give(te.encode(e[1]), outPtr, outLen);
        return OK;
      },
      proxy_get_header_map_pairs(type: number, outPtr: number, outLen: number) {
        h.hostCalls++;
        const m = h.map(type);
        if (!m) return BAD_ARGUMENT;
        h.give(FakeHost.serializePairs(m), outPtr, outLen);
        return OK;
      },
      proxy_add_header_map_value(type: number, kPtr: number, kLen: number, vPtr: number, vLen: number) {
        h.hostCalls++;
        const m = h.map(type);
        if (!m) return BAD_ARGUMENT;
        m.push([h.str(kPtr, kLen), h.str(vPtr, vLen)]);
        return OK;
      },
      proxy_replace_header_map_value(type: number, kPtr: number, kLen: number, vPtr: number, vLen: number) {
        h.hostCalls++;
        const m = h.map(type);
        if (!m) return BAD_ARGUMENT;
        const key = h.str(kPtr, kLen).toLowerCase();
        const kept = m.filter(([k]) => k.toLowerCase() !== key);
        m.length = 0;
        m.push(...kept, [key, h.str(vPtr, vLen)]);
        return OK;
      },
      proxy_remove_header_map_value(type: number, kPtr: number, kLen: number) {
        h.hostCalls++;
        const m = h.map(type);
        if (!m) return BAD_ARGUMENT;
        const key = h.str(kPtr, kLen).toLowerCase();
        const kept = m.filter(([k]) => k.toLowerCase() !== key);
        m.length = 0;
        m.push(...kept);
        return OK;
      },
      proxy_send_local_response(status: number, dPtr: number, dLen: number, bPtr: number, bLen: number, hPtr: number, hLen: number) {
        h.hostCalls++;
        const s = h.streams.get(h.current);
        if (!s) return BAD_ARGUMENT;
        s.local = { status, details: h.str(dPtr, dLen), body: h.str(bPtr, bLen), headers: h.parsePairs(hPtr, hLen) };
        return OK;
      },
      proxy_continue_stream(_t: number) { h.hostCalls++; const s = h.streams.get(h.current); if (s) s.continued = true; return OK; },
      proxy_set_effective_context(id: number) { h.hostCalls++; h.current = id; return OK; },
      proxy_http_call(cPtr: number, cLen: number, hPtr: number, hLen: number, bPtr: number, bLen: number, _tPtr: number, _tLen: number, timeout: number, tokenPtr: number) {
        h.hostCalls++;
        const token = h.nextToken++;
        h.calls.push({ token, contextId: h.current, cluster: h.str(cPtr, cLen), headers: h.parsePairs(hPtr, hLen), body: h.str(bPtr, bLen), timeoutMs: timeout });
        h.dv().setUint32(tokenPtr, token, true);
        return OK;
      },
      proxy_get_current_time_nanoseconds(outPtr: number) { h.hostCalls++; h.dv().setBigUint64(outPtr, h.nowNs, true); return OK; },
      proxy_get_shared_data(kPtr: number, kLen: number, vPtr: number, vLen: number, casPtr: number) {
        h.hostCalls++;
        const e = h.shared.get(h.str(kPtr, kLen));
        if (!e) return NOT_FOUND;
        h.give(e.value, vPtr, vLen);
        h.dv().setUint32(casPtr, e.cas, true);
        return OK;
      },
      proxy_set_shared_data(kPtr: number, kLen: number, vPtr: number, vLen: number, cas: number) {
        h.hostCalls++;
        if (h.failSharedWrites) return 10; // InternalFailure
        const key = h.str(kPtr, kLen);
        const e = h.shared.get(key);
        if (cas !== 0 && e && e.cas !== cas) return CAS_MISMATCH;
        h.shared.set(key, { value: h.bytes(vPtr, vLen), cas: (e?.cas ?? 0) + 1 });
        return OK;
      },
      proxy_define_metric(type: number, nPtr: number, nLen: number, idPtr: number) {
        h.hostCalls++;
        const name = h.str(nPtr, nLen);
        let id = h.metrics.findIndex((m) => m.name === name);
        if (id < 0) { h.metrics.push({ name, type, value: 0n }); id = h.metrics.length - 1; }
        h.dv().setUint32(idPtr, id + 1, true);
        return OK;
      },
      proxy_increment_metric(id: number, offset: bigint) { h.hostCalls++; const m = h.metrics[id - 1]; if (!m) return NOT_FOUND; m.value += offset; return OK; },
      proxy_record_metric(id: number, value: bigint) { h.hostCalls++; const m = h.metrics[id - 1]; if (!m) return NOT_FOUND; m.value = m.type === 2 ? m.value + 1n : value; return OK; },
      proxy_get_metric(id: number, outPtr: number) { h.hostCalls++; const m = h.metrics[id - 1]; if (!m) return NOT_FOUND; h.dv().setBigUint64(outPtr, m.value, true); return OK; },
      proxy_set_tick_period_milliseconds() { h.hostCalls++; return OK; },
      proxy_done() { return OK; },
    };
    const wasi: Record<string, (...a: any[]) => number | void> = {
      random_get(ptr: number, len: number) { randomFillSync(h.u8(), ptr, len); return 0; },
      clock_time_get(_id: number, _prec: bigint, outPtr: number) { h.dv().setBigUint64(outPtr, h.nowNs, true); return 0; },
      environ_sizes_get(countPtr: number, sizePtr: number) {
        const all = [...h.env].map(([k, v]) => te.encode(`${k}=${v}\0`));
        h.dv().setUint32(countPtr, all.length, true);
        h.dv().setUint32(sizePtr, all.reduce((s, b) => s + b.length, 0), true);
        return 0;
      },
      environ_get(ptrsPtr: number, bufPtr: number) {
        let o = bufPtr;
        let i = 0;
        for (const [k, v] of h.env) {
          const b = te.encode(`${k}=${v}\0`);
          h.dv().setUint32(ptrsPtr + 4 * i++, o, true);
          h.u8().set(b, o);
          o += b.length;
        }
        return 0;
      },
      proc_exit(code: number) { throw new Error(`proc_exit(${code})`); },
      fd_write() { return 0; },
    };
    // Anything the module imports that we did not implement fails loudly when called.
    for (const imp of WebAssembly.Module.imports(mod)) {
      const table = imp.module === "env" ? env : imp.module === "wasi_snapshot_preview1" ? wasi : null;
      if (table && !(imp.name in table)) table[imp.name] = () => { throw new Error(`fake host: ${imp.module}.${imp.name} not implemented`); };
    }
    return { env, wasi_snapshot_preview1: wasi } as unknown as WebAssembly.Imports;
  }

  // ---- driving the ABI ----------------------------------------------------------------------------
  /** VM start + plugin configure; returns the guest's answer (1 = ok). */
  configure(config: unknown): number {
    this.pluginConfig = te.encode(typeof config === "string" ? config : JSON.stringify(config));
    this.current = this.rootId;
    this.exports.proxy_on_context_create(this.rootId, 0);
    const started = this.exports.proxy_on_vm_start(this.rootId, 0);
    if (!started) return 0;
    return this.exports.proxy_on_configure(this.rootId, this.pluginConfig.length);
  }

  tick(): void {
    this.current = this.rootId;
    this.exports.proxy_on_tick(this.rootId);
  }

  /** Starts a stream and delivers its request headers. Returns the stream and the filter status. */
  request(headers: Headers): { stream: Stream; status: number } {
    const id = this.nextId++;
    const s = new Stream(id);
    s.requestHeaders = headers.map(([k, v]) => [k.toLowerCase(), v]);
    this.streams.set(id, s);
    this.current = id;
    this.exports.proxy_on_context_create(id, this.rootId);
    const status = this.exports.proxy_on_request_headers(id, headers.length, 1);
    return { stream: s, status };
  }

  /** Delivers the response of an http call (status 0 = failure/timeout: no headers, no body). */
  respond(call: HttpCall, status: number, body: string | Uint8Array, headers: Headers = []): void {
    const bytes = typeof body === "string" ? te.encode(body) : body;
    this.httpResponse = status === 0 ? null : { headers: [[":status", String(status)], ...headers], body: bytes };
    this.current = this.rootId;
    this.exports.proxy_on_http_call_response(this.rootId, call.token, status === 0 ? 0 : this.httpResponse!.headers.length, status === 0 ? 0 : bytes.length, 0);
    this.httpResponse = null;
  }

  /** Delivers upstream response headers to a stream; returns the headers after the filter ran. */
  responseHeaders(stream: Stream, headers: Headers): { status: number; headers: Headers } {
    stream.responseHeaders = headers.map(([k, v]) => [k.toLowerCase(), v]);
    this.current = stream.id;
    const status = this.exports.proxy_on_response_headers(stream.id, headers.length, 0);
    return { status, headers: stream.responseHeaders };
  }

  responseBody(stream: Stream, size: number, end: boolean): number {
    this.current = stream.id;
    return this.exports.proxy_on_response_body(stream.id, size, end ? 1 : 0);
  }

  /** Ends a stream the way Envoy does: done, log, delete. */
  finish(stream: Stream): void {
    this.current = stream.id;
    this.exports.proxy_on_done(stream.id);
    this.exports.proxy_on_log(stream.id);
    this.exports.proxy_on_delete(stream.id);
    this.streams.delete(stream.id);
  }

  metric(name: string): bigint | undefined {
    return this.metrics.find((m) => m.name === name)?.value;
  }

  memoryBytes(): number {
    return this.mem.buffer.byteLength;
  }
}
