// Every named error of the Cashu protocol layer, with the reason shown to the operator (logs) or
// to the paying wallet (400 bodies). Reasons never include the token, a secret or a key: callers
// may add a `detail` (field name, proof index, inner decoder error) that is equally safe to show.
// docs/protocol.md lists the same codes.

/** Token parsing and encoding (token.ts, token-v3.ts, token-v4.ts). */
export const enum TokenError {
  None = 0,
  Empty,
  TooLong,
  BadPrefix,
  UnsupportedVersion,
  BadBase64,
  BadUtf8,
  BadJson,
  BadCbor,
  WrongType,
  MissingField,
  NoProofs,
  TooManyProofs,
  TooManyKeysets,
  ZeroAmount,
  AmountOverflow,
  DuplicateProof,
  BadKeysetId,
  UnsupportedKeysetVersion,
  BadSignaturePoint,
  BadDleq,
  EmptySecret,
  SecretTooLong,
  WitnessTooLong,
  MemoTooLong,
  BadMintUrl,
  BadUnit,
  MultipleMints,
  UnknownKeyset,
  AmbiguousKeyset,
}

export function tokenErrorReason(e: TokenError): string {
  switch (e) {
    case TokenError.None: return "no error";
    case TokenError.Empty: return "no Cashu token was sent";
    case TokenError.TooLong: return "the Cashu token is longer than this server accepts";
    case TokenError.BadPrefix: return "not a Cashu token: it must start with cashuA or cashuB";
    case TokenError.UnsupportedVersion: return "unsupported Cashu token version: send a cashuB (V4) or cashuA (V3) token";
    case TokenError.BadBase64: return "the Cashu token is not valid base64url (truncated or corrupted?)";
    case TokenError.BadUtf8: return "the Cashu token contains invalid UTF-8";
    case TokenError.BadJson: return "the cashuA token does not contain valid JSON";
    case TokenError.BadCbor: return "the cashuB token does not contain valid CBOR";
    case TokenError.WrongType: return "a field of the Cashu token has the wrong type";
    case TokenError.MissingField: return "a required field of the Cashu token is missing";
    case TokenError.NoProofs: return "the Cashu token holds no proofs";
    case TokenError.TooManyProofs: return "the Cashu token holds more proofs than this server accepts; swap them into fewer, larger proofs";
    case TokenError.TooManyKeysets: return "the Cashu token spans more keysets than this server accepts";
    case TokenError.ZeroAmount: return "a proof in the Cashu token has amount 0";
    case TokenError.AmountOverflow: return "the amounts in the Cashu token overflow a 64-bit sum";
    case TokenError.DuplicateProof: return "the Cashu token contains the same proof (secret) twice";
    case TokenError.BadKeysetId: return "a keyset id in the Cashu token is malformed";
    case TokenError.UnsupportedKeysetVersion: return "a keyset id in the Cashu token has an unsupported version";
    case TokenError.BadSignaturePoint: return "a proof signature (C) is not a 33-byte compressed point";
    case TokenError.BadDleq: return "a DLEQ proof in the Cashu token is malformed";
    case TokenError.EmptySecret: return "a proof in the Cashu token has an empty secret";
    case TokenError.SecretTooLong: return "a proof secret in the Cashu token is longer than this server accepts";
    case TokenError.WitnessTooLong: return "a proof witness in the Cashu token is longer than this server accepts";
    case TokenError.MemoTooLong: return "the memo of the Cashu token is longer than this server accepts";
    case TokenError.BadMintUrl: return "the mint URL in the Cashu token is not an http(s) URL";
    case TokenError.BadUnit: return "the unit of the Cashu token is empty, too long or malformed";
    case TokenError.MultipleMints: return "the Cashu token holds proofs from more than one mint; send one token per mint";
    case TokenError.UnknownKeyset: return "a short keyset id in the Cashu token matches no keyset of its mint";
    case TokenError.AmbiguousKeyset: return "a short keyset id in the Cashu token matches several keysets of its mint";
  }
  return "unknown token error";
}

/** Payment headers (headers.ts). */
export const enum PaymentHeaderError {
  None = 0,
  NoToken,
  ConflictingTokens,
}

