package paygress

// Tests and benchmarks of the Go package against a fake mint (httptest) that serves the fixtures
// of host-shims/c/test/fixtures.ts (PAYGRESS_FIXTURES=dir; bench/native.ts and
// test/unit/native-go.test.ts generate them). Swap signatures are the generator point: the gate
// cannot tell, and this tests the host, not the mint's cryptography.
//
//	PAYGRESS_FIXTURES=/tmp/fx go test -run . -bench . -benchtime 200000x

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const generator = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"

type fixtures struct {
	dir     string
	config  []byte
	tokens  []string
	next    atomic.Int64
	mint    *httptest.Server
	calls   atomic.Int64
	failing atomic.Bool
	hook    atomic.Pointer[func(path string)] // called first for every mint request
}

func loadFixtures(tb testing.TB) *fixtures {
	dir := os.Getenv("PAYGRESS_FIXTURES")
	if dir == "" {
		tb.Skip("PAYGRESS_FIXTURES not set (npx tsx host-shims/c/test/fixtures.ts DIR)")
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	f := &fixtures{dir: dir, config: read("config.json")}
	for _, l := range strings.Split(strings.TrimSpace(string(read("tokens.txt"))), "\n") {
		f.tokens = append(f.tokens, strings.TrimSpace(l))
	}
	keysets, keys := read("keysets.json"), read("keys.json")
	f.mint = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		if h := f.hook.Load(); h != nil {
			(*h)(r.URL.Path)
		}
		if f.failing.Load() {
			w.WriteHeader(500)
			return
		}
		switch {
		case r.URL.Path == "/v1/keysets":
			w.Write(keysets)
		case strings.HasPrefix(r.URL.Path, "/v1/keys/"):
			w.Write(keys)
		case r.URL.Path == "/v1/restore":
			io.WriteString(w, `{"outputs":[],"signatures":[]}`)
		case r.URL.Path == "/v1/swap":
			var req struct {
				Outputs []struct {
					Amount uint64 `json:"amount"`
					ID     string `json:"id"`
				} `json:"outputs"`
			}
			json.NewDecoder(r.Body).Decode(&req)
			var sigs []string
			for _, o := range req.Outputs {
				sigs = append(sigs, fmt.Sprintf(`{"amount":%d,"id":%q,"C_":%q}`, o.Amount, o.ID, generator))
			}
			io.WriteString(w, `{"signatures":[`+strings.Join(sigs, ",")+`]}`)
		default:
			w.WriteHeader(404)
		}
	}))
	tb.Cleanup(f.mint.Close)
	return f
}

func (f *fixtures) token(tb testing.TB) string {
	i := f.next.Add(1) - 1
	if int(i) >= len(f.tokens) {
		tb.Fatal("out of fixture tokens")
	}
	return f.tokens[i]
}

func (f *fixtures) gate(tb testing.TB, instances int) *Gate {
	g, err := New(f.config, Options{
		Clusters:  map[string]string{"mint": f.mint.URL},
		Instances: instances,
		Logger:    func(int, string) {},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(g.Close)
	return g
}

var upstream = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
})

