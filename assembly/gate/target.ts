// The canonical request target: the path the gate prices and the upstream receives (DESIGN.md
// money rule 5). Upstreams decode and resolve paths before they look them up (NGINX's $uri, Go's
// r.URL.Path, static file servers, most frameworks), so matching the raw bytes would let
// `/%61pi/x`, `//api/x`, `/healthz/../api/x` reach a paid resource through a free rule. Before any
// route is matched the :path is therefore:
//   1. percent-decoded (every %XX), refusing what stays ambiguous between upstreams: an encoded
//      `/` (%2F) or `\` (raw or %5C), NUL and other control characters (raw or escaped), a
//      malformed escape, a double encoding (%25 followed by two hex digits), invalid UTF-8, a
//      fragment (`#`);
//   2. dot segments resolved and repeated slashes merged (RFC 3986 5.2.4; a trailing slash is
//      kept); servlet-style dot segments with parameters (`..;`, `.;`), which Tomcat and Jetty
//      resolve, are refused;
//   3. re-encoded for the upstream: bytes outside RFC 3986's pchar (unreserved, sub-delims, ':',
//      '@') and '/' become %XX (upper-case), so the upstream decodes exactly the path matched.
// The query string is kept byte for byte. When the re-encoded path differs from what arrived, the
// host rewrites :path before forwarding, so what was priced is what is served.
//
// Cost: a path made only of pchar bytes with no "//" and no "/." is canonical already; checking
// that is one scan and allocates nothing (the hot path). Anything else is decoded into module
// buffers that grow once and are reused.

export const enum TargetError {
  None = 0,
  NotOriginForm,
  Fragment,
  BadEscape,
  EncodedSlash,
  Backslash,
  ControlCharacter,
  DoubleEncoding,
  InvalidUtf8,
  DotParameters,
  TooLong,
}

export function targetErrorReason(e: TargetError): string {
  switch (e) {
    case TargetError.NotOriginForm: return "the request target must be a path starting with /";
    case TargetError.Fragment: return "the request target must not contain a fragment (#)";
    case TargetError.BadEscape: return "the path has a malformed percent-escape";
    case TargetError.EncodedSlash: return "the path has an encoded slash (%2F), which upstreams read differently";
    case TargetError.Backslash: return "the path has a backslash (raw or %5C), which upstreams read differently";
    case TargetError.ControlCharacter: return "the path has a control character (raw or escaped)";
    case TargetError.DoubleEncoding: return "the path is percent-encoded twice (%25 followed by hex digits)";
    case TargetError.InvalidUtf8: return "the decoded path is not valid UTF-8";
    case TargetError.DotParameters: return "the path has a dot segment with parameters (..; or .;)";
    case TargetError.TooLong: return "the path is too long";
  }
  return "invalid request target";
}

/** Longest path (before the query) the gate canonicalizes; hosts cap headers well below this. */
export const MAX_TARGET: i32 = 16384;

// Byte classes: bit 0 = pchar or '/' (kept raw when re-encoding); bit 1 = starts a token of the
// slow path ('%', '\', '#', '/', controls, non-ASCII).
const CLASS: usize = memory.data<u8>([
  // 0x00-0x1f: controls
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  //   !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /
  2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  // 0-9 : ; < = > ?
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2,
  // @ A-O
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  // P-Z [ \ ] ^ _
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1,
  // ` a-o
  2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  // p-z { | } ~ DEL
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 2,
  // 0x80-0xff: non-ASCII
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
]);

// @ts-ignore: decorator
@inline function isPchar(c: u32): bool { return (load<u8>(CLASS + <usize>c) & 1) != 0; }

function hexValue(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30);
  if (c >= 0x41 && c <= 0x46) return <i32>(c - 0x37);
  if (c >= 0x61 && c <= 0x66) return <i32>(c - 0x57);
  return -1;
}

const HEX = "0123456789ABCDEF";

/** A growable byte buffer owned by the module (reused across requests). */
class Bytes {
  buf: Uint8Array = new Uint8Array(512);
  len: i32 = 0;
  get ptr(): usize { return this.buf.dataStart; }
  reserve(n: i32): void {
    if (n > this.buf.length) this.buf = new Uint8Array(max(n, this.buf.length * 2));
  }
}

