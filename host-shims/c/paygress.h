/*
 * paygress.h - the C API of libpaygress.so: the Paygress payment gate for hosts that own their I/O
 * (NGINX through LuaJIT FFI, Go through cgo, any C program).
 *
 * What it is. libpaygress.so contains build/paygress.wasm - the very module Envoy runs - translated
 * to C by wasm2c 1.0.32, plus a small host (host-shims/c/) that implements, in C, the proxy-wasm
 * host functions and WASI calls the module imports, and drives the proxy-wasm ABI the way Envoy
 * does. The embedding host gives it requests and gets decisions back; it never does I/O itself:
 *
 *   paygress_create(config)                 -> instance (or error text)
 *   paygress_request_new(instance)          -> request
 *   paygress_request_headers(req, info)     -> CONTINUE | RESPOND (status, headers, body)
 *                                              | CALL (perform this HTTP call to a mint)
 *   paygress_call_response(req, status, body) -> the next decision (status 0 = call failed/timed out)
 *   paygress_response_headers(req)          -> headers to add to the upstream's response
 *   paygress_request_finish(req)            -> done + log (audit line, metrics); frees req
 *   paygress_events(instance)               -> log lines and metric deltas the module emitted
 *   paygress_destroy(instance)
 *
 * Mint calls. The plugin configuration names a `cluster` for each mint; a CALL decision carries
 * that cluster name and the host maps it to an address (NGINX: opts.clusters; Go: -mint-cluster
 * name=http://host:port). Perform the call with the decision's method, path, authority, headers,
 * body and timeout, then hand the answer to paygress_call_response().
 *
 * Return conventions. Functions that return a pointer return NULL on failure unless documented
 * otherwise; every pointer the library returns is owned by the library (never free() it) unless
 * the function says "caller frees with paygress_free()". No function calls exit(), abort() or
 * raises a signal on bad input or on a guest trap.
 *
 * Guest traps. A trap inside the wasm code (a bug, memory exhaustion beyond max_memory_mb, an
 * out-of-bounds access caught by the explicit bounds checks) never reaches the host: the call in
 * progress returns a RESPOND decision with status 503, `retry-after: 1` and a JSON body
 * {"error":"internal_error",...}, one critical log event says what trapped, and the instance is
 * rebuilt (new linear memory, vm_start, configure) before the call returns. Requests that were in
 * flight in the old instance are orphaned: paygress_call_response() answers them with the same
 * 503, paygress_response_headers() returns nothing for them, finish() just frees them.
 *
 * Thread rules.
 *  - One `paygress` instance (and its requests) must be used by one thread at a time: the host
 *    serialises calls per instance (NGINX: one instance per worker process; Go: a mutex per
 *    instance). Different instances may run concurrently on different threads.
 *  - That holds only because the build patches wasm2c 1.0.32's runtime (build-native.sh): in the
 *    stock runtime the trap jump buffer (wasm_rt_jmp_buf), the call-stack depth counters
 *    (wasm_rt_call_stack_depth, wasm_rt_saved_call_stack_depth) and the exception unwind target are
 *    process-wide globals; here they are _Thread_local (initial-exec TLS, about 220 bytes; a
 *    dlopen()ed copy needs that much of glibc's static TLS surplus, which it has by default).
 *  - Process-wide state that remains, all written once under pthread_once() by the first
 *    paygress_create() and read-only afterwards: the runtime's function-type registry
 *    (g_func_types, g_func_type_count), the generated module's func_types[] table and
 *    s_module_initialized. The runtime's exception state (g_active_exception*, s_tag_count) is
 *    also global but unused: the module is built without the exception-handling proposal.
 *  - A paygress_shared store may be used by any number of instances, threads and processes at
 *    once (a process-shared robust mutex guards it).
 *  - Callbacks given in paygress_options (now_ns) must not call back into the library.
 *
 * Memory. Strings are (pointer, length) pairs, not NUL-terminated unless said so; a NULL pointer
 * means "absent" (e.g. no such header). Input strings are only read during the call and may be
 * freed afterwards. Output pointers (decisions, headers, events) stay valid until the next call
 * that takes the same request (decisions, response headers) or the same instance (events).
 *
 * Limits enforced by the host side: shared-data keys <= 256 bytes and values <= 256 bytes; metric
 * names <= 255 bytes; at most 2048 shared-data keys and 1024 metrics per shared store by default
 * (paygress_shared_create's arguments), 1024 keys and 1024 metrics in an instance's private store.
 * The gate uses one key per keyset and earnings lane and up to 512 for its payment records.
 * A full metrics table drops new metric names (the module keeps running); on a full shared-data
 * table proxy_set_shared_data answers InternalFailure for new keys (the gate needs one key per
 * keyset and earnings lane).
 */
