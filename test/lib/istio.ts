// The Istio host of the e2e tests. Three parts, each standing in for what a cluster would do, and
// nothing more:
//   - IstioDiscovery: Istio's own discovery server (test/istio, istiod's xDS code built by
//     tools/istio-xds.sh), fed the shipped k8s/istio manifests;
//   - the loopback overlay (`Overlay`): the few fields a loopback run must change in those
//     manifests (addresses, ports, the module URL, the operator's plugin configuration and
//     secrets); every change is listed with its reason, and nothing else is touched;
//   - `cluster()` / `kubeletMounts()` / IstioProxy: what the API server, controllers, kubelet and
//     pilot-agent would add — a Pod per Deployment, an EndpointSlice per Service, ConfigMap
//     volumes laid out as the kubelet lays them out, and an Envoy bootstrap with the node identity,
//     metadata and environment pilot-agent gives the proxy container.
// The proxy is the real Envoy from .venv; the filter is build/paygress.wasm.
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import { Proc, ROOT, VENV_BIN, freePort, waitFor } from "./procs.ts";

export const ISTIO_XDS = join(ROOT, ".cache/go/bin/paygress-istio-xds");
/** The Istio version of istio.io/istio in test/istio/go.mod (its VERSION file says 1.31). */
export const ISTIO_VERSION = "1.31.0";
/** istiod's default cluster id (constants.DefaultClusterName). */
const CLUSTER_ID = "Kubernetes";
/** Every pod of this host runs on loopback. */
export const POD_IP = "127.0.0.1";

export type Doc = Record<string, any>;

/** The documents of shipped manifests (repository-relative paths), in order. */
export function loadManifests(paths: string[]): Doc[] {
  const docs: Doc[] = [];
  for (const p of paths) {
    for (const d of parseAllDocuments(readFileSync(join(ROOT, p), "utf8"))) {
      const js = d.toJS();
      if (js) docs.push(js);
    }
  }
  return docs;
}

export function find(docs: Doc[], kind: string, name: string, namespace?: string): Doc {
  const d = docs.find((x) => x.kind === kind && x.metadata?.name === name && (namespace === undefined || x.metadata?.namespace === namespace));
  if (!d) throw new Error(`no ${kind} ${namespace ?? "*"}/${name} in the manifests`);
  return d;
}

export function findAll(docs: Doc[], kind: string): Doc[] {
  return docs.filter((x) => x.kind === kind);
}

/**
 * Changes to shipped manifests, each with its reason. `set` refuses a path whose parent does not
 * exist in the shipped document, so a generator change that moves a field breaks the test
 * instead of silently leaving the overlay behind.
 */
export class Overlay {
  readonly changes: string[] = [];

  /** Sets `path` (dotted, numbers index lists; or the list of keys when a key has a dot). */
  set(doc: Doc, path: string | Array<string | number>, value: unknown, why: string): void {
    const keys = Array.isArray(path) ? path : path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    let parent: any = doc;
    for (const k of keys.slice(0, -1)) {
      parent = parent?.[k];
      if (parent === undefined || parent === null || typeof parent !== "object") {
        throw new Error(`overlay: ${doc.kind} ${doc.metadata?.name}: no ${path} in the shipped manifest`);
      }
    }
    parent[keys[keys.length - 1]] = value;
    this.changes.push(`${doc.kind} ${doc.metadata?.namespace ?? ""}/${doc.metadata?.name} ${keys.join(".")}: ${why}`);
  }

  add(docs: Doc[], doc: Doc, why: string): void {
    docs.push(doc);
    this.changes.push(`+ ${doc.kind} ${doc.metadata?.namespace ?? ""}/${doc.metadata?.name}: ${why}`);
  }