export function paymentHeaderErrorReason(e: PaymentHeaderError): string {
  switch (e) {
    case PaymentHeaderError.None: return "no error";
    case PaymentHeaderError.NoToken: return "no Cashu token in X-Cashu or Authorization: Bearer";
    case PaymentHeaderError.ConflictingTokens: return "X-Cashu and Authorization carry different Cashu tokens; send one";
  }
  return "unknown header error";
}

/** Mint key and keyset responses (keyset.ts). */
export const enum KeysetError {
  None = 0,
  TooLong,
  BadJson,
  WrongType,
  MissingField,
  BadKeysetId,
  UnsupportedKeysetVersion,
  BadAmount,
  BadPublicKey,
  NoKeys,
  TooManyKeys,
  TooManyKeysets,
  KeysetIdMismatch,
  DuplicateKeysetId,
  BadUnit,
  UnknownKeyset,
  AmbiguousKeyset,
}

export function keysetErrorReason(e: KeysetError): string {
  switch (e) {
    case KeysetError.None: return "no error";
    case KeysetError.TooLong: return "mint keyset response too long";
    case KeysetError.BadJson: return "mint keyset response is not valid JSON";
    case KeysetError.WrongType: return "a field of the mint keyset response has the wrong type";
    case KeysetError.MissingField: return "a required field of the mint keyset response is missing";
    case KeysetError.BadKeysetId: return "malformed keyset id";
    case KeysetError.UnsupportedKeysetVersion: return "unsupported keyset id version";
    case KeysetError.BadAmount: return "a keyset amount is not a positive integer in canonical decimal form";
    case KeysetError.BadPublicKey: return "a keyset public key is not a 33-byte compressed point in hex";
    case KeysetError.NoKeys: return "a keyset has no keys";
    case KeysetError.TooManyKeys: return "a keyset has too many keys";
    case KeysetError.TooManyKeysets: return "the mint returned too many keysets";
    case KeysetError.KeysetIdMismatch: return "the keyset id does not match its keys (mint misbehaving or response altered)";
    case KeysetError.DuplicateKeysetId: return "the mint returned the same keyset id twice";
    case KeysetError.BadUnit: return "a keyset unit is empty or malformed";
    case KeysetError.UnknownKeyset: return "no known keyset has this id";
    case KeysetError.AmbiguousKeyset: return "the short keyset id matches several keysets";
  }
  return "unknown keyset error";
}

/** Input fees (fees.ts). */
export const enum FeeError {
  None = 0,
  UnknownKeyset,
  Overflow,
  FeeExceedsAmount,
}

export function feeErrorReason(e: FeeError): string {
  switch (e) {
    case FeeError.None: return "no error";
    case FeeError.UnknownKeyset: return "a proof is from a keyset the mint does not list (fee unknown)";
    case FeeError.Overflow: return "the input fee overflows 64 bits";
    case FeeError.FeeExceedsAmount: return "the mint's input fee for these proofs is larger than their value";
  }
  return "unknown fee error";
}

/** Amount splitting and validation (amounts.ts). */
export const enum AmountError {
  None = 0,
  Zero,
  NotPowerOfTwo,
  NotInKeyset,
  TooManyOutputs,
  Unsplittable,
  Insufficient,
  Overflow,
}

export function amountErrorReason(e: AmountError): string {
  switch (e) {
    case AmountError.None: return "no error";
    case AmountError.Zero: return "amount is zero";
    case AmountError.NotPowerOfTwo: return "amount is not a power of two";
    case AmountError.NotInKeyset: return "the keyset has no key for this amount";
    case AmountError.TooManyOutputs: return "splitting this amount needs more outputs than allowed";
    case AmountError.Unsplittable: return "the keyset's amounts cannot represent this amount";
    case AmountError.Insufficient: return "the payment does not cover the price plus the mint's input fee";
    case AmountError.Overflow: return "amount arithmetic overflows 64 bits";
  }
  return "unknown amount error";
}

/** Payment requests (creq.ts, creq-a.ts, creq-b.ts, nostr.ts). */
export const enum CreqError {
  None = 0,
  Empty,
  TooLong,
  BadPrefix,
  BadBase64,
  BadCbor,
  BadBech32,
  BadTlv,
  BadUtf8,
  WrongType,
  MissingField,
  DuplicateField,
  TooMany,
  StringTooLong,
  UnknownTransport,
  UnknownNut10Kind,
  BadNostrTarget,
  AmountWithoutUnit,
}

