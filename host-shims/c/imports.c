/*
 * imports.c - the host functions paygress.wasm imports, in C: env.proxy_* (proxy-wasm ABI 0.2)
 * and wasi_snapshot_preview1.*. wasm2c calls them with the instance's `struct Z_env_instance_t*`
 * (our back pointer to the `paygress` instance), so nothing here is process-global.
 *
 * Every guest pointer/length is bounds-checked against the current linear memory before use
 * (WasmResult InvalidMemoryAccess / WASI EFAULT otherwise). Values handed to the guest are copied
 * into memory allocated with the module's own `malloc` export; that call may grow memory (moving
 * it: pointers into it are re-derived afterwards) or trap (a longjmp to the API call's guard: no
 * function here holds a lock or heap memory across it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "internal.h"

/* ---- guest memory ------------------------------------------------------------------------------ */

static inline wasm_rt_memory_t *mem(struct paygress *p) { return &p->w.w2c_memory; }

/* Host pointer to guest bytes [ptr, ptr+len), or NULL when out of bounds. */
static inline uint8_t *gptr(struct paygress *p, uint32_t ptr, uint64_t len) {
  wasm_rt_memory_t *m = mem(p);
  if ((uint64_t)ptr + len > m->size) return NULL;
  return m->data + ptr;
}

static inline bool gput32(struct paygress *p, uint32_t ptr, uint32_t v) {
  uint8_t *d = gptr(p, ptr, 4);
  if (!d) return false;
  memcpy(d, &v, 4); /* little-endian hosts only (x86-64, arm64) */
  return true;
}

static inline bool gput64(struct paygress *p, uint32_t ptr, uint64_t v) {
  uint8_t *d = gptr(p, ptr, 8);
  if (!d) return false;
  memcpy(d, &v, 8);
  return true;
}

/*
 * Copies host bytes (never guest memory: malloc may move it) into a fresh guest allocation and
 * writes its address and size to *ptr_out and *size_out. Empty values are (0, 0), as in Envoy.
 */
static int give(struct paygress *p, const void *data, size_t len, uint32_t ptr_out, uint32_t size_out) {
  if (!gptr(p, ptr_out, 4) || !gptr(p, size_out, 4)) return WR_INVALID_MEMORY_ACCESS;
  if (len > 0x7fffffff) return WR_BAD_ARGUMENT;
  uint32_t g = 0;
  if (len > 0) {
    g = Z_paygressZ_malloc(&p->w, (uint32_t)len); /* may trap (memory limit): we hold nothing */
    uint8_t *d = gptr(p, g, len);
    if (g == 0 || !d) return WR_INTERNAL_FAILURE;
    memcpy(d, data, len);
  }
  gput32(p, ptr_out, g);
  gput32(p, size_out, (uint32_t)len);
  return WR_OK;
}

/* ---- events ------------------------------------------------------------------------------------ */

static paygress_event *event_slot(struct paygress *p) {
  if (p->nev == p->capev) {
    size_t cap = p->capev ? p->capev * 2 : 16;
    paygress_event *n = realloc(p->ev, cap * sizeof *n);
    if (!n) return NULL;
    p->ev = n;
    p->capev = cap;
  }
  paygress_event *e = &p->ev[p->nev++];
  memset(e, 0, sizeof *e);
  return e;
}

void pg_event_log(struct paygress *p, int level, const char *text, size_t len) {
  if (level < p->min_log_level) return;
  char *copy = pg_arena_dup(&p->ev_arena, text, len);
  if (!copy) return;
  paygress_event *e = event_slot(p);
  if (!e) return;
  e->kind = PAYGRESS_EVENT_LOG;
  e->level = level;
  e->text = copy;
  e->text_len = len;
}

static void event_metric(struct paygress *p, int kind, const char *name, size_t nlen, const char *labels, size_t llen, int64_t v) {
  paygress_event *e = event_slot(p);
  if (!e) return;
  e->kind = kind;
  e->text = name; /* store slot strings: stable for the store's lifetime */
  e->text_len = nlen;
  e->labels = labels;
  e->labels_len = llen;
  e->value = v;
}

