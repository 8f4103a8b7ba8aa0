/*
 * test_api.c - the C API of libpaygress.so driven end to end with a fake mint (harness.h), meant
 * to run under valgrind (memcheck, --leak-check=full) or built with ASan+LSan+UBSan
 * (build-native.sh asan). Covers: configuration errors, 402/free/pay/pass/replay/outage decisions,
 * response headers, events (audit line, metric deltas), WASI environ secrets, pass expiry with a
 * host clock, guest traps (the host survives, the next request works, in-flight requests of the
 * trapped instance are refused), abandoned requests, counters unique across instances, threads
 * and forked processes sharing one store, API misuse, and memory staying flat.
 *   paygress-test_api FIXTURE_DIR [section,...]
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char *config;
static size_t config_len;
static h_tokens tokens;

static paygress *make(paygress_shared *shared, uint32_t max_mb) {
  paygress_options o;
  memset(&o, 0, sizeof o);
  o.shared = shared;
  o.max_memory_mb = max_mb;
  char *err = NULL;
  paygress *p = paygress_create(config, config_len, &o, &err);
  if (!p) {
    fprintf(stderr, "paygress_create: %s\n", err ? err : "?");
    paygress_free(err);
    exit(1);
  }
  return p;
}

static size_t count_events(paygress *p, int kind, const char *needle) {
  size_t n, c = 0;
  const paygress_event *e = paygress_events(p, &n);
  for (size_t i = 0; i < n; i++) {
    if (e[i].kind != kind) continue;
    if (!needle || h_contains(e[i].text, e[i].text_len, needle) || h_contains(e[i].labels, e[i].labels_len, needle)) c++;
  }
  return c;
}

/* Pays on `p` with a fresh token; returns the pass (heap, caller frees). */
static char *pay(paygress *p, h_mint *m) {
  paygress_request *r = paygress_request_new(p);
  paygress_request_info in = h_info("/article", h_token(&tokens), NULL, NULL);
  const paygress_decision *d = h_drive(m, r, paygress_request_headers(r, &in));
  CHECK(d->kind == PAYGRESS_CONTINUE, "pay: kind %d status %u body %.*s", d->kind, d->status, (int)d->body_len, d->body ? d->body : "");
  size_t nh;
  const paygress_header *h = paygress_response_headers(r, &nh);
  size_t vl = 0;
  const char *pass = h_header(h, nh, "x-paygress-pass", &vl);
  char *out = pass ? strndup(pass, vl) : NULL;
  paygress_request_finish(r);
  CHECK(count_events(p, PAYGRESS_EVENT_COUNTER, "outcome=\"paid\"") == 1, "paid request counted once");
  return out;
}

/* Pays and returns the audit line's "counters" array text (heap). */
static char *pay_counters(paygress *p, h_mint *m) {
  paygress_request *r = paygress_request_new(p);
  paygress_request_info in = h_info("/article", h_token(&tokens), NULL, NULL);
  const paygress_decision *d = paygress_request_headers(r, &in);
  char *counters = NULL;
  int guard = 0;
  while (d->kind == PAYGRESS_CALL && guard++ < 64) {
    uint32_t status;
    size_t len;
    char *body = h_mint_answer(m, d, &status, &len);
    d = paygress_call_response(r, status, body, len);
    free(body);
    size_t n;
    const paygress_event *e = paygress_events(p, &n);
    for (size_t i = 0; i < n; i++) {
      if (e[i].kind != PAYGRESS_EVENT_LOG || !h_contains(e[i].text, e[i].text_len, "\"counters\":[")) continue;
      const char *s = strstr(e[i].text, "\"counters\":[");
      const char *end = strchr(s, ']');
      counters = strndup(s + 12, (size_t)(end - s - 12));
    }
  }
  CHECK(d->kind == PAYGRESS_CONTINUE, "pay_counters: kind %d status %u", d->kind, d->status);
  paygress_response_headers(r, NULL);
  paygress_request_finish(r);
  return counters ? counters : strdup("");
}

