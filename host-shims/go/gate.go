package paygress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Options configure a Gate. The zero value works for a configuration whose mint clusters are
// "host:port" names (port 443: https).
type Options struct {
	// Clusters maps the configuration's mint `cluster` names to base URLs (http://host:port).
	Clusters map[string]string
	// Env is the environment the module sees (WASI environ) for `secret_env`/`seed_env`; nil means
	// os.Environ().
	Env []string
	// Instances is the number of module instances (parallel requests in the gate); 0 means
	// GOMAXPROCS.
	Instances int
	// Shared is the store for earnings counters and metrics; nil makes one for this Gate.
	Shared *Shared
	// MaxMemoryMB limits each instance's linear memory (0 = 128).
	MaxMemoryMB int
	// LogLevel is the lowest module log level delivered to Logger (0 trace .. 5 critical); 0 means 2.
	LogLevel int
	// Logger receives the module's log lines (audit lines at level 2); nil logs with package log.
	Logger func(level int, line string)
	// Client performs mint calls; nil uses a client with keep-alive connections.
	Client *http.Client
}

// Gate is the payment gate: safe for concurrent use by any number of goroutines.
type Gate struct {
	pool      pool
	shared    *Shared
	ownShared bool
	clusters  map[string]string
	client    *http.Client
	logger    func(level int, line string)
	closeOnce sync.Once
}

var levelNames = []string{"trace", "debug", "info", "warn", "error", "critical"}

// New creates a gate from the plugin configuration (the same JSON Envoy takes). A bad
// configuration returns an error naming the field.
func New(config []byte, o Options) (*Gate, error) {
	g := &Gate{clusters: o.Clusters, client: o.Client, logger: o.Logger, shared: o.Shared}
	if g.logger == nil {
		g.logger = func(level int, line string) {
			name := "info"
			if level >= 0 && level < len(levelNames) {
				name = levelNames[level]
			}
			log.Printf("paygress %s: %s", name, line)
		}
	}
	if g.client == nil {
		g.client = &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        64,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     60 * time.Second,
		}}
	}
	if g.shared == nil {
		s, err := NewShared()
		if err != nil {
			return nil, err
		}
		g.shared = s
		g.ownShared = true
	}
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	n := o.Instances
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	level := o.LogLevel
	if level == 0 {
		level = 2
	}
	for i := 0; i < n; i++ {
		in, ev, err := newInstance(config, env, g.shared, o.MaxMemoryMB, level)
		if err != nil {
			g.Close()
			return nil, err
		}
		if i == 0 {
			g.deliver(ev)
		}
		g.pool.all = append(g.pool.all, in)
	}
	return g, nil
}

// Close destroys the instances (and the store, if the Gate made it). Requests still running must
// have finished.
func (g *Gate) Close() {
	g.closeOnce.Do(func() {
		for _, in := range g.pool.all {
			in.destroy()
		}
		if g.ownShared {
			g.shared.Close()
		}
	})
}

// Prometheus returns the metrics of every instance in the Prometheus text format.
func (g *Gate) Prometheus() string { return g.shared.Prometheus() }

// MetricsHandler serves Prometheus() on GET.
func (g *Gate) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		io.WriteString(w, g.Prometheus())
	})
}

// Traps is how many times the instances trapped (and were rebuilt).
func (g *Gate) Traps() uint64 {
	var t uint64
	for _, in := range g.pool.all {
		in.mu.Lock()
		t += in.trapCount()
		in.mu.Unlock()
	}
	return t
}

func (g *Gate) deliver(ev []Event) {
	for _, e := range ev {
		g.logger(e.Level, e.Text)
	}
}

// Answer is a response the gate makes itself (402, 400, 503, ...).
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Write sends the answer.
func (a *Answer) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range a.Header {
		h[k] = v
	}
	h.Set("Content-Length", fmt.Sprint(len(a.Body)))
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// Exchange is one request going through the gate. Finish it exactly once.
type Exchange struct {
	changes  []Change
	g        *Gate
	in       *instance
	req      reqHandle
	added    []Header
	haveResp bool
	done     bool
	gone     bool
}

// Check runs the gate on a request: the payment check, and the mint calls it needs. It returns
// the exchange and, when the gate answers the request itself, that answer (nil: let it through).
func (g *Gate) Check(info *RequestInfo) (*Exchange, *Answer) {
	return g.CheckContext(context.Background(), info)
}

// CheckContext is Check for a client whose going away cancels ctx (an *http.Request's context).
// Mint calls are not cancelled with it (a swap in flight must be seen through), but once the
// client is gone the gate starts nothing new for it - never a swap, so its token stays unspent -
// and records what the mint did with a swap already sent. The answer is then 499 (client closed
// request), the exchange is over and ClientGone reports true.
func (g *Gate) CheckContext(ctx context.Context, info *RequestInfo) (*Exchange, *Answer) {
	ex := &Exchange{}
	return ex, g.check(ctx, info, ex)
}

