import { PassConfig, PassKey } from "../gate/config";
import { PassBook, PassError } from "../gate/pass";

function key(id: string, fill: u8): PassKey {
  const k = new PassKey();
  k.id = id;
  k.secret = new Uint8Array(32).fill(fill);
  return k;
}

function book(keys: Array<PassKey>): PassBook {
  const c = new PassConfig();
  c.ttlSeconds = 60;
  c.keys = keys;
  return new PassBook(c);
}

describe("passes", () => {
  it("issues a pass that verifies for its route until it expires", () => {
    const b = book([key("k1", 1)]);
    const p = b.issue("api", 1000);
    expect(p.startsWith("p1.k1.1000.api.")).toBe(true);
    expect(p.length).toBe("p1.k1.1000.api.".length + 43);
    expect(b.verify(p, "api", 999)).toBe(PassError.None);
    expect(b.verify(p, "api", 1000)).toBe(PassError.Expired);
    expect(b.verify(p, "other", 999)).toBe(PassError.WrongScope);
  });

  it("rejects any altered byte", () => {
    const b = book([key("k1", 1)]);
    const p = b.issue("api", 1000);
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      const swapped = c == 0x41 ? 0x42 : 0x41;
      const t = p.substring(0, i) + String.fromCharCode(swapped) + p.substring(i + 1);
      expect(b.verify(t, "api", 999)).not.toBe(PassError.None);
    }
    // Extending the expiry needs a new signature.
    expect(b.verify(p.replace(".1000.", ".9000."), "api", 999)).toBe(PassError.BadSignature);
  });

  it("verifies passes of every configured key but signs with the first (rotation)", () => {
    const old = book([key("k1", 1)]);
    const rotated = book([key("k2", 2), key("k1", 1)]);
    const retired = book([key("k2", 2)]);
    const p = old.issue("api", 1000);
    expect(rotated.verify(p, "api", 1)).toBe(PassError.None);
    expect(rotated.issue("api", 1000).startsWith("p1.k2.")).toBe(true);
    expect(retired.verify(p, "api", 1)).toBe(PassError.UnknownKey);
    // Same id, different secret: a forged pass.
    expect(book([key("k1", 9)]).verify(p, "api", 1)).toBe(PassError.BadSignature);
  });

  it("refuses malformed passes without trapping", () => {
    const b = book([key("k1", 1)]);
    const bad = ["", "p1", "p1.", "p1.k1", "p1.k1.100", "p1.k1.abc.api." + "A".repeat(43), "p2.k1.1.api." + "A".repeat(43),
      "p1.k1.1.api.short", "p1.k1.99999999999999999999.api." + "A".repeat(43), "p1.k1.1.api." + "é".repeat(43), "x".repeat(500)];
    for (let i = 0; i < bad.length; i++) {
      expect(b.verify(bad[i], "api", 0)).not.toBe(PassError.None);
    }
  });
});

describe("pass cache (memoized verification)", () => {
  it("answers a repeated pass exactly like the first time: scope, expiry, tampering", () => {
    const b = book([key("k1", 1)]);
    const p = b.issue("api", 1000);
    expect(b.verify(p, "api", 10)).toBe(PassError.None); // verified with HMAC, cached
    expect(b.verify(p, "api", 10)).toBe(PassError.None); // from the cache
    expect(b.verify(p, "other", 10)).toBe(PassError.WrongScope);
    expect(b.verify(p, "api", 1000)).toBe(PassError.Expired);
    expect(b.verify(p, "api", 999)).toBe(PassError.None);
    for (let i = 0; i < p.length; i++) {
      const t = p.substring(0, i) + (p.charCodeAt(i) == 0x41 ? "B" : "A") + p.substring(i + 1);
      expect(b.verify(t, "api", 10)).not.toBe(PassError.None);
    }
    // A prefix or extension of a cached pass is not a hit.
    expect(b.verify(p.substring(0, p.length - 1), "api", 10)).not.toBe(PassError.None);
    expect(b.verify(p + "A", "api", 10)).not.toBe(PassError.None);
  });

  it("keeps answering correctly when many passes compete for the cache", () => {
    const b = book([key("k1", 1)]);
    const passes = new Array<string>();
    for (let i = 0; i < 2000; i++) passes.push(b.issue("r" + (i % 7).toString(), 5000 + <u64>i));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < passes.length; i++) {
        expect(b.verify(passes[i], "r" + (i % 7).toString(), 4000)).toBe(PassError.None);
        expect(b.verify(passes[i], "r" + ((i + 1) % 7).toString(), 4000)).toBe(PassError.WrongScope);
      }
    }
  });

  it("does not carry verdicts across key sets", () => {
    const signer = book([key("k1", 1)]);
    const p = signer.issue("api", 1000);
    expect(signer.verify(p, "api", 10)).toBe(PassError.None);
    const other = book([key("k1", 2)]);
    expect(other.verify(p, "api", 10)).toBe(PassError.BadSignature);
  });
});
