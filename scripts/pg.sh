#!/usr/bin/env bash
# Private PostgreSQL 15 clusters on 127.0.0.1: throwaway ones for tests and
# ./bench.sh, and the kept one behind ./run.sh. Both are initdb'd in DIR,
# listen on a free port, migrate and seed with sql/migrate.sh and give the
# app's login role shoppulse_lambda (member of shoppulse_app).
#
#   pg.sh start DIR    throwaway: delete DIR, new cluster with database
#                      shoppulse_template (migrated, seeded, a template nobody
#                      may connect to: tests clone it), fixed test password
#   pg.sh serve DIR    kept: initdb on first use, start unless running, then
#                      migrate + seed database shoppulse (idempotent); random
#                      password per cluster
#   pg.sh stop DIR     fast shutdown; exits 0 when nothing runs
#   pg.sh restart DIR  fast restart on the same port (connection-loss tests)
#   pg.sh status DIR   exit 0 when running, 3 when not
#   pg.sh reset DIR    stop and delete the cluster (data is lost)
#
# DIR/env holds KEY=VALUE lines (PGHOST, PGPORT, PGUSER, PGDATABASE,
# SHOPPULSE_PG_*, DATABASE_URL for the login role); load them with
# `set -a; . DIR/env; set +a`. The superuser `postgres` is trusted on the
# socket and on 127.0.0.1; every other role must use its password
# (scram-sha-256), because tests rotate passwords.
set -euo pipefail

readonly PG_BIN=${SHOPPULSE_PG_BIN:-/usr/lib/postgresql/15/bin}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly APP_LOGIN_ROLE=shoppulse_lambda
readonly TEST_APP_PASSWORD=lambda-test-password
readonly TEMPLATE_DB=shoppulse_template
readonly SERVE_DB=shoppulse
# shellcheck source=scripts/lib.sh
. "$REPO_ROOT/scripts/lib.sh"

die() {
  echo "pg.sh: error: $*" >&2
  if [[ -n ${DIR:-} && -f $DIR/postgres.log ]]; then
    echo "---- tail of $DIR/postgres.log ----" >&2
    tail -n 30 "$DIR/postgres.log" >&2 || true
  fi
  exit 1
}

usage() {
  echo "usage: $0 start|serve|stop|restart|status|reset DIR" >&2
  exit 2
}

# initdb and postgres refuse to run as root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() { as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" "$@"; }

is_running() { [[ -f $DIR/data/postmaster.pid ]] && pg_ctl_ status >/dev/null 2>&1; }

superuser_psql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

