// Where a payer puts the token: NUT-24 `X-Cashu: cashuB…`, or `Authorization: Bearer cashu…`
// (for clients that can only set a bearer token).
//
// Precedence, decided here once for every host:
// - X-Cashu, when present and not blank, is the payment, whatever it contains (a malformed value
//   is then reported by decodeToken, not silently ignored).
// - Authorization counts only when its scheme is Bearer (any case) and the credential starts with
//   "cashu"; any other Authorization (a JWT for the upstream, Basic auth, …) is not ours and is
//   ignored, so the gate can sit in front of APIs that use Authorization themselves.
// - Both present: the same token is fine (source Both); two different tokens are refused with
//   ConflictingTokens rather than picking one, because the payer's intent is unclear and
//   redeeming one of them could charge the wrong token.
// `source` tells the gate which header(s) to strip before forwarding upstream.

import { PaymentHeaderError, paymentHeaderErrorReason } from "./errors";

export const enum TokenSource {
  None = 0,
  XCashu = 1,
  Authorization = 2,
  Both = 3,
}

export class PaymentHeader {
  error: PaymentHeaderError = PaymentHeaderError.None;
  source: TokenSource = TokenSource.None;
  /** The token string (trimmed), when error is None. */
  token: string = "";

  get ok(): bool { return this.error == PaymentHeaderError.None; }

  reason(): string { return paymentHeaderErrorReason(this.error); }
}

/** Picks the payment token from the X-Cashu and Authorization header values (null: absent). */
export function extractPaymentToken(xCashu: string | null, authorization: string | null): PaymentHeader {
  const out = new PaymentHeader();
  let fromX: string | null = null;
  if (xCashu != null) {
    const v = trimOws(xCashu);
    if (v.length > 0) fromX = v;
  }
  let fromAuth: string | null = null;
  if (authorization != null) fromAuth = bearerCashu(authorization);
  if (fromX != null && fromAuth != null) {
    if (fromX != fromAuth) {
      out.error = PaymentHeaderError.ConflictingTokens;
      return out;
    }
    out.source = TokenSource.Both;
    out.token = fromX;
    return out;
  }
  if (fromX != null) {
    out.source = TokenSource.XCashu;
    out.token = fromX;
    return out;
  }
  if (fromAuth != null) {
    out.source = TokenSource.Authorization;
    out.token = fromAuth;
    return out;
  }
  out.error = PaymentHeaderError.NoToken;
  return out;
}

/** The credential of "Bearer <cashu…>", or null when the header is anything else. */
export function bearerCashu(authorization: string): string | null {
  const v = trimOws(authorization);
  if (v.length < 7) return null;
  const scheme = "bearer";
  for (let i = 0; i < 6; i++) {
    let c = v.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != scheme.charCodeAt(i)) return null;
  }
  const sep = v.charCodeAt(6);
  if (sep != 0x20 && sep != 0x09) return null;
  const cred = trimOws(v.substring(7));
  if (!cred.startsWith("cashu")) return null;
  return cred;
}

/** Strips optional whitespace (RFC 9110 OWS: SP and HTAB; CR/LF for copy-pasted values). */
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && ows(s.charCodeAt(a))) a++;
  while (b > a && ows(s.charCodeAt(b - 1))) b--;
  return a == 0 && b == s.length ? s : s.substring(a, b);
}

// @ts-ignore: decorator
@inline function ows(c: i32): bool { return c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a; }
