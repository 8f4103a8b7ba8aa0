#!/usr/bin/env bash
# Builds NGINX with Kong's ngx_wasm_module on the Wasmtime C API into .cache/ngx-wasm/, so the same
# paygress.wasm Envoy runs can be tested in NGINX. Called by tools/setup.sh; quick when the build
# is there and its inputs have not changed (a stamp holds every pin and the patches' checksums).
#
#   nginx            Debian's source package (apt-get source; bookworm main), Debian's patches applied
#   ngx_wasm_module  ../shared/vendor/ngx_wasm_module-<short>.tar.gz when it exists (sha256 checked),
#                    otherwise a git fetch of the pinned commit from upstream (commit id checked)
#   Wasmtime         the C API library from the PyPI wheel wasmtime==25.0.0 (_libwasmtime.so), the
#                    headers from the crates.io crate wasmtime-c-api-impl 25.0.0 (fetched by cargo);
#                    wasmtime/conf.h is generated from conf.h.in with the features the library exports
#   patches          patches/ngx_wasm_module/*.diff and patches/nginx/*.diff, applied in order (each
#                    says why at its top)
#
# Result: .cache/ngx-wasm/nginx/sbin/nginx (finds libwasmtime.so through its rpath).
# Usage: bash tools/ngx-wasm.sh [--print-nginx]   (--print-nginx: the binary's path, builds if needed)
# Environment: PAYGRESS_VENDOR_DIR (default ../shared/vendor), NGX_WASM_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NGINX_DEB_VERSION=1.22.1-9+deb12u9
NGINX_ORIG_SHA256=9ebb333a9e82b952acd3e2b4aeb1d4ff6406f72491bab6cd9fe69f0dea737f31
NGINX_DEBIAN_SHA256=3aebca44037e31b4148cec5a10dc673fdac176411aaa65a0094135895d154223
NGX_WASM_REPO=https://github.com/Kong/ngx_wasm_module
NGX_WASM_COMMIT=3bed27836bb402143c6cbde17994b1d11a1084bc
NGX_WASM_TARBALL_SHA256=90f8b14b1629c75d9908af897c2972d57a37c315882e4f966b4880ad8c520487
WASMTIME_VERSION=25.0.0
WASMTIME_WHEEL=wasmtime-25.0.0-py3-none-manylinux1_x86_64.whl
WASMTIME_WHEEL_SHA256=b4364e14d44e3b7afe6a40bf608e9d0d2c40b09dece441d20f4f6e31906b729c
WASMTIME_CRATE_SHA256=38510e35c038ce8ec4d55011eac85cdf6a0a4ce5f64e75ee8256d45763d504f8

mkdir -p "$ROOT/.cache/ngx-wasm"
# The real path: worktrees may share one .cache through a symlink, and the rpath must not depend on
# which checkout built it.
CACHE=$(realpath "$ROOT/.cache/ngx-wasm")
OUT=$CACHE/nginx
DL=$CACHE/dl
WORK=$CACHE/work
RT=$CACHE/wasmtime-$WASMTIME_VERSION
VENDOR=${PAYGRESS_VENDOR_DIR:-$ROOT/../shared/vendor}
SHORT=${NGX_WASM_COMMIT:0:7}

say() { echo "ngx-wasm: $*"; }
die() { echo "ngx-wasm: ERROR: $*" >&2; exit 1; }
sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