func get(h http.Handler, path string, headers map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// pay buys a pass through the middleware.
func (f *fixtures) pay(tb testing.TB, h http.Handler) string {
	w := get(h, "/article", map[string]string{"X-Cashu": f.token(tb)})
	if w.Code != 200 {
		tb.Fatalf("payment: %d %s", w.Code, w.Body.String())
	}
	pass := w.Header().Get("X-Paygress-Pass")
	if !strings.HasPrefix(pass, "p1.") {
		tb.Fatalf("no pass in %v", w.Header())
	}
	return pass
}

func TestBadConfiguration(t *testing.T) {
	_, err := New([]byte(`{"mints":[{"url":"http://m","cluster":"c"}],"routes":[{"prefix":"nope","price":1}]}`), Options{Instances: 1})
	if err == nil || !strings.Contains(err.Error(), "routes[0].prefix") {
		t.Fatalf("want an error naming routes[0].prefix, got %v", err)
	}
}

func TestMiddleware(t *testing.T) {
	f := loadFixtures(t)
	g := f.gate(t, 2)
	h := g.Middleware(upstream)

	w := get(h, "/article", nil)
	if w.Code != 402 || !strings.HasPrefix(w.Header().Get("X-Cashu"), "creqA") {
		t.Fatalf("402 expected, got %d %v", w.Code, w.Header())
	}
	if w := get(h, "/free/x", nil); w.Code != 200 {
		t.Fatalf("free route: %d", w.Code)
	}
	w = get(h, "/article", map[string]string{"X-Cashu": f.token(t)})
	if w.Code != 200 {
		t.Fatalf("payment: %d %s", w.Code, w.Body.String())
	}
	if got := w.Header().Get("X-Paygress-Receipt"); got != "amount=16; fee=1; earned=10; change=5; unit=sat; route=paid" {
		t.Fatalf("receipt %q", got)
	}
	if !strings.HasPrefix(w.Header().Get("X-Cashu-Change"), "cashuB") || !strings.HasPrefix(w.Header().Get("Set-Cookie"), "paygress_pass=") {
		t.Fatalf("change and cookie expected: %v", w.Header())
	}
	pass := w.Header().Get("X-Paygress-Pass")
	calls := f.calls.Load()
	if w := get(h, "/other", map[string]string{"X-Paygress-Pass": pass}); w.Code != 200 || w.Header().Get("X-Paygress-Pass") != "" {
		t.Fatalf("pass: %d %v", w.Code, w.Header())
	}
	if f.calls.Load() != calls {
		t.Fatal("a pass must not call the mint")
	}
	f.failing.Store(true)
	w = get(h, "/article", map[string]string{"X-Cashu": f.token(t)})
	f.failing.Store(false)
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("mint failure must fail closed with 503, got %d", w.Code)
	}
	if !strings.Contains(g.Prometheus(), `paygress_requests_total{route="paid",mint="m0",outcome="paid"} 1`) {
		t.Fatalf("metrics:\n%s", g.Prometheus())
	}
}

// The upstream receives the canonical path that was priced and none of the payment credentials.
func TestCredentialsStrippedCanonicalPath(t *testing.T) {
	f := loadFixtures(t)
	g := f.gate(t, 1)
	var seen *http.Request
	h := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.Clone(r.Context()) }))
	r := httptest.NewRequest("GET", "//%61rticle/x?q=%2e", nil)
	r.Header.Set("X-Cashu", f.token(t))
	r.Header.Set("Authorization", "Basic dTpw")
	r.Header.Set("Cookie", "theme=dark; paygress_pass=old")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || seen == nil {
		t.Fatalf("payment: %d %s", w.Code, w.Body.String())
	}
	if seen.URL.Path != "/article/x" || seen.URL.RawQuery != "q=%2e" || seen.RequestURI != "/article/x?q=%2e" {
		t.Fatalf("forwarded %q %q %q", seen.URL.Path, seen.URL.RawQuery, seen.RequestURI)
	}
	if seen.Header.Get("X-Cashu") != "" || seen.Header.Get("Authorization") != "Basic dTpw" || seen.Header.Get("Cookie") != "theme=dark" {
		t.Fatalf("forwarded headers %v", seen.Header)
	}
	pass := w.Header().Get("X-Paygress-Pass")
	seen = nil
	r = httptest.NewRequest("GET", "/article", nil)
	r.Header.Set("Authorization", "Bearer "+pass)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen == nil || seen.Header.Get("Authorization") != "" {
		t.Fatalf("a pass in Authorization must not reach the upstream: %v", seen)
	}
	seen = nil
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/free/..%2Farticle", nil))
	if w.Code != 400 || seen != nil {
		t.Fatalf("an encoded slash must be refused: %d", w.Code)
	}
}

