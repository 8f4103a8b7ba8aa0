// Benchmark baseline: a proxy-wasm module with no SDK and no logic (every callback returns at
// once): the floor of Envoy's Wasm machinery per request.
export function proxy_abi_version_0_2_0(): void {}
export function proxy_on_vm_start(a: u32, b: u32): u32 { return 1; }
export function proxy_on_configure(a: u32, b: u32): u32 { return 1; }
export function proxy_on_context_create(a: u32, b: u32): void {}
export function proxy_on_request_headers(a: u32, b: u32, c: u32): u32 { return 0; }
export function proxy_on_response_headers(a: u32, b: u32, c: u32): u32 { return 0; }
export function proxy_on_response_body(a: u32, b: u32, c: u32): u32 { return 0; }
export function proxy_on_done(a: u32): u32 { return 1; }
export function proxy_on_log(a: u32): void {}
export function proxy_on_delete(a: u32): void {}
export function malloc(n: usize): usize { return heap.alloc(n); }