static void test_version_and_bad_config(void) {
  CHECK(strstr(paygress_version(), "wasm2c 1.0.32") != NULL, "version: %s", paygress_version());
  const char *bad = "{\"mints\":[{\"url\":\"http://m\",\"cluster\":\"c\"}],\"routes\":[{\"prefix\":\"nope\",\"price\":1}]}";
  char *err = NULL;
  paygress *p = paygress_create(bad, strlen(bad), NULL, &err);
  CHECK(p == NULL, "bad config accepted");
  CHECK(err && strstr(err, "routes[0].prefix"), "error names the field: %s", err ? err : "(null)");
  paygress_free(err);
  err = NULL;
  p = paygress_create("{", 1, NULL, &err);
  CHECK(p == NULL && err && strstr(err, "JSON"), "malformed JSON: %s", err ? err : "(null)");
  paygress_free(err);
  p = paygress_create("", 0, NULL, NULL); /* error pointer may be NULL */
  CHECK(p == NULL, "empty config accepted");
}

static void test_challenge_and_free(paygress *p, h_mint *m) {
  paygress_request *r = paygress_request_new(p);
  paygress_request_info in = h_info("/article", NULL, NULL, NULL);
  const paygress_decision *d = paygress_request_headers(r, &in);
  /* The first 402 reads the mint's fees (100 ppk: a = 10 + 1) before it answers. */
  CHECK(d->kind == PAYGRESS_CALL && h_span_eq(d->path, d->path_len, "/v1/keysets"), "fee lookup: kind %d", d->kind);
  d = h_drive(m, r, d);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 402, "402: kind %d status %u", d->kind, d->status);
  size_t vl;
  const char *creq = h_header(d->headers, d->header_count, "x-cashu", &vl);
  CHECK(creq && vl > 5 && memcmp(creq, "creqA", 5) == 0, "x-cashu payment request");
  CHECK(h_contains(d->body, d->body_len, "\"amount\":11"), "402 body: %.*s", (int)d->body_len, d->body);
  CHECK(d->internal_error == 0, "gate decision");
  paygress_request_finish(r);
  CHECK(count_events(p, PAYGRESS_EVENT_COUNTER, "outcome=\"challenged\"") == 1, "challenged counted");

  r = paygress_request_new(p);
  in = h_info("/free/x", NULL, NULL, NULL);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_CONTINUE, "free route continues");
  size_t nh = 99;
  CHECK(paygress_response_headers(r, &nh) == NULL && nh == 0, "no headers added on free routes");
  paygress_request_finish(r);
}

