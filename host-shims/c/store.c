/*
 * store.c - the shared store: proxy-wasm shared data (with compare-and-swap) and metrics, in one
 * fixed-size region. paygress_shared_create() maps it MAP_SHARED|MAP_ANONYMOUS with a
 * process-shared robust mutex, so NGINX workers forked after init_by_lua (and every goroutine of
 * a Go process) see one store: the gate's earnings counters stay unique across all of them
 * (docs/earnings.md). An instance without a shared store gets a private one (malloc).
 *
 * Layout: header | kv slots | metric slots. Both tables are open-addressing hash tables (FNV-1a,
 * linear probing) that only grow (proxy-wasm has no delete). Slot names are written once, before
 * the slot is published, and never change: events may point at them. Metric values are updated
 * with atomics (no lock on the per-request path); insertions and shared data take the mutex.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define PG_MAGIC 0x31475950u /* "PYG1" */
#define DEFAULT_KV_CAPACITY 2048u
#define DEFAULT_METRIC_CAPACITY 1024u
#define MAX_CAPACITY (1u << 20)

typedef struct pg_kv {
  uint32_t used; /* published (release) after the key is written */
  uint32_t hash;
  uint32_t cas;
  uint16_t klen, vlen;
  char key[PG_KEY_MAX];
  unsigned char val[PG_VAL_MAX];
} pg_kv;

typedef struct pg_metric {
  uint32_t used;
  uint32_t hash;
  int32_t type;
  uint16_t name_len, base_len, labels_len;
  int64_t value; /* counter total, gauge value, histogram sum */
  int64_t count; /* histogram sample count */
  char name[PG_MNAME_MAX];
  char base[PG_MNAME_MAX];
  char labels[PG_LABELS_MAX];
} pg_metric;

struct paygress_shared {
  uint32_t magic;
  uint32_t mapped; /* 1: mmap'd (shared), 0: malloc'd (private) */
  size_t bytes;
  pthread_mutex_t lock;
  uint32_t kv_cap, kv_count;
  uint32_t m_cap, m_count;
  uint32_t next_cas;
  size_t kv_off, m_off;
};

static pg_kv *kv_slots(paygress_shared *s) { return (pg_kv *)((char *)s + s->kv_off); }
static pg_metric *m_slots(paygress_shared *s) { return (pg_metric *)((char *)s + s->m_off); }

static uint32_t fnv1a(const char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 16777619u;
  }
  return h;
}

static size_t align_up(size_t n) { return (n + 63) & ~(size_t)63; }

static size_t layout(uint32_t kv_cap, uint32_t m_cap, size_t *kv_off, size_t *m_off) {
  size_t off = align_up(sizeof(struct paygress_shared));
  *kv_off = off;
  off = align_up(off + (size_t)kv_cap * sizeof(pg_kv));
  *m_off = off;
  off = align_up(off + (size_t)m_cap * sizeof(pg_metric));
  return off;
}

static paygress_shared *store_new(uint32_t kv_cap, uint32_t m_cap, bool shared) {
  if (kv_cap == 0) kv_cap = DEFAULT_KV_CAPACITY;
  if (m_cap == 0) m_cap = DEFAULT_METRIC_CAPACITY;
  if (kv_cap > MAX_CAPACITY || m_cap > MAX_CAPACITY) {
    errno = EINVAL;
    return NULL;
  }
  size_t kv_off, m_off;
  size_t bytes = layout(kv_cap, m_cap, &kv_off, &m_off);
  paygress_shared *s;
  if (shared) {
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    s = m; /* anonymous mappings are zero-filled */
  } else {
    s = calloc(1, bytes);
    if (!s) return NULL;
  }
  s->mapped = shared;
  s->bytes = bytes;
  s->kv_cap = kv_cap;
  s->m_cap = m_cap;
  s->kv_off = kv_off;
  s->m_off = m_off;
  s->next_cas = 1;
  pthread_mutexattr_t attr;
  int rc = pthread_mutexattr_init(&attr);
  if (rc == 0 && shared) {
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    /* A worker killed inside the (tiny) critical section must not wedge the others. */
    if (rc == 0) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  }
  if (rc == 0) rc = pthread_mutex_init(&s->lock, &attr);
  pthread_mutexattr_destroy(&attr);
  if (rc != 0) {
    if (shared) munmap(s, bytes);
    else free(s);
    errno = rc;
    return NULL;
  }
  s->magic = PG_MAGIC;
  return s;
}

static void lock(paygress_shared *s) {
  int rc = pthread_mutex_lock(&s->lock);
  if (rc == EOWNERDEAD) pthread_mutex_consistent(&s->lock); /* the data is consistent: single-slot writes */
}

static void unlock(paygress_shared *s) { pthread_mutex_unlock(&s->lock); }

PAYGRESS_API paygress_shared *paygress_shared_create(uint32_t kv_capacity, uint32_t metric_capacity) {
  return store_new(kv_capacity, metric_capacity, true);
}

PAYGRESS_API void paygress_shared_destroy(paygress_shared *s) {
  if (!s || s->magic != PG_MAGIC || !s->mapped) return;
  pthread_mutex_destroy(&s->lock);
  s->magic = 0;
  munmap(s, s->bytes);
}

