/*
 * bench.c - what the C API costs per request, measured in a loop in C (bench/native.ts runs it).
 * Each case is a whole exchange as a host drives it: request_new, request_headers, response
 * headers (when the request continues), finish (done/log/delete: the module counts the request in
 * its metrics). Cases: a valid pass (the hot path), a 402 challenge, a free route.
 *   paygress-bench FIXTURE_DIR [iterations]     prints one JSON object
 */
#include <time.h>

#include "harness.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exchange(paygress *p, const paygress_request_info *in, int want) {
  paygress_request *r = paygress_request_new(p);
  const paygress_decision *d = paygress_request_headers(r, in);
  int kind = d->kind, status = (int)d->status;
  if (kind == PAYGRESS_CONTINUE) paygress_response_headers(r, NULL);
  paygress_request_finish(r);
  return want == 0 ? kind == PAYGRESS_CONTINUE : status == want;
}

/* ns per exchange: best of `rounds` rounds of `n` exchanges (least disturbed by the machine). */
static double measure(paygress *p, const paygress_request_info *in, int want, long n, int rounds, int *ok) {
  double best = 1e30;
  *ok = 1;
  for (long i = 0; i < n / 10; i++) *ok &= exchange(p, in, want); /* warm-up */
  for (int k = 0; k < rounds; k++) {
    double t0 = now_s();
    for (long i = 0; i < n; i++) *ok &= exchange(p, in, want);
    double ns = (now_s() - t0) * 1e9 / (double)n;
    if (ns < best) best = ns;
  }
  return best;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR [iterations]\n", argv[0]);
    return 2;
  }
  h_fixture_dir = argv[1];
  long n = argc > 2 ? atol(argv[2]) : 200000;
  size_t config_len;
  char *config = h_read("config.json", &config_len);
  h_tokens tokens;
  h_tokens_load(&tokens);
  h_mint m;
  h_mint_init(&m);
  paygress_shared *shared = paygress_shared_create(0, 0);
  paygress_options o;
  memset(&o, 0, sizeof o);
  o.shared = shared;
  char *err = NULL;
  double t0 = now_s();
  paygress *p = paygress_create(config, config_len, &o, &err);
  double create_ms = (now_s() - t0) * 1e3;
  if (!p) {
    fprintf(stderr, "create: %s\n", err ? err : "?");
    return 1;
  }

  /* A pass, bought through the fake mint. */
  paygress_request *r = paygress_request_new(p);
  paygress_request_info in = h_info("/article", h_token(&tokens), NULL, NULL);
  t0 = now_s();
  const paygress_decision *d = h_drive(&m, r, paygress_request_headers(r, &in));
  double pay_ms = (now_s() - t0) * 1e3;
  if (d->kind != PAYGRESS_CONTINUE) {
    fprintf(stderr, "payment failed: %u %.*s\n", d->status, (int)d->body_len, d->body ? d->body : "");
    return 1;
  }
  size_t nh, pl = 0;
  const paygress_header *h = paygress_response_headers(r, &nh);
  const char *pv = h_header(h, nh, "x-paygress-pass", &pl);
  char *pass = strndup(pv ? pv : "", pl);
  paygress_request_finish(r);

  /* A second payment on warm caches (keysets and counters known): the gate's own cost of a
   * payment, mint round trips excluded. */
  r = paygress_request_new(p);
  in = h_info("/article", h_token(&tokens), NULL, NULL);
  t0 = now_s();
  d = h_drive(&m, r, paygress_request_headers(r, &in));
  paygress_response_headers(r, NULL);
  paygress_request_finish(r);
  double pay_warm_ms = (now_s() - t0) * 1e3;

  int ok_pass, ok_402, ok_free;
  paygress_request_info with_pass = h_info("/article", NULL, pass, NULL);
  paygress_request_info unpaid = h_info("/article", NULL, NULL, NULL);
  paygress_request_info free_route = h_info("/free/x", NULL, NULL, NULL);
  double pass_ns = measure(p, &with_pass, 0, n, 5, &ok_pass);
  double challenge_ns = measure(p, &unpaid, 402, n / 4, 5, &ok_402);
  double free_ns = measure(p, &free_route, 0, n, 5, &ok_free);

  printf("{\"iterations\":%ld,\"pass_check_ns\":%.1f,\"challenge_402_ns\":%.1f,\"free_route_ns\":%.1f,"
         "\"create_ms\":%.2f,\"first_payment_ms\":%.3f,\"warm_payment_ms\":%.3f,\"memory_bytes\":%zu,\"ok\":%s}\n",
         n, pass_ns, challenge_ns, free_ns, create_ms, pay_ms, pay_warm_ms, paygress_memory_bytes(p),
         ok_pass && ok_402 && ok_free ? "true" : "false");
  free(pass);
  paygress_destroy(p);
  paygress_shared_destroy(shared);
  h_mint_free(&m);
  h_tokens_free(&tokens);
  free(config);
  return ok_pass && ok_402 && ok_free ? 0 : 1;
}
