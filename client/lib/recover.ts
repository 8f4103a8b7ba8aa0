// `paygress recover TOKEN`: take back a token you paid with. Its proofs, if they are still unspent
// (NUT-07), go back into the wallet; if they were spent (the gate redeemed them), the change the gate
// made for that token is restored from the token alone (token-derived change, NUT-09) and received.
import { ClientWallet, type StoredProof } from "../wallet/wallet.ts";

export interface Recovered { unspent: number; change: number; received: number; fee: number; message: string }

const sum = (ps: ReadonlyArray<{ amount: number }>) => ps.reduce((s, p) => s + p.amount, 0);

export async function recoverToken(w: ClientWallet, token: string): Promise<Recovered> {
  const d = ClientWallet.decode(token, w.knownKeysetIds());
  const secrets = new Set(d.proofs.map((p) => p.secret));
  // A payment of this wallet's own still in the journal: settle it there, not twice.
  const s = w.read();
  const op = s.ops.find((o) => o.kind === "pay" && s.proofs.some((p) => p.op === o.id && secrets.has(p.secret)));
  const states = await w.states(d.mint, d.unit, d.proofs);
  const unspent = d.proofs.filter((_, i) => states[i] === "UNSPENT");
  const spent = d.proofs.filter((_, i) => states[i] === "SPENT");
  if (states.some((x) => x === "PENDING")) {
    return { unspent: 0, change: 0, received: 0, fee: 0, message: "the mint is redeeming this token right now; try again in a minute" };
  }
  let received = 0;
  let fee = 0;
  let change: StoredProof[] = [];
  if (op && spent.length === 0) {
    await w.releasePayment(op.id);
    return { unspent: sum(unspent), change: 0, received: sum(unspent), fee: 0, message: `the token was never redeemed: ${sum(unspent)} ${d.unit} are spendable again` };
  }
  if (spent.length > 0) change = await w.restoreChange(d.mint, d.unit, d.proofs);
  if (op) {
    const own = s.proofs.filter((p) => p.op === op.id);
    const r = await w.settlePayment({ opId: op.id, mint: d.mint, unit: d.unit, proofs: own, value: sum(own), token: "" }, op.origin ?? "", change);
    received += r.amount;
    fee += r.fee;
  } else if (change.length) {
    const r = await w.receiveProofs(d.mint, d.unit, change);
    received += r.amount;
    fee += r.fee;
  }
  if (!op && unspent.length) {
    const r = await w.receiveProofs(d.mint, d.unit, unspent);
    received += r.amount;
    fee += r.fee;
  }
  const parts: string[] = [];
  if (unspent.length && !op) parts.push(`${sum(unspent)} ${d.unit} of the token were unspent and are back in the wallet`);
  if (spent.length) {
    parts.push(change.length
      ? `the token was redeemed; ${sum(change)} ${d.unit} of change the gate made for it were recovered`
      : `the token was redeemed and no unspent change was found for it`);
  }
  if (fee) parts.push(`the mint kept ${fee} ${d.unit} as its fee to receive it`);
  return { unspent: sum(unspent), change: sum(change), received, fee, message: parts.join("; ") || "nothing to recover" };
}
