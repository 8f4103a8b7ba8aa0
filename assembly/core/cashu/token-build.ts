// What the cashuA and cashuB decoders share: the result type and a builder that applies the same
// rules to proofs from either format (limits, keyset id forms, zero amounts, u64 overflow of the
// sum, grouping by keyset, duplicate secrets).

import { TokenError, tokenErrorReason } from "./errors";
import { KeysetIdKind, classifyKeysetIdBytes, classifyKeysetIdHex, hexOf, lowerHex } from "./keyset-id";
import { KeysetProofs, Proof, Token, TokenLimits } from "./types";

/** Outcome of decoding (or resolving) a token. */
export class TokenResult {
  error: TokenError = TokenError.None;
  /** Where/what, safe to show (field path, proof index, inner decoder error); "" if none. */
  detail: string = "";
  token: Token | null = null;

  get ok(): bool { return this.error == TokenError.None; }

  /** Human-readable reason for the payer or the operator (never contains token data). */
  reason(): string {
    const r = tokenErrorReason(this.error);
    return this.detail.length == 0 ? r : r + " (" + this.detail + ")";
  }
}

export class TokenBuilder {
  token: Token = new Token();
  /** Position the decoder is at, for error details only: group/entry and proof index (-1: none). */
  group: i32 = -1;
  proof: i32 = -1;

  constructor(public limits: TokenLimits, public res: TokenResult, version: i32) {
    this.token.version = version;
  }

  /** Records the first error; always returns false so callers can `return b.fail(...)`. */
  fail(e: TokenError, detail: string = ""): bool {
    if (this.res.error == TokenError.None) {
      this.res.error = e;
      this.res.detail = detail;
    }
    return false;
  }

  /** Like fail(), with the current position and `field` as the detail (built only on error). */
  failAt(e: TokenError, field: string): bool {
    if (this.res.error != TokenError.None) return false;
    return this.fail(e, this.path(field));
  }

  /** "t[1].p[3].a" (cashuB) or "token[0].proofs[3].amount" (cashuA). */
  path(field: string): string {
    const v4 = this.token.version == 4;
    let s = "";
    if (this.group >= 0) s = (v4 ? "t[" : "token[") + this.group.toString() + "]";
    if (this.proof >= 0) s += (v4 ? ".p[" : ".proofs[") + this.proof.toString() + "]";
    if (field.length > 0) s = s.length == 0 ? field : s + "." + field;
    return s;
  }

  get failed(): bool { return this.res.error != TokenError.None; }

  /** The group for a binary keyset id (cashuB), created on first use; null after an error. */
  groupForBytes(p: usize, len: i32, field: string): KeysetProofs | null {
    const kind = classifyKeysetIdBytes(p, len);
    if (!this.checkKind(kind, field)) return null;
    return this.groupFor(hexOf(p, len), field);
  }

  /** The group for a hex keyset id (cashuA), created on first use; null after an error. */
  groupForHex(id: string, field: string): KeysetProofs | null {
    const kind = classifyKeysetIdHex(id);
    if (!this.checkKind(kind, field)) return null;
    return this.groupFor(lowerHex(id), field);
  }

  private checkKind(kind: KeysetIdKind, field: string): bool {
    if (kind == KeysetIdKind.Invalid) return this.failAt(TokenError.BadKeysetId, field);
    if (kind == KeysetIdKind.UnknownVersion) return this.failAt(TokenError.UnsupportedKeysetVersion, field);
    return true;
  }

  private groupFor(id: string, field: string): KeysetProofs | null {
    const groups = this.token.keysets;
    // Keyset groups are few; the same id twice (allowed by the format) merges into one group.
    for (let i = 0; i < groups.length; i++) if (groups[i].id == id) return groups[i];
    if (groups.length >= this.limits.maxKeysets) {
      this.failAt(TokenError.TooManyKeysets, field);
      return null;
    }
    const g = new KeysetProofs(id);
    groups.push(g);
    return g;
  }

  /** True when `more` proofs still fit under maxProofs. */
  roomFor(more: i32): bool {
    if (more > this.limits.maxProofs - this.token.proofCount) {
      return this.fail(TokenError.TooManyProofs, "more than " + this.limits.maxProofs.toString());
    }
    return true;
  }

  /** Adds a complete proof to its group: checks the amount and the running sum. */
  add(g: KeysetProofs, p: Proof): bool {
    if (p.amount == 0) return this.failAt(TokenError.ZeroAmount, "");
    if (!this.roomFor(1)) return false;
    const sum = this.token.amount + p.amount;
    if (sum < p.amount) return this.failAt(TokenError.AmountOverflow, "");
    this.token.amount = sum;
    this.token.proofCount++;
    p.id = g.id;
    g.proofs.push(p);
    return true;
  }

  /** Final checks; fills `res` and returns it. */
  finish(): TokenResult {
    if (this.failed) return this.res;
    const t = this.token;
    if (t.proofCount == 0) {
      this.fail(TokenError.NoProofs);
      return this.res;
    }
    // Drop groups left empty (an entry or keyset listed with no proofs).
    let empty = false;
    for (let i = 0; i < t.keysets.length; i++) if (t.keysets[i].proofs.length == 0) empty = true;
    if (empty) {
      const kept = new Array<KeysetProofs>();
      for (let i = 0; i < t.keysets.length; i++) if (t.keysets[i].proofs.length > 0) kept.push(t.keysets[i]);
      t.keysets = kept;
    }
    if (!checkDuplicateSecrets(t, this)) return this.res;
    this.res.token = t;
    return this.res;
  }
}

/** DuplicateProof when two proofs share a secret (hence the same Y). */
function checkDuplicateSecrets(t: Token, b: TokenBuilder): bool {
  // Tokens hold at most a few dozen proofs: pairwise comparison beats hashing every secret, and
  // string equality rejects on length or the first differing code unit.
  const all = t.allProofs();
  for (let i = 1; i < all.length; i++) {
    const s = all[i].secret;
    for (let j = 0; j < i; j++) {
      if (all[j].secret == s) return b.fail(TokenError.DuplicateProof, "proofs " + j.toString() + " and " + i.toString());
    }
  }
  return true;
}
