// A raw HTTP/1.1 client for adversarial tests: the request line and headers go on the wire byte for
// byte (fetch and node:http normalise paths — WHATWG URL parsing resolves "/../", turns "\" into
// "/" — and refuse duplicate or odd headers), one request per connection (Connection: close).
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  header(name: string): string | undefined;
  json(): Record<string, unknown>;
}

/**
 * Sends `method target` with `headers` (in order, duplicates allowed) to 127.0.0.1:port; `target`
 * is sent as given (a Buffer for bytes that are not ASCII). Resolves with the parsed answer; a
 * connection the server closes without an answer resolves with status 0.
 */
export function rawRequest(port: number, method: string, target: string | Buffer, headers: Array<[string, string]> = [], timeoutMs = 10000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`raw request ${method} ${target} timed out`)); }, timeoutMs);
    sock.on("data", (d) => chunks.push(d));
    sock.on("error", () => { /* a reset after the answer: parsed below */ });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks)));
    });
    const head = [Buffer.from(`${method} `), typeof target === "string" ? Buffer.from(target, "latin1") : target, Buffer.from(" HTTP/1.1\r\n")];
    const hasHost = headers.some(([k]) => k.toLowerCase() === "host");
    const lines = [...(hasHost ? [] : [["Host", `127.0.0.1:${port}`]]), ...headers, ["Connection", "close"]].map(([k, v]) => `${k}: ${v}\r\n`).join("");
    // write, not end: a half-closed connection reads to Envoy as a client that went away.
    sock.write(Buffer.concat([...head, Buffer.from(lines + "\r\n")]));
  });
}

function parse(raw: Buffer): RawResponse {
  const text = raw.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const headers: Array<[string, string]> = [];
  let status = 0;
  let body = "";
  if (end > 0) {
    const lines = text.slice(0, end).split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    status = m ? Number(m[1]) : 0;
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      if (i > 0) headers.push([l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()]);
    }
    const rest = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
    const chunked = headers.some(([k, v]) => k === "transfer-encoding" && /chunked/i.test(v));
    body = (chunked ? dechunk(rest) : rest).toString("utf8");
  }
  return {
    status,
    headers,
    body,
    header: (name) => headers.find(([k]) => k === name.toLowerCase())?.[1],
    json: () => { try { return JSON.parse(body); } catch { return {}; } },
  };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const eol = b.indexOf("\r\n", i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString("latin1"), 16);
    if (!size) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
