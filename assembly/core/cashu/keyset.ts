// NUT-01/NUT-02 keysets: parsing the mint's GET /v1/keys (and /v1/keys/{id}) and GET /v1/keysets
// responses, deriving keyset ids (v1 "00…" and v2 "01…"), checking that a keyset's keys hash to its
// id, and resolving the short v2 ids of V4 tokens against the full ids a mint lists.
//
// Checking ids matters: a proof's keyset id decides which fee the gate charges and which keys sign
// change, so keys that do not hash to their id are refused (KeysetIdMismatch), as NUT-02 advises.
//
// v2 derivation follows the reference implementations (Nutshell, cashu-ts): the unit is used as
// the mint wrote it. NUT-02's text says "lowercase unit"; for the lower-case units mints use the
// two agree.

import { JsonError, JsonObject, JsonParser, JsonValue, U64Result } from "../json";
import { Sha256, sha256 } from "../crypto/sha256";
import { KeysetError, keysetErrorReason } from "./errors";
import { KeysetIdKind, classifyKeysetIdHex, hexOf, hexOfBytes, hexToBytes, lowerHex } from "./keyset-id";
import { isValidUnit } from "./mint-url";

export class Keyset {
  /** Lower-case hex id. */
  id: string = "";
  unit: string = "";
  /** Whether the mint signs new outputs with it (absent in old responses: assumed true). */
  active: bool = true;
  /** NUT-02 fee per input in parts per thousand (absent or null: 0). */
  inputFeePpk: u64 = 0;
  finalExpiry: u64 = 0;
  hasFinalExpiry: bool = false;
  /** Amounts in ascending order, parallel to `pubkeys` (empty for /v1/keysets entries). */
  amounts: Array<u64> = [];
  /** 33-byte compressed public keys. */
  pubkeys: Array<Uint8Array> = [];

  hasKeys(): bool { return this.amounts.length > 0; }

  /** Index of `amount` in `amounts`, or -1 (binary search). */
  indexOfAmount(amount: u64): i32 {
    let lo = 0;
    let hi = this.amounts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = unchecked(this.amounts[mid]);
      if (v == amount) return mid;
      if (v < amount) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The public key for `amount`, or null. */
  keyFor(amount: u64): Uint8Array | null {
    const i = this.indexOfAmount(amount);
    return i < 0 ? null : this.pubkeys[i];
  }
}

export class KeysetLimits {
  maxLength: i32 = 1 << 20;
  maxKeysets: i32 = 64;
  maxKeys: i32 = 128;
  maxUnitLength: i32 = 32;
}

export const DEFAULT_KEYSET_LIMITS = new KeysetLimits();

export class KeysetsResult {
  error: KeysetError = KeysetError.None;
  detail: string = "";
  keysets: Array<Keyset> = [];
  /** Entries skipped because their id is not a v1/v2 hex id (legacy base64 ids, unknown versions). */
  skipped: i32 = 0;

  get ok(): bool { return this.error == KeysetError.None; }

  reason(): string {
    const r = keysetErrorReason(this.error);
    return this.detail.length == 0 ? r : r + " (" + this.detail + ")";
  }

