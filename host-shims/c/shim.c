/*
 * shim.c - the C API (paygress.h) over the wasm2c-translated module: instance lifecycle, the
 * proxy-wasm ABI driven the way Envoy drives it (root context, vm_start, configure; per request:
 * context create, request headers, http call response delivered to the ROOT context, response
 * headers, done, log, delete), decisions assembled from what the module did through the host
 * functions (imports.c), and trap recovery.
 *
 * Every entry into guest code goes through one of the guard functions below: each sets the trap
 * landing point (wasm_rt_impl_try, a setjmp on the thread-local jump buffer) immediately before
 * the call, in its own small frame, so a trap anywhere below - generated code or a host function
 * - returns here as a trap code instead of unwinding into the host.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEFAULT_MAX_MEMORY_MB 128u
#define MAX_CALL_BODY (64u << 20)

/* ---- arena ----------------------------------------------------------------------------------------- */

void *pg_arena_alloc(pg_arena *a, size_t n) {
  n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  pg_block *b = a->cur;
  while (b && b->used + n > b->cap) b = b->next; /* reuse blocks kept by reset */
  if (!b) {
    size_t cap = n > 4000 ? n : 4000;
    b = malloc(sizeof(pg_block) + cap);
    if (!b) return NULL;
    b->cap = cap;
    b->used = 0;
    b->next = NULL;
    if (!a->first) a->first = b;
    else {
      pg_block *t = a->cur ? a->cur : a->first;
      while (t->next) t = t->next;
      t->next = b;
    }
  }
  a->cur = b;
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

char *pg_arena_dup(pg_arena *a, const void *s, size_t n) {
  char *d = pg_arena_alloc(a, n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void pg_arena_reset(pg_arena *a) {
  /* Keep the first block (the common case needs no more); free the rest. */
  if (!a->first) return;
  pg_block *b = a->first->next;
  while (b) {
    pg_block *n = b->next;
    free(b);
    b = n;
  }
  a->first->next = NULL;
  a->first->used = 0;
  a->cur = a->first;
}

void pg_arena_free(pg_arena *a) {
  pg_block *b = a->first;
  while (b) {
    pg_block *n = b->next;
    free(b);
    b = n;
  }
  a->first = a->cur = NULL;
}

/* ---- module-wide initialisation (the only process-wide state: see paygress.h) ---------------------- */

static pthread_once_t module_once = PTHREAD_ONCE_INIT;

static void module_init(void) {
  wasm_rt_init();
  Z_paygress_init_module(); /* registers function types: written once, read-only afterwards */
}

PAYGRESS_API const char *paygress_version(void) {
  return "paygress-native 0.1.0 (proxy-wasm ABI 0.2.0 host; wasm2c 1.0.32, explicit bounds checks, thread-local trap state)";
}

PAYGRESS_API void paygress_free(void *p) { free(p); }

/* ---- guarded entries into the module -------------------------------------------------------------- */

#define GUARD(stmt)                                            \
  do {                                                         \
    wasm_rt_trap_t trap_ = (wasm_rt_trap_t)wasm_rt_impl_try(); \
    if (trap_ != WASM_RT_TRAP_NONE) return trap_;              \
    stmt;                                                      \
  } while (0);                                                 \
  return WASM_RT_TRAP_NONE

static __attribute__((noinline)) wasm_rt_trap_t g_instantiate(struct paygress *p) {
  GUARD(Z_paygress_instantiate(&p->w, &p->envi, &p->wasii));
}

static __attribute__((noinline)) wasm_rt_trap_t g_start(struct paygress *p, uint32_t *ok) {
  GUARD({
    Z_paygressZ_proxy_on_context_create(&p->w, p->root_id, 0);
    *ok = Z_paygressZ_proxy_on_vm_start(&p->w, p->root_id, 0);
    if (*ok) *ok = Z_paygressZ_proxy_on_configure(&p->w, p->root_id, (uint32_t)p->config_len);
  });
}

static __attribute__((noinline)) wasm_rt_trap_t g_request_headers(struct paygress *p, struct paygress_request *r, uint32_t nheaders, uint32_t *status) {
  GUARD({
    if (!r->created) {
      r->created = true;
      Z_paygressZ_proxy_on_context_create(&p->w, r->ctx_id, p->root_id);
    }
    *status = Z_paygressZ_proxy_on_request_headers(&p->w, r->ctx_id, nheaders, 0);
  });
}

static __attribute__((noinline)) wasm_rt_trap_t g_call_response(struct paygress *p, uint32_t token, uint32_t nheaders, uint32_t body_len) {
  GUARD(Z_paygressZ_proxy_on_http_call_response(&p->w, p->root_id, token, nheaders, body_len, 0));
}

static __attribute__((noinline)) wasm_rt_trap_t g_response_headers(struct paygress *p, struct paygress_request *r) {
  GUARD((void)Z_paygressZ_proxy_on_response_headers(&p->w, r->ctx_id, 0, 0));
}

static __attribute__((noinline)) wasm_rt_trap_t g_finish(struct paygress *p, struct paygress_request *r) {
  GUARD({
    (void)Z_paygressZ_proxy_on_done(&p->w, r->ctx_id);
    Z_paygressZ_proxy_on_log(&p->w, r->ctx_id);
    Z_paygressZ_proxy_on_delete(&p->w, r->ctx_id);
  });
}

/* ---- instance life cycle ------------------------------------------------------------------------- */

static void begin(struct paygress *p, struct paygress_request *r, int phase) {
  p->nev = 0;
  pg_arena_reset(&p->ev_arena);
  p->current = r;
  p->phase = phase;
  p->effective_id = r ? r->ctx_id : p->root_id;
}

static void end(struct paygress *p) {
  p->current = NULL;
  p->phase = PH_IDLE;
  p->effective_id = p->root_id;
  p->resp_active = false;
  p->resp_body = NULL;
}

static void teardown(struct paygress *p) {
  if (p->instantiated) Z_paygress_free(&p->w);
  memset(&p->w, 0, sizeof p->w);
  p->instantiated = false;
  p->configured = false;
}

/*
 * (Re)creates the guest: new linear memory, start function, root context, vm_start, configure.
 * Returns 0 on success; -1 if the module trapped; -2 if it refused the configuration.
 */
static int build_guest(struct paygress *p) {
  teardown(p);
  p->generation++;
  p->next_ctx = 2;
  p->envi.p = p;
  p->wasii.p = p;
  int saved_phase = p->phase;
  struct paygress_request *saved = p->current;
  p->phase = PH_START;
  p->current = NULL;
  p->effective_id = p->root_id;
  wasm_rt_trap_t t = g_instantiate(p);
  /* Memory and table exist once instantiate got past allocation; free them even after a trap. */
  p->instantiated = p->w.w2c_memory.data != NULL || p->w.w2c_T0.data != NULL;
  int rc = 0;
  if (t == WASM_RT_TRAP_NONE) {
    if (p->max_pages < p->w.w2c_memory.max_pages) p->w.w2c_memory.max_pages = p->max_pages;
    uint32_t ok = 0;
    t = g_start(p, &ok);
    if (t == WASM_RT_TRAP_NONE && !ok) rc = -2;
    p->configured = t == WASM_RT_TRAP_NONE && ok;
  }
  if (t != WASM_RT_TRAP_NONE) {
    char msg[200];
    int n = snprintf(msg, sizeof msg, "paygress: the module trapped while starting: %s%s%s", wasm_rt_strerror(t),
                     p->trap_note ? "; " : "", p->trap_note ? p->trap_note : "");
    p->trap_note = NULL;
    pg_event_log(p, 5, msg, (size_t)n);
    teardown(p);
    rc = -1;
  }
  p->phase = saved_phase;
  p->current = saved;
  return rc;
}

/* A trap in `what`: log it, rebuild the guest. Requests of the old generation become orphans. */
static void on_trap(struct paygress *p, wasm_rt_trap_t t, const char *what) {
  p->traps++;
  char msg[240];
  int n = snprintf(msg, sizeof msg, "paygress: the module trapped in %s (%s%s%s); instance rebuilt, the request was refused with 503",
                   what, wasm_rt_strerror(t), p->trap_note ? "; " : "", p->trap_note ? p->trap_note : "");
  p->trap_note = NULL;
  pg_event_log(p, 5, msg, (size_t)n);
  build_guest(p);
}

static char *dup_error(const char *prefix, const char *text, size_t len) {
  size_t pl = strlen(prefix);
  char *e = malloc(pl + len + 1);
  if (!e) return NULL;
  memcpy(e, prefix, pl);
  memcpy(e + pl, text, len);
  e[pl + len] = 0;
  return e;
}

PAYGRESS_API paygress *paygress_create(const char *config, size_t config_len, const paygress_options *opts, char **error) {
  if (error) *error = NULL;
  pthread_once(&module_once, module_init);
  static const paygress_options none = {0};
  if (!opts) opts = &none;
  struct paygress *p = calloc(1, sizeof *p);
  if (!p) goto oom;
  p->root_id = 1;
  p->min_log_level = opts->min_log_level;
  p->now_ns = opts->now_ns;
  p->clock_ctx = opts->clock_ctx;
  uint32_t mb = opts->max_memory_mb ? opts->max_memory_mb : DEFAULT_MAX_MEMORY_MB;
  p->max_pages = mb >= 4096 ? 65536 : mb * 16; /* 64 KiB pages */
  p->config = malloc(config_len + 1);
  if (!p->config) goto oom;
  if (config_len) memcpy(p->config, config, config_len);
  p->config[config_len] = 0;
  p->config_len = config_len;
  for (size_t i = 0; i < opts->env_count; i++) {
    if (!opts->env[i] || !strchr(opts->env[i], '=')) continue;
    size_t l = strlen(opts->env[i]) + 1;
    char *nb = realloc(p->env_block, p->env_size + l);
    if (!nb) goto oom;
    p->env_block = nb;
    memcpy(p->env_block + p->env_size, opts->env[i], l);
    p->env_size += l;
    p->env_count++;
  }
  if (opts->shared) {
    p->store = opts->shared;
  } else {
    p->store = pg_store_private(1024, 1024);
    if (!p->store) goto oom;
    p->own_store = true;
  }
  begin(p, NULL, PH_START);
  int rc = build_guest(p);
  if (rc != 0) {
    /* The one critical line the module (or the trap handler) wrote says what is wrong. */
    const char *why = "the module refused the configuration";
    size_t wl = strlen(why);
    for (size_t i = 0; i < p->nev; i++) {
      if (p->ev[i].kind == PAYGRESS_EVENT_LOG && p->ev[i].level >= 4) { why = p->ev[i].text; wl = p->ev[i].text_len; }
    }
    if (wl > 10 && memcmp(why, "paygress: ", 10) == 0) why += 10, wl -= 10;
    if (error) *error = dup_error("", why, wl);
    paygress_destroy(p);
    return NULL;
  }
  end(p);
  return p;
oom:
  if (error) *error = dup_error("", "out of memory", 13);
  paygress_destroy(p);
  return NULL;
}

static void request_free(struct paygress_request *r) {
  pg_arena_free(&r->arena);
  pg_arena_free(&r->rh_arena);
  pg_arena_free(&r->ch_arena);
  free(r->rh);
  free(r->ch);
  free(r);
}

static void unlink_request(struct paygress_request *r) {
  struct paygress *p = r->p;
  if (r->prev) r->prev->next = r->next;
  else if (p && p->open == r) p->open = r->next;
  if (r->next) r->next->prev = r->prev;
  r->prev = r->next = NULL;
}

PAYGRESS_API void paygress_destroy(paygress *p) {
  if (!p) return;
  while (p->open) {
    struct paygress_request *r = p->open;
    unlink_request(r);
    request_free(r);
  }
  teardown(p);
  if (p->own_store) pg_store_release(p->store);
  pg_arena_free(&p->ev_arena);
  free(p->ev);
  free(p->pairs_buf);
  free(p->env_block);
  free(p->config);
  free(p);
}

PAYGRESS_API const paygress_event *paygress_events(paygress *p, size_t *count) {
  if (count) *count = p ? p->nev : 0;
  return p && p->nev ? p->ev : NULL;
}

PAYGRESS_API char *paygress_prometheus(paygress *p, size_t *len) {
  return paygress_shared_prometheus(p ? p->store : NULL, len);
}

PAYGRESS_API uint64_t paygress_trap_count(const paygress *p) { return p ? p->traps : 0; }

PAYGRESS_API size_t paygress_memory_bytes(const paygress *p) {
  return p && p->instantiated ? p->w.w2c_memory.size : 0;
}

/* ---- requests ---------------------------------------------------------------------------------- */

PAYGRESS_API paygress_request *paygress_request_new(paygress *p) {
  if (!p) return NULL;
  struct paygress_request *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->p = p;
  r->next = p->open;
  if (p->open) p->open->prev = r;
  p->open = r;
  return r;
}

/* A RESPOND the library makes itself (trap, misuse); static strings, nothing to free. */
static const paygress_decision *internal_response(struct paygress_request *r, uint32_t status, const char *body) {
  static const paygress_header h503[] = {
      {"content-type", 12, "application/json", 16},
      {"retry-after", 11, "1", 1},
  };
  paygress_decision *d = &r->d;
  memset(d, 0, sizeof *d);
  d->kind = PAYGRESS_RESPOND;
  d->status = status;
  d->headers = h503;
  d->header_count = status == 503 ? 2 : 1;
  d->body = body;
  d->body_len = strlen(body);
  d->internal_error = 1;
  return d;
}

#define BODY_TRAP "{\"error\":\"internal_error\",\"message\":\"the payment gate hit an internal error and was restarted; nothing was granted, try again\"}"
#define BODY_DOWN "{\"error\":\"internal_error\",\"message\":\"the payment gate is not running; try again\"}"
#define BODY_MISUSE "{\"error\":\"internal_error\",\"message\":\"the payment gate was driven out of order by its host\"}"
#define BODY_UNDECIDED "{\"error\":\"internal_error\",\"message\":\"the payment gate paused the request without a decision\"}"

static void reset_call_state(struct paygress_request *r) {
  pg_arena_reset(&r->arena);
  memset(&r->d, 0, sizeof r->d);
  r->local_sent = r->call_made = r->continue_called = false;
}

/* Turns what the module did during this call into a decision. */
static const paygress_decision *decide(struct paygress_request *r, bool continued_by_status) {
  if (r->local_sent) return &r->d;
  if (r->call_made) {
    r->call_pending = true;
    return &r->d;
  }
  if (continued_by_status || r->continue_called) {
    memset(&r->d, 0, sizeof r->d);
    r->d.kind = PAYGRESS_CONTINUE;
    r->d.request_changes = r->nch ? r->ch : NULL;
    r->d.request_change_count = r->nch;
    r->continued = true;
    return &r->d;
  }
  return internal_response(r, 500, BODY_UNDECIDED);
}

/* Ensures a live guest; false when it cannot be (re)built. */
static bool ensure_guest(struct paygress *p) {
  if (p->instantiated) return true;
  build_guest(p);
  return p->instantiated;
}

PAYGRESS_API const paygress_decision *paygress_request_headers(paygress_request *r, const paygress_request_info *info) {
  struct paygress *p = r->p;
  begin(p, r, PH_REQUEST_HEADERS);
  reset_call_state(r);
  const paygress_decision *d;
  if (r->headers_done || !info) {
    d = internal_response(r, 500, BODY_MISUSE);
  } else if (!ensure_guest(p)) {
    r->headers_done = true;
    d = internal_response(r, 503, BODY_DOWN);
  } else {
    r->headers_done = true;
    r->generation = p->generation;
    r->ctx_id = p->next_ctx++;
    if (r->ctx_id < 2) {
      r->ctx_id = 2;
      p->next_ctx = 3;
    }
    p->effective_id = r->ctx_id;
    r->info = info;
    uint32_t n = 0;
    n += info->method != NULL;
    n += info->path != NULL;
    n += info->authority != NULL;
    n += info->scheme != NULL;
    n += info->headers ? (uint32_t)info->header_count : 0;
    uint32_t status = 1;
    wasm_rt_trap_t t = g_request_headers(p, r, n, &status);
    r->info = NULL;
    if (t != WASM_RT_TRAP_NONE) {
      on_trap(p, t, "request headers");
      d = internal_response(r, 503, BODY_TRAP);
    } else {
      d = decide(r, status == 0);
    }
  }
  end(p);
  return d;
}

PAYGRESS_API const paygress_decision *paygress_call_response(paygress_request *r, uint32_t status, const char *body, size_t body_len) {
  struct paygress *p = r->p;
  begin(p, r, PH_CALL_RESPONSE);
  reset_call_state(r);
  const paygress_decision *d;
  if (!r->call_pending) {
    d = internal_response(r, 500, BODY_MISUSE);
  } else if (r->generation != p->generation || !p->instantiated) {
    r->call_pending = false;
    d = internal_response(r, 503, BODY_TRAP); /* its instance was rebuilt meanwhile */
  } else {
    r->call_pending = false;
    if (body_len > MAX_CALL_BODY) {
      static const char w[] = "paygress: mint response body over 64 MiB treated as a failed call";
      pg_event_log(p, 3, w, sizeof w - 1);
      status = 0;
    }
    p->resp_active = true;
    p->resp_status = status;
    p->resp_body = status ? body : NULL;
    p->resp_body_len = status && body ? body_len : 0;
    wasm_rt_trap_t t = g_call_response(p, r->call_token, status ? 1 : 0, (uint32_t)p->resp_body_len);
    p->resp_active = false;
    if (t != WASM_RT_TRAP_NONE) {
      on_trap(p, t, "http call response");
      d = internal_response(r, 503, BODY_TRAP);
    } else {
      d = decide(r, false);
    }
  }
  end(p);
  return d;
}

PAYGRESS_API const paygress_header *paygress_response_headers(paygress_request *r, size_t *count) {
  struct paygress *p = r->p;
  if (!r->response_done) {
    r->response_done = true;
    begin(p, r, PH_RESPONSE_HEADERS);
    if (r->continued && r->generation == p->generation && p->instantiated) {
      wasm_rt_trap_t t = g_response_headers(p, r);
      if (t != WASM_RT_TRAP_NONE) {
        r->nrh = 0;
        on_trap(p, t, "response headers");
      }
    }
    end(p);
  }
  if (count) *count = r->nrh;
  return r->nrh ? r->rh : NULL;
}

/*
 * Ends an exchange the way Envoy does when a stream goes away: proxy_on_done, proxy_on_log,
 * proxy_on_delete; then, if a mint call was outstanding, its answer is delivered to the root
 * context (status 0 when the host dropped the call). The context is gone by then
 * (proxy_set_effective_context to it fails, as in Envoy): the module starts nothing new for it
 * (never a swap for a client that left) and records the outcome of a swap already sent.
 */
static void end_exchange(struct paygress_request *r, bool answer, uint32_t status, const char *body, size_t body_len) {
  struct paygress *p = r->p;
  begin(p, r, PH_FINISH);
  if (r->created && r->generation == p->generation && p->instantiated) {
    wasm_rt_trap_t t = g_finish(p, r);
    if (t != WASM_RT_TRAP_NONE) on_trap(p, t, "done/log/delete");
    if (r->call_pending && r->generation == p->generation && p->instantiated) {
      r->call_pending = false;
      reset_call_state(r);
      p->current = NULL; /* the stream no longer exists */
      p->effective_id = p->root_id;
      p->phase = PH_CALL_RESPONSE;
      if (!answer || body_len > MAX_CALL_BODY) status = 0;
      p->resp_active = true;
      p->resp_status = status;
      p->resp_body = status ? body : NULL;
      p->resp_body_len = status && body ? body_len : 0;
      t = g_call_response(p, r->call_token, status ? 1 : 0, (uint32_t)p->resp_body_len);
      p->resp_active = false;
      if (t != WASM_RT_TRAP_NONE) on_trap(p, t, "http call response (client gone)");
    }
  }
  end(p);
  unlink_request(r);
  request_free(r);
}

PAYGRESS_API void paygress_request_finish(paygress_request *r) {
  if (!r) return;
  end_exchange(r, false, 0, NULL, 0);
}

PAYGRESS_API void paygress_request_abandon(paygress_request *r, uint32_t status, const char *body, size_t body_len) {
  if (!r) return;
  end_exchange(r, true, status, body, body_len);
}
