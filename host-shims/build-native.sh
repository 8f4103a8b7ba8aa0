#!/usr/bin/env bash
# Builds the native Paygress library from the same build/paygress.wasm every other host runs:
# wasm2c translates the module to C, a small C shim (host-shims/c/) implements the proxy-wasm host
# functions it imports, and both link into build/native/libpaygress.so.
#
#   bash host-shims/build-native.sh [lib]   build/native/libpaygress.so            (default)
#   bash host-shims/build-native.sh test    + C test harness and C bench binary (build/native/bin/)
#   bash host-shims/build-native.sh asan    + the C test harness with ASan+LSan+UBSan, a libFuzzer target
#   bash host-shims/build-native.sh go      + Go binaries: paygress-forward-auth, paygress-proxy
#   bash host-shims/build-native.sh all     everything above
#
# Pinned toolchain: wasm2c and its runtime (wasm-rt-impl.c, wasm-rt.h) must come from the same WABT
# release (1.0.32, Debian `wabt`); the runtime is copied to build/native/rt/ and patched so its trap
# state (jump buffer, call-stack depth) is thread-local instead of process-wide (see paygress.h,
# "Thread rules"). Compiled with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0: explicit bounds checks, no
# process-wide SIGSEGV handler (which would fight Go's and NGINX's) and no 8 GiB reservation.
# Every step is skipped when its output is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHIM=host-shims/c
OUT=build/native
WASM=build/paygress.wasm
WABT_VERSION=1.0.32
RT_SRC_DIR=${WABT_RUNTIME_DIR:-/usr/share/wabt/wasm2c}
RT_HDR=${WABT_RUNTIME_HEADER:-/usr/include/wasm-rt.h}
CC=${CC:-cc}
# Deepest wasm call chain before a trap (explicit stack-depth counting replaces the guard page).
MAX_DEPTH=${PAYGRESS_MAX_CALL_DEPTH:-2000}
CFLAGS_COMMON=(-O2 -fPIC -fvisibility=hidden -ftls-model=initial-exec -fno-strict-aliasing
  -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_MAX_CALL_STACK_DEPTH="$MAX_DEPTH"
  -I "$OUT/rt" -I "$OUT/gen" -I "$SHIM")

die() { echo "build-native: $*" >&2; exit 1; }
say() { echo "native: $*"; }

# up_to_date OUT INPUT...: OUT exists and no input (file or directory tree) is newer.
up_to_date() {
  local out=$1; shift
  [ -e "$out" ] || return 1
  [ -z "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}

check_toolchain() {
  command -v wasm2c >/dev/null || die "wasm2c not found (Debian: apt-get install wabt; or: bash tools/setup.sh)"
  local v; v=$(wasm2c --version)
  [ "$v" = "$WABT_VERSION" ] || die "wasm2c $WABT_VERSION expected, found $v (the shim and the runtime patch are written for $WABT_VERSION)"
  [ -f "$RT_SRC_DIR/wasm-rt-impl.c" ] && [ -f "$RT_SRC_DIR/wasm-rt-impl.h" ] && [ -f "$RT_HDR" ] \
    || die "wasm2c runtime sources not found ($RT_SRC_DIR/wasm-rt-impl.{c,h}, $RT_HDR)"
  # Generator and runtime from one WABT: on Debian, the same package at the same version.
  if command -v dpkg >/dev/null && [ -z "${WABT_RUNTIME_DIR:-}" ]; then
    local f pkg
    for f in "$(command -v wasm2c)" "$RT_SRC_DIR/wasm-rt-impl.c" "$RT_SRC_DIR/wasm-rt-impl.h" "$RT_HDR"; do
      pkg=$(dpkg -S "$(readlink -f "$f")" 2>/dev/null | cut -d: -f1 | head -1)
      [ "$pkg" = wabt ] || die "$f does not belong to the Debian wabt package (found: ${pkg:-none}); generator and runtime must come from one WABT"
    done
    local dv; dv=$(dpkg-query -W -f='${Version}' wabt)
    case "$dv" in "$WABT_VERSION"|"$WABT_VERSION"-*) ;; *) die "Debian wabt $dv does not match wasm2c $v" ;; esac
  fi
  command -v "$CC" >/dev/null || die "C compiler $CC not found"
}

