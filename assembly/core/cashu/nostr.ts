// NIP-19 `npub` / `nprofile` (bech32, not bech32m), just enough for NUT-26: a creqB nostr transport
// stores the raw 32-byte public key and the relays as "r" tag tuples, while the NUT-18 JSON form
// (and creqA) carries an nprofile string. Decoding a creqB always yields an nprofile, as cashu-ts
// does and the NUT-26 vectors expect.

import { Bech32Error, Bech32Variant, bech32Decode, bech32Encode } from "../encoding/bech32m";
import { utf8DecodeStrict, utf8Encode } from "../encoding/cbor";

/** NIP-19 strings in payment requests are capped like cashu-ts caps them. */
const NOSTR_LIMIT: i32 = 1024;

export class NostrTarget {
  pubkey: Uint8Array = new Uint8Array(0);
  relays: Array<string> = [];
}

/** The public key and relays of an npub or nprofile, or null when it is neither. */
export function decodeNostrTarget(s: string): NostrTarget | null {
  const d = bech32Decode(s, Bech32Variant.Bech32, NOSTR_LIMIT);
  if (d.error != Bech32Error.None) return null;
  const out = new NostrTarget();
  if (d.hrp == "npub") {
    if (d.data.length != 32) return null;
    out.pubkey = d.data;
    return out;
  }
  if (d.hrp != "nprofile") return null;
  // TLV with 1-byte type and length: 0 = public key (32 bytes), 1 = relay URL; others ignored.
  const b = d.data;
  let i = 0;
  let havePk = false;
  while (i < b.length) {
    if (i + 2 > b.length) return null;
    const t = b[i];
    const l = <i32>b[i + 1];
    i += 2;
    if (i + l > b.length) return null;
    if (t == 0) {
      if (l != 32 || havePk) return null;
      out.pubkey = b.slice(i, i + 32);
      havePk = true;
    } else if (t == 1) {
      const relay = utf8DecodeStrict(b.subarray(i, i + l));
      if (relay == null) return null;
      out.relays.push(relay);
    }
    i += l;
  }
  return havePk ? out : null;
}

/** nprofile of a 32-byte key and relays, or null (bad key, relay over 255 bytes, too long). */
export function encodeNprofile(pubkey: Uint8Array, relays: Array<string>): string | null {
  if (pubkey.length != 32) return null;
  let n = 34;
  const encoded = new Array<Uint8Array>(relays.length);
  for (let i = 0; i < relays.length; i++) {
    const r = utf8Encode(relays[i]);
    if (r.length > 255) return null;
    encoded[i] = r;
    n += 2 + r.length;
  }
  const b = new Uint8Array(n);
  b[0] = 0;
  b[1] = 32;
  b.set(pubkey, 2);
  let o = 34;
  for (let i = 0; i < encoded.length; i++) {
    b[o] = 1;
    b[o + 1] = <u8>encoded[i].length;
    b.set(encoded[i], o + 2);
    o += 2 + encoded[i].length;
  }
  const e = bech32Encode("nprofile", b, Bech32Variant.Bech32, false, NOSTR_LIMIT);
  return e.error == Bech32Error.None ? e.value : null;
}
