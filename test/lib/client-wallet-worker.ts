// A process that hammers a client wallet file (test/unit/client-wallet-file.test.ts): reserves
// proofs for payments (no network: exact proofs), settles or releases them, adds new proofs, and
// prints what it did as JSON. `crash-in-lock` / `crash-after-reserve` die by SIGKILL at that point.
import { ClientWallet } from "../../client/wallet/wallet.ts";
import { withFileLock } from "../../client/wallet/store.ts";

const [file, mode, id, iterations] = process.argv.slice(2);
const w = ClientWallet.open(file);
const req = (amount: number) => ({ mints: ["http://mint.test"], unit: "sat", amount, origin: "http://gate.test", url: "http://gate.test/x", limits: {}, nowMs: Date.now() });

if (mode === "crash-in-lock") {
  await withFileLock(file, () => { process.kill(process.pid, "SIGKILL"); });
} else if (mode === "crash-after-reserve") {
  await w.reservePayment(req(2));
  process.kill(process.pid, "SIGKILL");
} else {
  const settled: string[] = [];
  const added: string[] = [];
  for (let i = 0; i < Number(iterations); i++) {
    const r = await w.reservePayment(req(1 + (i % 2)));
    if (i % 3 === 0) {
      await w.releasePayment(r.opId);
    } else {
      await w.settlePayment(r, "http://gate.test", []);
      settled.push(...r.proofs.map((p) => p.secret));
    }
    const secret = `${id}-${i}`;
    await w.update((s) => { s.proofs.push({ mint: "http://mint.test", unit: "sat", id: "00aa", amount: 1, secret, C: "02" + "00".repeat(32) }); });
    added.push(secret);
  }
  process.stdout.write(JSON.stringify({ settled, added }));
}
