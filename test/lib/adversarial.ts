// The adversarial suite, run against every host build next to the scenario suite (the same
// startProxy): path and host tricks, header combinations, token forgeries and limits, each sent
// byte for byte with a raw HTTP client (test/lib/rawhttp.ts). Routes: /healthz free, GET /report
// and host paid.test priced, /api/ priced, everything else free — the "only the API is paid" set-up
// where a path trick that reaches /api/x through a free rule is free access.
//
// Every case asserts (1) its status, (2) what the upstream received — nothing when refused; when
// served, the path it will serve (decoded and resolved as an upstream does) and that it is not a
// priced one unless the case paid, and never a payment credential (X-Cashu, X-Paygress-Pass, a
// Cashu token or pass in Authorization, the pass cookie) — and (3) for cases that carry tokens,
// which proofs the mint has spent afterwards: none when access was refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { getDecodedToken, type Proof } from "@cashu/cashu-ts";
import { Backend } from "./backend.ts";
import { Mint } from "./mint.ts";
import { rawRequest } from "./rawhttp.ts";
import { Stack, onFailureDump } from "./stack.ts";
import { TestWallet } from "./wallet.ts";
import { pluginConfig } from "./config.ts";
import type { ProxyUnderTest, ScenarioContext } from "./scenarios.ts";

export function adversarialPluginConfig(mintUrl: string): Record<string, unknown> {
  return pluginConfig({
    mints: [{ url: mintUrl, cluster: "mint", timeout_ms: 3000 }],
    routes: [
      { id: "health", prefix: "/healthz", price: 0 },
      { id: "report", prefix: "/report", methods: ["GET"], price: 10 },
      { id: "paidhost", host: "paid.test", prefix: "/", price: 10 },
      { id: "api", prefix: "/api/", price: 10 },
      { id: "free", prefix: "/", price: 0 },
    ],
    extra: { limits: { max_proofs: 8, max_token_length: 4096 } },
  });
}

