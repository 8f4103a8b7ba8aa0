// build/paygress.wasm must import only what ngx_wasm_module (NGINX's Wasm module, the host inside
// Kong Gateway) supports, so the same .wasm runs there. Its supported host functions are
// transcribed, with links to the source, in k8s/ngx-wasm/host-abi.json; test/e2e/ngx-wasm.test.ts
// runs the module in a real build of it. A failure here names each import outside that subset
// before any e2e test starts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/procs.ts";

interface HostAbi {
  proxy_wasm: { module: string; supported: string[]; not_supported: string[]; not_listed: { names: string[] }; doc_name_to_import: Record<string, string> };
  wasi_snapshot_preview1: { module: string; supported: string[]; stubbed: string[] };
  abi_versions: string[];
  proxy_wasm_0_2_0_host_functions: { source: string; names: string[] };
}
const abi = JSON.parse(readFileSync(join(ROOT, "k8s/ngx-wasm/host-abi.json"), "utf8")) as HostAbi;
const toImport = (n: string) => abi.proxy_wasm.doc_name_to_import[n] ?? n;

/** Imports of a module that ngx_wasm_module does not provide, with the reason. */
export function outsideSubset(imports: Array<{ module: string; name: string }>): string[] {
  const proxy = new Set(abi.proxy_wasm.supported.map(toImport));
  const proxyNo = new Set(abi.proxy_wasm.not_supported.map(toImport));
  const wasi = new Set(abi.wasi_snapshot_preview1.supported);
  const wasiStub = new Set(abi.wasi_snapshot_preview1.stubbed);
  const bad: string[] = [];
  for (const i of imports) {
    const id = `${i.module}.${i.name}`;
    if (i.module === abi.proxy_wasm.module) {
      if (proxy.has(i.name)) continue;
      bad.push(`${id} (${proxyNo.has(i.name) ? "documented as not supported" : "not provided by ngx_wasm_module"})`);
    } else if (i.module === abi.wasi_snapshot_preview1.module) {
      if (wasi.has(i.name)) continue;
      bad.push(`${id} (${wasiStub.has(i.name) ? "a stub that only returns an error" : "not provided"})`);
    } else {
      bad.push(`${id} (unknown import module)`);
    }
  }
  return bad;
}

describe("paygress.wasm within ngx_wasm_module's supported host ABI", () => {
  const mod = new WebAssembly.Module(readFileSync(join(ROOT, "build/paygress.wasm")));

  it("imports only supported proxy-wasm and WASI functions", (t) => {
    const imports = WebAssembly.Module.imports(mod);
    t.diagnostic(`imports: ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
    assert.ok(imports.length > 0);
    assert.deepEqual(outsideSubset(imports), [], "build/paygress.wasm imports functions ngx_wasm_module does not support");
  });

  it("exports an ABI version ngx_wasm_module supports", () => {
    const exported = WebAssembly.Module.exports(mod).map((e) => e.name).filter((n) => n.startsWith("proxy_abi_version_"));
    assert.equal(exported.length, 1, `exactly one ABI version marker: ${exported}`);
    const v = exported[0].replace("proxy_abi_version_", "").replace(/_/g, ".");
    assert.ok(abi.abi_versions.includes(v), `ABI ${v} not in ${abi.abi_versions}`);
  });

  it("flags imports outside the subset (the check is not vacuous)", () => {
    assert.deepEqual(outsideSubset([{ module: "env", name: "proxy_get_buffer_status" }]), ["env.proxy_get_buffer_status (not provided by ngx_wasm_module)"]);
    assert.deepEqual(outsideSubset([{ module: "env", name: "proxy_grpc_call" }]), ["env.proxy_grpc_call (documented as not supported)"]);
    assert.deepEqual(outsideSubset([{ module: "wasi_snapshot_preview1", name: "fd_read" }]), ["wasi_snapshot_preview1.fd_read (a stub that only returns an error)"]);
    assert.deepEqual(outsideSubset([{ module: "env", name: "abort" }]), ["env.abort (not provided by ngx_wasm_module)"]);
    assert.deepEqual(outsideSubset([{ module: "env", name: "proxy_add_header_map_value" }]), [], "docs' *_pairs names map to the ABI's *_value imports");
  });

  it("the transcription covers every host function of proxy-wasm ABI 0.2.0", () => {
    const fns = new Set(abi.proxy_wasm_0_2_0_host_functions.names);
    assert.ok(fns.size >= 35, "the spec's host function list is transcribed");
    const known = new Set([...abi.proxy_wasm.supported, ...abi.proxy_wasm.not_supported, ...abi.proxy_wasm.not_listed.names].map(toImport));
    assert.deepEqual([...fns].filter((f) => !known.has(f)), []);
  });
});
