// The plugin configuration: one JSON schema shared by every host (Envoy, Istio, NGINX via the
// native shim, Go/Traefik). Parsed and validated once at configure time; a bad configuration is
// refused with one message naming the field, e.g. `routes[1].price: must be an unsigned integer`.
import { JsonObject, JsonParser, JsonValue, U64Result } from "../core/json";

export class MintConfig {
  /** The mint's URL as wallets see it (goes into the payment request). */
  url: string = "";
  /** The host's name for the mint upstream (an Envoy cluster). */
  cluster: string = "";
}

export class RouteRule {
  /** Path prefix this rule applies to ("/" matches everything). */
  prefix: string = "/";
  /** Price in `unit` per request; 0 makes the route free. */
  price: u64 = 0;
}

export class GateConfig {
  unit: string = "sat";
  mints: Array<MintConfig> = [];
  routes: Array<RouteRule> = [];
}

export class ConfigResult {
  config: GateConfig | null = null;
  /** Empty when the configuration is valid. */
  error: string = "";
}

function fail(field: string, why: string): ConfigResult {
  const r = new ConfigResult();
  r.error = field + ": " + why;
  return r;
}

export function parseConfig(text: string): ConfigResult {
  const parser = new JsonParser();
  parser.maxLength = 256 * 1024;
  const root = parser.parse(text);
  if (root == null) return fail("configuration", "not valid JSON (" + parser.errorMessage() + ")");
  const obj = root.asObject();
  if (obj == null) return fail("configuration", "must be a JSON object");

  const cfg = new GateConfig();
  const known = ["unit", "mints", "routes"];
  for (let i = 0; i < obj.keys.length; i++) {
    if (!known.includes(obj.keys[i])) return fail(obj.keys[i], "unknown field");
  }

  const unit = obj.get("unit");
  if (unit != null) {
    const u = unit.asString();
    if (u == null || u.length == 0 || u.length > 16) return fail("unit", "must be a short non-empty string such as \"sat\"");
    cfg.unit = u;
  }

  const mints = obj.getArray("mints");
  if (mints == null || mints.length == 0) return fail("mints", "must be a non-empty array of {url, cluster}");
  for (let i = 0; i < mints.length; i++) {
    const where = "mints[" + i.toString() + "]";
    const m = mints.at(i).asObject();
    if (m == null) return fail(where, "must be an object {url, cluster}");
    const mc = new MintConfig();
    const url = m.getString("url");
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://")) || url.length < 10) {
      return fail(where + ".url", "must be an http(s) URL");
    }
    mc.url = url;
    const cluster = m.getString("cluster");
    if (cluster == null || cluster.length == 0) return fail(where + ".cluster", "must name the upstream cluster of this mint");
    mc.cluster = cluster;
    cfg.mints.push(mc);
  }

  const routes = obj.getArray("routes");
  if (routes == null || routes.length == 0) return fail("routes", "must be a non-empty array of {prefix, price}");
  const n = new U64Result();
  for (let i = 0; i < routes.length; i++) {
    const where = "routes[" + i.toString() + "]";
    const r = routes.at(i).asObject();
    if (r == null) return fail(where, "must be an object {prefix, price}");
    const rule = new RouteRule();
    const prefix = r.getString("prefix");
    if (prefix == null || !prefix.startsWith("/")) return fail(where + ".prefix", "must be a path starting with /");
    rule.prefix = prefix;
    const price = r.getNumber("price");
    if (price == null || !price.asU64(n)) return fail(where + ".price", "must be an unsigned integer");
    rule.price = n.value;
    cfg.routes.push(rule);
  }

  const ok = new ConfigResult();
  ok.config = cfg;
  return ok;
}
