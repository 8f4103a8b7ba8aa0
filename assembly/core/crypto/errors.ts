// Named errors of the crypto layer. Crypto functions never trap on bad input: they return one of
// these (CryptoError.None means success). Messages are for operators and clients; none of them
// ever includes the offending bytes, which may be secret.

export enum CryptoError {
  None = 0,
  /** An input has the wrong number of bytes. */
  BadLength = 1,
  /** A SEC1 point encoding starts with a byte other than 02/03 (33 bytes) or 04 (65 bytes). */
  BadPrefix = 2,
  /** A coordinate (or a BIP-340 r / x-only key) is >= the field prime p. */
  XOutOfRange = 3,
  /** No curve point has this x, or (x, y) does not satisfy y^2 = x^3 + 7. */
  NotOnCurve = 4,
  /** The point at infinity: it has no encoding and is never a valid key or signature. */
  Infinity = 5,
  /** A scalar is >= the group order n. */
  ScalarOverflow = 6,
  /** A scalar is zero where a non-zero one is required (blinding factor, private key). */
  ScalarZero = 7,
  /** hash_to_curve tried every counter value without finding a point. */
  NoPointFound = 8,
  /** A NUT-12 DLEQ proof does not verify. */
  DleqInvalid = 9,
  /** A BIP-340 Schnorr signature does not verify. */
  SchnorrInvalid = 10,
  /** A keyset id whose version byte is neither 00 nor 01 (NUT-02 / NUT-13). */
  UnsupportedKeysetVersion = 11,
  /** A derivation counter outside the range the derivation allows (BIP32: < 2^31). */
  CounterOutOfRange = 12,
  /** A derived key is unusable (BIP32: IL >= n or a zero key; NUT-13: r == 0). */
  InvalidDerivedKey = 13,
  /** A mnemonic or passphrase with non-ASCII characters (NFKD normalisation is not implemented). */
  NonAsciiMnemonic = 14,
}

/** Stable name of an error, for logs and HTTP reasons. */
export function cryptoErrorName(e: CryptoError): string {
  switch (e) {
    case CryptoError.None: return "none";
    case CryptoError.BadLength: return "bad_length";
    case CryptoError.BadPrefix: return "bad_point_prefix";
    case CryptoError.XOutOfRange: return "coordinate_out_of_range";
    case CryptoError.NotOnCurve: return "point_not_on_curve";
    case CryptoError.Infinity: return "point_at_infinity";
    case CryptoError.ScalarOverflow: return "scalar_out_of_range";
    case CryptoError.ScalarZero: return "scalar_zero";
    case CryptoError.NoPointFound: return "hash_to_curve_no_point";
    case CryptoError.DleqInvalid: return "dleq_invalid";
    case CryptoError.SchnorrInvalid: return "schnorr_signature_invalid";
    case CryptoError.UnsupportedKeysetVersion: return "unsupported_keyset_version";
    case CryptoError.CounterOutOfRange: return "counter_out_of_range";
    case CryptoError.InvalidDerivedKey: return "invalid_derived_key";
    case CryptoError.NonAsciiMnemonic: return "non_ascii_mnemonic";
    default: return "unknown";
  }
}
