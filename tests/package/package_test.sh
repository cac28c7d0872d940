#!/usr/bin/env bash
# Tests of the deployment zip built by package.sh.
#
#   package_test.sh build DIR            ./package.sh --out DIR --build-dir DIR/build
#   package_test.sh layout DIR           zip layout, modes, size budget, a static ELF
#   package_test.sh chroot DIR EMULATOR FAKE_AWS
#                                        bootstrap from the zip inside an empty root
#                                        (the zip, /dev, /proc, /tmp), under the emulator
#   package_test.sh reproducible DIR OTHER [--no-cache] [--copy-source]
#                                        rebuild into OTHER and compare the zips byte for byte
#
# Exit 77 = skipped (ctest SKIP_RETURN_CODE), with the reason on stdout.
set -euo pipefail
export LC_ALL=C TZ=UTC

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ROOT=$(cd "$HERE/../.." && pwd)
readonly ZIP_NAME=shoppulse-api.zip
readonly BUDGET=$((4 * 1024 * 1024))

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
ok() { echo "ok: $*"; }

need_zip() {
  ZIP=$1/$ZIP_NAME
  [[ -f $ZIP ]] || fail "$ZIP missing (the package.build fixture failed?)"
}

# ---------------------------------------------------------------------------
cmd_build() {
  local dir=$1
  rm -rf "$dir"
  mkdir -p "$dir"
  "$ROOT/package.sh" --out "$dir" --build-dir "$dir/build" --jobs 2
  [[ -f $dir/$ZIP_NAME ]] || fail "package.sh wrote no $dir/$ZIP_NAME"
}