#ifndef PAYGRESS_H
#define PAYGRESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PAYGRESS_API __attribute__((visibility("default")))
#else
#define PAYGRESS_API
#endif

/** One wasm instance of the gate, configured. Not thread-safe: one thread at a time. */
typedef struct paygress paygress;
/** One HTTP exchange going through an instance. */
typedef struct paygress_request paygress_request;
/** Shared data (earnings counters) and metrics for many instances, threads and processes. */
typedef struct paygress_shared paygress_shared;

/** A header: name and value, neither NUL-terminated. */
typedef struct paygress_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} paygress_header;

/**
 * What the gate reads from a request. `path` is the request target as received (query string
 * included; the raw bytes, not decoded: NGINX $request_uri, Go r.RequestURI); `authority` the host
 * the proxy routes on (NGINX $host, HTTP/2 :authority, else Host); `scheme` "http" or "https".
 * `headers` are the request's headers as received: names in any case, a repeated header as
 * separate entries. Pass at least every X-Cashu, Authorization, X-Paygress-Pass and Cookie header
 * (the gate decides which counts, refuses conflicting duplicates, and names the ones to strip);
 * passing all headers is fine. A `host` entry is compared with `authority` (they must name the
 * same host), so leave it out where the proxy itself chose `authority` (NGINX $host for an
 * absolute-form request line).
 */
typedef struct paygress_request_info {
  const char *method;        size_t method_len;
  const char *path;          size_t path_len;
  const char *authority;     size_t authority_len;
  const char *scheme;        size_t scheme_len;
  const paygress_header *headers;
  size_t header_count;
} paygress_request_info;

enum paygress_decision_kind {
  /** Let the request through to the upstream. */
  PAYGRESS_CONTINUE = 0,
  /** Answer the client now with status, headers and body. */
  PAYGRESS_RESPOND = 1,
  /** Keep the request waiting; perform the HTTP call described, then paygress_call_response(). */
  PAYGRESS_CALL = 2,
};

/**
 * A decision. Every pointer in it is owned by the request and valid until the next call that takes
 * the same request. Fields not used by `kind` are zero.
 */
typedef struct paygress_decision {
  int kind; /* enum paygress_decision_kind */
  /* RESPOND: HTTP status. CALL: 0. */
  uint32_t status;
  /* RESPOND: response headers (content-type, x-cashu, retry-after, ...).
   * CALL: request headers for the mint call (accept, user-agent, content-type); the
   *       method, path and authority are in the fields below, not in this list. */
  const paygress_header *headers;
  size_t header_count;
  /* RESPOND: response body. CALL: request body (JSON; may be empty). */
  const char *body;
  size_t body_len;
  /* CALL only: the mint's cluster name from the configuration, for the host to map to an address. */
  const char *cluster;   size_t cluster_len;
  const char *method;    size_t method_len;
  const char *path;      size_t path_len;
  const char *authority; size_t authority_len;
  /* CALL only: the whole call (connect, send, receive) must finish within this many milliseconds,
   * else report status 0. */
  uint32_t timeout_ms;
  /* RESPOND produced by the library itself (guest trap, misuse): 1; produced by the gate: 0. */
  int internal_error;
  /* CONTINUE only: what the host must change in the request before forwarding it, in order.
   *   name ":path", value V   forward V as the request target (the canonical path the gate priced,
   *                           percent-encoded, and the query as received) instead of `path`;
   *   name N, value V         replace every value of header N with V (the Cookie header without
   *                           the pass cookie);
   *   name N, value NULL      remove every value of header N (X-Cashu, X-Paygress-Pass, an
   *                           Authorization carrying a token or pass).
   * Payment credentials must not reach the upstream, and the upstream must receive exactly the
   * path that was priced: a host that cannot apply a change must refuse the request. */
  const paygress_header *request_changes;
  size_t request_change_count;
} paygress_decision;