/** The canonical form of one request target. Fields are valid until the next canonicalize(). */
export class Target {
  error: TargetError = TargetError.None;
  /** The canonical (decoded) path: [ptr, ptr+len). The raw bytes themselves when already canonical. */
  ptr: usize = 0;
  len: i32 = 0;
  /** The upstream must receive `encoded` instead of the raw target. */
  changed: bool = false;
  /** Canonical path re-encoded, plus the original query: [encodedPtr, encodedPtr+encodedLen). */
  encodedPtr: usize = 0;
  encodedLen: i32 = 0;
  /** The path has a ';' (path parameters): the gate prices both readings of it. */
  semicolon: bool = false;

  private decoded: Bytes = new Bytes();
  private encoded: Bytes = new Bytes();
  private stripped: Bytes = new Bytes();

  /** The canonical path as a string (tests, the slow path). */
  path(): string { return String.UTF8.decodeUnsafe(this.ptr, <usize>this.len); }

  /** The target to forward (canonical path + query) as a string; only meaningful when changed. */
  forward(): string { return String.UTF8.decodeUnsafe(this.encodedPtr, <usize>this.encodedLen); }

  /**
   * Canonicalizes the request target [p, p+len) (origin form: path and optional query). Sets
   * `error` and returns false when the target is refused.
   */
  canonicalize(p: usize, len: i32): bool {
    this.error = TargetError.None;
    this.changed = false;
    this.semicolon = false;
    if (len <= 0 || load<u8>(p) != 0x2f) return this.fail(TargetError.NotOriginForm);
    let q = len;
    let simple = true;
    for (let i = 0; i < len; i++) {
      const c = <u32>load<u8>(p + <usize>i);
      if (c == 0x3f) { q = i; break; }
      if (!isPchar(c)) { simple = false; continue; }
      if (c == 0x3b) this.semicolon = true;
      else if (c == 0x2f && i + 1 < len) {
        const n = <u32>load<u8>(p + <usize>i + 1);
        if (n == 0x2f || n == 0x2e) simple = false;
      }
    }
    if (q > MAX_TARGET) return this.fail(TargetError.TooLong);
    for (let i = q; i < len; i++) if (load<u8>(p + <usize>i) == 0x23) return this.fail(TargetError.Fragment);
    if (simple) {
      this.ptr = p;
      this.len = q;
      return true;
    }
    return this.slow(p, q, len);
  }

  private fail(e: TargetError): bool {
    this.error = e;
    this.ptr = 0;
    this.len = 0;
    return false;
  }