# ---------------------------------------------------------------------------
cmd_layout() {
  need_zip "$1"
  local x
  x=$(mktemp -d)
  trap 'rm -rf "$x"' RETURN
  unzip -q "$ZIP" -d "$x"

  local size
  size=$(stat -c %s "$ZIP")
  echo "zip size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; budget 4 MiB)"
  ((size <= BUDGET)) || fail "zip is $size bytes, over the 4 MiB budget"
  ok "size within budget"

  # Lambda execs ./bootstrap: the executable itself, statically linked.
  local elf=$x/bootstrap
  [[ -f $elf && -x $elf ]] || fail "no executable bootstrap at the top level"
  [[ $(head -c 4 "$elf") == $'\x7fELF' ]] || fail "bootstrap is not an ELF executable (a wrapper script?)"
  local header programs dynamic
  header=$(readelf -h -W "$elf")
  grep -qE 'Type: +EXEC' <<<"$header" || fail "bootstrap is not a static executable: $(grep Type: <<<"$header")"
  grep -qE 'Class: +ELF64' <<<"$header" || fail "bootstrap is not ELF64"
  grep -q 'Advanced Micro Devices X86-64' <<<"$header" || fail "bootstrap is not x86-64"
  programs=$(readelf -l -W "$elf")
  if grep -qE '^ *INTERP ' <<<"$programs" || grep -q 'Requesting program interpreter' <<<"$programs"; then
    fail "bootstrap has a program interpreter (PT_INTERP)"
  fi
  grep -qE '^ *DYNAMIC ' <<<"$programs" && fail "bootstrap has a dynamic segment"
  dynamic=$(readelf -d -W "$elf")
  grep -q 'NEEDED' <<<"$dynamic" && fail "bootstrap needs shared libraries: $(grep NEEDED <<<"$dynamic")"
  grep -q 'There is no dynamic section' <<<"$dynamic" || fail "bootstrap has a dynamic section"
  [[ -z $(readelf -V -W "$elf" | grep -E 'GLIBC_[0-9]') ]] || fail "bootstrap asks for glibc symbol versions"
  # The kernel glibc was built for must be older than Lambda's (AL2: 4.14, AL2023: 6.1).
  local abi
  abi=$(readelf -n -W "$elf" | sed -n 's/.*OS: Linux, ABI: \([0-9.]*\).*/\1/p' | head -n 1)
  [[ -n $abi ]] || fail "bootstrap has no GNU ABI tag"
  [[ $(printf '%s\n4.14.0\n' "$abi" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1) == 4.14.0 ]] ||
    fail "bootstrap needs Linux $abi, newer than Amazon Linux 2's 4.14"
  if readelf -S -W "$elf" | grep -qE '\.(symtab|debug_info) '; then fail "bootstrap is not stripped"; fi
  ok "bootstrap is a stripped static x86-64 executable: no PT_INTERP, no DT_NEEDED, no glibc versions, Linux >= $abi"

  # Zip entries: modes, no directories, sorted, fixed timestamps.
  local listing
  listing=$(zipinfo "$ZIP" | sed '1,2d;$d')
  awk '{ print $1, $NF }' <<<"$listing" | while read -r mode name; do
    case $name in
      bootstrap) [[ $mode == -rwxr-xr-x ]] || fail "$name has mode $mode, want -rwxr-xr-x" ;;
      */) fail "directory entry $name (zip -D expected)" ;;
      *) [[ $mode == -rw-r--r-- ]] || fail "$name has mode $mode, want -rw-r--r--" ;;
    esac
  done
  local names
  names=$(zipinfo -1 "$ZIP")
  [[ $names == "$(sort <<<"$names")" ]] || fail "zip entries are not sorted"
  [[ $(awk '{ print $7, $8 }' <<<"$listing" | sort -u | wc -l) -eq 1 ]] || fail "zip entries have different timestamps"
  ok "entries sorted, fixed modes and timestamps, no directories"

  # Contents: nothing the bootstrap would load, only data it reads.
  local unexpected
  unexpected=$(grep -vE '^(bootstrap|BUILD-INFO|certs/(ca-bundle\.crt|db-ca-bundle\.pem)|sql/migrations/[0-9]{4}_[a-z0-9_]+\.sql)$' <<<"$names" || true)
  [[ -z $unexpected ]] || fail "unexpected files in the zip: $unexpected"
  grep -q 'BEGIN CERTIFICATE' "$x/certs/ca-bundle.crt" || fail "certs/ca-bundle.crt holds no certificate"
  # RDS Proxy presents ACM certificates chaining to Amazon Root CA 1-4.
  if [[ -f /usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt ]]; then
    local root1
    root1=$(sed -n '/BEGIN/,/END/p' /usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt | sed -n 2p)
    grep -qF "$root1" "$x/certs/ca-bundle.crt" || fail "certs/ca-bundle.crt lacks Amazon Root CA 1 (RDS Proxy)"
    ok "CA bundle includes Amazon Root CA 1 (RDS Proxy, AWS APIs)"
  else
    echo "note: Amazon_Root_CA_1.crt not found on this host; not checked"
  fi
  local m
  for m in "$ROOT"/sql/migrations/*.sql; do
    cmp -s "$m" "$x/sql/migrations/$(basename "$m")" || fail "sql/migrations/$(basename "$m") missing or different"
  done
  [[ $(ls "$x/sql/migrations" | wc -l) -eq $(ls "$ROOT"/sql/migrations/*.sql | wc -l) ]] \
    || fail "zip has other migrations than sql/migrations"
  ok "only bootstrap, BUILD-INFO, the CA bundle and the migrations"

  # BUILD-INFO names every archive linked in and its Debian package.
  local archive
  for archive in libc.a libstdc++.a libpq.a libpgcommon_shlib.a libpgport_shlib.a libssl.a libcrypto.a libz.a \
    libshoppulse_static_stubs.a; do
    awk -v a="$archive" '$1 == a { found = 1 } END { exit !found }' "$x/BUILD-INFO" || fail "BUILD-INFO does not list $archive"
  done
  if grep -E '^  lib[^ ]+\.a \?' "$x/BUILD-INFO"; then fail "BUILD-INFO has archives of unknown origin"; fi
  grep -q '^linking static' "$x/BUILD-INFO" || fail "BUILD-INFO does not say how bootstrap is linked"
  ok "BUILD-INFO lists the linked archives with their Debian packages"
}

# ---------------------------------------------------------------------------
# The sandbox: the zip at /var/task, /tmp, /proc, /dev/null and /dev/urandom.
# Nothing else: no /bin (no shell), no /lib, /lib64, /usr, /etc.
make_sandbox() {
  local root=$1
  mkdir -p "$root/var/task" "$root/tmp" "$root/proc" "$root/dev"
  chmod 1777 "$root/tmp"
  unzip -q "$ZIP" -d "$root/var/task"
  mknod -m 0666 "$root/dev/null" c 1 3
  mknod -m 0444 "$root/dev/urandom" c 1 9
  mount -t proc proc "$root/proc"
}

invoke() { # port payload-file -> response on stdout
  curl -sS --max-time 30 -XPOST "http://127.0.0.1:$1/2015-03-31/functions/function/invocations" \
    -H 'Content-Type: application/json' --data-binary "@$2"
}

# start_function NAME ENV...: bootstrap in the sandbox under the emulator
# (outside), with exactly the given environment plus what Lambda sets.
start_function() {
  local name=$1
  shift
  function_log=$work/$name.log
  function_port=$(free_port)
  env -i PATH=/usr/local/bin:/usr/bin:/bin LAMBDA_TASK_ROOT=/var/task AWS_LAMBDA_LOG_LEVEL=INFO "$@" \
    "$emulator" --port "$function_port" --timeout-ms 10000 -- "$(command -v chroot)" "$root" /var/task/bootstrap \
    >"$function_log" 2>&1 &
  emulator_pid=$!
  local i
  for i in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$function_port/" && return 0
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$function_log" >&2; fail "$name: the emulator exited"; }
    sleep 0.1
  done
  fail "$name: the emulator never listened"
}

stop_function() {
  kill "$emulator_pid"
  wait "$emulator_pid" 2>/dev/null || true
  emulator_pid=""
  grep -q '"exit status 0"' "$function_log" || { cat "$function_log" >&2; fail "bootstrap did not exit 0 on SIGTERM"; }
  if grep -iE 'segmentation|core dumped|error while loading|not found' "$function_log"; then
    fail "the function's output shows a crash or a loader error"
  fi
}

expect_health() { # port want-database
  local response
  response=$(invoke "$1" "$HERE/health-event-v1.json") || { cat "$function_log" >&2; fail "invoke failed"; }
  echo "GET /health -> $response"
  python3 - "$response" "$2" <<'PY' || { cat "$function_log" >&2; fail "bad /health response"; }
import json, sys
r = json.loads(sys.argv[1])
assert r.get("statusCode") == 200, f"statusCode {r.get('statusCode')}"
body = json.loads(r["body"])
assert body.get("status") == "ok", body
assert body.get("database") == sys.argv[2], body
PY
}

cmd_chroot() {
  need_zip "$1"
  emulator=${2:-}
  local fake_aws=${3:-}
  [[ $(id -u) -eq 0 ]] || skip "the chroot test needs root (chroot, mount, mknod); run as root or in CI"
  [[ -n $emulator && -x $emulator ]] || skip "no runtime_emulator (SHOPPULSE_BUILD_TOOLS=OFF?)"
  [[ -n $fake_aws && -x $fake_aws ]] || skip "no fake_aws (SHOPPULSE_BUILD_TOOLS=OFF?)"
  [[ -n ${SHOPPULSE_TEST_PG_DIR:-} && -f $SHOPPULSE_TEST_PG_DIR/env ]] || skip "no PostgreSQL fixture (SHOPPULSE_TEST_PG_DIR)"
  local tool
  for tool in chroot unshare mount mknod unzip curl python3 psql; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
  done
  # Everything below runs in a private mount namespace: /proc in the sandbox
  # is unmounted when the test ends, whatever happens.
  if [[ -z ${PACKAGE_TEST_IN_NS:-} ]]; then
    if ! unshare --mount --propagation private true 2>/dev/null; then
      skip "cannot create a mount namespace here (unshare --mount failed)"
    fi
    PACKAGE_TEST_IN_NS=1 exec unshare --mount --propagation private "$0" chroot "$@"
  fi
  # Globals: the EXIT trap runs after this function has returned.
  work=$(mktemp -d /tmp/shoppulse-pkg-chroot.XXXXXX)
  root=$work/root
  emulator_pid=""
  dns_pid=""
  fake_pid=""
  db=""
  cleanup() {
    local pid
    for pid in "$emulator_pid" "$dns_pid" "$fake_pid"; do
      [[ -n $pid ]] || continue
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
    umount "$root/proc" 2>/dev/null || true
    if [[ -n $db ]]; then
      psql -X -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
  }
  trap cleanup EXIT
  make_sandbox "$root"
  echo "sandbox: $(cd "$root" && find . -maxdepth 2 -not -path './var/task/*' -not -path './proc/*' | sort | tr '\n' ' ')"
  [[ ! -e $root/etc && ! -e $root/bin && ! -e $root/lib && ! -e $root/lib64 && ! -e $root/usr ]] ||
    fail "the sandbox is not empty"

  set -a
  # shellcheck disable=SC1091
  . "$SHOPPULSE_TEST_PG_DIR/env"
  set +a
  db=pkg_chroot_$$
  psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
    -c "CREATE DATABASE $db TEMPLATE $SHOPPULSE_PG_TEMPLATE_DB" >/dev/null || fail "cannot create database $db"

  # 1. Name resolution over DNS with no /etc at all: glibc's resolver, linked
  # in, falls back to a name server on 127.0.0.1:53, where the stand-in
  # answers. Port 53 may be taken on a developer machine: then /etc/hosts
  # (step 4) is the only name resolution proved.
  local dns_name=db.shoppulse.test dns=0
  python3 "$HERE/dns_stand_in.py" 127.0.0.1 53 "$dns_name" localhost >"$work/dns.log" 2>&1 &
  dns_pid=$!
  local i
  for i in $(seq 50); do
    grep -q listening "$work/dns.log" 2>/dev/null && { dns=1; break; }
    kill -0 "$dns_pid" 2>/dev/null || break
    sleep 0.1
  done
  local db_host=127.0.0.1
  if ((dns)); then
    db_host=$dns_name
    ok "DNS stand-in on 127.0.0.1:53 answers $dns_name and localhost"
  else
    echo "note: 127.0.0.1:53 is taken here ($(tail -n 1 "$work/dns.log")); DNS resolution not checked"
    dns_pid=""
  fi

  # 2. DATABASE_URL: /health's database check, warm invocations, migrations
  # read from /var/task/sql/migrations (as the owner, as the migrate action
  # runs), SIGTERM. The environment is Lambda's and the URL.
  start_function database_url "DATABASE_URL=postgresql://postgres@$db_host:$PGPORT/$db?sslmode=disable&connect_timeout=5"
  expect_health "$function_port" ok
  expect_health "$function_port" ok
  ok "GET /health, twice (cold and warm), with the database reached at $db_host from the empty root"
  if ((dns)); then
    grep -q "question $dns_name type 1" "$work/dns.log" || fail "the bootstrap did not ask DNS for $dns_name"
    ok "the database host name was resolved over DNS, without /etc, NSS modules or a shell"
  fi
  echo '{"action":"migrate"}' >"$work/migrate.json"
  local response count
  response=$(invoke "$function_port" "$work/migrate.json")
  echo "{\"action\":\"migrate\"} -> $response"
  count=$(ls "$ROOT"/sql/migrations/*.sql | wc -l)
  python3 - "$response" "$count" <<'PY' || { cat "$function_log" >&2; fail "migrate did not apply/skip the shipped migrations"; }
import json, sys
r = json.loads(sys.argv[1])
assert isinstance(r, dict) and r.get("applied") == [] and r.get("skipped") == int(sys.argv[2]), r
PY
  ok "migrate read all $count shipped migrations from /var/task/sql/migrations"
  stop_function
  ok "SIGTERM: clean exit 0"

  # 3. The production path: credentials from Secrets Manager over verified
  # TLS, then a real query. The stand-in's certificate replaces the zip's CA
  # bundle (as package.sh --ca-bundle would) and nothing in the environment
  # names a CA file: the bootstrap must find certs/ca-bundle.crt itself.
  # PGGSSENCMODE=prefer makes libpq ask the GSSAPI stub for credentials on
  # connect: it must fail cleanly, not crash.
  local secret_id=shoppulse/db-chroot
  cat >"$work/fake-state.json" <<JSON
{"region": "us-east-1", "access_key_id": "AKIDCHROOTTEST", "secret_access_key": "chroot/test/secret/key",
 "secrets": {"$secret_id": {"engine": "postgres", "host": "$db_host", "port": $PGPORT, "dbname": "$db",
   "username": "$SHOPPULSE_PG_APP_USER", "password": "$SHOPPULSE_PG_APP_PASSWORD"}}}
JSON
  : >"$work/fake.log" # exists before the background job opens it
  "$fake_aws" --port 0 --state "$work/fake-state.json" --tls-cert-out "$work/fake-ca.pem" >"$work/fake.log" 2>&1 &
  fake_pid=$!
  local fake_url=""
  for i in $(seq 100); do
    fake_url=$(sed -n 's/^fake_aws listening on //p' "$work/fake.log") || fake_url=""
    [[ -n $fake_url ]] && break
    kill -0 "$fake_pid" 2>/dev/null || { cat "$work/fake.log" >&2; fail "fake_aws did not start"; }
    sleep 0.1
  done
  [[ $fake_url == https://* ]] || fail "fake_aws does not serve HTTPS: $fake_url"
  local fake_port=${fake_url##*:}
  local aws_host=127.0.0.1
  ((dns)) && aws_host=localhost
  install -m 0644 "$work/fake-ca.pem" "$root/var/task/certs/ca-bundle.crt"
  start_function secrets_manager AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDCHROOTTEST \
    AWS_SECRET_ACCESS_KEY=chroot/test/secret/key "AWS_ENDPOINT_URL=https://$aws_host:$fake_port" \
    "RDS_SECRET_ARN=$secret_id" DB_SSLMODE=disable PGGSSENCMODE=prefer
  response=$(invoke "$function_port" "$ROOT/tests/replay/events/api-rest-v1/03-list-users-page.json")
  echo "GET /users -> ${response:0:200}..."
  python3 - "$response" <<'PY' || { cat "$function_log" >&2; fail "GET /users through the secret failed"; }
import json, sys
r = json.loads(sys.argv[1])
assert r.get("statusCode") == 200, r
body = json.loads(r["body"])
assert body["items"] and all(item["email"].endswith("@acme.example") for item in body["items"]), body
PY
  local stats
  stats=$(curl -sS --cacert "$work/fake-ca.pem" "https://127.0.0.1:$fake_port/__fake/stats")
  python3 - "$stats" <<'PY' || fail "the Secrets Manager stand-in saw no signed GetSecretValue: $stats"
import json, sys
s = json.loads(sys.argv[1])
assert s["secretsmanager"]["requests"] >= 1 and not s["signatureRejections"], s
PY
  ok "GET /users: the secret came over TLS from $aws_host (verified against the zip's certs/ca-bundle.crt), then a real query"
  stop_function

  # 4. /etc/hosts, as Lambda's root has one, with an nsswitch.conf naming a
  # module that does not exist (skipped, not fatal).
  mkdir -p "$root/etc"
  printf '127.0.0.1 localhost\n127.0.0.1 db-hosts.shoppulse.test\n' >"$root/etc/hosts"
  printf 'passwd: files\nhosts: files myhostname dns\n' >"$root/etc/nsswitch.conf"
  start_function etc_hosts "DATABASE_URL=postgresql://$SHOPPULSE_PG_APP_USER:$SHOPPULSE_PG_APP_PASSWORD@db-hosts.shoppulse.test:$PGPORT/$db?sslmode=disable&connect_timeout=5"
  expect_health "$function_port" ok
  stop_function
  if ((dns)) && grep -q 'question db-hosts.shoppulse.test' "$work/dns.log"; then
    fail "db-hosts.shoppulse.test went to DNS although /etc/hosts has it"
  fi
  ok "the database host name was resolved from /etc/hosts"
}

# ---------------------------------------------------------------------------
cmd_reproducible() {
  need_zip "$1"
  local first=$ZIP other=$2
  shift 2
  local no_cache=0 copy_source=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --no-cache) no_cache=1 ;;
      --copy-source) copy_source=1 ;;
      *) fail "unknown option $1" ;;
    esac
    shift
  done
  rm -rf "$other"
  mkdir -p "$other"
  local src=$ROOT
  if ((copy_source)); then
    # Another checkout path: -ffile-prefix-map must keep it out of the binary.
    src=$other/src-copy
    mkdir -p "$src"
    tar -C "$ROOT" --exclude=./build --exclude=./dist -cf - . | tar -C "$src" -xf -
  fi
  if ((no_cache)); then
    CCACHE_DISABLE=1 "$src/package.sh" --out "$other" --build-dir "$other/build" --jobs 2
  else
    "$src/package.sh" --out "$other" --build-dir "$other/build" --jobs 2
  fi
  local second=$other/$ZIP_NAME
  local sources_first sources_second
  sources_first=$(unzip -p "$first" BUILD-INFO | grep -E '^(shoppulse-api|sources|source_date_epoch) ')
  sources_second=$(unzip -p "$second" BUILD-INFO | grep -E '^(shoppulse-api|sources|source_date_epoch) ')
  if [[ $sources_first != "$sources_second" ]]; then
    # Only in a shared checkout that someone edits or commits to meanwhile; never in CI.
    skip "the commit or the build inputs changed between the two builds; not comparable:
$sources_first
vs
$sources_second"
  fi
  if ! cmp "$first" "$second"; then
    echo "first:  $(sha256sum "$first")"
    echo "second: $(sha256sum "$second")"
    local a b
    a=$(mktemp -d)
    b=$(mktemp -d)
    unzip -q "$first" -d "$a"
    unzip -q "$second" -d "$b"
    diff -r "$a" "$b" || true
    zipinfo "$first" >"$a.lst"
    zipinfo "$second" >"$b.lst"
    diff "$a.lst" "$b.lst" || true
    rm -rf "$a" "$b" "$a.lst" "$b.lst"
    fail "two builds of the same tree gave different zips"
  fi
  ok "byte-identical zips: $(sha256sum "$first" | cut -d' ' -f1)"
  rm -rf "$other"
}

case ${1:-} in
  build) cmd_build "$2" ;;
  layout) cmd_layout "$2" ;;
  chroot) shift; cmd_chroot "$@" ;;
  reproducible) shift; cmd_reproducible "$@" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