uint64_t pg_now_ns(struct paygress *p) {
  if (p->now_ns) return p->now_ns(p->clock_ctx);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- header maps ------------------------------------------------------------------------------- */

static bool name_is(const uint8_t *k, uint32_t klen, const char *lit, size_t n) {
  if (klen != n) return false;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = k[i];
    if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
    if (c != (uint8_t)lit[i]) return false;
  }
  return true;
}
#define NAME_IS(k, klen, lit) name_is(k, klen, lit, sizeof(lit) - 1)

/* The request's pseudo-headers (from the info's fields) and then its headers, as one list. */
typedef struct { const char *k; size_t kl; const char *v; size_t vl; } pg_kv_ref;

static size_t pseudo_headers(const paygress_request_info *in, pg_kv_ref e[4]) {
  size_t n = 0;
#define PG_PAIR(name, val, len) if (val) { e[n].k = name; e[n].kl = sizeof(name) - 1; e[n].v = val; e[n].vl = len; n++; }
  PG_PAIR(":path", in->path, in->path_len)
  PG_PAIR(":method", in->method, in->method_len)
  PG_PAIR(":authority", in->authority, in->authority_len)
  PG_PAIR(":scheme", in->scheme, in->scheme_len)
#undef PG_PAIR
  return n;
}

/* The first value of request header `k` (pseudo-headers included), from the host's info. */
static bool request_header(const paygress_request_info *in, const uint8_t *k, uint32_t klen, const char **v, size_t *vlen) {
  pg_kv_ref e[4];
  size_t n = pseudo_headers(in, e);
  for (size_t i = 0; i < n; i++) {
    if (name_is(k, klen, e[i].k, e[i].kl)) { *v = e[i].v; *vlen = e[i].vl; return true; }
  }
  for (size_t i = 0; in->headers && i < in->header_count; i++) {
    const paygress_header *h = &in->headers[i];
    if (!h->name || h->name_len != klen) continue;
    bool same = true;
    for (size_t j = 0; j < klen && same; j++) {
      uint8_t a = (uint8_t)h->name[j], b = k[j];
      if (a >= 'A' && a <= 'Z') a = (uint8_t)(a + 32);
      if (b >= 'A' && b <= 'Z') b = (uint8_t)(b + 32);
      same = a == b;
    }
    if (same) { *v = h->value ? h->value : ""; *vlen = h->value ? h->value_len : 0; return true; }
  }
  return false;
}

u32 Z_envZ_proxy_get_header_map_value(struct Z_env_instance_t *env, u32 map, u32 kptr, u32 klen, u32 vptr_out, u32 vsize_out) {
  struct paygress *p = env->p;
  const uint8_t *k = gptr(p, kptr, klen);
  if (!k) return WR_INVALID_MEMORY_ACCESS;
  char kbuf[256];
  if (klen > sizeof kbuf) return WR_NOT_FOUND;
  memcpy(kbuf, k, klen);                         /* guest memory may move during give() */
  const char *v = NULL;
  size_t vlen = 0;
  char status[12];
  if (map == MAP_REQUEST_HEADERS) {
    struct paygress_request *r = p->current;
    if (!r || !r->info || !request_header(r->info, (const uint8_t *)kbuf, klen, &v, &vlen)) return WR_NOT_FOUND;
  } else if (map == MAP_HTTP_CALL_RESPONSE_HEADERS) {
    if (!p->resp_active || p->resp_status == 0 || !NAME_IS((const uint8_t *)kbuf, klen, ":status")) return WR_NOT_FOUND;
    int n = snprintf(status, sizeof status, "%u", p->resp_status);
    v = status;
    vlen = (size_t)n;
  } else if (map == MAP_RESPONSE_HEADERS) {
    return WR_NOT_FOUND; /* the host does not hand the upstream's headers to the gate */
  } else {
    return WR_BAD_ARGUMENT;
  }
  return give(p, v ? v : "", vlen, vptr_out, vsize_out);
}

/*
 * proxy_get_header_map_pairs(map, ptr_out, size_out): the request's pseudo-headers and every header
 * the host gave, in the proxy-wasm pairs format (u32 count, then u32 name/value lengths, then
 * NUL-terminated names and values), in one guest allocation. The gate reads all request headers
 * with this one call.
 */
