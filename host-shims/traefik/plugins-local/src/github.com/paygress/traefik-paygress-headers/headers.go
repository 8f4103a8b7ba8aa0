// Package traefik_paygress_headers is a Traefik middleware plugin (Yaegi, standard library only)
// that completes Paygress's forward-auth. Placed right after ForwardAuth with
// authResponseHeadersRegex ^X-Paygress-(Add|Forward)- (which also deletes client-sent copies), it
//   - applies what the gate decided for the forwarded request: the target X-Paygress-Forward-Path
//     (the canonical path that was priced), the Authorization and Cookie of
//     X-Paygress-Forward-Authorization / -Cookie ("" = none), and never forwards X-Cashu or
//     X-Paygress-Pass: payment credentials stay at the gate, the upstream serves what was priced;
//   - moves X-Paygress-Add-<Name> (the pass, the change token, the receipt after a payment) from the
//     request onto the client's response, since ForwardAuth copies an allowed answer's headers only
//     into the request it forwards.
// A request that reaches it without X-Paygress-Forward-Path did not pass the gate: it is refused.
package traefik_paygress_headers

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Config of the plugin.
type Config struct {
	// Prefix of the request headers to move onto the response (canonical form).
	Prefix string `json:"prefix,omitempty"`
	// Prefix of the forwarding instructions.
	ForwardPrefix string `json:"forwardPrefix,omitempty"`
}

// CreateConfig returns the default configuration.
func CreateConfig() *Config {
	return &Config{Prefix: "X-Paygress-Add-", ForwardPrefix: "X-Paygress-Forward-"}
}

type plugin struct {
	next    http.Handler
	prefix  string
	forward string
}

// New creates the middleware.
func New(_ context.Context, next http.Handler, config *Config, _ string) (http.Handler, error) {
	prefix := http.CanonicalHeaderKey(config.Prefix)
	forward := http.CanonicalHeaderKey(config.ForwardPrefix)
	if prefix == "" || forward == "" {
		return nil, errors.New("paygress headers: prefix and forwardPrefix must not be empty")
	}
	return &plugin{next: next, prefix: prefix, forward: forward}, nil
}

// applyForward carries out the gate's forwarding instructions; false when there are none.
func (p *plugin) applyForward(req *http.Request) bool {
	target, ok := req.Header[p.forward+"Path"]
	if !ok || len(target) != 1 {
		return false
	}
	u, err := url.ParseRequestURI(target[0])
	if err != nil {
		return false
	}
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
	req.RequestURI = target[0]
	for _, name := range []string{"Authorization", "Cookie"} {
		v, set := req.Header[p.forward+name]
		if !set {
			continue
		}
		if len(v) == 0 || v[0] == "" {
			req.Header.Del(name)
		} else {
			req.Header.Set(name, v[0])
		}
	}
	for k := range req.Header {
		if strings.HasPrefix(k, p.forward) {
			req.Header.Del(k)
		}
	}
	req.Header.Del("X-Cashu")
	req.Header.Del("X-Paygress-Pass")
	return true
}

type header struct {
	name   string
	values []string
}

func (p *plugin) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	if !p.applyForward(req) {
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusBadGateway)
		io.WriteString(rw, `{"error":"paygress_not_checked","message":"the request did not come through the Paygress forward-auth (X-Paygress-Forward-Path missing)"}`)
		return
	}
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
