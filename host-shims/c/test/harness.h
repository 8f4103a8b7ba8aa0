/*
 * harness.h - helpers shared by the C test harness and the C benchmark: fixture files
 * (host-shims/c/test/fixtures.ts), a fake mint that answers the gate's CALL decisions, request
 * info builders and small assertion macros.
 */
#ifndef PAYGRESS_HARNESS_H
#define PAYGRESS_HARNESS_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paygress.h"

#define H_UNUSED __attribute__((unused))
static int h_failures H_UNUSED = 0;
static int h_checks H_UNUSED = 0;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    h_checks++;                                                            \
    if (!(cond)) {                                                         \
      h_failures++;                                                        \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
    }                                                                      \
  } while (0)

static char *h_fixture_dir = ".";

/* Reads DIR/name into a NUL-terminated heap string (caller frees). Exits if missing. */
static char *h_read(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", h_fixture_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open fixture %s (generate with: npx tsx host-shims/c/test/fixtures.ts DIR)\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) exit(2);
  b[n] = 0;
  fclose(f);
  if (len) *len = (size_t)n;
  return b;
}

/* Tokens: one per line in tokens.txt, trimmed in place. */
typedef struct {
  char *data;
  char **lines;
  size_t n, next;
} h_tokens;

static void h_tokens_load(h_tokens *t) {
  t->data = h_read("tokens.txt", NULL);
  t->n = 0;
  for (char *p = t->data; *p; p++) if (*p == '\n') t->n++;
  t->lines = calloc(t->n + 1, sizeof(char *));
  size_t i = 0;
  for (char *s = strtok(t->data, "\n"); s && i < t->n; s = strtok(NULL, "\n")) t->lines[i++] = s;
  t->n = i;
  t->next = 0;
}

static pthread_mutex_t h_token_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *h_token(h_tokens *t) {
  pthread_mutex_lock(&h_token_lock);
  if (t->next >= t->n) { fprintf(stderr, "out of fixture tokens\n"); exit(2); }
  const char *s = t->lines[t->next++];
  pthread_mutex_unlock(&h_token_lock);
  return s;
}

static void h_tokens_free(h_tokens *t) {
  free(t->lines);
  free(t->data);
}

/* The headers of the request h_info() built last on this thread (the info points into it). */
static __thread paygress_header h_hdrs[8];

/* Appends a request header to an info built by h_info() (at most 8 per request). */
H_UNUSED static void h_add_header(paygress_request_info *in, const char *name, const char *value) {
  if (in->header_count >= 8) abort();
  h_hdrs[in->header_count++] = (paygress_header){name, strlen(name), value, strlen(value)};
  in->headers = h_hdrs;
}

/* A GET request with optional payment headers (NULL = absent). */
static paygress_request_info h_info(const char *path, const char *x_cashu, const char *pass, const char *cookie) {
  paygress_request_info in;
  memset(&in, 0, sizeof in);
  in.method = "GET", in.method_len = 3;
  in.path = path, in.path_len = strlen(path);
  in.authority = "shop.test", in.authority_len = 9;
  in.scheme = "http", in.scheme_len = 4;
  if (x_cashu) h_add_header(&in, "x-cashu", x_cashu);
  if (pass) h_add_header(&in, "x-paygress-pass", pass);
  if (cookie) h_add_header(&in, "cookie", cookie);
  return in;
}

H_UNUSED static int h_span_eq(const char *p, size_t n, const char *lit) {
  return p && strlen(lit) == n && memcmp(p, lit, n) == 0;
}

H_UNUSED static const char *h_header(const paygress_header *h, size_t n, const char *name, size_t *vlen) {
  for (size_t i = 0; i < n; i++) {
    if (h_span_eq(h[i].name, h[i].name_len, name)) {
      if (vlen) *vlen = h[i].value_len;
      return h[i].value;
    }
  }
  return NULL;
}

H_UNUSED static int h_contains(const char *hay, size_t n, const char *needle) {
  size_t m = strlen(needle);
  if (!hay || m > n) return 0;
  for (size_t i = 0; i + m <= n; i++) if (memcmp(hay + i, needle, m) == 0) return 1;
  return 0;
}

