// The module's abort handler (asconfig: --use abort=assembly/adapter/abort/paygressAbort).
// A failed assertion is a bug: log one critical line through the host and trap. The host keeps
// running (Envoy marks this VM failed and, with fail_open=false, answers 503 rather than letting
// a request through unpaid).
import { proxy_log } from "@solo-io/proxy-runtime/assembly/imports";

export function paygressAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "paygress: internal error";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  const buf = String.UTF8.encode(text);
  proxy_log(5 /* critical */, changetype<usize>(buf), buf.byteLength);
  unreachable();
}