  fail(e: KeysetError, detail: string): KeysetsResult {
    if (this.error == KeysetError.None) {
      this.error = e;
      this.detail = detail;
    }
    this.keysets = [];
    return this;
  }
}

/** A bare keys map ({"1": "02…", …}), as in the NUT-01/02 test vectors. */
export class KeysResult {
  error: KeysetError = KeysetError.None;
  detail: string = "";
  amounts: Array<u64> = [];
  pubkeys: Array<Uint8Array> = [];
}

/** Parses a bare keys map. */
export function parseKeys(json: string, limits: KeysetLimits = DEFAULT_KEYSET_LIMITS): KeysResult {
  const out = new KeysResult();
  const parser = new JsonParser();
  parser.maxLength = limits.maxLength;
  const v = parser.parse(json);
  if (v == null) {
    out.error = parser.error == JsonError.TooLong ? KeysetError.TooLong : KeysetError.BadJson;
    out.detail = parser.errorMessage();
    return out;
  }
  const o = v.asObject();
  if (o == null) {
    out.error = KeysetError.WrongType;
    out.detail = "keys";
    return out;
  }
  const ks = new Keyset();
  const e = readKeys(o, ks, limits);
  if (e != KeysetError.None) {
    out.error = e;
    out.detail = "keys";
    return out;
  }
  out.amounts = ks.amounts;
  out.pubkeys = ks.pubkeys;
  return out;
}

/**
 * Parses GET /v1/keys or /v1/keys/{id}: {"keysets": [{id, unit, active?, input_fee_ppk?,
 * final_expiry?, keys}]}. With `verifyIds`, every keyset's keys must hash to its id.
 */
export function parseKeysResponse(json: string, verifyIds: bool = true, limits: KeysetLimits = DEFAULT_KEYSET_LIMITS): KeysetsResult {
  return parseResponse(json, true, verifyIds, limits);
}

/** Parses GET /v1/keysets: {"keysets": [{id, unit, active, input_fee_ppk?, final_expiry?}]}. */
export function parseKeysetsResponse(json: string, limits: KeysetLimits = DEFAULT_KEYSET_LIMITS): KeysetsResult {
  return parseResponse(json, false, false, limits);
}

function parseResponse(json: string, withKeys: bool, verifyIds: bool, limits: KeysetLimits): KeysetsResult {
  const out = new KeysetsResult();
  const parser = new JsonParser();
  parser.maxLength = limits.maxLength;
  const root = parser.parse(json);
  if (root == null) return out.fail(parser.error == JsonError.TooLong ? KeysetError.TooLong : KeysetError.BadJson, parser.errorMessage());
  const o = root.asObject();
  if (o == null) return out.fail(KeysetError.WrongType, "response");
  const listV = o.get("keysets");
  if (listV == null) return out.fail(KeysetError.MissingField, "keysets");
  const list = listV.asArray();
  if (list == null) return out.fail(KeysetError.WrongType, "keysets");
  if (list.length > limits.maxKeysets) return out.fail(KeysetError.TooManyKeysets, "keysets");
  const u = new U64Result();
  const keysets = new Array<Keyset>();
  for (let i = 0; i < list.length; i++) {
    const where = "keysets[" + i.toString() + "]";
    const ko = list.at(i).asObject();
    if (ko == null) return out.fail(KeysetError.WrongType, where);
    const ks = new Keyset();

    const id = ko.getString("id");
    if (id == null) return out.fail(ko.has("id") ? KeysetError.WrongType : KeysetError.MissingField, where + ".id");
    const kind = classifyKeysetIdHex(id);
    if (kind != KeysetIdKind.V1 && kind != KeysetIdKind.V2) {
      // Long-running mints still list pre-v1 keysets with base64 ids (and may list future
      // versions). No token this code accepts can name them, so they are skipped, not fatal.
      out.skipped++;
      continue;
    }
    ks.id = lowerHex(id);

    const unit = ko.getString("unit");
    if (unit == null) return out.fail(ko.has("unit") ? KeysetError.WrongType : KeysetError.MissingField, where + ".unit");
    if (!isValidUnit(unit, limits.maxUnitLength)) return out.fail(KeysetError.BadUnit, where + ".unit");
    ks.unit = unit;

    const activeV = ko.get("active");
    if (activeV != null && !activeV.isNull()) {
      const a = activeV.asBool();
      if (a < 0) return out.fail(KeysetError.WrongType, where + ".active");
      ks.active = a == 1;
    }
    const feeV = ko.get("input_fee_ppk");
    if (feeV != null && !feeV.isNull()) {
      if (!readU64(feeV, u)) return out.fail(KeysetError.WrongType, where + ".input_fee_ppk");
      ks.inputFeePpk = u.value;
    }
    const expV = ko.get("final_expiry");
    if (expV != null && !expV.isNull()) {
      if (!readU64(expV, u)) return out.fail(KeysetError.WrongType, where + ".final_expiry");
      ks.finalExpiry = u.value;
      ks.hasFinalExpiry = true;
    }
    if (withKeys) {
      const keysV = ko.get("keys");
      if (keysV == null) return out.fail(KeysetError.MissingField, where + ".keys");
      const keys = keysV.asObject();
      if (keys == null) return out.fail(KeysetError.WrongType, where + ".keys");
      const e = readKeys(keys, ks, limits);
      if (e != KeysetError.None) return out.fail(e, where + ".keys");
      if (verifyIds) {
        const ve = verifyKeysetId(ks);
        if (ve != KeysetError.None) return out.fail(ve, where);
      }
    }
    for (let j = 0; j < keysets.length; j++) {
      if (keysets[j].id == ks.id) return out.fail(KeysetError.DuplicateKeysetId, where + ".id");
    }
    keysets.push(ks);
  }
  out.keysets = keysets;
  return out;
}

function readU64(v: JsonValue, u: U64Result): bool {
  const n = v.asNumber();
  return n != null && n.asU64(u);
}

/** Fills ks.amounts/pubkeys from {"amount": "pubkey hex", …}, sorted by amount. */
function readKeys(o: JsonObject, ks: Keyset, limits: KeysetLimits): KeysetError {
  const n = o.size;
  if (n == 0) return KeysetError.NoKeys;
  if (n > limits.maxKeys) return KeysetError.TooManyKeys;
  const amounts = new Array<u64>(n);
  const pubkeys = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const a = parseAmountKey(o.keys[i]);
    if (a == 0) return KeysetError.BadAmount;
    const hex = o.values[i].asString();
    if (hex == null) return KeysetError.BadPublicKey;
    const pk = hexToBytes(hex, 33);
    if (pk == null || (pk[0] != 0x02 && pk[0] != 0x03)) return KeysetError.BadPublicKey;
    // Insertion sort: mints list amounts in order already, so this is linear in practice.
    let j = i;
    while (j > 0 && amounts[j - 1] > a) {
      amounts[j] = amounts[j - 1];
      pubkeys[j] = pubkeys[j - 1];
      j--;
    }
    if (j > 0 && amounts[j - 1] == a) return KeysetError.BadAmount; // "1" and "01" cannot both pass, but be sure
    amounts[j] = a;
    pubkeys[j] = pk;
  }
  ks.amounts = amounts;
  ks.pubkeys = pubkeys;
  return KeysetError.None;
}

