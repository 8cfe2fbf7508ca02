#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` (CPU only) from the llama.cpp source that node-llama-cpp ships, for the
# remote-engine integration tests (test/engines/) and for people who want a team server without another
# download. The source is node-llama-cpp's git bundle, so nothing is fetched from the network.
#
# Idempotent. The binary is cached OUTSIDE the repo:
#   ${HEARTH_CACHE:-$HOME/.cache/hearth}/llama-server-<commit>/bin/llama-server
# A stamp file (.hearth-provisioned, holding the build seconds) is written last; without it the folder is a
# half-finished build and is redone. With it, a run only prints the path (a warm run builds nothing).
# The build uses -march=native (GGML_NATIVE, llama.cpp's default): the cache belongs to this machine.
#
# Prints the binary's path on stdout; progress goes to stderr.
# Env: HEARTH_CACHE (cache root), HEARTH_BUILD_JOBS (parallel compile jobs, default: cores).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUNDLE="$ROOT/node_modules/node-llama-cpp/llama/gitRelease.bundle"
CACHE_ROOT="${HEARTH_CACHE:-$HOME/.cache/hearth}"
log() { printf '[llama-server] %s\n' "$*" >&2; }
die() { printf '[llama-server] ERROR: %s\n' "$*" >&2; exit 1; }

[ -f "$BUNDLE" ] || die "$BUNDLE not found: run npm ci first"
COMMIT=$(git bundle list-heads "$BUNDLE" | awk '$2 == "HEAD" { print $1 }')
[ -n "$COMMIT" ] || die "no HEAD in $BUNDLE"
DIR="$CACHE_ROOT/llama-server-${COMMIT:0:12}"
BIN="$DIR/bin/llama-server"
STAMP="$DIR/.hearth-provisioned"

if [ -f "$STAMP" ] && [ -x "$BIN" ]; then
  log "cached: $BIN (built in $(cat "$STAMP")s)"
  echo "$BIN"
  exit 0
fi

# Build tools come from Debian's apt when missing (as test/e2e/provision.sh does): a clean CI machine may lack
# cmake. Nothing else is installed or fetched.
missing=()
for pair in cmake:cmake g++:build-essential git:git; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1; then as_root=(sudo); else as_root=(false); fi
  command -v apt-get >/dev/null 2>&1 && [ "${as_root[0]:-}" != false ] ||
    die "missing build tools; install them: apt-get install ${missing[*]}"
  log "installing build tools from apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q >&2 && "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed; install them by hand"
fi
mkdir -p "$CACHE_ROOT"
# Two concurrent runs (CI and a developer) wait for each other instead of building twice.
exec 9>"$CACHE_ROOT/.llama-server.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [ -f "$STAMP" ] && [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

started=$(date +%s)
WORK="$DIR.build"
rm -rf "$DIR" "$WORK"
mkdir -p "$WORK"
log "checking out llama.cpp ${COMMIT:0:12} from node-llama-cpp's bundle"
git init -q "$WORK/src"
git -C "$WORK/src" fetch -q "$BUNDLE" HEAD
git -C "$WORK/src" -c advice.detachedHead=false checkout -q FETCH_HEAD

GENERATOR=()
command -v ninja >/dev/null 2>&1 && GENERATOR=(-G Ninja)
log "configuring (CPU only, no curl, no OpenSSL, no web UI download)"
cmake -S "$WORK/src" -B "$WORK/build" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_SHARED_LIBS=OFF \
  -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF -DGGML_OPENMP=OFF \
  -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON >&2

JOBS="${HEARTH_BUILD_JOBS:-$(nproc)}"
log "building llama-server with $JOBS jobs (tens of minutes on 2 cores)"
nice -n 5 cmake --build "$WORK/build" --target llama-server -j "$JOBS" >&2

mkdir -p "$DIR/bin"
cp "$WORK/build/bin/llama-server" "$BIN"
"$BIN" --version >&2 || die "the built llama-server does not run"
rm -rf "$WORK"
echo $(( $(date +%s) - started )) >"$STAMP"
log "built $BIN in $(cat "$STAMP")s"
echo "$BIN"
