// The request headers the gate decides on, read in place from one proxy-wasm header map
// serialisation — the bytes proxy_get_header_map_pairs returns (count; a (name length, value
// length) pair per header; then every name and value, each NUL-terminated). Every host produces
// exactly this: Envoy and ngx_wasm_module natively, the C shim (host-shims/c) from the headers
// NGINX, Go or a forward-auth request hand it, the unit tests' fake host. Reading them in one
// place means one implementation of which header counts: duplicates, the credentials to strip,
// the pass in a header, a Bearer credential or one of several cookies.
//
// Nothing here allocates for a request that only carries a pass (the hot path).

/** Credentials present in the request, to remove before it goes upstream (bit set). */
export const enum Strip {
  None = 0,
  XCashu = 1,
  PassHeader = 2,
  /** Authorization carries a Cashu token or a pass (other schemes are the upstream's). */
  Authorization = 4,
  /** A Cookie header carries the pass cookie: rewrite it without that cookie. */
  Cookie = 8,
}

const H_PATH = 1, H_METHOD = 2, H_AUTHORITY = 3, H_HOST = 4, H_SCHEME = 5, H_XCASHU = 6, H_AUTH = 7, H_PASS = 8, H_COOKIE = 9;

// @ts-ignore: decorator
@inline function fold(c: u32): u32 { return c - 0x41 < 26 ? c | 0x20 : c; }

/** Which header `[p, p+n)` names (ASCII case-insensitive), or 0. */
function classify(p: usize, n: i32): i32 {
  const c0 = fold(<u32>load<u8>(p));
  switch (n) {
    case 4: return eq(p, n, "host") ? H_HOST : 0;
    case 5: return eq(p, n, ":path") ? H_PATH : 0;
    case 6: return c0 == 0x63 && eq(p, n, "cookie") ? H_COOKIE : 0;
    case 7:
      if (c0 == 0x78) return eq(p, n, "x-cashu") ? H_XCASHU : 0;
      if (eq(p, n, ":method")) return H_METHOD;
      return eq(p, n, ":scheme") ? H_SCHEME : 0;
    case 10: return eq(p, n, ":authority") ? H_AUTHORITY : 0;
    case 13: return eq(p, n, "authorization") ? H_AUTH : 0;
    case 15: return eq(p, n, "x-paygress-pass") ? H_PASS : 0;
  }
  return 0;
}

function eq(p: usize, n: i32, lower: string): bool {
  for (let i = 0; i < n; i++) {
    if (fold(<u32>load<u8>(p + <usize>i)) != <u32>lower.charCodeAt(i)) return false;
  }
  return true;
}

export class RequestHeaders {
  private base: usize = 0;
  private size: usize = 0;
  count: i32 = 0;
  /** Offsets (from base) and lengths of each header's value; names are not kept. */
  private vOff: Array<i32> = new Array<i32>(64);
  private vLen: Array<i32> = new Array<i32>(64);
  private kind: Array<i32> = new Array<i32>(64);

  /** Index of the first header of each kind (-1 = absent) and how many there are. */
  path: i32 = -1;
  method: i32 = -1;
  authority: i32 = -1;
  host: i32 = -1;
  scheme: i32 = -1;
  xCashu: i32 = -1;
  xCashuCount: i32 = 0;
  authorization: i32 = -1;
  authorizationCount: i32 = 0;
  passCount: i32 = 0;
  cookieCount: i32 = 0;