/** A positive amount in canonical decimal (no sign, no leading zero, fits u64), or 0. */
function parseAmountKey(s: string): u64 {
  const n = s.length;
  if (n == 0 || n > 20) return 0;
  if (s.charCodeAt(0) == 0x30) return 0;
  let v: u64 = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return 0;
    const d = <u64>(c - 0x30);
    if (v > (U64.MAX_VALUE - d) / 10) return 0;
    v = v * 10 + d;
  }
  return v;
}

/** NUT-02 v1 id: "00" + first 14 hex of SHA-256(concatenated compressed keys by ascending amount). */
export function deriveKeysetIdV1(pubkeys: Array<Uint8Array>): string {
  const h = new Sha256();
  for (let i = 0; i < pubkeys.length; i++) h.update(pubkeys[i]);
  const d = h.digest();
  return "00" + hexOf(d.dataStart, 7);
}

/**
 * NUT-02 v2 id: "01" + hex SHA-256 of "amount:pubkey,…|unit:U[|input_fee_ppk:F][|final_expiry:E]"
 * with amounts ascending; the fee and expiry parts are left out when 0/absent.
 */
export function deriveKeysetIdV2(amounts: Array<u64>, pubkeys: Array<Uint8Array>, unit: string, inputFeePpk: u64, finalExpiry: u64): string {
  const parts = new Array<string>();
  for (let i = 0; i < amounts.length; i++) {
    if (i > 0) parts.push(",");
    parts.push(amounts[i].toString());
    parts.push(":");
    parts.push(hexOfBytes(pubkeys[i]));
  }
  parts.push("|unit:");
  parts.push(unit);
  if (inputFeePpk != 0) {
    parts.push("|input_fee_ppk:");
    parts.push(inputFeePpk.toString());
  }
  if (finalExpiry != 0) {
    parts.push("|final_expiry:");
    parts.push(finalExpiry.toString());
  }
  const pre = parts.join("");
  const bytes = new Uint8Array(String.UTF8.byteLength(pre));
  String.UTF8.encodeUnsafe(changetype<usize>(pre), pre.length, bytes.dataStart);
  return "01" + hexOfBytes(sha256(bytes));
}

