// Package paygress gates HTTP requests behind Cashu ecash payments with the Paygress gate: the same
// paygress.wasm Envoy runs, translated to C by wasm2c and hosted by a small C shim
// (libpaygress.so, host-shims/c/paygress.h), called through cgo.
//
// A Gate holds a pool of module instances on one shared store (earnings counters unique across
// instances, metrics). Each instance is used by one goroutine at a time (a mutex per instance);
// different instances run in parallel on different OS threads. That is safe because the build
// makes wasm2c 1.0.32's runtime trap state thread-local (host-shims/build-native.sh); the stock
// runtime's process-wide jump buffer would force one global lock.
//
// Mint calls are made with net/http, outside any lock, with the mint's timeout_ms as the deadline;
// the configuration's `cluster` names map to base URLs through Options.Clusters.
//
// Build: `bash build-wasm-plugins.sh native` first (build/native/libpaygress.so). The cgo flags
// below find it relative to this package and set an rpath; for installed copies set
// CGO_LDFLAGS/LD_LIBRARY_PATH instead.
package paygress

/*
#cgo CFLAGS: -I${SRCDIR}/../c -O2
#cgo LDFLAGS: -L${SRCDIR}/../../build/native -lpaygress -Wl,-rpath,${SRCDIR}/../../build/native
#include <stdlib.h>
#include "paygress.h"

// One crossing per phase: these helpers combine what Go would otherwise do in several cgo calls.
// Out-parameters live in a per-instance scratch struct in C memory (so no Go variable escapes to
// the heap for a cgo call). Strings come in one Go byte buffer (no Go pointers inside, used only
// during the call) with their lengths in s->lens: method, path, authority, scheme (a negative
// length means "absent"), then a name and a value per header (s->nh headers, at most PG_MAXH).
#define PG_MAXH 32
typedef struct pg_scratch {
  long long lens[4 + 2 * PG_MAXH];
  size_t nh;
  paygress_request *req;
  const paygress_event *ev;
  size_t nev;
  size_t n;
} pg_scratch;

static const paygress_decision *pg_begin(paygress *p, pg_scratch *s, const char *buf) {
  const long long *lens = s->lens;
  const char *f[4];
  size_t n[4];
  size_t off = 0;
  for (int i = 0; i < 4; i++) {
    if (lens[i] < 0) { f[i] = NULL; n[i] = 0; continue; }
    f[i] = buf + off; n[i] = (size_t)lens[i]; off += n[i];
  }
  paygress_header h[PG_MAXH];
  size_t nh = s->nh < PG_MAXH ? s->nh : PG_MAXH;
  for (size_t i = 0; i < nh; i++) {
    size_t kl = (size_t)lens[4 + 2 * i], vl = (size_t)lens[5 + 2 * i];
    h[i].name = buf + off; h[i].name_len = kl; off += kl;
    h[i].value = buf + off; h[i].value_len = vl; off += vl;
  }
  paygress_request_info in = { f[0], n[0], f[1], n[1], f[2], n[2], f[3], n[3], h, nh };
  paygress_request *r = paygress_request_new(p);
  s->req = r;
  s->nev = 0;
  if (!r) return NULL;
  const paygress_decision *d = paygress_request_headers(r, &in);
  s->ev = paygress_events(p, &s->nev);
  return d;
}

static const paygress_decision *pg_call_response(paygress *p, pg_scratch *s, paygress_request *r, uint32_t status, const char *body, size_t len) {
  const paygress_decision *d = paygress_call_response(r, status, body, len);
  s->ev = paygress_events(p, &s->nev);
  return d;
}

static const paygress_header *pg_response(paygress *p, pg_scratch *s, paygress_request *r) {
  const paygress_header *h = paygress_response_headers(r, &s->n);
  s->ev = paygress_events(p, &s->nev);
  return h;
}

static void pg_abandon(paygress *p, pg_scratch *s, paygress_request *r, uint32_t status, const char *body, size_t len) {
  paygress_request_abandon(r, status, body, len);
  s->ev = paygress_events(p, &s->nev);
}

static void pg_finish(paygress *p, pg_scratch *s, paygress_request *r) {
  paygress_request_finish(r);
  s->ev = paygress_events(p, &s->nev);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Version is the native library's version string.
func Version() string { return C.GoString(C.paygress_version()) }

// Shared is a store for earnings counters and metrics that many instances (and forked processes)
// share: anonymous MAP_SHARED memory with a process-shared mutex.
type Shared struct {
	p    *C.paygress_shared
	once sync.Once
}

// NewShared creates a shared store with room for 1024 shared-data keys and 1024 metrics.
func NewShared() (*Shared, error) {
	p, err := C.paygress_shared_create(0, 0)
	if p == nil {
		return nil, fmt.Errorf("paygress: cannot create the shared store: %v", err)
	}
	return &Shared{p: p}, nil
}

// Prometheus renders every metric in the store (all instances) in the Prometheus text format.
func (s *Shared) Prometheus() string {
	var n C.size_t
	t := C.paygress_shared_prometheus(s.p, &n)
	if t == nil {
		return ""
	}
	defer C.paygress_free(unsafe.Pointer(t))
	return C.GoStringN(t, C.int(n))
}

// Close unmaps the store; only after every Gate using it was closed.
func (s *Shared) Close() { s.once.Do(func() { C.paygress_shared_destroy(s.p) }) }

// Decision kinds.
const (
	kindContinue = 0
	kindRespond  = 1
	kindCall     = 2
)

// Header is one header name and value.
type Header struct{ Name, Value string }

// Event kinds (paygress.h).
const (
	EventLog       = 0
	EventCounter   = 1
	EventHistogram = 2
	EventGauge     = 3
)

// Event is a log line or a metric delta the module emitted.
type Event struct {
	Kind   int
	Level  int    // log level: 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 critical
	Text   string // log line, or metric name
	Labels string // metric labels, Prometheus syntax without braces
	Value  int64
}

// instance is one module instance; mu serialises every call into it (and its requests).
type instance struct {
	mu  sync.Mutex
	p   *C.paygress
	s   *C.pg_scratch // C memory, one per instance (guarded by mu)
	buf []byte
}

// newInstance creates an instance. env entries are "NAME=value".
func newInstance(config []byte, env []string, shared *Shared, maxMemoryMB, minLogLevel int) (*instance, []Event, error) {
	cenv := make([]*C.char, len(env)+1)
	for i, e := range env {
		cenv[i] = C.CString(e)
	}
	defer func() {
		for _, c := range cenv[:len(env)] {
			C.free(unsafe.Pointer(c))
		}
	}()
	// The options struct and the env array live in C memory: C must not hold Go pointers to Go
	// memory that contains Go pointers.
	opts := (*C.paygress_options)(C.calloc(1, C.size_t(unsafe.Sizeof(C.paygress_options{}))))
	defer C.free(unsafe.Pointer(opts))
	arr := (**C.char)(C.calloc(C.size_t(len(cenv)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(arr))
	copy(unsafe.Slice(arr, len(cenv)), cenv)
	opts.env = arr
	opts.env_count = C.size_t(len(env))
	if shared != nil {
		opts.shared = shared.p
	}
	opts.max_memory_mb = C.uint32_t(maxMemoryMB)
	opts.min_log_level = C.int(minLogLevel)
	cfg := C.CBytes(config)
	defer C.free(cfg)
	var cerr *C.char
	p := C.paygress_create((*C.char)(cfg), C.size_t(len(config)), opts, &cerr)
	if p == nil {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(cerr)
			C.paygress_free(unsafe.Pointer(cerr))
		}
		return nil, nil, errors.New("paygress: " + msg)
	}
	in := &instance{p: p, buf: make([]byte, 0, 1024)}
	in.s = (*C.pg_scratch)(C.calloc(1, C.size_t(unsafe.Sizeof(C.pg_scratch{}))))
	var n C.size_t
	ev := C.paygress_events(p, &n)
	return in, logLines(ev, n), nil
}

// logLines copies the log events among ev[0:n] (caller holds mu: they live until the next call).
// Metric events need no copy: the store aggregates them.
func logLines(ev *C.paygress_event, n C.size_t) []Event {
	if n == 0 {
		return nil
	}
	src := unsafe.Slice(ev, int(n))
	var out []Event
	for i := range src {
		e := &src[i]
		if e.kind != EventLog {
			continue // metrics are aggregated in the store; only log lines go to the logger
		}
		out = append(out, Event{Kind: int(e.kind), Level: int(e.level), Text: C.GoStringN(e.text, C.int(e.text_len))})
	}
	return out
}

func (in *instance) destroy() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.p != nil {
		C.paygress_destroy(in.p)
		C.free(unsafe.Pointer(in.s))
		in.p = nil
	}
}

// reqHandle is a request of the C API (used by gate.go, which has no cgo preamble).
type reqHandle = *C.paygress_request

// RequestInfo is what the gate reads from a request: the request target as received (raw, query
// included), the host the server routes on, and the headers the gate decides on — every value of
// X-Cashu, Authorization, X-Paygress-Pass and Cookie (AddPaymentHeaders collects them).
type RequestInfo struct {
	Method, Path, Authority, Scheme string
	Headers                         []Header
}

// paymentHeaders are the request headers the gate reads (canonical names).
var paymentHeaders = [...]string{"X-Cashu", "Authorization", "X-Paygress-Pass", "Cookie"}

// AddPaymentHeaders appends every value of the headers the gate reads to info.Headers.
func (info *RequestInfo) AddPaymentHeaders(h map[string][]string) {
	for _, name := range paymentHeaders {
		for _, v := range h[name] {
			info.Headers = append(info.Headers, Header{name, v})
		}
	}
}

// Change is a change the gate asks for before the request goes upstream: Name ":path" with the
// target to forward (the canonical path, encoded, and the query), a header to replace (Value), or
// with Remove a header to delete.
type Change struct {
	Name, Value string
	Remove      bool
}

// decision is a copy of a C decision in Go memory.
type decision struct {
	kind      int
	status    int
	headers   []Header
	body      []byte
	cluster   string
	method    string
	path      string
	authority string
	timeoutMs int
	internal  bool
	changes   []Change
}

func str(p *C.char, n C.size_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

func copyDecision(d *C.paygress_decision) decision {
	out := decision{kind: int(d.kind), status: int(d.status), internal: d.internal_error != 0}
	if d.kind == kindContinue {
		if d.request_change_count > 0 {
			cs := unsafe.Slice(d.request_changes, int(d.request_change_count))
			out.changes = make([]Change, len(cs))
			for i := range cs {
				out.changes[i] = Change{Name: str(cs[i].name, cs[i].name_len), Value: str(cs[i].value, cs[i].value_len), Remove: cs[i].value == nil}
			}
		}
		return out
	}
	if d.header_count > 0 {
		hs := unsafe.Slice(d.headers, int(d.header_count))
		out.headers = make([]Header, len(hs))
		for i := range hs {
			out.headers[i] = Header{str(hs[i].name, hs[i].name_len), str(hs[i].value, hs[i].value_len)}
		}
	}
	if d.body != nil && d.body_len > 0 {
		out.body = C.GoBytes(unsafe.Pointer(d.body), C.int(d.body_len))
	}
	if d.kind == kindCall {
		out.cluster = str(d.cluster, d.cluster_len)
		out.method = str(d.method, d.method_len)
		out.path = str(d.path, d.path_len)
		out.authority = str(d.authority, d.authority_len)
		out.timeoutMs = int(d.timeout_ms)
	}
	return out
}

// begin starts a request and delivers its headers (caller holds mu).
func (in *instance) begin(info *RequestInfo) (*C.paygress_request, decision, []Event) {
	s := in.s
	b := in.buf[:0]
	fields := [4]*string{&info.Method, &info.Path, &info.Authority, nil}
	if info.Scheme != "" {
		fields[3] = &info.Scheme
	}
	for i, f := range fields {
		if f == nil {
			s.lens[i] = -1
			continue
		}
		s.lens[i] = C.longlong(len(*f))
		b = append(b, *f...)
	}
	if len(info.Headers) > C.PG_MAXH {
		return nil, decision{kind: kindRespond, status: 431, internal: false,
			headers: []Header{{"content-type", "application/json"}},
			body:    []byte(`{"error":"bad_payment_header","message":"too many payment headers (X-Cashu, Authorization, X-Paygress-Pass, Cookie)"}`)}, nil
	}
	s.nh = C.size_t(len(info.Headers))
	for i, h := range info.Headers {
		s.lens[4+2*i] = C.longlong(len(h.Name))
		s.lens[5+2*i] = C.longlong(len(h.Value))
		b = append(b, h.Name...)
		b = append(b, h.Value...)
	}
	in.buf = b
	var bp *C.char
	if len(b) > 0 {
		bp = (*C.char)(unsafe.Pointer(&b[0]))
	}
	d := C.pg_begin(in.p, s, bp)
	runtime.KeepAlive(b)
	if d == nil {
		return nil, decision{kind: kindRespond, status: 503, internal: true,
			headers: []Header{{"content-type", "application/json"}, {"retry-after", "1"}},
			body:    []byte(`{"error":"internal_error","message":"out of memory"}`)}, nil
	}
	return s.req, copyDecision(d), logLines(s.ev, s.nev)
}

func (in *instance) callResponse(req *C.paygress_request, status int, body []byte) (decision, []Event) {
	var bp *C.char
	if len(body) > 0 {
		bp = (*C.char)(unsafe.Pointer(&body[0]))
	}
	d := C.pg_call_response(in.p, in.s, req, C.uint32_t(status), bp, C.size_t(len(body)))
	runtime.KeepAlive(body)
	return copyDecision(d), logLines(in.s.ev, in.s.nev)
}

func (in *instance) responseHeaders(req *C.paygress_request) ([]Header, []Event) {
	h := C.pg_response(in.p, in.s, req)
	events := logLines(in.s.ev, in.s.nev)
	n := int(in.s.n)
	if n == 0 {
		return nil, events
	}
	hs := unsafe.Slice(h, n)
	out := make([]Header, len(hs))
	for i := range hs {
		out[i] = Header{str(hs[i].name, hs[i].name_len), str(hs[i].value, hs[i].value_len)}
	}
	return out, events
}

// abandon ends a request whose client left while a mint call was out (caller holds mu).
func (in *instance) abandon(req *C.paygress_request, status int, body []byte) []Event {
	var bp *C.char
	if len(body) > 0 {
		bp = (*C.char)(unsafe.Pointer(&body[0]))
	}
	C.pg_abandon(in.p, in.s, req, C.uint32_t(status), bp, C.size_t(len(body)))
	runtime.KeepAlive(body)
	return logLines(in.s.ev, in.s.nev)
}

func (in *instance) finish(req *C.paygress_request) []Event {
	C.pg_finish(in.p, in.s, req)
	return logLines(in.s.ev, in.s.nev)
}

func (in *instance) trapCount() uint64 { return uint64(C.paygress_trap_count(in.p)) }

// pool hands out instances: the next one round-robin if free, else any free one, else it waits
// on the next one.
type pool struct {
	all  []*instance
	next atomic.Uint32
}

func (p *pool) acquire() *instance {
	n := uint32(len(p.all))
	start := p.next.Add(1)
	for i := uint32(0); i < n; i++ {
		in := p.all[(start+i)%n]
		if in.mu.TryLock() {
			return in
		}
	}
	in := p.all[start%n]
	in.mu.Lock()
	return in
}