static void test_pay_pass_replay_outage(paygress *p, h_mint *m) {
  /* Pay: (keysets, unless a 402 read them) -> keys -> restore (counter discovery) -> swap -> CONTINUE. */
  paygress_request *r = paygress_request_new(p);
  const char *token = h_token(&tokens);
  paygress_request_info in = h_info("/article", token, NULL, NULL);
  const paygress_decision *d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_CALL, "first decision is a mint call (kind %d)", d->kind);
  CHECK(h_span_eq(d->cluster, d->cluster_len, "mint"), "cluster from the configuration");
  CHECK(h_span_eq(d->method, d->method_len, "GET") && d->path_len > 8 && memcmp(d->path, "/v1/keys", 8) == 0, "GET /v1/keysets or /v1/keys/<id>");
  CHECK(h_span_eq(d->authority, d->authority_len, "mint.test"), "authority of the mint URL");
  CHECK(d->timeout_ms == 1500, "timeout from the configuration: %u", d->timeout_ms);
  CHECK(h_header(d->headers, d->header_count, "accept", NULL) != NULL, "accept header");
  CHECK(h_header(d->headers, d->header_count, ":path", NULL) == NULL, "no pseudo-headers in the list");
  int calls = m->calls;
  d = h_drive(m, r, d);
  CHECK(d->kind == PAYGRESS_CONTINUE, "paid: kind %d status %u %.*s", d->kind, d->status, (int)d->body_len, d->body ? d->body : "");
  CHECK(m->calls - calls >= 3, "(keysets,) keys, restore, swap: %d calls", m->calls - calls);
  CHECK(count_events(p, PAYGRESS_EVENT_LOG, "\"event\":\"paygress.payment\"") == 1, "audit line with the decision");
  CHECK(count_events(p, PAYGRESS_EVENT_LOG, "cashuB") == 0, "no token in any log line");
  size_t nh;
  const paygress_header *h = paygress_response_headers(r, &nh);
  size_t pl = 0, rl = 0, cl = 0, sl = 0;
  const char *pass = h_header(h, nh, "x-paygress-pass", &pl);
  const char *receipt = h_header(h, nh, "x-paygress-receipt", &rl);
  const char *change = h_header(h, nh, "x-cashu-change", &cl);
  const char *cookie = h_header(h, nh, "set-cookie", &sl);
  CHECK(pass && pl > 10 && memcmp(pass, "p1.k1.", 6) == 0, "pass header");
  CHECK(receipt && h_span_eq(receipt, rl, "amount=16; fee=1; earned=10; change=5; unit=sat; route=paid"), "receipt: %.*s", (int)rl, receipt ? receipt : "");
  CHECK(change && cl > 6 && memcmp(change, "cashuB", 6) == 0, "change token");
  CHECK(cookie && h_contains(cookie, sl, "paygress_pass=p1."), "pass cookie");
  size_t again;
  CHECK(paygress_response_headers(r, &again) == h && again == nh, "response headers are computed once");
  char *pass_copy = strndup(pass, pl);
  paygress_request_finish(r);
  CHECK(count_events(p, PAYGRESS_EVENT_COUNTER, "outcome=\"paid\"") == 1, "paid counted");
  CHECK(count_events(p, PAYGRESS_EVENT_COUNTER, "paygress_earned_total") == 1, "earned counted");

  /* The pass: CONTINUE without a mint call, by header, bearer and cookie. */
  calls = m->calls;
  for (int i = 0; i < 3; i++) {
    r = paygress_request_new(p);
    char cookie_hdr[512], bearer[512];
    snprintf(cookie_hdr, sizeof cookie_hdr, "theme=dark; paygress_pass=%s", pass_copy);
    snprintf(bearer, sizeof bearer, "Bearer %s", pass_copy);
    in = h_info("/other", NULL, i == 0 ? pass_copy : NULL, i == 2 ? cookie_hdr : NULL);
    if (i == 1) h_add_header(&in, "authorization", bearer);
    d = paygress_request_headers(r, &in);
    CHECK(d->kind == PAYGRESS_CONTINUE, "pass #%d: kind %d status %u %.*s", i, d->kind, d->status, (int)d->body_len, d->body ? d->body : "");
    CHECK(paygress_response_headers(r, &nh) == NULL, "no headers for pass requests");
    paygress_request_finish(r);
    CHECK(count_events(p, PAYGRESS_EVENT_COUNTER, "outcome=\"pass\"") == 1, "pass counted");
  }
  CHECK(m->calls == calls, "a pass needs no mint call");

  /* Tampered pass: 402 with a reason. */
  pass_copy[strlen(pass_copy) - 2] ^= 1;
  r = paygress_request_new(p);
  in = h_info("/article", NULL, pass_copy, NULL);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 402 && h_contains(d->body, d->body_len, "pass_bad_signature"), "tampered pass: %u", d->status);
  paygress_request_finish(r);
  free(pass_copy);

  /* Replay: the mint says spent -> 402 token_spent. */
  m->mode = MINT_SPENT;
  r = paygress_request_new(p);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = h_drive(m, r, paygress_request_headers(r, &in));
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 402 && h_contains(d->body, d->body_len, "token_spent"), "spent: %u %.*s", d->status, (int)d->body_len, d->body);
  paygress_request_finish(r);

  /* Outage: fails closed with 503 + retry-after. */
  m->mode = MINT_DOWN;
  r = paygress_request_new(p);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = h_drive(m, r, paygress_request_headers(r, &in));
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 503 && h_header(d->headers, d->header_count, "retry-after", NULL), "down: %u", d->status);
  CHECK(h_contains(d->body, d->body_len, "mint_unavailable"), "mint_unavailable: %.*s", (int)d->body_len, d->body);
  paygress_request_finish(r);
  m->mode = MINT_OK;

  /* Malformed token: 400 with a reason, no mint call. */
  calls = m->calls;
  r = paygress_request_new(p);
  in = h_info("/article", "cashuBnot-base64!!", NULL, NULL);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 400 && h_contains(d->body, d->body_len, "malformed_token"), "malformed: %u", d->status);
  paygress_request_finish(r);
  CHECK(m->calls == calls, "no mint call for a malformed token");
}

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) { (void)ctx; return fake_now; }

