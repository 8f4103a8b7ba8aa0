// NUT-00 token strings: decodeToken() for cashuA (V3, JSON) and cashuB (V4, CBOR), the encoders
// (change goes back to payers as a token), and resolution of V4 short keyset ids.
//
// Accepted input: optional ASCII whitespace around the token (copy/paste and header folding add
// it; interior whitespace is a base64 error), an optional "cashu:" URI prefix (NUT-00), then
// "cashuA"/"cashuB" and base64url with or without padding. The standard base64 alphabet ('+', '/')
// is accepted too, as Nutshell and cashu-ts accept it; non-canonical trailing bits are not.
// Every failure is a TokenError with a detail safe to show; nothing traps.

import { Base64Alphabet, Base64Padding, Base64Result, base64ErrorReason, decodeBase64Range, encodeBase64Url } from "../encoding/base64";
import { utf8Encode } from "../encoding/cbor";
import { KeysetError, TokenError, tokenErrorReason } from "./errors";
import { KeysetIdKind, classifyKeysetIdHex } from "./keyset-id";
import { resolveKeysetId } from "./keyset";
import { isValidUnit, normalizeMintUrl } from "./mint-url";
import { TokenBuilder, TokenResult } from "./token-build";
import { decodeTokenV3Body, encodeTokenV3Body } from "./token-v3";
import { decodeTokenV4Body, encodeTokenV4Body } from "./token-v4";
import { DEFAULT_TOKEN_LIMITS, KeysetProofs, Token, TokenLimits } from "./types";

export { TokenResult } from "./token-build";

/** Decodes a serialized token. The result holds either `token` or a named error. */
export function decodeToken(s: string, limits: TokenLimits = DEFAULT_TOKEN_LIMITS): TokenResult {
  const res = new TokenResult();
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  if (start == end) return failed(res, TokenError.Empty);
  if (end - start > limits.maxTokenLength) return failed(res, TokenError.TooLong);
  if (hasAt(s, start, "cashu:")) start += 6;
  if (!hasAt(s, start, "cashu") || end - start < 6) return failed(res, TokenError.BadPrefix);
  const version = s.charCodeAt(start + 5);
  if (version != 0x41 && version != 0x42) return failed(res, TokenError.UnsupportedVersion);
  const b64 = decodeBase64Range(s, start + 6, end, Base64Alphabet.Either, Base64Padding.Optional, new Base64Result());
  if (b64.error != 0) {
    res.error = TokenError.BadBase64;
    res.detail = base64ErrorReason(b64.error) + " at character " + b64.errorAt.toString();
    return res;
  }
  const b = new TokenBuilder(limits, res, version == 0x41 ? 3 : 4);
  if (version == 0x42) decodeTokenV4Body(b64.bytes, b);
  else decodeTokenV3Body(b64.bytes, b);
  return b.finish();
}

/** Outcome of encoding a token. */
export class TokenEncodeResult {
  error: TokenError = TokenError.None;
  detail: string = "";
  value: string = "";

  get ok(): bool { return this.error == TokenError.None; }

  reason(): string {
    const r = tokenErrorReason(this.error);
    return this.detail.length == 0 ? r : r + " (" + this.detail + ")";
  }
}

/**
 * cashuB (V4) string of `t`, base64url without padding. Keyset ids are written as stored (full)
 * unless `shortIds`, which writes v2 ids in their 8-byte short form as cashu-ts does; full ids
 * spare the receiving wallet a resolution step, so they are the default for change.
 */
export function encodeTokenV4(t: Token, shortIds: bool = false): TokenEncodeResult {
  const out = new TokenEncodeResult();
  if (!validateForEncode(t, true, out)) return out;
  out.value = "cashuB" + encodeBase64Url(encodeTokenV4Body(t, shortIds));
  return out;
}

/** cashuA (V3) string of `t` (deprecated format; for wallets that only read V3). */
export function encodeTokenV3(t: Token): TokenEncodeResult {
  const out = new TokenEncodeResult();
  if (!validateForEncode(t, false, out)) return out;
  out.value = "cashuA" + encodeBase64Url(utf8Encode(encodeTokenV3Body(t)));
  return out;
}

