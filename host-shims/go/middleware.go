package paygress

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// InfoFromRequest reads what the gate needs from a request received by this server.
func InfoFromRequest(r *http.Request) *RequestInfo {
	info := &RequestInfo{}
	fillInfo(info, r)
	return info
}

// fillInfo reads the request into info (reusing info.Headers' storage).
func fillInfo(info *RequestInfo, r *http.Request) {
	*info = RequestInfo{Method: r.Method, Path: r.RequestURI, Authority: r.Host, Scheme: "http", Headers: info.Headers[:0]}
	if info.Path == "" {
		info.Path = r.URL.RequestURI()
	}
	if r.TLS != nil {
		info.Scheme = "https"
	}
	info.AddPaymentHeaders(r.Header)
}

// mwState is what the middleware needs per request, pooled: the request info (with room for the
// headers it carries), the exchange and the response writer.
type mwState struct {
	info RequestInfo
	ex   Exchange
	rw   responseWriter
}

var mwPool = sync.Pool{New: func() any { return &mwState{info: RequestInfo{Headers: make([]Header, 0, 4)}} }}

// Middleware puts the gate in front of next: unpaid requests get the gate's answer (402, 400,
// 503); paid ones (a token redeemed at the mint, or a valid pass) reach next, and after a payment
// the pass, its cookie, the change and the receipt are added to next's response headers.
func (g *Gate) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := mwPool.Get().(*mwState)
		fillInfo(&st.info, r)
		answer := g.check(r.Context(), &st.info, &st.ex)
		if answer == nil {
			if err := st.ex.ApplyChanges(r); err != nil {
				answer = &Answer{Status: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
					Body: []byte(`{"error":"bad_request_target","message":"the request target cannot be forwarded as priced"}`)}
			}
		}
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
	clear(st.info.Headers) // drop the references to this request's header values
	h := st.info.Headers[:0]
	*st = mwState{}
	st.info.Headers = h
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
