// The payment scenario suite (test/lib/scenarios.ts) against NGINX: Debian's nginx +
// libnginx-mod-http-lua with host-shims/nginx/paygress.lua over build/native/libpaygress.so (the
// same paygress.wasm, translated by wasm2c). Two worker processes share one store (created in
// init_by_lua, before the fork), so the concurrent double-spend and the earnings counters are
// exercised across processes; mint calls go over cosockets with the mint's timeout.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Nginx } from "../lib/nginx.ts";
import { paymentScenarios, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { adversarialSuite } from "../lib/adversarial.ts";
import { buildNative, logFilePart, nginxPaygressHttp } from "../../host-shims/testing.ts";
import { clientGoneScenario } from "../lib/client-gone.ts";

async function nginxProxy(ctx: ScenarioContext): Promise<ProxyUnderTest> {
  buildNative();
  const configFile = join(ctx.stack.dir, "paygress.json");
  writeFileSync(configFile, JSON.stringify(ctx.pluginConfig));
  let restarts = 0;
  const start = async () => {
    const name = restarts === 0 ? "nginx" : `nginx-restart-${restarts}`;
    const n = new Nginx({
      logDir: ctx.stack.dir,
      name,
      lua: true,
      workers: 2,
      http: nginxPaygressHttp({
        configFile,
        clusters: { mint: `http://127.0.0.1:${ctx.mintPort}` },
        upstream: `127.0.0.1:${ctx.backend.port}`,
      }),
    });
    ctx.stack.add(logFilePart(`${name} error.log`, join(ctx.stack.dir, name, "logs/error.log")));
    return ctx.stack.add(await n.start());
  };
  let nginx = await start();
  return {
    get url() { return nginx.url; },
    kill: () => nginx.proc.kill(),
    restart: async () => { restarts++; nginx = await start(); },
    metrics: async () => (await fetch(`${nginx.url}/paygress/metrics`)).text(),
  };
}

paymentScenarios("NGINX", nginxProxy, { metrics: true });
adversarialSuite("NGINX", nginxProxy);

clientGoneScenario("NGINX", async (ctx) => {
  buildNative();
  const configFile = join(ctx.stack.dir, "paygress.json");
  writeFileSync(configFile, JSON.stringify(ctx.pluginConfig));
  const n = new Nginx({
    logDir: ctx.stack.dir, lua: true, workers: 2,
    http: nginxPaygressHttp({ configFile, clusters: { mint: `http://127.0.0.1:${ctx.mintPort}` }, upstream: `127.0.0.1:${ctx.backendPort}` }),
  });
  ctx.stack.add(logFilePart("nginx error.log", join(ctx.stack.dir, "nginx/logs/error.log")));
  return ctx.stack.add(await n.start()).url;
});