// ClientGone tells whether the client left while the gate was talking to the mint.
func (e *Exchange) ClientGone() bool { return e.gone }

// check runs the gate into a caller-provided (possibly pooled) exchange.
func (g *Gate) check(ctx context.Context, info *RequestInfo, ex *Exchange) *Answer {
	in := g.pool.acquire()
	req, d, ev := in.begin(info)
	in.mu.Unlock()
	if ev != nil {
		g.deliver(ev)
	}
	*ex = Exchange{g: g, in: in, req: req}
	for d.kind == kindCall {
		status, body := g.mintCall(&d)
		if ctx.Err() != nil {
			in.mu.Lock()
			ev = in.abandon(req, status, body)
			in.mu.Unlock()
			g.deliver(ev)
			ex.req, ex.done, ex.gone = nil, true, true
			return &Answer{Status: 499, Header: http.Header{}}
		}
		in.mu.Lock()
		d, ev = in.callResponse(req, status, body)
		in.mu.Unlock()
		g.deliver(ev)
	}
	if d.kind == kindRespond {
		a := &Answer{Status: d.status, Header: http.Header{}, Body: d.body}
		for _, h := range d.headers {
			a.Header.Add(h.Name, h.Value)
		}
		return a
	}
	ex.changes = d.changes
	return nil
}

// Changes are what must change in an allowed request before it goes upstream: the payment
// credentials removed, the canonical path the gate priced. ApplyChanges does it for an
// *http.Request; a host that forwards otherwise must apply them itself, or refuse the request.
func (e *Exchange) Changes() []Change { return e.changes }

// ApplyChanges applies Changes() to r: headers removed or replaced, and a ":path" change sets
// r.URL (Path, RawPath, RawQuery) and r.RequestURI to the canonical target.
func (e *Exchange) ApplyChanges(r *http.Request) error {
	for _, c := range e.changes {
		switch {
		case c.Name == ":path":
			u, err := url.ParseRequestURI(c.Value)
			if err != nil {
				return fmt.Errorf("paygress: the canonical path %q does not parse: %w", c.Value, err)
			}
			r.URL.Path, r.URL.RawPath, r.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
			r.RequestURI = c.Value
		case c.Remove:
			r.Header.Del(c.Name)
		default:
			r.Header.Set(c.Name, c.Value)
		}
	}
	return nil
}

// ResponseHeaders returns the headers to add to the upstream's response (pass, set-cookie, change,
// receipt after a payment). Call it when the upstream's response headers are known.
func (e *Exchange) ResponseHeaders() []Header {
	if e.haveResp || e.req == nil {
		return e.added
	}
	e.haveResp = true
	e.in.mu.Lock()
	var ev []Event
	e.added, ev = e.in.responseHeaders(e.req)
	e.in.mu.Unlock()
	e.g.deliver(ev)
	return e.added
}

// Finish ends the exchange (metrics, audit line) and frees it.
func (e *Exchange) Finish() {
	if e.done || e.req == nil {
		return
	}
	e.done = true
	e.in.mu.Lock()
	ev := e.in.finish(e.req)
	e.in.mu.Unlock()
	e.req = nil
	e.g.deliver(ev)
}

const maxMintBody = 8 << 20

// mintCall performs a CALL decision with net/http. Status 0 on any failure (connect, timeout, a
// body over 8 MiB).
func (g *Gate) mintCall(d *decision) (int, []byte) {
	base, err := g.baseURL(d.cluster)
	if err != nil {
		g.logger(3, "paygress: mint call: "+err.Error())
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(d.timeoutMs)*time.Millisecond)
	defer cancel()
	var body io.Reader
	if len(d.body) > 0 {
		body = bytes.NewReader(d.body)
	}
	req, err := http.NewRequestWithContext(ctx, d.method, strings.TrimRight(base, "/")+d.path, body)
	if err != nil {
		g.logger(3, "paygress: mint call: "+err.Error())
		return 0, nil
	}
	for _, h := range d.headers {
		req.Header.Add(h.Name, h.Value)
	}
	if d.authority != "" {
		req.Host = d.authority
	}
	resp, err := g.client.Do(req)
	if err != nil {
		g.logger(3, fmt.Sprintf("paygress: mint call %s %s (cluster %s) failed: %v", d.method, d.path, d.cluster, err))
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxMintBody+1))
	if err != nil || len(b) > maxMintBody {
		g.logger(3, fmt.Sprintf("paygress: mint call %s %s: reading the answer failed: %v", d.method, d.path, err))
		return 0, nil
	}
	return resp.StatusCode, b
}

func (g *Gate) baseURL(cluster string) (string, error) {
	if u, ok := g.clusters[cluster]; ok {
		return u, nil
	}
	host, port, err := net.SplitHostPort(cluster)
	if err != nil {
		return "", errors.New("no URL for mint cluster " + cluster + " (map it with Options.Clusters / -mint-cluster name=http://host:port)")
	}
	if port == "443" {
		return "https://" + host, nil
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