/** Checks that `t` can be encoded into something decodeToken() accepts. */
function validateForEncode(t: Token, v4: bool, out: TokenEncodeResult): bool {
  if (normalizeMintUrl(t.mint) == null) return encFail(out, TokenError.BadMintUrl, "mint");
  if (v4 || t.unit.length > 0) {
    if (!isValidUnit(t.unit)) return encFail(out, TokenError.BadUnit, "unit");
  }
  let count = 0;
  let sum: u64 = 0;
  for (let i = 0; i < t.keysets.length; i++) {
    const g = t.keysets[i];
    const kind = classifyKeysetIdHex(g.id);
    if (kind == KeysetIdKind.Invalid) return encFail(out, TokenError.BadKeysetId, g.id);
    if (kind == KeysetIdKind.UnknownVersion) return encFail(out, TokenError.UnsupportedKeysetVersion, g.id);
    for (let k = 0; k < g.proofs.length; k++) {
      const p = g.proofs[k];
      if (p.amount == 0) return encFail(out, TokenError.ZeroAmount, "");
      sum += p.amount;
      if (sum < p.amount) return encFail(out, TokenError.AmountOverflow, "");
      if (p.secret.length == 0) return encFail(out, TokenError.EmptySecret, "");
      if (p.C.length != 33 || (p.C[0] != 0x02 && p.C[0] != 0x03)) return encFail(out, TokenError.BadSignaturePoint, "");
      const d = p.dleq;
      if (d != null && (d.e.length != 32 || d.s.length != 32 || d.r.length != 32)) return encFail(out, TokenError.BadDleq, "");
      count++;
    }
  }
  if (count == 0) return encFail(out, TokenError.NoProofs, "");
  return true;
}

/**
 * Replaces every short v2 keyset id in `t` by the full id among `fullIds` (the ids the token's
 * mint lists in /v1/keysets) and merges groups that turn out to be the same keyset. Fails with
 * UnknownKeyset/AmbiguousKeyset (and leaves `t` unchanged) when an id does not resolve to exactly
 * one keyset. With `requireKnown`, full ids must be listed too.
 */
export function resolveTokenKeysetIds(t: Token, fullIds: Array<string>, requireKnown: bool = false): TokenResult {
  const res = new TokenResult();
  const ids = new Array<string>(t.keysets.length);
  for (let i = 0; i < t.keysets.length; i++) {
    const r = resolveKeysetId(t.keysets[i].id, fullIds, requireKnown);
    if (r.error != KeysetError.None) {
      res.error = r.error == KeysetError.AmbiguousKeyset ? TokenError.AmbiguousKeyset
        : r.error == KeysetError.UnknownKeyset ? TokenError.UnknownKeyset : TokenError.BadKeysetId;
      res.detail = "keyset " + t.keysets[i].id;
      return res;
    }
    ids[i] = r.id;
  }
  const merged = new Array<KeysetProofs>();
  for (let i = 0; i < t.keysets.length; i++) {
    let g: KeysetProofs | null = null;
    for (let j = 0; j < merged.length; j++) if (merged[j].id == ids[i]) { g = merged[j]; break; }
    if (g == null) {
      g = new KeysetProofs(ids[i]);
      merged.push(g);
    }
    const ps = t.keysets[i].proofs;
    for (let k = 0; k < ps.length; k++) {
      ps[k].id = g.id;
      g.proofs.push(ps[k]);
    }
  }
  t.keysets = merged;
  res.token = t;
  return res;
}

/** True when some keyset id of `t` is a short v2 id that must be resolved before use. */
export function hasShortKeysetIds(t: Token): bool {
  for (let i = 0; i < t.keysets.length; i++) if (classifyKeysetIdHex(t.keysets[i].id) == KeysetIdKind.ShortV2) return true;
  return false;
}

function encFail(out: TokenEncodeResult, e: TokenError, detail: string): bool {
  out.error = e;
  out.detail = detail;
  return false;
}

function failed(res: TokenResult, e: TokenError): TokenResult {
  res.error = e;
  return res;
}

// @ts-ignore: decorator
@inline function isSpace(c: i32): bool { return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; }

function hasAt(s: string, at: i32, prefix: string): bool {
  if (at + prefix.length > s.length) return false;
  for (let i = 0; i < prefix.length; i++) if (s.charCodeAt(at + i) != prefix.charCodeAt(i)) return false;
  return true;
}
