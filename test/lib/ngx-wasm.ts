// A real NGINX built with Kong's ngx_wasm_module (tools/ngx-wasm.sh, .cache/ngx-wasm/nginx) running
// build/paygress.wasm, with the nginx.conf that tools/render-configs.ts generates for
// k8s/ngx-wasm/nginx.conf (ngxWasmConf) and loopback values: listen and upstream on 127.0.0.1, the
// mint clusters rewritten to 127.0.0.1:<port>, a loopback resolver, and the run's own pid, logs and
// temp paths. `nginx -p <dir> -c <conf>`, no root, no system service.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ngxWasmConf } from "../../tools/render-configs.ts";
import { Proc, ROOT, freePort, waitFor } from "./procs.ts";

/** Builds NGINX + ngx_wasm_module when needed (quick when it is there) and returns the binary. */
export function ngxWasmNginx(): string {
  return execFileSync("bash", [join(ROOT, "tools/ngx-wasm.sh"), "--print-nginx"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export interface NgxWasmOptions {
  logDir: string;
  name?: string;
  wasmPath: string;
  /** The plugin configuration as the other hosts get it (mints[].cluster is a name). */
  pluginConfig: Record<string, unknown>;
  /** mints[].cluster name -> loopback port of that mint (or of a relay in front of it). */
  clusters: Record<string, number>;
  upstreamPort: number;
  workers?: number;
  /** error_log level (info keeps the filter's audit lines). */
  logLevel?: string;
}

/** The plugin configuration with every mint's cluster turned into the host:port the module dials. */
export function loopbackClusters(config: Record<string, unknown>, clusters: Record<string, number>): Record<string, unknown> {
  const c = structuredClone(config) as { mints?: Array<{ cluster: string }> };
  for (const m of c.mints ?? []) {
    const port = clusters[m.cluster];
    if (port === undefined) throw new Error(`no loopback port for mint cluster ${m.cluster}`);
    m.cluster = `127.0.0.1:${port}`;
  }
  return c as Record<string, unknown>;
}

export class NgxWasm {
  proc!: Proc;
  port = 0;
  prefix = "";
  confFile = "";
  readonly name: string;

  constructor(readonly opts: NgxWasmOptions) {
    this.name = opts.name ?? "ngx-wasm";
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get errorLogFile(): string { return join(this.prefix, "logs/error.log"); }

  errorLog(): string {
    return existsSync(this.errorLogFile) ? readFileSync(this.errorLogFile, "utf8") : "";
  }

  /** Writes the configuration (with `pluginConfig` when given, else the options' one). */
  writeConf(pluginConfig = this.opts.pluginConfig, wasmPath = this.opts.wasmPath): void {
    const p = this.prefix;
    this.confFile = join(p, "nginx.conf");
    writeFileSync(this.confFile, ngxWasmConf({
      header: `# test run of test/lib/ngx-wasm.ts (tools/render-configs.ts ngxWasmConf, loopback values)`,
      wasmPath,
      pluginConfig: loopbackClusters(pluginConfig, this.opts.clusters),
      listen: `127.0.0.1:${this.port}`,
      upstream: `127.0.0.1:${this.opts.upstreamPort}`,
      workers: this.opts.workers ?? 2,
      resolver: "127.0.0.1",
      main: ["daemon off;", "master_process on;", `pid ${join(p, "nginx.pid")};`, `error_log ${this.errorLogFile} ${this.opts.logLevel ?? process.env.PAYGRESS_NGX_LOG_LEVEL ?? "info"};`],
      http: ["access_log off;", ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${join(p, `tmp_${t}`)};`)],
    }));
  }

  async start(): Promise<this> {
    const bin = ngxWasmNginx();
    this.port = await freePort();
    this.prefix = join(this.opts.logDir, this.name);
    mkdirSync(join(this.prefix, "logs"), { recursive: true });
    this.writeConf();
    this.proc = new Proc({ name: this.name, cmd: bin, args: ["-p", this.prefix, "-c", this.confFile, "-e", this.errorLogFile], logDir: this.opts.logDir });
    // Ready when a worker has configured the filter and answers (the unpaid 402 or a free 200).
    await waitFor(`${this.name} on ${this.url}`, async () => {
      try {
        const r = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(1000) });
        await r.arrayBuffer();
        return r.status !== 500 && r.status !== 503;
      } catch { return false; }
    }, this.proc, 30000);
    return this;
  }

  /** `nginx -s reload` (new workers with the configuration now on disk; the master stays). */
  reload(): void {
    execFileSync(ngxWasmNginx(), ["-p", this.prefix, "-c", this.confFile, "-e", this.errorLogFile, "-s", "reload"]);
  }

  /** Lines where the master saw a worker die on a signal (a crash of the host). */
  crashes(): string[] {
    return this.errorLog().split("\n").filter((l) => /exited on signal|core dumped/.test(l));
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
