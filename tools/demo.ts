// npm run demo — a local Paygress: Envoy (with paygress.wasm) + a Nutshell mint (FakeWallet) + a
// backend, all on loopback. It walks through the payment flow with curl lines you can copy, then
// keeps running until Ctrl-C so you can try it yourself. `--exit` ends after the walkthrough.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { Backend } from "../test/lib/backend.ts";
import { Envoy } from "../test/lib/envoy.ts";
import { Mint } from "../test/lib/mint.ts";
import { ROOT } from "../test/lib/procs.ts";
import { Stack } from "../test/lib/stack.ts";
import { TestWallet } from "../test/lib/wallet.ts";
import { pluginConfig } from "../test/lib/config.ts";

const exitAfter = process.argv.includes("--exit");
const PRICE = 10;
const stack = new Stack("demo");

// curl runs asynchronously: the backend lives in this process and must keep serving meanwhile.
async function curl(args: string[]): Promise<string> {
  const shown = args.map((a) => (/[\s"]/.test(a) ? `'${a}'` : a)).join(" ");
  console.log(`\n$ curl ${shown.length > 160 ? shown.slice(0, 157) + "...'" : shown}`);
  const { stdout: out } = await promisify(execFile)("curl", ["-s", "-i", ...args], { encoding: "utf8" });
  console.log(out.trim());
  return out;
}

try {
  console.log("Starting a Nutshell mint (FakeWallet: Lightning invoices are paid automatically)...");
  const mint = stack.add(await new Mint({ logDir: stack.dir }).start());
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

  console.log(`\nPaygress is up:  proxy ${envoy.url}   mint ${mint.url}   envoy admin ${envoy.adminUrl}`);
  console.log(`\n1) Without payment the proxy answers 402 Payment Required:`);
  await curl([`${envoy.url}/hello`]);

  console.log(`\n2) A wallet mints ${PRICE} sat of ecash at the mint (cashu-ts) and sends it as a token:`);
  const wallet = await new TestWallet(mint.url).load();
  const token = wallet.encodeB(await wallet.mint(PRICE));
  console.log(`   token: ${token.slice(0, 48)}... (${token.length} chars)`);
  await curl(["-H", `X-Cashu: ${token}`, `${envoy.url}/hello`]);

  console.log(`\nLogs: ${stack.dir}`);
  if (!exitAfter) {
    console.log(`\nTry it yourself:\n  curl -i ${envoy.url}/hello\nPress Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  }
} finally {
  await stack.stop();
}
