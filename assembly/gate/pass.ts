// Passes: what a payment buys for a while. A pass is an HMAC-SHA256-signed bearer string
//
//     p1.<key id>.<expiry, unix seconds>.<route id>.<base64url(HMAC(key, "p1.<kid>.<exp>.<route>"))>
//
// Verifying one is the hot path of every paid request after the first: no network, no JSON, one
// HMAC with precomputed key pads (two SHA-256 compressions for a short pass) and a constant-time
// comparison. Several keys verify (rotation: the first configured key signs); an unknown key id,
// a wrong route, an expiry in the past or any altered byte is rejected with a named reason.
import { HmacSha256Key } from "../core/crypto/hmac";
import { ctEqualPtr } from "../core/crypto/ct";
import { encodeBase64Url } from "../core/encoding/base64";
import { PassConfig } from "./config";

export const enum PassError {
  None = 0,
  Malformed,
  UnknownKey,
  Expired,
  WrongScope,
  BadSignature,
}

export function passErrorReason(e: PassError): string {
  switch (e) {
    case PassError.None: return "valid";
    case PassError.Malformed: return "the pass is malformed";
    case PassError.UnknownKey: return "the pass was signed with a key this gate no longer accepts";
    case PassError.Expired: return "the pass has expired";
    case PassError.WrongScope: return "the pass is for another route";
    case PassError.BadSignature: return "the pass signature is invalid";
  }
  return "invalid pass";
}

export function passErrorCode(e: PassError): string {
  switch (e) {
    case PassError.Malformed: return "pass_malformed";
    case PassError.UnknownKey: return "pass_unknown_key";
    case PassError.Expired: return "pass_expired";
    case PassError.WrongScope: return "pass_wrong_scope";
    case PassError.BadSignature: return "pass_bad_signature";
  }
  return "pass_valid";
}

const PREFIX = "p1.";
const MAC_CHARS = 43; // base64url of 32 bytes, unpadded
const MAX_PASS = 200;
const CACHE_SLOTS = 512; // power of two
const SLOT_BYTES = 128; // passes longer than this are verified but not cached

class SigningKey {
  constructor(public id: string, public hmac: HmacSha256Key) {}
}

/**
 * Passes this gate has already authenticated, so that a pass presented again (the common case:
 * one payment, many requests) costs a hash and a constant-time comparison instead of an HMAC. It
 * memoizes a deterministic function (the key set of a PassBook never changes), and a hit is an
 * exact byte-for-byte match compared in constant time, so it accepts exactly what verify() would.
 */
class PassCache {
  lens: StaticArray<i32> = new StaticArray<i32>(CACHE_SLOTS);
  exps: StaticArray<u64> = new StaticArray<u64>(CACHE_SLOTS);
  routes: Array<string> = new Array<string>(CACHE_SLOTS).fill("");
  bytes: Uint8Array = new Uint8Array(CACHE_SLOTS * SLOT_BYTES);

  slot(p: usize, len: i32): i32 {
    // FNV-1a; the slot depends only on the presented bytes, never on a secret.
    let h: u32 = 0x811c9dc5;
    for (let i = 0; i < len; i++) h = (h ^ <u32>load<u8>(p + <usize>i)) * 0x01000193;
    return <i32>(h & (CACHE_SLOTS - 1));
  }

  /** The slot holding exactly these bytes, or -1. */
  find(p: usize, len: i32): i32 {
    if (len > SLOT_BYTES) return -1;
    const s = this.slot(p, len);
    if (unchecked(this.lens[s]) != len) return -1;
    return ctEqualPtr(this.bytes.dataStart + <usize>s * SLOT_BYTES, p, len) ? s : -1;
  }

  store(p: usize, len: i32, route: string, exp: u64): void {
    if (len > SLOT_BYTES) return;
    const s = this.slot(p, len);
    memory.copy(this.bytes.dataStart + <usize>s * SLOT_BYTES, p, len);
    unchecked(this.lens[s] = len);
    unchecked(this.exps[s] = exp);
    this.routes[s] = route;
  }
}

