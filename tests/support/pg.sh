#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests.
#
#   pg.sh start DIR    fresh cluster in DIR, database shoppulse_template migrated
#                      and seeded, login role shoppulse_lambda; writes DIR/env, DIR/port
#   pg.sh stop DIR     fast shutdown; idempotent, exits 0 when nothing runs
#   pg.sh restart DIR  fast restart on the same port (connection-loss tests)
#   pg.sh status DIR   exit 0 when running, 3 when not
#
# DIR/env holds KEY=VALUE lines (PGHOST, PGPORT, PGUSER, PGDATABASE,
# SHOPPULSE_PG_BIN, ...); load them with `set -a; . DIR/env; set +a`.
# The superuser `postgres` is trusted on the socket and on 127.0.0.1; every other
# role must use its password (scram-sha-256), because tests rotate passwords.
set -euo pipefail

readonly PG_BIN=${SHOPPULSE_PG_BIN:-/usr/lib/postgresql/15/bin}
readonly REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly APP_LOGIN_ROLE=shoppulse_lambda
readonly APP_LOGIN_PASSWORD=lambda-test-password
readonly TEMPLATE_DB=shoppulse_template

die() {
  echo "pg.sh: error: $*" >&2
  if [[ -n ${DIR:-} && -f $DIR/postgres.log ]]; then
    echo "---- tail of $DIR/postgres.log ----" >&2
    tail -n 30 "$DIR/postgres.log" >&2 || true
  fi
  exit 1
}

usage() {
  echo "usage: $0 start|stop|restart|status DIR" >&2
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

pg_ctl_() {
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" "$@"
}

is_running() {
  [[ -f $DIR/data/postmaster.pid ]] && pg_ctl_ status >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

superuser_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

# The socket path limit is ~107 bytes; a deep build directory can exceed it.
choose_socket_dir() {
  if ((${#DIR} + 20 < 100)); then
    SOCKET_DIR=$DIR
  else
    SOCKET_DIR=$(mktemp -d /tmp/sp-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$SOCKET_DIR"
  fi
  echo "$SOCKET_DIR" >"$DIR/socket_dir"
}

write_config() {
  cat >>"$DIR/data/postgresql.conf" <<CONF

# pg.sh: throwaway test cluster
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
max_connections = 200
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_connections = off
log_line_prefix = '%m [%p] %u@%d '
# PostgreSQL's own time per request, read by the benchmarks (planning too).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.track_planning = on
CONF
  cat >"$DIR/data/pg_hba.conf" <<HBA
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
host    all       postgres  127.0.0.1/32   trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
HBA
}

write_env() {
  cat >"$DIR/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$PORT
PGUSER=postgres
PGDATABASE=postgres
SHOPPULSE_PG_BIN=$PG_BIN
SHOPPULSE_PG_SOCKET_DIR=$SOCKET_DIR
SHOPPULSE_PG_TEMPLATE_DB=$TEMPLATE_DB
SHOPPULSE_PG_APP_USER=$APP_LOGIN_ROLE
SHOPPULSE_PG_APP_PASSWORD=$APP_LOGIN_PASSWORD
ENV
  echo "$PORT" >"$DIR/port"
}

stop_cluster() {
  if is_running; then
    pg_ctl_ -m fast -w -t 30 stop >/dev/null || die "pg_ctl stop failed"
  fi
}

cmd_start() {
  [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL binaries in $PG_BIN (set SHOPPULSE_PG_BIN)"
  if [[ -d $DIR/data ]]; then
    stop_cluster
  fi
  if [[ -f $DIR/socket_dir && $(cat "$DIR/socket_dir") == /tmp/sp-pg.* ]]; then
    rm -rf "$(cat "$DIR/socket_dir")"
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$DIR"
  fi

  as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C -A trust -N \
    >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  choose_socket_dir

  # Another test cluster can grab a port between our probe and the bind; retry.
  local attempt
  for attempt in 1 2 3 4 5; do
    PORT=$(free_port) || die "cannot find a free port (python3 missing?)"
    write_config
    if pg_ctl_ -w -t 30 -l "$DIR/postgres.log" start >/dev/null 2>&1; then
      break
    fi
    if ((attempt == 5)); then
      die "postgres did not start"
    fi
    # Drop this attempt's appended settings before the next one.
    sed -i '/^# pg.sh: throwaway test cluster$/,$d' "$DIR/data/postgresql.conf"
  done

  superuser_psql -d postgres -c "CREATE DATABASE $TEMPLATE_DB" || die "cannot create $TEMPLATE_DB"
  PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=$TEMPLATE_DB \
    "$REPO_ROOT/sql/migrate.sh" --seed >"$DIR/migrate.log" 2>&1 \
    || { cat "$DIR/migrate.log" >&2; die "sql/migrate.sh --seed failed on $TEMPLATE_DB"; }

  superuser_psql -d postgres <<SQL || die "cannot create role $APP_LOGIN_ROLE"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN_ROLE') THEN
    CREATE ROLE $APP_LOGIN_ROLE LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $APP_LOGIN_ROLE LOGIN NOSUPERUSER NOBYPASSRLS INHERIT PASSWORD '$APP_LOGIN_PASSWORD';
GRANT shoppulse_app TO $APP_LOGIN_ROLE;
-- Test databases are CREATE DATABASE ... TEMPLATE $TEMPLATE_DB, which fails while
-- anyone is connected to the template; refuse connections to keep it idle.
ALTER DATABASE $TEMPLATE_DB WITH IS_TEMPLATE true ALLOW_CONNECTIONS false;
SQL

  write_env
  echo "pg.sh: PostgreSQL running on 127.0.0.1:$PORT (data $DIR/data)"
}

cmd_stop() {
  if [[ -d $DIR/data ]]; then
    stop_cluster
  fi
  if [[ -f $DIR/socket_dir && $(cat "$DIR/socket_dir") == /tmp/sp-pg.* ]]; then
    rm -rf "$(cat "$DIR/socket_dir")"
  fi
  return 0
}

cmd_restart() {
  [[ -d $DIR/data ]] || die "no cluster in $DIR (run pg.sh start first)"
  pg_ctl_ -m fast -w -t 30 -l "$DIR/postgres.log" restart >/dev/null || die "pg_ctl restart failed"
}

cmd_status() {
  if [[ -d $DIR/data ]] && is_running; then
    echo "running on port $(cat "$DIR/port" 2>/dev/null || echo '?')"
    return 0
  fi
  echo "not running"
  return 3
}

[[ $# -eq 2 ]] || usage
DIR=$2
[[ -n $DIR ]] || usage
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_restart ;;
  status) cmd_status ;;
  *) usage ;;
esac
