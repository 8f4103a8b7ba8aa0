// Benchmark baseline: an HTTP filter built with @solo-io/proxy-runtime (patched as the real one)
// that does nothing: what the SDK and Envoy's Wasm machinery cost per request before any logic.
export * from "@solo-io/proxy-runtime/assembly/proxy";
import { registerRootContext, RootContext, Context, FilterHeadersStatusValues } from "@solo-io/proxy-runtime/assembly";
import "../../assembly/adapter/abort";

class EmptyHttp extends Context {
  onRequestHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    return FilterHeadersStatusValues.Continue;
  }
}

class EmptyRoot extends RootContext {
  createContext(id: u32): Context {
    return new EmptyHttp(id, this);
  }
}

registerRootContext((id: u32): RootContext => new EmptyRoot(id), "paygress");