u32 Z_envZ_proxy_get_header_map_pairs(struct Z_env_instance_t *env, u32 map, u32 ptr_out, u32 size_out) {
  struct paygress *p = env->p;
  if (map != MAP_REQUEST_HEADERS) return WR_BAD_ARGUMENT;
  struct paygress_request *r = p->current;
  if (!r || !r->info) return WR_NOT_FOUND;
  const paygress_request_info *in = r->info;
  pg_kv_ref e[4];
  size_t n = pseudo_headers(in, e);
  size_t extra = in->headers ? in->header_count : 0;
  size_t count = n + extra;
  if (count > 4096) return WR_BAD_ARGUMENT;
  size_t len = 4 + count * 8;
  for (size_t i = 0; i < n; i++) len += e[i].kl + e[i].vl + 2;
  for (size_t i = 0; i < extra; i++) {
    const paygress_header *h = &in->headers[i];
    if (!h->name || (!h->value && h->value_len)) return WR_BAD_ARGUMENT;
    len += h->name_len + h->value_len + 2;
  }
  if (len > 0x7fffffff) return WR_BAD_ARGUMENT;
  if (p->pairs_cap > 65536 && len <= 65536) { /* do not keep a huge buffer after one huge request */
    free(p->pairs_buf);
    p->pairs_buf = NULL;
    p->pairs_cap = 0;
  }
  if (len > p->pairs_cap) {
    size_t cap = len < 1024 ? 1024 : len;
    uint8_t *nb = realloc(p->pairs_buf, cap);
    if (!nb) return WR_INTERNAL_FAILURE;
    p->pairs_buf = nb;
    p->pairs_cap = cap;
  }
  uint8_t *buf = p->pairs_buf;
  uint32_t c32 = (uint32_t)count;
  memcpy(buf, &c32, 4);
  uint8_t *sizes = buf + 4, *data = buf + 4 + count * 8;
  for (size_t i = 0; i < count; i++) {
    const char *k, *v;
    size_t kl, vl;
    if (i < n) k = e[i].k, kl = e[i].kl, v = e[i].v, vl = e[i].vl;
    else k = in->headers[i - n].name, kl = in->headers[i - n].name_len, v = in->headers[i - n].value, vl = in->headers[i - n].value_len;
    uint32_t k32 = (uint32_t)kl, v32 = (uint32_t)vl;
    memcpy(sizes + i * 8, &k32, 4);
    memcpy(sizes + i * 8 + 4, &v32, 4);
    memcpy(data, k, kl);
    data[kl] = 0;
    data += kl + 1;
    if (vl) memcpy(data, v, vl);
    data[vl] = 0;
    data += vl + 1;
  }
  return (u32)give(p, buf, len, ptr_out, size_out); /* may trap: buf stays owned by p */
}

/*
 * A change to the request the gate asks for (replace: value set; remove: value NULL), recorded in
 * the request and handed to the host with the CONTINUE decision. A later change of the same header
 * replaces an earlier one.
 */
static u32 record_request_change(struct paygress *p, u32 map, u32 kptr, u32 klen, const uint8_t *v, u32 vlen) {
  struct paygress_request *r = p->current;
  if (map != MAP_REQUEST_HEADERS || !r || (p->phase != PH_REQUEST_HEADERS && p->phase != PH_CALL_RESPONSE)) return WR_BAD_ARGUMENT;
  const uint8_t *k = gptr(p, kptr, klen);
  if (!k) return WR_INVALID_MEMORY_ACCESS;
  char *kc = pg_arena_dup(&r->ch_arena, k, klen);
  char *vc = v ? pg_arena_dup(&r->ch_arena, v, vlen) : NULL;
  if (!kc || (v && !vc)) return WR_INTERNAL_FAILURE;
  for (size_t i = 0; i < r->nch; i++) {
    if (name_is((const uint8_t *)kc, klen, r->ch[i].name, r->ch[i].name_len)) {
      r->ch[i] = (paygress_header){kc, klen, vc, v ? vlen : 0};
      return WR_OK;
    }
  }
  if (r->nch == r->capch) {
    size_t cap = r->capch ? r->capch * 2 : 4;
    paygress_header *nb = realloc(r->ch, cap * sizeof *nb);
    if (!nb) return WR_INTERNAL_FAILURE;
    r->ch = nb;
    r->capch = cap;
  }
  r->ch[r->nch++] = (paygress_header){kc, klen, vc, v ? vlen : 0};
  return WR_OK;
}

