#!/usr/bin/env bash
# The one build entry point. Subcommands:
#   wasm      build/paygress.wasm (release) and build/paygress.debug.wasm   [default]
#   testing   build/testing/*.wasm + JS bindings for differential tests and benchmarks
#   native    build/native/libpaygress.so (wasm2c + the C host shim)        (host-shims/)
#   oci       build/oci/: OCI images of paygress.wasm that Istio's WasmPlugin pulls
#   all       wasm, testing and native
#   check     print and check the versions of the tools the build needs
# Outputs are skipped when newer than their inputs, so repeated calls are cheap.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
ASC_PINNED=0.27.37

die() { echo "build-wasm-plugins: $*" >&2; exit 1; }

check_node() {
  command -v node >/dev/null || die "node is not installed (need Node.js >= 20); run: npm run setup"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js >= 20 required, found $(node --version)"
  [ -x node_modules/.bin/asc ] || die "node_modules missing; run: npm ci   (or: bash tools/setup.sh)"
  local v; v=$(node -p 'require("./node_modules/assemblyscript/package.json").version')
  [ "$v" = "$ASC_PINNED" ] || die "assemblyscript $ASC_PINNED expected, found $v; run: npm ci"
  grep -q "paygress patch" node_modules/@solo-io/proxy-runtime/assembly/malloc.ts 2>/dev/null \
    || die "@solo-io/proxy-runtime is not patched; run: npx patch-package"
}

# newer_than OUT INPUT_DIRS...: true when OUT exists and no input file is newer.
up_to_date() {
  local out=$1; shift
  [ -f "$out" ] || return 1
  [ -z "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}

build_wasm() {
  check_node
  mkdir -p build
  local inputs=(assembly asconfig.json package.json patches)
  if up_to_date build/paygress.wasm "${inputs[@]}" && up_to_date build/paygress.debug.wasm "${inputs[@]}"; then
    echo "wasm: up to date (build/paygress.wasm)"; return
  fi
  node_modules/.bin/asc assembly/index.ts --config asconfig.json --target release
  node_modules/.bin/asc assembly/index.ts --config asconfig.json --target debug
  # The filter must import nothing outside the proxy-wasm ABI and WASI.
  node tools/check-wasm-imports.mjs build/paygress.wasm
  echo "wasm: build/paygress.wasm ($(stat -c %s build/paygress.wasm) bytes), build/paygress.debug.wasm"
}

build_testing() {
  check_node
  mkdir -p build/testing
  local f name
  for f in assembly/testing/*.ts; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .ts)
    [ "$name" = abort ] && continue
    if up_to_date "build/testing/$name.wasm" assembly; then continue; fi
    # An empty config: asc would otherwise pick up ./asconfig.json and compile the filter in too.
    node_modules/.bin/asc "$f" --config assembly/testing/asconfig.json --runtime incremental --optimizeLevel 3 --shrinkLevel 0 \
      --bindings esm --exportRuntime \
      --use abort=assembly/testing/abort/testAbort \
      -o "build/testing/$name.wasm"
  done
  echo "testing: build/testing/ ($(ls build/testing/*.wasm 2>/dev/null | wc -l) modules)"
}

build_native() {
  [ -f host-shims/build-native.sh ] || die "native target not available yet (host-shims/build-native.sh missing)"
  build_wasm
  bash host-shims/build-native.sh
}

# OCI images of the filter for Istio's WasmPlugin (tools/build-oci.ts; no Docker needed):
# build/oci/paygress-wasm (Wasm artifact layers) and build/oci/paygress-compat (plugin.wasm in a tar
# layer), as OCI image layouts to push with any registry client, e.g. crane push <dir> <ref>.
build_oci() {
  build_wasm
  node_modules/.bin/tsx tools/build-oci.ts build/paygress.wasm build/oci
}

check_tools() {
  check_node
  echo "node $(node --version), assemblyscript $(node -p 'require("./node_modules/assemblyscript/package.json").version')," \
    "@solo-io/proxy-runtime $(node -p 'require("./node_modules/@solo-io/proxy-runtime/package.json").version') (patched)"
  if command -v wasm2c >/dev/null; then echo "wasm2c $(wasm2c --version)"; else echo "wasm2c: not installed (needed for: native)"; fi
  if command -v cc >/dev/null; then echo "cc: $(cc --version | head -1)"; fi
}

case "${1:-wasm}" in
  wasm) build_wasm ;;
  testing) build_testing ;;
  native) build_native ;;
  oci) build_oci ;;
  all) build_wasm; build_testing; [ -f host-shims/build-native.sh ] && build_native || true ;;
  check) check_tools ;;
  -h|--help|help) sed -n '2,9p' "$0" ;;
  *) die "unknown target '$1' (try: wasm, testing, native, oci, all, check)" ;;
esac
