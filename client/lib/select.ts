// Which proofs pay an amount: an exact subset when one exists (no change, no swap; fewest proofs, so
// the gate's input fee stays the one its price allows for), else the smallest overpayment.
export interface Coin { amount: number }

const DP_LIMIT = 4_000_000; // proofs x amount cells: past this, greedy (exact for power-of-two coins)

/** A subset summing to exactly `target` with as few coins as possible, or null. */
export function selectExact<T extends Coin>(coins: readonly T[], target: number): T[] | null {
  if (target <= 0) return [];
  const usable = coins.filter((c) => c.amount > 0 && c.amount <= target);
  if (usable.reduce((s, c) => s + c.amount, 0) < target) return null;
  if (usable.length * target > DP_LIMIT) return greedyExact(usable, target);
  // dp[s] = fewest coins reaching s; take[i][s] = coin i improved s (0/1 knapsack, one row per coin).
  const INF = Number.MAX_SAFE_INTEGER;
  const dp = new Array<number>(target + 1).fill(INF);
  dp[0] = 0;
  const take = new Array<Uint8Array>(usable.length);
  for (let i = 0; i < usable.length; i++) {
    const a = usable[i].amount;
    const row = new Uint8Array(target + 1);
    for (let s = target; s >= a; s--) {
      if (dp[s - a] !== INF && dp[s - a] + 1 < dp[s]) { dp[s] = dp[s - a] + 1; row[s] = 1; }
    }
    take[i] = row;
  }
  if (dp[target] === INF) return null;
  const out: T[] = [];
  let s = target;
  for (let i = usable.length - 1; i >= 0 && s > 0; i--) {
    if (take[i][s]) { out.push(usable[i]); s -= usable[i].amount; }
  }
  return s === 0 ? out : null;
}

function greedyExact<T extends Coin>(coins: readonly T[], target: number): T[] | null {
  const sorted = [...coins].sort((a, b) => b.amount - a.amount);
  const out: T[] = [];
  let rest = target;
  for (const c of sorted) {
    if (c.amount <= rest) { out.push(c); rest -= c.amount; }
    if (rest === 0) return out;
  }
  return null;
}

/** The subset with the smallest sum >= target (then the fewest coins), or null when all together are short. */
export function selectAtLeast<T extends Coin>(coins: readonly T[], target: number): T[] | null {
  const total = coins.reduce((s, c) => s + c.amount, 0);
  if (total < target) return null;
  const candidates: T[][] = [];
  const single = [...coins].filter((c) => c.amount >= target).sort((a, b) => a.amount - b.amount)[0];
  if (single) candidates.push([single]);
  // Greedy from the largest coin below the target, then drop coins that are not needed.
  const sorted = [...coins].filter((c) => c.amount < target).sort((a, b) => b.amount - a.amount);
  const acc: T[] = [];
  let sum = 0;
  for (const c of sorted) {
    if (sum >= target) break;
    acc.push(c);
    sum += c.amount;
  }
  if (sum < target) {
    // Only reachable with a coin >= target, already a candidate.
  } else {
    for (let i = acc.length - 1; i >= 0; i--) {
      if (sum - acc[i].amount >= target) { sum -= acc[i].amount; acc.splice(i, 1); }
    }
    candidates.push(acc);
  }
  const sumOf = (cs: T[]) => cs.reduce((s, c) => s + c.amount, 0);
  candidates.sort((a, b) => sumOf(a) - sumOf(b) || a.length - b.length);
  return candidates[0] ?? null;
}

/** The power-of-two split of `amount`, ascending (the denominations of a standard keyset). */
export function splitAmount(amount: number, denominations?: readonly number[]): number[] {
  const out: number[] = [];
  if (denominations && denominations.length) {
    const ds = [...denominations].sort((a, b) => b - a);
    let rest = amount;
    for (const d of ds) while (rest >= d) { out.push(d); rest -= d; }
    if (rest !== 0) throw new Error(`cannot split ${amount} into the keyset's denominations`);
    return out.sort((a, b) => a - b);
  }
  for (let bit = 0; amount >= 2 ** bit; bit++) {
    if (Math.floor(amount / 2 ** bit) % 2 === 1) out.push(2 ** bit);
  }
  return out;
}

/**
 * Splits `total` so that `copies` exact payments of `price` come out of it when it is large enough
 * (the next payment to the same gate then needs no change, no swap, no mint call), the rest in the
 * standard split. Each output costs the client a derivation and a DLEQ check, so one copy by default.
 */
export function splitForPrice(total: number, price: number | undefined, denominations?: readonly number[], copies = 1): number[] {
  const out: number[] = [];
  let rest = total;
  if (price && price > 0) {
    for (let i = 0; i < copies && rest >= price; i++) {
      out.push(...splitAmount(price, denominations));
      rest -= price;
    }
  }
  out.push(...splitAmount(rest, denominations));
  return out.sort((a, b) => a - b);
}
