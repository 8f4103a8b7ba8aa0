// paygress-istio-xds: Istio's own discovery server (istiod's xDS code, from
// istio.io/istio/pilot/test/xds) fed Kubernetes manifests, serving real xDS over ADS to a real
// Envoy on loopback. It is the Istio host of Paygress's end-to-end tests (test/e2e/istio.test.ts):
// no cluster, no pilot-agent, no Kubernetes API server — the configuration the manifests declare
// goes through the same translation istiod does (validation, WasmPlugin -> ECDS, EnvoyFilter
// patches, Gateway/VirtualService/ServiceEntry/Sidecar -> listeners, routes, clusters, endpoints).
//
//	paygress-istio-xds -xds 127.0.0.1:15010 -http 127.0.0.1:15014 -config manifests.yaml
//
// -config: a multi-document YAML stream. Istio kinds (networking.istio.io, extensions.istio.io,
// ...) go to the config store and are validated as istiod validates them; every other kind
// (Service, Pod, EndpointSlice, ...) goes to a fake Kubernetes API the service registry watches.
//
// HTTP control interface (-http):
//
//	GET  /ready    200 once xDS is served
//	PUT  /config   a new set of Istio configs (YAML stream): creates, updates and deletes so the
//	               store holds exactly that set; istiod pushes the change to connected proxies
//	               (the `kubectl apply` of this host). Kubernetes objects are refused here.
//	GET  /debug/*  istiod's own debug endpoints (syncz, adsz, configz, ...)
//
// Upstream Envoy lacks Istio's own filters (istio.alpn, istio.metadata_exchange): run with
// PILOT_ENABLE_ALPN_FILTER=false and PILOT_ENABLE_METADATA_EXCHANGE=false (read by istiod's feature
// flags when the process starts, so they must be in its environment; checked below).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/config/kube/crd"
	"istio.io/istio/pilot/test/xds"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/schema/collections"
	kubelib "istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/log"
)

// requiredEnv: istiod features that must be off for upstream Envoy (it has no such filters).
var requiredEnv = map[string]string{
	"PILOT_ENABLE_ALPN_FILTER":       "false",
	"PILOT_ENABLE_METADATA_EXCHANGE": "false",
}

func main() {
	xdsAddr := flag.String("xds", "127.0.0.1:15010", "address of the ADS gRPC server (plaintext)")
	httpAddr := flag.String("http", "127.0.0.1:15014", "address of the HTTP control interface")
	configFile := flag.String("config", "", "manifests (YAML stream): Istio configs and Kubernetes objects")
	meshFile := flag.String("mesh", "", "mesh configuration (YAML, as in the istio ConfigMap's `mesh` key), over Istio's defaults")
	flag.Parse()

	for k, v := range requiredEnv {
		if os.Getenv(k) != v {
			fatalf("%s=%s must be set in the environment (upstream Envoy has no Istio-specific filters)", k, v)
		}
	}
	var initial []byte
	if *configFile != "" {
		var err error
		if initial, err = os.ReadFile(*configFile); err != nil {
			fatalf("reading -config: %v", err)
		}
		// Validate before starting, as istiod's webhook would.
		istioYAML, kubeYAML, err := split(initial)
		if err == nil {
			_, _, err = crd.ParseInputs(istioYAML)
		}
		if err == nil {
			_, err = decodeKube(kubeYAML)
		}
		if err != nil {
			fatalf("%s: %v", *configFile, err)
		}
	}

	meshConfig := mesh.DefaultMeshConfig()
	if *meshFile != "" {
		m, err := os.ReadFile(*meshFile)
		if err != nil {
			fatalf("reading -mesh: %v", err)
		}
		if meshConfig, err = mesh.ApplyMeshConfigDefaults(string(m)); err != nil {
			fatalf("%s: %v", *meshFile, err)
		}
	}

	lis, err := net.Listen("tcp", *xdsAddr)
	if err != nil {
		fatalf("xDS listener: %v", err)
	}
	hl, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		fatalf("HTTP listener: %v", err)
	}

	f := &failer{}
	ds := xds.NewFakeDiscoveryServer(f, xds.FakeOptions{
		ListenerBuilder: func() (net.Listener, error) { return lis, nil },
		MeshConfig:      meshConfig,
		// Real istiod debounces pushes (100 ms by default); keep that behaviour.
		DebounceTime: 100_000_000,
	})

	c := &control{ds: ds}
	summary, err := c.apply(initial)
	if err != nil {
		fatalf("%s: %v", *configFile, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ready") })
	mux.HandleFunc("/config", c.putConfig)
	mux.Handle("/debug/", ds.DiscoveryDebug)
	go func() { _ = http.Serve(hl, mux) }()

	fmt.Printf("paygress-istio-xds: serving xDS on %s, control on %s; %s\n", lis.Addr(), hl.Addr(), summary)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	f.runCleanups()
}

// control serves PUT /config.
type control struct {
	mu sync.Mutex
	ds *xds.FakeDiscoveryServer
	// What was applied so far (what a later PUT may delete). Only these: the store also lists
	// configs istiod derives itself (a WasmPlugin's TrafficExtension), which are not ours to delete.
	istio map[string]config.Config
	kube  map[kubeKey]bool
}

type kubeKey struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
}