enum paygress_event_kind {
  /** A log line: `level` (proxy-wasm: 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 critical), `text`. */
  PAYGRESS_EVENT_LOG = 0,
  /** A counter increment: `name` (e.g. paygress_requests_total), `labels`, `value` = delta. */
  PAYGRESS_EVENT_COUNTER = 1,
  /** A histogram sample: `name`, `labels`, `value` = sample (paygress_mint_call_ms). */
  PAYGRESS_EVENT_HISTOGRAM = 2,
  /** A gauge set: `name`, `labels`, `value` = new value. */
  PAYGRESS_EVENT_GAUGE = 3,
};

/**
 * Something the module emitted. For metrics, `labels` is the Prometheus label text without braces,
 * e.g. `route="paid",mint="m0",outcome="pass"` (may be empty). The audit line of a payment is a
 * LOG event at level 2 (info) whose text is one JSON object with "event":"paygress.payment".
 */
typedef struct paygress_event {
  int kind; /* enum paygress_event_kind */
  int level;
  const char *text;   size_t text_len;   /* LOG: the line. Metrics: the metric name. */
  const char *labels; size_t labels_len; /* metrics only */
  int64_t value;                         /* metrics only */
} paygress_event;

/** Options of paygress_create(); all fields may be zero. */
typedef struct paygress_options {
  /** Environment visible to the module through WASI environ ("NAME=value" strings, copied), for
   *  `secret_env` / `seed_env` indirections in the configuration. */
  const char *const *env;
  size_t env_count;
  /** Shared store for earnings counters and metrics; NULL = a private store in this instance
   *  (fine for one instance; several instances without a shared store hand out colliding
   *  counters: still correct - the mint arbitrates - but slower). Must outlive the instance. */
  paygress_shared *shared;
  /** Linear memory limit of the module in MiB; 0 = 128. Exceeding it traps (503, rebuild). */
  uint32_t max_memory_mb;
  /** Log events below this level are dropped (0 = keep all). */
  int min_log_level;
  /** Wall clock in Unix nanoseconds; NULL = clock_gettime(CLOCK_REALTIME). */
  uint64_t (*now_ns)(void *ctx);
  void *clock_ctx;
} paygress_options;

/** The library version and what it was built from, NUL-terminated, static. */
PAYGRESS_API const char *paygress_version(void);

/** Frees memory the library handed over with "caller frees with paygress_free()". NULL is fine. */
PAYGRESS_API void paygress_free(void *p);

/* ---- shared store ------------------------------------------------------------------------- */

/**
 * Creates a store in anonymous shared memory (MAP_SHARED) with a process-shared robust mutex.
 * Create it BEFORE fork() to share it with child processes (NGINX: in init_by_lua, which runs in
 * the master; workers inherit the mapping). `kv_capacity` and `metric_capacity` are the numbers of
 * shared-data keys and metrics it can hold (0 = 2048 keys, 1024 metrics).
 * Returns the store, or NULL (errno set) when mmap or the mutex set-up fails.
 */
PAYGRESS_API paygress_shared *paygress_shared_create(uint32_t kv_capacity, uint32_t metric_capacity);

/** Unmaps the store. Only after every instance using it was destroyed (in every process). */
PAYGRESS_API void paygress_shared_destroy(paygress_shared *s);

/**
 * Renders every metric in the store as Prometheus text (counters, gauges; histograms as
 * summaries with _sum and _count). Returns a NUL-terminated string the caller frees with
 * paygress_free(), its length in *len (may be NULL); NULL on allocation failure.
 * Thread-safe; also safe while other processes update the store.
 */
PAYGRESS_API char *paygress_shared_prometheus(paygress_shared *s, size_t *len);

/* ---- instances ------------------------------------------------------------------------------ */

