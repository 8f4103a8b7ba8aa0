// The committed example configurations: generated (tools/render-configs.ts) from the functions the
// e2e tests run, so a committed file that differs from the generator's output fails here; and
// every Envoy configuration and every plugin configuration they contain is checked by the real
// Envoy (`envoy --mode validate`, which also starts the Paygress VM and runs its configuration
// parser), with the real build/paygress.wasm in place of the deployment path. Broken copies must
// fail, or the validation would prove nothing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { envoyBootstrap, paygressHttpFilter } from "../../envoy/config.ts";
import { REPLICA_ENV_KEYS, examplePluginConfigs, renderAll, staleFiles } from "../../tools/render-configs.ts";
import { validateEnvoyConfig } from "../lib/envoy.ts";
import { ROOT } from "../lib/procs.ts";

const WASM = join(ROOT, "build/paygress.wasm");
type Json = Record<string, any>;

const read = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const docs = (rel: string): Json[] => parseAllDocuments(read(rel)).map((d) => d.toJS() as Json);

describe("generated example configurations", () => {
  it("every committed generated file equals what tools/render-configs.ts produces now", () => {
    const files = renderAll();
    assert.ok(files.size >= 20, `expected the full set of files, got ${files.size}`);
    const stale = staleFiles(files);
    assert.deepEqual(stale, [], `out of date, run: npx tsx tools/render-configs.ts (${stale.join(", ")})`);
  });

  it("a hand edit of a generated file is detected", () => {
    const files = renderAll();
    const [rel, content] = [...files][0];
    files.set(rel, content + "# edited\n");
    assert.deepEqual(staleFiles(files), [rel]);
  });

  it("the EnvoyFilter's HTTP filter and resource come from envoy/config.ts", () => {
    for (const kind of ["gateway", "sidecar"]) {
      const [cm, ef] = docs(`k8s/istio/${kind}/envoyfilter.yaml`);
      const value = ef.spec.configPatches[0].patch.value;
      assert.equal(value.name, "paygress");
      assert.deepEqual(value.config_discovery.type_urls, ["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]);
      const resource = parse(cm.data["paygress-ecds.yaml"]);
      const typed = resource.resources[0].typed_config;
      const fromSource = paygressHttpFilter({
        wasmPath: typed.config.vm_config.code.local.filename,
        pluginConfig: JSON.parse(typed.config.configuration.value),
        hostEnvKeys: REPLICA_ENV_KEYS,
        prettyConfig: true,
      }).typed_config;
      assert.deepEqual(typed, fromSource);
    }
  });
});

describe("envoy --mode validate on every Envoy and plugin configuration", () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  before(() => {
    assert.ok(existsSync(WASM), `${WASM} missing: bash build-wasm-plugins.sh wasm`);
    dir = mkdtempSync(join(tmpdir(), "paygress-configs-"));
    // The filter reads its secrets from Envoy's environment (host_env_keys).
    // Replicated configurations also read the pod's name (earnings.lane_env).
    for (const k of REPLICA_ENV_KEYS) { saved[k] = process.env[k]; process.env[k] = k === "POD_NAME" ? "paygress-7d9c8-x2kqp" : randomBytes(32).toString("hex"); }
  });
  after(() => {
    for (const k of REPLICA_ENV_KEYS) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function validate(name: string, text: string): Promise<{ code: number | null; output: string }> {
    const file = join(dir, `${n++}-${name.replace(/\W+/g, "_")}.yaml`);
    writeFileSync(file, text);
    return validateEnvoyConfig(file, dir);
  }
  async function assertValid(name: string, text: string): Promise<void> {
    const r = await validate(name, text);
    assert.equal(r.code, 0, `${name} must pass envoy --mode validate:\n${r.output.slice(-3000)}`);
  }

  /** A static bootstrap with `httpFilter` in front of the router (clusters for every mint upstream name). */
  function bootstrapWith(httpFilter: Json): string {
    const b = envoyBootstrap({
      listenPort: 10000,
      adminPort: 9901,
      backend: { host: "127.0.0.1", port: 8080 },
      mints: ["mint", "outbound|80||mint.example.com"].map((cluster) => ({ cluster, host: "127.0.0.1", port: 3338 })),
    }) as Json;
    b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters.unshift(httpFilter);
    return JSON.stringify(b);
  }
  /** The ECDS resource file's filter, with the real .wasm, as a static filter. */
  function resourceAsStatic(resourceYaml: string): string {
    const res = parse(resourceYaml);
    const typed = res.resources[0].typed_config;
    assert.match(typed.config.vm_config.code.local.filename, /paygress\.wasm$/);
    typed.config.vm_config.code.local.filename = WASM;
    return bootstrapWith({ name: "envoy.filters.http.wasm", typed_config: typed });
  }
  function pluginConfigAsStatic(config: unknown): string {
    return bootstrapWith(paygressHttpFilter({ wasmPath: WASM, pluginConfig: config, hostEnvKeys: REPLICA_ENV_KEYS }));
  }


  it("envoy/envoy.yaml (with the built .wasm)", async () => {
    const text = read("envoy/envoy.yaml");
    assert.match(text, /filename: build\/paygress\.wasm/);
    await assertValid("envoy.yaml", text.replace("filename: build/paygress.wasm", `filename: ${WASM}`));
  });

  it("envoy/envoy-ecds.yaml and its resource envoy/paygress-ecds.yaml", async () => {
    // Validate mode does not read ECDS files: the bootstrap is validated as is, the resource as
    // the static filter it describes.
    writeFileSync(join(dir, "paygress-ecds.yaml"), read("envoy/paygress-ecds.yaml"));
    await assertValid("envoy-ecds.yaml", read("envoy/envoy-ecds.yaml").replaceAll("/etc/paygress", dir));
    await assertValid("paygress-ecds.yaml", resourceAsStatic(read("envoy/paygress-ecds.yaml")));
  });

  it("the Istio EnvoyFilters (HTTP filter patch) and their ConfigMap resources", async () => {
    for (const kind of ["gateway", "sidecar"]) {
      const [cm, ef] = docs(`k8s/istio/${kind}/envoyfilter.yaml`);
      // Validate mode checks that the watched file exists: give it the ConfigMap's file.
      const sub = join(dir, kind);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, "paygress-ecds.yaml"), cm.data["paygress-ecds.yaml"]);
      await assertValid(`${kind} EnvoyFilter patch`, bootstrapWith(ef.spec.configPatches[0].patch.value).replaceAll("/etc/paygress/config", sub));
      await assertValid(`${kind} ECDS resource`, resourceAsStatic(cm.data["paygress-ecds.yaml"]));
    }
  });

  it("the Istio WasmPlugins' pluginConfig, in the real filter", async () => {
    for (const kind of ["gateway", "sidecar"]) {
      const [wp] = docs(`k8s/istio/${kind}/wasmplugin.yaml`);
      assert.deepEqual(wp.spec.vmConfig.env.map((e: Json) => e.name), REPLICA_ENV_KEYS);
      await assertValid(`${kind} WasmPlugin`, pluginConfigAsStatic(wp.spec.pluginConfig));
    }
  });

  it("the plugin configurations for ngx_wasm_module, Kong, ingress-nginx and Traefik, in the real filter", async () => {
    const ngx = /proxy_wasm paygress '([^']+)';/.exec(read("k8s/ngx-wasm/nginx.conf"));
    assert.ok(ngx, "nginx.conf has a proxy_wasm paygress '<config>' line");
    const kong = docs("k8s/kong/kong.yml")[0].services[0].filter_chains[0].filters[0];
    assert.equal(kong.name, "paygress");
    const nginxCm = docs("k8s/ingress-nginx/paygress.yaml").find((d) => d.metadata.name === "paygress-config")!;
    const traefikCm = docs("k8s/traefik/forward-auth.yaml").find((d) => d.kind === "ConfigMap")!;
    const configs = {
      "ngx-wasm nginx.conf": JSON.parse(ngx[1]),
      "kong.yml": JSON.parse(kong.config),
      "ingress-nginx config.json": JSON.parse(nginxCm.data["config.json"]),
      "traefik config.json": JSON.parse(traefikCm.data["config.json"]),
    };
    for (const [name, config] of Object.entries(configs)) await assertValid(name, pluginConfigAsStatic(config));
    // And every configuration the generator knows of.
    for (const c of examplePluginConfigs()) await assertValid(c.where, pluginConfigAsStatic(c.config));
  });

  it("the secrets really come from Envoy's environment (host_env_keys): without them the filter refuses", async () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(WASM)));
    assert.ok(imports.some((i) => i.name === "environ_get"), "the filter reads its secrets through WASI environ_get");
    const text = read("envoy/envoy.yaml").replace("filename: build/paygress.wasm", `filename: ${WASM}`);
    const key = process.env.PAYGRESS_PASS_KEY;
    delete process.env.PAYGRESS_PASS_KEY;
    try {
      const r = await validate("envoy-without-secret", text);
      assert.notEqual(r.code, 0, "must fail without PAYGRESS_PASS_KEY");
      assert.match(r.output, /pass\.keys\[0\]\.secret_env: environment variable PAYGRESS_PASS_KEY is not set/);
    } finally {
      process.env.PAYGRESS_PASS_KEY = key;
    }
  });

  it("a broken copy of envoy/envoy.yaml (unknown field) is rejected", async () => {
    const text = read("envoy/envoy.yaml")
      .replace("filename: build/paygress.wasm", `filename: ${WASM}`)
      .replace("stat_prefix: ingress_http", "stat_prefix: ingress_http\n                stat_prefixx: typo");
    const r = await validate("broken-envoy", text);
    assert.notEqual(r.code, 0, "a config with an unknown field must fail validation");
    assert.match(r.output, /stat_prefixx/);
  });

  it("a broken plugin configuration is rejected by the filter itself", async () => {
    const bad = structuredClone(examplePluginConfigs()[0].config) as Json;
    bad.routes[1].price = -1;
    const r = await validate("broken-plugin-config", pluginConfigAsStatic(bad));
    assert.notEqual(r.code, 0, "an invalid plugin configuration must fail validation");
    assert.match(r.output, /routes\[1\]\.price/);
  });
});
