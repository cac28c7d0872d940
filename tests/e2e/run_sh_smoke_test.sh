#!/usr/bin/env bash
# ./run.sh as a developer uses it: start it with this build's binaries and a
# throwaway state directory, wait for its banner, probe /health and
# authenticated routes with the tokens it wrote, Ctrl-C it (SIGINT to its
# process group, as a terminal does) and check that nothing it started is
# left running.
#
#   run_sh_smoke_test.sh BIN_DIR STATE_DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 BIN_DIR STATE_DIR" >&2; exit 2; }
readonly BIN_DIR=$1 STATE_DIR=$2
readonly RUN_LOG=$STATE_DIR/run-sh.log BODY=$STATE_DIR/body
# A Globex user: invisible to Acme's admin.
readonly GLOBEX_USER=b2000000-0000-4000-8000-000000000001

log() { echo "smoke: $*" >&2; }

child=""
cleanup() {
  if [[ -n $child ]] && kill -0 "$child" 2>/dev/null; then
    kill -INT -- "-$child" 2>/dev/null || true
    sleep 5
    kill -KILL -- "-$child" 2>/dev/null || true
  fi
}
trap cleanup EXIT

smoke_fail() {
  echo "---- run.sh output ----" >&2
  tail -n 60 "$RUN_LOG" >&2 || true
  fail "$*"
}

# $1 expected HTTP status, $2 description, rest: curl arguments
probe() {
  local want=$1 what=$2 got
  shift 2
  got=$(curl -s -o "$BODY" -w '%{http_code}' --max-time 30 "$@") || got=000
  [[ $got == "$want" ]] || smoke_fail "$what: HTTP $got, want $want: $(head -c 300 "$BODY" 2>/dev/null)"
  log "ok   $what -> $got"
}

mkdir -p "$STATE_DIR"
rm -f "$RUN_LOG" # a previous run's "ready" line must not count
port=$(free_port)
# Job control gives the child its own process group and keeps SIGINT
# deliverable to it, exactly like a foreground ./run.sh in a terminal.
set -m
"$ROOT/run.sh" --no-build --bin-dir "$BIN_DIR" --state-dir "$STATE_DIR" --port "$port" >"$RUN_LOG" 2>&1 &
child=$!
set +m
for ((i = 0; i < 600; i++)); do
  grep -q '^ShopPulse API ready' "$RUN_LOG" 2>/dev/null && break
  if ! kill -0 "$child" 2>/dev/null; then
    early=0
    wait "$child" || early=$?
    child=""
    smoke_fail "run.sh exited with status $early before it was ready"
  fi
  sleep 0.5
done
grep -q '^ShopPulse API ready' "$RUN_LOG" || smoke_fail "not ready after 300 s"

# The tokens run.sh printed (also in tokens.env), used as a developer would.
# shellcheck disable=SC1091
. "$STATE_DIR/tokens.env"
base=http://127.0.0.1:$port
probe 200 "GET /health" "$base/health"
grep -q '"database":"ok"' "$BODY" || smoke_fail "health does not report the database: $(cat "$BODY")"
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

# Everything it started: its own pids file plus the sandboxes the gateway announced.
pids=()
while read -r name pid; do pids+=("$name:$pid"); done <"$STATE_DIR/run/pids"
for pid in $(python3 -c 'import json, sys
for line in open(sys.argv[1], errors="replace"):
    try:
        doc = json.loads(line)
    except ValueError:
        continue
    if isinstance(doc, dict) and doc.get("message") == "listening":
        print(" ".join(str(p) for p in doc.get("sandboxPids", [])))' "$RUN_LOG"); do
  pids+=("bootstrap:$pid")
done
[[ ${#pids[@]} -ge 3 ]] || smoke_fail "expected gateway, sandbox and helper pids, got: ${pids[*]}"

log "Ctrl-C (SIGINT to run.sh's process group)"
kill -INT -- "-$child"
for ((i = 0; i < 600; i++)); do
  kill -0 "$child" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$child" 2>/dev/null && smoke_fail "run.sh still running 60 s after SIGINT"
rc=0
wait "$child" || rc=$?
child=""
[[ $rc -eq 0 || $rc -eq 130 ]] || smoke_fail "run.sh exited with $rc after SIGINT"
# A process may still be on its way out (postgres removes its pid file,
# which pg_ctl waits for, just before it exits); allow it 10 s.
left=()
for entry in "${pids[@]}"; do
  for ((i = 0; i < 100; i++)); do
    kill -0 "${entry#*:}" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "${entry#*:}" 2>/dev/null && left+=("$entry")
done
[[ ${#left[@]} -eq 0 ]] || smoke_fail "still running after Ctrl-C: ${left[*]}"
log "stopped cleanly (${pids[*]})"
