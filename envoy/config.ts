// The single source of Envoy configuration for Paygress. Everything that runs or ships an Envoy
// config — the e2e tests, the demo, the committed examples in envoy/*.yaml and the Istio
// EnvoyFilter in k8s/ — builds it with these functions, so there is one definition of the
// Paygress HTTP filter (`paygressHttpFilter`). The other shapes are derived from it:
//   - `paygressEcdsResource`: the same filter as an ECDS resource (a file Envoy watches), so a new
//     .wasm or plugin configuration is deployed by replacing that file (hot reload, no restart);
//   - `paygressEcdsHttpFilter`: the HTTP filter entry that points at that resource;
//   - `PAYGRESS_STATS_TAGS`: turns `paygress_x_route=.=api;.;outcome=.=paid;.;` metric names into
//     Prometheus labels (Istio's `name=.=value;.;` convention).
import { dirname } from "node:path";

export const WASM_FILTER_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
/** The ECDS resource name (and HTTP filter name) of the dynamically delivered filter. */
export const PAYGRESS_ECDS_NAME = "paygress";

export interface MintUpstream {
  /** Envoy cluster name; the plugin configuration's mints[].cluster refers to it. */
  cluster: string;
  host: string;
  port: number;
}

export interface WasmFilterOptions {
  /** Path of paygress.wasm as the proxy sees it. */
  wasmPath: string;
  /** The plugin configuration (see docs/configuration.md); serialised to JSON for the filter. */
  pluginConfig: unknown;
  /** VM id: filters with the same vm_id and code share one VM per worker. */
  vmId?: string;
  /**
   * Environment variables of the proxy process the VM may read (WASI environ): the names used by
   * `pass.keys[].secret_env` and `earnings.seed_env`, so secrets stay out of the configuration.
   */
  hostEnvKeys?: string[];
  /** Indent the configuration JSON (readable committed examples); the filter reads either. */
  prettyConfig?: boolean;
}

/** The `envoy.filters.http.wasm` HTTP filter running Paygress. */
export function paygressHttpFilter(o: WasmFilterOptions): Record<string, unknown> {
  return {
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
      config: {
        name: "paygress",
        root_id: "paygress",
        // Fail closed: if the VM cannot start or crashes, requests get 503, never a free pass.
        fail_open: false,
        configuration: {
          "@type": "type.googleapis.com/google.protobuf.StringValue",
          value: o.prettyConfig ? JSON.stringify(o.pluginConfig, null, 2) + "\n" : JSON.stringify(o.pluginConfig),
        },
        vm_config: {
          vm_id: o.vmId ?? "paygress",
          runtime: "envoy.wasm.runtime.v8",
          code: { local: { filename: o.wasmPath } },
          ...(o.hostEnvKeys?.length ? { environment_variables: { host_env_keys: o.hostEnvKeys } } : {}),
        },
      },
    },
  };
}

export interface EcdsOptions {
  /** The ECDS resource file (a DiscoveryResponse, see `paygressEcdsResource`). */
  path: string;
  /**
   * Directory Envoy watches: any file moved into it (an atomic rename, or the `..data` symlink swap
   * of a Kubernetes ConfigMap volume) makes Envoy re-read `path`. Default: the directory of `path`.
   */
  watchedDirectory?: string;
}

/**
 * The HTTP filter entry that takes Paygress from a file-based ECDS subscription instead of an
 * inline config. Until the resource is loaded Envoy does not serve the listener, and a resource it
 * cannot load (bad .wasm, bad plugin configuration) is rejected while the previous one keeps
 * serving.
 */
export function paygressEcdsHttpFilter(o: EcdsOptions): Record<string, unknown> {
  return {
    name: PAYGRESS_ECDS_NAME,
    config_discovery: {
      config_source: {
        resource_api_version: "V3",
        path_config_source: { path: o.path, watched_directory: { path: o.watchedDirectory ?? dirname(o.path) } },
      },
      type_urls: [WASM_FILTER_TYPE_URL],
    },
  };
}