export class PassBook {
  private keys: Array<SigningKey> = [];
  private mac: Uint8Array = new Uint8Array(32);
  private buf: Uint8Array = new Uint8Array(256);
  private cache: PassCache = new PassCache();

  constructor(public config: PassConfig) {
    for (let i = 0; i < config.keys.length; i++) {
      this.keys.push(new SigningKey(config.keys[i].id, new HmacSha256Key(config.keys[i].secret)));
    }
  }

  get enabled(): bool {
    return this.config.ttlSeconds > 0 && this.keys.length > 0;
  }

  /** A new pass for `routeId`, valid until `expiresAt` (unix seconds), signed with the first key. */
  issue(routeId: string, expiresAt: u64): string {
    const key = this.keys[0];
    const body = PREFIX + key.id + "." + expiresAt.toString() + "." + routeId;
    const n = this.ascii(body, body.length);
    key.hmac.macPtrInto(this.buf.dataStart, n, this.mac);
    return body + "." + encodeBase64Url(this.mac);
  }

  /** Checks a presented pass for `routeId` at time `now` (unix seconds). */
  verify(pass: string, routeId: string, now: u64): PassError {
    if (pass.length > MAX_PASS) return PassError.Malformed;
    const n = this.ascii(pass, pass.length);
    if (n < 0) return PassError.Malformed;
    return this.verifyRaw(this.buf.dataStart, n, routeId, now);
  }

  /**
   * verify() on the pass as raw bytes [p, p+len) — the adapter passes the header value where the
   * host put it, so checking a pass allocates nothing.
   */
  verifyRaw(p: usize, len: i32, routeId: string, now: u64): PassError {
    const hit = this.cache.find(p, len);
    if (hit >= 0) {
      if (this.cache.routes[hit] != routeId) return PassError.WrongScope;
      if (unchecked(this.cache.exps[hit]) <= now) return PassError.Expired;
      return PassError.None;
    }
    return this.verifyUncached(p, len, routeId, now);
  }

  /** The full check: parse, find the key, HMAC, constant-time compare, scope and expiry. */
  private verifyUncached(p: usize, len: i32, routeId: string, now: u64): PassError {
    if (len > MAX_PASS || len < 4 || load<u8>(p) != 0x70 || load<u8>(p + 1) != 0x31 || load<u8>(p + 2) != 0x2e) return PassError.Malformed;
    // p1.<kid>.<exp>.<route>.<mac>: find the separators.
    const d2 = indexOfDot(p, 3, len);
    if (d2 < 0) return PassError.Malformed;
    const d3 = indexOfDot(p, d2 + 1, len);
    if (d3 < 0) return PassError.Malformed;
    const d4 = lastIndexOfDot(p, len);
    if (d4 <= d3 || len - d4 - 1 != MAC_CHARS) return PassError.Malformed;

    // Expiry: decimal digits only, no overflow.
    if (d3 - d2 - 1 < 1 || d3 - d2 - 1 > 19) return PassError.Malformed;
    let exp: u64 = 0;
    for (let i = d2 + 1; i < d3; i++) {
      const c = <u32>load<u8>(p + <usize>i);
      if (c < 0x30 || c > 0x39) return PassError.Malformed;
      exp = exp * 10 + <u64>(c - 0x30);
    }
    for (let i = 0; i < d4; i++) if (load<u8>(p + <usize>i) > 0x7e) return PassError.Malformed;

    const key = this.findKey(p, 3, d2);
    if (key == null) return PassError.UnknownKey;

    // Authenticate before trusting the route or the expiry in it.
    key.hmac.macPtrInto(p, d4, this.mac);
    if (!macMatches(this.mac, p + <usize>d4 + 1)) return PassError.BadSignature;

    // Authentic: remember it (with its own route and expiry) before judging scope and time.
    this.cache.store(p, len, routeId.length == d4 - d3 - 1 && rangeEqualsAscii(p, d3 + 1, d4, routeId)
      ? routeId : String.UTF8.decodeUnsafe(p + <usize>d3 + 1, <usize>(d4 - d3 - 1)), exp);
    if (!rangeEqualsAscii(p, d3 + 1, d4, routeId)) return PassError.WrongScope;
    if (exp <= now) return PassError.Expired;
    return PassError.None;
  }

