// A scripted Cashu mint for UNIT tests on the fake proxy-wasm host (test/lib/fakehost.ts): it
// answers the gate's http calls (/v1/keysets, /v1/keys, /v1/swap, /v1/restore) from memory, signs
// with real BDHKE and NUT-12 DLEQ proofs (cashu-ts crypto), keeps a spent set and the signed
// outputs, and can be told to lose an answer after performing a swap — the failures a real mint
// and network rarely produce on cue. End-to-end tests never use it (they run Nutshell).
import { createHash } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { createBlindSignature, createDLEQProof, getEncodedToken, hashToCurve, pointFromHex } from "@cashu/cashu-ts";
import type { FakeHost, HttpCall } from "./fakehost.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (s: string) => createHash("sha256").update(s).digest();

export interface SwapOutput { amount: number; id: string; B_: string }
export interface SwapInput { amount: number; id: string; secret: string; C: string }

/** What the mint does with the next swap (then back to "ok"). */
export type SwapFault =
  | "ok"
  /** Performs the swap, then the answer is lost (the host reports status 0). */
  | "perform-then-drop"
  /** Never reaches the mint: status 0, nothing done. */
  | "drop"
  /** Performs the swap, answers 500. */
  | "perform-then-500"
  /** Performs the swap, answers 200 with a body that is not JSON. */
  | "perform-then-garbage"
  /** Signs, but the change DLEQ proofs are wrong. */
  | "bad-dleq";

export class ScriptedMint {
  readonly url: string;
  readonly amounts = Array.from({ length: 12 }, (_, i) => 2 ** i);
  readonly priv = new Map<number, Uint8Array>();
  readonly pub = new Map<number, string>();
  readonly id: string;
  feePpk: number;
  /** Y (hex) of spent proofs. */
  spent = new Set<string>();
  /** B_ (hex) -> signature. */
  signed = new Map<string, { amount: number; id: string; C_: string; dleq: { e: string; s: string } }>();
  fault: SwapFault = "ok";
  /** Requests by path, in order. */
  log: string[] = [];
  swaps: Array<{ inputs: SwapInput[]; outputs: SwapOutput[] }> = [];
  /** Answer /v1/swap with this NUT error instead (once). */
  errorOnce: { status: number; code: number; detail: string } | null = null;

  constructor(opts: { url?: string; feePpk?: number; seed?: string } = {}) {
    this.url = opts.url ?? "http://mint.test";
    this.feePpk = opts.feePpk ?? 0;
    for (const a of this.amounts) {
      const k = sha(`${opts.seed ?? "scripted"}/${a}`);
      this.priv.set(a, new Uint8Array(k));
      this.pub.set(a, hex(secp256k1.getPublicKey(k, true)));
    }
    const all = Buffer.concat(this.amounts.map((a) => Buffer.from(this.pub.get(a)!, "hex")));
    this.id = "00" + createHash("sha256").update(all).digest("hex").slice(0, 14);
  }

  keysetsBody(): string {
    return JSON.stringify({ keysets: [{ id: this.id, unit: "sat", active: true, input_fee_ppk: this.feePpk }] });
  }

  keysBody(): string {
    return JSON.stringify({ keysets: [{ id: this.id, unit: "sat", active: true, input_fee_ppk: this.feePpk, keys: Object.fromEntries(this.amounts.map((a) => [String(a), this.pub.get(a)])) }] });
  }

  /** A token of fresh proofs (valid for this mint only in that it checks secrets, not signatures). */
  token(amounts: number[], tag = Math.random().toString(36)): string {
    const proofs = amounts.map((amount, i) => ({ id: this.id, amount, secret: sha(`${tag}/${i}`).toString("hex"), C: this.pub.get(1)! }));
    return getEncodedToken({ mint: this.url, unit: "sat", proofs: proofs as never });
  }

  fee(n: number): number {
    return Math.ceil((n * this.feePpk) / 1000);
  }

