// Payment requests (NUT-18 creqA, NUT-26 creqB) as NUT-24 puts them in the X-Cashu header of a
// 402: one decode entry point that dispatches on the prefix as NUT-26 prescribes ("creqA"
// case-insensitively, else bech32m with prefix "creqb"), and one encoder per format.
// The codecs live in creq-a.ts and creq-b.ts; the model in creq-model.ts.

import { CreqError } from "./errors";
import { CreqEncodeResult, CreqLimits, CreqResult, DEFAULT_CREQ_LIMITS, PaymentRequest } from "./creq-model";
import { decodeCreqABody, encodeCreqA as encodeA } from "./creq-a";
import { decodeCreqB, encodeCreqB as encodeB } from "./creq-b";
import { startsWithIgnoreCase } from "./mint-url";

export { CreqEncodeResult, CreqLimits, CreqResult, DEFAULT_CREQ_LIMITS, Nut10Option, PaymentRequest, Transport } from "./creq-model";

/** Decodes a creqA or creqB string (surrounding ASCII whitespace ignored). */
export function decodePaymentRequest(s: string, limits: CreqLimits = DEFAULT_CREQ_LIMITS): CreqResult {
  const res = new CreqResult();
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  if (start == end) { res.fail(CreqError.Empty); return res; }
  if (end - start > limits.maxLength) { res.fail(CreqError.TooLong); return res; }
  if (startsWithIgnoreCase(start == 0 ? s : s.substring(start, start + 5), "creqa")) {
    decodeCreqABody(s, start + 5, end, limits, res);
    return res;
  }
  if (!startsWithIgnoreCase(start == 0 ? s : s.substring(start, start + 6), "creqb1")) { res.fail(CreqError.BadPrefix); return res; }
  decodeCreqB(start == 0 && end == s.length ? s : s.substring(start, end), limits, res);
  return res;
}

/** "creqA" + base64url(CBOR(pr)). */
export function encodeCreqA(pr: PaymentRequest): CreqEncodeResult {
  const out = new CreqEncodeResult();
  if (!validate(pr, out)) return out;
  return encodeA(pr);
}

/** NUT-26 bech32m, upper case by default (QR alphanumeric mode). */
export function encodeCreqB(pr: PaymentRequest, upper: bool = true): CreqEncodeResult {
  const out = new CreqEncodeResult();
  if (!validate(pr, out)) return out;
  return encodeB(pr, upper);
}

/** NUT-18: "u MUST be set if a is set". */
function validate(pr: PaymentRequest, out: CreqEncodeResult): bool {
  if (pr.hasAmount && pr.unit == null) {
    out.fail(CreqError.AmountWithoutUnit);
    return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function isSpace(c: i32): bool { return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; }
