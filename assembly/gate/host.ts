// What the gate needs from its host beyond request data, as an interface: time, randomness and an
// atomic shared counter. The proxy-wasm adapter implements it with proxy_get_current_time,
// WASI random_get and proxy_{get,set}_shared_data (compare-and-swap); unit tests use a fake.

export abstract class GateHost {
  /** Unix time in seconds. */
  abstract nowSeconds(): u64;
  /** `n` bytes from the host's CSPRNG. */
  abstract randomBytes(n: i32): Uint8Array;
  /**
   * Atomically reserves `n` consecutive values of the shared counter `key` (shared by every VM of
   * this proxy) and returns the first. Returns U64.MAX_VALUE when the counter has never been set:
   * the caller must discover where it stands first and call raiseCounter.
   */
  abstract reserveCounters(key: string, n: u32): u64;
  /** Sets the shared counter `key` to at least `next`; false when the host could not store it. */
  abstract raiseCounter(key: string, next: u64): bool;
}
