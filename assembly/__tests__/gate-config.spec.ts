import { Env, laneFromName, parseConfig } from "../gate/config";

// The generator G: a valid point. "02" + "11".repeat(32) is not one (no y for that x).
const PUB = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const SEED = "22".repeat(32);
const KEY = "33".repeat(32);

function base(extra: string = ""): string {
  return '{"unit":"sat","mints":[{"url":"http://127.0.0.1:3338/","cluster":"mint"}],' +
    '"routes":[{"id":"api","prefix":"/api","price":10},{"prefix":"/","price":0}],' +
    '"pass":{"ttl_seconds":60,"keys":[{"id":"k1","secret":"' + KEY + '"}]},' +
    '"earnings":{"lock_pubkey":"' + PUB + '","seed":"' + SEED + '"}' + extra + "}";
}

function has(text: string, part: string): void {
  expect(text.includes(part)).toBe(true, "expected \"" + text + "\" to include \"" + part + "\"");
}

function errorOf(text: string, env: Env = new Env()): string {
  return parseConfig(text, env).error;
}

describe("plugin configuration", () => {
  it("accepts a complete configuration and normalises it", () => {
    const r = parseConfig(base());
    expect(r.error).toBe("");
    const c = r.config!;
    expect(c.mints[0].url).toBe("http://127.0.0.1:3338");
    expect(c.mints[0].authority).toBe("127.0.0.1:3338");
    expect(c.mints[0].id).toBe("m0");
    expect(c.routes[0].id).toBe("api");
    expect(c.routes[1].id).toBe("r1");
    expect(c.routes[0].price).toBe(10);
    expect(c.pass.ttlSeconds).toBe(60);
    expect(c.pass.keys[0].secret.length).toBe(32);
    expect(c.earnings.lockPubkeyHex).toBe(PUB);
    expect(c.requestFormat).toBe("creqA");
  });

  it("names the field of every error", () => {
    expect(errorOf("[]")).toBe("configuration: must be a JSON object");
    has(errorOf("{"), "configuration: not valid JSON");
    has(errorOf(base(',"colour":"red"')), "colour: unknown field");
    has(errorOf('{"mints":[],"routes":[]}'), "mints: must be a non-empty array");
    has(errorOf(base().replace('"http://127.0.0.1:3338/"', '"ftp://x"')), "mints[0].url: must be an http(s) URL");
    expect(errorOf(base().replace('"price":10', '"price":-1'))).toBe("routes[0].price: must be an unsigned integer");
    expect(errorOf(base().replace('"price":10', '"price":1.5'))).toBe("routes[0].price: must be an unsigned integer");
    expect(errorOf(base().replace('"prefix":"/api"', '"prefix":"api"'))).toBe("routes[0].prefix: must be a path starting with /");
    has(errorOf(base().replace(PUB, "04" + "11".repeat(32))), "earnings.lock_pubkey: must be a compressed");
    has(errorOf(base().replace(SEED, "abcd")), "earnings.seed: must be hex of at least 32 bytes");
    has(errorOf(base().replace('"ttl_seconds":60', '"ttl_seconds":"60"')), "pass.ttl_seconds: must be an integer");
    has(errorOf(base(',"payment_request":"creqC"')), "payment_request:");
    // 66 hex characters that are no point on the curve: every earned proof would be lost.
    has(errorOf(base().replace(PUB, "02" + "11".repeat(32))), "earnings.lock_pubkey: is not a point on secp256k1");
    has(errorOf(base().replace('"prefix":"/api"', '"prefix":"/api%2Fx"')), "routes[0].prefix: the path has an encoded slash");
    has(errorOf(base().replace('"prefix":"/api"', '"prefix":"/api?x=1"')), "routes[0].prefix: must be a path without a query");
  });

  it("compares mint URLs by scheme and host case-insensitively", () => {
    const r = parseConfig(base().replace('"http://127.0.0.1:3338/"', '"HTTPS://Mint.Example.COM/Cashu/"'));
    expect(r.error).toBe("");
    expect(r.config!.mints[0].url).toBe("https://mint.example.com/Cashu");
    expect(r.config!.mints[0].authority).toBe("mint.example.com");
    expect(r.config!.mints[0].basePath).toBe("/Cashu");
    has(errorOf(base().replace('"http://127.0.0.1:3338/"', '"http://user:pw@m"')), "mints[0].url: must be an http(s) URL");
  });

  it("keeps route prefixes canonical and GET covering HEAD", () => {
    const r = parseConfig(base().replace('"prefix":"/api"', '"prefix":"/%61pi/","methods":["get"]'));
    expect(r.error).toBe("");
    expect(r.config!.routes[0].prefix).toBe("/api");
    expect(r.config!.routes[0].methods.join(",")).toBe("GET,HEAD");
  });

  it("derives a replica's earnings lane from an environment variable", () => {
    const env = new Env();
    env.names.push("POD_NAME");
    env.values.push("paygress-3");
    const text = base().replace('"seed":"' + SEED + '"', '"seed":"' + SEED + '","lane_env":"POD_NAME"');
    const r = parseConfig(text, env);
    expect(r.error).toBe("");
    expect(r.config!.earnings.lane).toBe(3);
    expect(r.config!.earnings.laneEnv).toBe("POD_NAME");
    has(errorOf(text), "earnings.lane_env: environment variable POD_NAME is not set");
    has(errorOf(base().replace('"seed":"' + SEED + '"', '"seed":"' + SEED + '","lane":1,"lane_env":"POD_NAME"'), env), "give either lane or lane_env");
    expect(laneFromName("paygress-7d9c8-x2kqp", 16)).toBeLessThan(16);
    expect(laneFromName("paygress-7d9c8-x2kqp", 16)).toBe(laneFromName("paygress-7d9c8-x2kqp", 16));
    expect(laneFromName("gw-12", 16)).toBe(12);
    expect(laneFromName("gw-19", 16)).toBe(3);
  });

  it("requires pass keys and earnings when a route is priced", () => {
    const noEarnings = '{"mints":[{"url":"http://m","cluster":"c"}],"routes":[{"prefix":"/","price":1}],"pass":{"ttl_seconds":0}}';
    has(errorOf(noEarnings), "earnings: is required");
    const noKeys = '{"mints":[{"url":"http://m","cluster":"c"}],"routes":[{"prefix":"/","price":1}],"earnings":{"lock_pubkey":"' + PUB + '","seed":"' + SEED + '"}}';
    has(errorOf(noKeys), "pass.keys: at least one key");
    const free = '{"mints":[{"url":"http://m","cluster":"c"}],"routes":[{"prefix":"/","price":0}]}';
    expect(errorOf(free)).toBe("");
  });

  it("reads secrets from the VM environment", () => {
    const env = new Env();
    env.names.push("PASS_KEY");
    env.values.push(KEY + "\n");
    const text = base().replace('"secret":"' + KEY + '"', '"secret_env":"PASS_KEY"');
    const r = parseConfig(text, env);
    expect(r.error).toBe("");
    expect(r.config!.pass.keys[0].secret[0]).toBe(0x33);
    expect(errorOf(text)).toBe("pass.keys[0].secret_env: environment variable PASS_KEY is not set in the VM");
    const both = base().replace('"secret":"' + KEY + '"', '"secret":"' + KEY + '","secret_env":"PASS_KEY"');
    has(errorOf(both, env), "give either secret or secret_env");
  });

  it("rejects duplicates", () => {
    has(errorOf(base().replace('{"prefix":"/","price":0}', '{"id":"api","prefix":"/","price":0}')), "routes[1].id: duplicate route id api");
    const twoMints = base().replace('{"url":"http://127.0.0.1:3338/","cluster":"mint"}', '{"url":"http://a","cluster":"x"},{"url":"http://a/","cluster":"y"}');
    has(errorOf(twoMints), "mints[1].url: duplicate mint");
  });
});
