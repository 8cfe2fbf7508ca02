#!/usr/bin/env bash
# Provision a real VS Code (code-server 4.100.3 = VS Code 1.100.3 web workbench with a Node 20
# extension host) plus Debian's chromium for Hearth's end-to-end tests.
#
# Idempotent. Everything is cached OUTSIDE the repo:
#   ${HEARTH_CACHE:-$HOME/.cache/hearth}/code-server-4.100.3/
# A stamp file (.hearth-provisioned) is written last; without it the folder is treated as a
# half-finished install, wiped and redone. With it, a run takes about a second.
#
# Env:
#   HEARTH_CACHE        cache root (default $HOME/.cache/hearth)
#   HEARTH_E2E_VERIFY=1 also start code-server and check /healthz on the fast path
#   HEARTH_PROVISION_BROWSER=0  skip chromium (only the tests drive a browser; `npm start` opens yours)
#
# Only the npm registry and Debian apt are needed; nothing is downloaded from GitHub/CDNs
# (ripgrep comes from apt and is symlinked in place of @vscode/ripgrep's download).
#
# Exit codes: 0 ready, 1 provisioning failed (message on stderr).
set -euo pipefail

CS_VERSION=4.100.3
STAMP_FORMAT=1
CACHE_ROOT="${HEARTH_CACHE:-$HOME/.cache/hearth}"
CS_DIR="$CACHE_ROOT/code-server-$CS_VERSION"
STAMP="$CS_DIR/.hearth-provisioned"
ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
VSDIR="$CS_DIR/node_modules/code-server/lib/vscode"
APT_PACKAGES=(build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep)
# The browser only drives the tests; `npm start` (client/packaging/start.mjs) sets HEARTH_PROVISION_BROWSER=0.
if [ "${HEARTH_PROVISION_BROWSER:-1}" != 0 ]; then APT_PACKAGES+=(chromium); fi

T0=$(date +%s.%N)
log() { printf '[provision] %s\n' "$*" >&2; }
die() { printf '[provision] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
step() { # step "description" cmd...
  local desc=$1; shift
  log "$desc"
  local s; s=$(date +%s)
  if ! "$@"; then die "step failed: $desc (command: $*). See output above."; fi
  log "  done in $(( $(date +%s) - s ))s"
}

# ---------------------------------------------------------------- system packages (apt)
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

missing_apt=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing_apt+=("$p")
  fi
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: ${missing_apt[*]}"
  log "apt packages missing: ${missing_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  step "apt-get update" as_root apt-get update -q
  step "apt-get install ${missing_apt[*]}" as_root apt-get install -y -q --no-install-recommends "${missing_apt[@]}"
else
  log "apt packages present: ${APT_PACKAGES[*]}"
fi
if [ "${HEARTH_PROVISION_BROWSER:-1}" != 0 ]; then
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after apt install"
fi
[ -x /usr/bin/rg ] || die "/usr/bin/rg missing after apt install"

command -v node >/dev/null 2>&1 || die "node not found on PATH (need Node 20)"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || die "code-server $CS_VERSION needs Node 20 (found $(node --version))"

# ---------------------------------------------------------------- code-server (cached)
mkdir -p "$CACHE_ROOT"
# Serialize concurrent provisioning of the same cache.
exec 9>"$CACHE_ROOT/.code-server-$CS_VERSION.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 1800 9 || die "timed out waiting for lock $CACHE_ROOT/.code-server-$CS_VERSION.lock"
fi

stamp_ok() {
  [ -f "$STAMP" ] && grep -qx "version=$CS_VERSION format=$STAMP_FORMAT node=$NODE_MAJOR" "$STAMP" \
    && [ -f "$ENTRY" ] && [ -e "$VSDIR/node_modules.asar" ]
}

health_check() {
  local port ud ext pid ok=0 i logf
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  ud=$(mktemp -d); ext=$(mktemp -d); logf="$ud/code-server.log"
  setsid node "$ENTRY" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --user-data-dir "$ud" --extensions-dir "$ext" \
    >"$logf" 2>&1 &
  pid=$!
  for i in $(seq 1 120); do
    if node -e 'fetch(process.argv[1]).then(r=>r.text().then(t=>process.exit(r.ok&&/alive|expired/.test(t)?0:1))).catch(()=>process.exit(1))' \
        "http://127.0.0.1:$port/healthz" 2>/dev/null; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -TERM -- "-$pid" 2>/dev/null || true
  sleep 0.3; kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ $ok = 1 ]; then
    log "code-server /healthz answered on 127.0.0.1:$port"
    rm -rf "$ud" "$ext"
    return 0
  fi
  log "code-server did not answer /healthz; its log:"
  sed 's/^/    /' "$logf" >&2 || true
  rm -rf "$ud" "$ext"
  return 1
}

if stamp_ok; then
  log "code-server $CS_VERSION already provisioned in $CS_DIR"
  if [ "${HEARTH_E2E_VERIFY:-}" = 1 ]; then health_check || die "cached code-server does not start; delete $CS_DIR and rerun"; fi
  log "ready in $(elapsed)s"
  exit 0
fi

if [ -e "$CS_DIR" ]; then
  log "found an incomplete install (no valid stamp) in $CS_DIR: removing it"
  rm -rf "$CS_DIR"
fi
mkdir -p "$CS_DIR"
log "installing code-server $CS_VERSION into $CS_DIR (cold install: expect 1-5 minutes)"

export npm_config_yes=true            # node-pty's install script runs npx
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# node-gyp would download Node headers from nodejs.org (unreachable); use the installed ones.
if [ -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true)" ]; then
  NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
    export npm_config_nodedir="$NODE_PREFIX"
    log "using Node headers from $NODE_PREFIX/include/node (npm_config_nodedir)"
  else
    log "warning: no local Node headers found; node-gyp may try to download them"
  fi
fi

cd "$CS_DIR"
printf '{ "name": "hearth-code-server-cache", "private": true }\n' > package.json
step "npm i code-server@$CS_VERSION --ignore-scripts" npm i -E "code-server@$CS_VERSION" --ignore-scripts --loglevel=error
step "npm rebuild argon2" npm rebuild argon2 --loglevel=error
[ -d "$VSDIR" ] || die "unexpected layout: $VSDIR missing"
cd "$VSDIR"
step "lib/vscode: npm install --omit=dev --ignore-scripts" npm install --omit=dev --ignore-scripts --loglevel=error
log "lib/vscode: ripgrep -> /usr/bin/rg (skips @vscode/ripgrep's GitHub download)"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
step "lib/vscode: npm rebuild --foreground-scripts (native modules; ~1 min)" npm rebuild --foreground-scripts --loglevel=error
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
step "lib/vscode/extensions: npm install --omit=dev" bash -c 'cd extensions && npm install --omit=dev --loglevel=error'
cd "$CS_DIR"

[ -f "$ENTRY" ] || die "code-server entry point missing: $ENTRY"
log "checking that code-server starts"
health_check || die "code-server was installed but does not start (see log above); install left unstamped"

printf 'version=%s format=%s node=%s\n' "$CS_VERSION" "$STAMP_FORMAT" "$NODE_MAJOR" > "$STAMP.tmp"
mv "$STAMP.tmp" "$STAMP"
log "code-server $CS_VERSION provisioned in $CS_DIR ($(du -sh "$CS_DIR" | cut -f1)); cold install took $(elapsed)s"
