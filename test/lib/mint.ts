// A real Nutshell mint (the `cashu` package's `mint` command from .venv) with the FakeWallet
// Lightning backend, so mint quotes are paid at once. sqlite in a temp dir; loopback only.
import { join } from "node:path";
import { Proc, VENV_BIN, freePort, httpOk, waitFor } from "./procs.ts";

export interface MintOptions {
  logDir: string;
  /** NUT-02 input fee in parts per thousand per proof (default 0). */
  inputFeePpk?: number;
  /** Seed for the mint's keys; the same key gives the same keysets across restarts. */
  privateKey?: string;
  name?: string;
  port?: number;
}

export class Mint {
  proc!: Proc;
  port = 0;
  readonly name: string;

  constructor(readonly opts: MintOptions) {
    this.name = opts.name ?? "mint";
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<this> {
    this.port = this.port || this.opts.port || (await freePort());
    const dir = join(this.opts.logDir, this.name);
    this.proc = new Proc({
      name: this.name,
      cmd: join(VENV_BIN, "mint"),
      args: [],
      cwd: this.opts.logDir,
      logDir: this.opts.logDir,
      env: {
        MINT_BACKEND_BOLT11_SAT: "FakeWallet",
        MINT_PRIVATE_KEY: this.opts.privateKey ?? "paygress-test-mint-key",
        MINT_LISTEN_HOST: "127.0.0.1",
        MINT_LISTEN_PORT: String(this.port),
        MINT_DATABASE: join(dir, "db"),
        CASHU_DIR: join(dir, "cashu"),
        MINT_INPUT_FEE_PPK: String(this.opts.inputFeePpk ?? 0),
        MINT_RATE_LIMIT: "FALSE",
        DEBUG: "FALSE",
      },
    });
    await waitFor(`${this.name} at ${this.url}`, () => httpOk(`${this.url}/v1/keysets`), this.proc, 60000);
    return this;
  }

  /** How many API requests the mint has logged so far (optionally only paths matching `path`). */
  requestCount(path: RegExp = /\/v1\//): number {
    let n = 0;
    for (const line of this.proc.log().split("\n")) {
      const m = /"(GET|POST) (\S+) HTTP\/1\.1"/.exec(line);
      if (m && path.test(m[2])) n++;
    }
    return n;
  }

  /** Stops the mint (SIGTERM) keeping its database, so start() brings the same mint back. */
  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
