// Spending caps: per request, and per origin per (UTC) day. Checked before anything is paid; a
// request above a cap pays nothing and throws an error naming the cap. Amounts are in the unit of
// the payment request; the day ledger is kept per origin and unit in the wallet file, so every
// process using the wallet counts against the same cap.
import { PaygressError } from "./errors.ts";

export interface Limits {
  /** Most one request may cost. */
  maxAmount?: number;
  /** Most one origin may be paid in one UTC day. */
  maxPerOriginPerDay?: number;
}

export const DEFAULT_LIMITS: Required<Limits> = { maxAmount: 1000, maxPerOriginPerDay: 10000 };

export interface SpendEntry { origin: string; day: string; unit: string; amount: number }

export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export function spentToday(ledger: readonly SpendEntry[], origin: string, unit: string, nowMs: number): number {
  const day = utcDay(nowMs);
  return ledger.filter((e) => e.origin === origin && e.unit === unit && e.day === day).reduce((s, e) => s + e.amount, 0);
}

/** How much one payment to `origin` may expose now (the smaller of both caps' room). */
export function headroom(limits: Limits, ledger: readonly SpendEntry[], origin: string, unit: string, nowMs: number): number {
  let room = limits.maxAmount ?? Infinity;
  if (limits.maxPerOriginPerDay !== undefined) room = Math.min(room, limits.maxPerOriginPerDay - spentToday(ledger, origin, unit, nowMs));
  return Math.max(0, room);
}

/** Throws `cap_per_request` / `cap_per_origin_day` when paying `amount` would break a cap. */
export function checkCaps(limits: Limits, ledger: readonly SpendEntry[], origin: string, unit: string, amount: number, nowMs: number): void {
  if (limits.maxAmount !== undefined && amount > limits.maxAmount) {
    throw new PaygressError("cap_per_request",
      `${origin} asks ${amount} ${unit}, above your per-request cap of ${limits.maxAmount} ${unit} (--max-amount); nothing was paid`,
      { amount, cap: limits.maxAmount, unit });
  }
  if (limits.maxPerOriginPerDay !== undefined) {
    const spent = spentToday(ledger, origin, unit, nowMs);
    if (spent + amount > limits.maxPerOriginPerDay) {
      throw new PaygressError("cap_per_origin_day",
        `paying ${amount} ${unit} to ${origin} would bring today's total there to ${spent + amount} ${unit}, above your daily cap per origin of ` +
        `${limits.maxPerOriginPerDay} ${unit} (--max-per-day); nothing was paid`,
        { amount, spent, cap: limits.maxPerOriginPerDay, unit });
    }
  }
}

/** Adds `amount` (may be negative: change that came back) to today's entry; drops entries older than a day. */
export function recordSpend(ledger: SpendEntry[], origin: string, unit: string, amount: number, nowMs: number): SpendEntry[] {
  const day = utcDay(nowMs);
  const yesterday = utcDay(nowMs - 86_400_000);
  const kept = ledger.filter((e) => e.day === day || e.day === yesterday);
  const e = kept.find((x) => x.origin === origin && x.unit === unit && x.day === day);
  if (e) e.amount = Math.max(0, e.amount + amount);
  else if (amount > 0) kept.push({ origin, day, unit, amount });
  return kept;
}
