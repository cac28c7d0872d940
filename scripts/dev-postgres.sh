#!/usr/bin/env bash
# The local development PostgreSQL 15 cluster behind ./run.sh. The same
# set-up as tests/support/pg.sh (private cluster on 127.0.0.1, migrated and
# seeded, login role for the app), but kept between runs instead of recreated.
#
#   dev-postgres.sh start DIR   initdb on first use, start unless running, then
#                               migrate + seed database `shoppulse` (idempotent),
#                               ensure login role shoppulse_lambda (member of
#                               shoppulse_app); writes DIR/env
#   dev-postgres.sh stop DIR    fast shutdown; exits 0 when nothing runs
#   dev-postgres.sh status DIR  exit 0 when running, 3 when not
#   dev-postgres.sh reset DIR   stop and delete the cluster (data is lost)
#
# DIR/env holds KEY=VALUE lines: PGHOST, PGPORT, PGUSER, PGDATABASE (superuser
# `postgres`, trusted on 127.0.0.1 only) and DATABASE_URL (the app's login role).
set -euo pipefail

readonly PG_BIN=${SHOPPULSE_PG_BIN:-/usr/lib/postgresql/15/bin}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly APP_ROLE=shoppulse_lambda
readonly APP_DB=shoppulse

die() {
  echo "dev-postgres.sh: error: $*" >&2
  if [[ -n ${DIR:-} && -f $DIR/postgres.log ]]; then
    echo "---- tail of $DIR/postgres.log ----" >&2
    tail -n 20 "$DIR/postgres.log" >&2 || true
  fi
  exit 1
}

usage() {
  echo "usage: $0 start|stop|status|reset DIR" >&2
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

port_free() {
  python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

superuser_psql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

init_cluster() {
  [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL binaries in $PG_BIN (scripts/install-deps.sh installs postgresql-15)"
  mkdir -p "$DIR"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C -A trust >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  # TCP on 127.0.0.1 only, no Unix socket (paths under a deep checkout can
  # exceed the socket path limit). The port is chosen at each start.
  cat >>"$DIR/data/postgresql.conf" <<CONF

# dev-postgres.sh: local development cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
shared_buffers = 64MB
synchronous_commit = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_line_prefix = '%m [%p] %u@%d '
CONF
  cat >"$DIR/data/pg_hba.conf" <<HBA
# TYPE  DATABASE  USER      ADDRESS        METHOD
host    all       postgres  127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
HBA
  # The app role's password: random per cluster, never typed by anyone.
  (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$DIR/app_password")
}

start_cluster() {
  PORT=
  if [[ -f $DIR/port ]] && port_free "$(cat "$DIR/port")"; then PORT=$(cat "$DIR/port"); fi
  local _
  for _ in 1 2 3 4 5; do
    [[ -n $PORT ]] || PORT=$(free_port) || die "cannot find a free port (python3 missing?)"
    if pg_ctl_ -w -t 60 -l "$DIR/postgres.log" -o "-p $PORT" start >/dev/null 2>&1; then
      echo "$PORT" >"$DIR/port"
      return 0
    fi
    PORT=  # someone took it between the probe and the bind
  done
  die "postgres did not start"
}

provision() {
  local password
  password=$(cat "$DIR/app_password")
  if [[ -z $(superuser_psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$APP_DB'") ]]; then
    superuser_psql -d postgres -c "CREATE DATABASE $APP_DB" || die "cannot create database $APP_DB"
  fi
  PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=$APP_DB \
    "$REPO_ROOT/sql/migrate.sh" --seed >"$DIR/migrate.log" 2>&1 \
    || { cat "$DIR/migrate.log" >&2; die "sql/migrate.sh --seed failed"; }
  superuser_psql -d postgres <<SQL || die "cannot create role $APP_ROLE"
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $APP_ROLE LOGIN NOSUPERUSER NOBYPASSRLS INHERIT PASSWORD '$password';
GRANT shoppulse_app TO $APP_ROLE;
SQL
  cat >"$DIR/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$PORT
PGUSER=postgres
PGDATABASE=$APP_DB
DATABASE_URL=postgresql://$APP_ROLE:$password@127.0.0.1:$PORT/$APP_DB
ENV
  chmod 600 "$DIR/env"
}

cmd_start() {
  [[ -d $DIR/data ]] || init_cluster
  if is_running; then
    PORT=$(cat "$DIR/port")
  else
    start_cluster
  fi
  provision
  local migrated
  migrated=$(grep -c '^applied' "$DIR/migrate.log" || true)
  echo "dev-postgres.sh: PostgreSQL on 127.0.0.1:$PORT, database $APP_DB ($migrated new migrations, seed applied; data in $DIR/data)"
}

cmd_stop() {
  if [[ -d $DIR/data ]] && is_running; then
    pg_ctl_ -m fast -w -t 60 stop >/dev/null || die "pg_ctl stop failed"
  fi
  return 0
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
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) usage ;;
esac