# The runtime, copied and patched: the trap jump buffer, the call-stack depth counters and the
# (unused) exception unwind target become _Thread_local, so instances on different threads never
# share them. Each edit must apply exactly once, or the build stops.
patch_runtime() {
  local rt=$OUT/rt
  if up_to_date "$rt/.patched" "$RT_SRC_DIR/wasm-rt-impl.c" "$RT_SRC_DIR/wasm-rt-impl.h" "$RT_HDR" host-shims/build-native.sh; then return; fi
  mkdir -p "$rt"
  cp "$RT_HDR" "$rt/wasm-rt.h"
  cp "$RT_SRC_DIR/wasm-rt-impl.h" "$RT_SRC_DIR/wasm-rt-impl.c" "$rt/"
  edit() { # edit FILE EXACT_LINE REPLACEMENT
    local n; n=$(grep -cxF -- "$2" "$1" || true)
    [ "$n" = 1 ] || die "runtime patch: expected exactly one line '$2' in $(basename "$1"), found $n"
    F="$1" A="$2" B="$3" perl -0pi -e 'BEGIN{$a=$ENV{A}; $b=$ENV{B}} s/^\Q$a\E$/$b/m' "$1"
  }
  edit "$rt/wasm-rt.h" "extern uint32_t wasm_rt_call_stack_depth;" "extern _Thread_local uint32_t wasm_rt_call_stack_depth;"
  edit "$rt/wasm-rt-impl.h" "extern jmp_buf wasm_rt_jmp_buf;" "extern _Thread_local jmp_buf wasm_rt_jmp_buf;"
  edit "$rt/wasm-rt-impl.h" "extern uint32_t wasm_rt_saved_call_stack_depth;" "extern _Thread_local uint32_t wasm_rt_saved_call_stack_depth;"
  edit "$rt/wasm-rt-impl.c" "uint32_t wasm_rt_call_stack_depth;" "_Thread_local uint32_t wasm_rt_call_stack_depth;"
  edit "$rt/wasm-rt-impl.c" "uint32_t wasm_rt_saved_call_stack_depth;" "_Thread_local uint32_t wasm_rt_saved_call_stack_depth;"
  edit "$rt/wasm-rt-impl.c" "jmp_buf wasm_rt_jmp_buf;" "_Thread_local jmp_buf wasm_rt_jmp_buf;"
  edit "$rt/wasm-rt-impl.c" "static jmp_buf* g_unwind_target;" "static _Thread_local jmp_buf* g_unwind_target;"
  # A marker the shim checks at compile time, so it can never be built against the unpatched header.
  edit "$rt/wasm-rt.h" "#define WASM_RT_H_" "#define WASM_RT_H_
#define PAYGRESS_RT_THREAD_LOCAL 1 /* patched by host-shims/build-native.sh */"
  touch "$rt/.patched"
  say "runtime: patched copy of WABT $WABT_VERSION runtime in $rt (thread-local trap state)"
}

translate() {
  local gen=$OUT/gen
  if up_to_date "$gen/paygress_wasm.c" "$WASM" "$(command -v wasm2c)" host-shims/build-native.sh; then return; fi
  mkdir -p "$gen"
  # -n fixes the symbol prefix (Z_paygress...) whatever the file is called.
  wasm2c "$WASM" -n paygress -o "$gen/paygress_wasm.c"
  say "wasm2c: $gen/paygress_wasm.c ($(wc -l < "$gen/paygress_wasm.c") lines)"
}

# compile SRC OBJ DEPS...: compiles when OBJ is older than SRC or any dependency.
compile() {
  local src=$1 obj=$2; shift 2
  if up_to_date "$obj" "$src" "$@"; then return; fi
  mkdir -p "$(dirname "$obj")"
  "$CC" "${CFLAGS_COMMON[@]}" ${EXTRA_CFLAGS:-} -c "$src" -o "$obj"
}

build_lib() {
  [ -f "$WASM" ] || die "$WASM missing; run: bash build-wasm-plugins.sh wasm"
  check_toolchain
  patch_runtime
  translate
  local obj=$OUT/obj
  compile "$OUT/gen/paygress_wasm.c" "$obj/paygress_wasm.o" "$OUT/gen/paygress_wasm.h" "$OUT/rt"
  compile "$OUT/rt/wasm-rt-impl.c" "$obj/wasm-rt-impl.o" "$OUT/rt"
  local src
  for src in "$SHIM"/*.c; do
    EXTRA_CFLAGS="-Wall -Wextra -Werror=implicit-function-declaration" \
      compile "$src" "$obj/$(basename "$src" .c).o" "$SHIM"/*.h "$OUT/gen/paygress_wasm.h" "$OUT/rt"
  done
  local lib=$OUT/libpaygress.so
  if ! up_to_date "$lib" "$obj"; then
    # -z defs: every proxy-wasm/WASI import the module declares must be implemented by the shim.
    "$CC" -shared -o "$lib.tmp" "$obj"/*.o -Wl,-z,defs -Wl,-soname,libpaygress.so -lpthread -lm \
      || die "link failed (an unresolved Z_env*/Z_wasi* symbol is a host function the module imports and the shim lacks)"
    # The trap state must really be thread-local in what we ship.
    local tls; tls=$(readelf -sW "$lib.tmp" | awk '$4 == "TLS" {print $8}' | sort | tr '\n' ' ')
    case "$tls" in *wasm_rt_call_stack_depth*wasm_rt_jmp_buf*) ;; *) rm -f "$lib.tmp"; die "runtime trap state is not thread-local in the built library (TLS symbols: $tls)" ;; esac
    mv "$lib.tmp" "$lib"
    say "built $lib ($(stat -c %s "$lib") bytes; wasm2c $WABT_VERSION, explicit bounds checks, call depth $MAX_DEPTH)"
  else
    say "up to date ($lib)"
  fi
}

