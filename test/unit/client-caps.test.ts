// Spending caps (per request, per origin per day), proof selection and splits, and the pass store:
// the client's pure decisions, before any money moves.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkCaps, headroom, recordSpend, spentToday, type SpendEntry } from "../../client/lib/caps.ts";
import { selectAtLeast, selectExact, splitAmount, splitForPrice } from "../../client/lib/select.ts";
import { dropPass, findPass, learnRoute, passForRoute, storePass, type PassState } from "../../client/lib/passes.ts";
import { PaygressError } from "../../client/lib/errors.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const O = "http://127.0.0.1:8080";

function capError(f: () => void): PaygressError {
  try { f(); } catch (e) { assert.ok(e instanceof PaygressError); return e; }
  assert.fail("no error");
}

describe("client: spending caps", () => {
  it("refuses above the per-request cap and names it", () => {
    checkCaps({ maxAmount: 10 }, [], O, "sat", 10, NOW);
    const e = capError(() => checkCaps({ maxAmount: 10 }, [], O, "sat", 11, NOW));
    assert.equal(e.code, "cap_per_request");
    assert.match(e.message, /per-request cap of 10 sat/);
    assert.match(e.message, /nothing was paid/);
  });

  it("counts one origin's spend per UTC day and refuses what would go over", () => {
    let ledger: SpendEntry[] = [];
    ledger = recordSpend(ledger, O, "sat", 15, NOW);
    ledger = recordSpend(ledger, "http://other", "sat", 50, NOW);
    ledger = recordSpend(ledger, O, "usd", 50, NOW);
    assert.equal(spentToday(ledger, O, "sat", NOW), 15);
    checkCaps({ maxPerOriginPerDay: 20 }, ledger, O, "sat", 5, NOW);
    const e = capError(() => checkCaps({ maxPerOriginPerDay: 20 }, ledger, O, "sat", 6, NOW));
    assert.equal(e.code, "cap_per_origin_day");
    assert.match(e.message, /daily cap per origin of 20 sat/);
    assert.equal(headroom({ maxAmount: 100, maxPerOriginPerDay: 20 }, ledger, O, "sat", NOW), 5);
    // The next day starts from zero; change that came back lowers the day's total.
    assert.equal(spentToday(ledger, O, "sat", NOW + 86_400_000), 0);
    ledger = recordSpend(ledger, O, "sat", -5, NOW);
    assert.equal(spentToday(ledger, O, "sat", NOW), 10);
    // Entries older than yesterday are dropped.
    ledger = recordSpend(ledger, O, "sat", 1, NOW + 3 * 86_400_000);
    assert.equal(ledger.length, 1);
  });
});

describe("client: proof selection", () => {
  const coins = (...a: number[]) => a.map((amount, i) => ({ amount, i }));
  const total = (cs: Array<{ amount: number }> | null) => (cs ?? []).reduce((s, c) => s + c.amount, 0);

  it("finds an exact subset with the fewest proofs when there is one", () => {
    const sel = selectExact(coins(1, 2, 8, 8, 16, 4, 1), 11);
    assert.equal(total(sel), 11);
    assert.equal(sel!.length, 3); // 8 + 2 + 1
    assert.equal(selectExact(coins(4, 8, 16), 11), null);
    assert.equal(selectExact(coins(4, 4), 11), null);
    // Large amounts go greedy (exact for power-of-two coins).
    const big = Array.from({ length: 40 }, (_, i) => ({ amount: 2 ** (i % 20) }));
    assert.equal(total(selectExact(big, 1_000_001)), 1_000_001);
  });

  it("overpays as little as possible otherwise", () => {
    assert.equal(total(selectAtLeast(coins(64, 16, 4), 11)), 16);
    assert.equal(total(selectAtLeast(coins(8, 4, 64), 11)), 12);
    assert.equal(total(selectAtLeast(coins(8, 2), 11)), 0);
  });

  it("splits into power-of-two denominations, and keeps exact payments for a known price", () => {
    assert.deepEqual(splitAmount(21), [1, 4, 16]);
    assert.deepEqual(splitAmount(0), []);
    assert.deepEqual(splitAmount(13, [1, 2, 4, 8]), [1, 4, 8]);
    const s = splitForPrice(53, 11);
    assert.equal(total(s.map((amount) => ({ amount }))), 53);
    assert.ok(selectExact(s.map((amount) => ({ amount })), 11));
    assert.ok(selectExact(splitForPrice(53, 11, undefined, 2).map((amount) => ({ amount })), 22));
  });
});

describe("client: pass store", () => {
  const url = (p: string) => new URL(O + p);
  const pass = (route: string, expires: number) => ({ pass: `p1.k1.${expires}.${route}.mac-${route}`, route, expires });
  const nowS = NOW / 1000;

  it("sends the pass of the path's route, or the origin's latest when the route is unknown", () => {
    const s: PassState = { passes: [], routes: {} };
    storePass(s, url("/a"), pass("paid", nowS + 300), NOW);
    storePass(s, url("/api/x"), pass("api", nowS + 300), NOW + 1);
    assert.equal(findPass(s, url("/a"), nowS)!.route, "paid");
    assert.equal(findPass(s, url("/api/x"), nowS)!.route, "api");
    assert.equal(findPass(s, url("/never-seen"), nowS)!.route, "api", "latest pass for an unknown path");
    assert.equal(findPass(s, new URL("http://elsewhere/a"), nowS), undefined, "a pass never goes to another origin");
    learnRoute(s, url("/b"), "short");
    assert.equal(findPass(s, url("/b"), nowS), undefined, "known route without a pass: none sent");
    assert.equal(passForRoute(s, O, "api", nowS)!.route, "api");
  });

  it("does not send passes about to expire, replaces a route's pass, forgets refused ones", () => {
    const s: PassState = { passes: [], routes: {} };
    storePass(s, url("/a"), pass("paid", nowS + 1), NOW);
    assert.equal(findPass(s, url("/a"), nowS), undefined);
    storePass(s, url("/a"), pass("paid", nowS + 600), NOW);
    assert.equal(s.passes.length, 1);
    dropPass(s, s.passes[0].pass);
    assert.equal(findPass(s, url("/a"), nowS), undefined);
  });
});