static void test_env_and_clock(h_mint *m) {
  /* Secrets from the environment (WASI environ) and time from the host's clock. */
  size_t len;
  char *cfg = h_read("config-env.json", &len);
  char *envf = h_read("env", NULL);
  const char *env[4] = {0};
  size_t n = 0;
  for (char *s = strtok(envf, "\n"); s && n < 4; s = strtok(NULL, "\n")) env[n++] = s;
  paygress_options o;
  memset(&o, 0, sizeof o);
  o.env = env;
  o.env_count = n;
  o.now_ns = fake_clock;
  fake_now = 1700000000ull * 1000000000ull;
  char *err = NULL;
  paygress *bad = paygress_create(cfg, len, NULL, &err); /* no env: refused, naming the variable */
  CHECK(bad == NULL && err && strstr(err, "PAYGRESS_PASS_KEY"), "missing env named: %s", err ? err : "(null)");
  paygress_free(err);
  paygress *p = paygress_create(cfg, len, &o, &err);
  CHECK(p != NULL, "env config: %s", err ? err : "");
  paygress_free(err);
  if (p) {
    paygress_request *r = paygress_request_new(p);
    paygress_request_info in = h_info("/short/x", h_token(&tokens), NULL, NULL);
    const paygress_decision *d = h_drive(m, r, paygress_request_headers(r, &in));
    CHECK(d->kind == PAYGRESS_CONTINUE, "pay on /short");
    size_t nh, pl = 0;
    const paygress_header *h = paygress_response_headers(r, &nh);
    const char *pass = h_header(h, nh, "x-paygress-pass", &pl);
    char *pc = pass ? strndup(pass, pl) : strdup("");
    paygress_request_finish(r);
    r = paygress_request_new(p);
    in = h_info("/short/x", NULL, pc, NULL);
    CHECK(paygress_request_headers(r, &in)->kind == PAYGRESS_CONTINUE, "fresh short pass");
    paygress_request_finish(r);
    fake_now += 2000000000ull; /* the short route's pass lives 1 s */
    r = paygress_request_new(p);
    d = paygress_request_headers(r, &in);
    CHECK(d->kind == PAYGRESS_RESPOND && d->status == 402 && h_contains(d->body, d->body_len, "pass_expired"), "expired by the host clock: %u", d->status);
    paygress_request_finish(r);
    free(pc);
    paygress_destroy(p);
  }
  free(cfg);
  free(envf);
}

