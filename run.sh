#!/usr/bin/env bash
# Serves the ShopPulse API on http://127.0.0.1:${PORT:-3000} the way API Gateway
# would (Cognito-style JWT check, proxy events, N Lambda sandboxes running the
# real bootstrap), with its own PostgreSQL and an offline QuickSight stand-in.
# The contract (openapi/openapi.yaml) is served at /openapi.json and a Swagger
# UI page at /docs whose "Try it out" is signed in as the seeded Acme admin.
# Ctrl-C stops everything it started.
#
#   ./run.sh                  install what is missing, build Release, serve
#   ./run.sh --reset          recreate the local database first (.local/postgres)
#   ./run.sh --http-api       HTTP API payload 2.0 events (default: REST API 1.0, as deployed)
#   ./run.sh --record DIR     write every request as a replay case (event + golden) into DIR
#   ./run.sh --port N         listen on N (default: $PORT, else 3000)
#   ./run.sh --concurrency N  sandboxes = bootstrap processes (default 2)
#   ./run.sh --verbose        bootstrap logs at INFO (default WARN)
#   ./run.sh --no-build       use the binaries already built
#   ./run.sh --bin-dir DIR    binaries from build tree DIR (default build/release; implies --no-build)
#   ./run.sh --state-dir DIR  local state (default .local: database, dev keys, tokens)
# Environment:
#   PORT, CORS_ALLOW_ORIGINS (default *)
#   AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN, AWS_REGION,
#     QUICKSIGHT_ACCOUNT_ID) with AWS_ENDPOINT_URL_QUICKSIGHT unset: the embed
#     route calls real QuickSight; otherwise a local stand-in (fake_aws) answers.
#   SHOPPULSE_JWKS_FILE, SHOPPULSE_JWT_ISSUER, SHOPPULSE_JWT_AUDIENCE: also accept
#     real Cognito tokens (the pool's saved jwks.json, its issuer URL, app client id).
# shellcheck disable=SC2317  # cleanup functions run from traps
set -Eeuo pipefail
readonly CALLER_DIR=$PWD
cd "$(dirname "$0")"
readonly REPO=$PWD

# An absolute path for a directory argument given relative to the caller's cwd.
abs_dir() { (cd "$CALLER_DIR" && mkdir -p "$1" && cd "$1" && pwd); }

# --- arguments ---------------------------------------------------------------
reset=0 build=1 verbose=0 http_api=0
port=${PORT:-} record_dir="" concurrency=2
bin_dir=$REPO/build/release
state_dir=$REPO/.local
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reset) reset=1 ;;
    --no-build) build=0 ;;
    --verbose) verbose=1 ;;
    --http-api) http_api=1 ;;
    --port) port=${2:?--port needs a value}; shift ;;
    --record) record_dir=$(abs_dir "${2:?--record needs a directory}"); shift ;;
    --concurrency) concurrency=${2:?--concurrency needs a value}; shift ;;
    --bin-dir) bin_dir=$(cd "$CALLER_DIR" && cd "${2:?--bin-dir needs a directory}" && pwd); build=0; shift ;;
    --state-dir) state_dir=$(abs_dir "${2:?--state-dir needs a directory}"); shift ;;
    -h|--help) awk 'NR == 1 {next} /^# shellcheck/ || !/^#/ {exit} {print}' "$REPO/run.sh"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see ./run.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

readonly BOOTSTRAP=$bin_dir/bootstrap/bootstrap
readonly GATEWAY=$bin_dir/tools/gateway/local_gateway
readonly DEV_TOKEN=$bin_dir/tools/gateway/dev_token
readonly FAKE_AWS=$bin_dir/tools/fakes/fake_aws
readonly RUN_DIR=$state_dir/run
readonly SWAGGER_UI=$REPO/tools/npm/node_modules/swagger-ui-dist
readonly PG_DIR=$state_dir/postgres

log() { echo "run.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
# set -e exits must never be silent.
trap 'log "error: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO"' ERR

build_all() {
  scripts/install-deps.sh all
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/shoppulse-ccache}
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target bootstrap local_gateway dev_token fake_aws
}

# Ends a child we started: SIGTERM, then SIGKILL after ~10 s.
stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# --- serve -------------------------------------------------------------------
[[ $build -eq 1 ]] && build_all
for binary in "$BOOTSTRAP" "$GATEWAY" "$DEV_TOKEN" "$FAKE_AWS"; do
  [[ -x $binary ]] || die "missing $binary (build it, or drop --no-build)"
done
port=${port:-3000}
mkdir -p "$RUN_DIR" "$state_dir/jwt"

