import { GateConfig, parseConfig } from "../gate/config";
import { globMatch, hostMatches, matchRoute } from "../gate/routes";

const HEAD = '{"mints":[{"url":"http://m","cluster":"m"}],"pass":{"ttl_seconds":0},' +
  '"earnings":{"lock_pubkey":"02a57194bef8f0800d3a40fccb027dfaac852f20fd6bfc94257f6edd596f55739b","seed":"' + "22".repeat(32) + '"},"routes":';

function config(routes: string): GateConfig {
  const r = parseConfig(HEAD + routes + "}");
  expect(r.error).toBe("");
  return r.config!;
}

function id(c: GateConfig, method: string, host: string, path: string): string {
  const r = matchRoute(c.routes, method, host, path);
  return r == null ? "-" : r.id;
}

describe("route matching", () => {
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
    const c = config('[{"id":"post-only","prefix":"/api","methods":["POST"],"price":1},{"id":"api-host","host":"api.test","price":1},' +
      '{"id":"item","pattern":"/items/*","price":1},{"id":"all","prefix":"/","price":1}]');
    expect(id(c, "POST", "x", "/api/a")).toBe("post-only");
    expect(id(c, "post", "x", "/api/a")).toBe("post-only");
    expect(id(c, "GET", "api.test", "/api/a")).toBe("api-host");
    expect(id(c, "GET", "x", "/items/9")).toBe("item");
    expect(id(c, "GET", "x", "/other")).toBe("all");
    expect(id(c, "GET", "x", "/items/9?x=/y")).toBe("item");
    expect(id(c, "GET", "x", "/items/9/z")).toBe("all");
    const u = config('[{"id":"utf","prefix":"/caf\u00e9","price":1}]');
    expect(id(u, "GET", "x", "/caf\u00e9/menu")).toBe("utf");
    expect(id(u, "GET", "x", "/caf%C3%A9/menu")).toBe("utf");
    expect(id(u, "GET", "x", "/other")).toBe("-");
  });

  it("matches prefixes on segment boundaries, case-insensitively by default", () => {
    const c = config('[{"id":"health","prefix":"/healthz","price":0},{"id":"api","prefix":"/api/","price":10},{"id":"cs","prefix":"/Docs","case_sensitive":true,"price":5},{"id":"rest","prefix":"/","price":0}]');
    expect(id(c, "GET", "", "/healthz")).toBe("health");
    expect(id(c, "GET", "", "/healthzX")).toBe("rest");
    expect(id(c, "GET", "", "/api")).toBe("api");
    expect(id(c, "GET", "", "/api/")).toBe("api");
    expect(id(c, "GET", "", "/api/x")).toBe("api");
    expect(id(c, "GET", "", "/apix")).toBe("rest");
    expect(id(c, "GET", "", "/API/x")).toBe("api");
    expect(id(c, "GET", "", "/Api/x")).toBe("api");
    expect(id(c, "GET", "", "/%61pi/x")).toBe("api");
    expect(id(c, "GET", "", "//api/x")).toBe("api");
    expect(id(c, "GET", "", "/./api/x")).toBe("api");
    expect(id(c, "GET", "", "/healthz/../api/x")).toBe("api");
    expect(id(c, "GET", "", "/healthz/%2e%2e/api/x")).toBe("api");
    expect(id(c, "GET", "", "/Docs/a")).toBe("cs");
    expect(id(c, "GET", "", "/docs/a")).toBe("rest");
    expect(id(c, "GET", "", "/api%2Fx")).toBe("-"); // refused, never matched
  });

  it("gives a path with parameters the dearer of its two readings", () => {
    const c = config('[{"id":"free","prefix":"/free","price":0},{"id":"api","prefix":"/api","price":10},{"id":"rest","prefix":"/","price":1}]');
    expect(id(c, "GET", "", "/api;jsessionid=1/x")).toBe("api");
    expect(id(c, "GET", "", "/api;x")).toBe("api");
    expect(id(c, "GET", "", "/free;x")).toBe("rest");
    expect(id(c, "GET", "", "/free/;x")).toBe("free");
  });

  it("lets a GET rule price HEAD too", () => {
    const c = config('[{"id":"get","prefix":"/","methods":["GET"],"price":10},{"id":"other","prefix":"/","price":0}]');
    expect(id(c, "GET", "", "/x")).toBe("get");
    expect(id(c, "HEAD", "", "/x")).toBe("get");
    expect(id(c, "POST", "", "/x")).toBe("other");
  });

  it("matches a raw prefix with a pattern", () => {
    const c = config('[{"id":"raw","pattern":"/api**","price":1},{"id":"rest","prefix":"/","price":0}]');
    expect(id(c, "GET", "", "/apix")).toBe("raw");
    expect(id(c, "GET", "", "/api/x/y")).toBe("raw");
    expect(id(c, "GET", "", "/API/x")).toBe("raw");
  });

  it("matches canonical hosts", () => {
    const c = config('[{"id":"shop","host":"Shop.Example.com.","price":1},{"id":"rest","prefix":"/","price":0}]');
    expect(c.routes[0].host).toBe("shop.example.com");
    expect(id(c, "GET", "shop.example.com", "/")).toBe("shop");
  });
});