/**
 * Creates an instance: instantiates the module, starts the VM and configures the plugin with the
 * JSON `config` (copied; kept for rebuilds after a trap).
 * Returns the instance, or NULL with *error set to a NUL-terminated message the caller frees with
 * paygress_free() (error may be NULL). A configuration error reads like
 * "invalid plugin configuration: routes[1].price: must be an unsigned integer".
 */
PAYGRESS_API paygress *paygress_create(const char *config, size_t config_len, const paygress_options *opts, char **error);

/** Destroys the instance and every request still open on it. NULL is fine. */
PAYGRESS_API void paygress_destroy(paygress *p);

/**
 * Events (log lines, metric deltas) the module emitted during the last call that took this
 * instance or one of its requests. Returns an array of *count events (NULL when none), valid until
 * the next call on the instance or one of its requests. Read it after every call you care about.
 */
PAYGRESS_API const paygress_event *paygress_events(paygress *p, size_t *count);

/**
 * Prometheus text of the metrics in the instance's store: the shared store when the instance has
 * one (so every instance and process sharing it), else the instance's private store. Caller frees
 * with paygress_free(); NULL on allocation failure.
 */
PAYGRESS_API char *paygress_prometheus(paygress *p, size_t *len);

/** How many times the instance trapped and was rebuilt. */
PAYGRESS_API uint64_t paygress_trap_count(const paygress *p);

/** Bytes of linear memory the module currently has. */
PAYGRESS_API size_t paygress_memory_bytes(const paygress *p);

/* ---- requests ------------------------------------------------------------------------------- */

/** Starts an exchange (proxy-wasm context create). Returns NULL only when out of memory. */
PAYGRESS_API paygress_request *paygress_request_new(paygress *p);

/**
 * The request headers arrived: the gate decides. Returns the decision (owned by `r`); never NULL.
 * Call once per request; a second call returns a RESPOND 500 (internal_error = 1).
 */
PAYGRESS_API const paygress_decision *paygress_request_headers(paygress_request *r, const paygress_request_info *info);

/**
 * The answer to the CALL decision: `status` is the mint's HTTP status, or 0 when the call failed
 * (connection refused, reset, timeout); `body` its body (may be NULL when body_len is 0).
 * Delivered to the module's root context with the call's token, as Envoy does. Returns the next
 * decision (possibly another CALL); never NULL. Without an outstanding CALL it returns a
 * RESPOND 500 (internal_error = 1).
 */
PAYGRESS_API const paygress_decision *paygress_call_response(paygress_request *r, uint32_t status, const char *body, size_t body_len);

/**
 * The upstream answered (call this when its response headers are known, for a request whose
 * decision was CONTINUE): returns the headers to add to the client's response (x-paygress-pass,
 * set-cookie, x-cashu-change, x-paygress-receipt after a payment; none otherwise), *count of them;
 * NULL when none. Owned by `r`, valid until its next call. Add them; do not replace existing
 * headers of the same name (set-cookie may appear alongside the upstream's own).
 */
PAYGRESS_API const paygress_header *paygress_response_headers(paygress_request *r, size_t *count);

/**
 * Ends the exchange: proxy_on_done, proxy_on_log (the module counts the request in its metrics and
 * writes the audit line: read them with paygress_events()), proxy_on_delete; frees `r`.
 * Works at any stage. With a CALL outstanding it behaves like paygress_request_abandon() with
 * status 0 (the host dropped the call). NULL is fine.
 */
PAYGRESS_API void paygress_request_finish(paygress_request *r);

/**
 * The client went away while a CALL was outstanding (NGINX: client abort; Go: the request's
 * context was canceled). `status`/`body` is what the mint answered (status 0 if the host dropped
 * the call). Ends the exchange as Envoy does when a stream is reset - done, log, delete, then the
 * call's answer to the root context - so the module never starts a swap for a client that left
 * (its token stays unspent) and, if the swap was already sent, records what the mint did (audit
 * line; earnings stay restorable either way). Frees `r`. NULL is fine.
 */
PAYGRESS_API void paygress_request_abandon(paygress_request *r, uint32_t status, const char *body, size_t body_len);

#ifdef __cplusplus
}
#endif
#endif /* PAYGRESS_H */