/** The path an upstream serves for a request target: decoded, dot segments resolved, slashes merged. */
export function servedPath(target: string): string {
  let p = target.split("?")[0];
  if (/^https?:\/\//i.test(p)) p = p.replace(/^https?:\/\/[^/]*/i, "") || "/";
  let bytes: Buffer;
  try { bytes = Buffer.from(decodeURIComponent(p), "utf8"); } catch { bytes = Buffer.from(p, "latin1"); }
  const segs: string[] = [];
  const parts = bytes.toString("utf8").split("/");
  parts.forEach((s, i) => {
    if (s === "" || s === ".") { if (i === parts.length - 1) segs.push(""); return; }
    if (s === "..") { segs.pop(); if (i === parts.length - 1) segs.push(""); return; }
    segs.push(s);
  });
  return "/" + segs.join("/");
}

function priced(method: string, host: string, path: string): boolean {
  const p = path.toLowerCase().replace(/;[^/]*/g, "");
  if (host.toLowerCase().replace(/\.?(:\d+)?$/, "") === "paid.test") return true;
  if ((method === "GET" || method === "HEAD") && (p === "/report" || p.startsWith("/report/"))) return true;
  return p === "/api" || p.startsWith("/api/");
}

type Expect = "refused" | "free" | "paid" | "pass";

export interface Case {
  name: string;
  method?: string;
  target: string | Buffer;
  /** Request headers; `$T0`, `$T1` become fresh tokens, `$PASS` the suite's pass for /api. */
  headers?: Array<[string, string]>;
  expect: Expect;
  /** Allowed statuses (default: refused 400/402, otherwise 200). */
  statuses?: number[];
  /** For served cases: the path the upstream must serve. */
  serves?: string;
  /** For served cases: the exact target (path and query before the marker) the upstream must receive. */
  forwarded?: string;
  /** Host header (default: the proxy's address). */
  host?: string;
  /** Fresh tokens the case uses, and which must be spent afterwards (default: paid -> T0 spent, else none). */
  tokens?: number;
  spent?: boolean[];
  /** Tokens built specially: forged, duplicated, foreign (proofs it mints go into `proofs`, checked unspent). */
  forge?: (w: TestWallet, proofs: Proof[][]) => Promise<string[]>;
  /** Header the upstream must (or must not) have received, lower-case name -> value or null. */
  upstream?: Record<string, string | null>;
  /** Error code in a refused answer's JSON body. */
  code?: string;
}

const CREDENTIAL = (name: string, value: string, cookieName = "paygress_pass"): string | null => {
  if (name === "x-cashu" || name === "x-paygress-pass") return `${name} reached the upstream`;
  if (name === "authorization" && /^\s*bearer\s+(cashu|p1\.)/i.test(value)) return "a Bearer token or pass reached the upstream";
  if (name === "cookie" && new RegExp(`(^|;\\s*)${cookieName}=`).test(value)) return "the pass cookie reached the upstream";
  return null;
};

/** The cases; at least 60 (counted by the suite itself). */
export function adversarialCases(): Case[] {
  const refused = (name: string, target: string | Buffer, extra: Partial<Case> = {}): Case => ({ name, target, expect: "refused", ...extra });
  const free = (name: string, target: string | Buffer, serves: string, extra: Partial<Case> = {}): Case => ({ name, target, expect: "free", serves, ...extra });
  const paid = (name: string, target: string, serves: string, extra: Partial<Case> = {}): Case =>
    ({ name, target, expect: "paid", serves, tokens: 1, headers: [["X-Cashu", "$T0"]], ...extra });
  return [
    // ---- path tricks that reach /api through a free rule: never served free ----
    refused("plain /api/x", "/api/x", { code: "payment_required" }),
    refused("unreserved escape /%61pi/x", "/%61pi/x"),
    refused("upper case /API/x", "/API/x"),
    refused("mixed case /Api/X", "/Api/X"),
    refused("double slash //api/x", "//api/x"),
    refused("triple slash ///api///x", "///api///x"),
    refused("dot segment /./api/x", "/./api/x"),
    refused("dot-dot from a free prefix /healthz/../api/x", "/healthz/../api/x"),
    refused("encoded dot-dot /healthz/%2e%2e/api/x", "/healthz/%2e%2e/api/x"),
    refused("upper-case encoded dot-dot /healthz/%2E%2E/api/x", "/healthz/%2E%2E/api/x"),
    refused("half-encoded dot-dot /healthz/.%2e/api/x", "/healthz/.%2e/api/x"),
    refused("half-encoded dot-dot /healthz/%2e./api/x", "/healthz/%2e./api/x"),
    refused("encoded slash /api%2Fx", "/api%2Fx", { code: "bad_request_target" }),
    refused("lower-case encoded slash /api%2fx", "/api%2fx"),
    refused("encoded slash in a dot-dot /healthz/..%2Fapi/x", "/healthz/..%2Fapi/x"),
    refused("encoded slashes around dots /healthz%2F..%2Fapi/x", "/healthz%2F..%2Fapi/x"),
    refused("leading encoded slash /%2Fapi/x", "/%2Fapi/x"),
    refused("backslash /api\\x", "/api\\x"),
    refused("backslash dot-dot /healthz\\..\\api\\x", "/healthz\\..\\api\\x"),
    refused("encoded backslash /healthz/..%5capi/x", "/healthz/..%5capi/x"),
    refused("servlet dot-dot /healthz/..;/api/x", "/healthz/..;/api/x"),
    refused("encoded servlet dot-dot /healthz/%2e%2e%3b/api/x", "/healthz/%2e%2e%3b/api/x"),
    refused("path parameter on the prefix /api;jsessionid=1/x", "/api;jsessionid=1/x"),
    refused("path parameter /api;x", "/api;x"),
    refused("NUL /api/x%00", "/api/x%00"),
    refused("encoded CR LF /api/x%0d%0aX-Cashu:%20a", "/api/x%0d%0aX-Cashu:%20a"),
    refused("malformed escape /api/%zz", "/api/%zz"),
    refused("truncated escape /healthz%2", "/healthz%2"),
    refused("IIS %u escape /%u0061pi/x", "/%u0061pi/x"),
    refused("double encoding /healthz/%252e%252e/api/x", "/healthz/%252e%252e/api/x"),
    refused("overlong UTF-8 slash /healthz%c0%af..%c0%afapi", "/healthz%c0%af..%c0%afapi"),
    refused("invalid UTF-8 /api/%ff", "/api/%ff"),
    refused("trailing dot segment /api/x/.", "/api/x/."),
    refused("dot-dot back to the prefix /api/x/..", "/api/x/.."),
    refused("the prefix itself /api", "/api"),
    refused("dot-dot then encoded prefix /healthz/../%61PI/x", "/healthz/../%61PI/x"),
    refused("empty segment dot-dot /healthz//../api/x", "/healthz//../api/x"),
    refused("a GET rule prices HEAD", "/report", { method: "HEAD" }),
    refused("GET /report", "/report/q"),
    refused("query does not move the path /api/x?y=/../../healthz", "/api/x?y=/../../healthz"),
    refused("a very long priced path", "/api/" + "a".repeat(6000)),
    // ---- hosts ----
    refused("host rule, upper case Host", "/x", { host: "PAID.TEST" }),
    refused("host rule, trailing dot", "/x", { host: "paid.test." }),
    refused("host rule, with a port", "/x", { host: "paid.test:8080" }),
    refused("absolute-form URI names the priced host", "http://paid.test/x", { host: "free.test" }),
    // ---- what is free stays free, and is served as priced ----
    free("a free path", "/hello", "/hello", { forwarded: "/hello" }),
    free("segment bound: /apix is not /api", "/apix", "/apix", { forwarded: "/apix" }),
    free("segment bound: /healthzX", "/healthzX/a", "/healthzX/a"),
    free("dot-dot out of /api lands on a free path", "/api/../hello", "/hello", { forwarded: "/hello" }),
    free("query with dot segments is kept", "/healthz?/../api", "/healthz", { forwarded: "/healthz?/../api" }),
    free("raw UTF-8", Buffer.from("/caf\u00e9", "utf8"), "/caf\u00e9"),
    free("POST on a GET-only rule", "/report/q", "/report/q", { method: "POST" }),
    free("another host", "/x", "/x", { host: "free.test" }),
    free("a pass on a free route is not forwarded", "/hello", "/hello", { headers: [["X-Paygress-Pass", "$PASS"]] }),
    free("a token on a free route is neither spent nor forwarded", "/hello", "/hello", { tokens: 1, headers: [["X-Cashu", "$T0"]], spent: [false] }),
    free("other Authorization schemes reach the upstream", "/hello", "/hello", { headers: [["Authorization", "Basic dTpw"]], upstream: { authorization: "Basic dTpw" } }),
    free("other cookies reach the upstream, the pass cookie does not", "/hello", "/hello", { headers: [["Cookie", "theme=dark; paygress_pass=$PASS; lang=en"]], upstream: { cookie: "theme=dark; lang=en" } }),
    free("client-sent forward-auth instructions are ignored", "/hello", "/hello", { headers: [["X-Paygress-Forward-Path", "/api/x"], ["X-Paygress-Forward-Authorization", "Bearer x"]], forwarded: "/hello" }),
    // ---- paying: the upstream receives the canonical path and no credential ----
    paid("pay for /api/x", "/api/x", "/api/x", { forwarded: "/api/x" }),
    paid("pay for a trick path: served canonical", "//%61pi/./x", "/api/x", { forwarded: "/api/x" }),
    paid("pay through Bearer", "/api/b", "/api/b", { headers: [["Authorization", "Bearer $T0"]] }),
    paid("the same token in X-Cashu and Bearer", "/api/c", "/api/c", { headers: [["X-Cashu", "$T0"], ["Authorization", "Bearer $T0"]] }),
    paid("Basic auth and a token: the token is stripped, Basic kept", "/api/d", "/api/d", { headers: [["X-Cashu", "$T0"], ["Authorization", "Basic dTpw"]], upstream: { authorization: "Basic dTpw" } }),
    { name: "a valid pass and a token: the pass is used, the token neither spent nor forwarded", target: "/api/e", expect: "pass", serves: "/api/e", tokens: 1, headers: [["X-Paygress-Pass", "$PASS"], ["X-Cashu", "$T0"]], spent: [false] },
    { name: "a pass in Bearer and a token in X-Cashu", target: "/api/f", expect: "pass", serves: "/api/f", tokens: 1, headers: [["Authorization", "Bearer $PASS"], ["X-Cashu", "$T0"]], spent: [false] },
    { name: "a pass cookie among others and a token", target: "/api/g", expect: "pass", serves: "/api/g", tokens: 1, headers: [["Cookie", "a=1; paygress_pass=$PASS; b=2"], ["X-Cashu", "$T0"]], spent: [false], upstream: { cookie: "a=1; b=2" } },
    { name: "a bad pass cookie first, a good one second", target: "/api/h", expect: "pass", serves: "/api/h", headers: [["Cookie", "paygress_pass=p1.k1.1.api.AAAA"], ["Cookie", "paygress_pass=$PASS"]] },
    // ---- header combinations that must be refused, spending nothing ----
    refused("two different X-Cashu headers", "/api/x", { tokens: 2, headers: [["X-Cashu", "$T0"], ["X-Cashu", "$T1"]], statuses: [400], code: "bad_payment_header" }),
    refused("X-Cashu and Bearer disagreeing", "/api/x", { tokens: 2, headers: [["X-Cashu", "$T0"], ["Authorization", "Bearer $T1"]], statuses: [400], code: "bad_payment_header" }),
    refused("an empty X-Cashu", "/api/x", { headers: [["X-Cashu", ""]], statuses: [402] }),
    refused("a pass for another route", "/report/x", { headers: [["X-Paygress-Pass", "$PASS"]], statuses: [402], code: "pass_wrong_scope" }),
    // ---- token forgeries and limits: 400, nothing spent ----
    refused("a forged signature", "/api/x", {
      tokens: 1, statuses: [400], code: "mint_rejected_token",
      forge: async (w, ps) => [w.encodeB(ps[0].map((p) => ({ ...p, C: "02" + "11".repeat(32) })))],
    }),
    refused("an inflated amount", "/api/x", {
      tokens: 1, statuses: [400],
      forge: async (w, ps) => [w.encodeB(ps[0].map((p) => ({ ...p, amount: 64 })))],
    }),
    refused("a duplicated proof", "/api/x", {
      tokens: 1, statuses: [400], code: "malformed_token",
      forge: async (w, ps) => [w.encodeB([...ps[0], ...ps[0]])],
    }),
    refused("another unit", "/api/x", {
      tokens: 1, statuses: [400], code: "wrong_unit",
      forge: async (w, ps) => [new TestWallet(w.mintUrl, "usd").encodeB(ps[0])],
    }),
    refused("an unknown keyset", "/api/x", {
      tokens: 1, statuses: [400], code: "unknown_keyset",
      forge: async (w, ps) => [w.encodeB(ps[0].map((p) => ({ ...p, id: "00" + "ab".repeat(7) })))],
    }),
    refused("worth less than the price", "/api/x", {
      statuses: [400], code: "insufficient_amount",
      forge: async (w, ps) => { ps.push(await w.mint(4)); return [w.encodeB(ps[0])]; },
    }),
    refused("more proofs than allowed (9 > limits.max_proofs 8)", "/api/x", {
      statuses: [400], code: "malformed_token",
      forge: async (w, ps) => {
        const nine: Proof[] = [];
        for (let i = 0; i < 9; i++) nine.push(...await w.mint(2));
        ps.push(nine);
        return [w.encodeB(nine)];
      },
    }),
    refused("a token longer than allowed", "/api/x", { statuses: [400], code: "malformed_token", headers: [["X-Cashu", "cashuB" + "A".repeat(5000)]] }),
    refused("garbage after cashuB", "/api/x", { statuses: [400], code: "malformed_token", headers: [["X-Cashu", "cashuB!!!"]] }),
  ];
}

/**
 * Runs the suite. `exceptions`: per case name, how this host differs — each one a documented,
 * tested difference (docs/deploy.md, "Where hosts differ"), never a weaker money check: a host may
 * refuse more, or resolve an ambiguous path another way as long as it serves what was priced.
 */
export function adversarialSuite(hostName: string, startProxy: (ctx: ScenarioContext) => Promise<ProxyUnderTest>, opts: { exceptions?: Record<string, Partial<Case>> } = {}): void {
  describe(`adversarial suite: ${hostName}`, () => {
    const stack = new Stack(`adversarial-${hostName.toLowerCase().replace(/\W+/g, "-")}`);
    let mint: Mint;
    let backend: Backend;
    let proxy: ProxyUnderTest;
    let port = 0;
    let wallet: TestWallet;
    let pass = "";
    const cases = adversarialCases().map((c) => ({ ...c, ...(opts.exceptions?.[c.name] ?? {}) }));
    for (const name of Object.keys(opts.exceptions ?? {})) {
      if (!cases.some((c) => c.name === name)) throw new Error(`adversarial exception for an unknown case: ${name}`);
    }

    before(async () => {
      mint = stack.add(await new Mint({ logDir: stack.dir, inputFeePpk: 100 }).start());
      backend = stack.add(await new Backend().start());
      proxy = await startProxy({ stack, mint, backend, mintPort: mint.port, pluginConfig: adversarialPluginConfig(mint.url) });
      port = Number(new URL(proxy.url).port);
      wallet = await new TestWallet(mint.url).load();
      const r = await rawRequest(port, "GET", "/api/pass-source", [["X-Cashu", wallet.encodeB(await wallet.mint(16))]]);
      assert.equal(r.status, 200, r.body);
      pass = r.header("x-paygress-pass") ?? "";
      assert.match(pass, /^p1\.k1\.\d+\.api\./);
    });
    after(() => stack.stop());
    onFailureDump(stack);

    it(`has at least 60 cases (${cases.length})`, () => assert.ok(cases.length >= 60, String(cases.length)));

    cases.forEach((c, i) => {
      it(c.name, async () => {
        const proofs: Proof[][] = [];
        for (let k = 0; k < (c.tokens ?? 0); k++) proofs.push(await wallet.mint(16));
        const tokens = c.forge ? await c.forge(wallet, proofs) : proofs.map((ps) => wallet.encodeB(ps));
        const fill = (v: string) => v.replace("$PASS", pass).replace(/\$T(\d)/g, (_, n) => tokens[Number(n)]);
        const headers: Array<[string, string]> = (c.headers ?? (c.forge ? [["X-Cashu", "$T0"]] : [])).map(([k, v]) => [k, fill(v)]);
        if (c.host) headers.unshift(["Host", c.host]);
        const marker = `pgcase=${i}`;
        const target = typeof c.target === "string"
          ? c.target + (c.target.includes("?") ? "&" : "?") + marker
          : Buffer.concat([c.target, Buffer.from("?" + marker)]);
        const method = c.method ?? "GET";
        const seen = backend.requests.length;
        const r = await rawRequest(port, method, target, headers);
        const got = backend.requests.slice(seen).filter((q) => q.url.includes(marker));

        const allowed = c.statuses ?? (c.expect === "refused" ? [400, 402] : [200]);
        assert.ok(allowed.includes(r.status), `status ${r.status} (allowed ${allowed.join("/")}): ${r.body.slice(0, 300)}`);
        // The gate's JSON names the reason (a host that refuses before the gate answers its own way).
        const j = r.json();
        if (c.code && (j.code || j.error)) assert.equal(j.code ?? j.error, c.code, r.body.slice(0, 300));

        if (c.expect === "refused") {
          assert.equal(got.length, 0, `the upstream received ${got.map((q) => q.url).join(", ")}`);
        } else {
          assert.equal(got.length, 1, `the upstream received ${got.length} requests`);
          const q = got[0];
          const raw = q.url.slice(0, q.url.indexOf(marker) - 1);
          const path = servedPath(q.url);
          if (c.serves) assert.equal(path, c.serves, `served ${path} (received ${q.url})`);
          if (c.forwarded) assert.equal(raw, c.forwarded, `received ${q.url}`);
          if (c.expect === "free") {
            const host = String(q.headers.host ?? "");
            assert.ok(!priced(method, c.host ?? host, path), `a priced path was served free: ${q.url}`);
          }
          for (const [name, value] of Object.entries(q.headers)) {
            for (const v of Array.isArray(value) ? value : [String(value)]) {
              const bad = CREDENTIAL(name, v);
              assert.equal(bad, null, `${bad}: ${name}: ${v.slice(0, 40)}`);
            }
          }
          for (const [name, want] of Object.entries(c.upstream ?? {})) {
            assert.equal(q.headers[name] ?? null, want, `upstream ${name}`);
          }
        }

        if (proofs.length > 0) {
          const spent = c.spent ?? proofs.map((_, k) => c.expect === "paid" && k === 0);
          for (let k = 0; k < proofs.length; k++) {
            const states = await wallet.wallet.checkProofsStates(proofs[k]);
            const isSpent = states.every((s) => s.state === "SPENT");
            const unspent = states.every((s) => s.state === "UNSPENT");
            if (spent[k]) assert.ok(isSpent, `token ${k} should be spent: ${states.map((s) => s.state)}`);
            else assert.ok(unspent, `token ${k} must not be spent: ${states.map((s) => s.state)}`);
          }
        }
      });
    });
  });
}

/** Decodes a token's proofs (for tests that need them). */
export function proofsOf(token: string): Proof[] {
  return getDecodedToken(token, []).proofs;
}
