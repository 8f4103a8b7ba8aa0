// npm run demo — a local Paygress: Envoy (with build/paygress.wasm) + a Nutshell mint (FakeWallet
// Lightning backend, so invoices pay themselves) + a backend, all on loopback. It walks through
// 402 -> pay with a freshly minted token -> 200 + pass -> pass reuse -> replay refused -> the
// operator collecting the earnings -> the paying client (`paygress pay`), printing lines you can
// copy, then keeps running until Ctrl-C so you can try it yourself, with a funded client wallet and
// the one command that buys access with it. `--exit` ends after the walkthrough (used by the tests).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { Backend } from "../test/lib/backend.ts";
import { Envoy } from "../test/lib/envoy.ts";
import { Mint } from "../test/lib/mint.ts";
import { ROOT } from "../test/lib/procs.ts";
import { Stack } from "../test/lib/stack.ts";
import { TestWallet } from "../test/lib/wallet.ts";
import { EARNINGS_SEED, OPERATOR_PRIVKEY, OPERATOR_PUBKEY, pluginConfig } from "../test/lib/config.ts";
import { collect } from "./paygress-collect.ts";

const exitAfter = process.argv.includes("--exit");
const PRICE = 10;
const stack = new Stack("demo");
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

// curl runs asynchronously: the backend lives in this process and must keep serving meanwhile.
async function curl(args: string[], show = 200): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const line = "curl -si " + args.map(shellQuote).join(" ");
  console.log(`\n$ ${line.length > show ? line.slice(0, show) + "…" : line}`);
  const { stdout } = await promisify(execFile)("curl", ["-s", "-i", ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  const [head, ...rest] = stdout.split("\r\n\r\n");
  const lines = head.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
  }
  const body = rest.join("\r\n\r\n");
  const shown = lines.filter((l) => !/^(date|server|x-envoy-upstream-service-time|content-length):/i.test(l))
    .map((l) => (l.length > 140 ? l.slice(0, 137) + "..." : l));
  console.log(shown.join("\n"));
  console.log(body.length > 400 ? body.slice(0, 397) + "..." : body);
  return { status, headers, body };
}

// The paying client as a person runs it (npx paygress ...), asynchronously like curl above.
async function paygress(args: string[], show = true): Promise<void> {
  if (show) console.log(`\n$ npx paygress ${args.map(shellQuote).join(" ")}`);
  const { stdout, stderr } = await promisify(execFile)(join(ROOT, "client/bin/paygress.mjs"), args, { encoding: "utf8", maxBuffer: 1 << 20 });
  if (!show) return;
  const nl = (t: string) => t + (t.endsWith("\n") || !t ? "" : "\n");
  // The response (stdout) first for pay, like curl; otherwise what the command said (stderr) first.
  const lines = (args.includes("pay") ? nl(stdout) + stderr : nl(stderr) + stdout).split(/\r?\n/)
    .filter((l) => l && !/^(date|server|x-envoy-upstream-service-time|content-length):/i.test(l))
    .map((l) => (l.length > 140 ? l.slice(0, 137) + "..." : l));
  console.log(lines.join("\n"));
}