  private sign(o: SwapOutput, badDleq = false) {
    const k = this.priv.get(o.amount)!;
    const B_ = pointFromHex(o.B_);
    const sig = createBlindSignature(B_, k, o.id);
    const d = createDLEQProof(B_, k);
    const e = badDleq ? new Uint8Array(32).fill(7) : d.e;
    return { amount: o.amount, id: o.id, C_: sig.C_.toHex(true), dleq: { e: hex(e), s: hex(d.s) } };
  }

  /** Performs a swap on the request body; returns the HTTP answer. */
  swap(body: string, badDleq = false): { status: number; body: string } {
    const req = JSON.parse(body) as { inputs: SwapInput[]; outputs: SwapOutput[] };
    this.swaps.push(req);
    if (this.errorOnce) {
      const e = this.errorOnce;
      this.errorOnce = null;
      return { status: e.status, body: JSON.stringify({ detail: e.detail, code: e.code }) };
    }
    const inSum = req.inputs.reduce((s, p) => s + p.amount, 0);
    const outSum = req.outputs.reduce((s, p) => s + p.amount, 0);
    if (inSum - this.fee(req.inputs.length) !== outSum) {
      return { status: 400, body: JSON.stringify({ detail: "inputs - fee != outputs", code: 11005 }) };
    }
    if (req.outputs.some((o) => this.signed.has(o.B_))) return { status: 400, body: JSON.stringify({ detail: "outputs have already been signed before.", code: 11003 }) };
    const ys = req.inputs.map((p) => hashToCurve(new TextEncoder().encode(p.secret)).toHex(true));
    if (ys.some((y) => this.spent.has(y))) return { status: 400, body: JSON.stringify({ detail: "Token already spent.", code: 11001 }) };
    for (const y of ys) this.spent.add(y);
    const signatures = req.outputs.map((o) => {
      const s = this.sign(o, badDleq);
      this.signed.set(o.B_, s);
      return s;
    });
    return { status: 200, body: JSON.stringify({ signatures }) };
  }

  restore(body: string): { status: number; body: string } {
    const req = JSON.parse(body) as { outputs: SwapOutput[] };
    const outputs: SwapOutput[] = [];
    const signatures: unknown[] = [];
    for (const o of req.outputs) {
      const s = this.signed.get(o.B_);
      if (s) { outputs.push(o); signatures.push(s); }
    }
    return { status: 200, body: JSON.stringify({ outputs, signatures }) };
  }

  /** Answers one pending call of the host as this mint would (applying the current fault). */
  answer(h: FakeHost, call: HttpCall): void {
    const path = call.headers.find(([k]) => k === ":path")![1];
    this.log.push(path);
    if (path === "/v1/keysets") return h.respond(call, 200, this.keysetsBody());
    if (path.startsWith("/v1/keys/")) return h.respond(call, 200, this.keysBody());
    if (path === "/v1/restore") { const r = this.restore(call.body); return h.respond(call, r.status, r.body); }
    if (path === "/v1/swap") {
      const fault = this.fault;
      this.fault = "ok";
      if (fault === "drop") return h.respond(call, 0, "");
      const r = this.swap(call.body, fault === "bad-dleq");
      if (fault === "perform-then-drop") return h.respond(call, 0, "");
      if (fault === "perform-then-500") return h.respond(call, 500, "internal error");
      if (fault === "perform-then-garbage") return h.respond(call, 200, "<html>gateway</html>");
      return h.respond(call, r.status, r.body);
    }
    h.respond(call, 404, "{}");
  }

  /** Answers the host's calls until `done()` or nothing is left; returns how many it answered. */
  serve(h: FakeHost, from: number, done: () => boolean, max = 50): number {
    let i = from;
    while (!done() && i < h.calls.length && i - from < max) this.answer(h, h.calls[i++]);
    return i;
  }
}
