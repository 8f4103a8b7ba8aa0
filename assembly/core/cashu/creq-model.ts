// The NUT-18 payment request model shared by the creqA (CBOR) and creqB (NUT-26 TLV) codecs, with
// the NUT-24 fields the gate uses (a, u, m, nut10) and the rest (i, s, d, t) for completeness.

import { CreqError, creqErrorReason } from "./errors";

/** NUT-18 Transport: type "nostr" or "post" (creqB can carry only these), target, tags. */
export class Transport {
  type: string = "";
  target: string = "";
  tags: Array<Array<string>> = [];
}

/** NUT-18 NUT10Option: the locking condition the payee requires ({k, d, t}). */
export class Nut10Option {
  /** "P2PK" or "HTLC" (creqB can carry only these). */
  kind: string = "";
  /** For P2PK: the public key (hex) the proofs must be locked to. */
  data: string = "";
  tags: Array<Array<string>> = [];
}

export class PaymentRequest {
  /** `i`: payment id. */
  id: string | null = null;
  /** `a`: amount (valid when hasAmount). */
  amount: u64 = 0;
  hasAmount: bool = false;
  /** `u`: unit. */
  unit: string | null = null;
  /** `s`: single use (valid when hasSingleUse; creqB vectors distinguish false from absent). */
  singleUse: bool = false;
  hasSingleUse: bool = false;
  /** `m`: accepted mints (empty: absent). */
  mints: Array<string> = [];
  /** `d`: description. */
  description: string | null = null;
  /** `t`: transports (empty: in-band, as NUT-24 uses). */
  transports: Array<Transport> = [];
  /** `nut10`: required locking condition. */
  nut10: Nut10Option | null = null;
}

export class CreqLimits {
  /** Characters of the encoded request. */
  maxLength: i32 = 8192;
  maxMints: i32 = 16;
  maxTransports: i32 = 8;
  maxTags: i32 = 32;
  /** Strings per tag, key included. */
  maxTagStrings: i32 = 16;
  /** UTF-8 bytes of any string field. */
  maxStringLength: i32 = 2048;
  /** Nesting allowed in unknown CBOR fields. */
  maxDepth: i32 = 8;
}

export const DEFAULT_CREQ_LIMITS = new CreqLimits();

export class CreqResult {
  error: CreqError = CreqError.None;
  detail: string = "";
  request: PaymentRequest | null = null;

  get ok(): bool { return this.error == CreqError.None; }

  reason(): string {
    const r = creqErrorReason(this.error);
    return this.detail.length == 0 ? r : r + " (" + this.detail + ")";
  }

  /** Records the first error; returns false. */
  fail(e: CreqError, detail: string = ""): bool {
    if (this.error == CreqError.None) {
      this.error = e;
      this.detail = detail;
    }
    this.request = null;
    return false;
  }
}

export class CreqEncodeResult {
  error: CreqError = CreqError.None;
  detail: string = "";
  value: string = "";

  get ok(): bool { return this.error == CreqError.None; }

  reason(): string {
    const r = creqErrorReason(this.error);
    return this.detail.length == 0 ? r : r + " (" + this.detail + ")";
  }

  fail(e: CreqError, detail: string = ""): CreqEncodeResult {
    this.error = e;
    this.detail = detail;
    this.value = "";
    return this;
  }
}
