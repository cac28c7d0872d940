#!/usr/bin/env bash
# The contract and its docs page on the real local stack: ./run.sh (this
# build's binaries, a throwaway state dir, a free port) serves /openapi.json
# and /docs without a token; the JSON is openapi/openapi.yaml converted; in
# headless Chromium (docs_browser.js, playwright-core) the page lists every
# operation of the document and "Try it out" on GET /users answers 200
# through the gateway. The token the page carries is never in run.sh's
# output. Then Ctrl-C, and nothing may be left running, Chromium included.
#
#   docs_browser_test.sh BIN_DIR STATE_DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source=tests/e2e/run_sh_harness.sh
. "$ROOT/tests/e2e/run_sh_harness.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 BIN_DIR STATE_DIR" >&2; exit 2; }
readonly BIN_DIR=$1 STATE_DIR=$2
readonly RUN_LOG=$STATE_DIR/run-sh.log BODY=$STATE_DIR/body PROFILE=$STATE_DIR/chromium-profile
readonly CHROMIUM=${SHOPPULSE_CHROMIUM:-/usr/bin/chromium}

log() { echo "docs: $*" >&2; }

# ./test.sh installs all of these (install-deps.sh, install-npm-tools.sh):
# missing, the test fails rather than skips.
[[ -x $CHROMIUM ]] || fail "$CHROMIUM is missing (scripts/install-deps.sh installs chromium)"
[[ -d $ROOT/tools/npm/node_modules/playwright-core ]] ||
  fail "tools/npm/node_modules is missing: run scripts/install-npm-tools.sh (./test.sh does)"
command -v node >/dev/null || fail "node is missing: run scripts/install-npm-tools.sh"

# $1 expected HTTP status, $2 description, rest: curl arguments
probe() {
  local want=$1 what=$2 got
  shift 2
  got=$(curl -s -o "$BODY" -w '%{http_code}' --max-time 30 "$@") || got=000
  [[ $got == "$want" ]] || run_sh_fail "$what: HTTP $got, want $want: $(head -c 300 "$BODY" 2>/dev/null)"
  log "ok   $what -> $got"
}

# Lines of the access log for GET /users answered 200.
users_200_lines() {
  python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1], errors="replace"):
    try:
        doc = json.loads(line)
    except ValueError:
        continue
    if isinstance(doc, dict) and doc.get("method") == "GET" and doc.get("path") == "/users" \
            and doc.get("status") == 200 and "sandbox" in doc:
        n += 1
print(n)' "$RUN_LOG"
}

rm -rf "$PROFILE"
run_sh_start "$BIN_DIR" "$STATE_DIR" "$RUN_LOG"
base=http://127.0.0.1:$run_sh_port
grep -q "docs:       $base/docs" "$RUN_LOG" || run_sh_fail "the banner does not name $base/docs"

probe 200 "GET /openapi.json without a token" "$base/openapi.json"
python3 "$ROOT/scripts/openapi-to-json.py" "$ROOT/openapi/openapi.yaml" "$STATE_DIR/expected-openapi.json"
python3 -c 'import json, sys
served, expected = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if served == expected else 1)' "$BODY" "$STATE_DIR/expected-openapi.json" ||
  run_sh_fail "/openapi.json is not openapi/openapi.yaml converted to JSON"
log "ok   /openapi.json equals openapi/openapi.yaml"
probe 200 "GET /docs without a token" "$base/docs"
grep -q 'swagger-ui-bundle.js' "$BODY" || run_sh_fail "/docs is not the Swagger UI page"
probe 200 "GET /docs/swagger-ui-bundle.js without a token" "$base/docs/swagger-ui-bundle.js"
probe 404 "GET /docs/../openapi.json (raw ..)" --path-as-is "$base/docs/../openapi.json"
probe 404 "GET /docs/%2e%2e/package.json (encoded ..)" --path-as-is "$base/docs/%2e%2e/package.json"
probe 401 "GET /users without a token (the docs flags open nothing else)" "$base/users"

before=$(users_200_lines)
log "headless Chromium on $base/docs"
node "$ROOT/tests/e2e/docs_browser.js" "$base" "$CHROMIUM" "$PROFILE" || run_sh_fail "the docs page check failed"
after=$(users_200_lines)
[[ $after -gt $before ]] || run_sh_fail "no GET /users 200 in the gateway's access log from Try it out"
log "ok   the gateway logged Try it out's GET /users (200, through a sandbox)"

# The page carries Acme's admin token; run.sh's output must not.
token=$(sed -n 's/^export ACME_ADMIN_TOKEN=//p' "$STATE_DIR/tokens.env")
[[ -n $token ]] || run_sh_fail "no ACME_ADMIN_TOKEN in tokens.env"
# The banner prints tokens.env on purpose; the gateway's lines (JSON) and its
# command line must not hold the token.
if grep '^{' "$RUN_LOG" | grep -qF "$token"; then run_sh_fail "the docs token appears in the gateway's log"; fi
gateway_pid=$(sed -n 's/^gateway //p' "$STATE_DIR/run/pids")
if tr '\0' ' ' <"/proc/$gateway_pid/cmdline" | grep -qF "$token"; then
  run_sh_fail "the docs token is on the gateway's command line"
fi
log "ok   the token is in neither the gateway's log nor its command line"

run_sh_stop
# Chromium and its helpers: closed by the script; a process still naming
# this test's profile would be a leftover.
if pgrep -f -- "$PROFILE" >/dev/null; then fail "Chromium still running on $PROFILE: $(pgrep -f -- "$PROFILE" | xargs)"; fi
log "ok   no Chromium left"
rm -rf "$PROFILE"
