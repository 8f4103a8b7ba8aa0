// The payment scenario suite (test/lib/scenarios.ts) and the adversarial suite
// (test/lib/adversarial.ts) against paygress.wasm in a real Envoy. The adversarial suite runs twice:
// with the Envoy path normalisation the shipped configurations set (envoy/config.ts
// PATH_NORMALIZATION), and without it, where the gate's own canonical target is the only line.
import { join } from "node:path";
import { Envoy } from "../lib/envoy.ts";
import { ROOT } from "../lib/procs.ts";
import { paymentScenarios, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { adversarialSuite } from "../lib/adversarial.ts";

const WASM = join(ROOT, "build/paygress.wasm");

function envoyProxy(pathNormalization: boolean) {
  return async (ctx: ScenarioContext): Promise<ProxyUnderTest> => {
    const opts = {
      logDir: ctx.stack.dir,
      backend: { host: "127.0.0.1", port: ctx.backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: ctx.mintPort }],
      filter: { wasmPath: WASM, pluginConfig: ctx.pluginConfig },
      pathNormalization,
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
  };
}

// Envoy's HTTP/1 codec refuses raw non-ASCII bytes in the request line (400) before any filter.
const ENVOY = { "raw UTF-8": { expect: "refused", statuses: [400] } } as const;

paymentScenarios("Envoy", envoyProxy(true), { metrics: true, logs: true });
adversarialSuite("Envoy", envoyProxy(true), {
  exceptions: {
    ...ENVOY,
    // normalize_path applies RFC 3986 remove_dot_segments before merge_slashes: ".." removes the
    // empty segment, so Envoy itself rewrites this to /healthz/api/x, which is what the gate
    // prices (free) and the upstream serves. The gate alone (below) merges slashes first, as NGINX
    // and Go's path.Clean do, and prices it /api/x. Either way the upstream serves what was priced.
    "empty segment dot-dot /healthz//../api/x": { expect: "free", statuses: [200], serves: "/healthz/api/x", forwarded: "/healthz/api/x" },
  },
});
adversarialSuite("Envoy without its own path normalisation", envoyProxy(false), { exceptions: ENVOY });
