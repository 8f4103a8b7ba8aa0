// NUT-10 well-known secrets and NUT-11 P2PK: building a secret (deterministic given its nonce),
// parsing one strictly, deciding whether a proof is locked to exactly one key with no way back to
// the payer (the gate's "locked" mode), and parsing P2PK witnesses.
//
// Strict parsing follows NUT-10/11: tags are arrays of one or more non-empty strings; each of
// sigflag, n_sigs, pubkeys, locktime, refund, n_sigs_refund appears at most once; sigflag is
// SIG_INPUTS or SIG_ALL; n_sigs/n_sigs_refund are positive and within their pathway's key count;
// keys are 33-byte compressed points and appear at most once per pathway (compared by
// x-coordinate, as NUT-11 requires). A locktime that is not a valid unix time means a permanent
// lock per NUT-11; parsing records it as LocktimeState.Invalid, and the exclusive-lock check
// refuses it, because mints may not all read it that way and the operator must be able to redeem.
//
// Signature checking (BIP-340 Schnorr) belongs to the crypto layer: countValidSigners() takes the
// verifier as a function, so this file stays free of curve arithmetic.

import { JsonArray, JsonObject, JsonParser, JsonWriter } from "../json";
import { sha256String } from "../crypto/sha256";
import { P2pkError, p2pkErrorReason } from "./errors";
import { hexToBytes } from "./keyset-id";

export const enum SigFlag { SigInputs = 0, SigAll = 1 }

export const enum LocktimeState { Absent = 0, Valid = 1, Invalid = 2 }

/** Bounds for secret parsing. */
export class P2pkLimits {
  maxSecretLength: i32 = 4096;
  maxTags: i32 = 32;
  /** Strings per tag, key included. */
  maxTagStrings: i32 = 16;
  maxSignatures: i32 = 16;
}

export const DEFAULT_P2PK_LIMITS = new P2pkLimits();

/** A NUT-10 secret: [kind, {nonce, data, tags?}]. */
export class WellKnownSecret {
  kind: string = "";
  nonce: string = "";
  data: string = "";
  tags: Array<Array<string>> = [];
}

export class WellKnownResult {
  error: P2pkError = P2pkError.None;
  secret: WellKnownSecret | null = null;
}

/** A parsed P2PK secret. Keys are 33-byte compressed points. */
export class P2pkSecret {
  nonce: string = "";
  /** Secret.data: the primary locking key. */
  dataKey: Uint8Array = new Uint8Array(0);
  sigflag: SigFlag = SigFlag.SigInputs;
  /** n_sigs; 1 when absent. */
  nSigs: i32 = 1;
  hasNSigs: bool = false;
  /** Keys of the `pubkeys` tag (not including dataKey). */
  pubkeys: Array<Uint8Array> = [];
  hasPubkeysTag: bool = false;
  locktime: u64 = 0;
  locktimeState: LocktimeState = LocktimeState.Absent;
  refund: Array<Uint8Array> = [];
  hasRefundTag: bool = false;
  /** n_sigs_refund; 1 when absent. */
  nSigsRefund: i32 = 1;
  hasNSigsRefund: bool = false;
  /** Tags other than the six NUT-11 defines. */
  unknownTags: Array<Array<string>> = [];
}

export class P2pkResult {
  error: P2pkError = P2pkError.None;
  secret: P2pkSecret | null = null;

  get ok(): bool { return this.error == P2pkError.None; }

  reason(): string { return p2pkErrorReason(this.error); }
}

/**
 * The JSON text of a NUT-10 secret, compact, in the key order wallets use (nonce, data, tags);
 * `tags` is left out when empty, as cashu-ts does. Deterministic: same inputs, same string.
 */
export function buildWellKnownSecret(kind: string, nonce: string, data: string, tags: Array<Array<string>>): string {
  const w = new JsonWriter();
  w.beginArray().str(kind).beginObject().kstr("nonce", nonce).kstr("data", data);
  if (tags.length > 0) {
    w.key("tags").beginArray();
    for (let i = 0; i < tags.length; i++) {
      w.beginArray();
      const t = tags[i];
      for (let k = 0; k < t.length; k++) w.str(t[k]);
      w.endArray();
    }
    w.endArray();
  }
  w.endObject().endArray();
  return w.toString();
}

