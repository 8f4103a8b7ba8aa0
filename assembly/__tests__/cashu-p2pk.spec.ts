import {
  buildP2pkSecret, checkExclusiveLock, countValidSigners, ExclusiveLockPolicy, LocktimeState, p2pkMessageHash, parseP2pkSecret,
  parseP2pkWitness, parseWellKnownSecret, SigFlag,
} from "../core/cashu/p2pk";
import { P2pkError } from "../core/cashu/errors";
import { hexToBytes } from "../core/cashu/keyset-id";

const K = "02" + "11".repeat(32);
const K_ODD = "03" + "11".repeat(32);
const K2 = "02" + "22".repeat(32);
const K3 = "03" + "33".repeat(32);

function secret(tags: string): string {
  return "[\"P2PK\",{\"nonce\":\"n1\",\"data\":\"" + K + "\",\"tags\":" + tags + "}]";
}
function perr(s: string): P2pkError { return parseP2pkSecret(s).error; }
function policy(minLocktime: u64 = 1800000000): ExclusiveLockPolicy {
  const p = new ExclusiveLockPolicy();
  p.pubkey = hexToBytes(K, 33)!;
  p.minLocktime = minLocktime;
  return p;
}

describe("NUT-10 secrets", () => {
  it("builds deterministically, in the wallets' compact form, and parses back", () => {
    const s = buildP2pkSecret("abc", K, [["locktime", "1900000000"], ["sigflag", "SIG_INPUTS"]]);
    expect(s).toBe("[\"P2PK\",{\"nonce\":\"abc\",\"data\":\"" + K + "\",\"tags\":[[\"locktime\",\"1900000000\"],[\"sigflag\",\"SIG_INPUTS\"]]}]");
    expect(buildP2pkSecret("abc", K)).toBe("[\"P2PK\",{\"nonce\":\"abc\",\"data\":\"" + K + "\"}]");
    const r = parseP2pkSecret(s);
    expect<i32>(r.error).toBe(P2pkError.None);
    expect<u64>(r.secret!.locktime).toBe(1900000000);
    expect<i32>(r.secret!.sigflag).toBe(SigFlag.SigInputs);
  });

  it("tells plain secrets and other kinds apart", () => {
    expect<i32>(perr("407915bc212be61a77e3e6d2aeb4c727980bda51cd06a6afc29e2861768a7837")).toBe(P2pkError.NotWellKnown);
    expect<i32>(perr("[\"P2PK\"]")).toBe(P2pkError.NotWellKnown);
    expect<i32>(perr("[1,{}]")).toBe(P2pkError.NotWellKnown);
    expect<i32>(perr("[\"P2PK\",{\"nonce\":\"n\",\"data\":\"" + K + "\"}")).toBe(P2pkError.NotWellKnown);
    expect<i32>(perr("[\"HTLC\",{\"nonce\":\"n\",\"data\":\"ab\"}]")).toBe(P2pkError.NotP2pk);
    expect<i32>(perr("[\"P2PK\",{\"data\":\"" + K + "\"}]")).toBe(P2pkError.BadNonce);
    expect<i32>(perr("[\"P2PK\",{\"nonce\":\"n\",\"data\":\"04" + "11".repeat(32) + "\"}]")).toBe(P2pkError.BadPublicKey);
    expect<i32>(parseWellKnownSecret("[\"X\",{\"nonce\":\"n\",\"data\":\"d\"}]").error).toBe(P2pkError.None);
  });

  it("enforces the NUT-10 tag format", () => {
    expect<i32>(perr(secret("[[]]"))).toBe(P2pkError.BadTag);
    expect<i32>(perr(secret("[[\"locktime\",1765300829]]"))).toBe(P2pkError.BadTag);
    expect<i32>(perr(secret("[[\"locktime\",\"\"]]"))).toBe(P2pkError.BadTag);
    expect<i32>(perr(secret("{}"))).toBe(P2pkError.BadTag);
    expect<i32>(perr(secret("[[\"pubkeys\"]]"))).toBe(P2pkError.None);
  });

  it("enforces the NUT-11 tag rules", () => {
    expect<i32>(perr(secret("[[\"sigflag\",\"SIG_ALL\"],[\"sigflag\",\"SIG_ALL\"]]"))).toBe(P2pkError.DuplicateTag);
    expect<i32>(perr(secret("[[\"locktime\",\"1\"],[\"locktime\",\"2\"]]"))).toBe(P2pkError.DuplicateTag);
    expect<i32>(perr(secret("[[\"sigflag\",\"SIG_SOME\"]]"))).toBe(P2pkError.BadSigflag);
    expect<i32>(perr(secret("[[\"n_sigs\",\"0\"]]"))).toBe(P2pkError.BadNSigs);
    expect<i32>(perr(secret("[[\"n_sigs\",\"2\"]]"))).toBe(P2pkError.BadNSigs);
    expect<i32>(perr(secret("[[\"n_sigs\",\"2\"],[\"pubkeys\",\"" + K2 + "\"]]"))).toBe(P2pkError.None);
    expect<i32>(perr(secret("[[\"n_sigs\",\"02\"],[\"pubkeys\",\"" + K2 + "\"]]"))).toBe(P2pkError.BadNSigs);
    expect<i32>(perr(secret("[[\"n_sigs_refund\",\"1\"]]"))).toBe(P2pkError.BadNSigs);
    expect<i32>(perr(secret("[[\"n_sigs_refund\",\"2\"],[\"refund\",\"" + K2 + "\"]]"))).toBe(P2pkError.BadNSigs);
    expect<i32>(perr(secret("[[\"pubkeys\",\"zz\"]]"))).toBe(P2pkError.BadPublicKey);
  });

  it("rejects a key twice in one pathway, compared by x-coordinate and case-insensitively", () => {
    expect<i32>(perr(secret("[[\"pubkeys\",\"" + K_ODD + "\"]]"))).toBe(P2pkError.DuplicateKey);
    expect<i32>(perr(secret("[[\"pubkeys\",\"" + K.toUpperCase() + "\"]]"))).toBe(P2pkError.DuplicateKey);
    expect<i32>(perr(secret("[[\"refund\",\"" + K2 + "\",\"" + K2 + "\"]]"))).toBe(P2pkError.DuplicateKey);
    // the same key may appear in both pathways
    expect<i32>(perr(secret("[[\"refund\",\"" + K_ODD + "\"]]"))).toBe(P2pkError.None);
  });

  it("records invalid locktimes (a permanent lock per NUT-11) rather than guessing", () => {
    const r = parseP2pkSecret(secret("[[\"locktime\",\"soon\"]]"));
    expect<i32>(r.error).toBe(P2pkError.None);
    expect<i32>(r.secret!.locktimeState).toBe(LocktimeState.Invalid);
    expect<i32>(parseP2pkSecret(secret("[[\"locktime\",\"-5\"]]")).secret!.locktimeState).toBe(LocktimeState.Invalid);
    expect<i32>(parseP2pkSecret(secret("[[\"locktime\",\"0\"]]")).secret!.locktimeState).toBe(LocktimeState.Valid);
    expect<i32>(parseP2pkSecret(secret("[]")).secret!.locktimeState).toBe(LocktimeState.Absent);
  });

  it("bounds size and tag counts", () => {
    expect<i32>(perr("[\"P2PK\",{\"nonce\":\"" + "n".repeat(5000) + "\",\"data\":\"" + K + "\"}]")).toBe(P2pkError.SecretTooLong);
    let many = "[";
    for (let i = 0; i < 40; i++) many += (i > 0 ? "," : "") + "[\"x" + i.toString() + "\",\"v\"]";
    expect<i32>(perr(secret(many + "]"))).toBe(P2pkError.TooManyTags);
  });
});

