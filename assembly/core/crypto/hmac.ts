// HMAC-SHA256 (RFC 2104). HmacSha256Key precomputes the inner and outer chaining states once per
// key, so each MAC afterwards costs two compressions plus the message: the pass check on the hot
// path uses that.
import { Sha256 } from "./sha256";

export class HmacSha256Key {
  private inner: StaticArray<u32> = new StaticArray<u32>(8);
  private outer: StaticArray<u32> = new StaticArray<u32>(8);
  private h: Sha256 = new Sha256();
  private tmp: Uint8Array = new Uint8Array(32);

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) k = new Sha256().update(k).digest();
    const pad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x36;
    this.h.reset().update(pad).getState(this.inner);
    for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x5c;
    this.h.reset().update(pad).getState(this.outer);
  }

  /** MAC of the bytes at [ptr, ptr+len) written into out[0..32). */
  macPtrInto(ptr: usize, len: i32, out: Uint8Array): void {
    const h = this.h;
    h.setState(this.inner, 64);
    h.updatePtr(ptr, len);
    h.digestInto(this.tmp);
    h.setState(this.outer, 64);
    h.update(this.tmp);
    h.digestInto(out);
  }

  mac(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(32);
    this.macPtrInto(data.dataStart, data.length, out);
    return out;
  }

  macString(s: string): Uint8Array {
    const b = String.UTF8.encode(s);
    const out = new Uint8Array(32);
    this.macPtrInto(changetype<usize>(b), b.byteLength, out);
    return out;
  }
}

/** One-shot HMAC-SHA256(key, data). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new HmacSha256Key(key).mac(data);
}
