// NUT-13 deterministic secrets and blinding factors. Pure, no host imports.
//   keyset version 01 (HMAC-SHA256 KDF):
//     m = "Cashu_KDF_HMAC_SHA256" || keyset_id_bytes || counter (u64 big-endian)
//     secret = HMAC-SHA256(seed, m || 00),  r = HMAC-SHA256(seed, m || 01) mod n  (r = 0 rejected)
//   keyset version 00 (legacy BIP-32):
//     secret = key at m/129372'/0'/keyset_id_int'/counter'/0, r = key at .../counter'/1,
//     keyset_id_int = int(keyset_id_bytes, big-endian) mod (2^31 - 1)
// The seed is the 64-byte BIP-39 seed; bip39MnemonicToSeed derives it from the words
// (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" || passphrase). Everything here handles
// secrets and runs in constant time apart from the (negligible-probability) invalid-key exits.
import { CryptoError } from "./errors";
import { HmacSha256Key } from "./hmac";
import { pbkdf2HmacSha512 } from "./sha512";
import { BIP32_HARDENED, ExtendedKey, bip32DeriveChild, bip32DerivePath } from "./bip32";
import { scGetB32, scIsZero, scSetB32 } from "./scalar";

/** BIP-32 purpose of NUT-13 v1 paths (UTF-8 of the peanut emoji read as an integer). */
export const NUT13_PURPOSE: u32 = 129372;

/** The secret and blinding factor derived for one counter value (32 bytes each). */
export class Nut13Output {
  secret: Uint8Array = new Uint8Array(32);
  r: Uint8Array = new Uint8Array(32);
}

/** keyset_id_int of NUT-13 v1: the first 8 bytes of the id, big-endian, mod 2^31 - 1. */
export function nut13KeysetIdInt(keysetId: Uint8Array): u32 {
  let v: u64 = 0;
  const n = min(8, keysetId.length);
  for (let i = 0; i < n; i++) v = (v << 8) | <u64>unchecked(keysetId[i]);
  return <u32>(v % 0x7FFFFFFF);
}

const KDF_PREFIX = String.UTF8.encode("Cashu_KDF_HMAC_SHA256");
const R_SC = memory.data(32);

/** Version-01 derivation (HMAC-SHA256 KDF). Errors: InvalidDerivedKey (r == 0). */
export function nut13DeriveHmac(out: Nut13Output, seed: Uint8Array, keysetId: Uint8Array, counter: u64): CryptoError {
  const p = KDF_PREFIX.byteLength;
  const msg = new Uint8Array(p + keysetId.length + 9);
  memory.copy(msg.dataStart, changetype<usize>(KDF_PREFIX), p);
  memory.copy(msg.dataStart + <usize>p, keysetId.dataStart, keysetId.length);
  store<u64>(msg.dataStart + <usize>(p + keysetId.length), bswap<u64>(counter));
  const last = msg.length - 1;
  const mac = new HmacSha256Key(seed);
  msg[last] = 0;
  mac.macPtrInto(msg.dataStart, msg.length, out.secret);
  msg[last] = 1;
  mac.macPtrInto(msg.dataStart, msg.length, out.r);
  scSetB32(R_SC, out.r.dataStart); // reduces mod n (one subtraction suffices below 2^256)
  if (scIsZero(R_SC)) return CryptoError.InvalidDerivedKey;
  scGetB32(out.r.dataStart, R_SC);
  return CryptoError.None;
}

const CHILD = new ExtendedKey();

/**
 * Version-00 derivation (BIP-32 path m/129372'/0'/keyset_id_int'/counter'/{0,1}).
 * Errors: CounterOutOfRange (counter >= 2^31), InvalidDerivedKey.
 */
export function nut13DeriveBip32(out: Nut13Output, seed: Uint8Array, keysetId: Uint8Array, counter: u64): CryptoError {
  if (counter >= <u64>BIP32_HARDENED) return CryptoError.CounterOutOfRange;
  const path = new StaticArray<u32>(4);
  path[0] = NUT13_PURPOSE | BIP32_HARDENED;
  path[1] = 0 | BIP32_HARDENED;
  path[2] = nut13KeysetIdInt(keysetId) | BIP32_HARDENED;
  path[3] = <u32>counter | BIP32_HARDENED;
  const node = new ExtendedKey();
  let e = bip32DerivePath(node, seed, path);
  if (e != CryptoError.None) return e;
  e = bip32DeriveChild(CHILD, node, 0);
  if (e != CryptoError.None) return e;
  memory.copy(out.secret.dataStart, CHILD.key.dataStart, 32);
  e = bip32DeriveChild(CHILD, node, 1);
  if (e != CryptoError.None) return e;
  memory.copy(out.r.dataStart, CHILD.key.dataStart, 32);
  memory.fill(CHILD.key.dataStart, 0, 32);
  return CryptoError.None;
}

/**
 * NUT-13 derivation, choosing the method from the keyset id's version byte (00: BIP-32,
 * 01: HMAC-SHA256). Errors: BadLength (empty id, or a version-00 id that is not 8 bytes),
 * UnsupportedKeysetVersion, CounterOutOfRange, InvalidDerivedKey.
 */
export function nut13Derive(out: Nut13Output, seed: Uint8Array, keysetId: Uint8Array, counter: u64): CryptoError {
  if (keysetId.length == 0) return CryptoError.BadLength;
  const version = unchecked(keysetId[0]);
  if (version == 0x01) return nut13DeriveHmac(out, seed, keysetId, counter);
  if (version == 0x00) {
    if (keysetId.length != 8) return CryptoError.BadLength;
    return nut13DeriveBip32(out, seed, keysetId, counter);
  }
  return CryptoError.UnsupportedKeysetVersion;
}

/**
 * BIP-39 seed (64 bytes) of a mnemonic sentence and optional passphrase: PBKDF2-HMAC-SHA512
 * with 2048 rounds and salt "mnemonic" || passphrase. Words are not checked against a word
 * list. Returns null (error NonAsciiMnemonic) for non-ASCII input, whose NFKD normalisation is
 * not implemented; English mnemonics are ASCII.
 */
export function bip39MnemonicToSeed(mnemonic: string, passphrase: string = ""): Uint8Array | null {
  for (let i = 0; i < mnemonic.length; i++) if (mnemonic.charCodeAt(i) > 0x7F) return null;
  for (let i = 0; i < passphrase.length; i++) if (passphrase.charCodeAt(i) > 0x7F) return null;
  const password = Uint8Array.wrap(String.UTF8.encode(mnemonic));
  const salt = Uint8Array.wrap(String.UTF8.encode("mnemonic" + passphrase));
  return pbkdf2HmacSha512(password, salt, 2048, 64);
}