  /** Rewrites absolute paths under `from` (as the proxy container sees them) to `to`, in place. */
  mapPaths(doc: Doc, from: string, to: string, why: string): void {
    const n = { count: 0 };
    const walk = (v: any): any => {
      if (typeof v === "string") {
        if (!v.includes(from)) return v;
        n.count++;
        return v.split(from).join(to);
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object") {
        for (const k of Object.keys(v)) v[k] = walk(v[k]);
      }
      return v;
    };
    walk(doc);
    if (n.count === 0) throw new Error(`overlay: ${doc.kind} ${doc.metadata?.name}: no path under ${from}`);
    this.changes.push(`${doc.kind} ${doc.metadata?.namespace ?? ""}/${doc.metadata?.name}: ${n.count} path(s) ${from} -> ${to}: ${why}`);
  }
}

/**
 * The operator's plugin configuration for this host: the scenario's routes, prices, mint URL and
 * keys, with what the shipped Istio configuration fixes kept from it — the mint's Istio cluster
 * name (`outbound|80||<mint>`) and the secrets named by environment variables instead of inline.
 * Returns the configuration and the secret values (what the operator puts in the Secret).
 */
export function istioPluginConfig(scenario: Doc, shipped: Doc): { config: Doc; secrets: Record<string, string> } {
  const c = structuredClone(scenario);
  const cluster = shipped.mints[0].cluster as string;
  c.mints = c.mints.map((m: Doc) => ({ ...m, cluster }));
  const passEnv = shipped.pass.keys[0].secret_env as string;
  const seedEnv = shipped.earnings.seed_env as string;
  const secrets: Record<string, string> = {};
  c.pass.keys = c.pass.keys.map((k: Doc) => {
    const { secret, ...rest } = k;
    secrets[passEnv] = secret;
    return { ...rest, secret_env: passEnv };
  });
  const { seed, lane, ...earnings } = c.earnings;
  secrets[seedEnv] = seed;
  // The lane as shipped: from the pod's name (<deployment>-0 here: lane 0, what the suite collects).
  c.earnings = { ...earnings, seed_env: seedEnv, ...(shipped.earnings.lane_env ? { lane_env: shipped.earnings.lane_env } : { lane }) };
  return { config: c, secrets };
}

// ---- what the cluster adds ---------------------------------------------------------------------

/** Pod name of a Deployment's one replica (stands in for the ReplicaSet's generated name). */
export const podName = (deployment: Doc) => `${deployment.metadata.name}-0`;

/**
 * What the API server and the controllers create from applied objects: a ClusterIP for every
 * Service, one running Pod per Deployment (its template, IP 127.0.0.1, with `injectedContainer`
 * names merged as the injector would), and an EndpointSlice per Service selecting those pods.
 */
