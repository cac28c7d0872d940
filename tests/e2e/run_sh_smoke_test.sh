#!/usr/bin/env bash
# ./run.sh as a developer uses it: start it with this build's binaries and a
# throwaway state directory, wait for its banner, probe /health and
# authenticated routes with the tokens it wrote, Ctrl-C it (SIGINT to its
# process group, as a terminal does) and check that nothing it started is
# left running (tests/e2e/run_sh_harness.sh).
#
#   run_sh_smoke_test.sh BIN_DIR STATE_DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
# shellcheck source=tests/e2e/run_sh_harness.sh
. "$ROOT/tests/e2e/run_sh_harness.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 BIN_DIR STATE_DIR" >&2; exit 2; }
readonly BIN_DIR=$1 STATE_DIR=$2
readonly RUN_LOG=$STATE_DIR/run-sh.log BODY=$STATE_DIR/body
# A Globex user: invisible to Acme's admin.
readonly GLOBEX_USER=b2000000-0000-4000-8000-000000000001

log() { echo "smoke: $*" >&2; }

# $1 expected HTTP status, $2 description, rest: curl arguments
probe() {
  local want=$1 what=$2 got
  shift 2
  got=$(curl -s -o "$BODY" -w '%{http_code}' --max-time 30 "$@") || got=000
  [[ $got == "$want" ]] || run_sh_fail "$what: HTTP $got, want $want: $(head -c 300 "$BODY" 2>/dev/null)"
  log "ok   $what -> $got"
}

run_sh_start "$BIN_DIR" "$STATE_DIR" "$RUN_LOG"

# The tokens run.sh printed (also in tokens.env), used as a developer would.
# shellcheck disable=SC1091
. "$STATE_DIR/tokens.env"
base=http://127.0.0.1:$run_sh_port
probe 200 "GET /health" "$base/health"
grep -q '"database":"ok"' "$BODY" || run_sh_fail "health does not report the database: $(cat "$BODY")"
probe 401 "GET /users without a token" "$base/users"
probe 200 "GET /users as Acme admin" -H "Authorization: Bearer $ACME_ADMIN_TOKEN" "$base/users"
probe 404 "GET /users/{Globex user} as Acme admin" -H "Authorization: Bearer $ACME_ADMIN_TOKEN" \
  "$base/users/$GLOBEX_USER"
probe 200 "GET /users/{Globex user} as Globex viewer" -H "Authorization: Bearer $GLOBEX_VIEWER_TOKEN" \
  "$base/users/$GLOBEX_USER"
if grep -q 'QuickSight: local stand-in' "$RUN_LOG"; then
  probe 200 "POST /quicksight/embed-url as Acme analyst" -H "Authorization: Bearer $ACME_ANALYST_TOKEN" \
    -H 'Content-Type: application/json' -d '{"dashboardId":"sales-overview"}' "$base/quicksight/embed-url"
fi

run_sh_stop