/* ---- the fake mint ------------------------------------------------------------------------------ */

enum h_mint_mode {
  MINT_OK = 0,       /* signs every swap */
  MINT_DOWN,         /* every call fails (status 0) */
  MINT_SPENT,        /* swap answers 400 11001 "Token already spent." */
  MINT_HUGE_BODY,    /* answers with a body too large for the module's memory limit */
};

typedef struct {
  char *keysets, *keys;
  size_t keysets_len, keys_len;
  int mode;
  int calls;
  char *huge;
  size_t huge_len;
} h_mint;

static void h_mint_init(h_mint *m) {
  memset(m, 0, sizeof *m);
  m->keysets = h_read("keysets.json", &m->keysets_len);
  m->keys = h_read("keys.json", &m->keys_len);
}

static void h_mint_free(h_mint *m) {
  free(m->keysets);
  free(m->keys);
  free(m->huge);
}

/* Answers a CALL decision: *status, and a body the caller frees (may be NULL). */
static char *h_mint_answer(h_mint *m, const paygress_decision *d, uint32_t *status, size_t *len) {
  m->calls++;
  *status = 200;
  *len = 0;
  if (m->mode == MINT_DOWN) { *status = 0; return NULL; }
  if (m->mode == MINT_HUGE_BODY) {
    if (!m->huge) {
      m->huge_len = 48u << 20;
      m->huge = malloc(m->huge_len);
      memset(m->huge, ' ', m->huge_len);
    }
    char *b = malloc(m->huge_len);
    memcpy(b, m->huge, m->huge_len);
    *len = m->huge_len;
    return b;
  }
  if (h_span_eq(d->path, d->path_len, "/v1/keysets")) { *len = m->keysets_len; return strdup(m->keysets); }
  if (d->path_len > 9 && memcmp(d->path, "/v1/keys/", 9) == 0) { *len = m->keys_len; return strdup(m->keys); }
  if (h_span_eq(d->path, d->path_len, "/v1/restore")) {
    const char *b = "{\"outputs\":[],\"signatures\":[]}";
    *len = strlen(b);
    return strdup(b);
  }
  if (h_span_eq(d->path, d->path_len, "/v1/swap")) {
    if (m->mode == MINT_SPENT) {
      const char *b = "{\"detail\":\"Token already spent.\",\"code\":11001}";
      *status = 400;
      *len = strlen(b);
      return strdup(b);
    }
    /* One signature (the generator point) per output, echoing the output's amount and keyset. */
    size_t cap = 64 + d->body_len * 2, o = 0;
    char *out = malloc(cap);
    o += (size_t)snprintf(out + o, cap - o, "{\"signatures\":[");
    const char *outputs = strstr(d->body, "\"outputs\"");
    int first = 1;
    for (const char *p = outputs; p && (p = strstr(p, "\"amount\":")); ) {
      p += 9;
      unsigned long long amount = strtoull(p, NULL, 10);
      const char *idp = strstr(p, "\"id\":\"");
      char id[80] = "";
      if (idp) { idp += 6; size_t k = 0; while (idp[k] && idp[k] != '"' && k < 79) { id[k] = idp[k]; k++; } id[k] = 0; }
      o += (size_t)snprintf(out + o, cap - o, "%s{\"amount\":%llu,\"id\":\"%s\",\"C_\":\"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\"}",
                            first ? "" : ",", amount, id);
      first = 0;
    }
    o += (size_t)snprintf(out + o, cap - o, "]}");
    *len = o;
    return out;
  }
  *status = 404;
  return NULL;
}

/* Drives a request's CALL decisions through the fake mint until CONTINUE or RESPOND. */
static const paygress_decision *h_drive(h_mint *m, paygress_request *r, const paygress_decision *d) {
  int guard = 0;
  while (d->kind == PAYGRESS_CALL && guard++ < 64) {
    uint32_t status;
    size_t len;
    char *body = h_mint_answer(m, d, &status, &len);
    d = paygress_call_response(r, status, body, len);
    free(body);
  }
  return d;
}

#endif