/** A P2PK secret locking to `pubkeyHex` (lower-case it first if it is not). */
export function buildP2pkSecret(nonce: string, pubkeyHex: string, tags: Array<Array<string>> = []): string {
  return buildWellKnownSecret("P2PK", nonce, pubkeyHex, tags);
}

/** Parses the NUT-10 structure of a secret; NotWellKnown for plain (random) secrets. */
export function parseWellKnownSecret(secret: string, limits: P2pkLimits = DEFAULT_P2PK_LIMITS): WellKnownResult {
  const out = new WellKnownResult();
  if (secret.length > limits.maxSecretLength) { out.error = P2pkError.SecretTooLong; return out; }
  // Cheap pre-check: random hex secrets (the common case) are not JSON arrays.
  if (secret.length == 0 || secret.charCodeAt(0) != 0x5b) { out.error = P2pkError.NotWellKnown; return out; }
  const parser = new JsonParser();
  // [kind, {tags: [[…]]}] needs 4 levels; a little room for unknown members.
  parser.maxDepth = 8;
  parser.maxLength = limits.maxSecretLength;
  const root = parser.parse(secret);
  let arr: JsonArray | null = null;
  if (root != null) arr = root.asArray();
  if (arr == null || arr.length != 2) { out.error = P2pkError.NotWellKnown; return out; }
  const kind = arr.at(0).asString();
  const body = arr.at(1).asObject();
  if (kind == null || body == null) { out.error = P2pkError.NotWellKnown; return out; }
  const s = new WellKnownSecret();
  s.kind = kind;
  const nonce = body.getString("nonce");
  if (nonce == null || nonce.length == 0) { out.error = P2pkError.BadNonce; return out; }
  s.nonce = nonce;
  const data = body.getString("data");
  if (data == null) { out.error = P2pkError.NotWellKnown; return out; }
  s.data = data;
  const tagsV = body.get("tags");
  if (tagsV != null) {
    const tags = tagsV.asArray();
    if (tags == null) { out.error = P2pkError.BadTag; return out; }
    const e = readTags(tags, s.tags, limits);
    if (e != P2pkError.None) { out.error = e; return out; }
  }
  out.secret = s;
  return out;
}

function readTags(tags: JsonArray, out: Array<Array<string>>, limits: P2pkLimits): P2pkError {
  if (tags.length > limits.maxTags) return P2pkError.TooManyTags;
  for (let i = 0; i < tags.length; i++) {
    const t = tags.at(i).asArray();
    if (t == null || t.length == 0) return P2pkError.BadTag;
    if (t.length > limits.maxTagStrings) return P2pkError.TooManyTags;
    const strs = new Array<string>(t.length);
    for (let k = 0; k < t.length; k++) {
      const v = t.at(k).asString();
      if (v == null || v.length == 0) return P2pkError.BadTag;
      strs[k] = v;
    }
    out.push(strs);
  }
  return P2pkError.None;
}

