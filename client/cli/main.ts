// The `paygress` command: pay for HTTP resources behind a Paygress gate (curl-like), and manage the
// wallet that pays. The response body goes to stdout (headers too with -i); what the client did and
// every error goes to stderr, in sentences. Never prints a token, a pass or the seed (except
// `paygress wallet phrase`, which exists to show the recovery phrase).
import { readFileSync, writeSync } from "node:fs";
import { PaygressError, describeError } from "../lib/errors.ts";
import { createPaygressFetch, type PaygressEvent } from "../lib/fetch.ts";
import { type Limits } from "../lib/caps.ts";
import { ClientWallet, defaultWalletPath } from "../wallet/wallet.ts";
import { recoverToken } from "../lib/recover.ts";

const USAGE = `paygress — pay for HTTP access with Cashu ecash

  paygress pay [options] URL          request URL; on 402 Payment Required, pay and retry
      -H, --header 'Name: value'      add a request header (repeatable)
      -X, --request METHOD            HTTP method (default GET, or POST with -d)
      -d, --data DATA                 request body (@FILE reads a file, @- stdin)
      -i, --include                   print the response status line and headers
      -s, --silent                    no progress on stderr (errors still)
      --max-amount N                  pay at most N per request (default: the wallet's, see limits)
      --max-per-day N                 pay one origin at most N per day (default: the wallet's)
  paygress wallet init [--restore]    create the wallet (--restore: recovery phrase from stdin)
  paygress wallet balance             what the wallet holds, per mint
  paygress wallet mint AMOUNT [--mint URL] [--unit U]   buy ecash with Lightning (shows the invoice)
  paygress wallet receive TOKEN|-     take a Cashu token into the wallet
  paygress wallet restore [--mint URL]  find every unspent proof of this wallet's seed at the mint
  paygress wallet limits [--max-amount N] [--max-per-day N]   show or set the spending caps
  paygress wallet phrase              show the recovery phrase (keep it secret)
  paygress recover TOKEN|-            take back a token you paid with: its proofs if unspent,
                                      else the change the gate made for it

  --wallet FILE (any command)         the wallet file (default $PAYGRESS_WALLET or ~/.paygress/wallet.json)
`;

class UsageError extends Error {}

interface Parsed { positional: string[]; flags: Map<string, string[]> }

const WITH_VALUE = new Set(["-H", "--header", "-X", "--request", "-d", "--data", "--data-raw", "--max-amount", "--max-per-day", "--wallet", "--mint", "--unit"]);
const ALIASES: Record<string, string> = { "-H": "--header", "-X": "--request", "-d": "--data", "--data-raw": "--data", "-i": "--include", "-s": "--silent" };

function parse(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    if (a.startsWith("--") && a.includes("=")) { value = a.slice(a.indexOf("=") + 1); a = a.slice(0, a.indexOf("=")); }
    if (a === "-" || !a.startsWith("-")) { positional.push(a); continue; }
    if (/^-[a-zA-Z]{2,}$/.test(a) && !WITH_VALUE.has(a)) { // -si
      for (const c of a.slice(1)) argv.splice(i + 1, 0, `-${c}`);
      continue;
    }
    const name = ALIASES[a] ?? a;
    if (WITH_VALUE.has(a)) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
        value = argv[++i];
      }
    } else value = "";
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

const one = (p: Parsed, k: string) => p.flags.get(k)?.at(-1);
const has = (p: Parsed, k: string) => p.flags.has(k);

function count(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UsageError(`${what} must be a whole number, not "${s}"`);
  return Number(s);
}

function say(msg: string): void {
  process.stderr.write(`paygress: ${msg}\n`);
}

function readArgOrStdin(v: string | undefined, what: string): string {
  if (v === undefined) throw new UsageError(`give the ${what} (or - to read it from stdin)`);
  return v === "-" ? readFileSync(0, "utf8").trim() : v;
}

function walletFile(p: Parsed): string {
  return one(p, "--wallet") ?? defaultWalletPath();
}