/* proxy_replace_header_map_value(map, key, value): request headers only (see record_request_change). */
u32 Z_envZ_proxy_replace_header_map_value(struct Z_env_instance_t *env, u32 map, u32 kptr, u32 klen, u32 vptr, u32 vlen) {
  struct paygress *p = env->p;
  const uint8_t *v = gptr(p, vptr, vlen);
  if (!v) return WR_INVALID_MEMORY_ACCESS;
  return record_request_change(p, map, kptr, klen, v, vlen);
}

/* proxy_remove_header_map_value(map, key): request headers only (see record_request_change). */
u32 Z_envZ_proxy_remove_header_map_value(struct Z_env_instance_t *env, u32 map, u32 kptr, u32 klen) {
  return record_request_change(env->p, map, kptr, klen, NULL, 0);
}

u32 Z_envZ_proxy_add_header_map_value(struct Z_env_instance_t *env, u32 map, u32 kptr, u32 klen, u32 vptr, u32 vlen) {
  struct paygress *p = env->p;
  struct paygress_request *r = p->current;
  if (map != MAP_RESPONSE_HEADERS || !r || p->phase != PH_RESPONSE_HEADERS) return WR_BAD_ARGUMENT;
  const uint8_t *k = gptr(p, kptr, klen), *v = gptr(p, vptr, vlen);
  if (!k || !v) return WR_INVALID_MEMORY_ACCESS;
  if (r->nrh == r->caprh) {
    size_t cap = r->caprh ? r->caprh * 2 : 8;
    paygress_header *n = realloc(r->rh, cap * sizeof *n);
    if (!n) return WR_INTERNAL_FAILURE;
    r->rh = n;
    r->caprh = cap;
  }
  char *kc = pg_arena_dup(&r->rh_arena, k, klen);
  char *vc = pg_arena_dup(&r->rh_arena, v, vlen);
  if (!kc || !vc) return WR_INTERNAL_FAILURE;
  r->rh[r->nrh++] = (paygress_header){kc, klen, vc, vlen};
  return WR_OK;
}

/*
 * Parses proxy-wasm serialized pairs (u32 count, count x (u32 klen, u32 vlen), then each key and
 * value followed by a NUL) from guest memory into arena-owned headers. Returns false on any
 * inconsistency.
 */
static bool parse_pairs(struct paygress *p, pg_arena *a, u32 ptr, u32 len, paygress_header **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (len == 0) return true;
  const uint8_t *b = gptr(p, ptr, len);
  if (!b || len < 4) return false;
  uint32_t n;
  memcpy(&n, b, 4);
  if (n > (len - 4) / 8) return false;
  paygress_header *h = n ? pg_arena_alloc(a, n * sizeof *h) : NULL;
  if (n && !h) return false;
  uint64_t off = 4 + (uint64_t)n * 8;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t kl, vl;
    memcpy(&kl, b + 4 + i * 8, 4);
    memcpy(&vl, b + 8 + i * 8, 4);
    if (off + kl + 1 + vl + 1 > len) return false;
    h[i].name = pg_arena_dup(a, b + off, kl);
    h[i].name_len = kl;
    off += kl + 1;
    h[i].value = pg_arena_dup(a, b + off, vl);
    h[i].value_len = vl;
    off += vl + 1;
    if (!h[i].name || !h[i].value) return false;
  }
  *out = h;
  *count = n;
  return true;
}

/* ---- request stream control -------------------------------------------------------------------- */