/** Parses and validates a P2PK secret. NotWellKnown / NotP2pk for other secrets. */
export function parseP2pkSecret(secret: string, limits: P2pkLimits = DEFAULT_P2PK_LIMITS): P2pkResult {
  const out = new P2pkResult();
  const wk = parseWellKnownSecret(secret, limits);
  if (wk.error != P2pkError.None) { out.error = wk.error; return out; }
  const s = wk.secret!;
  if (s.kind != "P2PK") { out.error = P2pkError.NotP2pk; return out; }
  const p = new P2pkSecret();
  p.nonce = s.nonce;
  const dk = parseKey(s.data);
  if (dk == null) { out.error = P2pkError.BadPublicKey; return out; }
  p.dataKey = dk;
  let seen = 0;
  for (let i = 0; i < s.tags.length; i++) {
    const t = s.tags[i];
    const name = t[0];
    const bit = knownTagBit(name);
    if (bit == 0) { p.unknownTags.push(t); continue; }
    if ((seen & bit) != 0) { out.error = P2pkError.DuplicateTag; return out; }
    seen |= bit;
    if (bit == TAG_SIGFLAG) {
      if (t.length != 2) { out.error = P2pkError.BadSigflag; return out; }
      if (t[1] == "SIG_INPUTS") p.sigflag = SigFlag.SigInputs;
      else if (t[1] == "SIG_ALL") p.sigflag = SigFlag.SigAll;
      else { out.error = P2pkError.BadSigflag; return out; }
    } else if (bit == TAG_NSIGS || bit == TAG_NSIGS_REFUND) {
      const n = t.length == 2 ? parseSmallPositive(t[1]) : -1;
      if (n <= 0) { out.error = P2pkError.BadNSigs; return out; }
      if (bit == TAG_NSIGS) { p.nSigs = n; p.hasNSigs = true; }
      else { p.nSigsRefund = n; p.hasNSigsRefund = true; }
    } else if (bit == TAG_PUBKEYS || bit == TAG_REFUND) {
      const keys = new Array<Uint8Array>();
      for (let k = 1; k < t.length; k++) {
        const key = parseKey(t[k]);
        if (key == null) { out.error = P2pkError.BadPublicKey; return out; }
        keys.push(key);
      }
      if (bit == TAG_PUBKEYS) { p.pubkeys = keys; p.hasPubkeysTag = true; }
      else { p.refund = keys; p.hasRefundTag = true; }
    } else {
      // locktime
      const v = t.length == 2 ? parseUnixTime(t[1]) : -1;
      if (v < 0) p.locktimeState = LocktimeState.Invalid;
      else {
        p.locktime = <u64>v;
        p.locktimeState = LocktimeState.Valid;
      }
    }
  }
  // Each pathway: no key twice (by x-coordinate); n_sigs within the pathway's key count.
  const main = new Array<Uint8Array>();
  main.push(p.dataKey);
  for (let i = 0; i < p.pubkeys.length; i++) main.push(p.pubkeys[i]);
  if (hasDuplicateX(main) || hasDuplicateX(p.refund)) { out.error = P2pkError.DuplicateKey; return out; }
  if (p.nSigs > main.length) { out.error = P2pkError.BadNSigs; return out; }
  if (p.hasNSigsRefund && p.nSigsRefund > p.refund.length) { out.error = P2pkError.BadNSigs; return out; }
  out.secret = p;
  return out;
}

const TAG_SIGFLAG = 1, TAG_NSIGS = 2, TAG_PUBKEYS = 4, TAG_LOCKTIME = 8, TAG_REFUND = 16, TAG_NSIGS_REFUND = 32;

function knownTagBit(name: string): i32 {
  if (name == "sigflag") return TAG_SIGFLAG;
  if (name == "n_sigs") return TAG_NSIGS;
  if (name == "pubkeys") return TAG_PUBKEYS;
  if (name == "locktime") return TAG_LOCKTIME;
  if (name == "refund") return TAG_REFUND;
  if (name == "n_sigs_refund") return TAG_NSIGS_REFUND;
  return 0;
}

/** A compressed public key from hex (either case), or null. */
function parseKey(hex: string): Uint8Array | null {
  const k = hexToBytes(hex, 33);
  if (k == null || (k[0] != 0x02 && k[0] != 0x03)) return null;
  return k;
}

/** Canonical decimal 1..1000000, or -1. (n_sigs beyond any realistic key count is malformed.) */
function parseSmallPositive(s: string): i32 {
  if (s.length == 0 || s.length > 7 || s.charCodeAt(0) == 0x30) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v <= 1000000 ? v : -1;
}

/** A unix time in canonical decimal ("0" allowed; no sign, no leading zeros), or -1. */
function parseUnixTime(s: string): i64 {
  const n = s.length;
  if (n == 0 || n > 18 || (n > 1 && s.charCodeAt(0) == 0x30)) return -1;
  let v: i64 = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + <i64>(c - 0x30);
  }
  return v;
}

function hasDuplicateX(keys: Array<Uint8Array>): bool {
  for (let i = 1; i < keys.length; i++) {
    for (let j = 0; j < i; j++) {
      if (memory.compare(keys[i].dataStart + 1, keys[j].dataStart + 1, 32) == 0) return true;
    }
  }
  return false;
}

/** What "locked to us" means for the gate's locked mode. */
export class ExclusiveLockPolicy {
  /** The operator's key (33-byte compressed; matched by x-coordinate). */
  pubkey: Uint8Array = new Uint8Array(0);
  /** The locktime, if present, must be at least this (unix seconds). */
  minLocktime: u64 = 0;
  /** Accept a secret without locktime (a permanent lock). */
  allowNoLocktime: bool = true;
  /** Accept SIG_ALL (needs all inputs of a redemption swap to share data and tags). */
  allowSigAll: bool = false;
}

