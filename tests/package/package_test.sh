#!/usr/bin/env bash
# Tests of the deployment zip built by package.sh.
#
#   package_test.sh build DIR            ./package.sh --out DIR --build-dir DIR/build
#   package_test.sh layout DIR           zip layout, modes, wrapper, size budget, closure
#   package_test.sh chroot DIR EMULATOR  bootstrap from the zip inside a chroot that holds
#                                        only what Lambda guarantees, under the emulator
#   package_test.sh reproducible DIR OTHER [--no-cache] [--copy-source]
#                                        rebuild into OTHER and compare the zips byte for byte
#
# Exit 77 = skipped (ctest SKIP_RETURN_CODE), with the reason on stdout.
set -euo pipefail
export LC_ALL=C TZ=UTC

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ROOT=$(cd "$HERE/../.." && pwd)
readonly ZIP_NAME=shoppulse-api.zip
readonly BUDGET=$((8 * 1024 * 1024))
readonly LOADER=ld-linux-x86-64.so.2

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
ok() { echo "ok: $*"; }

need_zip() {
  ZIP=$1/$ZIP_NAME
  [[ -f $ZIP ]] || fail "$ZIP missing (the package.build fixture failed?)"
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
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
  echo "zip size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; budget 8 MiB, stretch 4 MiB)"
  ((size <= BUDGET)) || fail "zip is $size bytes, over the 8 MiB budget"
  ok "size within budget"

  # Lambda runs ./bootstrap: an executable POSIX sh script at the top level.
  [[ -f $x/bootstrap && -x $x/bootstrap ]] || fail "no executable bootstrap at the top level"
  [[ $(head -n 1 "$x/bootstrap") == "#!/bin/sh" ]] || fail "bootstrap does not start with #!/bin/sh"
  if command -v dash >/dev/null 2>&1; then
    dash -n "$x/bootstrap" || fail "bootstrap is not valid POSIX sh (dash -n)"
  fi
  if command -v busybox >/dev/null 2>&1; then
    busybox sh -n "$x/bootstrap" || fail "bootstrap is not valid busybox sh"
  fi
  if grep -v '^[[:space:]]*#' "$x/bootstrap" | grep -nE '\[\[|\bfunction\b|\$\{[A-Za-z_]+//|<<<|\bdeclare\b|\blocal\b|\bsource\b|\$\{[A-Za-z_]+:[0-9]'; then
    fail "bootstrap uses bash-only syntax"
  fi
  grep -q -- '--inhibit-cache --library-path "$root/lib"' "$x/bootstrap" \
    || fail "bootstrap does not start bin/bootstrap through the bundled loader"
  ok "bootstrap is a POSIX sh wrapper around the bundled loader"

  # Zip entries: modes, no directories, sorted, fixed timestamps.
  local listing
  listing=$(zipinfo "$ZIP" | sed '1,2d;$d')
  awk '{ print $1, $NF }' <<<"$listing" | while read -r mode name; do
    case $name in
      bootstrap | bin/bootstrap | lib/$LOADER) [[ $mode == -rwxr-xr-x ]] || fail "$name has mode $mode, want -rwxr-xr-x" ;;
      */) fail "directory entry $name (zip -D expected)" ;;
      *) [[ $mode == -rw-r--r-- ]] || fail "$name has mode $mode, want -rw-r--r--" ;;
    esac
  done
  local names
  names=$(zipinfo -1 "$ZIP")
  [[ $names == "$(sort <<<"$names")" ]] || fail "zip entries are not sorted"
  [[ $(awk '{ print $7, $8 }' <<<"$listing" | sort -u | wc -l) -eq 1 ]] || fail "zip entries have different timestamps"
  ok "entries sorted, fixed modes and timestamps, no directories"

  # Contents.
  local f
  for f in bin/bootstrap lib/$LOADER lib/libc.so.6 lib/libm.so.6 lib/libgcc_s.so.1 \
    certs/ca-bundle.crt BUILD-INFO; do
    [[ -f $x/$f ]] || fail "zip lacks $f"
  done
  grep -q 'BEGIN CERTIFICATE' "$x/certs/ca-bundle.crt" || fail "certs/ca-bundle.crt holds no certificate"
  # RDS Proxy presents ACM certificates chaining to Amazon Root CA 1-4.
  local amazon_roots
  amazon_roots=$(grep -c 'Amazon Root CA' /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true)
  if [[ -f /usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt ]]; then
    local root1
    root1=$(sed -n '/BEGIN/,/END/p' /usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt | sed -n 2p)
    grep -qF "$root1" "$x/certs/ca-bundle.crt" || fail "certs/ca-bundle.crt lacks Amazon Root CA 1 (RDS Proxy)"
    ok "CA bundle includes Amazon Root CA 1 (RDS Proxy, AWS APIs)"
  else
    echo "note: Amazon_Root_CA_1.crt not found on this host ($amazon_roots); not checked"
  fi
  local m
  for m in "$ROOT"/sql/migrations/*.sql; do
    cmp -s "$m" "$x/sql/migrations/$(basename "$m")" || fail "sql/migrations/$(basename "$m") missing or different"
  done
  [[ $(ls "$x/sql/migrations" | wc -l) -eq $(ls "$ROOT"/sql/migrations/*.sql | wc -l) ]] \
    || fail "zip has other migrations than sql/migrations"
  ok "migrations, CA bundle, loader, libc and libgcc_s present"

  # Nothing that is not needed.
  local unexpected
  unexpected=$(grep -vE '^(bootstrap|BUILD-INFO|bin/bootstrap|lib/[^/]+\.so(\.[0-9]+)*|lib/'"$LOADER"'|certs/(ca-bundle\.crt|db-ca-bundle\.pem)|sql/migrations/[0-9]{4}_[a-z0-9_]+\.sql)$' <<<"$names" || true)
  [[ -z $unexpected ]] || fail "unexpected files in the zip: $unexpected"
  for f in libgnutls.so.30 libp11-kit.so.0 libsasl2.so.2 libstdc++.so.6; do
    [[ ! -e $x/lib/$f ]] || fail "lib/$f shipped but not needed"
  done
  ok "no unexpected files"

  # Stripped ELF objects only.
  for f in "$x"/bin/* "$x"/lib/*; do
    [[ $(head -c 4 "$f" | od -An -c | tr -d ' ') == 177ELF ]] || fail "$f is not an ELF file"
    if readelf -S -W "$f" | grep -qE '\.(symtab|debug_info) '; then
      [[ $f == */lib/$LOADER ]] || fail "$(basename "$f") is not stripped"
    fi
  done
  ok "binaries and libraries stripped"

  # The closure, resolved by the bundled loader with the host's library cache
  # off: every object comes from lib/, even on this host where /lib has them
  # all, and every symbol and symbol version binds (ldd -r).
  local listed
  listed=$("$x/lib/$LOADER" --inhibit-cache --library-path "$x/lib" --list "$x/bin/bootstrap")
  echo "$listed"
  local outside
  outside=$(awk -v lib="$x/lib/" '$2 == "=>" && index($3, lib) != 1 { print }' <<<"$listed")
  [[ -z $outside ]] || fail "resolved outside lib/: $outside"
  grep -q "libc.so.6 => $x/lib/libc.so.6" <<<"$listed" || fail "libc does not come from lib/"
  local bind
  bind=$(LD_TRACE_LOADED_OBJECTS=1 LD_WARN=yes LD_BIND_NOW=yes \
    "$x/lib/$LOADER" --inhibit-cache --library-path "$x/lib" "$x/bin/bootstrap" 2>&1 || true)
  if grep -E 'undefined symbol|not found|version' <<<"$bind"; then
    fail "unresolved symbols or versions in the bundle"
  fi
  ok "every library and symbol resolves inside lib/"

  # Why the libc is bundled: what bin/bootstrap asks of glibc. Whatever it is,
  # it is met by the bundled libc, never by the host's (AL2 has 2.26).
  local needs defined missing newest
  needs=$(for f in "$x"/bin/* "$x"/lib/*; do readelf -V -W "$f"; done 2>/dev/null \
    | grep -oE 'Name: GLIBC_[0-9.]+ +Flags' | awk '{ print $2 }' | sort -u)
  defined=$(for f in "$x"/lib/libc.so.6 "$x"/lib/libm.so.6 "$x"/lib/libresolv.so.2 "$x/lib/$LOADER"; do
    readelf -V -W "$f"
  done 2>/dev/null | grep -oE 'Cnt: [0-9]+ +Name: GLIBC_[0-9.]+' | awk '{ print $4 }' | sort -u)
  missing=$(comm -23 <(echo "$needs") <(echo "$defined"))
  [[ -z $missing ]] || fail "glibc versions required but not defined by the bundled glibc: $missing"
  newest=$(readelf -V -W "$x/bin/bootstrap" | grep -oE 'Name: GLIBC_[0-9.]+ +Flags' | awk '{ print $2 }' \
    | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
  echo "bin/bootstrap needs up to GLIBC_$newest (Amazon Linux 2 has 2.26); all $(wc -l <<<"$needs") glibc versions the bundle needs are defined by the bundled $("$x/lib/$LOADER" --version | head -n 1)"
  # The only thing outside lib/ that runs is /bin/sh with the wrapper script.
  [[ $(head -c 4 "$x/bootstrap") != $'\x7fELF' ]] || fail "top-level bootstrap must be the script"
  ok "nothing outside lib/ needs the host's glibc"
}

# ---------------------------------------------------------------------------
# The sandbox: the zip at /var/task, a static busybox as /bin/sh, /tmp, /proc,
# /dev/null and /dev/urandom. Nothing else: no /lib, /lib64, /usr, /etc.
make_sandbox() {
  local root=$1
  mkdir -p "$root/var/task" "$root/bin" "$root/tmp" "$root/proc" "$root/dev"
  chmod 1777 "$root/tmp"
  unzip -q "$ZIP" -d "$root/var/task"
  cp "$BUSYBOX" "$root/bin/sh"
  chmod 0755 "$root/bin/sh"
  mknod -m 0666 "$root/dev/null" c 1 3
  mknod -m 0444 "$root/dev/urandom" c 1 9
  mount -t proc proc "$root/proc"
}

invoke() { # port payload-file -> response on stdout
  curl -sS --max-time 30 -XPOST "http://127.0.0.1:$1/2015-03-31/functions/function/invocations" \
    -H 'Content-Type: application/json' --data-binary "@$2"
}

cmd_chroot() {
  need_zip "$1"
  local emulator=${2:-}
  [[ $(id -u) -eq 0 ]] || skip "the chroot test needs root (chroot, mount, mknod); run as root or in CI"
  [[ -n $emulator && -x $emulator ]] || skip "no runtime_emulator (SHOPPULSE_BUILD_TOOLS=OFF?)"
  local tool
  for tool in chroot unshare mount mknod unzip curl python3; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
  done
  BUSYBOX=$(command -v busybox || true)
  [[ -n $BUSYBOX ]] || skip "busybox not installed (apt-get install busybox-static)"
  if readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'program interpreter'; then
    skip "$BUSYBOX is not static (install busybox-static)"
  fi
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
  db=""
  cleanup() {
    if [[ -n $emulator_pid ]]; then
      kill "$emulator_pid" 2>/dev/null || true
      wait "$emulator_pid" 2>/dev/null || true
    fi
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

  # 1. The closure inside the sandbox: no host library exists there.
  local listed
  listed=$(chroot "$root" /var/task/lib/$LOADER --inhibit-cache --library-path /var/task/lib \
    --list /var/task/bin/bootstrap) || fail "the bundled loader cannot list bin/bootstrap in the sandbox"
  echo "$listed"
  if awk '$2 == "=>" && index($3, "/var/task/lib/") != 1 { bad = 1 } /not found/ { bad = 1 } END { exit !bad }' <<<"$listed"; then
    fail "a library resolves outside /var/task/lib in the sandbox"
  fi
  ok "in the sandbox every library resolves inside /var/task/lib"

  # 2. A database over TCP for the function (and, once wired, /health's check).
  local db_url=""
  if [[ -n ${SHOPPULSE_TEST_PG_DIR:-} && -f $SHOPPULSE_TEST_PG_DIR/env ]]; then
    set -a
    # shellcheck disable=SC1091
    . "$SHOPPULSE_TEST_PG_DIR/env"
    set +a
    db=pkg_chroot_$$
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
      -c "CREATE DATABASE $db TEMPLATE $SHOPPULSE_PG_TEMPLATE_DB" >/dev/null || fail "cannot create database $db"
    db_url="postgresql://postgres@$PGHOST:$PGPORT/$db?sslmode=disable&connect_timeout=5"
    ok "database $db on $PGHOST:$PGPORT (TCP) for the function"
  else
    echo "note: no PostgreSQL fixture (SHOPPULSE_TEST_PG_DIR); running without DATABASE_URL"
  fi

  # 3. bootstrap under the Runtime API emulator: the emulator runs outside,
  # chroot execs /var/task/bootstrap inside the sandbox (its #!/bin/sh is the
  # static busybox). The environment is what Lambda sets, nothing of ours;
  # LD_BIND_NOW makes any missing symbol fatal at start. PGGSSENCMODE=prefer
  # (the wrapper defaults it to disable) makes libpq ask the stubbed GSSAPI for
  # credentials on every connect: the stub must fail cleanly, not crash.
  local port
  port=$(free_port)
  local env_args=(PATH=/usr/local/bin:/usr/bin:/bin LAMBDA_TASK_ROOT=/var/task LD_BIND_NOW=1
    AWS_LAMBDA_LOG_LEVEL=INFO PGGSSENCMODE=prefer)
  [[ -n $db_url ]] && env_args+=("DATABASE_URL=$db_url")
  env -i "${env_args[@]}" "$emulator" --port "$port" --timeout-ms 10000 -- \
    "$(command -v chroot)" "$root" /var/task/bootstrap >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  local i
  for i in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; fail "the emulator exited"; }
    sleep 0.1
  done

  local response
  response=$(invoke "$port" "$HERE/health-event-v1.json") || { cat "$work/emulator.log" >&2; fail "invoke failed"; }
  echo "GET /health -> $response"
  python3 - "$response" "$db_url" <<'PY' || { cat "$work/emulator.log" >&2; fail "bad /health response"; }
import json, sys
r = json.loads(sys.argv[1])
assert r.get("statusCode") == 200, f"statusCode {r.get('statusCode')}"
headers = {k.lower(): v for k, v in (r.get("headers") or {}).items()}
assert headers.get("content-type", "").startswith("application/json"), headers
body = json.loads(r["body"])
assert "status" in body, body
# With DATABASE_URL set, /health's database check must pass (libpq over TCP
# from inside the sandbox).
if sys.argv[2] and "database" in body:
    assert body["database"] == "ok", body
PY
  ok "GET /health (API Gateway REST v1 event) answered 200 JSON with \"status\" from inside the sandbox"

  # A second invocation on the same (warm) process.
  response=$(invoke "$port" "$HERE/health-event-v1.json")
  grep -q '"statusCode":200' <<<"$response" || fail "second /health: $response"
  ok "warm invocation"

  # 4. Migrations shipped in the zip, applied through libpq over TCP. The
  # template database is already migrated, so every file is "skipped" once the
  # function reads sql/migrations from the zip.
  if [[ -n $db_url ]]; then
    echo '{"action":"migrate"}' >"$work/migrate.json"
    response=$(invoke "$port" "$work/migrate.json")
    echo "{\"action\":\"migrate\"} -> $response"
    local count
    count=$(ls "$ROOT"/sql/migrations/*.sql | wc -l)
    python3 - "$response" "$count" <<'PY' || { cat "$work/emulator.log" >&2; fail "migrate did not apply/skip the shipped migrations"; }
import json, sys
r = json.loads(sys.argv[1])
assert isinstance(r, dict) and r.get("applied") == [] and r.get("skipped") == int(sys.argv[2]), r
PY
    ok "migrate read all $count shipped migrations from /var/task/sql/migrations and reached PostgreSQL over TCP"
  fi

  kill "$emulator_pid"
  wait "$emulator_pid" 2>/dev/null || true
  emulator_pid=""
  grep -q '"exit status 0"' "$work/emulator.log" || { cat "$work/emulator.log" >&2; fail "bootstrap did not exit 0 on SIGTERM"; }
  if grep -iE 'error while loading|symbol lookup error|not found' "$work/emulator.log"; then
    fail "loader errors in the function's output"
  fi
  ok "SIGTERM: clean exit 0"

  # 5. Name resolution with the bundled glibc and no NSS modules on disk: the
  # files and dns services are inside libc.so.6 (glibc >= 2.34). nsswitch.conf
  # names a module that does not exist (as Amazon Linux's may), which must be
  # skipped, not fatal. getent is only a probe; it is not in the zip.
  mkdir -p "$root/etc"
  printf '127.0.0.1 localhost\n127.0.0.1 db.shoppulse.test\n' >"$root/etc/hosts"
  printf 'passwd: files\nhosts: files myhostname dns\n' >"$root/etc/nsswitch.conf"
  : >"$root/etc/resolv.conf"
  cp "$(command -v getent)" "$root/tmp/getent"
  local resolved
  resolved=$(chroot "$root" /var/task/lib/$LOADER --inhibit-cache --library-path /var/task/lib \
    /tmp/getent ahostsv4 db.shoppulse.test) || fail "bundled glibc cannot resolve db.shoppulse.test from /etc/hosts"
  grep -q '^127\.0\.0\.1' <<<"$resolved" || fail "unexpected resolution: $resolved"
  ok "bundled glibc resolves names from /etc/hosts without any libnss_*.so"
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