u32 Z_envZ_proxy_send_local_response(struct Z_env_instance_t *env, u32 status, u32 dptr, u32 dlen, u32 bptr, u32 blen,
                                     u32 hptr, u32 hlen, u32 grpc) {
  (void)grpc;
  struct paygress *p = env->p;
  struct paygress_request *r = p->current;
  if (!r || (p->effective_id != r->ctx_id && p->effective_id != p->root_id)) return WR_NOT_FOUND;
  if (!gptr(p, dptr, dlen)) return WR_INVALID_MEMORY_ACCESS;
  const uint8_t *body = gptr(p, bptr, blen);
  if (!body) return WR_INVALID_MEMORY_ACCESS;
  paygress_header *h;
  size_t n;
  if (!parse_pairs(p, &r->arena, hptr, hlen, &h, &n)) return WR_BAD_ARGUMENT;
  char *bc = pg_arena_dup(&r->arena, body, blen);
  if (!bc) return WR_INTERNAL_FAILURE;
  paygress_decision *d = &r->d;
  memset(d, 0, sizeof *d);
  d->kind = PAYGRESS_RESPOND;
  d->status = status;
  d->headers = h;
  d->header_count = n;
  d->body = bc;
  d->body_len = blen;
  r->local_sent = true;
  return WR_OK;
}

u32 Z_envZ_proxy_continue_stream(struct Z_env_instance_t *env, u32 stream) {
  struct paygress *p = env->p;
  if (!p->current) return WR_NOT_FOUND;
  if (stream != 0) return WR_BAD_ARGUMENT; /* only the request stream is ever paused */
  p->current->continue_called = true;
  return WR_OK;
}

u32 Z_envZ_proxy_set_effective_context(struct Z_env_instance_t *env, u32 id) {
  struct paygress *p = env->p;
  if (id != p->root_id && !(p->current && p->current->ctx_id == id)) return WR_BAD_ARGUMENT;
  p->effective_id = id;
  return WR_OK;
}

/* ---- mint calls ---------------------------------------------------------------------------------- */

u32 Z_envZ_proxy_http_call(struct Z_env_instance_t *env, u32 cptr, u32 clen, u32 hptr, u32 hlen, u32 bptr, u32 blen,
                           u32 tptr, u32 tlen, u32 timeout_ms, u32 token_out) {
  (void)tptr;
  (void)tlen; /* trailers: none for HTTP/1.1 calls */
  struct paygress *p = env->p;
  struct paygress_request *r = p->current;
  if (!r || r->call_made || r->call_pending || r->local_sent) return WR_BAD_ARGUMENT;
  const uint8_t *cluster = gptr(p, cptr, clen), *body = gptr(p, bptr, blen);
  if (!cluster || !body || !gptr(p, token_out, 4)) return WR_INVALID_MEMORY_ACCESS;
  paygress_header *h;
  size_t n;
  if (!parse_pairs(p, &r->arena, hptr, hlen, &h, &n)) return WR_BAD_ARGUMENT;
  paygress_decision *d = &r->d;
  memset(d, 0, sizeof *d);
  d->kind = PAYGRESS_CALL;
  /* Pseudo-headers become fields; the rest stay headers, in order. */
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *k = (const uint8_t *)h[i].name;
    if (NAME_IS(k, h[i].name_len, ":method")) d->method = h[i].value, d->method_len = h[i].value_len;
    else if (NAME_IS(k, h[i].name_len, ":path")) d->path = h[i].value, d->path_len = h[i].value_len;
    else if (NAME_IS(k, h[i].name_len, ":authority")) d->authority = h[i].value, d->authority_len = h[i].value_len;
    else if (h[i].name_len > 0 && h[i].name[0] == ':') continue;
    else h[kept++] = h[i];
  }
  if (!d->method || !d->path) return WR_BAD_ARGUMENT;
  d->headers = kept ? h : NULL;
  d->header_count = kept;
  d->cluster = pg_arena_dup(&r->arena, cluster, clen);
  d->cluster_len = clen;
  d->body = pg_arena_dup(&r->arena, body, blen);
  d->body_len = blen;
  if (!d->cluster || !d->body) return WR_INTERNAL_FAILURE;
  if (!d->authority) d->authority = "", d->authority_len = 0;
  d->timeout_ms = timeout_ms;
  uint32_t token = ++p->next_token;
  if (token == 0) token = ++p->next_token;
  r->call_token = token;
  r->call_made = true;
  gput32(p, token_out, token);
  return WR_OK;
}