async function cmdPay(p: Parsed): Promise<number> {
  const target = p.positional[0];
  if (!target) throw new UsageError("paygress pay needs a URL");
  let url: URL;
  try { url = new URL(target); } catch { throw new UsageError(`"${target}" is not a URL (it needs http:// or https://)`); }
  const headers = new Headers();
  for (const h of p.flags.get("--header") ?? []) {
    const i = h.indexOf(":");
    if (i <= 0) throw new UsageError(`-H wants 'Name: value', got "${h}"`);
    headers.append(h.slice(0, i).trim(), h.slice(i + 1).trim());
  }
  let body: Uint8Array | undefined;
  const data = one(p, "--data");
  if (data !== undefined) {
    body = data === "@-" ? readFileSync(0) : data.startsWith("@") ? readFileSync(data.slice(1)) : new TextEncoder().encode(data);
    if (!headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded");
  }
  const method = (one(p, "--request") ?? (body ? "POST" : "GET")).toUpperCase();
  const silent = has(p, "--silent");
  const limits: Limits = {};
  const ma = count(one(p, "--max-amount"), "--max-amount");
  const md = count(one(p, "--max-per-day"), "--max-per-day");
  if (ma !== undefined) limits.maxAmount = ma;
  if (md !== undefined) limits.maxPerOriginPerDay = md;

  const progress = (e: PaygressEvent) => {
    if (silent) return;
    switch (e.type) {
      case "pass": say(`using your pass for ${e.origin} (route ${e.route})`); break;
      case "challenge": say(`${e.origin} asks ${e.challenge.amount} ${e.challenge.unit}` + (e.challenge.route ? ` for route ${e.challenge.route}` : "") +
        (e.challenge.code !== "payment_required" ? ` (${e.challenge.code})` : "")); break;
      case "paying": say(`paying ${e.amount} ${e.unit} from ${e.mint}` + (e.value > e.amount ? ` with a ${e.value} ${e.unit} token (the change comes back)` : "")); break;
      case "retry": say(`${e.reason}; sending the same token again in ${e.waitMs} ms`); break;
      case "paid": {
        const r = e.receipt;
        const parts = [`paid ${e.value - (r?.change ?? 0)} ${e.unit}` + (r?.fee ? ` (of which the mint's fee ${r.fee})` : "")];
        if (e.change.amount || r?.change) parts.push(`change ${r?.change ?? e.change.amount} ${e.unit} received` + (e.change.fee ? ` (${e.change.fee} ${e.unit} mint fee to receive it)` : ""));
        if (e.recovered) parts.push("answer recovered after a retry");
        say(parts.join("; "));
        break;
      }
      case "note": say(e.message); break;
    }
  };
  const pf = createPaygressFetch({ wallet: walletFile(p), limits, onEvent: progress });
  let res: Response;
  try {
    res = await pf(url, { method, headers, body: body as BodyInit | undefined });
  } catch (e) {
    if (e instanceof PaygressError) throw e;
    throw new PaygressError("bad_arguments", `cannot get ${url.origin}${url.pathname}: ${describeError(e)}`);
  }
  const out = new Uint8Array(await res.arrayBuffer());
  if (has(p, "--include")) {
    let head = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`;
    res.headers.forEach((v, k) => { head += `${k}: ${v}\r\n`; });
    writeAll(new TextEncoder().encode(head + "\r\n"));
  }
  writeAll(out);
  if (res.status === 402 && !silent) say(`still 402 Payment Required (${res.statusText})`);
  return 0;
}

function writeAll(b: Uint8Array): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(1, b, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      throw e;
    }
  }
}

function showBalance(w: ClientWallet): void {
  const bs = w.balances();
  if (bs.length === 0) {
    console.log("0 (the wallet is empty; buy some ecash with: paygress wallet mint AMOUNT --mint URL)");
    return;
  }
  const totals = new Map<string, number>();
  for (const b of bs) {
    console.log(`${b.spendable} ${b.unit} at ${b.mint}` + (b.reserved ? ` (+${b.reserved} ${b.unit} in payments in progress)` : "") + ` — ${b.proofs} proofs`);
    totals.set(b.unit, (totals.get(b.unit) ?? 0) + b.spendable);
  }
  if (bs.length > 1) for (const [u, t] of totals) console.log(`total ${t} ${u}`);
}

async function recoverNotes(w: ClientWallet): Promise<void> {
  for (const n of await w.recoverOrphans()) say(n);
}

async function cmdWallet(p: Parsed): Promise<number> {
  const sub = p.positional[0];
  const file = walletFile(p);
  switch (sub) {
    case "init": {
      let phrase: string | undefined;
      if (has(p, "--restore")) {
        if (process.stdin.isTTY) process.stderr.write("Type your recovery phrase (12-24 words), then Enter:\n");
        phrase = readFileSync(0, "utf8");
      }
      const w = await ClientWallet.create(file, phrase);
      say(`created a wallet at ${file} (readable by you only)`);
      if (phrase) say(`from your recovery phrase; now run: paygress wallet restore --mint URL`);
      else say(`write down its recovery phrase — with it you can restore the wallet: paygress wallet phrase`);
      const mint = one(p, "--mint");
      if (mint) await w.update((s) => { s.defaultMint = mint.replace(/\/+$/, ""); });
      return 0;
    }
    case "balance": {
      const w = ClientWallet.open(file);
      if (w.orphans().length) await recoverNotes(w);
      showBalance(w);
      return 0;
    }
    case "mint": {
      const amount = count(p.positional[1], "AMOUNT");
      if (!amount) throw new UsageError("paygress wallet mint needs an AMOUNT, e.g. paygress wallet mint 100 --mint https://mint.example");
      const w = ClientWallet.open(file);
      const mint = one(p, "--mint") ?? w.read().defaultMint;
      if (!mint) throw new UsageError("which mint? add --mint URL (it becomes the default)");
      await recoverNotes(w);
      const tty = process.stderr.isTTY;
      let lastShown = -1;
      await w.mint(mint, amount, one(p, "--unit") ?? "sat", (e) => {
        if (e.stage === "quote") {
          say(`pay this Lightning invoice to get ${amount} ${one(p, "--unit") ?? "sat"} from ${mint}:`);
          process.stderr.write(`${e.request}\n`);
          say("waiting for the invoice to be paid (Ctrl-C is safe: the quote is remembered)…");
        } else if (e.stage === "waiting") {
          if (tty) process.stderr.write(`\rpaygress: waiting for the invoice to be paid… ${e.seconds} s `);
          else if (e.seconds - lastShown >= 10) { say(`still waiting for the invoice to be paid (${e.seconds} s)`); lastShown = e.seconds; }
        } else {
          if (tty) process.stderr.write("\n");
          say("invoice paid; minting");
        }
      });
      await w.update((s) => { s.defaultMint ??= mint.replace(/\/+$/, ""); });
      say(`minted ${amount} ${one(p, "--unit") ?? "sat"} at ${mint}`);
      showBalance(w);
      return 0;
    }
    case "receive": {
      const token = readArgOrStdin(p.positional[1], "token");
      const w = ClientWallet.open(file);
      await recoverNotes(w);
      const r = await w.receiveToken(token);
      say(`received ${r.amount} ${r.unit} from ${r.mint}` + (r.fee ? ` (the mint kept ${r.fee} ${r.unit} as its fee)` : ""));
      showBalance(w);
      return 0;
    }
    case "restore": {
      const w = ClientWallet.open(file);
      const s = w.read();
      const mints = one(p, "--mint") ? [one(p, "--mint")!] : [...new Set([s.defaultMint, ...Object.keys(s.mints)].filter((m): m is string => !!m))];
      if (mints.length === 0) throw new UsageError("which mint? add --mint URL");
      await recoverNotes(w);
      for (const m of mints) {
        say(`restoring from ${m}…`);
        const r = await w.restore(m, one(p, "--unit") ?? "sat");
        say(`${m}: ${r.added} proofs worth ${r.amount} found that the file did not have (${r.spent} spent ones skipped)`);
      }
      showBalance(w);
      return 0;
    }
    case "limits": {
      const w = ClientWallet.open(file);
      const ma = count(one(p, "--max-amount"), "--max-amount");
      const md = count(one(p, "--max-per-day"), "--max-per-day");
      if (ma !== undefined || md !== undefined) {
        await w.update((s) => {
          if (ma !== undefined) s.limits.maxAmount = ma;
          if (md !== undefined) s.limits.maxPerOriginPerDay = md;
        });
      }
      const l = w.read().limits;
      console.log(`per request: ${l.maxAmount ?? "no cap"}; per origin per day: ${l.maxPerOriginPerDay ?? "no cap"} (in the unit each gate asks)`);
      return 0;
    }
    case "phrase": {
      console.log(ClientWallet.open(file).read().mnemonic);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown wallet command "${sub}"` : "paygress wallet needs a command: init, balance, mint, receive, restore, limits, phrase");
  }
}

async function cmdRecover(p: Parsed): Promise<number> {
  const token = readArgOrStdin(p.positional[0], "token");
  const w = ClientWallet.open(walletFile(p));
  await recoverNotes(w);
  const r = await recoverToken(w, token);
  say(r.message);
  showBalance(w);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const p = parse([...argv]);
    const cmd = p.positional.shift();
    if (cmd === undefined && (has(p, "--help") || has(p, "-h"))) { process.stdout.write(USAGE); return 0; }
    switch (cmd) {
      case "pay": return await cmdPay(p);
      case "wallet": return await cmdWallet(p);
      case "recover": return await cmdRecover(p);
      case undefined: case "help": case "-h": case "--help":
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      process.stderr.write("run `paygress help` for the commands\n");
      return 2;
    }
    say(describeError(e));
    return 1;
  }
}

