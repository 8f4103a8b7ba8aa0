// Istio as a real host: a real Envoy configured only by Istio's own discovery server (istiod's xDS
// code, test/istio) from the shipped k8s/istio manifests plus the loopback overlay below.
//   - gateway, WasmPlugin and EnvoyFilter variants: the whole payment scenario suite
//     (test/lib/scenarios.ts), restart included (a new Envoy reconnects to the same server); the
//     adversarial suite (test/lib/adversarial.ts) on the WasmPlugin variant;
//   - sidecar, both variants: the inbound listener istiod builds for the shipped manifests carries
//     Paygress before the router, and 402 -> pay -> 200 + pass -> pass reuse through an inbound
//     listener the proxy binds itself (Sidecar ingress, captureMode NONE: loopback has no
//     iptables redirection to reach the real one);
//   - hot reload: a changed WasmPlugin (new .wasm and new price) pushed by the discovery server
//     under continuous load, then a corrupt module pushed the same way; and the EnvoyFilter
//     variant's ConfigMap procedure through the kubelet's ..data swap; every response counted.
// Each overlay change is printed with its reason (t.diagnostic) and nothing else is changed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { Backend } from "../lib/backend.ts";
import { pluginConfig } from "../lib/config.ts";
import {
  type Doc, IstioDiscovery, IstioProxy, Overlay, bootstrapOverride, cluster, configMapFromFiles, find,
  istioPluginConfig, kubeletMounts, loadManifests, podName, proxyEnv,
} from "../lib/istio.ts";
import { Load, versionedWasm } from "../lib/load.ts";
import { Mint } from "../lib/mint.ts";
import { ROOT, freePort, sleep, tail, waitFor } from "../lib/procs.ts";
import { adversarialSuite } from "../lib/adversarial.ts";
import { paymentScenarios, type ProxyUnderTest, type ScenarioContext } from "../lib/scenarios.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { TestWallet } from "../lib/wallet.ts";

const WASM = join(ROOT, "build/paygress.wasm");
type Variant = "WasmPlugin" | "EnvoyFilter";
type Target = "gateway" | "sidecar";

// ---- one discovery server for the whole file -----------------------------------------------------

const fileStack = new Stack("istio-xds");
let discoveryStarted: Promise<IstioDiscovery> | undefined;
/** Istio's discovery server, started on first use; every test below applies its own config set. */
function discovery(): Promise<IstioDiscovery> {
  discoveryStarted ??= (async () => {
    // Mesh configuration (istiod's `mesh` ConfigMap), two loopback necessities:
    //   - no automatic mTLS: workload certificates come from pilot-agent's SDS (UDS), which this
    //     host does not run; with auto mTLS every in-mesh cluster waits for them forever;
    //   - free ports for a sidecar's virtual outbound/inbound listeners instead of 15001/15006.
    const mesh = { enableAutoMtls: false, proxyListenPort: await freePort(), proxyInboundListenPort: await freePort() };
    return fileStack.add(await new IstioDiscovery({ logDir: fileStack.dir, mesh }).start());
  })();
  return discoveryStarted;
}
after(() => fileStack.stop());

// ---- the shipped manifests and the loopback overlay ------------------------------------------------

function shipped(target: Target, variant: Variant): Doc[] {
  const base = target === "gateway"
    ? ["k8s/istio/mesh/mint.yaml", "k8s/demo/backend.yaml", "k8s/istio/gateway/ingress-gateway.yaml", "k8s/istio/gateway/secret.yaml"]
    : ["k8s/istio/mesh/mint.yaml", "k8s/istio/sidecar/backend.yaml", "k8s/istio/sidecar/secret.yaml"];
  return loadManifests([...base, `k8s/istio/${target}/${variant === "WasmPlugin" ? "wasmplugin" : "envoyfilter"}.yaml`]);
}

const PROXY_DEPLOYMENT: Record<Target, [string, string]> = {
  gateway: ["istio-ingressgateway", "istio-ingress"],
  sidecar: ["demo-backend", "paygress-demo"],
};

interface Loopback {
  target: Target;
  variant: Variant;
  /** Where the proxy reaches the mint (a relay or the mint itself) and the backend. */
  mintPort: number;
  backendPort: number;
  /** The gateway's listener port, or the sidecar's bound inbound port (with `sidecarIngress`). */
  listenPort: number;
  /** The operator's plugin configuration (test/lib/config.ts form: cluster "mint", inline secrets). */
  config: Doc;
  wasmFile: string;
  /** Where the EnvoyFilter variant's ConfigMap volumes are laid out (the pod's filesystem). */
  podRoot: string;
  /** Sidecar only: add the bound inbound listener that loopback traffic can reach. */
  sidecarIngress?: boolean;
}

