// A real Cashu wallet for tests (@cashu/cashu-ts) against a real mint: mints proofs through the
// FakeWallet backend (quotes are paid immediately) and builds tokens to pay with.
import { Wallet, getEncodedToken, type Proof } from "@cashu/cashu-ts";

export class TestWallet {
  wallet: Wallet;
  constructor(readonly mintUrl: string, readonly unit = "sat") {
    this.wallet = new Wallet(mintUrl, { unit });
  }

  async load(): Promise<this> {
    await this.wallet.loadMint();
    return this;
  }

  /** Mints `amount` as fresh proofs (FakeWallet pays the quote). */
  async mint(amount: number): Promise<Proof[]> {
    const q = await this.wallet.createMintQuoteBolt11(amount);
    for (let i = 0; i < 50; i++) {
      const c = await this.wallet.checkMintQuoteBolt11(q.quote);
      if (String(c.state) === "PAID") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.wallet.mintProofsBolt11(amount, q.quote);
  }

  /** A cashuB (v4) token for fresh proofs of `amount`. */
  async tokenB(amount: number): Promise<string> {
    return this.encodeB(await this.mint(amount));
  }

  encodeB(proofs: Proof[]): string {
    return getEncodedToken({ mint: this.mintUrl, unit: this.unit, proofs });
  }

  /** A cashuA (v3, JSON) token. cashu-ts 4 only encodes v4, so this follows NUT-00 directly. */
  encodeA(proofs: Proof[]): string {
    const json = {
      token: [{ mint: this.mintUrl, proofs: proofs.map((p) => ({ id: p.id, amount: Number(p.amount), secret: p.secret, C: p.C })) }],
      unit: this.unit,
    };
    return "cashuA" + Buffer.from(JSON.stringify(json)).toString("base64url");
  }
}