stamp_text() {
  echo "$NGINX_DEB_VERSION $NGINX_ORIG_SHA256 $NGINX_DEBIAN_SHA256 $NGX_WASM_COMMIT $WASMTIME_VERSION $WASMTIME_WHEEL_SHA256 $WASMTIME_CRATE_SHA256 $CACHE"
  cat patches/ngx_wasm_module/*.diff patches/nginx/*.diff 2>/dev/null | sha256sum | cut -d' ' -f1
  sed -n '/^# --- build ---/,$p' "$0" | sha256sum | cut -d' ' -f1
}
STAMP=$OUT/.paygress-ngx-wasm
if [ -x "$OUT/sbin/nginx" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$(stamp_text)" ]; then
  [ "${1:-}" = "--print-nginx" ] && echo "$OUT/sbin/nginx"
  exit 0
fi

# --- build ---
t_start=$(date +%s)
[ "$(uname -m)" = x86_64 ] || die "the Wasmtime wheel pinned here is for x86_64 Linux only (this is $(uname -m))"
for tool in cc make patch dpkg-source nm unzip tar; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: build-essential, dpkg-dev, unzip; run tools/setup.sh)"
done
for dev in libpcre2-dev libssl-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$dev" 2>/dev/null | grep -q "install ok installed" || die "$dev is not installed (run tools/setup.sh)"
done
mkdir -p "$DL" "$WORK"

# 1. nginx: Debian's source package. apt-get source needs a deb-src entry for bookworm main; add
#    one next to the machine's own Debian source (same mirror) when there is none.
orig=$DL/nginx_${NGINX_DEB_VERSION%%-*}.orig.tar.gz
debtar=$DL/nginx_${NGINX_DEB_VERSION}.debian.tar.xz
dsc=$DL/nginx_${NGINX_DEB_VERSION}.dsc
if ! { [ -f "$dsc" ] && [ -f "$orig" ] && sha_ok "$orig" "$NGINX_ORIG_SHA256" && [ -f "$debtar" ] && sha_ok "$debtar" "$NGINX_DEBIAN_SHA256"; }; then
  if ! apt-cache showsrc nginx 2>/dev/null | grep -qx "Version: $NGINX_DEB_VERSION"; then
    [ "$(id -u)" = 0 ] || die "need root to add a deb-src entry for bookworm main (or add one yourself and run apt-get update)"
    uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    [ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\)[[:space:]]\+bookworm[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    say "adding a deb-src entry for bookworm main ($uri): /etc/apt/sources.list.d/paygress-deb-src.sources"
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
      > /etc/apt/sources.list.d/paygress-deb-src.sources
    apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    apt-cache showsrc nginx 2>/dev/null | grep -qx "Version: $NGINX_DEB_VERSION" \
      || die "Debian serves no nginx source $NGINX_DEB_VERSION (apt-cache showsrc nginx lists what it has)"
  fi
  say "downloading Debian's nginx source $NGINX_DEB_VERSION"
  (cd "$DL" && apt-get source --download-only -qq "nginx=$NGINX_DEB_VERSION" 2>&1 | grep -v "unsandboxed" || true)
  [ -f "$orig" ] && sha_ok "$orig" "$NGINX_ORIG_SHA256" || die "$orig: missing or wrong sha256 (want $NGINX_ORIG_SHA256)"
  [ -f "$debtar" ] && sha_ok "$debtar" "$NGINX_DEBIAN_SHA256" || die "$debtar: missing or wrong sha256 (want $NGINX_DEBIAN_SHA256)"
fi
rm -rf "$WORK/nginx"
# The checksums above are the trust anchor; the .dsc signature is not checked (no keyring needed).
dpkg-source --no-check -x "$dsc" "$WORK/nginx" >/dev/null || die "dpkg-source -x failed"
for p in patches/nginx/*.diff; do
  [ -e "$p" ] || continue
  patch -s -p1 -d "$WORK/nginx" < "$p" || die "patch $p does not apply"
  say "applied $p"
done

# 2. ngx_wasm_module at the pinned commit.
rm -rf "$WORK/ngx_wasm_module"
tarball=$VENDOR/ngx_wasm_module-$SHORT.tar.gz
if [ -f "$tarball" ]; then
  sha_ok "$tarball" "$NGX_WASM_TARBALL_SHA256" || die "$tarball: sha256 is not $NGX_WASM_TARBALL_SHA256"
  mkdir -p "$WORK/ngx_wasm_module"
  tar xzf "$tarball" -C "$WORK/ngx_wasm_module" --strip-components=1
  say "ngx_wasm_module $SHORT from $tarball"
else
  command -v git >/dev/null || die "git is required to fetch ngx_wasm_module from $NGX_WASM_REPO (no $tarball)"
  say "fetching ngx_wasm_module $NGX_WASM_COMMIT from $NGX_WASM_REPO (no $tarball)"
  git init -q "$WORK/ngx_wasm_module"
  git -C "$WORK/ngx_wasm_module" fetch -q --depth 1 "$NGX_WASM_REPO" "$NGX_WASM_COMMIT" \
    || die "cannot fetch $NGX_WASM_COMMIT from $NGX_WASM_REPO (no network to it? put the archive in $VENDOR, see its README)"
  git -C "$WORK/ngx_wasm_module" checkout -q FETCH_HEAD
  got=$(git -C "$WORK/ngx_wasm_module" rev-parse HEAD)
  [ "$got" = "$NGX_WASM_COMMIT" ] || die "fetched commit $got, expected $NGX_WASM_COMMIT"
fi
for p in patches/ngx_wasm_module/*.diff; do
  [ -e "$p" ] || continue
  patch -s -p1 -d "$WORK/ngx_wasm_module" < "$p" || die "patch $p does not apply"
  say "applied $p"
done

# 3. Wasmtime: library from the PyPI wheel, headers from the crates.io crate.
lib=$RT/lib/libwasmtime.so
inc=$RT/include
if [ ! -f "$lib" ] || [ ! -f "$inc/wasmtime/conf.h" ] || [ ! -f "$RT/.ok" ]; then
  rm -rf "$RT"; mkdir -p "$RT/lib"
  if [ ! -f "$DL/$WASMTIME_WHEEL" ] || ! sha_ok "$DL/$WASMTIME_WHEEL" "$WASMTIME_WHEEL_SHA256"; then
    pip=$ROOT/.venv/bin/pip; [ -x "$pip" ] || pip="python3 -m pip"
    say "downloading wasmtime==$WASMTIME_VERSION from PyPI (the C API library inside the wheel)"
    $pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --platform manylinux1_x86_64 \
      -d "$DL" "wasmtime==$WASMTIME_VERSION" || die "pip download wasmtime==$WASMTIME_VERSION failed (is PyPI reachable?)"
  fi
  sha_ok "$DL/$WASMTIME_WHEEL" "$WASMTIME_WHEEL_SHA256" || die "$DL/$WASMTIME_WHEEL: sha256 is not $WASMTIME_WHEEL_SHA256"
  unzip -p "$DL/$WASMTIME_WHEEL" wasmtime/linux-x86_64/_libwasmtime.so > "$lib"

  crate=$DL/wasmtime-c-api-impl-$WASMTIME_VERSION.crate
  if [ ! -f "$crate" ] || ! sha_ok "$crate" "$WASMTIME_CRATE_SHA256"; then
    command -v cargo >/dev/null || die "cargo (Rust >= 1.68, sparse crates.io index) is required to fetch the crate wasmtime-c-api-impl $WASMTIME_VERSION (its include/ has the C API headers)"
    say "fetching the crate wasmtime-c-api-impl $WASMTIME_VERSION with cargo (headers only; nothing is compiled)"
    m=$WORK/cargo-fetch; rm -rf "$m" "$CACHE/cargo"; mkdir -p "$m/src"; : > "$m/src/lib.rs"
    printf '[package]\nname = "paygress-wasmtime-headers"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n[dependencies]\nwasmtime-c-api-impl = { version = "=%s", default-features = false }\n' \
      "$WASMTIME_VERSION" > "$m/Cargo.toml"
    # cargo fetch resolves (and downloads) the whole dependency graph; only this crate is kept.
    CARGO_HOME=$CACHE/cargo cargo fetch --quiet --manifest-path "$m/Cargo.toml" --target x86_64-unknown-linux-gnu \
      || die "cargo fetch of wasmtime-c-api-impl $WASMTIME_VERSION failed (is crates.io reachable?)"
    cp "$(ls "$CACHE"/cargo/registry/cache/*/wasmtime-c-api-impl-$WASMTIME_VERSION.crate | head -1)" "$crate"
    rm -rf "$CACHE/cargo" "$m"
  fi
  sha_ok "$crate" "$WASMTIME_CRATE_SHA256" || die "$crate: sha256 is not $WASMTIME_CRATE_SHA256"
  tar xzf "$crate" -C "$RT" "wasmtime-c-api-impl-$WASMTIME_VERSION/include"
  mv "$RT/wasmtime-c-api-impl-$WASMTIME_VERSION/include" "$inc"
  rmdir "$RT/wasmtime-c-api-impl-$WASMTIME_VERSION"
  grep -q "#define WASMTIME_VERSION \"$WASMTIME_VERSION\"" "$inc/wasmtime.h" || die "$inc/wasmtime.h is not Wasmtime $WASMTIME_VERSION"
  # conf.h: a feature is on when the library exports the function its header section declares.
  conf=$inc/wasmtime/conf.h
  cp "$inc/wasmtime/conf.h.in" "$conf"
  syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
  has() { grep -qx "$1" <<<"$syms"; }
  feature() { # feature NAME SYMBOL: #cmakedefine WASMTIME_FEATURE_NAME -> #define or #undef
    if has "$2"; then sed -i "s|^#cmakedefine WASMTIME_FEATURE_$1\$|#define WASMTIME_FEATURE_$1|" "$conf"; fi
  }
  feature PROFILING wasmtime_config_profiler_set
  feature WAT wasmtime_wat2wasm
  feature CACHE wasmtime_config_cache_config_load
  feature PARALLEL_COMPILATION wasmtime_config_parallel_compilation_set
  feature WASI wasi_config_new
  feature THREADS wasmtime_sharedmemory_new
  feature ASYNC wasmtime_config_async_support_set
  feature CRANELIFT wasmtime_config_cranelift_opt_level_set
  feature GC wasmtime_anyref_clone
  sed -i 's|^#cmakedefine \(WASMTIME_FEATURE_[A-Z0-9_]*\)$|/* #undef \1 */|' "$conf"
  ! grep -q cmakedefine "$conf" || die "could not generate $conf"
  grep -q "^#define WASMTIME_FEATURE_WASI" "$conf" && grep -q "^#define WASMTIME_FEATURE_CRANELIFT" "$conf" \
    || die "the Wasmtime library lacks WASI or the Cranelift compiler, which ngx_wasm_module needs"
  for s in wasmtime_config_static_memory_guard_size_set wasmtime_config_dynamic_memory_guard_size_set wasmtime_linker_define_wasi; do
    has "$s" || die "the Wasmtime library does not export $s (ngx_wasm_module calls it)"
  done
  touch "$RT/.ok"
