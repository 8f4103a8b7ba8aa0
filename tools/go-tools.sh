#!/usr/bin/env bash
# Builds the Go tools the tests need from the Go module proxy, at pinned versions, into
# .cache/go/bin (project-local GOPATH .cache/go), and fetches the Go modules that ship the schemas
# the manifests are validated against. Called by tools/setup.sh; quick when everything is there.
#   kubeconform  validates k8s/ manifests (tools/validate-manifests.ts feeds it our schemas)
#   crane        OCI client and a registry on loopback (`crane registry serve`) for the OCI test
#   traefik      the Traefik binary for the ForwardAuth end-to-end tests
# Schema sources (module zips, read only): istio.io/api (Istio CRDs), k8s.io/kubernetes
# (api/openapi-spec/swagger.json), and Traefik's module (its CRDs).
# Usage: bash tools/go-tools.sh [--print-env]   (--print-env: the GOPATH/GOBIN lines to eval)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

KUBECONFORM=github.com/yannh/kubeconform@v0.8.0
CRANE=github.com/google/go-containerregistry@v0.22.1
# v3.7.x needs modules (lego/v5, traefik/dynamic/ext) the module proxy reachable here does not serve.
TRAEFIK=github.com/traefik/traefik/v3@v3.6.12
ISTIO_API=istio.io/api@v1.31.1
KUBERNETES=k8s.io/kubernetes@v1.34.4

export GOPATH="$ROOT/.cache/go"
export GOBIN="$GOPATH/bin"
export GOMODCACHE="$GOPATH/pkg/mod"
# Writable module cache (so `rm -rf .cache` works) and no automatic toolchain download.
export GOFLAGS=-modcacherw
export GOTOOLCHAIN=local

if [ "${1:-}" = "--print-env" ]; then
  echo "export GOPATH=$GOPATH GOBIN=$GOBIN GOMODCACHE=$GOMODCACHE GOFLAGS=$GOFLAGS GOTOOLCHAIN=$GOTOOLCHAIN"
  exit 0
fi

say() { echo "go-tools: $*"; }
die() { echo "go-tools: ERROR: $*" >&2; exit 1; }

PINS="$KUBECONFORM $CRANE $TRAEFIK $ISTIO_API $KUBERNETES"
STAMP="$GOBIN/.paygress-go-tools"
if [ -x "$GOBIN/kubeconform" ] && [ -x "$GOBIN/crane" ] && [ -x "$GOBIN/traefik" ] \
   && [ "$(cat "$STAMP" 2>/dev/null)" = "$PINS" ] \
   && [ -f "$GOMODCACHE/${ISTIO_API%@*}@${ISTIO_API#*@}/kubernetes/customresourcedefinitions.gen.yaml" ] \
   && [ -f "$GOMODCACHE/${KUBERNETES%@*}@${KUBERNETES#*@}/api/openapi-spec/swagger.json" ]; then
  exit 0
fi

command -v go >/dev/null || die "Go is required (go 1.25 or newer; Debian: apt-get install golang, or the official tarball)"
gov=$(go env GOVERSION | sed 's/^go//')
case "$gov" in
  1.2[5-9]*|1.[3-9][0-9]*) ;;
  *) die "Go >= 1.25 is required to build Traefik ${TRAEFIK#*@}, found go$gov" ;;
esac
mkdir -p "$GOBIN"

timed() { # timed LABEL CMD...: runs CMD, prints how long it took
  local label=$1; shift
  local t0; t0=$(date +%s)
  "$@" || die "$label failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  say "$label: $(( $(date +%s) - t0 )) s"
}

mod_dir() { # mod_dir MODULE@VERSION: downloads the module zip, prints its directory
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p'
}

if [ ! -x "$GOBIN/kubeconform" ] || ! grep -q "$KUBECONFORM" "$STAMP" 2>/dev/null; then
  timed "kubeconform ${KUBECONFORM#*@}" go install "${KUBECONFORM%@*}/cmd/kubeconform@${KUBECONFORM#*@}"
fi
if [ ! -x "$GOBIN/crane" ] || ! grep -q "$CRANE" "$STAMP" 2>/dev/null; then
  timed "crane ${CRANE#*@}" go install "${CRANE%@*}/cmd/crane@${CRANE#*@}"
fi
if [ ! -x "$GOBIN/traefik" ] || ! grep -q "$TRAEFIK" "$STAMP" 2>/dev/null; then
  # `go install traefik@version` refuses modules with replace directives; building inside the
  # downloaded module (its own go.mod and go.sum, replaces included) is the same source.
  dir=$(mod_dir "$TRAEFIK")
  [ -n "$dir" ] && [ -f "$dir/go.mod" ] || die "could not download $TRAEFIK"
  say "building traefik ${TRAEFIK#*@} (takes a few minutes on 2 cores)"
  timed "traefik ${TRAEFIK#*@}" bash -c "cd '$dir' && go build -trimpath -ldflags '-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK#*@}' -o '$GOBIN/traefik' ./cmd/traefik"
fi
for m in "$ISTIO_API" "$KUBERNETES"; do
  [ -n "$(mod_dir "$m")" ] || die "could not download $m"
done
"$GOBIN/kubeconform" -v >/dev/null || die "$GOBIN/kubeconform does not run"
"$GOBIN/crane" version >/dev/null || die "$GOBIN/crane does not run"
"$GOBIN/traefik" version >/dev/null || die "$GOBIN/traefik does not run"
echo "$PINS" > "$STAMP"
say "ready in $GOBIN: kubeconform ${KUBECONFORM#*@}, crane ${CRANE#*@}, traefik ${TRAEFIK#*@}"