  /**
   * Indexes the serialised map [ptr, ptr+size). False when it is malformed (a host bug: the gate
   * then refuses the request rather than miss a header).
   */
  load(ptr: usize, size: usize): bool {
    this.base = ptr;
    this.size = size;
    this.count = 0;
    this.path = this.method = this.authority = this.host = this.scheme = this.xCashu = this.authorization = -1;
    this.xCashuCount = this.authorizationCount = this.passCount = this.cookieCount = 0;
    if (size == 0) return true;
    if (size < 4) return false;
    const n = load<u32>(ptr);
    if (<u64>4 + <u64>n * 8 > <u64>size) return false;
    if (<i32>n > this.vOff.length) {
      this.vOff = new Array<i32>(<i32>n);
      this.vLen = new Array<i32>(<i32>n);
      this.kind = new Array<i32>(<i32>n);
    }
    let data: usize = 4 + <usize>n * 8;
    for (let i: i32 = 0; i < <i32>n; i++) {
      const kl = <usize>load<u32>(ptr + 4 + <usize>i * 8);
      const vl = <usize>load<u32>(ptr + 8 + <usize>i * 8);
      if (<u64>data + <u64>kl + 1 + <u64>vl + 1 > <u64>size) return false;
      const k = kl > 0 ? classify(ptr + data, <i32>kl) : 0;
      unchecked(this.kind[i] = k);
      unchecked(this.vOff[i] = <i32>(data + kl + 1));
      unchecked(this.vLen[i] = <i32>vl);
      data += kl + 1 + vl + 1;
      if (k == 0) continue;
      if (k == H_PATH) { if (this.path < 0) this.path = i; }
      else if (k == H_METHOD) { if (this.method < 0) this.method = i; }
      else if (k == H_AUTHORITY) { if (this.authority < 0) this.authority = i; }
      else if (k == H_HOST) { if (this.host < 0) this.host = i; }
      else if (k == H_SCHEME) { if (this.scheme < 0) this.scheme = i; }
      else if (k == H_XCASHU) { if (this.xCashu < 0) this.xCashu = i; this.xCashuCount++; }
      else if (k == H_AUTH) { if (this.authorization < 0) this.authorization = i; this.authorizationCount++; }
      else if (k == H_PASS) this.passCount++;
      else if (k == H_COOKIE) this.cookieCount++;
    }
    this.count = <i32>n;
    return true;
  }

  valuePtr(i: i32): usize { return this.base + <usize>unchecked(this.vOff[i]); }
  valueLen(i: i32): i32 { return unchecked(this.vLen[i]); }
  value(i: i32): string { return String.UTF8.decodeUnsafe(this.valuePtr(i), <usize>this.valueLen(i)); }

  /** Index of the k-th (0-based) X-Paygress-Pass / Cookie / X-Cashu / Authorization header, or -1. */
  nth(kind: i32, k: i32): i32 {
    for (let i = 0; i < this.count; i++) {
      if (unchecked(this.kind[i]) == kind) {
        if (k == 0) return i;
        k--;
      }
    }
    return -1;
  }
  passHeader(k: i32): i32 { return this.nth(H_PASS, k); }
  cookieHeader(k: i32): i32 { return this.nth(H_COOKIE, k); }
  xCashuHeader(k: i32): i32 { return this.nth(H_XCASHU, k); }
  authorizationHeader(k: i32): i32 { return this.nth(H_AUTH, k); }

  /** The credentials to strip before forwarding (cookie: given the pass cookie's name). */
  credentials(cookieName: string): Strip {
    let s = Strip.None;
    if (this.xCashuCount > 0) s |= Strip.XCashu;
    if (this.passCount > 0) s |= Strip.PassHeader;
    for (let k = 0; k < this.authorizationCount; k++) {
      const i = this.authorizationHeader(k);
      if (bearerIsOurs(this.valuePtr(i), this.valueLen(i))) { s |= Strip.Authorization; break; }
    }
    if (cookieName.length > 0) {
      for (let k = 0; k < this.cookieCount; k++) {
        const i = this.cookieHeader(k);
        if (cookieStart(this.valuePtr(i), this.valueLen(i), cookieName, 0) >= 0) { s |= Strip.Cookie; break; }
      }
    }
    return s;
  }