gateway_pid="" fake_aws_pid="" pg_started=0
cleanup() {
  trap - EXIT INT TERM
  set +e
  [[ -n $gateway_pid ]] && log "stopping"
  stop_pid "$gateway_pid"
  stop_pid "$fake_aws_pid"
  if [[ $pg_started -eq 1 ]]; then scripts/pg.sh stop "$PG_DIR" >/dev/null; fi
  rm -f "$RUN_DIR/pids"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL: kept in $PG_DIR between runs; another ./run.sh may already be using it.
if [[ $reset -eq 1 ]]; then
  scripts/pg.sh status "$PG_DIR" >/dev/null && die "--reset: the database is in use by another ./run.sh"
  scripts/pg.sh reset "$PG_DIR"
fi
if ! scripts/pg.sh status "$PG_DIR" >/dev/null; then pg_started=1; fi
scripts/pg.sh serve "$PG_DIR" >&2
DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' "$PG_DIR/env")
export DATABASE_URL

# Dev signing key for local tokens (the gateway trusts it, nothing else does).
readonly JWT_KEY=$state_dir/jwt/dev-rs256.pem
[[ -f $JWT_KEY ]] || "$DEV_TOKEN" keygen --out "$JWT_KEY"

gateway_args=(--bootstrap "$BOOTSTRAP" --port "$port" --concurrency "$concurrency"
  --jwt-key "$JWT_KEY" --pass-env DATABASE_URL
  --env "CORS_ALLOW_ORIGINS=${CORS_ALLOW_ORIGINS:-*}" --env METRICS_ENABLED=false
  --env "AWS_LAMBDA_LOG_LEVEL=$([[ $verbose -eq 1 ]] && echo INFO || echo WARN)")
[[ $http_api -eq 1 ]] && gateway_args+=(--http-api)
[[ -n $record_dir ]] && gateway_args+=(--record "$record_dir")
# Real Cognito tokens too, when a pool's JWKS is given. The issuer check then
# covers both kinds, so it applies only when set explicitly.
if [[ -n ${SHOPPULSE_JWKS_FILE:-} ]]; then gateway_args+=(--jwks "$SHOPPULSE_JWKS_FILE"); fi
if [[ -n ${SHOPPULSE_JWT_ISSUER:-} ]]; then gateway_args+=(--issuer "$SHOPPULSE_JWT_ISSUER"); fi
if [[ -n ${SHOPPULSE_JWT_AUDIENCE:-} ]]; then gateway_args+=(--audience "$SHOPPULSE_JWT_AUDIENCE"); fi

# QuickSight: real AWS when credentials are given and no endpoint override;
# otherwise fake_aws, whose credentials we hand to bootstrap.
if [[ -n ${AWS_ACCESS_KEY_ID:-} && -n ${AWS_SECRET_ACCESS_KEY:-} && -z ${AWS_ENDPOINT_URL_QUICKSIGHT:-} ]]; then
  quicksight="AWS QuickSight (credentials from the environment)"
  [[ -n ${QUICKSIGHT_ACCOUNT_ID:-} ]] || log "warning: QUICKSIGHT_ACCOUNT_ID is not set; the embed route needs it"
  for name in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION QUICKSIGHT_ACCOUNT_ID; do
    gateway_args+=(--pass-env "$name")
  done
elif [[ -n ${AWS_ENDPOINT_URL_QUICKSIGHT:-} ]]; then
  quicksight="$AWS_ENDPOINT_URL_QUICKSIGHT (AWS_ENDPOINT_URL_QUICKSIGHT)"
  for name in AWS_ENDPOINT_URL_QUICKSIGHT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION \
    QUICKSIGHT_ACCOUNT_ID; do
    gateway_args+=(--pass-env "$name")
  done
else
  readonly FAKE_KEY=AKIDSHOPPULSELOCALDEV FAKE_SECRET=local/dev/only/not-a-real-secret-0123456789 FAKE_ACCOUNT=123456789012
  cat >"$RUN_DIR/fake-aws-state.json" <<JSON
{"region": "us-east-1", "access_key_id": "$FAKE_KEY", "secret_access_key": "$FAKE_SECRET",
 "quicksight_account_id": "$FAKE_ACCOUNT",
 "dashboards": ["sales-overview", "marketing-performance", "fulfillment-operations", "finance-executive"]}
JSON
  # Truncate now: the previous run's port must not be read, and the
  # background job below opens the file only after it has forked.
  : >"$RUN_DIR/fake_aws.log"
  "$FAKE_AWS" --port 0 --state "$RUN_DIR/fake-aws-state.json" >"$RUN_DIR/fake_aws.log" 2>&1 &
  fake_aws_pid=$!
  fake_url=""
  for ((i = 0; i < 100; i++)); do
    fake_url=$(sed -n 's/^fake_aws listening on //p' "$RUN_DIR/fake_aws.log" 2>/dev/null) || fake_url=""
    [[ -n $fake_url ]] && break
    kill -0 "$fake_aws_pid" 2>/dev/null || die "fake_aws did not start: $(cat "$RUN_DIR/fake_aws.log")"
    sleep 0.1
  done
  [[ -n $fake_url ]] || die "fake_aws did not start"
  quicksight="local stand-in $fake_url (fake_aws)"
  gateway_args+=(--env "AWS_ENDPOINT_URL_QUICKSIGHT=$fake_url" --env AWS_REGION=us-east-1
    --env "AWS_ACCESS_KEY_ID=$FAKE_KEY" --env "AWS_SECRET_ACCESS_KEY=$FAKE_SECRET"
    --env "QUICKSIGHT_ACCOUNT_ID=$FAKE_ACCOUNT")
fi

# Tokens for the seeded users (12 h), also in tokens.env for `source`.
tokens_file=$state_dir/tokens.env
token_args=(seeded --key "$JWT_KEY" --ttl 12h)
if [[ -n ${SHOPPULSE_JWT_ISSUER:-} ]]; then token_args+=(--issuer "$SHOPPULSE_JWT_ISSUER"); fi
if [[ -n ${SHOPPULSE_JWT_AUDIENCE:-} ]]; then token_args+=(--audience "$SHOPPULSE_JWT_AUDIENCE"); fi
(umask 077 && "$DEV_TOKEN" "${token_args[@]}" >"$tokens_file.tmp")
mv "$tokens_file.tmp" "$tokens_file"

# The contract and its docs page. swagger-ui-dist is a pinned npm package
# (tools/npm; installing it is a no-op once done). Without it, or with a
# contract that does not convert, the API is still served, without /docs.
docs=0
if ! scripts/install-npm-tools.sh || [[ ! -f $SWAGGER_UI/swagger-ui-bundle.js ]]; then
  log "warning: no swagger-ui-dist (scripts/install-npm-tools.sh failed); serving without /docs"
elif ! scripts/openapi-to-json.py openapi/openapi.yaml "$RUN_DIR/openapi.json"; then
  log "warning: openapi/openapi.yaml does not convert to JSON; serving without /docs"
else
  # The page pre-authorises Acme's admin so "Try it out" works at once. The
  # token goes through a private file, never the command line or a log.
  (umask 077 && sed -n 's/^export ACME_ADMIN_TOKEN=//p' "$tokens_file" >"$RUN_DIR/docs-token")
  [[ -s $RUN_DIR/docs-token ]] || die "no ACME_ADMIN_TOKEN in $tokens_file"
  gateway_args+=(--openapi "$RUN_DIR/openapi.json" --docs-dir "$SWAGGER_UI"
    --docs-token-file "$RUN_DIR/docs-token")
  docs=1
fi

"$GATEWAY" "${gateway_args[@]}" &
gateway_pid=$!
{
  echo "gateway $gateway_pid"
  [[ -n $fake_aws_pid ]] && echo "fake_aws $fake_aws_pid"
  if [[ $pg_started -eq 1 ]]; then echo "postgres $(head -n 1 "$PG_DIR/data/postmaster.pid")"; fi
} >"$RUN_DIR/pids"

base=http://127.0.0.1:$port
for ((i = 0; i < 1200; i++)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/health" 2>/dev/null) || code=000
  [[ $code == 200 || $code == 503 ]] && break
  kill -0 "$gateway_pid" 2>/dev/null || die "local_gateway exited (port $port in use? set PORT or --port)"
  sleep 0.1
done
[[ $code == 200 || $code == 503 ]] || die "the API did not come up on $base"

rel_tokens=${tokens_file#"$REPO"/}
docs_lines="  docs:       (off: see the warning above)"
if [[ $docs -eq 1 ]]; then
  docs_lines="  docs:       $base/docs (Swagger UI; \"Try it out\" is signed in as the Acme admin)
  contract:   $base/openapi.json (openapi/openapi.yaml as JSON; no token needed)"
fi
cat <<BANNER

ShopPulse API ready on $base
$docs_lines
  events:     $([[ $http_api -eq 1 ]] && echo "HTTP API payload 2.0" || echo "REST API payload 1.0 (as deployed)"), $concurrency sandboxes
  database:   $(sed -n 's/^PGPORT=/127.0.0.1:/p' "$PG_DIR/env") (state in ${PG_DIR#"$REPO"/}; ./run.sh --reset recreates it)
  QuickSight: $quicksight
$([[ -n $record_dir ]] && echo "  recording:  $record_dir")

Tokens (12 h) for the seeded users; they are also in $rel_tokens:
$(cat "$tokens_file")

Try (after: source $rel_tokens):
  curl -s $base/health
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/users
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" "$base/users?role=analyst&limit=5"
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/users/a1000000-0000-4000-8000-000000000002
  NEW_ID=\$(curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" -H 'Content-Type: application/json' \\
    -d "{\"email\":\"new.\$(date +%s)@acme.example\",\"name\":\"New User\",\"role\":\"viewer\"}" $base/users \\
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'); echo \$NEW_ID
  curl -s -X PATCH -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"name":"Renamed User"}' $base/users/\$NEW_ID
  curl -s -X DELETE -w '%{http_code}\\n' -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/users/\$NEW_ID
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/audit-logs
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/audit-logs/a1a00000-0000-4000-8000-000000000001
  curl -s -H "Authorization: Bearer \$ACME_ANALYST_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"dashboardId":"sales-overview"}' $base/quicksight/embed-url
  curl -s -H "Authorization: Bearer \$ACME_ADMIN_TOKEN" $base/users/b2000000-0000-4000-8000-000000000001   # Globex user: 404
  curl -s $base/users                                                                                       # no token: 401

Access log: one JSON line per request below. Ctrl-C stops everything.

BANNER

rc=0
wait "$gateway_pid" || rc=$?
gateway_pid=""
exit "$rc"
