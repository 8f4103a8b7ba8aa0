// Thin helpers over the proxy-wasm ABI that the SDK wraps expensively (it UTF-8 encodes the
// header name on every call). Header names are encoded once.
import * as imports from "@solo-io/proxy-runtime/assembly/imports";
import { LogLevelValues, WasmResultValues } from "@solo-io/proxy-runtime/assembly";

const MAP_REQUEST_HEADERS = 0;

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

/** Request header value, or null when absent. */
export function requestHeader(name: HeaderName): string | null {
  const r = imports.proxy_get_header_map_value(MAP_REQUEST_HEADERS, changetype<usize>(name.bytes),
    name.bytes.byteLength, valuePtr, valueSize);
  if (r != WasmResultValues.Ok) return null;
  const ptr = load<usize>(valuePtr);
  const size = load<usize>(valueSize);
  if (ptr == 0) return size == 0 ? "" : null;
  const s = String.UTF8.decodeUnsafe(ptr, size);
  // The host allocated the value through our malloc (a pinned ArrayBuffer): release it.
  __unpin(ptr);
  return s;
}

export function logAt(level: LogLevelValues, message: string): void {
  const buf = String.UTF8.encode(message);
  imports.proxy_log(level as imports.LogLevel, changetype<usize>(buf), buf.byteLength);
}
