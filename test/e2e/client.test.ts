// The paying client (client/, the `paygress` command) against real gates: Envoy with paygress.wasm and
// the Go net/http middleware over libpaygress.so (a native host), one real Nutshell mint with an input
// fee (100 ppk), the backend, and an HTTP relay that can lose the gate's answer. Every step runs the
// real command in its own process, as a person would:
//   paygress pay URL -> 402 handled, 200; again -> the pass, nothing paid (mint log, balance);
//   above a cap -> nothing paid, an error naming the cap; overpayment -> the change in the wallet;
//   the gate's 200 dropped by the relay -> access on retry or the change back, every sat accounted;
//   three `paygress pay` at once on one wallet file -> each succeeds or fails cleanly, no proof lost
//   or spent twice; a payment killed mid-way -> finished by the next command; paygress recover.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { getDecodedToken } from "@cashu/cashu-ts";
import { Backend } from "../lib/backend.ts";
import { Envoy } from "../lib/envoy.ts";
import { Mint } from "../lib/mint.ts";
import { Proc, ROOT, freePort, httpOk, sleep, waitFor } from "../lib/procs.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";
import { HttpRelay } from "../lib/http-relay.ts";
import { TestWallet } from "../lib/wallet.ts";
import { pluginConfig } from "../lib/config.ts";
import { NATIVE_BIN, buildNative } from "../../host-shims/testing.ts";
import { ClientWallet } from "../../client/wallet/wallet.ts";
import { parseReceipt } from "../../client/lib/challenge.ts";

const PAYGRESS = join(ROOT, "client/bin/paygress.mjs");
const PPK = 100;
const PRICE = 10;

interface Run { code: number; stdout: string; stderr: string }

