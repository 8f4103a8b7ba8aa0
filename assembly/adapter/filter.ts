// The proxy-wasm adapter: wires the SDK's root and HTTP contexts to the gate. It owns every host
// call; the gate owns every decision.
import {
  Context, RootContext, FilterHeadersStatusValues, GrpcStatusValues, LogLevelValues,
  send_local_response, HeaderPair,
} from "@solo-io/proxy-runtime/assembly";
import { parseConfig } from "../gate/config";
import { DecisionKind, Gate, RequestInfo } from "../gate/gate";
import { HeaderName, logAt, requestHeader } from "./host";

const H_PATH = new HeaderName(":path");
const H_METHOD = new HeaderName(":method");
const H_AUTHORITY = new HeaderName(":authority");
const H_X_CASHU = new HeaderName("x-cashu");
const H_AUTHORIZATION = new HeaderName("authorization");

export class PaygressRoot extends RootContext {
  gate: Gate | null = null;

  onConfigure(configurationSize: u32): bool {
    if (!super.onConfigure(configurationSize)) return false;
    const result = parseConfig(this.getConfiguration());
    if (result.config == null) {
      // The one line an operator needs: what is wrong and where.
      logAt(LogLevelValues.critical, "paygress: invalid plugin configuration: " + result.error);
      return false;
    }
    this.gate = new Gate(result.config!);
    logAt(LogLevelValues.info, "paygress: configured");
    return true;
  }

  createContext(contextId: u32): Context {
    return new PaygressHttp(contextId, this);
  }
}

export class PaygressHttp extends Context {
  constructor(contextId: u32, public root: PaygressRoot) {
    super(contextId, root);
  }

  onRequestHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    const gate = this.root.gate;
    if (gate == null) {
      // Not configured (configure failed): fail closed.
      sendLocal(503, "paygress_not_configured", [], "{\"error\":\"paygress is not configured\"}");
      return FilterHeadersStatusValues.StopIteration;
    }
    const req = new RequestInfo();
    const path = requestHeader(H_PATH);
    if (path != null) req.path = path;
    const method = requestHeader(H_METHOD);
    if (method != null) req.method = method;
    const host = requestHeader(H_AUTHORITY);
    if (host != null) req.host = host;
    req.xCashu = requestHeader(H_X_CASHU);
    req.authorization = requestHeader(H_AUTHORIZATION);

    const d = gate.onRequestHeaders(req);
    if (d.kind == DecisionKind.Continue) return FilterHeadersStatusValues.Continue;
    sendLocal(d.status, d.reason, d.headers, d.body);
    return FilterHeadersStatusValues.StopIteration;
  }
}

function sendLocal(status: u32, details: string, headers: Array<string>, body: string): void {
  const pairs = new Array<HeaderPair>();
  for (let i = 0; i + 1 < headers.length; i += 2) {
    pairs.push(new HeaderPair(String.UTF8.encode(headers[i]), String.UTF8.encode(headers[i + 1])));
  }
  send_local_response(status, details, String.UTF8.encode(body), pairs, GrpcStatusValues.Unknown);
}
