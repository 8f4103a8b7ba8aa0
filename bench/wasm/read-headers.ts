// Benchmark baseline: the empty SDK filter plus the one thing every Paygress request must do — read
// the request headers (one proxy_get_header_map_pairs call, as the real filter does) — and nothing
// else. It isolates what Envoy charges for a host call that returns data (the host allocates in the
// module through its exported malloc).
export * from "@solo-io/proxy-runtime/assembly/exports";
export { malloc, free } from "../../assembly/adapter/memory";
import { registerRootContext, RootContext, Context, FilterHeadersStatusValues } from "@solo-io/proxy-runtime/assembly";
import { readRequestHeaders, releaseRequestHeaders } from "../../assembly/adapter/host";
import "../../assembly/adapter/abort";

class ReadHeadersHttp extends Context {
  onRequestHeaders(_headers: u32, _endOfStream: bool): FilterHeadersStatusValues {
    if (readRequestHeaders()) releaseRequestHeaders();
    return FilterHeadersStatusValues.Continue;
  }
}

class ReadHeadersRoot extends RootContext {
  createContext(id: u32): Context {
    return new ReadHeadersHttp(id, this);
  }
}

registerRootContext((id: u32): RootContext => new ReadHeadersRoot(id), "paygress");
