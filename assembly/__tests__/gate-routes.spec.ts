import { RouteRule } from "../gate/config";
import { globMatch, hostMatches, hostOnly, matchRoute, pathOnly } from "../gate/routes";

function rule(id: string, prefix: string, pattern: string, host: string, methods: Array<string>): RouteRule {
  const r = new RouteRule();
  r.id = id;
  r.prefix = prefix;
  r.pattern = pattern;
  r.host = host;
  r.methods = methods;
  r.prefixUtf8 = Uint8Array.wrap(String.UTF8.encode(prefix));
  r.patternUtf8 = Uint8Array.wrap(String.UTF8.encode(pattern));
  return r;
}

describe("route matching", () => {
  it("normalises paths and hosts", () => {
    expect(pathOnly("/a/b?x=1#f")).toBe("/a/b");
    expect(pathOnly("/a")).toBe("/a");
    expect(hostOnly("Shop.Example.com:8080")).toBe("shop.example.com");
    expect(hostOnly("[::1]:80")).toBe("[::1]");
  });

  it("matches hosts exactly or by suffix", () => {
    expect(hostMatches("", "any")).toBe(true);
    expect(hostMatches("a.com", "a.com")).toBe(true);
    expect(hostMatches("*.a.com", "x.a.com")).toBe(true);
    expect(hostMatches("*.a.com", "a.com")).toBe(false);
    expect(hostMatches("*.a.com", "xa.com")).toBe(false);
  });

  it("globs one segment with * and many with **", () => {
    expect(globMatch("/items/*/buy", "/items/42/buy")).toBe(true);
    expect(globMatch("/items/*/buy", "/items/4/2/buy")).toBe(false);
    expect(globMatch("/files/**", "/files/a/b/c")).toBe(true);
    expect(globMatch("/files/*", "/files/a/b")).toBe(false);
    expect(globMatch("/*.json", "/data.json")).toBe(true);
    expect(globMatch("/a", "/ab")).toBe(false);
  });

  it("takes the first matching rule, honouring methods and hosts", () => {
    const rules = [
      rule("post-only", "/api", "", "", ["POST"]),
      rule("api-host", "/", "", "api.test", []),
      rule("item", "", "/items/*", "", []),
      rule("all", "/", "", "", []),
    ];
    expect(matchRoute(rules, "POST", "x", "/api/a")!.id).toBe("post-only");
    expect(matchRoute(rules, "GET", "api.test", "/api/a")!.id).toBe("api-host");
    expect(matchRoute(rules, "GET", "x", "/items/9")!.id).toBe("item");
    expect(matchRoute(rules, "GET", "x", "/other")!.id).toBe("all");
    expect(matchRoute(rules, "GET", "x", "/items/9?x=/y")!.id).toBe("item");
    expect(matchRoute(rules, "GET", "x", "/items/9/z")!.id).toBe("all");
    expect(matchRoute([rule("utf", "/caf\u00e9", "", "", [])], "GET", "x", "/caf\u00e9/menu")!.id).toBe("utf");
    expect(matchRoute([rule("only", "/only", "", "", [])], "GET", "x", "/other")).toBeNull();
  });
});