try {
  console.log("Starting a Nutshell mint (FakeWallet: Lightning invoices are paid automatically)...");
  const mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: 100 }).start());
  const backend = stack.add(await new Backend().start());
  console.log("Starting Envoy with build/paygress.wasm...");
  const envoy = stack.add(await new Envoy({
    logDir: stack.dir,
    backend: { host: "127.0.0.1", port: backend.port },
    mints: [{ cluster: "mint", host: "127.0.0.1", port: mint.port }],
    filter: {
      wasmPath: join(ROOT, "build/paygress.wasm"),
      pluginConfig: pluginConfig({ mints: [{ url: mint.url, cluster: "mint" }], price: PRICE }),
    },
  }).start());
  const url = `${envoy.url}/hello`;

  console.log(`\nPaygress is up:  proxy ${envoy.url}   mint ${mint.url} (input fee 100 ppk)   envoy admin ${envoy.adminUrl}`);
  console.log(bold(`\n1) Without payment the proxy answers 402 Payment Required, with a NUT-24 payment request in X-Cashu:`));
  await curl([url]);

  console.log(bold(`\n2) A wallet (cashu-ts) mints 16 sat at the mint and pays with a cashuB token:`));
  const wallet = await new TestWallet(mint.url).load();
  const token = wallet.encodeB(await wallet.mint(16));
  console.log(`   token: ${token.slice(0, 40)}... (${token.length} characters)`);
  const paid = await curl(["-H", `X-Cashu: ${token}`, url], 120);
  console.log(`   -> 200: the mint swapped the token (fee 1 sat); the gate kept ${PRICE} sat for the operator,`);
  console.log(`      returned 5 sat of change in X-Cashu-Change, and issued a pass.`);

  const pass = paid.headers.get("x-paygress-pass") ?? "";
  console.log(bold(`\n3) The pass buys access for a while with no further payment and no mint call:`));
  await curl(["-H", `X-Paygress-Pass: ${pass}`, url]);

  console.log(bold(`\n4) The token is spent: replaying it gets a fresh 402:`));
  await curl(["-H", `X-Cashu: ${token}`, url], 120);

  console.log(bold(`\n5) The operator collects the earnings (P2PK-locked to the operator's key, found by NUT-09 restore):`));
  console.log(`$ npx tsx tools/paygress-collect.ts --mint ${mint.url} --seed <earnings seed> --pubkey ${OPERATOR_PUBKEY.slice(0, 12)}... --privkey <operator key> --out earnings.token`);
  const got = await collect({ mint: mint.url, seed: EARNINGS_SEED, pubkey: OPERATOR_PUBKEY, lane: 0, from: 0n, privkey: OPERATOR_PRIVKEY,
    gapBatches: 3, batch: 100, json: false, unit: "sat" });
  console.log(`found ${got.proofs.length} earned proofs worth ${got.amount} sat; redeemed into ${got.redeemed} sat of fresh ecash (the redemption swap pays the mint's fee)`);

  console.log(bold(`\n6) A client that pays: \`paygress pay\` sees the 402, pays from its own wallet and retries:`));
  const demoWallet = join(stack.dir, "demo-wallet.json");
  await paygress(["--wallet", demoWallet, "wallet", "init"]);
  await paygress(["--wallet", demoWallet, "wallet", "mint", "100", "--mint", mint.url]);
  await paygress(["--wallet", demoWallet, "pay", "-i", url]);
  console.log(bold(`\n7) Again: the pass it kept covers the route, nothing is paid:`));
  await paygress(["--wallet", demoWallet, "pay", url]);
  await paygress(["--wallet", demoWallet, "wallet", "balance"]);

  // A wallet for you, funded and without a pass: the command printed below buys access with it.
  const yourWallet = join(stack.dir, "wallet.json");
  await paygress(["--wallet", yourWallet, "wallet", "init"], false);
  await paygress(["--wallet", yourWallet, "wallet", "mint", "100", "--mint", mint.url], false);
  const buy = `npx paygress --wallet ${yourWallet} pay ${url}`;
  console.log(bold(`\nBuy access yourself with the paying client (its wallet holds 100 sat from this mint):`) + `\n  ${buy}`);
  if (exitAfter) await paygress(["--wallet", yourWallet, "pay", url]); // the tests run exactly that line

  console.log(`\nLogs: ${stack.dir}`);
  if (!exitAfter) {
    console.log(`\nOr by hand (mint tokens with any Cashu wallet pointed at ${mint.url}):\n  curl -i ${url}\n  curl -i -H 'X-Paygress-Pass: ${pass}' ${url}\nPress Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  }
} finally {
  await stack.stop();
}