/** None when the keyset's keys (and unit/fee/expiry for v2) derive its id; KeysetIdMismatch otherwise. */
export function verifyKeysetId(ks: Keyset): KeysetError {
  if (!ks.hasKeys()) return KeysetError.NoKeys;
  const kind = classifyKeysetIdHex(ks.id);
  if (kind == KeysetIdKind.V1) {
    return deriveKeysetIdV1(ks.pubkeys) == ks.id ? KeysetError.None : KeysetError.KeysetIdMismatch;
  }
  if (kind == KeysetIdKind.V2) {
    const id = deriveKeysetIdV2(ks.amounts, ks.pubkeys, ks.unit, ks.inputFeePpk, ks.hasFinalExpiry ? ks.finalExpiry : 0);
    return id == ks.id ? KeysetError.None : KeysetError.KeysetIdMismatch;
  }
  if (kind == KeysetIdKind.UnknownVersion) return KeysetError.UnsupportedKeysetVersion;
  return KeysetError.BadKeysetId;
}

export class KeysetIdResolution {
  error: KeysetError = KeysetError.None;
  /** The full id (lower-case hex) when error is None. */
  id: string = "";
}

/**
 * Resolves a token's keyset id against the full ids its mint lists. v1 and full v2 ids resolve to
 * themselves (when known: with `requireKnown`); a short v2 id (16 hex) must prefix exactly one full
 * v2 id, else UnknownKeyset or AmbiguousKeyset (NUT-00: ambiguity MUST fail).
 */
export function resolveKeysetId(id: string, fullIds: Array<string>, requireKnown: bool = false): KeysetIdResolution {
  const out = new KeysetIdResolution();
  const kind = classifyKeysetIdHex(id);
  if (kind == KeysetIdKind.Invalid) { out.error = KeysetError.BadKeysetId; return out; }
  if (kind == KeysetIdKind.UnknownVersion) { out.error = KeysetError.UnsupportedKeysetVersion; return out; }
  const lid = lowerHex(id);
  if (kind != KeysetIdKind.ShortV2) {
    if (requireKnown) {
      let found = false;
      for (let i = 0; i < fullIds.length; i++) if (lowerHex(fullIds[i]) == lid) { found = true; break; }
      if (!found) { out.error = KeysetError.UnknownKeyset; return out; }
    }
    out.id = lid;
    return out;
  }
  let match: string | null = null;
  for (let i = 0; i < fullIds.length; i++) {
    const f = fullIds[i];
    if (f.length != 66 || classifyKeysetIdHex(f) != KeysetIdKind.V2) continue;
    const lf = lowerHex(f);
    if (!lf.startsWith(lid)) continue;
    if (match == null) match = lf;
    else if (match != lf) { out.error = KeysetError.AmbiguousKeyset; return out; }
  }
  if (match == null) { out.error = KeysetError.UnknownKeyset; return out; }
  out.id = match;
  return out;
}

/** The keyset with id `id` (exact, lower-case), or null. */
export function findKeyset(keysets: Array<Keyset>, id: string): Keyset | null {
  for (let i = 0; i < keysets.length; i++) if (keysets[i].id == id) return keysets[i];
  return null;
}
