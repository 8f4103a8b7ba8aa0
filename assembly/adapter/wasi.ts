// The WASI calls the adapter uses: randomness for change outputs and the VM's environment for
// `*_env` secrets in the configuration. Envoy, ngx_wasm_module and the native shim provide both.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "random_get")
declare function random_get(buf: usize, len: usize): u16;

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_sizes_get")
declare function environ_sizes_get(count: usize, size: usize): u16;

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_get")
declare function environ_get(ptrs: usize, buf: usize): u16;

import { Env } from "../gate/config";

/** `n` random bytes from the host, or null when the host refuses (callers must fail closed). */
export function hostRandom(n: i32): Uint8Array | null {
  const out = new Uint8Array(n);
  // Hosts bound the size of one call (Envoy: 64 KiB); ask in chunks of 256.
  for (let off = 0; off < n; off += 256) {
    const len = min(256, n - off);
    if (random_get(out.dataStart + off, len) != 0) return null;
  }
  return out;
}

/** The VM's environment variables (empty when the host provides none). */
export function hostEnv(): Env {
  const env = new Env();
  const sizes = memory.data(8);
  if (environ_sizes_get(sizes, sizes + 4) != 0) return env;
  const count = load<u32>(sizes);
  const size = load<u32>(sizes + 4);
  if (count == 0 || count > 4096 || size > (1 << 20)) return env;
  const ptrs = new Uint32Array(count);
  const buf = new Uint8Array(size);
  if (environ_get(ptrs.dataStart, buf.dataStart) != 0) return env;
  for (let i: u32 = 0; i < count; i++) {
    const start = ptrs[i];
    if (start < <u32>buf.dataStart || start >= <u32>(buf.dataStart + size)) continue;
    let end = start;
    const limit = <u32>(buf.dataStart + size);
    while (end < limit && load<u8>(end) != 0) end++;
    const entry = String.UTF8.decodeUnsafe(start, end - start);
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    env.names.push(entry.substring(0, eq));
    env.values.push(entry.substring(eq + 1));
  }
  return env;
}
