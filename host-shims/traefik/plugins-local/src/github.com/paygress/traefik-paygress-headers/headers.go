// Package traefik_paygress_headers is a Traefik middleware plugin (Yaegi, standard library only)
// that completes Paygress's forward-auth: Traefik's ForwardAuth copies headers of an allowed auth
// answer only to the request it forwards upstream (authResponseHeaders*), never to the client's
// response. The forward-auth server returns the headers the client must get after a payment (the
// pass, the change token, the receipt) as X-Paygress-Add-<Name>; this middleware, placed right
// after ForwardAuth with authResponseHeadersRegex ^X-Paygress-Add-, removes them from the request
// (the upstream never sees the change token) and adds <Name> to the response once the upstream
// answers.
package traefik_paygress_headers

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
)

// Config of the plugin.
type Config struct {
	// Prefix of the request headers to move onto the response (canonical form).
	Prefix string `json:"prefix,omitempty"`
}

// CreateConfig returns the default configuration.
func CreateConfig() *Config {
	return &Config{Prefix: "X-Paygress-Add-"}
}

type plugin struct {
	next   http.Handler
	prefix string
}

// New creates the middleware.
func New(_ context.Context, next http.Handler, config *Config, _ string) (http.Handler, error) {
	prefix := http.CanonicalHeaderKey(config.Prefix)
	if prefix == "" {
		return nil, errors.New("paygress headers: prefix must not be empty")
	}
	return &plugin{next: next, prefix: prefix}, nil
}

type header struct {
	name   string
	values []string
}

func (p *plugin) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	var add []header
	for k, v := range req.Header {
		if strings.HasPrefix(k, p.prefix) && len(k) > len(p.prefix) {
			add = append(add, header{http.CanonicalHeaderKey(k[len(p.prefix):]), v})
			req.Header.Del(k)
		}
	}
	if len(add) == 0 {
		p.next.ServeHTTP(rw, req)
		return
	}
	p.next.ServeHTTP(&writer{ResponseWriter: rw, add: add}, req)
}

type writer struct {
	http.ResponseWriter
	add  []header
	done bool
}

func (w *writer) apply() {
	if w.done {
		return
	}
	w.done = true
	h := w.ResponseWriter.Header()
	for _, a := range w.add {
		for _, v := range a.values {
			h.Add(a.name, v)
		}
	}
}

func (w *writer) WriteHeader(code int) {
	w.apply()
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(b []byte) (int, error) {
	w.apply()
	return w.ResponseWriter.Write(b)
}

func (w *writer) Flush() {
	w.apply()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("paygress headers: hijack not supported")
}