paygress_shared *pg_store_private(uint32_t kv_capacity, uint32_t metric_capacity) {
  return store_new(kv_capacity, metric_capacity, false);
}

void pg_store_release(paygress_shared *s) {
  if (!s) return;
  if (s->mapped) {
    paygress_shared_destroy(s);
    return;
  }
  pthread_mutex_destroy(&s->lock);
  free(s);
}

/* ---- shared data ---------------------------------------------------------------------------- */

/* The slot holding `key`, or the empty slot where it would go (NULL when the table is full). */
static pg_kv *kv_find(paygress_shared *s, const char *key, size_t klen, uint32_t h) {
  pg_kv *t = kv_slots(s);
  for (uint32_t i = 0; i < s->kv_cap; i++) {
    pg_kv *e = &t[(h + i) % s->kv_cap];
    if (!e->used) return e;
    if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) return e;
  }
  return NULL;
}

int pg_store_get(paygress_shared *s, const char *key, size_t klen, unsigned char *val, size_t *vlen, uint32_t *cas) {
  if (klen == 0 || klen > PG_KEY_MAX) return WR_NOT_FOUND;
  uint32_t h = fnv1a(key, klen);
  lock(s);
  pg_kv *e = kv_find(s, key, klen, h);
  int rc = WR_NOT_FOUND;
  if (e && e->used) {
    memcpy(val, e->val, e->vlen);
    *vlen = e->vlen;
    *cas = e->cas;
    rc = WR_OK;
  }
  unlock(s);
  return rc;
}

int pg_store_set(paygress_shared *s, const char *key, size_t klen, const unsigned char *val, size_t vlen, uint32_t cas) {
  if (klen == 0 || klen > PG_KEY_MAX || vlen > PG_VAL_MAX) return WR_BAD_ARGUMENT;
  uint32_t h = fnv1a(key, klen);
  lock(s);
  pg_kv *e = kv_find(s, key, klen, h);
  int rc = WR_OK;
  if (!e) {
    rc = WR_INTERNAL_FAILURE; /* table full */
  } else if (e->used) {
    if (cas != 0 && cas != e->cas) {
      rc = WR_CAS_MISMATCH;
    } else {
      memcpy(e->val, val, vlen);
      e->vlen = (uint16_t)vlen;
      e->cas = s->next_cas++;
      if (s->next_cas == 0) s->next_cas = 1;
    }
  } else if (s->kv_count + 1 >= s->kv_cap) {
    rc = WR_INTERNAL_FAILURE; /* keep one empty slot so probes terminate */
  } else {
    memcpy(e->key, key, klen);
    e->klen = (uint16_t)klen;
    e->hash = h;
    memcpy(e->val, val, vlen);
    e->vlen = (uint16_t)vlen;
    e->cas = s->next_cas++;
    if (s->next_cas == 0) s->next_cas = 1;
    e->used = 1;
    s->kv_count++;
  }
  unlock(s);
  return rc;
}

/* ---- metrics -------------------------------------------------------------------------------- */

static bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
}

/*
 * Splits the adapter's encoded name into a metric name and labels the way Envoy's stats_tags do
 * (envoy/config.ts): for each tag of route, mint, outcome, the first `_?<tag>=.=<value>;.;` is
 * cut out of the name and becomes the label <tag>="<value>". E.g.
 *   paygress_requests_total_route=.=paid;.;mint=.=m0;.;outcome=.=pass;.;
 *   -> paygress_requests_total {route="paid",mint="m0",outcome="pass"}
 */
static const char *const TAGS[] = {"route", "mint", "outcome"};

static void split_metric_name(pg_metric *m) {
  char name[PG_MNAME_MAX];
  size_t len = m->name_len;
  memcpy(name, m->name, len);
  size_t lab = 0;
  for (size_t t = 0; t < sizeof TAGS / sizeof TAGS[0]; t++) {
    char pat[16];
    size_t pl = (size_t)snprintf(pat, sizeof pat, "%s=.=", TAGS[t]);
    size_t at = len;
    for (size_t i = 0; i + pl <= len; i++)
      if (memcmp(name + i, pat, pl) == 0) { at = i; break; }
    if (at == len) continue;
    size_t v0 = at + pl, v1 = len;
    for (size_t i = v0; i + 3 <= len; i++)
      if (name[i] == ';' && name[i + 1] == '.' && name[i + 2] == ';') { v1 = i; break; }
    if (v1 == len) continue;
    size_t vlen = v1 - v0;
    if (lab + pl + vlen * 2 + 4 >= PG_LABELS_MAX) continue;
    if (lab) m->labels[lab++] = ',';
    memcpy(m->labels + lab, TAGS[t], pl - 3);
    lab += pl - 3;
    m->labels[lab++] = '=';
    m->labels[lab++] = '"';
    for (size_t i = v0; i < v1; i++) {
      if (name[i] == '"' || name[i] == '\\') m->labels[lab++] = '\\';
      m->labels[lab++] = name[i] == '\n' ? ' ' : name[i];
    }
    m->labels[lab++] = '"';
    size_t cut0 = at > 0 && name[at - 1] == '_' ? at - 1 : at, cut1 = v1 + 3;
    memmove(name + cut0, name + cut1, len - cut1);
    len -= cut1 - cut0;
  }
  for (size_t i = 0; i < len; i++) m->base[i] = name_char(name[i]) ? name[i] : '_';
  m->base[len] = 0;
  m->base_len = (uint16_t)len;
  m->labels[lab] = 0;
  m->labels_len = (uint16_t)lab;
}

