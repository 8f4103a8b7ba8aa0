// The client-gone scenario, run against every host (Envoy: test/e2e/client-gone.test.ts; NGINX, Go, Traefik):
// a client hangs up while the gate is still talking to a (slowed) real mint; no swap may follow,
// the token stays unspent, and the same token still pays afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Backend } from "./backend.ts";
import { Mint } from "./mint.ts";
import { sleep } from "./procs.ts";
import { Stack, onFailureDump } from "./stack.ts";
import { TcpRelay } from "./tcpproxy.ts";
import { TestWallet } from "./wallet.ts";
import { pluginConfig } from "./config.ts";

export interface ClientGoneContext {
  stack: Stack;
  /** Where the proxy reaches the mint (a relay that slows it down): cluster "mint". */
  mintPort: number;
  backendPort: number;
  pluginConfig: Record<string, unknown>;
}

/** `start` returns the URL of the proxy under test. */
export function clientGoneScenario(hostName: string, start: (ctx: ClientGoneContext) => Promise<string>): void {
  describe(`client hangs up during a payment: ${hostName}`, () => {
    const stack = new Stack(`client-gone-${hostName.toLowerCase().replace(/\W+/g, "-")}`);
    let mint: Mint;
    let relay: TcpRelay;
    let url = "";
    let wallet: TestWallet;
    before(async () => {
      mint = stack.add(await new Mint({ logDir: stack.dir }).start());
      relay = stack.add(await new TcpRelay("127.0.0.1", mint.port).start());
      const backend = stack.add(await new Backend().start());
      url = await start({
        stack, mintPort: relay.port, backendPort: backend.port,
        pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint", timeout_ms: 5000 }], price: 10 }),
      });
      wallet = await new TestWallet(mint.url).load();
    });
    after(() => stack.stop());
    onFailureDump(stack);

    it("does not spend the token of a client that left before the swap", async () => {
      const proofs = await wallet.mint(10);
      const token = wallet.encodeB(proofs);
      relay.delayMs = 1000; // every mint call takes 1 s
      const abort = new AbortController();
      const req = fetch(`${url}/x`, { headers: { "X-Cashu": token }, signal: abort.signal }).catch((e) => e);
      await sleep(300);
      abort.abort();
      await req;
      await sleep(5000); // keysets, keys, counter probe and a swap would be over by now
      relay.delayMs = 0;
      assert.equal(mint.requestCount(/\/v1\/swap$/), 0, "no swap may be sent for a client that is gone");
      const states = await wallet.wallet.checkProofsStates(proofs);
      assert.ok(states.every((s) => String(s.state) === "UNSPENT"), JSON.stringify(states));
      const r = await fetch(`${url}/x`, { headers: { "X-Cashu": token } });
      assert.equal(r.status, 200, await r.text());
    });
  });
}