build_tests() {
  build_lib
  local bin=$OUT/bin t
  mkdir -p "$bin"
  for t in test_api bench; do
    if ! up_to_date "$bin/paygress-$t" "$SHIM/test/$t.c" "$SHIM/test/harness.h" "$SHIM/paygress.h" "$OUT/libpaygress.so"; then
      "$CC" -O2 -g -Wall -Wextra -I "$SHIM" "$SHIM/test/$t.c" -o "$bin/paygress-$t" -L "$OUT" -lpaygress -Wl,-rpath,"$ROOT/$OUT" -lpthread
      say "built $bin/paygress-$t"
    fi
  done
}

# The harness and the whole library (shim, runtime, generated code) under ASan + LSan + UBSan, and
# a libFuzzer target over the C API. One set of objects serves both: ASan plus libFuzzer's
# coverage instrumentation (-fsanitize=fuzzer-no-link; ASan's runtime supplies the callbacks when
# no fuzzer is linked).
build_asan() {
  build_lib
  command -v clang >/dev/null || die "clang not found (Debian: apt-get install clang libclang-rt-14-dev)"
  local dir=$OUT/asan san=(-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  mkdir -p "$dir/obj"
  local src objs=()
  for src in "$OUT/gen/paygress_wasm.c" "$OUT/rt/wasm-rt-impl.c" "$SHIM"/*.c; do
    local o="$dir/obj/$(basename "$src" .c).o"
    if ! up_to_date "$o" "$src" "$SHIM"/*.h "$OUT/rt" "$OUT/gen/paygress_wasm.h"; then
      # The generated file is large: UBSan on it adds little (wasm semantics are explicit there).
      if [ "$src" = "$OUT/gen/paygress_wasm.c" ]; then
        clang "${CFLAGS_COMMON[@]}" -O1 -g -fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer -c "$src" -o "$o"
      else
        clang "${CFLAGS_COMMON[@]}" -O1 -g "${san[@]}" -c "$src" -o "$o"
      fi
    fi
    objs+=("$o")
  done
  if ! up_to_date "$dir/paygress-test_api" "${objs[@]}" "$SHIM/test/test_api.c" "$SHIM/test/harness.h"; then
    clang -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -I "$SHIM" "$SHIM/test/test_api.c" "${objs[@]}" -o "$dir/paygress-test_api" -lpthread -lm
    say "built $dir/paygress-test_api (ASan+LSan+UBSan)"
  fi
  if ! up_to_date "$dir/paygress-fuzz_request" "${objs[@]}" "$SHIM/test/fuzz_request.c"; then
    clang -O1 -g -fsanitize=address,undefined,fuzzer -I "$SHIM" "$SHIM/test/fuzz_request.c" "${objs[@]}" -o "$dir/paygress-fuzz_request" -lpthread -lm
    say "built $dir/paygress-fuzz_request (libFuzzer + ASan)"
  fi
}

build_go() {
  build_lib
  command -v go >/dev/null || die "go not found (Go >= 1.22)"
  local bin=$OUT/bin
  mkdir -p "$bin"
  local gosrc=host-shims/go
  local GOENV_VARS=(GOPATH="$ROOT/.cache/go" GOMODCACHE="$ROOT/.cache/go/pkg/mod" GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=1)
  local c
  for c in paygress-forward-auth paygress-proxy; do
    if ! up_to_date "$bin/$c" "$gosrc" "$SHIM/paygress.h" "$OUT/libpaygress.so"; then
      (cd "$gosrc" && env "${GOENV_VARS[@]}" go build -o "$ROOT/$bin/$c" "./cmd/$c") || die "go build $c failed"
      say "built $bin/$c"
    fi
  done
}

case "${1:-lib}" in
  lib) build_lib ;;
  test) build_tests ;;
  asan) build_asan ;;
  go) build_go ;;
  all) build_tests; build_asan; build_go ;;
  -h|--help|help) sed -n '2,19p' "$0" ;;
  *) die "unknown target '$1' (lib, test, asan, go, all)" ;;
esac