/** The ECDS resource file: `paygressHttpFilter`'s typed config wrapped as a DiscoveryResponse. */
export function paygressEcdsResource(o: WasmFilterOptions): Record<string, unknown> {
  return {
    resources: [
      {
        "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
        name: PAYGRESS_ECDS_NAME,
        typed_config: paygressHttpFilter(o).typed_config,
      },
    ],
  };
}

/** Labels of Paygress metrics (the filter names them `<metric>_route=.=<id>;.;mint=.=<id>;.;outcome=.=<x>;.;`). */
export const PAYGRESS_METRIC_TAGS = ["route", "mint", "outcome"] as const;

/**
 * `stats_config.stats_tags` entries extracting those labels. The first group is removed from the
 * stat name, the second is the label value; the optional leading `_` is removed with the first
 * label so that the name left is exactly the metric name (`paygress_requests_total`).
 */
export const PAYGRESS_STATS_TAGS: Array<{ tag_name: string; regex: string }> = PAYGRESS_METRIC_TAGS.map((t) => ({
  tag_name: t,
  regex: `(_?${t}=\\.=(.*?);\\.;)`,
}));

/** Bootstrap `stats_config`: Envoy's default tags plus Paygress's. */
export function paygressStatsConfig(): Record<string, unknown> {
  return { use_all_default_tags: true, stats_tags: PAYGRESS_STATS_TAGS };
}

export interface BootstrapOptions {
  listenPort: number;
  adminPort: number;
  backend: { host: string; port: number };
  mints: MintUpstream[];
  /** The Paygress filter; omit to run Envoy without it (benchmark baseline). */
  filter?: WasmFilterOptions;
  /** Take the Paygress filter from a watched ECDS file instead (hot reload); excludes `filter`. */
  ecds?: EcdsOptions;
  /** Listen address (default 127.0.0.1). */
  address?: string;
  /**
   * Envoy's own path normalisation (default on, as shipped): a second line behind the gate's
   * canonical target. Off only in tests that check the gate alone.
   */
  pathNormalization?: boolean;
}

/**
 * HttpConnectionManager settings for Envoy's own path normalisation: RFC 3986 normalisation (dot
 * segments, percent-encoding of unreserved characters), repeated slashes merged, and requests with
 * an encoded slash or backslash refused. Paygress canonicalizes the path itself before pricing
 * (DESIGN.md money rule 5); this is the second line, so that other filters and the router see the
 * same path.
 */
export const PATH_NORMALIZATION = {
  normalize_path: true,
  merge_slashes: true,
  path_with_escaped_slashes_action: "REJECT_REQUEST",
} as const;

function staticCluster(name: string, host: string, port: number, timeoutMs = 1000): Record<string, unknown> {
  return {
    name,
    connect_timeout: `${timeoutMs / 1000}s`,
    type: "STATIC",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }],
    },
  };
}

const ROUTER = {
  name: "envoy.filters.http.router",
  typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
};

/** A complete static Envoy bootstrap: one listener, the backend, and one cluster per mint. */
export function envoyBootstrap(o: BootstrapOptions): Record<string, unknown> {
  const address = o.address ?? "127.0.0.1";
  if (o.filter && o.ecds) throw new Error("envoyBootstrap: give either filter or ecds, not both");
  const paygress = o.filter ? [paygressHttpFilter(o.filter)] : o.ecds ? [paygressEcdsHttpFilter(o.ecds)] : [];
  return {
    // File-based xDS (the ECDS variant) requires a node identity.
    node: { id: "paygress-ingress", cluster: "paygress" },
    stats_config: paygressStatsConfig(),
    admin: { address: { socket_address: { address, port_value: o.adminPort } } },
    static_resources: {
      listeners: [
        {
          name: "paygress_ingress",
          address: { socket_address: { address, port_value: o.listenPort } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "ingress_http",
                    ...(o.pathNormalization === false ? {} : PATH_NORMALIZATION),
                    route_config: {
                      name: "local",
                      virtual_hosts: [
                        { name: "backend", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "backend" } }] },
                      ],
                    },
                    http_filters: [...paygress, ROUTER],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        staticCluster("backend", o.backend.host, o.backend.port),
        ...o.mints.map((m) => staticCluster(m.cluster, m.host, m.port)),
      ],
    },
  };
}