  /**
   * Every Cookie header without the cookies named `name`, joined as one header value ("" when
   * nothing else is left: the host then removes the header).
   */
  cookiesWithout(name: string): string {
    const kept = new Array<string>();
    for (let k = 0; k < this.cookieCount; k++) {
      const i = this.cookieHeader(k);
      const v = this.value(i);
      let at = 0;
      while (at < v.length) {
        let end = v.indexOf(";", at);
        if (end < 0) end = v.length;
        const pair = v.substring(at, end).trim();
        const eqAt = pair.indexOf("=");
        const n = eqAt < 0 ? pair : pair.substring(0, eqAt).trim();
        if (pair.length > 0 && n != name) kept.push(pair);
        at = end + 1;
      }
    }
    return kept.join("; ");
  }
}

// @ts-ignore: decorator
@inline function ows(c: u32): bool { return c == 0x20 || c == 0x09; }

/** Whether an Authorization value is "Bearer cashu…" or "Bearer p1.…" (the gate's credentials). */
export function bearerIsOurs(p: usize, n: i32): bool {
  let i = 0;
  while (i < n && ows(<u32>load<u8>(p + <usize>i))) i++;
  if (n - i < 8 || !eq(p + <usize>i, 6, "bearer")) return false;
  i += 6;
  if (!ows(<u32>load<u8>(p + <usize>i))) return false;
  while (i < n && ows(<u32>load<u8>(p + <usize>i))) i++;
  return bearerCredentialAt(p + <usize>i, n - i) != 0;
}

/** 1: the credential at [p, p+n) starts with "cashu"; 2: with "p1."; 0: neither. */
export function bearerCredentialAt(p: usize, n: i32): i32 {
  if (n >= 5 && load<u8>(p) == 0x63 && load<u8>(p + 1) == 0x61 && load<u8>(p + 2) == 0x73 && load<u8>(p + 3) == 0x68 && load<u8>(p + 4) == 0x75) return 1;
  if (n >= 3 && load<u8>(p) == 0x70 && load<u8>(p + 1) == 0x31 && load<u8>(p + 2) == 0x2e) return 2;
  return 0;
}

/**
 * Start of the value of the first cookie named `name` at or after byte `from` in a Cookie header
 * [p, p+n), or -1. cookieEnd() gives where that value ends.
 */
export function cookieStart(p: usize, n: i32, name: string, from: i32): i32 {
  let i = from;
  const k = name.length;
  while (i < n) {
    while (i < n && (ows(<u32>load<u8>(p + <usize>i)) || load<u8>(p + <usize>i) == 0x3b)) i++;
    let j = i;
    while (j < n && load<u8>(p + <usize>j) != 0x3d && load<u8>(p + <usize>j) != 0x3b) j++;
    if (j >= n || load<u8>(p + <usize>j) != 0x3d) { // no '=' in this pair
      i = j + 1;
      continue;
    }
    let ne = j;
    while (ne > i && ows(<u32>load<u8>(p + <usize>(ne - 1)))) ne--;
    if (ne - i == k && rangeIs(p + <usize>i, k, name)) {
      let v = j + 1;
      while (v < n && ows(<u32>load<u8>(p + <usize>v))) v++;
      return v;
    }
    while (j < n && load<u8>(p + <usize>j) != 0x3b) j++;
    i = j + 1;
  }
  return -1;
}

/** End of the cookie value starting at `start` (exclusive; quotes and trailing spaces excluded by the caller). */
export function cookieEnd(p: usize, n: i32, start: i32): i32 {
  let e = start;
  while (e < n && load<u8>(p + <usize>e) != 0x3b) e++;
  while (e > start && ows(<u32>load<u8>(p + <usize>(e - 1)))) e--;
  return e;
}

function rangeIs(p: usize, n: i32, s: string): bool {
  for (let i = 0; i < n; i++) if (<u32>load<u8>(p + <usize>i) != <u32>s.charCodeAt(i)) return false;
  return true;
}