/**
 * The shipped manifests of one target and variant with the loopback overlay applied, plus what
 * the cluster would create (Pods, EndpointSlices, ClusterIPs) and the operator's kubectl steps
 * (the Secret's values, the ConfigMap of the .wasm).
 */
function loopbackManifests(o: Loopback): { docs: Doc[]; overlay: Overlay } {
  const docs = shipped(o.target, o.variant);
  const ov = new Overlay();
  const se = find(docs, "ServiceEntry", "cashu-mint", "istio-system");
  ov.set(se, "spec.resolution", "STATIC", "the mint runs on loopback (a DNS ServiceEntry for a loopback name leaves CDS warming)");
  ov.set(se, "spec.endpoints", [{ address: "127.0.0.1", ports: { http: o.mintPort } }], "the mint's loopback address and port");
  const dr = find(docs, "DestinationRule", "cashu-mint", "istio-system");
  ov.set(dr, "spec.trafficPolicy.portLevelSettings.0.tls", { mode: "DISABLE" },
    "the loopback mint speaks plain HTTP; TLS origination needs pilot-agent's SDS (the system CA bundle as file-root:system), which this host lacks");
  const backend = find(docs, "Deployment", "demo-backend", "paygress-demo");
  ov.set(backend, "spec.template.spec.containers.0.ports.0.containerPort", o.backendPort, "the demo backend listens on a free loopback port");

  const wasmLike = o.variant === "WasmPlugin"
    ? find(docs, "WasmPlugin", "paygress").spec.pluginConfig
    : JSON.parse(parseYaml(find(docs, "ConfigMap", "paygress-config").data["paygress-ecds.yaml"]).resources[0].typed_config.config.configuration.value);
  const { config, secrets } = istioPluginConfig(o.config, wasmLike);
  const secret = find(docs, "Secret", "paygress-secrets");
  ov.set(secret, "stringData", { "pass-key": secrets.PAYGRESS_PASS_KEY, "earnings-seed": secrets.PAYGRESS_EARNINGS_SEED },
    "the operator's secrets (kubectl create secret generic paygress-secrets ...)");

  if (o.variant === "WasmPlugin") {
    const wp = find(docs, "WasmPlugin", "paygress");
    ov.set(wp, "spec.url", `file://${o.wasmFile}`, "no OCI pull: pilot-agent fetches oci:// modules in a cluster; a file:// module reaches Envoy as is");
    ov.set(wp, "spec.pluginConfig", config, "the operator's configuration: the scenario's routes and loopback mint, Istio's mint cluster and secret env names kept");
  } else {
    const cm = find(docs, "ConfigMap", "paygress-config");
    const resource = parseYaml(cm.data["paygress-ecds.yaml"]);
    const wasmConfig = resource.resources[0].typed_config.config;
    assert.ok(wasmConfig.configuration.value && wasmConfig.vm_config.code.local.filename, "the shipped ECDS resource has a configuration and a local module");
    wasmConfig.configuration.value = JSON.stringify(config);
    ov.set(cm, ["data", "paygress-ecds.yaml"], stringify(resource, { lineWidth: 0 }),
      "its configuration.value: the operator's configuration (as for WasmPlugin); nothing else in the resource changes");
    const why = "the pod's filesystem is a directory on this machine (where the kubelet's volumes are laid out)";
    ov.mapPaths(cm, "/etc/paygress/", `${o.podRoot}/etc/paygress/`, why);
    ov.mapPaths(find(docs, "EnvoyFilter", "paygress"), "/etc/paygress/", `${o.podRoot}/etc/paygress/`, why);
    const ns = PROXY_DEPLOYMENT[o.target][1];
    docs.push(configMapFromFiles("paygress-wasm", ns, { "paygress.wasm": o.wasmFile })); // kubectl create configmap paygress-wasm --from-file=...
  }

  if (o.target === "gateway") {
    const gw = find(docs, "Gateway", "paygress-demo");
    ov.set(gw, "spec.servers.0.port.number", o.listenPort, "a free port instead of 8080");
    ov.set(gw, "spec.servers.0.bind", "127.0.0.1", "listen on loopback only");
  } else {
    ov.add(docs, {
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace: "istio-system" },
      spec: { mtls: { mode: "DISABLE" } },
    }, "no workload certificates here: the inbound listener's mTLS (PERMISSIVE) chains wait for pilot-agent's SDS forever");
  }
  if (o.target === "sidecar" && o.sidecarIngress) {
    ov.add(docs, {
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: { name: "loopback-ingress", namespace: "paygress-demo" },
      spec: {
        workloadSelector: { labels: { app: "demo-backend" } },
        ingress: [{ port: { number: o.listenPort, protocol: "HTTP", name: "http" }, bind: "127.0.0.1", captureMode: "NONE", defaultEndpoint: `127.0.0.1:${o.backendPort}` }],
      },
    }, "an inbound listener the proxy binds itself: without iptables nothing redirects traffic to the virtual inbound listener (15006, ORIGINAL_DST)");
  }
  docs.push(...cluster(docs));
  return { docs, overlay: ov };
}

