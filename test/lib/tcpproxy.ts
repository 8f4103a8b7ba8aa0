// A TCP relay between a proxy and the mint, to make the real mint *slow* on demand: in blackhole
// mode new connections are accepted but nothing is forwarded or answered (a hung mint), which a
// stopped process cannot simulate (that refuses connections at once).
import { createServer, createConnection, Server, Socket } from "node:net";
import { AddressInfo } from "node:net";

export class TcpRelay {
  server!: Server;
  port = 0;
  blackhole = false;
  /** Hold every chunk sent to the mint this long before relaying it (a slow mint). */
  delayMs = 0;
  private sockets = new Set<Socket>();

  constructor(readonly targetHost: string, readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      client.on("error", () => client.destroy());
      if (this.blackhole) return; // accept, then say nothing
      this.relay(client);
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private relay(client: Socket): void {
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    this.sockets.add(upstream);
    upstream.on("close", () => { this.sockets.delete(upstream); client.destroy(); });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("data", (chunk: Buffer) => {
      if (this.delayMs > 0) setTimeout(() => { if (!upstream.destroyed) upstream.write(chunk); }, this.delayMs);
      else upstream.write(chunk);
    });
    upstream.pipe(client);
  }

  /** Drops every open connection (pooled upstream connections of the proxy included). */
  resetConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.resetConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