# $1: "throwaway" trades durability for speed; "kept" survives a crash.
init_cluster() {
  local kind=$1
  [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL binaries in $PG_BIN (scripts/install-deps.sh installs postgresql-15)"
  mkdir -p "$DIR"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C -A trust -N >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  # The port and socket directory change from start to start: they live in
  # listen.conf, rewritten by start_server.
  cat >>"$DIR/data/postgresql.conf" <<CONF

# pg.sh: $kind cluster
include_if_exists = 'listen.conf'
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 32MB
synchronous_commit = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_connections = off
log_line_prefix = '%m [%p] %u@%d '
# PostgreSQL's own time per request, read by the benchmarks (planning too).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.track_planning = on
CONF
  if [[ $kind == throwaway ]]; then
    cat >>"$DIR/data/postgresql.conf" <<CONF
fsync = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
CONF
  fi
  cat >"$DIR/data/pg_hba.conf" <<HBA
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
host    all       postgres  127.0.0.1/32   trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
HBA
}

# The socket path limit is ~107 bytes; a deep checkout can exceed it.
choose_socket_dir() {
  if ((${#DIR} + 20 < 100)); then
    SOCKET_DIR=$DIR
  else
    SOCKET_DIR=$(mktemp -d /tmp/sp-pg.XXXXXX)
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$SOCKET_DIR"; fi
  fi
  echo "$SOCKET_DIR" >"$DIR/socket_dir"
}

remove_temp_socket_dir() {
  if [[ -f $DIR/socket_dir && $(cat "$DIR/socket_dir") == /tmp/sp-pg.* ]]; then
    rm -rf "$(cat "$DIR/socket_dir")"
  fi
}

# Starts on the previous port when it is still free, else on a free one.
start_server() {
  # A cluster made by the old scripts/dev-postgres.sh set its port in
  # postgresql.conf itself; appended last, listen.conf wins over that.
  if ! grep -q "^include_if_exists = 'listen.conf'" "$DIR/data/postgresql.conf"; then
    printf "\n# pg.sh: the port and socket directory, rewritten at each start\ninclude_if_exists = 'listen.conf'\n" \
      >>"$DIR/data/postgresql.conf"
  fi
  choose_socket_dir
  PORT=
  if [[ -f $DIR/port ]] && port_free "$(cat "$DIR/port")"; then PORT=$(cat "$DIR/port"); fi
  # Another cluster can grab a port between our probe and the bind; retry.
  local _
  for _ in 1 2 3 4 5; do
    [[ -n $PORT ]] || PORT=$(free_port) || die "cannot find a free port (python3 missing?)"
    printf "port = %s\nunix_socket_directories = '%s'\n" "$PORT" "$SOCKET_DIR" >"$DIR/data/listen.conf"
    if pg_ctl_ -w -t 60 -l "$DIR/postgres.log" start >/dev/null 2>&1; then
      echo "$PORT" >"$DIR/port"
      return 0
    fi
    PORT=
  done
  die "postgres did not start"
}

# $1 database: create unless it exists, migrate and seed (idempotent).
migrate_database() {
  local db=$1
  if [[ -z $(superuser_psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
    superuser_psql -d postgres -c "CREATE DATABASE $db" || die "cannot create database $db"
  fi
  PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=$db \
    "$REPO_ROOT/sql/migrate.sh" --seed >"$DIR/migrate.log" 2>&1 \
    || { cat "$DIR/migrate.log" >&2; die "sql/migrate.sh --seed failed on $db"; }
}

# The login role the Lambda uses, with the password in DIR/app_password.
ensure_app_role() {
  local password
  password=$(cat "$DIR/app_password")
  superuser_psql -d postgres <<SQL || die "cannot create role $APP_LOGIN_ROLE"
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN_ROLE') THEN
    CREATE ROLE $APP_LOGIN_ROLE LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $APP_LOGIN_ROLE LOGIN NOSUPERUSER NOBYPASSRLS INHERIT PASSWORD '$password';
GRANT shoppulse_app TO $APP_LOGIN_ROLE;
SQL
}

# $1 PGDATABASE for DIR/env and the database DATABASE_URL names.
write_env() {
  local db=$1 password
  password=$(cat "$DIR/app_password")
  cat >"$DIR/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$PORT
PGUSER=postgres
PGDATABASE=$db
SHOPPULSE_PG_BIN=$PG_BIN
SHOPPULSE_PG_SOCKET_DIR=$SOCKET_DIR
SHOPPULSE_PG_TEMPLATE_DB=$TEMPLATE_DB
SHOPPULSE_PG_APP_USER=$APP_LOGIN_ROLE
SHOPPULSE_PG_APP_PASSWORD=$password
DATABASE_URL=postgresql://$APP_LOGIN_ROLE:$password@127.0.0.1:$PORT/$db
ENV
  chmod 600 "$DIR/env"
}

cmd_start() {
  cmd_reset
  init_cluster throwaway
  echo "$TEST_APP_PASSWORD" >"$DIR/app_password"
  start_server
  migrate_database "$TEMPLATE_DB"
  ensure_app_role
  # Test databases are CREATE DATABASE ... TEMPLATE $TEMPLATE_DB, which fails
  # while anyone is connected to the template; refuse connections to keep it idle.
  superuser_psql -d postgres -c "ALTER DATABASE $TEMPLATE_DB WITH IS_TEMPLATE true ALLOW_CONNECTIONS false" \
    || die "cannot mark $TEMPLATE_DB as a template"
  write_env postgres
  echo "pg.sh: PostgreSQL running on 127.0.0.1:$PORT (data $DIR/data)"
}

cmd_serve() {
  if [[ ! -d $DIR/data ]]; then
    init_cluster kept
    # Random per cluster, never typed by anyone.
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$DIR/app_password")
  fi
  if is_running; then
    PORT=$(cat "$DIR/port")
    SOCKET_DIR=$(cat "$DIR/socket_dir")
  else
    start_server
  fi
  migrate_database "$SERVE_DB"
  ensure_app_role
  write_env "$SERVE_DB"
  local migrated
  migrated=$(grep -c '^applied' "$DIR/migrate.log" || true)
  echo "pg.sh: PostgreSQL on 127.0.0.1:$PORT, database $SERVE_DB ($migrated new migrations, seed applied; data in $DIR/data)"
}

cmd_stop() {
  if [[ -d $DIR/data ]] && is_running; then
    pg_ctl_ -m fast -w -t 60 stop >/dev/null || die "pg_ctl stop failed"
  fi
  remove_temp_socket_dir
  return 0
}

cmd_restart() {
  [[ -d $DIR/data ]] || die "no cluster in $DIR (run pg.sh start first)"
  pg_ctl_ -m fast -w -t 60 -l "$DIR/postgres.log" restart >/dev/null || die "pg_ctl restart failed"
}

cmd_status() {
  if [[ -d $DIR/data ]] && is_running; then
    echo "running on port $(cat "$DIR/port" 2>/dev/null || echo '?')"
    return 0
  fi
  echo "not running"
  return 3
}

cmd_reset() {
  cmd_stop
  rm -rf "$DIR"
}

[[ $# -eq 2 && -n $2 ]] || usage
DIR=$2
mkdir -p "$(dirname "$DIR")"
DIR=$(cd "$(dirname "$DIR")" && pwd)/$(basename "$DIR")
case "$1" in
  start) cmd_start ;;
  serve) cmd_serve ;;
  stop) cmd_stop ;;
  restart) cmd_restart ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) usage ;;
esac