  private slow(p: usize, q: i32, len: i32): bool {
    // 1. Decode every escape into `decoded`, refusing the ambiguous ones.
    const d = this.decoded;
    d.reserve(q);
    const dp = d.ptr;
    let o = 0;
    for (let i = 0; i < q; i++) {
      let c = <u32>load<u8>(p + <usize>i);
      if (c == 0x25) {
        if (i + 2 >= q) return this.fail(TargetError.BadEscape);
        const hi = hexValue(<u32>load<u8>(p + <usize>i + 1));
        const lo = hexValue(<u32>load<u8>(p + <usize>i + 2));
        if (hi < 0 || lo < 0) return this.fail(TargetError.BadEscape);
        c = <u32>(hi * 16 + lo);
        if (c == 0x2f) return this.fail(TargetError.EncodedSlash);
        if (c == 0x25 && i + 4 < q && hexValue(<u32>load<u8>(p + <usize>i + 3)) >= 0 && hexValue(<u32>load<u8>(p + <usize>i + 4)) >= 0) {
          return this.fail(TargetError.DoubleEncoding);
        }
        i += 2;
      } else if (c == 0x23) {
        return this.fail(TargetError.Fragment);
      }
      if (c == 0x5c) return this.fail(TargetError.Backslash);
      if (c < 0x20 || c == 0x7f) return this.fail(TargetError.ControlCharacter);
      if (c == 0x3b) this.semicolon = true;
      store<u8>(dp + <usize>o, <u8>c);
      o++;
    }
    if (!validUtf8(dp, o)) return this.fail(TargetError.InvalidUtf8);

    // 2. Resolve dot segments and merge slashes, in place (the output never overtakes the input).
    let w = 0; // write position; the output always starts with '/'
    let r = 0;
    let trailing = false;
    while (r < o) {
      // here load(dp + r) == '/'
      let e = r + 1;
      while (e < o && load<u8>(dp + <usize>e) != 0x2f) e++;
      const segLen = e - r - 1;
      const last = e >= o;
      const s = dp + <usize>(r + 1);
      if (segLen == 0) {
        if (last) trailing = true;
      } else if (segLen == 1 && load<u8>(s) == 0x2e) {
        if (last) trailing = true;
      } else if (segLen == 2 && load<u8>(s) == 0x2e && load<u8>(s + 1) == 0x2e) {
        while (w > 0 && load<u8>(dp + <usize>(w - 1)) != 0x2f) w--;
        if (w > 0) w--; // drop the '/' before the popped segment
        if (last) trailing = true;
      } else {
        if (load<u8>(s) == 0x2e && (load<u8>(s + 1) == 0x3b || (segLen > 2 && load<u8>(s + 1) == 0x2e && load<u8>(s + 2) == 0x3b))) {
          return this.fail(TargetError.DotParameters);
        }
        store<u8>(dp + <usize>w, 0x2f);
        memory.copy(dp + <usize>(w + 1), s, <usize>segLen);
        w += 1 + segLen;
        trailing = false;
      }
      r = e;
    }
    if (w == 0 || trailing) {
      store<u8>(dp + <usize>w, 0x2f);
      w++;
    }
    this.ptr = dp;
    this.len = w;

    // 3. Re-encode for the upstream, then the query as received.
    const en = this.encoded;
    en.reserve(w * 3 + (len - q));
    const ep = en.ptr;
    let k = 0;
    for (let i = 0; i < w; i++) {
      const c = <u32>load<u8>(dp + <usize>i);
      if (isPchar(c)) {
        store<u8>(ep + <usize>k, <u8>c);
        k++;
      } else {
        store<u8>(ep + <usize>k, 0x25);
        store<u8>(ep + <usize>k + 1, <u8>HEX.charCodeAt(<i32>(c >> 4)));
        store<u8>(ep + <usize>k + 2, <u8>HEX.charCodeAt(<i32>(c & 15)));
        k += 3;
      }
    }
    memory.copy(ep + <usize>k, p + <usize>q, <usize>(len - q));
    k += len - q;
    this.encodedPtr = ep;
    this.encodedLen = k;
    this.changed = k != len || memory.compare(ep, p, <usize>len) != 0;
    return true;
  }

  /**
   * The canonical path with the parameters of every segment removed (`/api;v=1/x` -> `/api/x`),
   * as Tomcat and Jetty read it: [strippedPtr(), +strippedLen). Only when `semicolon`.
   */
  stripParameters(): i32 {
    const s = this.stripped;
    s.reserve(this.len + 1);
    const sp = s.ptr;
    let w = 0;
    let inParam = false;
    for (let i = 0; i < this.len; i++) {
      const c = load<u8>(this.ptr + <usize>i);
      if (c == 0x2f) {
        inParam = false;
        if (w > 0 && load<u8>(sp + <usize>(w - 1)) == 0x2f) continue; // a segment that was only parameters
      } else if (c == 0x3b) {
        inParam = true;
        continue;
      } else if (inParam) {
        continue;
      }
      store<u8>(sp + <usize>w, c);
      w++;
    }
    if (w == 0) { store<u8>(sp, 0x2f); w = 1; }
    s.len = w;
    return w;
  }

  strippedPtr(): usize { return this.stripped.ptr; }
}

/** Whether [p, p+n) is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
export function validUtf8(p: usize, n: i32): bool {
  let i = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + <usize>i);
    if (c < 0x80) { i++; continue; }
    let need = 0;
    let min: u32 = 0;
    let cp: u32 = 0;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return false;
      const b = <u32>load<u8>(p + <usize>(i + k));
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/**
 * The host part of an authority, canonical: lower-case, without port, userinfo or one trailing
 * dot ("Shop.Example.COM.:8443" -> "shop.example.com"). IPv6 literals keep their brackets.
 */
export function canonicalHost(authority: string): string {
  let a = authority;
  const at = a.lastIndexOf("@");
  if (at >= 0) a = a.substring(at + 1);
  let end = a.length;
  if (a.startsWith("[")) {
    const close = a.indexOf("]");
    if (close > 0) end = close + 1;
  } else {
    const colon = a.indexOf(":");
    if (colon >= 0) end = colon;
  }
  if (end > 0 && a.charCodeAt(end - 1) == 0x2e) end--;
  let lower = true;
  for (let i = 0; i < end; i++) {
    const c = a.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) { lower = false; break; }
  }
  const h = end == a.length ? a : a.substring(0, end);
  return lower ? h : h.toLowerCase();
}