static void test_trap(h_mint *m) {
  paygress *p = make(NULL, 16); /* 16 MiB of linear memory at most */
  /* A request in flight (waiting for its mint call) when another request traps the module. */
  paygress_request *inflight = paygress_request_new(p);
  paygress_request_info in = h_info("/article", h_token(&tokens), NULL, NULL);
  const paygress_decision *d = paygress_request_headers(inflight, &in);
  CHECK(d->kind == PAYGRESS_CALL, "in-flight request waits for the mint");

  /* A 32 MiB X-Cashu value: the module cannot allocate it, traps; the host must survive. */
  size_t big = 32u << 20;
  char *huge = malloc(big + 1);
  memset(huge, 'A', big);
  memcpy(huge, "cashuB", 6);
  huge[big] = 0;
  paygress_request *r = paygress_request_new(p);
  in = h_info("/article", huge, NULL, NULL);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 503 && d->internal_error == 1, "trap -> 503 internal: kind %d status %u", d->kind, d->status);
  CHECK(h_header(d->headers, d->header_count, "retry-after", NULL) != NULL, "retry-after on a trap");
  CHECK(h_contains(d->body, d->body_len, "internal_error"), "clear error body");
  CHECK(paygress_trap_count(p) == 1, "one trap counted");
  CHECK(count_events(p, PAYGRESS_EVENT_LOG, "trapped in request headers") == 1, "critical line about the trap");
  paygress_request_finish(r);
  free(huge);

  /* The in-flight request of the old instance is refused, not granted. */
  d = paygress_call_response(inflight, 200, "{}", 2);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 503, "orphaned request refused: kind %d status %u", d->kind, d->status);
  paygress_request_finish(inflight);

  /* The next request works: 402, then a full payment. */
  r = paygress_request_new(p);
  in = h_info("/article", NULL, NULL, NULL);
  d = h_drive(m, r, paygress_request_headers(r, &in)); /* the rebuilt instance reads the fees again */
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 402, "after the trap: %u", d->status);
  paygress_request_finish(r);
  free(pay(p, m));

  /* A trap while the module reads a mint answer (48 MiB body). */
  r = paygress_request_new(p);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = paygress_request_headers(r, &in);
  /* keysets are cached by now, so the first call is the restore or the swap */
  CHECK(d->kind == PAYGRESS_CALL, "call before the big answer");
  m->mode = MINT_HUGE_BODY;
  d = h_drive(m, r, d);
  m->mode = MINT_OK;
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 503 && d->internal_error, "trap in call response -> 503: %u", d->status);
  CHECK(paygress_trap_count(p) == 2, "second trap counted");
  paygress_request_finish(r);
  free(pay(p, m));
  paygress_destroy(p);
}

static void test_misuse_and_abandon(paygress *p, h_mint *m) {
  paygress_request *r = paygress_request_new(p);
  const paygress_decision *d = paygress_call_response(r, 200, "{}", 2);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 500 && d->internal_error, "call response without a call");
  paygress_request_info in = h_info("/article", NULL, NULL, NULL);
  paygress_request_headers(r, &in);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_RESPOND && d->status == 500 && d->internal_error, "headers twice");
  paygress_request_finish(r);
  paygress_request_finish(NULL);
  paygress_request_finish(paygress_request_new(p)); /* never started */

  /* Abandoned while the mint call is out: finish cleans up, the instance keeps working. */
  r = paygress_request_new(p);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = paygress_request_headers(r, &in);
  int guard = 0;
  while (d->kind == PAYGRESS_CALL && !h_span_eq(d->path, d->path_len, "/v1/swap") && guard++ < 10) {
    uint32_t status;
    size_t len;
    char *body = h_mint_answer(m, d, &status, &len);
    d = paygress_call_response(r, status, body, len);
    free(body);
  }
  CHECK(d->kind == PAYGRESS_CALL, "abandoned at the swap");
  paygress_request_finish(r);
  free(pay(p, m));

  /* The client leaves while the mint is being asked for keysets (a fresh instance): the answer is
   * delivered after the stream is gone, and the module starts nothing for it - no swap. */
  paygress *fresh = make(NULL, 0);
  r = paygress_request_new(fresh);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = paygress_request_headers(r, &in);
  CHECK(d->kind == PAYGRESS_CALL && h_span_eq(d->path, d->path_len, "/v1/keysets"), "fresh instance asks for keysets");
  paygress_request_abandon(r, 200, m->keysets, m->keysets_len);
  CHECK(count_events(fresh, PAYGRESS_EVENT_LOG, "paygress.payment") == 0, "no payment recorded for a client that left before the swap");
  /* A module that went on would try its next mint call, which the shim refuses for a gone stream
   * (and the adapter logs "cannot call mint cluster"). */
  CHECK(count_events(fresh, PAYGRESS_EVENT_LOG, "cannot call mint") == 0, "no mint call attempted for a client that left");
  CHECK(count_events(fresh, PAYGRESS_EVENT_LOG, "critical") == 0 && paygress_trap_count(fresh) == 0, "no trap");
  free(pay(fresh, m));

  /* The client leaves while the swap is out: what the mint did is recorded (audit line). */
  r = paygress_request_new(fresh);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  d = paygress_request_headers(r, &in);
  guard = 0;
  while (d->kind == PAYGRESS_CALL && !h_span_eq(d->path, d->path_len, "/v1/swap") && guard++ < 10) {
    uint32_t status;
    size_t len;
    char *body = h_mint_answer(m, d, &status, &len);
    d = paygress_call_response(r, status, body, len);
    free(body);
  }
  CHECK(d->kind == PAYGRESS_CALL, "at the swap");
  {
    uint32_t status;
    size_t len;
    char *body = h_mint_answer(m, d, &status, &len);
    paygress_request_abandon(r, status, body, len);
    free(body);
  }
  CHECK(count_events(fresh, PAYGRESS_EVENT_LOG, "\"outcome\":\"paid\"") == 1, "a swap the mint signed is recorded for a client that left");
  free(pay(fresh, m));
  paygress_request_abandon(NULL, 0, NULL, 0);
  paygress_destroy(fresh);

  /* Destroy with requests still open frees them. */
  paygress *q = make(NULL, 0);
  paygress_request *open = paygress_request_new(q);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  paygress_request_headers(open, &in);
  paygress_request_new(q);
  paygress_destroy(q);
  paygress_destroy(NULL);
}

