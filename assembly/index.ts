// Paygress proxy-wasm module entry point: exports the proxy-wasm ABI (from the SDK), the module's
// own malloc/free (adapter/memory.ts), and registers the root context. All logic lives in core/
// (protocol, crypto), gate/ (decisions) and adapter/ (the proxy-wasm glue).
export * from "@solo-io/proxy-runtime/assembly/exports";
export { malloc, free } from "./adapter/memory";
import { registerRootContext, RootContext } from "@solo-io/proxy-runtime/assembly";
import { PaygressRoot } from "./adapter/filter";
import "./adapter/abort";

function createRoot(contextId: u32): RootContext {
  return new PaygressRoot(contextId);
}

// Envoy passes the filter's `root_id`; accept "paygress" and an empty root id.
registerRootContext(createRoot, "paygress");
registerRootContext(createRoot, "");
