#!/usr/bin/env bash
# Installs the pinned npm developer tools of tools/npm (Redocly CLI for
# `openapi.lint`, swagger-ui-dist for run.sh's /docs page, playwright-core for
# the browser test) into tools/npm/node_modules, exactly as package-lock.json
# says. Only when they are missing or older than the lockfile: a second run
# is a no-op and touches no network. Node.js comes from Debian when absent.
#   scripts/install-npm-tools.sh
# Environment: SHOPPULSE_NPM_CACHE  npm's download cache (default ~/.cache/shoppulse-npm)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly NPM_DIR=tools/npm
readonly STAMP=$NPM_DIR/node_modules/.shoppulse-installed
readonly CACHE=${SHOPPULSE_NPM_CACHE:-$HOME/.cache/shoppulse-npm}
# @redocly/cli 1.34 needs 18.17; Debian 12's nodejs is 18.19.
readonly NODE_MIN_MAJOR=18 NODE_MIN_MINOR=17

log() { echo "install-npm-tools: $*" >&2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing Debian's nodejs and npm"
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    log "node/npm missing and not root (no sudo): install nodejs and npm"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

node_version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$node_version"
if ((major < NODE_MIN_MAJOR || (major == NODE_MIN_MAJOR && minor < NODE_MIN_MINOR))); then
  log "Node.js $node_version is too old: the tools need >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR"
  exit 1
fi

up_to_date() {
  [[ -f $STAMP && ! $NPM_DIR/package-lock.json -nt $STAMP && ! $NPM_DIR/package.json -nt $STAMP ]]
}
up_to_date && exit 0

# test.sh and run.sh may both get here at once; npm ci deletes node_modules
# first, so one installs and the other waits for it.
mkdir -p "$CACHE"
exec 9>"$CACHE/.shoppulse-install.lock"
flock 9
up_to_date && exit 0

log "npm ci in $NPM_DIR (Node.js $node_version)"
# --ignore-scripts: no package's install hook runs (swagger-ui-dist's would
# send analytics; playwright-core needs none, it uses Debian's chromium).
# --prefer-offline: a re-install after `rm -rf node_modules` comes from the cache.
SCARF_ANALYTICS=false PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  npm ci --prefix "$NPM_DIR" --no-audit --no-fund --ignore-scripts --prefer-offline --cache "$CACHE" \
  --loglevel=error >&2
touch "$STAMP"