describe("exclusive lock (the gate's locked mode)", () => {
  it("accepts exactly our key with a late enough locktime, or none", () => {
    expect<i32>(checkExclusiveLock(secret("[[\"locktime\",\"1900000000\"]]"), policy())).toBe(P2pkError.None);
    expect<i32>(checkExclusiveLock(secret("[]"), policy())).toBe(P2pkError.None);
    expect<i32>(checkExclusiveLock(buildP2pkSecret("n", K), policy())).toBe(P2pkError.None);
    expect<i32>(checkExclusiveLock(buildP2pkSecret("n", K_ODD), policy())).toBe(P2pkError.None); // same x-only key
    expect<i32>(checkExclusiveLock(secret("[[\"sigflag\",\"SIG_INPUTS\"],[\"n_sigs\",\"1\"],[\"pubkeys\"]]"), policy())).toBe(P2pkError.None);
  });

  it("refuses every way back to the payer or to someone else", () => {
    expect<i32>(checkExclusiveLock(buildP2pkSecret("n", K2), policy())).toBe(P2pkError.WrongKey);
    expect<i32>(checkExclusiveLock(secret("[[\"pubkeys\",\"" + K2 + "\"]]"), policy())).toBe(P2pkError.ExtraKeys);
    expect<i32>(checkExclusiveLock(secret("[[\"locktime\",\"1900000000\"],[\"refund\",\"" + K3 + "\"]]"), policy())).toBe(P2pkError.RefundPath);
    expect<i32>(checkExclusiveLock(secret("[[\"refund\"]]"), policy())).toBe(P2pkError.RefundPath);
    expect<i32>(checkExclusiveLock(secret("[[\"locktime\",\"1700000000\"]]"), policy())).toBe(P2pkError.LocktimeTooSoon);
    expect<i32>(checkExclusiveLock(secret("[[\"locktime\",\"later\"]]"), policy())).toBe(P2pkError.BadLocktime);
    expect<i32>(checkExclusiveLock(secret("[[\"sigflag\",\"SIG_ALL\"]]"), policy())).toBe(P2pkError.SigAllNotAllowed);
    expect<i32>(checkExclusiveLock(secret("[[\"timeout\",\"5\"]]"), policy())).toBe(P2pkError.UnknownTag);
    expect<i32>(checkExclusiveLock("0123abcd", policy())).toBe(P2pkError.NotWellKnown);
    expect<i32>(checkExclusiveLock("[\"HTLC\",{\"nonce\":\"n\",\"data\":\"ab\"}]", policy())).toBe(P2pkError.NotP2pk);
    const strict = policy();
    strict.allowNoLocktime = false;
    expect<i32>(checkExclusiveLock(secret("[]"), strict)).toBe(P2pkError.LocktimeTooSoon);
    const sigAll = policy();
    sigAll.allowSigAll = true;
    expect<i32>(checkExclusiveLock(secret("[[\"sigflag\",\"SIG_ALL\"]]"), sigAll)).toBe(P2pkError.None);
    const none = new ExclusiveLockPolicy();
    expect<i32>(checkExclusiveLock(secret("[]"), none)).toBe(P2pkError.WrongKey);
  });
});