export function creqErrorReason(e: CreqError): string {
  switch (e) {
    case CreqError.None: return "no error";
    case CreqError.Empty: return "empty payment request";
    case CreqError.TooLong: return "payment request too long";
    case CreqError.BadPrefix: return "not a payment request: expected creqA or creqb1";
    case CreqError.BadBase64: return "creqA payment request is not valid base64url";
    case CreqError.BadCbor: return "creqA payment request is not valid CBOR";
    case CreqError.BadBech32: return "creqB payment request is not valid bech32m";
    case CreqError.BadTlv: return "creqB payment request has a malformed TLV field";
    case CreqError.BadUtf8: return "payment request text is not valid UTF-8";
    case CreqError.WrongType: return "a payment request field has the wrong type";
    case CreqError.MissingField: return "a required payment request field is missing";
    case CreqError.DuplicateField: return "a payment request field appears twice";
    case CreqError.TooMany: return "a payment request list is longer than allowed";
    case CreqError.StringTooLong: return "a payment request string is longer than allowed";
    case CreqError.UnknownTransport: return "unsupported payment request transport type";
    case CreqError.UnknownNut10Kind: return "unsupported NUT-10 kind in the payment request";
    case CreqError.BadNostrTarget: return "the nostr transport target is not a valid npub/nprofile";
    case CreqError.AmountWithoutUnit: return "a payment request with an amount must name its unit";
  }
  return "unknown payment request error";
}

/** NUT-10/NUT-11 secrets and witnesses (p2pk.ts). */
export const enum P2pkError {
  None = 0,
  NotWellKnown,
  SecretTooLong,
  NotP2pk,
  BadNonce,
  BadPublicKey,
  BadTag,
  DuplicateTag,
  BadSigflag,
  BadNSigs,
  BadLocktime,
  DuplicateKey,
  TooManyTags,
  // exclusive-lock checks
  WrongKey,
  ExtraKeys,
  RefundPath,
  LocktimeTooSoon,
  SigAllNotAllowed,
  UnknownTag,
  // witness
  BadWitness,
  TooManySignatures,
}

export function p2pkErrorReason(e: P2pkError): string {
  switch (e) {
    case P2pkError.None: return "no error";
    case P2pkError.NotWellKnown: return "the proof secret is not a NUT-10 well-known secret";
    case P2pkError.SecretTooLong: return "the proof secret is too long";
    case P2pkError.NotP2pk: return "the proof secret is not of kind P2PK";
    case P2pkError.BadNonce: return "the P2PK secret has no valid nonce";
    case P2pkError.BadPublicKey: return "a public key in the P2PK secret is not a 33-byte compressed point in hex";
    case P2pkError.BadTag: return "a tag of the P2PK secret is malformed (tags are arrays of non-empty strings)";
    case P2pkError.DuplicateTag: return "a P2PK tag appears more than once";
    case P2pkError.BadSigflag: return "the P2PK sigflag is neither SIG_INPUTS nor SIG_ALL";
    case P2pkError.BadNSigs: return "n_sigs/n_sigs_refund is not a positive integer within the number of keys";
    case P2pkError.BadLocktime: return "the P2PK locktime is not a valid unix time";
    case P2pkError.DuplicateKey: return "the same public key appears twice in one P2PK signing path";
    case P2pkError.TooManyTags: return "the P2PK secret has too many tags or keys";
    case P2pkError.WrongKey: return "the proof is not locked to this server's key";
    case P2pkError.ExtraKeys: return "the proof can also be spent by other keys (pubkeys tag)";
    case P2pkError.RefundPath: return "the proof has a refund path (refund keys) the payer could use";
    case P2pkError.LocktimeTooSoon: return "the proof's P2PK locktime expires too soon";
    case P2pkError.SigAllNotAllowed: return "SIG_ALL proofs are not accepted here";
    case P2pkError.UnknownTag: return "the P2PK secret has a tag this server does not accept";
    case P2pkError.BadWitness: return "the P2PK witness is malformed";
    case P2pkError.TooManySignatures: return "the P2PK witness has too many signatures";
  }
  return "unknown P2PK error";
}
