// The gate's local answers: the NUT-24 402 challenge (X-Cashu payment request + JSON body) and the
// JSON error answers (400, 502, 503). Payment requests are encoded once per route (again only when
// the advertised amount changes), so answering 402 costs no CBOR/bech32m work per request.
//
// The advertised amount `a` of a route is its price plus the fee allowance: the mints' input fee
// for a typical payment of `a` (Gate.updateAllowances), so a wallet paying exactly `a` — NUT-24:
// any token worth at least `a` — is admitted and the operator earns the price.
import { JsonWriter } from "../core/json";
import { encodeCreqA, encodeCreqB } from "../core/cashu/creq";
import { PaymentRequest } from "../core/cashu/creq-model";
import { GateConfig, RouteRule } from "./config";
import { Decision, DecisionKind } from "./gate";

class RouteChallenge {
  /** The amount in the payment request: price + fee allowance. */
  amount: u64 = 0;
  creqA: string = "";
  creqB: string = "";
  /** The plain 402 (no payment presented), built once and reused. */
  plain: Decision | null = null;
}

export class Challenge {
  private byRoute: Map<string, RouteChallenge> = new Map();
  private mintsJson: string;

  constructor(public config: GateConfig) {
    const w = new JsonWriter();
    w.beginArray();
    for (let i = 0; i < config.mints.length; i++) w.str(config.mints[i].url);
    w.endArray();
    this.mintsJson = w.toString();
    for (let i = 0; i < config.routes.length; i++) {
      const r = config.routes[i];
      if (r.price > 0) this.byRoute.set(r.id, this.encode(r, r.price));
    }
  }

  /** The amount a route's payment request asks for. */
  advertised(r: RouteRule): u64 {
    return this.byRoute.has(r.id) ? this.byRoute.get(r.id).amount : r.price;
  }

  /** Re-encodes a route's payment requests for a new advertised amount (price + fee allowance). */
  setAdvertised(r: RouteRule, amount: u64): void {
    if (r.price == 0 || this.advertised(r) == amount) return;
    const c = this.encode(r, amount);
    if (c.creqA.length > 0 && c.creqB.length > 0) this.byRoute.set(r.id, c);
  }

  private encode(r: RouteRule, amount: u64): RouteChallenge {
    const pr = new PaymentRequest();
    pr.amount = amount;
    pr.hasAmount = true;
    pr.unit = this.config.unit;
    for (let i = 0; i < this.config.mints.length; i++) pr.mints.push(this.config.mints[i].url);
    if (this.config.description.length > 0) pr.description = this.config.description;
    const c = new RouteChallenge();
    c.amount = amount;
    const a = encodeCreqA(pr);
    if (a.ok) c.creqA = a.value;
    const b = encodeCreqB(pr);
    if (b.ok) c.creqB = b.value;
    return c;
  }

  /** Whether every priced route got its payment requests encoded (checked at configure time). */
  complete(): string {
    for (let i = 0; i < this.config.routes.length; i++) {
      const r = this.config.routes[i];
      if (r.price == 0) continue;
      const c = this.byRoute.get(r.id);
      if (c.creqA.length == 0 || c.creqB.length == 0) return "routes[" + i.toString() + "]: cannot encode a payment request";
    }
    return "";
  }

  /** The plain 402 for a request with no payment: built once per route, then reused as is. */
  plainPaymentRequired(r: RouteRule): Decision {
    const c = this.byRoute.get(r.id);
    if (c.plain == null) c.plain = this.paymentRequired(r, "payment_required", "");
    return c.plain!;
  }

  /** 402 Payment Required with a fresh NUT-24 payment request. */
  paymentRequired(r: RouteRule, code: string, why: string): Decision {
    const c = this.byRoute.get(r.id);
    const header = this.config.requestFormat == "creqB" ? c.creqB : c.creqA;
    const d = new Decision();
    d.kind = DecisionKind.Respond;
    d.status = 402;
    d.headers = ["x-cashu", header, "content-type", "application/json", "cache-control", "no-store"];
    const msg = "This resource costs " + c.amount.toString() + " " + this.config.unit +
      ". Send a Cashu token worth at least that, from an accepted mint, in the X-Cashu header (or Authorization: Bearer cashu...).";
    const w = new JsonWriter();
    w.beginObject()
      .kstr("error", "payment_required")
      .kstr("code", code)
      .kstr("message", why.length > 0 ? why + ". " + msg : msg)
      .ku64("amount", c.amount)
      .kstr("unit", this.config.unit)
      .kstr("route", r.id)
      .key("mints").raw(this.mintsJson)
      .kstr("payment_request", c.creqA)
      .kstr("payment_request_creqb", c.creqB)
      .endObject();
    d.body = w.toString();
    return d;
  }

  /** A JSON error answer (400 for bad payments, 502/503 when the mint fails). */
  error(status: u32, code: string, reason: string, r: RouteRule | null): Decision {
    const d = new Decision();
    d.kind = DecisionKind.Respond;
    d.status = status;
    d.headers = ["content-type", "application/json", "cache-control", "no-store"];
    const w = new JsonWriter();
    w.beginObject().kstr("error", code).kstr("message", reason);
    if (r != null && r.price > 0) {
      w.ku64("amount", this.advertised(r)).kstr("unit", this.config.unit).kstr("route", r.id).key("mints").raw(this.mintsJson);
    }
    w.endObject();
    d.body = w.toString();
    return d;
  }
}