static int contains_counter(const char *list, const char *c) {
  /* list: "1,2,3"; c: one number */
  size_t n = strlen(c);
  for (const char *p = list; (p = strstr(p, c)); p += n) {
    if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return 1;
  }
  return 0;
}

static void check_disjoint(const char *a, const char *b, const char *what) {
  char *copy = strdup(a);
  for (char *s = strtok(copy, ","); s; s = strtok(NULL, ",")) {
    CHECK(!contains_counter(b, s), "%s: counter %s used twice (%s | %s)", what, s, a, b);
  }
  free(copy);
}

static void test_shared_counters(h_mint *m) {
  paygress_shared *s = paygress_shared_create(0, 0);
  CHECK(s != NULL, "shared store");
  paygress *a = make(s, 0), *b = make(s, 0);
  char *ca = pay_counters(a, m);
  char *cb = pay_counters(b, m);
  char *ca2 = pay_counters(a, m);
  CHECK(strlen(ca) && strlen(cb) && strlen(ca2), "counters in audit lines: '%s' '%s' '%s'", ca, cb, ca2);
  check_disjoint(ca, cb, "two instances");
  check_disjoint(ca, ca2, "same instance");
  check_disjoint(cb, ca2, "two instances again");

  /* A forked child on the same store (NGINX workers). */
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    (void)h_token(&tokens); /* the parent pays with the next fixture token: the child takes another */
    paygress *c = make(s, 0);
    char *cc = pay_counters(c, m);
    ssize_t w = write(fds[1], cc, strlen(cc));
    (void)w;
    free(cc);
    paygress_destroy(c);
    /* leave nothing behind for the leak checker in the child either */
    free(ca); free(cb); free(ca2);
    paygress_destroy(a);
    paygress_destroy(b);
    close(fds[1]);
    _exit(h_failures ? 1 : 0);
  }
  close(fds[1]);
  char child[256] = {0};
  ssize_t got = read(fds[0], child, sizeof child - 1);
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child process ok");
  CHECK(got > 0, "child counters");
  char *cp = pay_counters(a, m);
  check_disjoint(child, ca, "child vs parent");
  check_disjoint(child, cb, "child vs parent");
  check_disjoint(child, ca2, "child vs parent");
  check_disjoint(child, cp, "child vs parent after");

  /* Metrics aggregate across instances and the child process. */
  size_t len;
  char *text = paygress_shared_prometheus(s, &len);
  CHECK(text && strstr(text, "# TYPE paygress_requests_total counter"), "prometheus TYPE line");
  CHECK(text && strstr(text, "paygress_requests_total{route=\"paid\",mint=\"m0\",outcome=\"paid\"} 5"), "5 paid (4 here, 1 in the child):\n%s", text ? text : "");
  CHECK(text && strstr(text, "paygress_mint_call_ms_count"), "mint call histogram");
  paygress_free(text);
  free(ca); free(cb); free(ca2); free(cp);
  paygress_destroy(a);
  paygress_destroy(b);
  paygress_shared_destroy(s);
}

/* Threads, each with its own instance on one shared store (the Go pool's model). */
typedef struct {
  paygress_shared *s;
  char *counters[4];
  int failures;
} thread_arg;

