// The payment scenario suite (test/lib/scenarios.ts) against the real Traefik binary
// (.cache/go/bin/traefik, built by tools/go-tools.sh) with the example configuration of
// host-shims/traefik/ (file provider): ForwardAuth to paygress-forward-auth (the Go server over
// libpaygress.so), addAuthCookiesToResponse for the pass cookie, and the local paygress-headers
// plugin that puts the pass, change and receipt on the client's response. Then the client-gone
// scenario (Traefik cancels the auth request when its client leaves).
import { it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "../lib/backend.ts";
import { Proc, freePort, httpOk, waitFor } from "../lib/procs.ts";
import type { Stack } from "../lib/stack.ts";
import { paymentScenarios, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { adversarialSuite } from "../lib/adversarial.ts";
import { NATIVE_BIN, ROOT, TRAEFIK_PLUGIN_DIR, buildNative, ensureTraefik } from "../../host-shims/testing.ts";
import { clientGoneScenario } from "../lib/client-gone.ts";

const EXAMPLE = join(ROOT, "host-shims/traefik");
let upstream: Backend | undefined;

interface Running { url: string; authUrl: string; auth: Proc; proc: Proc }

/** paygress-forward-auth + Traefik with the example configuration, this run's addresses. */
async function startTraefik(stack: Stack, o: { mintPort: number; backendPort: number; pluginConfig: Record<string, unknown>; suffix?: string }): Promise<Running> {
  buildNative("go");
  const traefik = ensureTraefik();
  const dir = stack.dir;
  const suffix = o.suffix ?? "";
  const configFile = join(dir, "paygress.json");
  writeFileSync(configFile, JSON.stringify(o.pluginConfig));
  if (!existsSync(join(dir, "plugins-local"))) symlinkSync(TRAEFIK_PLUGIN_DIR, join(dir, "plugins-local"));
  const authPort = await freePort();
  const webPort = await freePort();
  const pingPort = await freePort();
  const auth = new Proc({
    name: `paygress-forward-auth${suffix}`,
    cmd: join(NATIVE_BIN, "paygress-forward-auth"),
    args: ["-listen", `127.0.0.1:${authPort}`, "-config", configFile, "-mint-cluster", `mint=http://127.0.0.1:${o.mintPort}`],
    logDir: dir,
  });
  stack.add({ proc: auth, stop: () => auth.stop() });
  await waitFor("forward-auth /healthz", () => httpOk(`http://127.0.0.1:${authPort}/healthz`), auth, 20000);

  const dynamicFile = join(dir, `dynamic${suffix}.yaml`);
  writeFileSync(dynamicFile, readFileSync(join(EXAMPLE, "dynamic.yaml"), "utf8")
    .replace("http://127.0.0.1:8089/", `http://127.0.0.1:${authPort}/`)
    .replace("http://127.0.0.1:9000", `http://127.0.0.1:${o.backendPort}`));
  const staticFile = join(dir, `traefik${suffix}.yaml`);
  writeFileSync(staticFile, readFileSync(join(EXAMPLE, "traefik.yaml"), "utf8")
    .replace("127.0.0.1:8000", `127.0.0.1:${webPort}`)
    .replace("127.0.0.1:8082", `127.0.0.1:${pingPort}`)
    .replace("filename: dynamic.yaml", `filename: ${dynamicFile}`));
  const proc = new Proc({ name: `traefik${suffix}`, cmd: traefik, args: [`--configFile=${staticFile}`], cwd: dir, logDir: dir });
  stack.add({ proc, stop: () => proc.stop() });
  const url = `http://127.0.0.1:${webPort}`;
  // Ready when the router and both middlewares are loaded: an unpaid request gets the gate's 402
  // (and never reaches the backend, which the first scenario checks), or 200 where /article is free.
  await waitFor(`traefik on ${url}`, async () => {
    const r = await fetch(`${url}/article`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status === 402 || r.status === 200;
  }, proc, 30000);
  return { url, auth, proc, authUrl: `http://127.0.0.1:${authPort}` };
}

async function traefikProxy(ctx: ScenarioContext): Promise<ProxyUnderTest> {
  const opts = { mintPort: ctx.mintPort, backendPort: ctx.backend.port, pluginConfig: ctx.pluginConfig };
  let generation = 0;
  let current = await startTraefik(ctx.stack, opts);
  return {
    get url() { return current.url; },
    kill: async () => { await Promise.all([current.proc.kill(), current.auth.kill()]); },
    restart: async () => { current = await startTraefik(ctx.stack, { ...opts, suffix: `-restart-${++generation}` }); },
    metrics: async () => (await fetch(`${current.authUrl}/metrics`)).text(),
  };
}

paymentScenarios("Traefik ForwardAuth", async (ctx) => { upstream = ctx.backend; return traefikProxy(ctx); }, { metrics: true });
adversarialSuite("Traefik ForwardAuth", traefikProxy);

it("Traefik: the upstream never sees the change token or the X-Paygress-Add-* hand-over headers", () => {
  assert.ok(upstream && upstream.requests.length > 10, "the suite reached the upstream");
  for (const r of upstream!.requests) {
    for (const name of Object.keys(r.headers)) assert.doesNotMatch(name, /^(x-paygress-add-|x-cashu-change|x-paygress-receipt)/i, `${r.url}: ${name}`);
  }
});

clientGoneScenario("Traefik ForwardAuth", async (ctx) => (await startTraefik(ctx.stack, ctx)).url);
