// The mint's HTTP API as the gate uses it: request bodies it sends and the responses it accepts
// (NUT-01 keys, NUT-02 keysets, NUT-03 swap, NUT-09 restore) plus the NUT error format. Parsing is
// strict: anything unexpected makes the call count as a mint failure (fail closed), never a grant.
import { JsonParser, U64Result } from "../core/json";
import { isHex } from "../core/encoding/hex";

/** An HTTP call the host must make to a mint on the gate's behalf. */
export class MintCall {
  mintIndex: i32 = 0;
  method: string = "GET";
  /** Path including the mint's base path, e.g. "/v1/swap". */
  path: string = "";
  body: string = "";
  timeoutMs: u32 = 5000;
  /** What the call is for (metrics label and audit): keysets, keys, swap, restore. */
  purpose: string = "";
}

/** A blind signature returned by the mint. */
export class BlindSignature {
  amount: u64 = 0;
  keysetId: string = "";
  /** Compressed C_ (hex). */
  C_: string = "";
  /** NUT-12 DLEQ proof (hex e, s), when the mint sent one. */
  dleqE: string = "";
  dleqS: string = "";
}

/** The NUT error body `{"detail": "...", "code": 11001}`; code 0 when absent. */
export class MintError {
  code: u32 = 0;
  detail: string = "";
}

/** Parses `{"signatures": [...]}` (swap) or `{"outputs": [...], "signatures": [...]}` (restore). */
export function parseSignatures(body: string, key: string = "signatures"): Array<BlindSignature> | null {
  const p = new JsonParser();
  p.maxLength = 1 << 20;
  const root = p.parse(body);
  if (root == null) return null;
  const obj = root.asObject();
  if (obj == null) return null;
  const arr = obj.getArray(key);
  if (arr == null) return null;
  const out = new Array<BlindSignature>();
  const n = new U64Result();
  for (let i = 0; i < arr.length; i++) {
    const s = arr.at(i).asObject();
    if (s == null) return null;
    const amount = s.getNumber("amount");
    const id = s.getString("id");
    const c = s.getString("C_");
    if (amount == null || !amount.asU64(n) || id == null || c == null || !isHex(c, 33)) return null;
    const sig = new BlindSignature();
    sig.amount = n.value;
    sig.keysetId = id;
    sig.C_ = c.toLowerCase();
    const dleq = s.get("dleq");
    if (dleq != null) {
      const d = dleq.asObject();
      if (d == null) return null;
      const e = d.getString("e");
      const ss = d.getString("s");
      if (e == null || ss == null || !isHex(e, 32) || !isHex(ss, 32)) return null;
      sig.dleqE = e.toLowerCase();
      sig.dleqS = ss.toLowerCase();
    }
    out.push(sig);
  }
  return out;
}

/** A restore answer: the outputs the mint knows (B_ hex) and their signatures, in the same order. */
export class RestoreResult {
  blinded: Array<string> = [];
  signatures: Array<BlindSignature> = [];
}

/** Parses a NUT-09 restore answer, or null when malformed or `outputs`/`signatures` disagree. */
export function parseRestore(body: string): RestoreResult | null {
  const outputs = parseRestoreOutputs(body);
  if (outputs == null) return null;
  const sigs = parseSignatures(body);
  if (sigs == null || sigs.length != outputs.length) return null;
  const r = new RestoreResult();
  r.blinded = outputs;
  r.signatures = sigs;
  return r;
}

/** The B_ values of a restore response's `outputs`, or null when malformed. */
export function parseRestoreOutputs(body: string): Array<string> | null {
  const p = new JsonParser();
  p.maxLength = 1 << 20;
  const root = p.parse(body);
  if (root == null) return null;
  const obj = root.asObject();
  if (obj == null) return null;
  const arr = obj.getArray("outputs");
  if (arr == null) return null;
  const out = new Array<string>();
  for (let i = 0; i < arr.length; i++) {
    const o = arr.at(i).asObject();
    if (o == null) return null;
    const b = o.getString("B_");
    if (b == null || !isHex(b, 33)) return null;
    out.push(b.toLowerCase());
  }
  return out;
}

/** The NUT error in a 4xx body, or null when the body is not one. */
export function parseMintError(body: string): MintError | null {
  const p = new JsonParser();
  p.maxLength = 64 * 1024;
  const root = p.parse(body);
  if (root == null) return null;
  const obj = root.asObject();
  if (obj == null) return null;
  const e = new MintError();
  const detail = obj.get("detail");
  if (detail != null) {
    const d = detail.asString();
    if (d != null) e.detail = d.length > 200 ? d.substring(0, 200) : d;
  }
  const code = obj.getNumber("code");
  if (code != null) {
    const n = new U64Result();
    if (code.asU64(n) && n.value < 1000000) e.code = <u32>n.value;
  }
  if (detail == null && code == null) return null;
  return e;
}

// NUT error codes the gate acts on (error_codes.md).
export const ERR_PROOFS_SPENT: u32 = 11001;
export const ERR_PROOFS_PENDING: u32 = 11002;
export const ERR_OUTPUTS_SIGNED: u32 = 11003;
export const ERR_OUTPUTS_PENDING: u32 = 11004;
export const ERR_NOT_BALANCED: u32 = 11005;

