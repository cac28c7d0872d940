#!/usr/bin/env bash
# Builds the Lambda deployment zip: dist/shoppulse-api.zip.
#
#   ./package.sh [--out DIR] [--build-dir DIR] [--arch x86_64]
#                [--rds-ca-bundle FILE] [--ca-bundle FILE] [--jobs N] [--prebuilt FILE]
#
#   --out DIR             where shoppulse-api.zip is written (default: dist)
#   --build-dir DIR       CMake build dir, wiped first (default: build/package)
#   --arch ARCH           target architecture; only x86_64 for now
#   --rds-ca-bundle FILE  the RDS global CA bundle (global-bundle.pem), appended to
#                         certs/db-ca-bundle.pem for direct (not via RDS Proxy) RDS
#                         connections with sslmode=verify-full
#   --ca-bundle FILE      CA bundle shipped for HTTPS (default: Debian's
#                         /etc/ssl/certs/ca-certificates.crt)
#   --jobs N              build parallelism (default: nproc)
#   --prebuilt FILE       package this (static) bootstrap executable instead of
#                         building (for tests of the packaging step; not for releases)
#
# Zip layout (unpacked to $LAMBDA_TASK_ROOT, /var/task on Lambda):
#   bootstrap                 the executable Lambda's provided.al2/.al2023 runs:
#                             statically linked (glibc, libstdc++, libpq, OpenSSL,
#                             zlib), stripped; no interpreter, no shared library
#   certs/ca-bundle.crt       trust anchors for HTTPS and, by default, libpq:
#                             covers RDS Proxy (the bootstrap finds them beside
#                             itself: bootstrap/packaged_defaults.h)
#   certs/db-ca-bundle.pem    only with --rds-ca-bundle: public + RDS roots for
#                             libpq, for direct RDS connections
#   sql/migrations/*.sql      run by {"action":"migrate"}
#   BUILD-INFO                commit, source digest, and the Debian packages of
#                             every archive linked in
#
# Why static: a new sandbox reads the code from cold storage and pays for
# every file opened at start-up; one executable is one file. It also makes the
# process independent of the host's glibc (provided.al2 has 2.26; this
# machine builds against 2.36). The CMake side is cmake/static_bootstrap.cmake
# and packaging/ (stubs for the GSSAPI and LDAP entry points libpq.a
# references).
#
# Reproducible: the same commit on the same Debian package set gives a
# byte-identical zip (SOURCE_DATE_EPOCH = commit time, fixed modes, sorted
# entries, zip -X -D, -ffile-prefix-map).
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ZIP_NAME=shoppulse-api.zip
readonly SIZE_BUDGET=$((4 * 1024 * 1024))

out_dir=$ROOT/dist
build_dir=$ROOT/build/package
arch=x86_64
rds_ca_bundle=
ca_bundle=/etc/ssl/certs/ca-certificates.crt
jobs=$(nproc 2>/dev/null || echo 2)
prebuilt=

die() {
  echo "package.sh: error: $*" >&2
  exit 1
}
log() { echo "package.sh: $*" >&2; }
usage() {
 sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
}

abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out_dir=$(abspath "$2"); shift 2 ;;
    --build-dir) [[ $# -ge 2 ]] || die "--build-dir needs a directory"; build_dir=$(abspath "$2"); shift 2 ;;
    --arch) [[ $# -ge 2 ]] || die "--arch needs a value"; arch=$2; shift 2 ;;
    --rds-ca-bundle) [[ $# -ge 2 ]] || die "--rds-ca-bundle needs a file"; rds_ca_bundle=$(abspath "$2"); shift 2 ;;
    --ca-bundle) [[ $# -ge 2 ]] || die "--ca-bundle needs a file"; ca_bundle=$(abspath "$2"); shift 2 ;;
    --jobs) [[ $# -ge 2 ]] || die "--jobs needs a number"; jobs=$2; shift 2 ;;
    --prebuilt) [[ $# -ge 2 ]] || die "--prebuilt needs a file"; prebuilt=$(abspath "$2"); shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# --- the target --------------------------------------------------------------
case $arch in
  x86_64)
    host_arch=$(uname -m)
    [[ $host_arch == x86_64 ]] || die "--arch x86_64 needs an x86_64 build host (this is $host_arch)"
    ;;
  arm64 | aarch64) die "--arch arm64 is not supported yet (needs an arm64 Debian build host or a cross toolchain)" ;;
  *) die "unknown --arch '$arch' (x86_64)" ;;
esac

for tool in cmake zip strip readelf sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/install-deps.sh)"
done
[[ -r $ca_bundle ]] || die "CA bundle $ca_bundle not readable (install ca-certificates)"
if [[ -n $rds_ca_bundle ]]; then
  [[ -r $rds_ca_bundle ]] || die "RDS CA bundle $rds_ca_bundle not readable"
  grep -q 'BEGIN CERTIFICATE' "$rds_ca_bundle" || die "$rds_ca_bundle holds no PEM certificate"
fi
# The build dir is wiped: never the checkout or anything holding it.
case $ROOT/ in
  "${build_dir%/}"/*) die "refusing --build-dir $build_dir: it holds the source tree" ;;
esac
[[ -z $prebuilt || $prebuilt != "${build_dir%/}"/* ]] || die "--prebuilt must not be inside --build-dir (it is wiped)"

# --- reproducibility inputs ----------------------------------------------------
commit=unknown
dirty=
export GIT_OPTIONAL_LOCKS=0
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
    SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || true)
  fi
  if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    dirty=" (uncommitted changes)"
  fi
fi
# Zip timestamps cannot predate 1980-01-01.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-315532800}
((SOURCE_DATE_EPOCH >= 315532800)) || SOURCE_DATE_EPOCH=315532800
export SOURCE_DATE_EPOCH
[[ -n $dirty ]] && log "warning: the work tree has uncommitted changes; the zip is not that of commit $commit"

# What the zip is built from, independent of the checkout's path and of git:
# one digest over the build inputs' names and contents (in BUILD-INFO).
readonly SOURCE_INPUTS=(CMakeLists.txt cmake bootstrap handlers runtime shared packaging sql/migrations package.sh)
source_digest() {
  local inputs=()
  local p
  for p in "${SOURCE_INPUTS[@]}"; do
    [[ -e $ROOT/$p ]] && inputs+=("$p")
  done
  (
    cd "$ROOT"
    find "${inputs[@]}" -type f ! -name '*.swp' ! -name '*~' -print0 | sort -z \
      | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
  )
}
sources_before=$(source_digest)

# --- build (Release, own build dir, clean configure) ---------------------------
rm -rf "$build_dir"
mkdir -p "$build_dir"
if [[ -n $prebuilt ]]; then
  [[ -x $prebuilt ]] || die "--prebuilt $prebuilt is not an executable"
  log "packaging the prebuilt $prebuilt (no build)"
  binary=$prebuilt
else
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/shoppulse-ccache}
  log "configuring Release in $build_dir"
  # -ffile-prefix-map: no absolute source path in the binary (__FILE__, debug
  # info), so two checkouts at different paths build the same bytes.
  cxx_flags="-ffile-prefix-map=$ROOT/=./ -ffunction-sections -fdata-sections"
  cmake -S "$ROOT" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="$cxx_flags" \
    -DCMAKE_C_FLAGS="$cxx_flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-Wl,--gc-sections -Wl,--build-id=sha1" \
    -DSHOPPULSE_STATIC_BOOTSTRAP=ON \
    -DSHOPPULSE_SANITIZE=OFF \
    -DSHOPPULSE_BUILD_TESTS=OFF \
    -DSHOPPULSE_BUILD_TOOLS=OFF \
    -DSHOPPULSE_BUILD_BENCHMARKS=OFF >"$build_dir/configure.log" 2>&1 \
    || { cat "$build_dir/configure.log" >&2; die "cmake configure failed"; }
  log "building bootstrap (-j $jobs)"
  cmake --build "$build_dir" --target bootstrap -j "$jobs" >"$build_dir/build.log" 2>&1 \
    || { tail -n 60 "$build_dir/build.log" >&2; die "build failed (full log: $build_dir/build.log)"; }
  binary=$build_dir/bootstrap/bootstrap
fi
[[ -x $binary ]] || die "build produced no $binary"
if [[ -z $prebuilt && $(source_digest) != "$sources_before" ]]; then
  die "the sources changed during the build (someone is editing the tree); run again"
fi

# The executable must be what Lambda can exec in an empty root: no program
# interpreter, no dynamic section (so no DT_NEEDED), x86-64.
elf_header=$(readelf -h "$binary" 2>/dev/null) || die "$binary is not an ELF file"
grep -qE 'Type: +EXEC' <<<"$elf_header" || die "$binary is not a static executable (ELF type $(awk '/Type:/ { print $2 }' <<<"$elf_header"))"
grep -q 'Machine: *Advanced Micro Devices X86-64' <<<"$elf_header" || die "$binary is not x86-64"
if readelf -l -W "$binary" | grep -qE '^ *(INTERP|DYNAMIC) '; then
  die "$binary is dynamically linked (it has a program interpreter or a dynamic section)"
fi

# --- stage ---------------------------------------------------------------------
stage=$build_dir/stage
rm -rf "$stage"
mkdir -p "$stage/certs" "$stage/sql/migrations"
install -m 0755 "$binary" "$stage/bootstrap"
strip --strip-all "$stage/bootstrap"

# Trust anchors. libpq's default root certificate is the same bundle unless the
# RDS CA bundle is added (then certs/db-ca-bundle.pem holds both).
install -m 0644 "$ca_bundle" "$stage/certs/ca-bundle.crt"
if [[ -n $rds_ca_bundle ]]; then
  cat "$ca_bundle" "$rds_ca_bundle" >"$stage/certs/db-ca-bundle.pem"
  chmod 0644 "$stage/certs/db-ca-bundle.pem"
fi

# Migrations, as the function's {"action":"migrate"} expects them.
shopt -s nullglob
migrations=("$ROOT"/sql/migrations/*.sql)
shopt -u nullglob
[[ ${#migrations[@]} -gt 0 ]] || die "no sql/migrations/*.sql"
for f in "${migrations[@]}"; do
  install -m 0644 "$f" "$stage/sql/migrations/"
done

# "package version" of the Debian package that installed FILE (usrmerge aware).
debian_package_of() {
  local file=$1 pkg="" candidate
  for candidate in "$file" "${file#/usr}" "/usr$file"; do
    pkg=$(dpkg-query -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) || pkg=""
    [[ -n $pkg ]] && break
  done
  if [[ -z $pkg ]]; then
    echo "?"
    return
  fi
  echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo '?')"
}

# The archives linked in: from the build's CMake cache, plus the toolchain's
# libc and libstdc++ (a prebuilt binary has none to report).
linked_archives() {
  [[ -n $prebuilt ]] && return 0
  local cache=$build_dir/CMakeCache.txt variable
  for variable in PostgreSQL_LIBRARY SHOPPULSE_PGCOMMON_LIBRARY SHOPPULSE_PGPORT_LIBRARY OPENSSL_SSL_LIBRARY \
    OPENSSL_CRYPTO_LIBRARY ZLIB_LIBRARY_RELEASE ZLIB_LIBRARY; do
    sed -n "s/^$variable:[A-Z]*=\(.*\.a\)\$/\1/p" "$cache"
  done
  local cxx=${CXX:-c++}
  "$cxx" -print-file-name=libc.a
  "$cxx" -print-file-name=libstdc++.a
}

# Build info: what went in, for audits and reproducibility checks.
{
  echo "shoppulse-api $commit"
  if [[ -n $prebuilt ]]; then echo "sources prebuilt binary (not built here)"; else echo "sources sha256:$sources_before"; fi
  echo "source_date_epoch $SOURCE_DATE_EPOCH"
  echo "arch $arch"
  echo "linking static (no interpreter, no shared libraries)"
  echo "ca_bundle $(sha256sum <"$stage/certs/ca-bundle.crt" | cut -d' ' -f1)"
  echo "rds_ca_bundle $([[ -n $rds_ca_bundle ]] && echo included || echo 'not included (use --rds-ca-bundle for direct RDS)')"
  echo "archives:"
  while read -r archive; do
    [[ -n $archive ]] || continue
    archive=$(readlink -f "$archive")
    echo "  $(basename "$archive") $(debian_package_of "$archive")"
  done < <(linked_archives | sort -u)
  [[ -n $prebuilt ]] || echo "  libshoppulse_static_stubs.a packaging/stubs (GSSAPI and LDAP entry points of libpq.a, failing)"
} >"$stage/BUILD-INFO"
chmod 0644 "$stage/BUILD-INFO"

# --- zip, reproducibly ----------------------------------------------------------
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$out_dir"
zip_path=$out_dir/$ZIP_NAME
tmp_zip=$out_dir/.$ZIP_NAME.tmp.$$
rm -f "$tmp_zip"
(cd "$stage" && find . -type f -printf '%P\n' | sort | zip -q -X -D -9 "$tmp_zip" -@) \
  || { rm -f "$tmp_zip"; die "zip failed"; }
mv -f "$tmp_zip" "$zip_path"

size=$(stat -c %s "$zip_path")
unpacked=$(du -sb "$stage" | cut -f1)
log "wrote $zip_path"
log "  size $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB zipped, $(awk -v s="$unpacked" 'BEGIN { printf "%.2f", s / 1048576 }') MiB unpacked)"
log "  sha256 $(sha256sum "$zip_path" | cut -d' ' -f1)"
if ((size > SIZE_BUDGET)); then
  die "zip is $size bytes, over the 4 MiB budget"
fi
echo "$zip_path"
