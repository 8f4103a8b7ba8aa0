// A client that hangs up while the gate is still talking to the mint must not lose its token: the
// gate never starts a swap for a stream that is gone. Real Envoy, real (slowed) mint; the same
// scenario runs against the native hosts (test/lib/client-gone.ts).
import { join } from "node:path";
import { Envoy } from "../lib/envoy.ts";
import { ROOT } from "../lib/procs.ts";
import { clientGoneScenario } from "../lib/client-gone.ts";

clientGoneScenario("Envoy", async (ctx) => {
  const envoy = ctx.stack.add(await new Envoy({
    logDir: ctx.stack.dir, backend: { host: "127.0.0.1", port: ctx.backendPort },
    mints: [{ cluster: "mint", host: "127.0.0.1", port: ctx.mintPort }],
    filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: ctx.pluginConfig },
  }).start());
  return envoy.url;
});
