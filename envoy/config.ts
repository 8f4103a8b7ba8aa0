// The single source of Envoy configuration for Paygress. Everything that runs or ships an Envoy
// config — the e2e tests, the demo, the committed examples in envoy/*.yaml and the Istio
// EnvoyFilter in k8s/ — builds it with these functions, so there is one definition of the
// Paygress HTTP filter.
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
          value: JSON.stringify(o.pluginConfig),
        },
        vm_config: {
          vm_id: o.vmId ?? "paygress",
          runtime: "envoy.wasm.runtime.v8",
          code: { local: { filename: o.wasmPath } },
        },
      },
    },
  };
}

export interface BootstrapOptions {
  listenPort: number;
  adminPort: number;
  backend: { host: string; port: number };
  mints: MintUpstream[];
  /** The Paygress filter; omit to run Envoy without it (benchmark baseline). */
  filter?: WasmFilterOptions;
  /** Listen address (default 127.0.0.1). */
  address?: string;
}

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
  return {
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
                    route_config: {
                      name: "local",
                      virtual_hosts: [
                        { name: "backend", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "backend" } }] },
                      ],
                    },
                    http_filters: [...(o.filter ? [paygressHttpFilter(o.filter)] : []), ROUTER],
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