int pg_store_metric_define(paygress_shared *s, int type, const char *name, size_t len, uint32_t *id) {
  if (len == 0 || len >= PG_MNAME_MAX) return WR_BAD_ARGUMENT;
  if (type < METRIC_COUNTER || type > METRIC_HISTOGRAM) return WR_BAD_ARGUMENT;
  uint32_t h = fnv1a(name, len);
  int rc = WR_INTERNAL_FAILURE;
  lock(s);
  pg_metric *t = m_slots(s);
  for (uint32_t i = 0; i < s->m_cap; i++) {
    uint32_t slot = (h + i) % s->m_cap;
    pg_metric *m = &t[slot];
    if (!m->used) {
      if (s->m_count + 1 >= s->m_cap) break;
      memcpy(m->name, name, len);
      m->name[len] = 0;
      m->name_len = (uint16_t)len;
      m->hash = h;
      m->type = type;
      split_metric_name(m);
      __atomic_store_n(&m->used, 1, __ATOMIC_RELEASE);
      s->m_count++;
      *id = slot + 1;
      rc = WR_OK;
      break;
    }
    if (m->hash == h && m->name_len == len && memcmp(m->name, name, len) == 0) {
      *id = slot + 1;
      rc = WR_OK;
      break;
    }
  }
  unlock(s);
  return rc;
}

int pg_store_metric_apply(paygress_shared *s, uint32_t id, int64_t value, bool record,
                          const char **name, size_t *name_len, const char **labels, size_t *labels_len) {
  if (id == 0 || id > s->m_cap) return -1;
  pg_metric *m = &m_slots(s)[id - 1];
  if (!__atomic_load_n(&m->used, __ATOMIC_ACQUIRE)) return -1;
  if (m->type == METRIC_HISTOGRAM && record) {
    __atomic_fetch_add(&m->value, value, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->count, 1, __ATOMIC_RELAXED);
  } else if (m->type == METRIC_GAUGE && record) {
    __atomic_store_n(&m->value, value, __ATOMIC_RELAXED);
  } else {
    __atomic_fetch_add(&m->value, value, __ATOMIC_RELAXED);
  }
  *name = m->base;
  *name_len = m->base_len;
  *labels = m->labels;
  *labels_len = m->labels_len;
  return m->type;
}

/* ---- Prometheus text -------------------------------------------------------------------------- */

typedef struct {
  char *buf;
  size_t len, cap;
  bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *nb = realloc(b->buf, cap);
    if (!nb) { b->oom = true; return; }
    b->buf = nb;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = 0;
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sample(sbuf *b, const pg_metric *m, const char *suffix, int64_t v) {
  if (m->labels_len) sb_fmt(b, "%s%s{%s} %" PRId64 "\n", m->base, suffix, m->labels, v);
  else sb_fmt(b, "%s%s %" PRId64 "\n", m->base, suffix, v);
}

PAYGRESS_API char *paygress_shared_prometheus(paygress_shared *s, size_t *len) {
  sbuf b = {0};
  sb_put(&b, "", 0);
  if (s && s->magic == PG_MAGIC) {
    pg_metric *t = m_slots(s);
    uint32_t cap = s->m_cap;
    /* Group samples by base name: one # TYPE line per family. */
    unsigned char *done = calloc(cap ? cap : 1, 1);
    if (!done) { free(b.buf); return NULL; }
    for (uint32_t i = 0; i < cap; i++) {
      const pg_metric *m = &t[i];
      if (done[i] || !__atomic_load_n(&m->used, __ATOMIC_ACQUIRE)) continue;
      const char *type = m->type == METRIC_HISTOGRAM ? "summary" : m->type == METRIC_GAUGE ? "gauge" : "counter";
      sb_fmt(&b, "# TYPE %s %s\n", m->base, type);
      for (uint32_t j = i; j < cap; j++) {
        const pg_metric *o = &t[j];
        if (done[j] || !__atomic_load_n(&o->used, __ATOMIC_ACQUIRE)) continue;
        if (o->base_len != m->base_len || memcmp(o->base, m->base, m->base_len) != 0) continue;
        done[j] = 1;
        int64_t v = __atomic_load_n(&o->value, __ATOMIC_RELAXED);
        if (o->type == METRIC_HISTOGRAM) {
          sample(&b, o, "_sum", v);
          sample(&b, o, "_count", __atomic_load_n(&o->count, __ATOMIC_RELAXED));
        } else {
          sample(&b, o, "", v);
        }
      }
    }
    free(done);
  }
  if (b.oom) { free(b.buf); return NULL; }
  if (len) *len = b.len;
  return b.buf;
}
