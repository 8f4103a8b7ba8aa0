// Earnings counters: which NUT-13 counters the next earnings outputs use (docs/earnings.md).
//
// Counters are lane * 2^32 + n. `n` comes from a counter shared by every VM of the proxy (host
// shared data, compare-and-swap), so worker threads never reuse one. When that shared counter is
// unknown (the proxy restarted), the gate finds where it stands by asking the mint which sampled
// counters it has signed (NUT-09 restore): first 2^i - 1 for i = 0..31, then 31 evenly spaced points
// inside the bracket, until the first unused counter above the highest used one is found.
// Counters of swaps the mint refused return to a per-VM free list, so refused payments leave no
// gaps for the collector.
import { GateHost } from "./host";

const LANE_SIZE: u64 = 1 << 32;

export class ProbeState {
  keysetId: string = "";
  /** Highest sample known to be used (lane-relative), or -1. */
  lo: i64 = -1;
  /** Lowest sample known to be unused (lane-relative), exclusive upper bound of the search. */
  hi: u64 = LANE_SIZE;
  /** Lane-relative counters asked about in the current round, ascending. */
  samples: Array<u64> = [];
  /** Their B_ (hex), in the same order. */
  blinded: Array<string> = [];
  rounds: i32 = 0;
  /** The search ended but the host could not store the counter. */
  failed: bool = false;
}

export class CounterBook {
  private free: Map<string, Array<u64>> = new Map();

  constructor(public host: GateHost, public lane: u32) {}

  counterOf(n: u64): u64 {
    return (<u64>this.lane) * LANE_SIZE + n;
  }

  key(keysetId: string): string {
    return "paygress/counter/" + keysetId + "/" + this.lane.toString();
  }

  /** Whether the shared counter of `keysetId` is set (else a probe must run first). */
  known(keysetId: string): bool {
    return this.host.reserveCounters(this.key(keysetId), 0) != U64.MAX_VALUE;
  }

  /** `n` lane-relative counters (free list first), or an empty array when the counter is unknown. */
  reserve(keysetId: string, n: i32): Array<u64> {
    const out = new Array<u64>();
    if (n == 0) return out;
    if (this.free.has(keysetId)) {
      const list = this.free.get(keysetId);
      while (out.length < n && list.length > 0) out.push(list.pop());
    }
    const rest = n - out.length;
    if (rest > 0) {
      const start = this.host.reserveCounters(this.key(keysetId), <u32>rest);
      if (start == U64.MAX_VALUE || start + <u64>rest > LANE_SIZE) {
        this.release(keysetId, out);
        return new Array<u64>();
      }
      for (let i = 0; i < rest; i++) out.push(start + <u64>i);
    }
    return out;
  }

  /** Returns counters the mint did not sign (or may not have signed) for reuse by this VM. */
  release(keysetId: string, counters: Array<u64>): void {
    if (counters.length == 0) return;
    if (!this.free.has(keysetId)) this.free.set(keysetId, new Array<u64>());
    const list = this.free.get(keysetId);
    for (let i = 0; i < counters.length; i++) if (list.length < 4096) list.push(counters[i]);
  }

  /** Starts a search; when `above` >= 0 every counter below it counts as used. */
  startProbe(keysetId: string, above: i64): ProbeState {
    // Drop the free list: after a collision its entries are suspect, and a fresh position is coming.
    if (this.free.has(keysetId)) this.free.delete(keysetId);
    const p = new ProbeState();
    p.keysetId = keysetId;
    const base: u64 = above >= 0 ? <u64>above : 0;
    p.lo = above >= 0 ? above - 1 : -1;
    // Exponential samples: base + 2^i - 1.
    for (let i = 0; i < 32; i++) {
      const s = base + ((<u64>1 << <u64>i) - 1);
      if (s >= LANE_SIZE) break;
      p.samples.push(s);
    }
    return p;
  }

  /**
   * Feeds the B_ values the mint knows (from restore). Returns true when the search is over (the
   * shared counter is then set, unless `p.failed`: the host could not store it); otherwise
   * prepares the next round's samples.
   */
  probeStep(p: ProbeState, known: Array<string>): bool {
    let highest: i64 = -1;
    let above: u64 = p.hi;
    for (let i = 0; i < p.samples.length; i++) {
      if (known.includes(p.blinded[i])) highest = <i64>p.samples[i];
    }
    if (highest > p.lo) p.lo = highest;
    // The first sample above the highest used one is unused: a tighter upper bound.
    for (let i = 0; i < p.samples.length; i++) {
      if (<i64>p.samples[i] > p.lo && !known.includes(p.blinded[i])) { above = p.samples[i]; break; }
    }
    if (above < p.hi) p.hi = above;
    p.rounds++;
    const lo: u64 = p.lo < 0 ? 0 : <u64>p.lo + 1; // first candidate
    if (p.hi <= lo || p.rounds >= 12) {
      const next: u64 = p.lo < 0 ? 0 : <u64>p.lo + 1;
      p.failed = !this.host.raiseCounter(this.key(p.keysetId), next);
      return true;
    }
    // Next round: up to 31 evenly spaced samples in [lo, hi).
    p.samples = [];
    p.blinded = [];
    const span = p.hi - lo;
    const count: u64 = span < 31 ? span : 31;
    for (let i: u64 = 0; i < count; i++) {
      const s = lo + (span * i) / count;
      if (p.samples.length == 0 || p.samples[p.samples.length - 1] != s) p.samples.push(s);
    }
    return false;
  }
}
