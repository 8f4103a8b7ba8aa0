// What the gate needs from its host beyond request data, as an interface: time, randomness and
// shared memory with compare-and-swap (counters, payment records). The proxy-wasm adapter
// implements it with proxy_get_current_time, WASI random_get and proxy_{get,set}_shared_data; unit
// tests use a fake.

/** A shared-data value as read: `found` false when the key was never set. */
export class SharedBytes {
  found: bool = false;
  value: Uint8Array = new Uint8Array(0);
  cas: u32 = 0;
}

export const enum StoreResult { Ok = 0, CasMismatch = 1, Failed = 2 }

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
  /** Reads shared data `key` into `out`; false when the host failed (not: when the key is absent). */
  abstract loadShared(key: string, out: SharedBytes): bool;
  /** Writes shared data `key` if its cas is still `cas` (0: unconditionally). */
  abstract storeShared(key: string, value: Uint8Array, cas: u32): StoreResult;
}
