// The upstream service behind the proxy in tests and the demo: a plain Node HTTP server that
// answers 200 with a small JSON body describing the request, and counts what it served.
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export class Backend {
  server!: Server;
  port = 0;
  requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }> = [];

  async start(port = 0): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const slow = /\/slow\/(\d+)/.exec(req.url ?? "");
        if (slow) {
          // Answers after the given number of milliseconds (for in-flight scenarios).
          setTimeout(() => {
            if (res.writableEnded || res.destroyed) return;
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ ok: true, slow: Number(slow[1]) }));
          }, Number(slow[1]));
          return;
        }
        if (req.url?.startsWith("/status/")) {
          const code = Number(req.url.split("/")[2]) || 500;
          res.writeHead(code, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: code }));
          return;
        }
        const body = JSON.stringify({ ok: true, method: req.method, path: req.url, message: "hello from the paid backend" });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    });
    this.server.keepAliveTimeout = 60000;
    await new Promise<void>((r) => this.server.listen(port, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
