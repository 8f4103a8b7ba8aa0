// Fails when a built filter imports anything outside the proxy-wasm ABI ("env".proxy_*) and WASI:
// a stray import (a bare env.abort, a JS binding) makes Envoy refuse to load the module.
import { readFileSync } from "node:fs";

const file = process.argv[2];
const mod = new WebAssembly.Module(readFileSync(file));
const bad = WebAssembly.Module.imports(mod).filter(
  (i) => !(i.module === "env" && i.name.startsWith("proxy_")) && i.module !== "wasi_snapshot_preview1",
);
if (bad.length) {
  console.error(`${file}: imports outside the proxy-wasm ABI and WASI: ${bad.map((i) => `${i.module}.${i.name}`).join(", ")}`);
  process.exit(1);
}
const exp = WebAssembly.Module.exports(mod).map((e) => e.name);
for (const need of ["proxy_abi_version_0_2_0", "proxy_on_request_headers", "malloc", "memory"]) {
  if (!exp.includes(need)) {
    console.error(`${file}: missing export ${need}`);
    process.exit(1);
  }
}
