// The Cashu data model shared by the token, fee, amount and P2PK code: Proof, its DLEQ proof,
// proofs grouped by keyset, Token, and the limits every decoder enforces.
//
// Representation choices: amounts are u64 (NUT-01 keysets reach 2^63); keyset ids are lower-case
// hex strings (v1: 16 chars, v2: 66 chars, or a 16-char short v2 id until resolved); `C` and the
// DLEQ scalars are raw bytes, because the crypto layer wants bytes and cashuB carries bytes.

export const EMPTY_BYTES = new Uint8Array(0);

/** NUT-12 DLEQ proof carried in a Proof: e, s and the blinding factor r, 32 bytes each. */
export class Dleq {
  constructor(public e: Uint8Array, public s: Uint8Array, public r: Uint8Array) {}
}

/** NUT-00 Proof. */
export class Proof {
  amount: u64 = 0;
  /** Keyset id, lower-case hex; the same string object as its KeysetProofs.id. */
  id: string = "";
  secret: string = "";
  /** Unblinded signature: a 33-byte SEC1 compressed point (prefix 02/03). */
  C: Uint8Array = EMPTY_BYTES;
  dleq: Dleq | null = null;
  /** NUT-10 witness as the JSON string the wallet sent (e.g. {"signatures":[...]}). */
  witness: string | null = null;
}

/** Proofs that share one keyset id, in token order. */
export class KeysetProofs {
  proofs: Array<Proof> = [];
  constructor(public id: string) {}
}

/**
 * A decoded token. cashuA tokens with several entries are merged when every entry names the same
 * mint and refused with MultipleMints otherwise, so a Token always has exactly one mint.
 */
export class Token {
  /** 3 for cashuA, 4 for cashuB. */
  version: i32 = 4;
  /** Mint URL, normalized (see normalizeMintUrl). */
  mint: string = "";
  /** Unit; "" when a cashuA token names none (wallets then assume "sat"). */
  unit: string = "";
  memo: string | null = null;
  keysets: Array<KeysetProofs> = [];
  /** Sum of all proof amounts (checked for overflow while decoding). */
  amount: u64 = 0;
  proofCount: i32 = 0;

  /** Every proof, in token order. */
  allProofs(): Array<Proof> {
    const out = new Array<Proof>(this.proofCount);
    let k = 0;
    for (let i = 0; i < this.keysets.length; i++) {
      const ps = this.keysets[i].proofs;
      for (let j = 0; j < ps.length; j++) out[k++] = ps[j];
    }
    return out;
  }

  /** The group for keyset `id`, or null. */
  group(id: string): KeysetProofs | null {
    for (let i = 0; i < this.keysets.length; i++) if (this.keysets[i].id == id) return this.keysets[i];
    return null;
  }

  /** The unit, with the cashu-ts/Nutshell default for cashuA tokens that omit it. */
  unitOrSat(): string {
    return this.unit.length == 0 ? "sat" : this.unit;
  }
}

/** Bounds applied while decoding; the defaults suit an HTTP header. */
export class TokenLimits {
  /** Characters of the serialized token (after trimming). */
  maxTokenLength: i32 = 65536;
  maxProofs: i32 = 64;
  maxKeysets: i32 = 16;
  /** UTF-8 bytes of a proof secret (P2PK secrets with several keys run to ~600). */
  maxSecretLength: i32 = 1024;
  /** UTF-8 bytes of a proof witness. */
  maxWitnessLength: i32 = 4096;
  maxMemoLength: i32 = 1024;
  maxMintUrlLength: i32 = 512;
  maxUnitLength: i32 = 32;
  /** Nesting allowed in unknown fields (CBOR) and in the cashuA JSON document. */
  maxDepth: i32 = 12;
}

export const DEFAULT_TOKEN_LIMITS = new TokenLimits();