/** The pod of the proxy, its environment and bootstrap override, laid-out volumes: a proxy ready to start. */
async function proxyFor(name: string, logDir: string, o: Loopback, docs: Doc[], concurrency = 1): Promise<IstioProxy> {
  const [deployName, ns] = PROXY_DEPLOYMENT[o.target];
  const deployment = find(docs, "Deployment", deployName, ns);
  const pod = find(docs, "Pod", podName(deployment), ns);
  if (o.variant === "EnvoyFilter") kubeletMounts(o.podRoot, deployment, docs, 1);
  return new IstioProxy({
    name, logDir, discovery: await discovery(), type: o.target === "gateway" ? "router" : "sidecar", pod,
    env: proxyEnv(deployment, docs), configYaml: bootstrapOverride(pod, docs), concurrency,
  });
}

/** Waits until the listener answers through the gate (402, or 200 on a free route) rather than 404/500/503. */
async function waitForGate(url: string, proxy: IstioProxy, timeoutMs = 30000): Promise<void> {
  let last = "";
  await waitFor(`${url} answering through the gate`, async () => {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    last = `${r.status} ${(await r.text()).slice(0, 200)}`;
    return r.status === 402 || r.status === 200;
  }, proxy.proc, timeoutMs).catch((e) => { throw new Error(`${e}\nlast answer: ${last}`); });
}

async function waitForStatus(url: string, status: number, proxy: IstioProxy, timeoutMs = 30000): Promise<void> {
  let last = "";
  await waitFor(`${url} answering ${status}`, async () => {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    last = `${r.status} ${(await r.text()).slice(0, 200)}`;
    return r.status === status;
  }, proxy.proc, timeoutMs).catch((e) => { throw new Error(`${e}\nlast answer: ${last}`); });
}

/** The HTTP filter names of the HCM in a listener's filter chain. */
function httpFilters(chain: Doc): string[] {
  const hcm = (chain.filters as Doc[]).find((f) => f.name === "envoy.filters.network.http_connection_manager");
  return ((hcm?.typed_config?.http_filters ?? []) as Doc[]).map((f) => f.name as string);
}
function listener(dump: Doc, match: string | number): Doc | undefined {
  const ls = (dump.configs as Doc[]).find((c) => String(c["@type"]).endsWith("ListenersConfigDump"));
  const l = (ls?.dynamic_listeners as Doc[] ?? []).find((x) => typeof match === "string"
    ? x.name === match
    : x.active_state?.listener?.address?.socket_address?.port_value === match);
  return l?.active_state?.listener;
}
/** The HCM of a listener's first HTTP filter chain. */
function hcm(chain: Doc): Doc | undefined {
  return (chain.filters as Doc[]).find((f) => f.name === "envoy.filters.network.http_connection_manager")?.typed_config;
}

// ---- gateway: the payment scenario suite, both variants ----------------------------------------------