fi

# 4. configure + make + install.
jobs=${NGX_WASM_JOBS:-$(nproc)}
say "configuring nginx ${NGINX_DEB_VERSION%%-*} with ngx_wasm_module (Wasmtime $WASMTIME_VERSION)"
cd "$WORK/nginx"
NGX_WASM_RUNTIME=wasmtime NGX_WASM_RUNTIME_INC="$inc" NGX_WASM_RUNTIME_LIB="$RT/lib" \
NGX_WASM_RUNTIME_LD_OPT="-L$RT/lib -lwasmtime -Wl,-rpath,$RT/lib" \
  ./configure --prefix="$OUT" --with-debug --with-http_ssl_module --with-cc-opt="-g -O2" \
    --add-module="$WORK/ngx_wasm_module" > "$WORK/configure.log" 2>&1 \
  || { tail -30 "$WORK/configure.log" >&2; die "nginx ./configure failed (log: $WORK/configure.log)"; }
say "compiling (make -j$jobs; the module's objects build with -Werror)"
make -j"$jobs" > "$WORK/make.log" 2>&1 || { grep -E "error|Error" "$WORK/make.log" | head -30 >&2; die "make failed (log: $WORK/make.log)"; }
rm -rf "$OUT"
make install > "$WORK/install.log" 2>&1 || die "make install failed (log: $WORK/install.log)"
cd "$ROOT"
"$OUT/sbin/nginx" -V 2>&1 | grep -q "ngx_wasm_module" || die "$OUT/sbin/nginx was built without ngx_wasm_module"
stamp_text > "$STAMP"
say "built $OUT/sbin/nginx in $(( $(date +%s) - t_start )) s (nginx ${NGINX_DEB_VERSION}, ngx_wasm_module $SHORT, Wasmtime $WASMTIME_VERSION)"
[ "${1:-}" = "--print-nginx" ] && echo "$OUT/sbin/nginx"
exit 0
