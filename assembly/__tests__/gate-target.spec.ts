import { Target, TargetError, canonicalHost } from "../gate/target";

const t = new Target();

function canon(raw: string): string {
  const b = String.UTF8.encode(raw);
  if (!t.canonicalize(changetype<usize>(b), b.byteLength)) return "ERR" + (<i32>t.error).toString();
  return t.path();
}

function forward(raw: string): string {
  const b = String.UTF8.encode(raw);
  if (!t.canonicalize(changetype<usize>(b), b.byteLength)) return "ERR";
  return t.changed ? t.forward() : raw;
}

function err(raw: string): TargetError {
  const b = String.UTF8.encode(raw);
  t.canonicalize(changetype<usize>(b), b.byteLength);
  return t.error;
}

describe("canonical request target", () => {
  it("leaves canonical paths alone (no rewrite)", () => {
    expect(canon("/api/x")).toBe("/api/x");
    expect(forward("/api/x?q=1&r=%2F")).toBe("/api/x?q=1&r=%2F");
    expect(canon("/")).toBe("/");
    expect(canon("/a-b_c.d~e/f:g@h!$&'()*+,=")).toBe("/a-b_c.d~e/f:g@h!$&'()*+,=");
  });

  it("decodes escapes, resolves dot segments and merges slashes", () => {
    expect(canon("/%61pi/x")).toBe("/api/x");
    expect(canon("//api/x")).toBe("/api/x");
    expect(canon("/./api/x")).toBe("/api/x");
    expect(canon("/healthz/../api/x")).toBe("/api/x");
    expect(canon("/healthz/%2e%2e/api/x")).toBe("/api/x");
    expect(canon("/healthz/.%2E/api/x")).toBe("/api/x");
    expect(canon("/a/b/../../../api")).toBe("/api");
    expect(canon("/api/x/..")).toBe("/api/");
    expect(canon("/api/x/.")).toBe("/api/x/");
    expect(canon("/api///x//")).toBe("/api/x/");
    expect(canon("/..")).toBe("/");
    expect(canon("/.well-known/x")).toBe("/.well-known/x");
    expect(canon("/a/...")).toBe("/a/...");
  });

  it("forwards the canonical path re-encoded, with the query as received", () => {
    expect(forward("/%61pi//x?a=%2e%2e")).toBe("/api/x?a=%2e%2e");
    expect(forward("/caf%c3%a9")).toBe("/caf%C3%A9");
    expect(forward("/caf\u00e9")).toBe("/caf%C3%A9");
    expect(forward("/a%20b")).toBe("/a%20b");
    expect(forward("/a%3fb")).toBe("/a%3Fb");
    expect(forward("/a%7Eb")).toBe("/a~b");
    expect(forward("/100%25")).toBe("/100%25");
  });

  it("refuses what upstreams read differently", () => {
    expect(err("/api%2Fx")).toBe(TargetError.EncodedSlash);
    expect(err("/api%2fx")).toBe(TargetError.EncodedSlash);
    expect(err("/api\\x")).toBe(TargetError.Backslash);
    expect(err("/api%5cx")).toBe(TargetError.Backslash);
    expect(err("/a%00")).toBe(TargetError.ControlCharacter);
    expect(err("/a%0d%0aX")).toBe(TargetError.ControlCharacter);
    expect(err("/a\tb")).toBe(TargetError.ControlCharacter);
    expect(err("/a%zz")).toBe(TargetError.BadEscape);
    expect(err("/a%4")).toBe(TargetError.BadEscape);
    expect(err("/a%u0061")).toBe(TargetError.BadEscape);
    expect(err("/a%252e%252e/x")).toBe(TargetError.DoubleEncoding);
    expect(err("/a%c0%af")).toBe(TargetError.InvalidUtf8);
    expect(err("/a%ff")).toBe(TargetError.InvalidUtf8);
    expect(err("/a%ed%a0%80")).toBe(TargetError.InvalidUtf8);
    expect(err("/healthz/..;/api/x")).toBe(TargetError.DotParameters);
    expect(err("/healthz/%2e%2e%3b/api/x")).toBe(TargetError.DotParameters);
    expect(err("/.;/api")).toBe(TargetError.DotParameters);
    expect(err("/a#frag")).toBe(TargetError.Fragment);
    expect(err("/a?x#frag")).toBe(TargetError.Fragment);
    expect(err("api/x")).toBe(TargetError.NotOriginForm);
    expect(err("*")).toBe(TargetError.NotOriginForm);
  });

  it("reads path parameters both ways", () => {
    canon("/api;v=1/x;y");
    expect(t.semicolon).toBe(true);
    const n = t.stripParameters();
    expect(String.UTF8.decodeUnsafe(t.strippedPtr(), n)).toBe("/api/x");
    canon("/;x/api");
    const m = t.stripParameters();
    expect(String.UTF8.decodeUnsafe(t.strippedPtr(), m)).toBe("/api");
  });

  it("canonicalizes hosts", () => {
    expect(canonicalHost("Shop.Example.COM.:8443")).toBe("shop.example.com");
    expect(canonicalHost("shop.example.com")).toBe("shop.example.com");
    expect(canonicalHost("[::1]:80")).toBe("[::1]");
    expect(canonicalHost("user@host:1")).toBe("host");
  });
});
