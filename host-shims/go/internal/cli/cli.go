// Package cli holds what the two commands share: repeated -mint-cluster flags, loading the
// configuration, building the Gate, logging.
package cli

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"strings"

	paygress "github.com/paygress/paygress/host-shims/go"
)

// Clusters is a repeatable `-mint-cluster name=http://host:port` flag.
type Clusters map[string]string

func (c Clusters) String() string {
	var parts []string
	for k, v := range c {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (c Clusters) Set(s string) error {
	name, u, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want name=http://host:port, got %q", s)
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("want name=http://host:port, got %q", s)
	}
	c[name] = strings.TrimRight(u, "/")
	return nil
}

// Common flags.
type Flags struct {
	Listen    string
	Config    string
	Clusters  Clusters
	Instances int
	LogLevel  int
}

func (f *Flags) Register(fs *flag.FlagSet, defaultListen string) {
	f.Clusters = Clusters{}
	fs.StringVar(&f.Listen, "listen", defaultListen, "address to listen on")
	fs.StringVar(&f.Config, "config", "", "plugin configuration JSON file (the same JSON Envoy takes)")
	fs.Var(f.Clusters, "mint-cluster", "maps a mint `cluster` of the configuration to a URL: name=http://host:port (repeatable)")
	fs.IntVar(&f.Instances, "instances", 0, "module instances (parallel requests inside the gate); 0 = GOMAXPROCS")
	fs.IntVar(&f.LogLevel, "log-level", 2, "lowest module log level printed: 0 trace, 1 debug, 2 info (audit lines), 3 warn, 4 error, 5 critical")
}

// Gate loads the configuration and creates the gate, or exits with the reason.
func (f *Flags) Gate() *paygress.Gate {
	if f.Config == "" {
		log.Fatal("paygress: -config is required")
	}
	cfg, err := os.ReadFile(f.Config)
	if err != nil {
		log.Fatalf("paygress: %v", err)
	}
	g, err := paygress.New(cfg, paygress.Options{Clusters: f.Clusters, Instances: f.Instances, LogLevel: f.LogLevel})
	if err != nil {
		log.Fatalf("%v (in %s)", err, f.Config)
	}
	return g
}
