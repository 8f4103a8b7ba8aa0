package paygress

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
)

// InfoFromRequest reads what the gate needs from a request received by this server.
func InfoFromRequest(r *http.Request) *RequestInfo {
	info := &RequestInfo{Method: r.Method, Path: r.RequestURI, Authority: r.Host, Scheme: "http"}
	if info.Path == "" {
		info.Path = r.URL.RequestURI()
	}
	if r.TLS != nil {
		info.Scheme = "https"
	}
	info.XCashu = headerPtr(r.Header, "X-Cashu")
	info.Authorization = headerPtr(r.Header, "Authorization")
	info.Pass = headerPtr(r.Header, "X-Paygress-Pass")
	info.Cookie = headerPtr(r.Header, "Cookie")
	return info
}

// headerPtr is the header's value (several values joined as one Cookie header would be), or nil.
func headerPtr(h http.Header, name string) *string {
	v, ok := h[name]
	if !ok || len(v) == 0 {
		return nil
	}
	s := v[0]
	if len(v) > 1 {
		sep := ", "
		if name == "Cookie" {
			sep = "; "
		}
		s = strings.Join(v, sep)
	}
	return &s
}

// mwState is what the middleware needs per request, pooled: the request info (with room for the
// header values it points to), the exchange and the response writer.
type mwState struct {
	info                        RequestInfo
	xcashu, authorization, pass string
	cookie                      string
	ex                          Exchange
	rw                          responseWriter
}

var mwPool = sync.Pool{New: func() any { return new(mwState) }}

// fill reads the request into st.info without allocating (for one value per header).
func (st *mwState) fill(r *http.Request) {
	in := &st.info
	*in = RequestInfo{Method: r.Method, Path: r.RequestURI, Authority: r.Host, Scheme: "http"}
	if in.Path == "" {
		in.Path = r.URL.RequestURI()
	}
	if r.TLS != nil {
		in.Scheme = "https"
	}
	set := func(dst *string, name string) *string {
		v, ok := r.Header[name]
		if !ok || len(v) == 0 {
			return nil
		}
		if len(v) == 1 {
			*dst = v[0]
		} else {
			*dst = *headerPtr(r.Header, name)
		}
		return dst
	}
	in.XCashu = set(&st.xcashu, "X-Cashu")
	in.Authorization = set(&st.authorization, "Authorization")
	in.Pass = set(&st.pass, "X-Paygress-Pass")
	in.Cookie = set(&st.cookie, "Cookie")
}

// Middleware puts the gate in front of next: unpaid requests get the gate's answer (402, 400,
// 503); paid ones (a token redeemed at the mint, or a valid pass) reach next, and after a payment
// the pass, its cookie, the change and the receipt are added to next's response headers.
func (g *Gate) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := mwPool.Get().(*mwState)
		st.fill(r)
		answer := g.check(r.Context(), &st.info, &st.ex)
		if answer != nil {
			st.ex.Finish()
			answer.Write(w)
			st.release()
			return
		}
		st.rw = responseWriter{ResponseWriter: w, ex: &st.ex}
		defer func() {
			st.ex.Finish()
			st.release()
		}()
		next.ServeHTTP(&st.rw, r)
		st.rw.addHeaders() // a handler that wrote nothing still gets them (net/http then sends 200)
	})
}

func (st *mwState) release() {
	*st = mwState{}
	mwPool.Put(st)
}

// responseWriter adds the gate's response headers when the upstream's status is written.
type responseWriter struct {
	http.ResponseWriter
	ex    *Exchange
	added bool
}

func (w *responseWriter) addHeaders() {
	if w.added {
		return
	}
	w.added = true
	h := w.ResponseWriter.Header()
	for _, a := range w.ex.ResponseHeaders() {
		h.Add(a.Name, a.Value)
	}
}

func (w *responseWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.addHeaders()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.addHeaders()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines, ...).
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps streaming responses (SSE) working through the middleware.
func (w *responseWriter) Flush() {
	w.addHeaders()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack keeps WebSocket upgrades working (paid at the upgrade request).
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("paygress: the underlying ResponseWriter cannot hijack")
}