// A stand-in verifier: "valid" when the signature's first byte equals the key's first x byte.
function fakeVerify(sig: Uint8Array, msg: Uint8Array, xonly: Uint8Array): bool {
  return msg.length == 32 && xonly.length == 32 && sig[0] == xonly[0];
}

describe("witnesses and the signature seam", () => {
  it("parses signatures and refuses malformed witnesses", () => {
    const w = parseP2pkWitness("{\"signatures\":[\"" + "ab".repeat(64) + "\"],\"preimage\":\"00\"}");
    expect<i32>(w.error).toBe(P2pkError.None);
    expect(w.signatures.length).toBe(1);
    expect<i32>(parseP2pkWitness("{\"signatures\":[\"ab\"]}").error).toBe(P2pkError.BadWitness);
    expect<i32>(parseP2pkWitness("{\"sigs\":[]}").error).toBe(P2pkError.BadWitness);
    expect<i32>(parseP2pkWitness("[]").error).toBe(P2pkError.BadWitness);
    expect<i32>(parseP2pkWitness("{").error).toBe(P2pkError.BadWitness);
    let many = "";
    for (let i = 0; i < 17; i++) many += (i > 0 ? "," : "") + "\"" + "ab".repeat(64) + "\"";
    expect<i32>(parseP2pkWitness("{\"signatures\":[" + many + "]}").error).toBe(P2pkError.TooManySignatures);
  });

  it("counts distinct signers, not signatures", () => {
    const msg = p2pkMessageHash("secret");
    const keys = [hexToBytes(K, 33)!, hexToBytes(K2, 33)!, hexToBytes(K3, 33)!];
    const s1 = new Uint8Array(64);
    s1[0] = 0x11;
    const s2 = new Uint8Array(64);
    s2[0] = 0x22;
    expect(countValidSigners(msg, [s1, s1, s1], keys, fakeVerify)).toBe(1);
    expect(countValidSigners(msg, [s1, s2], keys, fakeVerify)).toBe(2);
    expect(countValidSigners(msg, [], keys, fakeVerify)).toBe(0);
  });
});
