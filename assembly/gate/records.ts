// Payment records: what the gate remembers about each token it redeems, so that no payment
// outcome is lost (DESIGN.md money rule 7; docs/earnings.md "Lost answers").
//
// Before a swap is sent the gate writes a record keyed by the token's payment id (outputs.ts
// paymentId: a hash of the token's secrets): its route, the earnings counters and the change it
// asks the mint to sign. The record then follows the payment:
//
//   Pending ──200──▶ Granted ──response headers sent──▶ Delivered
//      │                 └──request ended without a response (client gone)──▶ Lost
//      └──no answer, 5xx, an unusable 200──▶ Unknown
//
// The same token presented again is answered from its record: Pending → 402 token_pending,
// Granted/Delivered → 402 token_spent (no mint call), Unknown/Lost → the gate asks the mint
// (NUT-09 restore) whether the recorded earnings outputs were signed: if they were, the swap
// happened and the payer gets the access and change it paid for; if not, the token is processed
// as a new payment. Only the gate can derive the earnings outputs (they need the operator's
// seed), so a payer who spent the token elsewhere cannot pass for one whose answer was lost.
//
// Records live in host shared data (every VM and worker of one proxy: Envoy's shared data,
// ngx_wasm_module's shm, the native shim's shared store) in SLOTS fixed keys, so memory is
// bounded: a record goes to the first reusable of PROBE slots after its hash (a slot is reusable
// when it was never written, its record is Delivered or released, or it is older than RETAIN_S).
// Records are per proxy: a token retried at another replica, or after a restart, is judged by the
// mint alone (docs/earnings.md says what that means).
import { GateHost, SharedBytes, StoreResult } from "./host";
import { fromHex, toHex } from "../core/encoding/hex";

export const enum RecordState { Free = 0, Pending = 1, Unknown = 2, Granted = 3, Delivered = 4, Lost = 5 }

export const RECORD_SLOTS: u32 = 512;
const PROBE: u32 = 8;
/** Records the payer may still come back for are kept at least this long. */
export const RETAIN_S: u64 = 86400;
/** A Pending record older than this lost its request (a VM restarted mid-call): treat as Unknown. */
export const PENDING_STALE_S: u64 = 130;
/** Earnings outputs a record holds at most (the value must fit the hosts' 256-byte limit). */
export const MAX_RECORD_OUTPUTS: i32 = 32;
const ID_BYTES = 16;
const VERSION: u8 = 1;

export class PaymentRecord {
  state: RecordState = RecordState.Free;
  routeIndex: i32 = 0;
  /** The first ID_BYTES of the payment id. */
  id: Uint8Array = new Uint8Array(ID_BYTES);
  created: u64 = 0;
  passExpires: u64 = 0;
  amount: u64 = 0;
  fee: u64 = 0;
  earned: u64 = 0;
  change: u64 = 0;
  keysetId: string = "";
  /** Lane-relative earnings counters, parallel to the earnings amounts (largest first). */
  counters: Array<u64> = [];

  /** version(1) state(1) route(2) n(1) klen(1) id(16) created passExpires amount fee earned change (8 each) keyset(klen) counters(4n) */
  encode(): Uint8Array | null {
    const kid = fromHex(this.keysetId);
    if (kid == null || kid.length > 64 || this.counters.length > MAX_RECORD_OUTPUTS) return null;
    const n = this.counters.length;
    const out = new Uint8Array(70 + kid.length + 4 * n);
    const p = out.dataStart;
    store<u8>(p, VERSION);
    store<u8>(p + 1, <u8>this.state);
    store<u16>(p + 2, <u16>this.routeIndex);
    store<u8>(p + 4, <u8>n);
    store<u8>(p + 5, <u8>kid.length);
    memory.copy(p + 6, this.id.dataStart, ID_BYTES);
    store<u64>(p + 22, this.created);
    store<u64>(p + 30, this.passExpires);
    store<u64>(p + 38, this.amount);
    store<u64>(p + 46, this.fee);
    store<u64>(p + 54, this.earned);
    store<u64>(p + 62, this.change);
    memory.copy(p + 70, kid.dataStart, kid.length);
    for (let i = 0; i < n; i++) {
      const c = this.counters[i];
      if (c > 0xffffffff) return null;
      store<u32>(p + 70 + <usize>kid.length + 4 * <usize>i, <u32>c);
    }
    return out;
  }

