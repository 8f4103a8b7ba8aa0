// The payment scenario suite (test/lib/scenarios.ts) against paygress.wasm in a real Envoy.
import { join } from "node:path";
import { Envoy } from "../lib/envoy.ts";
import { ROOT } from "../lib/procs.ts";
import { paymentScenarios, type ScenarioContext } from "../lib/scenarios.ts";

const WASM = join(ROOT, "build/paygress.wasm");

paymentScenarios("Envoy", async (ctx: ScenarioContext) => {
  const opts = {
    logDir: ctx.stack.dir,
    backend: { host: "127.0.0.1", port: ctx.backend.port },
    mints: [{ cluster: "mint", host: "127.0.0.1", port: ctx.mintPort }],
    filter: { wasmPath: WASM, pluginConfig: ctx.pluginConfig },
  };
  let envoy = ctx.stack.add(await new Envoy(opts).start());
  let restarts = 0;
  return {
    get url() { return envoy.url; },
    kill: () => envoy.proc.kill(),
    restart: async () => { envoy = ctx.stack.add(await new Envoy({ ...opts, name: `envoy-restart-${++restarts}` }).start()); },
    metrics: () => envoy.admin("/stats/prometheus"),
    logs: () => envoy.proc.log(),
  };
}, { metrics: true, logs: true });