// A client that leaves while the gate asks the mint gets no swap: its token stays unspent.
func TestClientGone(t *testing.T) {
	f := loadFixtures(t)
	g := f.gate(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var swaps atomic.Int64
	hook := func(path string) {
		if path == "/v1/keysets" {
			cancel() // the client hangs up while the keysets are being fetched
		}
		if path == "/v1/swap" {
			swaps.Add(1)
		}
	}
	f.hook.Store(&hook)
	defer f.hook.Store(nil)
	tok := f.token(t)
	ex, a := g.CheckContext(ctx, &RequestInfo{Method: "GET", Path: "/article", Authority: "shop.test", Headers: []Header{{"X-Cashu", tok}}})
	if a == nil || a.Status != 499 || !ex.ClientGone() {
		t.Fatalf("want 499 and ClientGone, got %+v", a)
	}
	ex.Finish()
	if swaps.Load() != 0 {
		t.Fatal("a swap was started for a client that left")
	}
	// The same token still pays for a client that stays.
	ex, a = g.Check(&RequestInfo{Method: "GET", Path: "/article", Authority: "shop.test", Headers: []Header{{"X-Cashu", tok}}})
	if a != nil {
		t.Fatalf("payment after the abandoned attempt: %d %s", a.Status, a.Body)
	}
	ex.Finish()
	if swaps.Load() != 1 {
		t.Fatalf("%d swaps", swaps.Load())
	}
}

// Many goroutines on a pool of instances: every answer right, payments' counters unique (the
// audit lines' "counters" never repeat).
func TestConcurrent(t *testing.T) {
	f := loadFixtures(t)
	var mu sync.Mutex
	seen := map[string]bool{}
	dup := ""
	g, err := New(f.config, Options{
		Clusters:  map[string]string{"mint": f.mint.URL},
		Instances: 3,
		Logger: func(_ int, line string) {
			i := strings.Index(line, `"counters":[`)
			if i < 0 {
				return
			}
			list := line[i+12 : i+12+strings.Index(line[i+12:], "]")]
			mu.Lock()
			for _, c := range strings.Split(list, ",") {
				if seen[c] {
					dup = c
				}
				seen[c] = true
			}
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	h := g.Middleware(upstream)
	pass := f.pay(t, h)
	var wg sync.WaitGroup
	var bad atomic.Int64
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				if get(h, "/article", map[string]string{"X-Paygress-Pass": pass}).Code != 200 {
					bad.Add(1)
				}
				if get(h, "/article", nil).Code != 402 {
					bad.Add(1)
				}
			}
			for k := 0; k < 2; k++ {
				if get(h, "/article", map[string]string{"X-Cashu": f.token(t)}).Code != 200 {
					bad.Add(1)
				}
			}
		}(i)
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d wrong answers", bad.Load())
	}
	if dup != "" || len(seen) < 17 {
		t.Fatalf("counters: duplicate %q, %d distinct", dup, len(seen))
	}
	if g.Traps() != 0 {
		t.Fatalf("%d traps", g.Traps())
	}
}

// The cost of the middleware on a request with a valid pass, the hot path (one goroutine).
func BenchmarkMiddlewarePass(b *testing.B) {
	f := loadFixtures(b)
	g := f.gate(b, 1)
	h := g.Middleware(upstream)
	pass := f.pay(b, h)
	r := httptest.NewRequest("GET", "/article", nil)
	r.Header.Set("X-Paygress-Pass", pass)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, r)
		if w.code != 200 {
			b.Fatal(w.code)
		}
	}
}

// The same request straight to the upstream handler: subtract it from BenchmarkMiddlewarePass.
func BenchmarkBaseline(b *testing.B) {
	r := httptest.NewRequest("GET", "/article", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		upstream.ServeHTTP(w, r)
	}
}

// Check + ResponseHeaders + Finish without net/http: the cgo layer's own cost.
func BenchmarkCheckPass(b *testing.B) {
	f := loadFixtures(b)
	g := f.gate(b, 1)
	pass := f.pay(b, g.Middleware(upstream))
	info := &RequestInfo{Method: "GET", Path: "/article", Authority: "shop.test", Scheme: "http", Headers: []Header{{"X-Paygress-Pass", pass}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ex, a := g.Check(info)
		if a != nil {
			b.Fatal(a.Status)
		}
		ex.ResponseHeaders()
		ex.Finish()
	}
}

func BenchmarkMiddleware402(b *testing.B) {
	f := loadFixtures(b)
	g := f.gate(b, 1)
	h := g.Middleware(upstream)
	r := httptest.NewRequest("GET", "/article", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// Pass checks from all cores: one instance (every call serialised on its mutex) versus one
// instance per core (the default).
func BenchmarkParallelPassOneInstance(b *testing.B)  { parallelPass(b, 1) }
func BenchmarkParallelPassInstancePool(b *testing.B) { parallelPass(b, 0) }

func parallelPass(b *testing.B, instances int) {
	f := loadFixtures(b)
	g := f.gate(b, instances)
	h := g.Middleware(upstream)
	pass := f.pay(b, h)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("GET", "/article", nil)
		r.Header.Set("X-Paygress-Pass", pass)
		w := &discard{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
}

// discard is a ResponseWriter that keeps nothing but the status.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(c int)           { d.code = c }
