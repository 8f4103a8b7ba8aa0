// Test support for the native hosts (test/e2e/{nginx,go,traefik}.test.ts, test/unit/native*.test.ts,
// bench/native.ts): building libpaygress.so and friends (serialised with flock, since test files
// run concurrently), the NGINX configuration for the Lua module, and where things are.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(fileURLToPath(import.meta.url), "../..");
export const NATIVE_DIR = join(ROOT, "build/native");
export const NATIVE_LIB = join(NATIVE_DIR, "libpaygress.so");
export const NATIVE_BIN = join(NATIVE_DIR, "bin");
export const LUA_DIR = join(ROOT, "host-shims/nginx");
export const TRAEFIK_BIN = join(ROOT, ".cache/go/bin/traefik");
export const TRAEFIK_PLUGIN_DIR = join(ROOT, "host-shims/traefik/plugins-local");

/** Environment for `go` commands: the project's module cache, no toolchain download. */
export const GO_ENV: Record<string, string> = {
  GOPATH: join(ROOT, ".cache/go"),
  GOMODCACHE: join(ROOT, ".cache/go/pkg/mod"),
  GOFLAGS: "-modcacherw",
  GOTOOLCHAIN: "local",
  CGO_ENABLED: "1",
};

/**
 * Builds the wasm and the native targets (`lib`, `test`, `asan`, `go`), quick when up to date.
 * Concurrent test files share build/native: one build at a time (flock).
 */
export function buildNative(...targets: Array<"lib" | "test" | "asan" | "go">): void {
  const steps = ["bash build-wasm-plugins.sh native", ...targets.filter((t) => t !== "lib").map((t) => `bash host-shims/build-native.sh ${t}`)];
  try {
    execFileSync("flock", [join(ROOT, "build/.native-build.lock"), "bash", "-c", steps.join(" && ")], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...GO_ENV },
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`native build failed: ${err.message}\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }
}

/** Makes sure the Traefik binary exists (built by tools/go-tools.sh, another part of the set-up). */
export function ensureTraefik(): string {
  if (!existsSync(TRAEFIK_BIN)) {
    execFileSync("bash", [join(ROOT, "tools/go-tools.sh")], { cwd: ROOT, stdio: "inherit" });
  }
  return TRAEFIK_BIN;
}

export interface NginxPaygressOptions {
  /** File holding the plugin configuration JSON. */
  configFile: string;
  /** cluster name -> http://host:port */
  clusters: Record<string, string>;
  /** Where paid requests go. */
  upstream: string;
  /** Extra Lua options for paygress.init, as a Lua table body (e.g. `log_level = 1`). */
  luaOptions?: string;
  /** Leave the Paygress phase handlers out (the baseline of the throughput benchmark). */
  withoutPaygress?: boolean;
}

/**
 * The `http { }` body for test/lib/nginx.ts: the Lua module in its four phases in front of
 * `upstream`, the shared store created in init_by_lua (the master), metrics on
 * /paygress/metrics. `$PORT` is the listen port.
 */
export function nginxPaygressHttp(o: NginxPaygressOptions): string {
  const clusters = Object.entries(o.clusters).map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join(", ");
  const phases = o.withoutPaygress ? "" : `
      access_by_lua_block { paygress.access() }
      header_filter_by_lua_block { paygress.header_filter() }
      log_by_lua_block { paygress.log() }`;
  return `
  lua_package_path "${LUA_DIR}/?.lua;;";
  lua_package_cpath "${NATIVE_DIR}/?.so;;";
  # A client that hangs up while the mint is being asked gets no swap (its token stays unspent).
  lua_check_client_abort on;
  # The master (root, before the fork) loads the module, which creates the shared store, and reads
  # the configuration: workers run as another user and may not be able to read it.
  init_by_lua_block {
    paygress = require("paygress")
    local f = assert(io.open(${JSON.stringify(o.configFile)}, "r"))
    paygress_config = f:read("*a")
    f:close()
  }
  init_worker_by_lua_block {
    paygress.init(paygress_config, { clusters = { ${clusters} }, ${o.luaOptions ?? ""} })
  }
  upstream paid_backend {
    server ${o.upstream};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$PORT;
    keepalive_requests 1000000;
    location / {${phases}
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://paid_backend;
    }
    location = /paygress/metrics {
      allow 127.0.0.1;
      deny all;
      content_by_lua_block { paygress.metrics() }
    }
  }`;
}

/** A Stack part whose "log" is a file (e.g. NGINX's error.log), so failures print it. */
export function logFilePart(name: string, file: string): { stop(): Promise<void>; proc: { opts: { name: string }; log(): string } } {
  return {
    stop: async () => {},
    proc: { opts: { name }, log: () => (existsSync(file) ? readFileSync(file, "utf8") : "") },
  };
}

