// Mint URLs and units as tokens and payment requests carry them.
//
// NUT-00 says a mint URL "MUST be stripped of any trailing slashes"; two spellings of the same
// mint must also compare equal when the gate checks a token against its accepted mints, so the
// scheme and host (case-insensitive per RFC 3986) are lower-cased too. The path keeps its case.
// Credentials, queries and fragments are refused: a mint URL is a base URL, and cashu-ts refuses
// them as well.

/** The normalized form of `url`, or null when it is not an acceptable http(s) mint URL. */
export function normalizeMintUrl(url: string, maxLength: i32 = 512): string | null {
  const n = url.length;
  if (n == 0 || n > maxLength) return null;
  let schemeLen = 0;
  if (startsWithIgnoreCase(url, "https://")) schemeLen = 8;
  else if (startsWithIgnoreCase(url, "http://")) schemeLen = 7;
  else return null;
  for (let i = 0; i < n; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c == 0x7f || c == 0x3f /* ? */ || c == 0x23 /* # */) return null;
  }
  let hostEnd = schemeLen;
  while (hostEnd < n && url.charCodeAt(hostEnd) != 0x2f) {
    if (url.charCodeAt(hostEnd) == 0x40 /* @ */) return null;
    hostEnd++;
  }
  if (hostEnd == schemeLen) return null;
  let end = n;
  while (end > hostEnd && url.charCodeAt(end - 1) == 0x2f) end--;
  // Fast path: already normalized (the common case) costs no allocation.
  let lower = true;
  for (let i = 0; i < hostEnd; i++) {
    const c = url.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) { lower = false; break; }
  }
  if (lower) return end == n ? url : url.substring(0, end);
  return url.substring(0, hostEnd).toLowerCase() + url.substring(hostEnd, end);
}

/** True when `unit` is 1..maxLength printable ASCII characters without spaces. */
export function isValidUnit(unit: string, maxLength: i32 = 32): bool {
  const n = unit.length;
  if (n == 0 || n > maxLength) return false;
  for (let i = 0; i < n; i++) {
    const c = unit.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

export function startsWithIgnoreCase(s: string, prefix: string): bool {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != prefix.charCodeAt(i)) return false;
  }
  return true;
}