export function cluster(docs: Doc[]): Doc[] {
  const out: Doc[] = [];
  const pods: Doc[] = [];
  let ip = 10;
  for (const svc of findAll(docs, "Service")) {
    if (!svc.spec.clusterIP && svc.spec.type !== "ExternalName") svc.spec.clusterIP = `10.96.0.${ip++}`;
  }
  for (const d of findAll(docs, "Deployment")) {
    const t = d.spec.template;
    const pod: Doc = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: podName(d), namespace: d.metadata.namespace, labels: t.metadata.labels, annotations: t.metadata.annotations ?? {} },
      spec: { ...t.spec, serviceAccountName: t.spec.serviceAccountName ?? "default" },
      status: { phase: "Running", podIP: POD_IP, podIPs: [{ ip: POD_IP }], hostIP: POD_IP, conditions: [{ type: "Ready", status: "True" }] },
    };
    pods.push(pod);
    out.push(pod);
  }
  for (const svc of findAll(docs, "Service")) {
    const sel = svc.spec.selector as Record<string, string> | undefined;
    if (!sel) continue;
    const selected = pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    if (selected.length === 0) continue;
    const ports = (svc.spec.ports as Doc[]).map((p) => {
      let port = p.targetPort ?? p.port;
      if (typeof port === "string") {
        const cp = selected[0].spec.containers.flatMap((c: Doc) => c.ports ?? []).find((x: Doc) => x.name === port);
        if (!cp) throw new Error(`Service ${svc.metadata.name}: no container port named ${port}`);
        port = cp.containerPort;
      }
      return { name: p.name, port, protocol: p.protocol ?? "TCP" };
    });
    out.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${svc.metadata.name}-0`, namespace: svc.metadata.namespace, labels: { "kubernetes.io/service-name": svc.metadata.name } },
      addressType: "IPv4",
      endpoints: selected.map((p) => ({ addresses: [POD_IP], conditions: { ready: true }, targetRef: { kind: "Pod", name: p.metadata.name, namespace: p.metadata.namespace } })),
      ports,
    });
  }
  return out;
}

/** The container named istio-proxy in a Deployment's pod template (what the injector merges). */
export function proxyContainer(deployment: Doc): Doc {
  const c = (deployment.spec.template.spec.containers as Doc[]).find((x) => x.name === "istio-proxy");
  if (!c) throw new Error(`Deployment ${deployment.metadata.name} has no istio-proxy container`);
  return c;
}

/** The proxy container's environment: `env` entries, secretKeyRef resolved against the Secrets. */
export function proxyEnv(deployment: Doc, docs: Doc[]): Record<string, string> {
  // What Istio's injector sets in every istio-proxy container (the replicated configurations
  // derive the earnings lane from it: earnings.lane_env).
  const env: Record<string, string> = { POD_NAME: podName(deployment) };
  for (const e of (proxyContainer(deployment).env ?? []) as Doc[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const s = find(docs, "Secret", ref.name, deployment.metadata.namespace);
      const v = s.stringData?.[ref.key] ?? (s.data?.[ref.key] !== undefined ? Buffer.from(s.data[ref.key], "base64").toString() : undefined);
      if (v === undefined) throw new Error(`Secret ${ref.name} has no key ${ref.key}`);
      env[e.name] = v;
    }
  }
  return env;
}

/**
 * Lays out the ConfigMap volumes of the proxy container under `root` the way the kubelet does:
 * `<mountPath>/..<timestamp>/<key>`, `..data` -> that directory, `<key>` -> `..data/<key>`. A later
 * call swaps `..data` atomically (rename), the update Envoy's directory watch reacts to; `only`
 * names the one ConfigMap to sync (the kubelet syncs each volume on its own).
 */
export function kubeletMounts(root: string, deployment: Doc, docs: Doc[], generation: number, only?: string): void {
  const volumes = (deployment.spec.template.spec.volumes ?? []) as Doc[];
  for (const m of (proxyContainer(deployment).volumeMounts ?? []) as Doc[]) {
    const vol = volumes.find((v) => v.name === m.name);
    if (!vol?.configMap || (only && vol.configMap.name !== only)) continue;
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === vol.configMap.name && d.metadata.namespace === deployment.metadata.namespace);
    if (!cm) {
      if (vol.configMap.optional) continue;
      throw new Error(`ConfigMap ${vol.configMap.name} is mounted but not in the manifests`);
    }
    const dir = join(root, m.mountPath);
    const gen = `..${generation}`;
    mkdirSync(join(dir, gen), { recursive: true });
    const files: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(cm.data ?? {})) files[k] = Buffer.from(String(v));
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) files[k] = Buffer.from(String(v), "base64");
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, gen, k), v);
    symlinkSync(gen, join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    for (const k of Object.keys(files)) {
      try { symlinkSync(join("..data", k), join(dir, k)); } catch { /* exists from an earlier generation */ }
    }
  }
}

/** `kubectl create configmap NAME --from-file=KEY=FILE` as an object. */
export function configMapFromFiles(name: string, namespace: string, files: Record<string, string>): Doc {
  const binaryData: Record<string, string> = {};
  for (const [k, f] of Object.entries(files)) binaryData[k] = readFileSync(f).toString("base64");
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, binaryData };
}

// ---- the discovery server ----------------------------------------------------------------------

/** Istio's discovery server (test/istio) on loopback: ADS for proxies, HTTP to apply configs. */
export class IstioDiscovery {
  proc!: Proc;
  xdsPort = 0;
  httpPort = 0;

  constructor(readonly opts: { logDir: string; name?: string; mesh?: Doc }) {}

  async start(): Promise<this> {
    if (!existsSync(ISTIO_XDS)) throw new Error(`${ISTIO_XDS} is missing: run bash tools/istio-xds.sh (or npm run setup)`);
    this.xdsPort = await freePort();
    this.httpPort = await freePort();
    const args = ["-xds", `127.0.0.1:${this.xdsPort}`, "-http", `127.0.0.1:${this.httpPort}`];
    if (this.opts.mesh) {
      const f = join(this.opts.logDir, "mesh.yaml");
      writeFileSync(f, stringify(this.opts.mesh));
      args.push("-mesh", f);
    }
    this.proc = new Proc({
      name: this.opts.name ?? "istio-xds",
      cmd: ISTIO_XDS,
      args,
      logDir: this.opts.logDir,
      // Upstream Envoy has no istio.alpn / istio.metadata_exchange filters.
      env: { PILOT_ENABLE_ALPN_FILTER: "false", PILOT_ENABLE_METADATA_EXCHANGE: "false" },
    });
    await waitFor("istio-xds /ready", async () => (await fetch(`http://127.0.0.1:${this.httpPort}/ready`)).ok, this.proc, 60000);
    return this;
  }

  /** Makes the server hold exactly these objects (kubectl apply --prune); istiod pushes the change. */
  async apply(docs: Doc[]): Promise<string> {
    const body = docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
    writeFileSync(join(this.opts.logDir, `applied-${Date.now()}.yaml`), body);
    const r = await fetch(`http://127.0.0.1:${this.httpPort}/config`, { method: "PUT", body });
    const text = await r.text();
    if (!r.ok) throw new Error(`istio-xds PUT /config: ${r.status} ${text}`);
    return text.trim();
  }

  async debug(path: string): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.httpPort}/debug/${path}`)).text();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}

// ---- the proxy -----------------------------------------------------------------------------------

export interface IstioProxyOptions {
  logDir: string;
  name: string;
  discovery: IstioDiscovery;
  /** "router" for gateways, "sidecar" for sidecars (the first field of Istio's node id). */
  type: "router" | "sidecar";
  /** The proxy's Pod (from `cluster()`): name, namespace, labels and annotations. */
  pod: Doc;
  /** The proxy container's environment (`proxyEnv`), given to Envoy as pilot-agent does. */
  env: Record<string, string>;
  /** Bootstrap override (the ConfigMap named by sidecar.istio.io/bootstrapOverride), as --config-yaml. */
  configYaml?: string;
  concurrency?: number;
  logLevel?: string;
}

/**
 * What pilot-agent's bootstrap gives Envoy, reduced to what this host needs: the node identity and
 * metadata istiod keys its configuration on, ADS to the discovery server (plaintext, direct: there
 * is no agent in between), admin on loopback, and the stats matcher pilot-agent renders with a
 * default ProxyConfig (required prefixes, suffixes and regex, plus Istio's own prefixes).
 */
export function istioBootstrap(o: IstioProxyOptions, adminPort: number): Doc {
  const ns = o.pod.metadata.namespace;
  const name = o.pod.metadata.name;
  const labels = o.pod.metadata.labels ?? {};
  const app = labels.app ?? labels["app.kubernetes.io/name"] ?? name;
  return {
    node: {
      id: `${o.type}~${POD_IP}~${name}.${ns}~${ns}.svc.cluster.local`,
      cluster: `${app}.${ns}`,
      metadata: {
        NAMESPACE: ns,
        NAME: name,
        LABELS: labels,
        ANNOTATIONS: o.pod.metadata.annotations ?? {},
        ISTIO_VERSION: ISTIO_VERSION,
        CLUSTER_ID: CLUSTER_ID,
        MESH_ID: "cluster.local",
        INSTANCE_IPS: POD_IP,
        SERVICE_ACCOUNT: o.pod.spec?.serviceAccountName ?? "default",
        WORKLOAD_NAME: name.replace(/-0$/, ""),
        OWNER: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name.replace(/-0$/, "")}`,
      },
    },
    dynamic_resources: {
      ads_config: {
        api_type: "GRPC",
        transport_api_version: "V3",
        grpc_services: [{ envoy_grpc: { cluster_name: "xds-grpc" } }],
        set_node_on_first_message_only: true,
      },
      cds_config: { ads: {}, resource_api_version: "V3", initial_fetch_timeout: "0s" },
      lds_config: { ads: {}, resource_api_version: "V3", initial_fetch_timeout: "0s" },
    },
    static_resources: {
      clusters: [
        {
          name: "xds-grpc",
          type: "STATIC",
          connect_timeout: "1s",
          typed_extension_protocol_options: {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
              "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: "xds-grpc",
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: o.discovery.xdsPort } } } }] }],
          },
        },
      ],
    },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: adminPort } } },
    stats_config: {
      use_all_default_tags: false,
      stats_matcher: {
        inclusion_list: {
          patterns: [
            { prefix: "reporter=" },
            ...["cluster_manager", "listener_manager", "server", "cluster.xds-grpc", "wasm"].map((prefix) => ({ prefix })),
            ...["rbac.allowed", "rbac.denied", "shadow_allowed", "shadow_denied", "downstream_cx_active"].map((suffix) => ({ suffix })),
            { safe_regex: { regex: "vhost\\..*\\.route\\..*" } },
            { prefix: "component" },
            { prefix: "istio" },
          ],
        },
      },
    },
  };
}

