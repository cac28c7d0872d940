#!/usr/bin/env bash
# Applies sql/migrations/*.sql in lexical order and records each one in
# schema_migrations (version = file name without .sql, checksum = sha256 hex of
# the file bytes). Already-applied files are skipped; an applied file whose
# bytes changed is an error. With --seed, then applies sql/seed/*.sql (each in
# one transaction; seeds are idempotent and not recorded).
#
# Connection: DATABASE_URL if set, else the standard PG* variables.
# The C++ migrator in bootstrap uses the same table, checksum and advisory
# lock (see sql/README.md), so either may migrate a database the other started.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: sql/migrate.sh [--seed] [--seed-only]
  --seed       after migrating, apply the dev/demo seed (sql/seed/*.sql)
  --seed-only  apply only the seed (the schema must already be migrated)
Connection from DATABASE_URL, or PGHOST/PGPORT/PGUSER/PGDATABASE/PGPASSWORD...
USAGE
}

die() {
  echo "migrate.sh: error: $*" >&2
  exit 1
}

migrate=1
seed=0
for arg in "$@"; do
  case "$arg" in
    --seed) seed=1 ;;
    --seed-only) seed=1; migrate=0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done

command -v psql >/dev/null || die "psql not found on PATH"
command -v sha256sum >/dev/null || die "sha256sum not found on PATH"

export LC_ALL=C  # lexical (byte) order for the globs below
sql_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PGAPPNAME=${PGAPPNAME:-shoppulse-migrate}

psql_cmd=(psql -X -q -v ON_ERROR_STOP=1 -P pager=off)
if [[ -n ${DATABASE_URL:-} ]]; then
  psql_cmd+=(--dbname="$DATABASE_URL")
fi

# Serialises concurrent migrators (several cold starts, CI jobs) per database.
readonly lock_sql="SELECT pg_advisory_xact_lock(hashtextextended('shoppulse.schema_migrations', 0)) AS locked \\gset"

run_psql() {
  "${psql_cmd[@]}" "$@"
}

# Creates schema_migrations if needed and prints "version|checksum" lines.
read_applied() {
  run_psql -At -F '|' <<SQL
SET client_min_messages = warning;
BEGIN;
$lock_sql
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    text        PRIMARY KEY,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
COMMIT;
SELECT version, checksum FROM schema_migrations ORDER BY version;
SQL
}

apply_migrations() {
  declare -A applied=()
  local version checksum rows
  rows=$(read_applied) || die "cannot read or create schema_migrations (is the database reachable?)"
  while IFS='|' read -r version checksum; do
    if [[ -n $version ]]; then applied[$version]=$checksum; fi
  done <<<"$rows"

  local files=("$sql_dir"/migrations/*.sql)
  [[ -e ${files[0]} ]] || die "no migrations in $sql_dir/migrations"

  # One psql session, one transaction per pending file: fast, and a failure
  # stops at (and rolls back) the failing file only.
  local file script="SET client_min_messages = warning;"$'\n' pending=0
  declare -A present=()
  for file in "${files[@]}"; do
    version=$(basename "$file" .sql)
    [[ $version =~ ^[0-9]{4}_[a-z0-9_]+$ ]] || die "bad migration file name: $(basename "$file") (want NNNN_snake_case.sql)"
    [[ $file != *"'"* && $file != *$'\n'* ]] || die "unsupported characters in path: $file"
    present[$version]=1
    checksum=$(sha256sum "$file" | cut -d' ' -f1)
    if [[ -n ${applied[$version]:-} ]]; then
      if [[ ${applied[$version]} != "$checksum" ]]; then
        die "migration $version was modified after it was applied (recorded sha256 ${applied[$version]}, file sha256 $checksum); revert it and add a new migration instead"
      fi
      continue
    fi
    pending=$((pending + 1))
    # Re-checked under the lock: a concurrent migrator may have applied it.
    script+="BEGIN;
$lock_sql
SELECT count(*) > 0 AS already_applied FROM schema_migrations WHERE version = '$version' \\gset
\\if :already_applied
ROLLBACK;
\\echo $version was applied concurrently
\\else
\\i '$file'
;
INSERT INTO schema_migrations (version, checksum) VALUES ('$version', '$checksum');
COMMIT;
\\echo applied $version
\\endif
"
  done

  if ((pending > 0)); then
    run_psql <<<"$script" | { grep -v '^$' || true; } || die "migration failed (that file was rolled back; earlier ones stay applied)"
  else
    echo "schema up to date (${#files[@]} migrations)"
  fi

  for version in "${!applied[@]}"; do
    [[ -n ${present[$version]:-} ]] || echo "migrate.sh: warning: $version is applied but has no file here (newer schema than this checkout?)" >&2
  done
}

apply_seed() {
  local files=("$sql_dir"/seed/*.sql) file script="SET client_min_messages = warning;"$'\n'
  [[ -e ${files[0]} ]] || die "no seed files in $sql_dir/seed"
  for file in "${files[@]}"; do
    [[ $file != *"'"* && $file != *$'\n'* ]] || die "unsupported characters in path: $file"
    script+="BEGIN;
\\i '$file'
;
COMMIT;
\\echo seeded $(basename "$file" .sql)
"
  done
  run_psql <<<"$script" | { grep -v '^$' || true; } || die "seed failed (that file was rolled back)"
}

if ((migrate)); then apply_migrations; fi
if ((seed)); then apply_seed; fi