/* ---- buffers and properties ---------------------------------------------------------------------- */

u32 Z_envZ_proxy_get_buffer_bytes(struct Z_env_instance_t *env, u32 type, u32 start, u32 max, u32 ptr_out, u32 size_out) {
  struct paygress *p = env->p;
  const char *buf;
  size_t len;
  if (type == BUF_PLUGIN_CONFIGURATION) {
    buf = p->config;
    len = p->config_len;
  } else if (type == BUF_HTTP_CALL_RESPONSE_BODY) {
    if (!p->resp_active) return WR_NOT_FOUND;
    buf = p->resp_body;
    len = p->resp_body_len;
  } else if (type == BUF_VM_CONFIGURATION) {
    buf = "";
    len = 0;
  } else {
    return WR_NOT_FOUND;
  }
  if (start > len) return WR_BAD_ARGUMENT;
  size_t n = len - start;
  if (n > max) n = max;
  return give(p, buf ? buf + start : "", n, ptr_out, size_out);
}

u32 Z_envZ_proxy_get_property(struct Z_env_instance_t *env, u32 pptr, u32 plen, u32 vptr_out, u32 vsize_out) {
  struct paygress *p = env->p;
  const uint8_t *path = gptr(p, pptr, plen);
  if (!path) return WR_INVALID_MEMORY_ACCESS;
  /* Paths are segments separated by NULs; the module asks for its root id only. */
  if (NAME_IS(path, plen, "plugin_root_id") || NAME_IS(path, plen, "plugin_name")) {
    static const char root_id[] = "paygress";
    return give(p, root_id, sizeof root_id - 1, vptr_out, vsize_out);
  }
  return WR_NOT_FOUND;
}

/* ---- logging, time, metrics, shared data --------------------------------------------------------- */

u32 Z_envZ_proxy_log(struct Z_env_instance_t *env, u32 level, u32 ptr, u32 len) {
  struct paygress *p = env->p;
  const uint8_t *m = gptr(p, ptr, len);
  if (!m) return WR_INVALID_MEMORY_ACCESS;
  pg_event_log(p, (int)level, (const char *)m, len);
  return WR_OK;
}

u32 Z_envZ_proxy_get_current_time_nanoseconds(struct Z_env_instance_t *env, u32 out) {
  struct paygress *p = env->p;
  return gput64(p, out, pg_now_ns(p)) ? WR_OK : WR_INVALID_MEMORY_ACCESS;
}

u32 Z_envZ_proxy_define_metric(struct Z_env_instance_t *env, u32 type, u32 nptr, u32 nlen, u32 id_out) {
  struct paygress *p = env->p;
  const uint8_t *n = gptr(p, nptr, nlen);
  if (!n || !gptr(p, id_out, 4)) return WR_INVALID_MEMORY_ACCESS;
  uint32_t id;
  int rc = pg_store_metric_define(p->store, (int)type, (const char *)n, nlen, &id);
  if (rc != WR_OK) return (u32)rc;
  gput32(p, id_out, id);
  return WR_OK;
}

static u32 metric(struct paygress *p, u32 id, int64_t v, bool record) {
  const char *name, *labels;
  size_t nl, ll;
  int type = pg_store_metric_apply(p->store, id, v, record, &name, &nl, &labels, &ll);
  if (type < 0) return WR_NOT_FOUND;
  int kind = type == METRIC_HISTOGRAM && record ? PAYGRESS_EVENT_HISTOGRAM
           : type == METRIC_GAUGE && record    ? PAYGRESS_EVENT_GAUGE
                                               : PAYGRESS_EVENT_COUNTER;
  event_metric(p, kind, name, nl, labels, ll, v);
  return WR_OK;
}

u32 Z_envZ_proxy_increment_metric(struct Z_env_instance_t *env, u32 id, u64 delta) {
  return metric(env->p, id, (int64_t)delta, false);
}

