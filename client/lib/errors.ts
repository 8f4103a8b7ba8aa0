// The client's named errors. Every refusal a person may see has a code (for programs) and a message
// written for the person (what happened, what was or was not paid, what to do next). No message
// ever contains a token, a pass, a proof secret or the seed.

export type PaygressErrorCode =
  | "cap_per_request" // the price is above the per-request cap: nothing was paid
  | "cap_per_origin_day" // paying would exceed the origin's daily cap: nothing was paid
  | "insufficient_funds" // no accepted mint where the wallet holds enough
  | "unsupported_request" // a payment request this client cannot satisfy (locking, no amount, ...)
  | "bad_challenge" // a 402 whose X-Cashu / body cannot be read
  | "payment_rejected" // the gate refused the token (400); the token was not spent and is back in the wallet
  | "response_lost" // the gate took the payment but its answer never arrived; change recovered from the token
  | "outcome_unknown" // neither the gate nor the mint could tell what happened; the token is kept pending
  | "mint_error" // the wallet's own call to a mint failed
  | "no_wallet" // no wallet file
  | "wallet_exists"
  | "wallet_busy" // another process holds the wallet lock for too long
  | "wallet_corrupt"
  | "bad_token"
  | "bad_arguments";

export class PaygressError extends Error {
  constructor(readonly code: PaygressErrorCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = "PaygressError";
  }
}

/** A short, secret-free description of any thrown value (network errors included). */
export function describeError(e: unknown): string {
  if (e instanceof PaygressError) return e.message;
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const inner = cause?.code ?? cause?.message;
    return redact(inner ? `${e.message} (${inner})` : e.message);
  }
  return redact(String(e));
}

/** Removes anything that looks like a token, a pass or a long hex secret from a message. */
export function redact(s: string): string {
  return s
    .replace(/cashu[AB][A-Za-z0-9_+/=-]{16,}/g, "cashu…")
    .replace(/p1\.[\w-]+\.\d+\.[^.\s]+\.[A-Za-z0-9_-]{16,}/g, "p1.…")
    .replace(/\b[0-9a-f]{64}\b/gi, "…");
}
