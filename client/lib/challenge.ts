// Reading the gate's answers: the NUT-24 402 challenge (X-Cashu payment request, creqA or creqB, and
// the JSON body beside it), the JSON error codes, the receipt header and the pass header.
import { decodePaymentRequest } from "@cashu/cashu-ts";
import { PaygressError } from "./errors.ts";

export interface Challenge {
  /** The amount the gate asks for (`a`): pay exactly this, fees not added. */
  amount: number;
  unit: string;
  /** Accepted mints, as the request lists them (normalized: no trailing slash). */
  mints: string[];
  /** The gate's route id when it says (JSON body `route`), else undefined. */
  route?: string;
  /** The JSON body's `code` (payment_required, pass_expired, pass_wrong_scope, token_spent, ...). */
  code: string;
  message: string;
  /** The request demands a NUT-10 lock (locked mode), which this client does not make. */
  locked: boolean;
}

/** A mint URL as the gate compares it: scheme and host lower case, no trailing slash (the path keeps its case). */
export function normalizeMintUrl(u: string): string {
  const t = u.trim().replace(/\/+$/, "");
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(t);
  return m ? m[1].toLowerCase() + m[2] : t;
}

/** Decodes a 402: the X-Cashu header (creqA or creqB), with the JSON body as a cross-check and for the code/route. */
export function decodeChallenge(xCashu: string | null, bodyText: string): Challenge {
  let body: Record<string, unknown> = {};
  try {
    const j = JSON.parse(bodyText);
    if (j && typeof j === "object") body = j as Record<string, unknown>;
  } catch { /* a 402 without a JSON body is fine: the header is what counts */ }
  const encoded = (xCashu ?? "").trim() || (typeof body.payment_request === "string" ? body.payment_request : "");
  if (!encoded) throw new PaygressError("bad_challenge", "the server answered 402 Payment Required without a Cashu payment request (no X-Cashu header)");
  let pr;
  try {
    pr = decodePaymentRequest(encoded);
  } catch (e) {
    throw new PaygressError("bad_challenge", `the server's X-Cashu payment request cannot be decoded (${(e as Error).message})`);
  }
  if (pr.amount === undefined) throw new PaygressError("unsupported_request", "the payment request names no amount; this client only pays requests with an amount");
  const amount = pr.amount.toNumber();
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new PaygressError("bad_challenge", `the payment request's amount (${pr.amount.toString()}) is not a positive integer`);
  const unit = pr.unit ?? "sat";
  const mints = (pr.mints ?? []).map(normalizeMintUrl);
  if (mints.length === 0) throw new PaygressError("unsupported_request", "the payment request lists no accepted mint");
  return {
    amount,
    unit,
    mints,
    route: typeof body.route === "string" && body.route ? body.route : undefined,
    code: typeof body.code === "string" ? body.code : "payment_required",
    message: typeof body.message === "string" ? body.message : "",
    locked: pr.nut10 !== undefined,
  };
}

/** The JSON error body of a 400/502/503: {error, code?, message}. */
export function errorBody(text: string): { code: string; message: string } {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const code = typeof j.code === "string" ? j.code : typeof j.error === "string" ? j.error : "";
    return { code, message: typeof j.message === "string" ? j.message : "" };
  } catch {
    return { code: "", message: "" };
  }
}

export interface Receipt {
  /** What the token was worth (new format `amount`; today's `paid=` format has no such field). */
  amount?: number;
  fee?: number;
  earned?: number;
  change?: number;
  unit?: string;
  route?: string;
  /** The gate answered a retried token whose swap had already happened. */
  recovered: boolean;
  /** The price, in the older `paid=...` format. */
  paid?: number;
}

/** X-Paygress-Receipt: `amount=16; fee=1; earned=10; change=5; unit=sat; route=paid[; recovered=1]` (or `paid=10; fee=1; change=5; unit=sat`). */
export function parseReceipt(h: string | null): Receipt | null {
  if (!h) return null;
  const out: Receipt = { recovered: false };
  for (const part of h.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim().toLowerCase();
    const v = part.slice(i + 1).trim();
    const n = /^\d+$/.test(v) ? Number(v) : undefined;
    switch (k) {
      case "amount": out.amount = n; break;
      case "fee": out.fee = n; break;
      case "earned": out.earned = n; break;
      case "change": out.change = n; break;
      case "paid": out.paid = n; break;
      case "unit": out.unit = v; break;
      case "route": out.route = v; break;
      case "recovered": out.recovered = v === "1" || v === "true"; break;
    }
  }
  return out;
}

export interface PassInfo {
  pass: string;
  route: string;
  /** Unix seconds. */
  expires: number;
}

/** `p1.<key id>.<expiry>.<route id>.<mac>`; the route id may itself contain dots. */
export function parsePass(pass: string, expiresHeader?: string | null): PassInfo | null {
  const parts = pass.trim().split(".");
  if (parts.length < 5 || parts[0] !== "p1" || !/^\d+$/.test(parts[2])) return null;
  const route = parts.slice(3, -1).join(".");
  if (!route) return null;
  const exp = expiresHeader && /^\d+$/.test(expiresHeader.trim()) ? Number(expiresHeader.trim()) : Number(parts[2]);
  return { pass: pass.trim(), route, expires: exp };
}