function paygress(wallet: string, ...args: string[]): Promise<Run> {
  return new Promise((res) => {
    execFile(PAYGRESS, ["--wallet", wallet, ...args], { encoding: "utf8", timeout: 60000 }, (err, stdout, stderr) => {
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The command with `input` on its stdin. */
function paygressStdin(wallet: string, input: string, ...args: string[]): Promise<Run> {
  return new Promise((res) => {
    const p = execFile(PAYGRESS, ["--wallet", wallet, ...args], { encoding: "utf8", timeout: 60000 }, (err, stdout, stderr) => {
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    p.stdin!.end(input);
  });
}

/** `-i` output: status, headers (lower case), body. */
function response(stdout: string): { status: number; headers: Map<string, string>; body: string } {
  const [head, ...rest] = stdout.split("\r\n\r\n");
  const lines = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) headers.set(l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim());
  return { status: Number(lines[0].split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

/** The token value the client says it sent ("paying N sat from M [with a V sat token]"). */
function tokenValue(stderr: string): number {
  const m = /paying (\d+) sat from \S+(?: with a (\d+) sat token)?/.exec(stderr);
  assert.ok(m, stderr);
  return Number(m[2] ?? m[1]);
}

const popcount = (n: number) => n.toString(2).replace(/0/g, "").length;
/** What receiving `change` costs at the mint: its power-of-two proofs, ceil(n * ppk / 1000). */
const receiveFee = (change: number) => (change > 0 ? Math.ceil((popcount(change) * PPK) / 1000) : 0);

describe("paygress client against real gates (Envoy and the Go middleware), a real mint with input fees", () => {
  const stack = new Stack("client");
  let mint: Mint;
  let backend: Backend;
  const hosts: Array<{ name: string; url: string; relay: HttpRelay }> = [];
  let nWallets = 0;

  const balance = (file: string) => ClientWallet.open(file).spendable(mint.url, "sat");
  const mintCalls = async () => { await sleep(300); return mint.requestCount(); };

  async function fundedWallet(...amounts: number[]): Promise<string> {
    const file = join(stack.dir, `wallet-${++nWallets}.json`);
    const init = await paygress(file, "wallet", "init");
    assert.equal(init.code, 0, init.stderr);
    for (const a of amounts) {
      const m = await paygress(file, "wallet", "mint", String(a), "--mint", mint.url);
      assert.equal(m.code, 0, m.stderr);
    }
    return file;
  }

  before(async () => {
    mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: PPK }).start());
    backend = stack.add(await new Backend().start());
    const config = pluginConfig({
      mints: [{ url: mint.url, cluster: "mint", timeout_ms: 3000 }],
      routes: [
        { id: "free", prefix: "/free", price: 0 },
        { id: "short", prefix: "/short", price: PRICE, pass_ttl_seconds: 1 },
        { id: "paid", prefix: "/", price: PRICE },
      ],
    });
    const envoy = stack.add(await new Envoy({
      logDir: stack.dir,
      backend: { host: "127.0.0.1", port: backend.port },
      mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
      filter: { wasmPath: join(ROOT, "build/paygress.wasm"), pluginConfig: config },
    }).start());
    buildNative("go");
    const configFile = join(stack.dir, "paygress.json");
    writeFileSync(configFile, JSON.stringify(config));
    const goPort = await freePort();
    const go = new Proc({ name: "paygress-proxy", cmd: join(NATIVE_BIN, "paygress-proxy"), logDir: stack.dir,
      args: ["-listen", `127.0.0.1:${goPort}`, "-config", configFile, "-upstream", `http://127.0.0.1:${backend.port}`, "-mint-cluster", `mint=${mint.url}`] });
    stack.add({ proc: go, stop: () => go.stop() });
    await waitFor("paygress-proxy", () => httpOk(`http://127.0.0.1:${goPort}/paygress/metrics`), go, 20000);
    for (const [name, port] of [["Envoy", envoy.port], ["Go middleware", goPort]] as const) {
      const relay = stack.add(await new HttpRelay("127.0.0.1", port).start());
      hosts.push({ name, url: `http://127.0.0.1:${port}`, relay });
    }
  });
  after(() => stack.stop());
  onFailureDump(stack);

  for (const h of [0, 1]) {
    const host = () => hosts[h];
    const hname = h === 0 ? "Envoy" : "Go middleware";

    it(`${hname}: pays a 402 and prints the 200; the second call uses the pass and pays nothing`, async () => {
      const w = await fundedWallet(100);
      const b0 = balance(w);
      const r1 = await paygress(w, "pay", "-i", `${host().url}/article`);
      assert.equal(r1.code, 0, r1.stderr);
      const res = response(r1.stdout);
      assert.equal(res.status, 200, r1.stdout);
      assert.match(res.body, /hello from the paid backend/);
      assert.match(r1.stderr, /asks \d+ sat/);
      const receipt = parseReceipt(res.headers.get("x-paygress-receipt") ?? null);
      assert.ok(receipt, "a receipt");
      const value = tokenValue(r1.stderr);
      const b1 = balance(w);
      assert.equal(b0 - b1, value - receipt!.change! + receiveFee(receipt!.change!), "the balance accounts for the payment");
      const calls = await mintCalls();
      const served = backend.requests.length;

      for (const path of ["/article", "/another/page"]) {
        const r2 = await paygress(w, "pay", `${host().url}${path}`);
        assert.equal(r2.code, 0, r2.stderr);
        assert.match(r2.stdout, /hello from the paid backend/);
        assert.match(r2.stderr, /using your pass .*route paid/);
        assert.doesNotMatch(r2.stderr, /paying|paid \d/);
      }
      assert.equal(balance(w), b1, "nothing paid the second time");
      assert.equal(await mintCalls(), calls, "no mint call at all the second time (neither the gate nor the client)");
      assert.equal(backend.requests.length, served + 2);
      // The gate strips the pass before the upstream sees it.
      assert.equal(backend.requests.at(-1)!.headers["x-paygress-pass"], undefined);
      // The receipt of the spec: amount = fee + earned + change.
      assert.match(res.headers.get("x-paygress-receipt")!, /^amount=\d+; fee=\d+; earned=10; change=\d+; unit=sat; route=paid$/, "receipt format");
      assert.equal(receipt!.amount, value);
      assert.equal(receipt!.amount, receipt!.fee! + receipt!.earned! + receipt!.change!);
    });

    it(`${hname}: above the per-request or the daily cap pays nothing and says which cap`, async () => {
      const w = await fundedWallet(100);
      const b0 = balance(w);
      const calls = await mintCalls();
      const served = backend.requests.length;
      const r = await paygress(w, "pay", "--max-amount", "5", `${host().url}/capped`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^paygress: .* asks \d+ sat, above your per-request cap of 5 sat \(--max-amount\); nothing was paid$/m);
      assert.equal(balance(w), b0);
      assert.equal(await mintCalls(), calls, "no mint call");
      assert.equal(backend.requests.length, served);

      // Daily cap per origin: 15 sat allows one payment of the short route, not a second.
      const ok = await paygress(w, "pay", "--max-per-day", "15", `${host().url}/short/a`);
      assert.equal(ok.code, 0, ok.stderr);
      const b1 = balance(w);
      await sleep(2100); // the short route's pass (1 s) has expired
      const again = await paygress(w, "pay", "--max-per-day", "15", `${host().url}/short/a`);
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stderr, /daily cap per origin of 15 sat \(--max-per-day\); nothing was paid/);
      assert.equal(balance(w), b1);
    });

    it(`${hname}: overpays with a single 64-sat proof and gets the change into the wallet`, async () => {
      const w = await fundedWallet(64);
      assert.equal(ClientWallet.open(w).read().proofs.length, 1);
      const r = await paygress(w, "pay", "-i", `${host().url}/overpaid`);
      assert.equal(r.code, 0, r.stderr);
      const res = response(r.stdout);
      assert.equal(res.status, 200);
      const receipt = parseReceipt(res.headers.get("x-paygress-receipt") ?? null)!;
      const change = getDecodedToken(res.headers.get("x-cashu-change") ?? "", []).proofs.reduce((s, p) => s + Number(p.amount), 0);
      assert.equal(change, receipt.change);
      assert.ok(change > 0);
      assert.equal(balance(w), change - receiveFee(change), "the change is in the wallet (less the mint's fee to receive it)");
      const states = await (await new TestWallet(mint.url).load()).wallet.checkProofsStates(ClientWallet.open(w).read().proofs.map((p) => ({ secret: p.secret })));
      assert.ok(states.every((s) => String(s.state) === "UNSPENT"), "the wallet holds only unspent proofs");
      // The fee rule of the spec: the asked amount already allows for the fee; all above it comes back.
      const asked = Number(/asks (\d+) sat/.exec(r.stderr)![1]);
      assert.equal(receipt.amount, 64, "the receipt names what the token was worth");
      assert.equal(receipt.change, 64 - asked, "every sat above the asked amount comes back");
    });

    it(`${hname}: a relay drops the gate's 200: access on retry or the change back, every sat accounted`, async () => {
      const w = await fundedWallet(64);
      const restores = mint.requestCount(/\/v1\/restore$/);
      host().relay.dropNextPaidAnswer = true;
      const r = await paygress(w, "pay", "-i", `${host().relay.url}/dropped`);
      assert.equal(host().relay.dropped.length, 1, "the relay dropped one answer");
      assert.equal(host().relay.dropped[0].status, 200, "the gate had answered 200");
      const asked = Number(/asks (\d+) sat/.exec(r.stderr)![1]);
      const after = balance(w);
      assert.match(r.stderr, /sending the same token again/);
      if (r.code === 0) {
        const receipt = parseReceipt(response(r.stdout).headers.get("x-paygress-receipt") ?? null)!;
        assert.equal(receipt.recovered, true);
        assert.equal(64 - after, 64 - receipt.change! + receiveFee(receipt.change!));
      } else {
        assert.equal(r.code, 1);
        assert.match(r.stderr, /redeemed the 64 sat token, but its answer was lost on the way .*; (\d+) sat of change recovered from the token/);
        const recovered = Number(/(\d+) sat of change recovered/.exec(r.stderr)![1]);
        assert.equal(recovered, 64 - asked, "the change of the lost answer, restored from the token alone");
        assert.equal(64 - after, 64 - recovered + receiveFee(recovered), "every sat accounted: paid the asked amount and the fee to receive the change");
        assert.ok(mint.requestCount(/\/v1\/restore$/) > restores, "restored at the mint (NUT-09)");
      }
      assert.equal(ClientWallet.open(w).read().ops.length, 0, "nothing left pending");
    });
  }

  it("three paygress pay processes on one wallet file at once: each succeeds or fails cleanly; no proof lost or spent twice", async () => {
    const w = await fundedWallet(100); // 64 + 32 + 4: two can pay, the third finds too little or the pass
    const b0 = balance(w);
    const runs = await Promise.all(["/c/1", "/c/2", "/c/3"].map((p) => paygress(w, "pay", "-i", `${hosts[0].url}${p}`)));
    let spent = 0;
    for (const r of runs) {
      if (r.code === 0) {
        const res = response(r.stdout);
        assert.equal(res.status, 200);
        const rc = parseReceipt(res.headers.get("x-paygress-receipt") ?? null);
        if (rc) spent += tokenValue(r.stderr) - rc.change! + receiveFee(rc.change!);
        else assert.match(r.stderr, /using your pass/);
      } else {
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^paygress: not enough ecash: .*nothing|^paygress: not enough ecash/m, r.stderr);
        assert.doesNotMatch(r.stderr, /at .*\.ts:\d+|Error:/, "a clean message, no stack trace");
      }
      assert.doesNotMatch(r.stderr, /already spent|token_spent/);
    }
    assert.ok(runs.filter((r) => r.code === 0).length >= 2, runs.map((r) => r.stderr).join("\n"));
    const s = ClientWallet.open(w).read();
    assert.equal(s.ops.length, 0);
    assert.ok(s.proofs.every((p) => !p.op));
    assert.equal(b0 - balance(w), spent, "the balance accounts for every payment");
    // No proof lost: a new wallet from the same recovery phrase finds exactly the proofs in the file.
    const phrase = await paygress(w, "wallet", "phrase");
    assert.equal(phrase.stdout.trim().split(" ").length, 12);
    const copy = join(stack.dir, "restored.json");
    const init = await paygressStdin(copy, phrase.stdout, "wallet", "init", "--restore");
    assert.equal(init.code, 0, init.stderr);
    const rr = await paygress(copy, "wallet", "restore", "--mint", mint.url);
    assert.equal(rr.code, 0, rr.stderr);
    assert.match(rr.stderr, new RegExp(`${s.proofs.length} proofs worth ${balance(w)} found`));
    assert.deepEqual(ClientWallet.open(copy).read().proofs.map((p) => p.secret).sort(), s.proofs.map((p) => p.secret).sort());
    const states = await (await new TestWallet(mint.url).load()).wallet.checkProofsStates(s.proofs.map((p) => ({ secret: p.secret })));
    assert.ok(states.every((x) => String(x.state) === "UNSPENT"));
  });

  it("a payment killed after the gate redeemed the token is finished by the next command (change restored from the token)", async () => {
    const w = await fundedWallet(64);
    const seen = backend.requests.length;
    const p = spawn(PAYGRESS, ["--wallet", w, "pay", `${hosts[0].url}/slow/30000`], { stdio: "ignore", detached: true });
    await waitFor("the paid request at the upstream", async () => backend.requests.length > seen, undefined, 20000);
    process.kill(-p.pid!, "SIGKILL");
    await new Promise((r) => p.on("exit", r));
    const pending = ClientWallet.open(w).read();
    assert.equal(pending.ops.length, 1, "the payment is in the journal");
    assert.equal(pending.ops[0].kind, "pay");
    const asked = pending.ops[0].asked!;
    const r = await paygress(w, "wallet", "balance");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /interrupted after the gate redeemed it \(64 sat\); (\d+) sat of change recovered from the token/);
    const change = Number(/(\d+) sat of change recovered/.exec(r.stderr)![1]);
    assert.equal(change, 64 - asked, "the change of the interrupted payment");
    assert.equal(balance(w), change - receiveFee(change));
    assert.equal(ClientWallet.open(w).read().ops.length, 0);
  });

  it("paygress wallet receive takes a token in, and refuses a spent one clearly", async () => {
    const w = await fundedWallet();
    const tw = await new TestWallet(mint.url).load();
    const token = tw.encodeB(await tw.mint(20));
    const r = await paygress(w, "wallet", "receive", token);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /received 19 sat from .* \(the mint kept 1 sat as its fee\)/);
    assert.match(r.stdout, /^19 sat at /m);
    assert.equal(balance(w), 19);
    const again = await paygress(w, "wallet", "receive", token);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^paygress: this token was already spent$/m);
    assert.equal(balance(w), 19);
    assert.equal(ClientWallet.open(w).read().ops.length, 0);
  });

  it("paygress recover takes back an unspent token, and the change of a spent one", async () => {
    const w = await fundedWallet();
    const tw = await new TestWallet(mint.url).load();
    // Unspent: its proofs come back (less the fee to receive them).
    const unspent = tw.encodeB(await tw.mint(8));
    const r1 = await paygress(w, "recover", unspent);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stderr, /8 sat of the token were unspent/);
    assert.equal(balance(w), 8 - 1);
    // Spent at a gate whose answer we throw away: the change the gate made for it.
    const token = tw.encodeB(await tw.mint(32));
    const paid = await fetch(`${hosts[1].url}/recover-me`, { headers: { "X-Cashu": token } });
    assert.equal(paid.status, 200);
    const receipt = parseReceipt(paid.headers.get("x-paygress-receipt"))!;
    await paid.arrayBuffer();
    const r2 = await paygress(w, "recover", token);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, new RegExp(`the token was redeemed; ${receipt.change} sat of change the gate made for it were recovered`));
    assert.equal(balance(w), 8 - 1 + receipt.change! - receiveFee(receipt.change!));
  });
});
