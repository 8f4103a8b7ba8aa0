// A real NGINX (Debian's nginx + libnginx-mod-http-lua) run from a generated config in a temp
// prefix: `nginx -p <dir> -c <conf>`, no root, no system service. Used as a fast upstream in
// benchmarks and as the host of the native module in NGINX e2e tests.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Proc, freePort, waitFor } from "./procs.ts";

export const NGINX_BIN = "/usr/sbin/nginx";
export const LUA_MODULE = "/usr/lib/nginx/modules/ngx_http_lua_module.so";
export const NDK_MODULE = "/usr/lib/nginx/modules/ndk_http_module.so";

export interface NginxOptions {
  logDir: string;
  name?: string;
  /** The `http { ... }` body; `$PORT` is replaced by the listen port. */
  http: string;
  /** Lines before `events` (e.g. load_module, env). */
  main?: string;
  workers?: number;
  /** Load ndk + lua modules. */
  lua?: boolean;
}

export class Nginx {
  proc!: Proc;
  port = 0;
  readonly name: string;
  prefix = "";

  constructor(readonly opts: NginxOptions) {
    this.name = opts.name ?? "nginx";
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<this> {
    this.port = await freePort();
    this.prefix = join(this.opts.logDir, this.name);
    mkdirSync(join(this.prefix, "logs"), { recursive: true });
    const conf = [
      this.opts.lua ? `load_module ${NDK_MODULE};\nload_module ${LUA_MODULE};` : "",
      "daemon off;",
      "master_process on;",
      `worker_processes ${this.opts.workers ?? 1};`,
      `pid ${join(this.prefix, "nginx.pid")};`,
      `error_log ${join(this.prefix, "logs/error.log")} info;`,
      this.opts.main ?? "",
      "events { worker_connections 4096; }",
      "http {",
      `  access_log off;`,
      `  client_body_temp_path ${this.prefix}/tmp_body;`,
      `  proxy_temp_path ${this.prefix}/tmp_proxy;`,
      `  fastcgi_temp_path ${this.prefix}/tmp_fcgi;`,
      `  uwsgi_temp_path ${this.prefix}/tmp_uwsgi;`,
      `  scgi_temp_path ${this.prefix}/tmp_scgi;`,
      this.opts.http.replaceAll("$PORT", String(this.port)),
      "}",
    ].join("\n");
    const file = join(this.prefix, "nginx.conf");
    writeFileSync(file, conf);
    this.proc = new Proc({ name: this.name, cmd: NGINX_BIN, args: ["-p", this.prefix, "-c", file, "-e", join(this.prefix, "logs/error.log")], logDir: this.opts.logDir });
    await waitFor(`${this.name} on ${this.url}`, async () => {
      try { const r = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(1000) }); await r.arrayBuffer(); return true; } catch { return false; }
    }, this.proc, 15000);
    return this;
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}

/** An NGINX that answers every request with a small static 200 (benchmark upstream). */
export function staticUpstream(logDir: string): Nginx {
  return new Nginx({
    logDir,
    name: "upstream-nginx",
    http: `  server { listen 127.0.0.1:$PORT; keepalive_requests 1000000; location / { default_type application/json; return 200 '{"ok":true}'; } }`,
  });
}