/** A real Envoy configured only by the discovery server. */
export class IstioProxy {
  proc!: Proc;
  adminPort = 0;
  private starts = 0;

  constructor(readonly opts: IstioProxyOptions) {}

  get adminUrl(): string { return `http://127.0.0.1:${this.adminPort}`; }

  /** Starts Envoy; resolves when it is LIVE (initial LDS/CDS/ECDS received and warmed). */
  async start(): Promise<this> {
    this.adminPort = await freePort();
    const n = this.starts++;
    const name = n === 0 ? this.opts.name : `${this.opts.name}-restart-${n}`;
    const file = join(this.opts.logDir, `${name}.json`);
    writeFileSync(file, JSON.stringify(istioBootstrap(this.opts, this.adminPort), null, 2));
    const args = [
      "-c", file,
      "--disable-hot-restart",
      "--concurrency", String(this.opts.concurrency ?? 1),
      "--log-level", this.opts.logLevel ?? "info",
      "--component-log-level", "wasm:debug",
      "--drain-strategy", "immediate",
      "--drain-time-s", "1",
    ];
    if (this.opts.configYaml) args.push("--config-yaml", this.opts.configYaml);
    this.proc = new Proc({ name, cmd: join(VENV_BIN, "envoy"), args, logDir: this.opts.logDir, env: this.opts.env });
    await waitFor(`${name} admin /ready`, async () => {
      const r = await fetch(`${this.adminUrl}/ready`, { signal: AbortSignal.timeout(1000) });
      return (await r.text()).trim() === "LIVE";
    }, this.proc, 60000);
    return this;
  }

  async admin(path: string): Promise<string> {
    return (await fetch(`${this.adminUrl}${path}`)).text();
  }

  async configDump(): Promise<Doc> {
    return JSON.parse(await this.admin("/config_dump?include_eds")) as Doc;
  }

  async stop(): Promise<void> { await this.proc?.stop(); }
  async kill(): Promise<void> { await this.proc?.kill(); }
}

/** The bootstrap override a pod names with sidecar.istio.io/bootstrapOverride (pilot-agent's --config-yaml). */
export function bootstrapOverride(pod: Doc, docs: Doc[]): string | undefined {
  const name = pod.metadata.annotations?.["sidecar.istio.io/bootstrapOverride"];
  if (!name) return undefined;
  const cm = find(docs, "ConfigMap", name, pod.metadata.namespace);
  const text = cm.data?.["custom_bootstrap.json"];
  if (!text) throw new Error(`ConfigMap ${name}: no custom_bootstrap.json`);
  return JSON.stringify(parseYaml(text));
}
