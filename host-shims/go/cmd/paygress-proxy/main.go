// paygress-proxy: a reverse proxy with the Paygress net/http middleware in front of one upstream.
// The e2e suite runs the payment scenarios against it (test/e2e/go.test.ts); it is also the
// smallest way to put Paygress in front of any HTTP service.
//
//	paygress-proxy -listen 127.0.0.1:8080 -config paygress.json \
//	    -upstream http://127.0.0.1:9000 -mint-cluster mint=http://127.0.0.1:3338
//
// Metrics (Prometheus text) on -metrics-path (default /paygress/metrics, not gated).
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/paygress/paygress/host-shims/go/internal/cli"
)

func main() {
	var f cli.Flags
	f.Register(flag.CommandLine, "127.0.0.1:8080")
	upstream := flag.String("upstream", "", "the service behind the gate: http://host:port")
	metricsPath := flag.String("metrics-path", "/paygress/metrics", "path of the Prometheus metrics (empty: none)")
	flag.Parse()
	u, err := url.Parse(*upstream)
	if err != nil || u.Host == "" {
		log.Fatal("paygress-proxy: -upstream http://host:port is required")
	}
	g := f.Gate()
	defer g.Close()

	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}
	// Not an http.ServeMux: it cleans paths and redirects "//a" or "/a/../b" itself, before the gate
	// sees them; the gate decides on the raw target and forwards the canonical one.
	gated := g.Middleware(proxy)
	metrics := g.MetricsHandler()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if *metricsPath != "" && r.URL.Path == *metricsPath && r.URL.RawPath == "" {
			metrics.ServeHTTP(w, r)
			return
		}
		gated.ServeHTTP(w, r)
	})
	srv := &http.Server{Addr: f.Listen, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		<-ch
		srv.Close()
	}()
	log.Printf("paygress-proxy: listening on %s, upstream %s", f.Listen, u)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
