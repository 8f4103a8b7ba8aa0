// An HTTP relay that can lose an answer: it forwards each request as it came (method, path, headers,
// body) and the response back — except, once armed, for the first matching request, whose response
// it reads in full (so the far side finished) and then drops, closing the connection without a
// byte. Between a client and a gate (dropNextPaidAnswer: the first request carrying X-Cashu) the
// client sees what a lost 200 looks like; between a gate and a mint (dropNextMatching: POST
// /v1/swap) the gate sees a swap the mint performed whose answer never came.
import { createServer, request, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo, Socket } from "node:net";

export class HttpRelay {
  server!: Server;
  port = 0;
  /** Drop the answer to the next request that carries X-Cashu. */
  dropNextPaidAnswer = false;
  /** Drop the answer to the next request this accepts (then cleared). */
  dropNextMatching: ((req: IncomingMessage) => boolean) | null = null;
  dropped: Array<{ status: number; headers: IncomingMessage["headers"] }> = [];
  forwarded = 0;
  private sockets = new Set<Socket>();

  constructor(readonly targetHost: string, readonly targetPort: number) {}

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => this.relay(req, res));
    this.server.on("connection", (s) => { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private relay(req: IncomingMessage, res: ServerResponse): void {
    const paid = this.dropNextPaidAnswer && typeof req.headers["x-cashu"] === "string";
    if (paid) this.dropNextPaidAnswer = false;
    const matching = !paid && this.dropNextMatching != null && this.dropNextMatching(req);
    if (matching) this.dropNextMatching = null;
    const drop = paid || matching;
    const up = request({ host: this.targetHost, port: this.targetPort, method: req.method, path: req.url, headers: req.headers }, (ures) => {
      if (drop) {
        ures.resume();
        ures.on("end", () => {
          this.dropped.push({ status: ures.statusCode ?? 0, headers: ures.headers });
          req.socket.destroy(); // closes without forwarding anything
        });
        return;
      }
      this.forwarded++;
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    });
    up.on("error", () => { if (!res.headersSent) { res.writeHead(502); res.end(); } else res.destroy(); });
    req.pipe(up);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
