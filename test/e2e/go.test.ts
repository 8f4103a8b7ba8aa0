// The payment scenario suite (test/lib/scenarios.ts) against the Go net/http middleware:
// paygress-proxy (host-shims/go/cmd/paygress-proxy), a reverse proxy built with the cgo package over
// libpaygress.so, with a pool of module instances on one shared store and mint calls made with
// net/http. Then the forward-auth server behind NGINX's auth_request (the refusal hand-over).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Backend } from "../lib/backend.ts";
import { Mint } from "../lib/mint.ts";
import { Nginx } from "../lib/nginx.ts";
import { Proc, freePort, httpOk, waitFor } from "../lib/procs.ts";
import { paymentScenarios, scenarioPluginConfig, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { adversarialSuite } from "../lib/adversarial.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { TestWallet } from "../lib/wallet.ts";
import { NATIVE_BIN, buildNative } from "../../host-shims/testing.ts";
import { clientGoneScenario } from "../lib/client-gone.ts";

/** Starts a Go binary with `-listen` on a free port; resolves when `readyPath` answers 200. */
async function startGo(stack: Stack, bin: string, name: string, args: string[], readyPath: string): Promise<{ url: string; proc: Proc }> {
  const port = await freePort();
  const proc = new Proc({ name, cmd: join(NATIVE_BIN, bin), args: ["-listen", `127.0.0.1:${port}`, ...args], logDir: stack.dir });
  const url = `http://127.0.0.1:${port}`;
  stack.add({ proc, stop: () => proc.stop() });
  await waitFor(`${name} on ${url}`, () => httpOk(`${url}${readyPath}`), proc, 20000);
  return { url, proc };
}

async function goProxy(ctx: ScenarioContext): Promise<ProxyUnderTest> {
  buildNative("go");
  const configFile = join(ctx.stack.dir, "paygress.json");
  writeFileSync(configFile, JSON.stringify(ctx.pluginConfig));
  const args = ["-config", configFile, "-upstream", `http://127.0.0.1:${ctx.backend.port}`,
    "-mint-cluster", `mint=http://127.0.0.1:${ctx.mintPort}`, "-instances", "4"];
  let restarts = 0;
  let proxy = await startGo(ctx.stack, "paygress-proxy", "paygress-proxy", args, "/paygress/metrics");
  return {
    get url() { return proxy.url; },
    kill: () => proxy.proc.kill(),
    restart: async () => { proxy = await startGo(ctx.stack, "paygress-proxy", `paygress-proxy-restart-${++restarts}`, args, "/paygress/metrics"); },
    metrics: async () => (await fetch(`${proxy.url}/paygress/metrics`)).text(),
  };
}

paymentScenarios("Go net/http middleware", goProxy, { metrics: true });
adversarialSuite("Go net/http middleware", goProxy);

describe("forward-auth behind NGINX auth_request: refusals handed over, payments add headers", () => {
  const stack = new Stack("forward-auth-nginx");
  let mint: Mint;
  let backend: Backend;
  let nginx: Nginx;
  let wallet: TestWallet;
  let authUrl = "";

  before(async () => {
    buildNative("go");
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    backend = stack.add(await new Backend().start());
    const configFile = join(stack.dir, "paygress.json");
    writeFileSync(configFile, JSON.stringify(scenarioPluginConfig(mint.url)));
    const auth = await startGo(stack, "paygress-forward-auth", "paygress-forward-auth",
      ["-config", configFile, "-mint-cluster", `mint=${mint.url}`], "/healthz");
    const authHost = auth.url.replace("http://", "");
    authUrl = auth.url;
    nginx = stack.add(await new Nginx({
      logDir: stack.dir,
      http: `
  server {
    listen 127.0.0.1:$PORT;
    location / {
      auth_request /_paygress_auth;
      auth_request_set $paygress_deny $upstream_http_x_paygress_deny;
      auth_request_set $paygress_pass $upstream_http_x_paygress_add_x_paygress_pass;
      auth_request_set $paygress_change $upstream_http_x_paygress_add_x_cashu_change;
      auth_request_set $paygress_receipt $upstream_http_x_paygress_add_x_paygress_receipt;
      auth_request_set $paygress_cookie $upstream_http_set_cookie;
      auth_request_set $paygress_target $upstream_http_x_paygress_forward_path;
      auth_request_set $paygress_authorization $upstream_http_x_paygress_forward_authorization;
      auth_request_set $paygress_cookies $upstream_http_x_paygress_forward_cookie;
      add_header X-Paygress-Pass $paygress_pass;
      add_header X-Cashu-Change $paygress_change;
      add_header X-Paygress-Receipt $paygress_receipt;
      add_header Set-Cookie $paygress_cookie;
      error_page 401 = @paygress_refused;
      proxy_set_header X-Cashu "";
      proxy_set_header X-Paygress-Pass "";
      proxy_set_header Authorization $paygress_authorization;
      proxy_set_header Cookie $paygress_cookies;
      proxy_pass http://127.0.0.1:${backend.port}$paygress_target;
    }
    location = /_paygress_auth {
      internal;
      proxy_pass http://${authHost}/_paygress/nginx;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Uri $request_uri;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    location @paygress_refused {
      proxy_pass http://${authHost}/_paygress/deny/$paygress_deny;
    }
  }`,
    }).start());
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("passes the gate's 402 through auth_request unchanged", async () => {
    const r = await fetch(`${nginx.url}/article`);
    assert.equal(r.status, 402);
    assert.match(r.headers.get("x-cashu") ?? "", /^creqA/);
    assert.equal((await r.json()).error, "payment_required");
    assert.equal(backend.requests.length, 0);
  });

  it("pays through auth_request: 200 from the upstream with the pass, change and receipt", async () => {
    const r = await fetch(`${nginx.url}/article`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(16)) } });
    assert.equal(r.status, 200, await r.clone().text());
    assert.match(r.headers.get("x-paygress-pass") ?? "", /^p1\.k1\./);
    assert.equal(r.headers.get("x-paygress-receipt"), "amount=16; fee=0; earned=10; change=6; unit=sat; route=paid");
    assert.match(r.headers.get("x-cashu-change") ?? "", /^cashuB/);
    assert.match(r.headers.get("set-cookie") ?? "", /^paygress_pass=p1\./);
    const pass = r.headers.get("x-paygress-pass")!;
    assert.equal((await fetch(`${nginx.url}/other`, { headers: { "X-Paygress-Pass": pass } })).status, 200);
  });

  it("refuses a check without X-Forwarded-Method/Host/Uri instead of pricing /", async () => {
    for (const missing of ["X-Forwarded-Method", "X-Forwarded-Uri", "X-Forwarded-Host"]) {
      const headers: Record<string, string> = { "X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/article", "X-Forwarded-Host": "shop.test" };
      delete headers[missing];
      const r = await fetch(`${authUrl}/`, { headers });
      assert.equal(r.status, 400, missing);
      assert.match((await r.json()).message, /X-Forwarded-Method, X-Forwarded-Uri and X-Forwarded-Host are required/);
    }
  });

  it("ignores client-sent control headers: the NGINX hand-over mode is the path the proxy calls", async () => {
    const headers = { "X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/article", "X-Forwarded-Host": "shop.test", "X-Paygress-Auth-Request": "nginx" };
    const r = await fetch(`${authUrl}/`, { headers });
    assert.equal(r.status, 402, "a client asking for the NGINX mode gets the gate's own answer");
    const n = await fetch(`${authUrl}/_paygress/nginx`, { headers });
    assert.equal(n.status, 401);
    assert.ok(n.headers.get("x-paygress-deny"));
  });

  it("answers 400 with the gate's reason to a malformed token", async () => {
    const r = await fetch(`${nginx.url}/article`, { headers: { "X-Cashu": "cashuBnot-base64!!" } });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, "malformed_token");
  });
});

clientGoneScenario("Go middleware", async (ctx) => {
  buildNative("go");
  const configFile = join(ctx.stack.dir, "paygress.json");
  writeFileSync(configFile, JSON.stringify(ctx.pluginConfig));
  const proxy = await startGo(ctx.stack, "paygress-proxy", "paygress-proxy", ["-config", configFile,
    "-upstream", `http://127.0.0.1:${ctx.backendPort}`, "-mint-cluster", `mint=http://127.0.0.1:${ctx.mintPort}`], "/paygress/metrics");
  return proxy.url;
});
