// BIP-32 private key derivation (master key from seed, CKDpriv for hardened and non-hardened
// indices), as NUT-13's legacy (keyset version 00) derivation needs. Pure, no host imports.
// Keys are secret: the non-hardened step's public key comes from the constant-time
// ecmultGenConst, scalar additions are constant time, and only the (negligible-probability)
// "invalid key" outcomes branch.
import { CryptoError } from "./errors";
import { HmacSha512Key } from "./sha512";
import { GE_SIZE, GEJ_SIZE, ecmultGenConst, geEncode, geSetGej } from "./point";
import { scAdd, scGetB32, scIsZero, scSetB32 } from "./scalar";

/** Index bit of hardened children (i' = i + 2^31). */
export const BIP32_HARDENED: u32 = 0x80000000;

/** A BIP-32 extended private key: 32-byte key and 32-byte chain code. */
export class ExtendedKey {
  key: Uint8Array = new Uint8Array(32);
  chainCode: Uint8Array = new Uint8Array(32);
}

const SEED_KEY = String.UTF8.encode("Bitcoin seed");
const I = memory.data(64);
const DATA = memory.data(37);
const IL = memory.data(32);
const K = memory.data(32);
const PJ = memory.data(<i32>GEJ_SIZE);
const PGE = memory.data(<i32>GE_SIZE);

/** Master key: I = HMAC-SHA512("Bitcoin seed", seed). Errors: InvalidDerivedKey (IL = 0 or >= n). */
export function bip32Master(out: ExtendedKey, seed: Uint8Array): CryptoError {
  const mac = new HmacSha512Key(Uint8Array.wrap(SEED_KEY));
  mac.macPtrInto(seed.dataStart, seed.length, I);
  if (scSetB32(IL, I) != 0 || scIsZero(IL)) return CryptoError.InvalidDerivedKey;
  memory.copy(out.key.dataStart, I, 32);
  memory.copy(out.chainCode.dataStart, I + 32, 32);
  return CryptoError.None;
}

/**
 * out = CKDpriv(parent, index) (index >= 2^31 is hardened). out may be parent.
 * Errors: InvalidDerivedKey (IL >= n or the child key is 0; BIP-32 says to skip the index),
 * ScalarOverflow (the parent key is not a valid key).
 */
export function bip32DeriveChild(out: ExtendedKey, parent: ExtendedKey, index: u32): CryptoError {
  if (scSetB32(K, parent.key.dataStart) != 0) return CryptoError.ScalarOverflow;
  if ((index & BIP32_HARDENED) != 0) {
    store<u8>(DATA, 0);
    memory.copy(DATA + 1, parent.key.dataStart, 32);
  } else {
    ecmultGenConst(PJ, K);
    geSetGej(PGE, PJ);
    geEncode(DATA, PGE, true);
  }
  store<u32>(DATA + 33, bswap<u32>(index));
  const mac = new HmacSha512Key(parent.chainCode);
  mac.macPtrInto(DATA, 37, I);
  memory.fill(DATA, 0, 37);
  if (scSetB32(IL, I) != 0) return CryptoError.InvalidDerivedKey;
  scAdd(K, K, IL);
  if (scIsZero(K)) return CryptoError.InvalidDerivedKey;
  scGetB32(out.key.dataStart, K);
  memory.copy(out.chainCode.dataStart, I + 32, 32);
  memory.fill(I, 0, 64);
  return CryptoError.None;
}

/** out = the key at path (indices, hardened ones with BIP32_HARDENED set) below the seed's master. */
export function bip32DerivePath(out: ExtendedKey, seed: Uint8Array, path: StaticArray<u32>): CryptoError {
  let e = bip32Master(out, seed);
  for (let i = 0; i < path.length && e == CryptoError.None; i++) e = bip32DeriveChild(out, out, unchecked(path[i]));
  return e;
}
