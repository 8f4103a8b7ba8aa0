// BIP-39 mnemonics for the client wallet's NUT-13 seed: 12 words from 128 bits of entropy, checked
// on the way in, and the PBKDF2 seed every Cashu wallet (Nutshell, cashu-ts apps) derives from them.
// The English wordlist is the official one (bip39-english.txt, SHA-256 2f5eed53…dbda, checked at
// load); the hashes are @noble/hashes. No extra npm dependency.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";

const WORDLIST_SHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda";
let words: string[] | null = null;

export function wordlist(): string[] {
  if (words) return words;
  const text = readFileSync(fileURLToPath(new URL("./bip39-english.txt", import.meta.url)), "utf8");
  if (Buffer.from(sha256(new TextEncoder().encode(text))).toString("hex") !== WORDLIST_SHA256) {
    throw new Error("client/wallet/bip39-english.txt is not the official BIP-39 English wordlist");
  }
  words = text.trim().split("\n");
  return words;
}

/** A mnemonic for `entropy` (16..32 bytes, a multiple of 4): words of 11 bits, checksum appended. */
export function entropyToMnemonic(entropy: Uint8Array): string {
  if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 !== 0) throw new Error("entropy must be 16..32 bytes, a multiple of 4");
  const cs = entropy.length / 4; // checksum bits
  const hash = sha256(entropy);
  let bits = "";
  for (const b of entropy) bits += b.toString(2).padStart(8, "0");
  bits += [...hash].map((b) => b.toString(2).padStart(8, "0")).join("").slice(0, cs);
  const list = wordlist();
  const out: string[] = [];
  for (let i = 0; i < bits.length; i += 11) out.push(list[parseInt(bits.slice(i, i + 11), 2)]);
  return out.join(" ");
}

export function generateMnemonic(): string {
  return entropyToMnemonic(randomBytes(16));
}

/** Normalizes and checks a mnemonic (known words, length, checksum); throws a readable error. */
export function validateMnemonic(mnemonic: string): string {
  const normalized = mnemonic.normalize("NFKD").trim().toLowerCase().split(/\s+/).join(" ");
  const ws = normalized.split(" ");
  if (![12, 15, 18, 21, 24].includes(ws.length)) throw new Error(`a recovery phrase has 12 to 24 words; this one has ${ws.length}`);
  const list = wordlist();
  let bits = "";
  for (const w of ws) {
    const i = list.indexOf(w);
    if (i < 0) throw new Error(`"${w}" is not a word of the BIP-39 English list`);
    bits += i.toString(2).padStart(11, "0");
  }
  const entBits = (bits.length * 32) / 33;
  const entropy = new Uint8Array(entBits / 8);
  for (let i = 0; i < entropy.length; i++) entropy[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  if (entropyToMnemonic(entropy) !== normalized) throw new Error("the recovery phrase's checksum does not match (a word is wrong or out of order)");
  return normalized;
}

/** The 64-byte BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase). */
export function mnemonicToSeed(mnemonic: string, passphrase = ""): Uint8Array {
  const enc = new TextEncoder();
  return pbkdf2(sha512, enc.encode(mnemonic.normalize("NFKD")), enc.encode(("mnemonic" + passphrase).normalize("NFKD")), { c: 2048, dkLen: 64 });
}