static void *thread_main(void *v) {
  thread_arg *t = v;
  h_mint m;
  h_mint_init(&m);
  paygress *p = make(t->s, 0);
  for (int i = 0; i < 4; i++) {
    t->counters[i] = pay_counters(p, &m);
    for (int k = 0; k < 50; k++) {
      paygress_request *r = paygress_request_new(p);
      paygress_request_info in = h_info("/article", NULL, NULL, NULL);
      if (paygress_request_headers(r, &in)->status != 402) t->failures++;
      paygress_request_finish(r);
    }
  }
  paygress_destroy(p);
  h_mint_free(&m);
  return NULL;
}

static void test_threads(void) {
  paygress_shared *s = paygress_shared_create(0, 0);
  enum { N = 3 };
  thread_arg args[N];
  pthread_t th[N];
  memset(args, 0, sizeof args);
  for (int i = 0; i < N; i++) {
    args[i].s = s;
    pthread_create(&th[i], NULL, thread_main, &args[i]);
  }
  for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++) {
    CHECK(args[i].failures == 0, "thread %d: %d wrong answers", i, args[i].failures);
    for (int a = 0; a < 4; a++) {
      CHECK(args[i].counters[a] && strlen(args[i].counters[a]), "thread %d payment %d has counters", i, a);
      for (int j = 0; j < N; j++)
        for (int b = 0; b < 4; b++)
          if (i != j || a != b) check_disjoint(args[i].counters[a], args[j].counters[b], "threads");
    }
  }
  for (int i = 0; i < N; i++) for (int a = 0; a < 4; a++) free(args[i].counters[a]);
  paygress_shared_destroy(s);
}

static void test_memory_flat(paygress *p, const char *pass) {
  for (int i = 0; i < 2000; i++) {
    paygress_request *r = paygress_request_new(p);
    paygress_request_info in = h_info("/article", NULL, i & 1 ? pass : NULL, NULL);
    paygress_request_headers(r, &in);
    paygress_response_headers(r, NULL);
    paygress_request_finish(r);
  }
  size_t before = paygress_memory_bytes(p);
  for (int i = 0; i < 20000; i++) {
    paygress_request *r = paygress_request_new(p);
    paygress_request_info in = h_info("/article", NULL, i & 1 ? pass : NULL, NULL);
    paygress_request_headers(r, &in);
    paygress_response_headers(r, NULL);
    paygress_request_finish(r);
  }
  CHECK(paygress_memory_bytes(p) == before, "linear memory grew from %zu to %zu", before, paygress_memory_bytes(p));
}

/* Sections run in order; argv[2] (optional, comma-separated) selects some. */
static int want(const char *only, const char *name) {
  if (!only) return 1;
  size_t n = strlen(name);
  for (const char *p = only; (p = strstr(p, name)); p += n)
    if ((p == only || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR [config,challenge,pay,env,trap,misuse,shared,threads,memory]\n", argv[0]);
    return 2;
  }
  h_fixture_dir = argv[1];
  const char *only = argc > 2 ? argv[2] : NULL;
  config = h_read("config.json", &config_len);
  h_tokens_load(&tokens);
  h_mint m;
  h_mint_init(&m);

  if (want(only, "config")) test_version_and_bad_config();
  paygress *p = make(NULL, 0);
  if (want(only, "challenge")) test_challenge_and_free(p, &m);
  if (want(only, "pay")) test_pay_pass_replay_outage(p, &m);
  if (want(only, "env")) test_env_and_clock(&m);
  if (want(only, "trap")) test_trap(&m);
  if (want(only, "misuse")) test_misuse_and_abandon(p, &m);
  if (want(only, "shared")) test_shared_counters(&m);
  if (want(only, "threads")) test_threads();
  if (want(only, "memory")) {
    char *pass = pay(p, &m);
    test_memory_flat(p, pass ? pass : "");
    free(pass);
  }
  paygress_destroy(p);

  h_mint_free(&m);
  h_tokens_free(&tokens);
  free(config);
  printf("%d checks, %d failed\n", h_checks, h_failures);
  return h_failures ? 1 : 0;
}
