// paygress-forward-auth: the Paygress gate as a forward-auth service, for Traefik's ForwardAuth
// middleware (and NGINX auth_request, Envoy ext_authz in HTTP mode).
//
//	paygress-forward-auth -listen 127.0.0.1:8089 -config paygress.json \
//	    -mint-cluster mint=http://127.0.0.1:3338
//
// Every request to any path except the ones below is an authorization check of the original
// request, read from X-Forwarded-Method, X-Forwarded-Uri, X-Forwarded-Host and X-Forwarded-Proto
// (with the payment headers X-Cashu, Authorization, X-Paygress-Pass and Cookie as forwarded):
//
//   - allowed (a valid pass, or a token the mint just redeemed): 200. After a payment the answer
//     also carries what the client must receive: the pass cookie as Set-Cookie (Traefik:
//     addAuthCookiesToResponse), and every other header to add to the client's response as
//     X-Paygress-Add-<Name> (x-paygress-pass, x-cashu-change, x-paygress-receipt, ...). ForwardAuth
//     copies auth headers only to the request it forwards upstream, so a small Traefik plugin
//     (host-shims/traefik/plugins-local) moves X-Paygress-Add-* onto the response;
//   - refused: the gate's answer as is (402 with the payment request, 400, 503 + Retry-After),
//     which Traefik returns to the client.
//
// With the request header X-Paygress-Auth-Request: nginx (set by the NGINX configuration),
// refusals are answered 401 with X-Paygress-Deny: <id>, since auth_request passes nothing but
// 2xx/401/403; NGINX then fetches the real answer once from /_paygress/deny/<id> (docs/native.md).
//
// Also: /healthz (200), /metrics (Prometheus text). Only the proxy may reach this server: it
// trusts the X-Forwarded-* headers.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	paygress "github.com/paygress/paygress/host-shims/go"
	"github.com/paygress/paygress/host-shims/go/internal/cli"
)

// AddPrefix marks response headers for the client in an allowed answer.
const AddPrefix = "X-Paygress-Add-"

type server struct {
	g      *paygress.Gate
	denied sync.Map // id -> deny (NGINX auth_request mode)
}

type deny struct {
	answer *paygress.Answer
	at     time.Time
}

func first(r *http.Request, name, def string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	return def
}

// info is the original request as the proxy describes it.
func info(r *http.Request) *paygress.RequestInfo {
	in := paygress.InfoFromRequest(r)
	in.Method = first(r, "X-Forwarded-Method", http.MethodGet)
	in.Path = first(r, "X-Forwarded-Uri", "/")
	in.Authority = first(r, "X-Forwarded-Host", r.Host)
	in.Scheme = first(r, "X-Forwarded-Proto", "http")
	return in
}

func (s *server) check(w http.ResponseWriter, r *http.Request) {
	// Traefik cancels the auth request when its client leaves: then no swap is started.
	ex, answer := s.g.CheckContext(r.Context(), info(r))
	defer ex.Finish()
	if answer != nil {
		if strings.EqualFold(r.Header.Get("X-Paygress-Auth-Request"), "nginx") {
			id := newID()
			s.denied.Store(id, deny{answer, time.Now()})
			w.Header().Set("X-Paygress-Deny", id)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		answer.Write(w)
		return
	}
	// Allowed. In forward-auth the upstream has not answered yet: the headers for the client are
	// computed now (the pass and change exist as soon as the mint signed).
	h := w.Header()
	for _, a := range ex.ResponseHeaders() {
		if strings.EqualFold(a.Name, "set-cookie") {
			h.Add("Set-Cookie", a.Value)
			continue
		}
		h.Add(AddPrefix+a.Name, a.Value)
	}
	w.WriteHeader(http.StatusOK)
}

// deniedAnswer serves a refusal kept for NGINX auth_request, once.
func (s *server) deniedAnswer(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/_paygress/deny/")
	v, ok := s.denied.LoadAndDelete(id)
	if !ok {
		http.Error(w, `{"error":"internal_error","message":"unknown or expired refusal"}`, http.StatusInternalServerError)
		return
	}
	v.(deny).answer.Write(w)
}

func (s *server) sweep() {
	for range time.Tick(10 * time.Second) {
		limit := time.Now().Add(-60 * time.Second)
		s.denied.Range(func(k, v any) bool {
			if v.(deny).at.Before(limit) {
				s.denied.Delete(k)
			}
			return true
		})
	}
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func main() {
	var f cli.Flags
	f.Register(flag.CommandLine, "127.0.0.1:8089")
	flag.Parse()
	g := f.Gate()
	defer g.Close()
	s := &server{g: g}
	go s.sweep()

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.Handle("/metrics", g.MetricsHandler())
	mux.HandleFunc("/_paygress/deny/", s.deniedAnswer)
	mux.HandleFunc("/", s.check)
	srv := &http.Server{Addr: f.Listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		<-ch
		srv.Close()
	}()
	log.Printf("paygress-forward-auth: listening on %s", f.Listen)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