/** Starts the gateway for one variant with the suite's configuration (paymentScenarios, adversarialSuite). */
function gatewayProxy(variant: Variant) {
  return async (ctx: ScenarioContext): Promise<ProxyUnderTest> => {
    const xds = await discovery();
    const o: Loopback = {
      target: "gateway", variant, mintPort: ctx.mintPort, backendPort: ctx.backend.port, listenPort: await freePort(),
      config: ctx.pluginConfig, wasmFile: WASM, podRoot: join(ctx.stack.dir, "pod"),
    };
    const { docs, overlay } = loopbackManifests(o);
    writeFileSync(join(ctx.stack.dir, "overlay.txt"), overlay.changes.join("\n") + "\n");
    console.log(`# Istio gateway (${variant}) loopback overlay:\n#   ${overlay.changes.join("\n#   ")}`);
    await xds.apply(docs);
    const proxy = ctx.stack.add(await proxyFor(`istio-gateway-${variant.toLowerCase()}`, ctx.stack.dir, o, docs));
    await proxy.start();
    const url = `http://127.0.0.1:${o.listenPort}`;
    await waitForGate(`${url}/article`, proxy);
    // Where istiod put the filter in the gateway's listener, and the HCM settings it chose.
    const gl = listener(await proxy.configDump(), o.listenPort);
    assert.ok(gl, `a listener on ${o.listenPort}`);
    const names = httpFilters(gl.filter_chains[0]);
    const pay = names.findIndex((n) => n.includes("paygress"));
    assert.ok(pay >= 0 && pay < names.indexOf("envoy.filters.http.router"), `Paygress before the router: ${names.join(", ")}`);
    const h = hcm(gl.filter_chains[0])!;
    const settings = Object.fromEntries(["normalize_path", "merge_slashes", "path_with_escaped_slashes_action", "use_remote_address", "stream_idle_timeout", "request_timeout"].map((k) => [k, h[k]]));
    console.log(`# Istio gateway (${variant}) HTTP filters: ${names.join(" -> ")}; HCM ${JSON.stringify(settings)}`);
    return {
      url,
      kill: () => proxy.kill(),
      restart: async () => {
        await proxy.start(); // a new Envoy process, same pod identity, same discovery server
        await waitForGate(`${url}/article`, proxy);
      },
      metrics: () => proxy.admin("/stats/prometheus"),
      logs: () => proxy.proc.log(),
    };
  };
}

for (const variant of ["WasmPlugin", "EnvoyFilter"] as const) {
  paymentScenarios(`Istio gateway (${variant})`, gatewayProxy(variant), { metrics: true, logs: true });
}
// The adversarial suite on the WasmPlugin variant (the EnvoyFilter's filter is the same module in the
// same HCM). Istio's HCM differs from envoy/config.ts (normalize_path without merge_slashes, escaped
// slashes KEEP_UNCHANGED); the two exceptions are the same Envoy facts as in test/e2e/gate.test.ts:
adversarialSuite("Istio gateway (WasmPlugin)", gatewayProxy("WasmPlugin"), {
  exceptions: {
    // Envoy's HTTP/1 codec refuses raw non-ASCII bytes in the request line (400) before any filter.
    "raw UTF-8": { expect: "refused", statuses: [400] },
    // normalize_path (set by istiod) removes dot segments first: Envoy itself rewrites this to
    // /healthz/api/x, which the gate prices (free) and the upstream serves.
    "empty segment dot-dot /healthz//../api/x": { expect: "free", statuses: [200], serves: "/healthz/api/x", forwarded: "/healthz/api/x" },
  },
});

// ---- sidecar and hot reload: one mint, one backend ---------------------------------------------------

