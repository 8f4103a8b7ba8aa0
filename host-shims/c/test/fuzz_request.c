/*
 * fuzz_request.c - libFuzzer target over the C API (build-native.sh asan builds it with ASan and
 * coverage on the shim, the runtime and the generated module): arbitrary request fields and
 * arbitrary mint answers must never crash the host or leak; every decision must be well-formed
 * (a RESPOND has a status from 200 to 599, a CALL a method and path) and the instance must keep
 * answering afterwards. Input layout: fields separated by 0xff bytes: path, x-cashu,
 * authorization, pass, cookie, then mint answers "status(3 digits) body" for successive CALLs.
 *   paygress-fuzz_request FIXTURE_DIR_as_env  (PAYGRESS_FIXTURES=dir) -runs=N corpus/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paygress.h"

static paygress *inst;

static void report(void) {
  /* Guest traps are expected with hostile input (e.g. memory exhaustion): contained and counted. */
  fprintf(stderr, "paygress fuzz: %llu guest traps contained\n", (unsigned long long)paygress_trap_count(inst));
}

static char *slurp(const char *dir, const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "fuzz: cannot read %s (set PAYGRESS_FIXTURES)\n", path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) exit(2);
  b[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return b;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  const char *dir = getenv("PAYGRESS_FIXTURES");
  if (!dir) dir = ".";
  size_t len;
  char *config = slurp(dir, "config.json", &len);
  paygress_options o;
  memset(&o, 0, sizeof o);
  o.max_memory_mb = 32;
  char *err = NULL;
  inst = paygress_create(config, len, &o, &err);
  if (!inst) { fprintf(stderr, "fuzz: %s\n", err ? err : "?"); exit(2); }
  free(config);
  atexit(report);
  return 0;
}

static void check(const paygress_decision *d) {
  if (!d) abort();
  if (d->kind == PAYGRESS_RESPOND && (d->status < 200 || d->status > 599)) abort();
  if (d->kind == PAYGRESS_CALL && (!d->method || !d->path || d->method_len == 0)) abort();
  if (d->kind < 0 || d->kind > 2) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *field[16];
  size_t flen[16];
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= size && n < 16; i++) {
    if (i == size || data[i] == 0xff) {
      field[n] = (const char *)data + start;
      flen[n] = i - start;
      n++;
      start = i + 1;
    }
  }
  paygress_request_info in;
  memset(&in, 0, sizeof in);
  in.method = "GET", in.method_len = 3;
  in.authority = "shop.test", in.authority_len = 9;
  in.scheme = "http", in.scheme_len = 4;
  in.path = n > 0 && flen[0] ? field[0] : "/article";
  in.path_len = n > 0 && flen[0] ? flen[0] : 8;
  static const char *const names[] = {"x-cashu", "authorization", "x-paygress-pass", "cookie"};
  paygress_header hdr[4];
  size_t nh = 0;
  for (size_t f = 1; f <= 4 && f < n; f++) {
    if (f > 1 && flen[f] == 0) continue;
    hdr[nh++] = (paygress_header){names[f - 1], strlen(names[f - 1]), field[f], flen[f]};
  }
  in.headers = hdr;
  in.header_count = nh;
  paygress_request *r = paygress_request_new(inst);
  const paygress_decision *d = paygress_request_headers(r, &in);
  check(d);
  for (size_t k = 5; d->kind == PAYGRESS_CALL && k < n; k++) {
    uint32_t status = 0;
    const char *body = field[k];
    size_t blen = flen[k];
    if (blen >= 3) {
      status = (uint32_t)((body[0] & 7) * 100 + (body[1] % 10) * 10 + (body[2] % 10));
      body += 3;
      blen -= 3;
    }
    d = paygress_call_response(r, status, body, blen);
    check(d);
  }
  if (d->kind == PAYGRESS_CONTINUE) {
    size_t c;
    paygress_response_headers(r, &c);
  }
  paygress_request_finish(r);
  return 0;
}