func (c *control) putConfig(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		http.Error(w, "use PUT", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	summary, err := c.apply(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	log.Infof("PUT /config: %s", summary)
	fmt.Fprintln(w, summary)
}

// apply makes the server hold exactly the given set: Istio configs and Kubernetes objects are
// created, updated, or deleted when absent from the set (what `kubectl apply --prune` does).
func (c *control) apply(in []byte) (string, error) {
	istioYAML, kubeYAML, err := split(in)
	if err != nil {
		return "", err
	}
	cfgs, _, err := crd.ParseInputs(istioYAML)
	if err != nil {
		return "", err
	}
	objs, err := decodeKube(kubeYAML)
	if err != nil {
		return "", err
	}
	ic, iu, id, err := c.replaceIstio(cfgs)
	if err != nil {
		return "", err
	}
	kc, ku, kd, err := c.replaceKube(objs)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Istio configs: %d created, %d updated, %d deleted; Kubernetes objects: %d created, %d updated, %d deleted",
		ic, iu, id, kc, ku, kd), nil
}

func (c *control) replaceIstio(cfgs []config.Config) (created, updated, deleted int, err error) {
	store := c.ds.Store()
	want := map[string]bool{}
	for _, cfg := range cfgs {
		want[key(cfg)] = true
		if existing := store.Get(cfg.GroupVersionKind, cfg.Name, cfg.Namespace); existing != nil {
			cfg.ResourceVersion = ""
			if _, err := store.Update(cfg); err != nil {
				return 0, 0, 0, fmt.Errorf("update %s: %v", key(cfg), err)
			}
			updated++
		} else {
			if _, err := store.Create(cfg); err != nil {
				return 0, 0, 0, fmt.Errorf("create %s: %v", key(cfg), err)
			}
			created++
		}
	}
	applied := map[string]config.Config{}
	for _, cfg := range cfgs {
		applied[key(cfg)] = cfg
	}
	for k, old := range c.istio {
		if want[k] {
			continue
		}
		if err := store.Delete(old.GroupVersionKind, old.Name, old.Namespace, nil); err != nil {
			return 0, 0, 0, fmt.Errorf("delete %s: %v", k, err)
		}
		deleted++
	}
	c.istio = applied
	return created, updated, deleted, nil
}

// replaceKube writes Kubernetes objects into the fake API server's object tracker; the
// informers istiod's service registry runs see them as watch events.
func (c *control) replaceKube(objs []runtime.Object) (created, updated, deleted int, err error) {
	tracker := c.ds.KubeClient().Kube().(*fake.Clientset).Tracker()
	want := map[kubeKey]bool{}
	for _, o := range objs {
		k, err := keyOf(o)
		if err != nil {
			return 0, 0, 0, err
		}
		want[k] = true
		if _, err := tracker.Get(k.gvr, k.namespace, k.name); err == nil {
			if err := tracker.Update(k.gvr, o, k.namespace); err != nil {
				return 0, 0, 0, fmt.Errorf("update %v: %v", k, err)
			}
			updated++
		} else {
			if err := tracker.Create(k.gvr, o, k.namespace); err != nil {
				return 0, 0, 0, fmt.Errorf("create %v: %v", k, err)
			}
			created++
		}
	}
	for k := range c.kube {
		if want[k] {
			continue
		}
		if err := tracker.Delete(k.gvr, k.namespace, k.name); err != nil {
			return 0, 0, 0, fmt.Errorf("delete %v: %v", k, err)
		}
		deleted++
	}
	c.kube = want
	return created, updated, deleted, nil
}

func keyOf(o runtime.Object) (kubeKey, error) {
	m, err := meta.Accessor(o)
	if err != nil {
		return kubeKey{}, err
	}
	gvr, _ := meta.UnsafeGuessKindToResource(o.GetObjectKind().GroupVersionKind())
	return kubeKey{gvr: gvr, namespace: m.GetNamespace(), name: m.GetName()}, nil
}

func decodeKube(s string) ([]runtime.Object, error) {
	var out []runtime.Object
	decode := kubelib.IstioCodec.UniversalDeserializer().Decode
	for _, doc := range strings.Split(s, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		o, _, err := decode([]byte(doc), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("cannot decode Kubernetes object: %v\n%s", err, doc)
		}
		out = append(out, o)
	}
	return out, nil
}

func key(c config.Config) string {
	return c.GroupVersionKind.String() + "/" + c.Namespace + "/" + c.Name
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// split sorts a YAML stream into Istio configs and Kubernetes objects (both as YAML streams).
func split(in []byte) (istio, kube string, err error) {
	var istioDocs, kubeDocs []string
	for _, doc := range docSeparator.Split(string(in), -1) {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		var tm struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			return "", "", fmt.Errorf("cannot parse document: %v", err)
		}
		if tm.Kind == "" || tm.APIVersion == "" {
			return "", "", fmt.Errorf("document without apiVersion/kind:\n%s", doc)
		}
		group, version, found := strings.Cut(tm.APIVersion, "/")
		if !found {
			group, version = "", tm.APIVersion
		}
		if _, ok := collections.PilotGatewayAPI().FindByGroupVersionAliasesKind(config.GroupVersionKind{Group: group, Version: version, Kind: tm.Kind}); ok {
			istioDocs = append(istioDocs, doc)
		} else {
			kubeDocs = append(kubeDocs, doc)
		}
	}
	return strings.Join(istioDocs, "\n---\n"), strings.Join(kubeDocs, "\n---\n"), nil
}

func stripComments(doc string) string {
	var b bytes.Buffer
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "paygress-istio-xds: "+format+"\n", args...)
	os.Exit(1)
}

// failer stands in for testing.T: NewFakeDiscoveryServer reports setup errors through it and
// registers its shutdown hooks with Cleanup.
type failer struct {
	mu       sync.Mutex
	cleanups []func()
}

func (f *failer) Fail()                             { fatalf("discovery server failed") }
func (f *failer) FailNow()                          { fatalf("discovery server failed") }
func (f *failer) Fatal(args ...any)                 { fatalf("%s", fmt.Sprint(args...)) }
func (f *failer) Fatalf(format string, args ...any) { fatalf(format, args...) }
func (f *failer) Log(args ...any)                   { log.Info(fmt.Sprint(args...)) }
func (f *failer) Logf(format string, args ...any)   { log.Infof(format, args...) }
func (f *failer) Helper()                           {}
func (f *failer) Skip(args ...any)                  { fatalf("skip: %s", fmt.Sprint(args...)) }
func (f *failer) TempDir() string                   { d, _ := os.MkdirTemp("", "paygress-istio-xds-"); return d }
func (f *failer) Cleanup(fn func())                 { f.mu.Lock(); f.cleanups = append(f.cleanups, fn); f.mu.Unlock() }
func (f *failer) runCleanups() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}