  private findKey(p: usize, start: i32, end: i32): SigningKey | null {
    for (let i = 0; i < this.keys.length; i++) {
      if (rangeEqualsAscii(p, start, end, this.keys[i].id)) return this.keys[i];
    }
    return null;
  }

/** Copies the first `len` characters of an ASCII string into the scratch buffer; -1 if not ASCII. */
  private ascii(s: string, len: i32): i32 {
    if (len > this.buf.length) this.buf = new Uint8Array(len * 2);
    const dst = this.buf.dataStart;
    const src = changetype<usize>(s);
    for (let i = 0; i < len; i++) {
      const c = load<u16>(src + (<usize>i << 1));
      if (c > 0x7e) return -1;
      store<u8>(dst + i, <u8>c);
    }
    return len;
  }
}

function indexOfDot(p: usize, from: i32, len: i32): i32 {
  for (let i = from; i < len; i++) if (load<u8>(p + <usize>i) == 0x2e) return i;
  return -1;
}

function lastIndexOfDot(p: usize, len: i32): i32 {
  for (let i = len - 1; i >= 0; i--) if (load<u8>(p + <usize>i) == 0x2e) return i;
  return -1;
}

/** Whether the bytes [p+start, p+end) equal the ASCII string `what`. */
function rangeEqualsAscii(p: usize, start: i32, end: i32, what: string): bool {
  if (end - start != what.length) return false;
  const w = changetype<usize>(what);
  for (let i = 0; i < what.length; i++) {
    if (<u32>load<u8>(p + <usize>(start + i)) != <u32>load<u16>(w + (<usize>i << 1))) return false;
  }
  return true;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Constant-time check that the 43 bytes at `s` are the unpadded base64url encoding of `mac`:
 * encodes the expected characters on the fly and ORs all differences, so timing does not reveal
 * where a forged MAC first differs.
 */
function macMatches(mac: Uint8Array, s: usize): bool {
  const alpha = changetype<usize>(B64URL);
  const m = mac.dataStart;
  let diff: u32 = 0;
  let j: usize = 0;
  for (let i = 0; i < 30; i += 3) {
    const v = (<u32>load<u8>(m + i) << 16) | (<u32>load<u8>(m + i + 1) << 8) | <u32>load<u8>(m + i + 2);
    diff |= <u32>load<u8>(s + j) ^ <u32>load<u16>(alpha + ((v >> 18) << 1));
    diff |= <u32>load<u8>(s + j + 1) ^ <u32>load<u16>(alpha + (((v >> 12) & 63) << 1));
    diff |= <u32>load<u8>(s + j + 2) ^ <u32>load<u16>(alpha + (((v >> 6) & 63) << 1));
    diff |= <u32>load<u8>(s + j + 3) ^ <u32>load<u16>(alpha + ((v & 63) << 1));
    j += 4;
  }
  // Last two bytes -> three characters.
  const v = (<u32>load<u8>(m + 30) << 8) | <u32>load<u8>(m + 31);
  diff |= <u32>load<u8>(s + j) ^ <u32>load<u16>(alpha + ((v >> 10) << 1));
  diff |= <u32>load<u8>(s + j + 1) ^ <u32>load<u16>(alpha + (((v >> 4) & 63) << 1));
  diff |= <u32>load<u8>(s + j + 2) ^ <u32>load<u16>(alpha + (((v & 15) << 2) << 1));
  return diff == 0;
}
