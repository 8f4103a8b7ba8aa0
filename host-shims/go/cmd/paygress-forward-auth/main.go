// paygress-forward-auth: the Paygress gate as a forward-auth service, for Traefik's ForwardAuth
// middleware (and NGINX auth_request, Envoy ext_authz in HTTP mode).
//
//	paygress-forward-auth -listen 127.0.0.1:8089 -config paygress.json \
//	    -mint-cluster mint=http://127.0.0.1:3338
//
// Every request to any path except the ones below is an authorization check of the original
// request, read from X-Forwarded-Method, X-Forwarded-Uri, X-Forwarded-Host (all three required:
// a check without them is refused with 400, never priced as "/") and X-Forwarded-Proto, with the
// payment headers X-Cashu, Authorization, X-Paygress-Pass and Cookie as forwarded:
//
//   - allowed (a valid pass, or a token the mint just redeemed): 200 with what the proxy must do:
//       X-Paygress-Forward-Path           the request target to forward (the canonical path the
//                                         gate priced, and the query): always;
//       X-Paygress-Forward-Authorization  the Authorization to forward ("" = none), when the
//                                         request had one (a Cashu token or pass in it is removed);
//       X-Paygress-Forward-Cookie         the Cookie to forward, likewise (without the pass cookie);
//     X-Cashu and X-Paygress-Pass are never to be forwarded. After a payment the answer also
//     carries what the client must receive: the pass cookie as Set-Cookie (Traefik:
//     addAuthCookiesToResponse), and every other header to add to the client's response as
//     X-Paygress-Add-<Name> (x-paygress-pass, x-cashu-change, x-paygress-receipt, ...). ForwardAuth
//     copies auth headers only to the request it forwards upstream, so a small Traefik plugin
//     (host-shims/traefik/plugins-local) applies X-Paygress-Forward-* to that request and moves
//     X-Paygress-Add-* onto the response;
//   - refused: the gate's answer as is (402 with the payment request, 400, 503 + Retry-After),
//     which Traefik returns to the client.
//
// Checks sent to /_paygress/nginx (the NGINX configuration's auth_request location) answer a
// refusal with 401 and X-Paygress-Deny: <id>, since auth_request passes nothing but 2xx/401/403;
// NGINX then fetches the real answer once from /_paygress/deny/<id> (docs/native.md). The mode is
// chosen by the path the proxy calls, never by a header a client could send.
//
// Also: /healthz (200), /metrics (Prometheus text). Only the proxy may reach this server: it
// trusts the X-Forwarded-* headers.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"io"
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

// AddPrefix marks response headers for the client in an allowed answer; ForwardPrefix what the
// proxy must change in the request it forwards.
const (
	AddPrefix     = "X-Paygress-Add-"
	ForwardPrefix = "X-Paygress-Forward-"
)

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

// info is the original request as the proxy describes it; nil when it does not.
func info(r *http.Request) *paygress.RequestInfo {
	method, uri, host := r.Header.Get("X-Forwarded-Method"), r.Header.Get("X-Forwarded-Uri"), r.Header.Get("X-Forwarded-Host")
	if method == "" || uri == "" || host == "" {
		return nil
	}
	in := &paygress.RequestInfo{Method: method, Path: uri, Authority: host, Scheme: first(r, "X-Forwarded-Proto", "http")}
	in.AddPaymentHeaders(r.Header)
	return in
}

const missingForwarded = `{"error":"bad_request","message":"forward-auth: X-Forwarded-Method, X-Forwarded-Uri and X-Forwarded-Host are required (this server answers a proxy's forward-auth checks)"}`

func (s *server) check(w http.ResponseWriter, r *http.Request) {
	in := info(r)
	if in == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, missingForwarded)
		return
	}
	// Traefik cancels the auth request when its client leaves: then no swap is started.
	ex, answer := s.g.CheckContext(r.Context(), in)
	defer ex.Finish()
	if answer != nil {
		if r.URL.Path == "/_paygress/nginx" {
			id := newID()
			s.denied.Store(id, deny{answer, time.Now()})
			w.Header().Set("X-Paygress-Deny", id)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		answer.Write(w)
		return
	}
	// Allowed: what the proxy forwards. In forward-auth the upstream has not answered yet: the
	// headers for the client are computed now (the pass and change exist as soon as the mint signed).
	h := w.Header()
	forward(h, r, in, ex.Changes())
	for _, a := range ex.ResponseHeaders() {
		if strings.EqualFold(a.Name, "set-cookie") {
			h.Add("Set-Cookie", a.Value)
			continue
		}
		h.Add(AddPrefix+a.Name, a.Value)
	}
	w.WriteHeader(http.StatusOK)
}

// forward writes the X-Paygress-Forward-* instructions for an allowed request.
func forward(h http.Header, r *http.Request, in *paygress.RequestInfo, changes []paygress.Change) {
	target := in.Path
	auth, hasAuth := joined(r.Header, "Authorization", ", ")
	cookie, hasCookie := joined(r.Header, "Cookie", "; ")
	for _, c := range changes {
		switch strings.ToLower(c.Name) {
		case ":path":
			target = c.Value
		case "authorization":
			auth = c.Value // "" when removed
		case "cookie":
			cookie = c.Value
		}
	}
	h.Set(ForwardPrefix+"Path", target)
	if hasAuth {
		h.Set(ForwardPrefix+"Authorization", auth)
	}
	if hasCookie {
		h.Set(ForwardPrefix+"Cookie", cookie)
	}
}

func joined(h http.Header, name, sep string) (string, bool) {
	v, ok := h[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return strings.Join(v, sep), true
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