/**
 * None when `secret` is a P2PK secret spendable by exactly `policy.pubkey` and nobody else, ever:
 * no extra keys, no refund path, no unknown tags, and a locktime (after which a proof without
 * refund keys becomes spendable by anyone, NUT-11) of at least policy.minLocktime, or none.
 */
export function checkExclusiveLock(secret: string, policy: ExclusiveLockPolicy, limits: P2pkLimits = DEFAULT_P2PK_LIMITS): P2pkError {
  const r = parseP2pkSecret(secret, limits);
  if (r.error != P2pkError.None) return r.error;
  const p = r.secret!;
  if (policy.pubkey.length != 33 || memory.compare(p.dataKey.dataStart + 1, policy.pubkey.dataStart + 1, 32) != 0) {
    return P2pkError.WrongKey;
  }
  if (p.pubkeys.length > 0) return P2pkError.ExtraKeys;
  if (p.hasRefundTag || p.hasNSigsRefund) return P2pkError.RefundPath;
  if (p.unknownTags.length > 0) return P2pkError.UnknownTag;
  if (p.locktimeState == LocktimeState.Invalid) return P2pkError.BadLocktime;
  if (p.locktimeState == LocktimeState.Absent) {
    if (!policy.allowNoLocktime) return P2pkError.LocktimeTooSoon;
  } else if (p.locktime < policy.minLocktime) return P2pkError.LocktimeTooSoon;
  if (p.sigflag == SigFlag.SigAll && !policy.allowSigAll) return P2pkError.SigAllNotAllowed;
  return P2pkError.None;
}

export class P2pkWitnessResult {
  error: P2pkError = P2pkError.None;
  /** 64-byte BIP-340 signatures. */
  signatures: Array<Uint8Array> = [];
}

/** Parses {"signatures": [hex64, …]} (other members, e.g. an HTLC preimage, are ignored). */
export function parseP2pkWitness(witness: string, limits: P2pkLimits = DEFAULT_P2PK_LIMITS): P2pkWitnessResult {
  const out = new P2pkWitnessResult();
  const parser = new JsonParser();
  parser.maxDepth = 4;
  parser.maxLength = limits.maxSecretLength + limits.maxSignatures * 132;
  const root = parser.parse(witness);
  let o: JsonObject | null = null;
  if (root != null) o = root.asObject();
  if (o == null) { out.error = P2pkError.BadWitness; return out; }
  const sigs = o.getArray("signatures");
  if (sigs == null) { out.error = P2pkError.BadWitness; return out; }
  if (sigs.length > limits.maxSignatures) { out.error = P2pkError.TooManySignatures; return out; }
  for (let i = 0; i < sigs.length; i++) {
    const h = sigs.at(i).asString();
    let b: Uint8Array | null = null;
    if (h != null) b = hexToBytes(h, 64);
    if (b == null) { out.error = P2pkError.BadWitness; return out; }
    out.signatures.push(b);
  }
  return out;
}

/** SHA-256 of the secret string: the message a P2PK (SIG_INPUTS) signature signs. */
export function p2pkMessageHash(secret: string): Uint8Array {
  return sha256String(secret);
}

/**
 * BIP-340 verification seam, implemented by the crypto layer: true when `sig` (64 bytes) is a
 * valid signature of `msg32` by the x-only key `xonly` (32 bytes).
 */
export type SchnorrVerify = (sig: Uint8Array, msg32: Uint8Array, xonly: Uint8Array) => bool;

/**
 * How many distinct keys of `keys` (33-byte compressed) have a valid signature in `sigs` on
 * `msg32` (NUT-11 counts signers, not signatures).
 */
export function countValidSigners(msg32: Uint8Array, sigs: Array<Uint8Array>, keys: Array<Uint8Array>, verify: SchnorrVerify): i32 {
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    const xonly = keys[i].subarray(1, 33);
    for (let j = 0; j < sigs.length; j++) {
      if (verify(sigs[j], msg32, xonly)) {
        n++;
        break;
      }
    }
  }
  return n;
}