  static decode(b: Uint8Array): PaymentRecord | null {
    if (b.length < 70 || b[0] != VERSION) return null;
    const p = b.dataStart;
    const n = <i32>load<u8>(p + 4);
    const kl = <i32>load<u8>(p + 5);
    if (b.length != 70 + kl + 4 * n) return null;
    const r = new PaymentRecord();
    r.state = <RecordState>load<u8>(p + 1);
    r.routeIndex = <i32>load<u16>(p + 2);
    memory.copy(r.id.dataStart, p + 6, ID_BYTES);
    r.created = load<u64>(p + 22);
    r.passExpires = load<u64>(p + 30);
    r.amount = load<u64>(p + 38);
    r.fee = load<u64>(p + 46);
    r.earned = load<u64>(p + 54);
    r.change = load<u64>(p + 62);
    r.keysetId = toHex(b.subarray(70, 70 + kl));
    for (let i = 0; i < n; i++) r.counters.push(<u64>load<u32>(p + 70 + <usize>kl + 4 * <usize>i));
    return r;
  }

  sameId(id: Uint8Array): bool {
    for (let i = 0; i < ID_BYTES; i++) if (this.id[i] != id[i]) return false;
    return true;
  }

  /** The state the gate acts on: a Pending record whose request vanished counts as Unknown. */
  effectiveState(now: u64): RecordState {
    if (this.state == RecordState.Pending && now > this.created + PENDING_STALE_S) return RecordState.Unknown;
    return this.state;
  }

  reusable(now: u64): bool {
    return this.state == RecordState.Free || this.state == RecordState.Delivered || now > this.created + RETAIN_S;
  }
}

/** Where a record was found or is to be written. */
export class RecordSlot {
  slot: i32 = -1;
  cas: u32 = 0;
  record: PaymentRecord | null = null;
}

export class RecordBook {
  private sb: SharedBytes = new SharedBytes();
  constructor(public host: GateHost) {}

  private key(slot: u32): string {
    return "paygress/pay/" + slot.toString();
  }

  private home(id: Uint8Array): u32 {
    return ((<u32>id[0] << 8) | <u32>id[1]) % RECORD_SLOTS;
  }

  /**
   * Looks up the record of payment `id`. Returns the slot holding it (record set), else the slot a
   * new record should go to (record null; slot -1 when none of its slots is free).
   */
  find(id: Uint8Array, now: u64): RecordSlot {
    const out = new RecordSlot();
    const h = this.home(id);
    for (let k: u32 = 0; k < PROBE; k++) {
      const s = (h + k) % RECORD_SLOTS;
      if (!this.host.loadShared(this.key(s), this.sb)) return out;
      if (!this.sb.found) {
        if (out.slot < 0) { out.slot = <i32>s; out.cas = 0; }
        break; // records are written at the first usable slot: none lies beyond a never-used one
      }
      const r = PaymentRecord.decode(this.sb.value);
      if (r != null && r.sameId(id)) {
        out.slot = <i32>s;
        out.cas = this.sb.cas;
        out.record = r;
        return out;
      }
      if (out.slot < 0 && (r == null || r.reusable(now))) { out.slot = <i32>s; out.cas = this.sb.cas; }
    }
    return out;
  }

  /** Writes `r` to `slot`; false when it could not (full store, or the slot changed under us). */
  write(slot: RecordSlot, r: PaymentRecord): bool {
    if (slot.slot < 0) return false;
    const bytes = r.encode();
    if (bytes == null) return false;
    const key = this.key(<u32>slot.slot);
    let res = this.host.storeShared(key, bytes, slot.cas);
    // Updating our own record with cas 0 means "unconditionally" in Envoy; hosts that take cas 0 as
    // "only if absent" (ngx_wasm_module) refuse it: read the current cas, and write again if the
    // slot still holds this payment.
    for (let attempt = 0; res == StoreResult.CasMismatch && slot.record != null && attempt < 3; attempt++) {
      if (!this.host.loadShared(key, this.sb)) return false;
      let cas: u32 = 0;
      if (this.sb.found) {
        const cur = PaymentRecord.decode(this.sb.value);
        if (cur == null || !cur.sameId(r.id)) return false;
        cas = this.sb.cas;
      }
      res = this.host.storeShared(key, bytes, cas);
    }
    if (res != StoreResult.Ok) return false;
    // Our own later updates of this slot are unconditional (nobody else reuses a live record).
    slot.cas = 0;
    slot.record = r;
    return true;
  }

  /** Moves a record to `state` (a no-op without a slot). */
  update(slot: RecordSlot | null, state: RecordState): void {
    if (slot == null || slot.record == null) return;
    const r = slot.record!;
    if (r.state == state) return;
    r.state = state;
    this.write(slot, r);
  }
}