describe("Istio sidecar and hot reload, real mint, cashu-ts wallet", () => {
  const stack = new Stack("istio");
  let mint: Mint;
  let backend: Backend;
  let wallet: TestWallet;

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir }).start());
    backend = stack.add(await new Backend().start());
    wallet = await new TestWallet(mint.url).load();
  });
  after(() => stack.stop());
  onFailureDump(stack);

  const configAt = (price = 10) => pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price });

  for (const variant of ["WasmPlugin", "EnvoyFilter"] as const) {
    it(`sidecar (${variant}): the inbound listener istiod builds carries Paygress before the router; 402 -> pay -> 200 -> pass`, async (t) => {
      const xds = await discovery();
      const o: Loopback = {
        target: "sidecar", variant, mintPort: mint.port, backendPort: backend.port, listenPort: await freePort(),
        config: configAt(), wasmFile: WASM, podRoot: join(stack.dir, `pod-sidecar-${variant}`),
      };
      // 1. The shipped manifests as they are (plus addresses): the real sidecar inbound shape.
      const plain = loopbackManifests(o);
      await xds.apply(plain.docs);
      const proxy = stack.add(await proxyFor(`istio-sidecar-${variant.toLowerCase()}`, stack.dir, o, plain.docs));
      await proxy.start();
      const vi = listener(await proxy.configDump(), "virtualInbound");
      assert.ok(vi, "Envoy has the virtualInbound listener from istiod");
      const appChains = (vi.filter_chains as Doc[]).filter((c) => c.filter_chain_match?.destination_port === o.backendPort);
      assert.ok(appChains.length > 0, `virtualInbound has chains for the workload port ${o.backendPort}`);
      for (const c of appChains.filter((c) => httpFilters(c).length > 0)) {
        const names = httpFilters(c);
        const pay = names.findIndex((n) => n.includes("paygress"));
        assert.ok(pay >= 0 && pay < names.indexOf("envoy.filters.http.router"), `${c.name}: Paygress before the router: ${names.join(", ")}`);
      }
      t.diagnostic(`virtualInbound chain for port ${o.backendPort}: ${httpFilters(appChains.find((c) => httpFilters(c).length)!).join(" -> ")}`);

      // 2. Add the bound inbound listener and pay through it.
      const bound = loopbackManifests({ ...o, sidecarIngress: true });
      t.diagnostic(`overlay: ${bound.overlay.changes.join(" | ")}`);
      await xds.apply(bound.docs);
      const url = `http://127.0.0.1:${o.listenPort}`;
      await waitForStatus(`${url}/article`, 402, proxy);
      const r402 = await fetch(`${url}/article`);
      assert.match(r402.headers.get("x-cashu") ?? "", /^creqA/);
      const seen = backend.requests.length;
      const paid = await fetch(`${url}/article`, { headers: { "X-Cashu": wallet.encodeB(await wallet.mint(16)) } });
      assert.equal(paid.status, 200, await paid.clone().text());
      assert.equal(backend.requests.length, seen + 1, "the paid request reached the workload");
      assert.equal(backend.requests.at(-1)!.headers["x-cashu"], undefined, "the token is not forwarded");
      const pass = paid.headers.get("x-paygress-pass") ?? "";
      assert.match(pass, /^p1\.k1\.\d+\.paid\./);
      const calls = await mint.requestCount();
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/article`, { headers: { "X-Paygress-Pass": pass } })).status, 200);
      await sleep(300);
      assert.equal(await mint.requestCount(), calls, "a pass needs no mint call");
      await proxy.stop();
    });
  }

  it("hot reload: a changed WasmPlugin (new .wasm, new price) pushed by the discovery server under load, 0 failed requests", async (t) => {
    const xds = await discovery();
    const [V1, V2, BAD] = [10, 21, 99];
    const listenPort = await freePort();
    const deploy = async (version: string, wasm: Buffer, price: number) => {
      const wasmFile = join(stack.dir, `paygress-${version}.wasm`);
      writeFileSync(wasmFile, wasm);
      const o: Loopback = { target: "gateway", variant: "WasmPlugin", mintPort: mint.port, backendPort: backend.port, listenPort, config: configAt(price), wasmFile, podRoot: "" };
      const { docs } = loopbackManifests(o);
      return { o, docs, applied: await xds.apply(docs) };
    };
    const good = readFileSync(WASM);
    const v1 = await deploy("v1", versionedWasm(good, "v1"), V1);
    const proxy = stack.add(await proxyFor("istio-hot-reload", stack.dir, v1.o, v1.docs, 2));
    await proxy.start();
    const url = `http://127.0.0.1:${listenPort}/premium`;
    await waitForStatus(url, 402, proxy);
    const pid = proxy.proc.child.pid;
    const load = new Load(url, new Map([[V1, "v1"], [V2, "v2"], [BAD, "bad"]]));
    try {
      load.start(6, 200000, 90000);
      await load.until("500 responses from v1", () => load.count("v1") >= 500, 30000);
      const started = Date.now();
      await deploy("v2", versionedWasm(good, "v2"), V2);
      await load.until("v2 serving", () => load.lastAre("v2", 200), 30000);
      const switchMs = Date.now() - started;
      const ecds = JSON.stringify(JSON.parse(await proxy.admin("/config_dump?resource=ecds_filters")));
      assert.match(ecds, /paygress-v2\.wasm/, "the ECDS resource in effect loads the v2 module");
      assert.equal(proxy.proc.child.pid, pid, "same Envoy process");
      assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
      t.diagnostic(`v1 -> v2 in ${switchMs} ms; ${JSON.stringify(Object.fromEntries(load.counts))}`);

      // A module Envoy cannot load, pushed the same way: NACKed, v2 keeps serving.
      const corrupt = Buffer.concat([good.subarray(0, 8), Buffer.from("this is not a wasm module"), good.subarray(good.length / 2)]);
      await deploy("v3-corrupt", corrupt, BAD);
      await waitFor("Envoy rejecting the corrupt module", async () => /rejected|Unable to create Wasm plugin|Failed to load Wasm/i.test(tail(proxy.proc.log(), 200)), proxy.proc, 20000);
      const mark = load.total;
      await load.until("300 more responses", () => load.total >= mark + 300, 30000);
      await load.stop();
      assert.ok(load.lastAre("v2", 300), "after the corrupt push only v2 answers");
      assert.equal(load.count("bad"), 0);
      assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
      assert.equal(proxy.proc.child.pid, pid);
      const counts = { total: load.total, ...Object.fromEntries(load.counts), switchMs };
      t.diagnostic(`totals ${JSON.stringify(counts)}`);
      console.log(`istio hot-reload counts: ${JSON.stringify(counts)}`);
    } finally {
      await load.stop();
      await proxy.stop();
    }
  });

  it("hot reload (EnvoyFilter): new module and configuration through the two ConfigMaps, the kubelet's ..data swap, under load, 0 failed requests", async (t) => {
    const xds = await discovery();
    const [V1, V2] = [10, 21];
    const good = readFileSync(WASM);
    const v1File = join(stack.dir, "ef-v1.wasm");
    const v2File = join(stack.dir, "ef-v2.wasm");
    writeFileSync(v1File, versionedWasm(good, "v1"));
    writeFileSync(v2File, versionedWasm(good, "v2"));
    const o: Loopback = {
      target: "gateway", variant: "EnvoyFilter", mintPort: mint.port, backendPort: backend.port, listenPort: await freePort(),
      config: configAt(V1), wasmFile: v1File, podRoot: join(stack.dir, "pod-hot-envoyfilter"),
    };
    const v1 = loopbackManifests(o);
    await xds.apply(v1.docs);
    const proxy = stack.add(await proxyFor("istio-hot-reload-envoyfilter", stack.dir, o, v1.docs, 2));
    await proxy.start();
    const url = `http://127.0.0.1:${o.listenPort}/premium`;
    await waitForStatus(url, 402, proxy);
    const pid = proxy.proc.child.pid;
    const load = new Load(url, new Map([[V1, "v1"], [V2, "v2"]]));
    try {
      load.start(6, 200000, 90000);
      await load.until("500 responses from v1", () => load.count("v1") >= 500, 30000);
      // docs/deploy.md's procedure: the new module under a new key of paygress-wasm, synced by the
      // kubelet; then a paygress-config whose resource points at it, with the new price.
      const v2 = loopbackManifests({ ...o, config: configAt(V2) });
      const ns = PROXY_DEPLOYMENT.gateway[1];
      const wasmCm = find(v2.docs, "ConfigMap", "paygress-wasm", ns);
      wasmCm.binaryData["paygress-v2.wasm"] = readFileSync(v2File).toString("base64");
      const cfgCm = find(v2.docs, "ConfigMap", "paygress-config", ns);
      const before = cfgCm.data["paygress-ecds.yaml"];
      cfgCm.data["paygress-ecds.yaml"] = before.replace("/etc/paygress/wasm/paygress.wasm", "/etc/paygress/wasm/paygress-v2.wasm");
      assert.notEqual(cfgCm.data["paygress-ecds.yaml"], before, "the resource names the module file");
      const deployment = find(v2.docs, "Deployment", PROXY_DEPLOYMENT.gateway[0], ns);
      kubeletMounts(o.podRoot, deployment, v2.docs, 2, "paygress-wasm");
      await sleep(200);
      const started = Date.now();
      kubeletMounts(o.podRoot, deployment, v2.docs, 3, "paygress-config");
      await load.until("v2 serving", () => load.lastAre("v2", 200), 30000);
      const switchMs = Date.now() - started;
      await load.stop();
      assert.equal(load.count("failed"), 0, `failed requests: ${load.failures.join(" | ")}`);
      assert.equal(proxy.proc.child.pid, pid, "same Envoy process");
      const counts = { total: load.total, ...Object.fromEntries(load.counts), switchMs };
      t.diagnostic(`totals ${JSON.stringify(counts)}`);
      console.log(`istio EnvoyFilter hot-reload counts: ${JSON.stringify(counts)}`);
    } finally {
      await load.stop();
      await proxy.stop();
    }
  });
});
