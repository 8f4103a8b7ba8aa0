// Testing module: exposes hashing primitives to the TypeScript differential tests and benchmarks.
import "./abort";
import { sha256 } from "../core/crypto/sha256";
import { hmacSha256, HmacSha256Key } from "../core/crypto/hmac";

export function sha256Bytes(data: Uint8Array): Uint8Array { return sha256(data); }
export function hmacSha256Bytes(key: Uint8Array, data: Uint8Array): Uint8Array { return hmacSha256(key, data); }

let benchKey: HmacSha256Key | null = null;
/** Benchmark helper: `iterations` MACs of `data` with a precomputed key; returns the last byte. */
export function benchHmac(key: Uint8Array, data: Uint8Array, iterations: i32): u8 {
  if (benchKey == null) benchKey = new HmacSha256Key(key);
  const out = new Uint8Array(32);
  for (let i = 0; i < iterations; i++) benchKey!.macPtrInto(data.dataStart, data.length, out);
  return out[31];
}