u32 Z_envZ_proxy_record_metric(struct Z_env_instance_t *env, u32 id, u64 value) {
  return metric(env->p, id, (int64_t)value, true);
}

u32 Z_envZ_proxy_get_shared_data(struct Z_env_instance_t *env, u32 kptr, u32 klen, u32 vptr_out, u32 vsize_out, u32 cas_out) {
  struct paygress *p = env->p;
  const uint8_t *k = gptr(p, kptr, klen);
  if (!k || !gptr(p, cas_out, 4)) return WR_INVALID_MEMORY_ACCESS;
  if (klen > PG_KEY_MAX) return WR_NOT_FOUND;
  char key[PG_KEY_MAX];
  unsigned char val[PG_VAL_MAX];
  memcpy(key, k, klen);
  size_t vlen = 0;
  uint32_t cas = 0;
  int rc = pg_store_get(p->store, key, klen, val, &vlen, &cas); /* lock taken and released inside */
  if (rc != WR_OK) return (u32)rc;
  rc = give(p, val, vlen, vptr_out, vsize_out); /* may run guest code: after the lock */
  if (rc != WR_OK) return (u32)rc;
  gput32(p, cas_out, cas);
  return WR_OK;
}

u32 Z_envZ_proxy_set_shared_data(struct Z_env_instance_t *env, u32 kptr, u32 klen, u32 vptr, u32 vlen, u32 cas) {
  struct paygress *p = env->p;
  const uint8_t *k = gptr(p, kptr, klen), *v = gptr(p, vptr, vlen);
  if (!k || !v) return WR_INVALID_MEMORY_ACCESS;
  if (klen > PG_KEY_MAX || vlen > PG_VAL_MAX) return WR_BAD_ARGUMENT;
  return (u32)pg_store_set(p->store, (const char *)k, klen, v, vlen, cas);
}

/* ---- WASI ---------------------------------------------------------------------------------------- */

u32 Z_wasi_snapshot_preview1Z_random_get(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptr, u32 len) {
  struct paygress *p = wasi->p;
  uint8_t *d = gptr(p, ptr, len);
  if (!d) return WASI_EFAULT;
  size_t got = 0;
  while (got < len) {
    ssize_t n = getrandom(d + got, len - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return WASI_EIO; /* the module then refuses to build change outputs (fails closed) */
    }
    got += (size_t)n;
  }
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 count_out, u32 size_out) {
  struct paygress *p = wasi->p;
  if (!gptr(p, count_out, 4) || !gptr(p, size_out, 4)) return WASI_EFAULT;
  gput32(p, count_out, p->env_count);
  gput32(p, size_out, (uint32_t)p->env_size);
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptrs, u32 buf) {
  struct paygress *p = wasi->p;
  if (!gptr(p, ptrs, (uint64_t)p->env_count * 4)) return WASI_EFAULT;
  uint8_t *b = gptr(p, buf, p->env_size);
  if (!b) return WASI_EFAULT;
  if (p->env_size) memcpy(b, p->env_block, p->env_size);
  size_t off = 0;
  for (uint32_t i = 0; i < p->env_count; i++) {
    gput32(p, ptrs + i * 4, buf + (uint32_t)off);
    off += strlen(p->env_block + off) + 1;
  }
  return WASI_ESUCCESS;
}

/*
 * Not imported by today's module (the adapter asks the host for time through proxy-wasm and aborts
 * through its own handler), defined for modules built with WASI's clock or the SDK's
 * abort_proc_exit. Declared here because the generated header only declares imports.
 */
u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 id, u64 precision, u32 out);
void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 code);

u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 id, u64 precision, u32 out) {
  (void)precision;
  struct paygress *p = wasi->p;
  uint64_t ns;
  if (id == 0) {
    ns = pg_now_ns(p); /* realtime: the host's clock */
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
  }
  return gput64(p, out, ns) ? WASI_ESUCCESS : WASI_EFAULT;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 code) {
  (void)code;
  /* A module that exits is a module that failed: trap, and the API call rebuilds the instance. */
  wasi->p->trap_note = "the module called proc_exit";
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}
