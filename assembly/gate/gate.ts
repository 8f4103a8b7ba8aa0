// The gate's decision logic, host-agnostic: plain values in, a Decision out. Hosts (the
// proxy-wasm adapter, the C shim through the same wasm) own all I/O.
import { JsonWriter } from "../core/json";
import { GateConfig, RouteRule } from "./config";

export const enum DecisionKind {
  /** Let the request through to the upstream. */
  Continue = 0,
  /** Answer locally with status/headers/body. */
  Respond = 1,
}

/** What the host tells the gate about an incoming request. */
export class RequestInfo {
  method: string = "GET";
  path: string = "/";
  host: string = "";
  /** `X-Cashu` header, or null. */
  xCashu: string | null = null;
  /** `Authorization` header, or null. */
  authorization: string | null = null;
}

export class Decision {
  kind: DecisionKind = DecisionKind.Continue;
  status: u32 = 200;
  /** Flattened header pairs: name, value, name, value, ... */
  headers: Array<string> = [];
  body: string = "";
  /** Short machine-readable reason for logs and response details (never a secret). */
  reason: string = "";
}

export class Gate {
  constructor(public config: GateConfig) {}

  /** The first rule whose prefix matches, or null for unpriced paths. */
  route(path: string): RouteRule | null {
    const routes = this.config.routes;
    for (let i = 0; i < routes.length; i++) {
      if (path.startsWith(routes[i].prefix)) return routes[i];
    }
    return null;
  }

  onRequestHeaders(req: RequestInfo): Decision {
    const d = new Decision();
    const rule = this.route(req.path);
    if (rule == null || rule.price == 0) {
      d.reason = "free";
      return d;
    }
    if (req.xCashu != null || req.authorization != null) {
      d.reason = "payment_presented";
      return d;
    }
    return this.challenge(rule);
  }

  challenge(rule: RouteRule): Decision {
    const d = new Decision();
    d.kind = DecisionKind.Respond;
    d.status = 402;
    d.reason = "payment_required";
    const w = new JsonWriter();
    w.beginObject()
      .kstr("error", "payment_required")
      .kstr("message", "This resource costs " + rule.price.toString() + " " + this.config.unit +
        ". Pay with a Cashu token in the X-Cashu header.")
      .ku64("amount", rule.price)
      .kstr("unit", this.config.unit)
      .key("mints").beginArray();
    for (let i = 0; i < this.config.mints.length; i++) w.str(this.config.mints[i].url);
    w.endArray().endObject();
    d.headers.push("content-type");
    d.headers.push("application/json");
    d.body = w.toString();
    return d;
  }
}
