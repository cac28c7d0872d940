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
#   --prebuilt FILE       package this bootstrap executable instead of building
#                         (for tests of the packaging step; not for releases)
#
# Zip layout (unpacked to $LAMBDA_TASK_ROOT, /var/task on Lambda):
#   bootstrap                 POSIX sh wrapper that Lambda's provided.al2/.al2023 runs
#   bin/bootstrap             the real (stripped) executable
#   lib/                      its whole shared-library closure, including glibc's
#                             dynamic loader and libc; the host's libraries are never used
#   certs/ca-bundle.crt       trust anchors for HTTPS (SSL_CERT_FILE) and, by
#                             default, libpq (PGSSLROOTCERT): covers RDS Proxy
#   certs/db-ca-bundle.pem    only with --rds-ca-bundle: public + RDS roots for
#                             libpq, for direct RDS connections
#   sql/migrations/*.sql      run by {"action":"migrate"}
#   BUILD-INFO                commit, source digest, glibc and bundled library versions
#
# Why a bundled loader: the provided.al2 runtime has glibc 2.26, this machine
# (Debian 12) builds against glibc 2.36, and libcurl/libpq pull in ~25 shared
# libraries that Debian ships only as shared objects (no static libpq deps,
# no static Kerberos). Running the binary through the bundled ld.so with
# --library-path and --inhibit-cache makes the process independent of /lib64,
# /etc/ld.so.cache and LD_LIBRARY_PATH. libstdc++/libgcc are linked statically;
# librtmp, libldap and libgssapi_krb5 are replaced by failing stubs (see below).
#
# Reproducible: the same commit on the same Debian package set gives a
# byte-identical zip (SOURCE_DATE_EPOCH = commit time, fixed modes, sorted
# entries, zip -X -D, -ffile-prefix-map).
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ZIP_NAME=shoppulse-api.zip
readonly SIZE_BUDGET=$((8 * 1024 * 1024))

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
    loader_name=ld-linux-x86-64.so.2
    ;;
  arm64 | aarch64) die "--arch arm64 is not supported yet (needs an arm64 Debian build host or a cross toolchain)" ;;
  *) die "unknown --arch '$arch' (x86_64)" ;;
esac

for tool in cmake zip strip readelf sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/install-deps.sh)"
done
host_loader=$(readlink -f "/lib64/$loader_name") || die "no /lib64/$loader_name"
[[ -f $host_loader ]] || die "no dynamic loader at /lib64/$loader_name"
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
readonly SOURCE_INPUTS=(CMakeLists.txt cmake bootstrap handlers runtime shared sql/migrations package.sh)
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
    -DCMAKE_EXE_LINKER_FLAGS="-static-libstdc++ -static-libgcc -Wl,--gc-sections -Wl,--as-needed -Wl,--build-id=sha1" \
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

# --- stage ---------------------------------------------------------------------
stage=$build_dir/stage
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/certs" "$stage/sql/migrations"

install -m 0755 "$binary" "$stage/bin/bootstrap"
strip --strip-all "$stage/bin/bootstrap"

# --- stub libraries ------------------------------------------------------------
# Debian's libcurl links librtmp (rtmp:// URLs) and libldap (ldap:// URLs), and
# libpq links libldap (LDAP lookups in pg_service.conf). The function uses
# none of these, but libldap and librtmp pull in GnuTLS, p11-kit, nettle,
# hogweed, GMP, libtasn1, libffi and Cyrus SASL: ~2.3 MiB of the zip. They are
# replaced by stubs with the same sonames and symbol versions whose every
# entry point fails the way the real library reports an error (RTMP_Alloc and
# ldap_init return NULL, ldap_* return LDAP_NOT_SUPPORTED), so an rtmp:// or
# ldap:// URL is an error, never a crash. The bind-now check below proves they
# define every symbol libcurl and libpq import.
#
# libgssapi_krb5 (Kerberos/GSSAPI: libpq's gssencmode and GSS auth, curl's
# SPNEGO) is stubbed too: RDS and RDS Proxy authenticate with SCRAM and the
# wrapper disables libpq's GSS encryption probe. The real one pulls in krb5,
# k5crypto, com_err, krb5support, keyutils and resolv: six fewer libraries to
# map and relocate on every cold start (about 0.7 ms here) and ~1.3 MiB less
# unpacked. Every entry point reports GSS_S_FAILURE; gss_display_status fills
# in a static message, because libpq prints the buffer whatever it returns.
stub_dir=$build_dir/stubs
mkdir -p "$stub_dir"
cat >"$stub_dir/rtmp_stub.c" <<'STUB'
/* librtmp.so.1 stub (package.sh): RTMP is not supported in this bundle. */
#include <stddef.h>
void *RTMP_Alloc(void) { return NULL; }
void RTMP_Init(void *r) { (void)r; }
void RTMP_Free(void *r) { (void)r; }
void RTMP_Close(void *r) { (void)r; }
int RTMP_SetupURL(void *r, char *url) { (void)r; (void)url; return 0; }
int RTMP_Connect1(void *r, void *packet) { (void)r; (void)packet; return 0; }
int RTMP_ConnectStream(void *r, int seek_ms) { (void)r; (void)seek_ms; return 0; }
int RTMP_Read(void *r, char *buf, int size) { (void)r; (void)buf; (void)size; return -1; }
int RTMP_Write(void *r, const char *buf, int size) { (void)r; (void)buf; (void)size; return -1; }
void RTMP_SetBufferMS(void *r, int size) { (void)r; (void)size; }
STUB
cat >"$stub_dir/ldap_stub.c" <<'STUB'
/* libldap-2.5.so.0 stub (package.sh): LDAP is not supported in this bundle. */
#include <stddef.h>
#define NS (-12) /* LDAP_NOT_SUPPORTED */
typedef void V;
int ldap_start_tls(V *ld, V *s, V *c, int *id) { (void)ld; (void)s; (void)c; (void)id; return NS; }
int ldap_parse_result(V *ld, V *m, int *e, char **dn, char **msg, char ***ref, V ***ctl, int f) {
  (void)ld; (void)m; (void)f;
  if (e) *e = NS;
  if (dn) *dn = NULL;
  if (msg) *msg = NULL;
  if (ref) *ref = NULL;
  if (ctl) *ctl = NULL;
  return NS;
}
void ldap_free_urldesc(V *u) { (void)u; }
int ldap_search_ext(V *ld, const char *b, int s, const char *f, char **a, int o, V *sc, V *cc, V *t, int l, int *id) {
  (void)ld; (void)b; (void)s; (void)f; (void)a; (void)o; (void)sc; (void)cc; (void)t; (void)l; (void)id;
  return NS;
}
void ldap_memfree(V *p) { (void)p; }
int ldap_set_option(V *ld, int o, const V *v) { (void)ld; (void)o; (void)v; return -1; }
int ldap_get_option(V *ld, int o, V *v) { (void)ld; (void)o; (void)v; return -1; }
int ldap_msgfree(V *m) { (void)m; return -1; }
char *ldap_err2string(int e) { (void)e; return (char *)"LDAP is not supported by this build"; }
int ldap_abandon_ext(V *ld, int id, V *s, V *c) { (void)ld; (void)id; (void)s; (void)c; return NS; }
int ldap_get_dn_ber(V *ld, V *m, V **ber, V *dn) { (void)ld; (void)m; (void)dn; if (ber) *ber = NULL; return NS; }
int ldap_msgtype(V *m) { (void)m; return -1; }
int ldap_parse_sasl_bind_result(V *ld, V *m, V **cred, int f) { (void)ld; (void)m; (void)f; if (cred) *cred = NULL; return NS; }
int ldap_get_attribute_ber(V *ld, V *m, V *ber, V *attr, V **vals) {
  (void)ld; (void)m; (void)ber; (void)attr;
  if (vals) *vals = NULL;
  return NS;
}
int ldap_sasl_bind(V *ld, const char *dn, const char *mech, V *cred, V *s, V *c, int *id) {
  (void)ld; (void)dn; (void)mech; (void)cred; (void)s; (void)c; (void)id;
  return NS;
}
int ldap_url_parse(const char *url, V **desc) { (void)url; if (desc) *desc = NULL; return 3; /* LDAP_URL_ERR_BADSCHEME */ }
int ldap_result(V *ld, int id, int all, V *t, V **res) { (void)ld; (void)id; (void)all; (void)t; if (res) *res = NULL; return -1; }
int ldap_pvt_url_scheme2proto(const char *scheme) { (void)scheme; return -1; }
int ldap_init_fd(int fd, int proto, const char *url, V **ld) { (void)fd; (void)proto; (void)url; if (ld) *ld = NULL; return NS; }
int ldap_unbind_ext(V *ld, V *s, V *c) { (void)ld; (void)s; (void)c; return NS; }
int ldap_unbind(V *ld) { (void)ld; return NS; }
V *ldap_init(const char *host, int port) { (void)host; (void)port; return NULL; }
V *ldap_first_entry(V *ld, V *m) { (void)ld; (void)m; return NULL; }
V **ldap_get_values_len(V *ld, V *m, const char *a) { (void)ld; (void)m; (void)a; return NULL; }
int ldap_search_st(V *ld, const char *b, int s, const char *f, char **a, int o, V *t, V **res) {
  (void)ld; (void)b; (void)s; (void)f; (void)a; (void)o; (void)t;
  if (res) *res = NULL;
  return NS;
}
int ldap_simple_bind(V *ld, const char *dn, const char *pw) { (void)ld; (void)dn; (void)pw; return -1; }
int ldap_count_entries(V *ld, V *m) { (void)ld; (void)m; return -1; }
void ldap_value_free_len(V **v) { (void)v; }
STUB
echo 'OPENLDAP_2.5 { global: ldap_*; local: *; };' >"$stub_dir/ldap.map"
cat >"$stub_dir/gssapi_stub.c" <<'STUB'
/* libgssapi_krb5.so.2 stub (package.sh): GSSAPI/Kerberos is not supported in this bundle. */
#include <stddef.h>
typedef unsigned int OM_uint32;
typedef struct { size_t length; void *value; } gss_buffer_desc;
typedef void V;
#define FAILURE ((OM_uint32)13 << 16) /* GSS_S_FAILURE */
static char message[] = "GSSAPI is not supported by this build";
V *GSS_C_NT_HOSTBASED_SERVICE = NULL;
static OM_uint32 failed(OM_uint32 *minor) { if (minor) *minor = 0; return FAILURE; }
static OM_uint32 done(OM_uint32 *minor) { if (minor) *minor = 0; return 0; }
OM_uint32 gss_acquire_cred(OM_uint32 *mi, V *name, OM_uint32 t, V *mechs, int usage, V **cred, V **actual, OM_uint32 *rt) {
  (void)name; (void)t; (void)mechs; (void)usage;
  if (cred) *cred = NULL;
  if (actual) *actual = NULL;
  if (rt) *rt = 0;
  return failed(mi);
}
OM_uint32 gss_import_name(OM_uint32 *mi, V *buf, V *type, V **out) { (void)buf; (void)type; if (out) *out = NULL; return failed(mi); }
OM_uint32 gss_init_sec_context(OM_uint32 *mi, V *cred, V **ctx, V *target, V *mech, OM_uint32 flags, OM_uint32 t,
                               V *bindings, V *input, V **actual_mech, gss_buffer_desc *output, OM_uint32 *ret_flags,
                               OM_uint32 *rt) {
  (void)cred; (void)ctx; (void)target; (void)mech; (void)flags; (void)t; (void)bindings; (void)input;
  if (actual_mech) *actual_mech = NULL;
  if (output) { output->length = 0; output->value = NULL; }
  if (ret_flags) *ret_flags = 0;
  if (rt) *rt = 0;
  return failed(mi);
}
OM_uint32 gss_inquire_context(OM_uint32 *mi, V *ctx, V **src, V **target, OM_uint32 *t, V **mech, OM_uint32 *flags,
                              int *local, int *open) {
  (void)ctx;
  if (src) *src = NULL;
  if (target) *target = NULL;
  if (t) *t = 0;
  if (mech) *mech = NULL;
  if (flags) *flags = 0;
  if (local) *local = 0;
  if (open) *open = 0;
  return failed(mi);
}
OM_uint32 gss_display_name(OM_uint32 *mi, V *name, gss_buffer_desc *out, V **type) {
  (void)name;
  if (out) { out->length = 0; out->value = NULL; }
  if (type) *type = NULL;
  return failed(mi);
}
OM_uint32 gss_display_status(OM_uint32 *mi, OM_uint32 status, int type, V *mech, OM_uint32 *context, gss_buffer_desc *out) {
  (void)status; (void)type; (void)mech;
  if (context) *context = 0;
  if (out) { out->length = sizeof(message) - 1; out->value = message; }
  return done(mi);
}
OM_uint32 gss_release_buffer(OM_uint32 *mi, gss_buffer_desc *buf) {
  if (buf) { buf->length = 0; buf->value = NULL; } /* only ever static or NULL here */
  return done(mi);
}
OM_uint32 gss_release_name(OM_uint32 *mi, V **name) { if (name) *name = NULL; return done(mi); }
OM_uint32 gss_release_cred(OM_uint32 *mi, V **cred) { if (cred) *cred = NULL; return done(mi); }
OM_uint32 gss_delete_sec_context(OM_uint32 *mi, V **ctx, gss_buffer_desc *out) {
  if (ctx) *ctx = NULL;
  if (out) { out->length = 0; out->value = NULL; }
  return done(mi);
}
OM_uint32 gss_wrap(OM_uint32 *mi, V *ctx, int conf, OM_uint32 qop, V *in, int *state, gss_buffer_desc *out) {
  (void)ctx; (void)conf; (void)qop; (void)in;
  if (state) *state = 0;
  if (out) { out->length = 0; out->value = NULL; }
  return failed(mi);
}
OM_uint32 gss_unwrap(OM_uint32 *mi, V *ctx, V *in, gss_buffer_desc *out, int *conf, OM_uint32 *qop) {
  (void)ctx; (void)in;
  if (out) { out->length = 0; out->value = NULL; }
  if (conf) *conf = 0;
  if (qop) *qop = 0;
  return failed(mi);
}
OM_uint32 gss_wrap_size_limit(OM_uint32 *mi, V *ctx, int conf, OM_uint32 qop, OM_uint32 req, OM_uint32 *max) {
  (void)ctx; (void)conf; (void)qop; (void)req;
  if (max) *max = 0;
  return failed(mi);
}
STUB
echo 'gssapi_krb5_2_MIT { global: gss_*; GSS_C_*; local: *; };' >"$stub_dir/gssapi.map"
stub_cc() { # out soname source [ld flags...]
  local out=$1 soname=$2 src=$3
  shift 3
  ${CC:-cc} -std=c11 -O2 -fPIC -shared -Wall -Werror -ffile-prefix-map="$stub_dir/=./" \
    -Wl,-soname,"$soname" -Wl,--build-id=sha1 -Wl,--hash-style=gnu "$@" -o "$out" "$src" \
    || die "cannot build the $soname stub"
  strip --strip-all "$out"
  chmod 0644 "$out"
}
stub_cc "$stage/lib/librtmp.so.1" librtmp.so.1 "$stub_dir/rtmp_stub.c"
stub_cc "$stage/lib/libldap-2.5.so.0" libldap-2.5.so.0 "$stub_dir/ldap_stub.c" \
  -Wl,--version-script="$stub_dir/ldap.map"
stub_cc "$stage/lib/libgssapi_krb5.so.2" libgssapi_krb5.so.2 "$stub_dir/gssapi_stub.c" \
  -Wl,--version-script="$stub_dir/gssapi.map"
stubs=(librtmp.so.1 libldap-2.5.so.0 libgssapi_krb5.so.2)

# --- the shared-library closure -------------------------------------------------
# The loader is executed by the wrapper, so it keeps its execute bit.
install -m 0755 "$host_loader" "$stage/lib/$loader_name"
bundled_loader=$stage/lib/$loader_name
libc_version=$("$bundled_loader" --version 2>/dev/null | head -n 1 || true)

# ldd-equivalent, through the bundled loader exactly as the wrapper runs it;
# anything it still finds outside lib/ (in the host's system directories) is
# copied in under its soname, until nothing is. The stubs, already in lib/,
# shadow the real librtmp/libldap.
list_closure() {
  "$bundled_loader" --inhibit-cache --library-path "$stage/lib" --list "$stage/bin/bootstrap"
}
declare -A origin=()
for _round in 1 2 3 4 5 6 7 8 9 10; do
  closure=$(list_closure) || die "cannot list the libraries of bin/bootstrap"
  if grep -q 'not found' <<<"$closure"; then
    die "unresolved libraries: $(grep 'not found' <<<"$closure" | tr -s ' \t' ' ')"
  fi
  added=0
  while read -r name arrow path _; do
    [[ $arrow == "=>" && $path == /* ]] || continue
    [[ $name != */* ]] || continue # the loader itself
    [[ $path == "$stage/lib/"* ]] && continue
    origin[$name]=$(readlink -f "$path")
    install -m 0644 "${origin[$name]}" "$stage/lib/$name"
    strip --strip-unneeded "$stage/lib/$name"
    added=1
  done <<<"$closure"
  ((added)) || break
done
((added == 0)) || die "library closure did not settle"
# Loaded with dlopen, so not listed above:
#  - libgcc_s.so.1: glibc's unwinder for pthread_cancel/pthread_exit (libstdc++
#    and libgcc are linked statically); tiny, always shipped.
#  - NSS: glibc >= 2.34 has the files and dns services (and the resolver) in
#    libc.so.6 itself, so getaddrinfo needs no libnss_*.so. A module the host's
#    /etc/nsswitch.conf names that is not here (myhostname, sss, ...) is
#    skipped as unavailable: --inhibit-cache keeps the host's /lib64 copies,
#    built for another glibc, out of the process.
#  - gconv (iconv) modules are not shipped: nothing here converts charsets
#    other than UTF-8/ASCII, which glibc handles without modules.
for extra in libgcc_s.so.1; do
  [[ -f $stage/lib/$extra ]] && continue
  src=/lib/x86_64-linux-gnu/$extra
  [[ -f $src ]] || die "$extra not found on the build host"
  origin[$extra]=$(readlink -f "$src")
  install -m 0644 "${origin[$extra]}" "$stage/lib/$extra"
  strip --strip-unneeded "$stage/lib/$extra"
done

# Every object resolves inside lib/ ...
closure=$(list_closure)
outside=$(awk '$2 == "=>" && $3 !~ "^'"$stage"'/lib/" { print $1 " => " $3 }' <<<"$closure")
[[ -z $outside ]] || die "libraries resolved outside lib/: $outside"
# ... and every symbol and symbol version too (ldd -r: bind now, report).
unresolved=$(LD_TRACE_LOADED_OBJECTS=1 LD_WARN=yes LD_BIND_NOW=yes \
  "$bundled_loader" --inhibit-cache --library-path "$stage/lib" "$stage/bin/bootstrap" 2>&1 \
  | grep -E 'undefined symbol|version .* not found|not found' || true)
[[ -z $unresolved ]] || die "unresolved symbols in the bundle: $unresolved"

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

# The wrapper Lambda runs. POSIX sh only: provided.al2 has bash, but the
# self-containment test runs it under busybox sh.
cat >"$stage/bootstrap" <<'WRAPPER'
#!/bin/sh
# ShopPulse API: Lambda custom runtime entry point (generated by package.sh).
# Starts bin/bootstrap through the bundled dynamic loader so that only the
# libraries in lib/ (glibc included) are used, whatever the host has.
set -e
case $0 in
  */*) root=${0%/*} ;;
  *) root=. ;;
esac
case $root in
  /*) ;;
  *) root=$PWD/$root ;;
esac
if [ ! -f "$root/lib/ld-linux-x86-64.so.2" ] && [ -n "${LAMBDA_TASK_ROOT:-}" ]; then
  root=$LAMBDA_TASK_ROOT
fi
# Trust anchors shipped in the zip (the Amazon Linux bundle paths differ from
# the Debian path libcurl/OpenSSL were built with). Settings already in the
# function's environment win.
if [ -z "${SSL_CERT_FILE:-}" ]; then
  SSL_CERT_FILE=$root/certs/ca-bundle.crt
  export SSL_CERT_FILE
fi
# libpq's default root certificate (DB_SSLROOTCERT wins): the public CAs,
# which include Amazon Trust Services (RDS Proxy), plus the RDS CA bundle when
# the zip was built with --rds-ca-bundle (direct RDS connections).
if [ -z "${PGSSLROOTCERT:-}" ]; then
  PGSSLROOTCERT=$root/certs/ca-bundle.crt
  if [ -f "$root/certs/db-ca-bundle.pem" ]; then
    PGSSLROOTCERT=$root/certs/db-ca-bundle.pem
  fi
  export PGSSLROOTCERT
fi
# RDS/RDS Proxy do not speak GSSAPI encryption; skip libpq's Kerberos probe.
if [ -z "${PGGSSENCMODE:-}" ]; then
  PGGSSENCMODE=disable
  export PGGSSENCMODE
fi
exec "$root/lib/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$root/lib" \
  --argv0 "$root/bin/bootstrap" "$root/bin/bootstrap" "$@"
WRAPPER
chmod 0755 "$stage/bootstrap"

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

# Build info: what went in, for audits and reproducibility checks.
{
  echo "shoppulse-api $commit"
  if [[ -n $prebuilt ]]; then echo "sources prebuilt binary (not built here)"; else echo "sources sha256:$sources_before"; fi
  echo "source_date_epoch $SOURCE_DATE_EPOCH"
  echo "arch $arch"
  echo "glibc ${libc_version:-unknown}"
  echo "ca_bundle $(sha256sum <"$stage/certs/ca-bundle.crt" | cut -d' ' -f1)"
  echo "rds_ca_bundle $([[ -n $rds_ca_bundle ]] && echo included || echo 'not included (use --rds-ca-bundle for direct RDS)')"
  echo "libraries:"
  for name in $(cd "$stage/lib" && ls | sort); do
    if [[ " ${stubs[*]} " == *" $name "* ]]; then
      echo "  $name stub (package.sh; the real one is not shipped)"
      continue
    fi
    src=${origin[$name]:-}
    [[ $name == "$loader_name" ]] && src=$host_loader
    echo "  $name $(debian_package_of "$src")"
  done
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
log "  size $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB zipped, $(awk -v s="$unpacked" 'BEGIN { printf "%.2f", s / 1048576 }') MiB unpacked, $(ls "$stage/lib" | wc -l) files in lib/)"
log "  sha256 $(sha256sum "$zip_path" | cut -d' ' -f1)"
if ((size > SIZE_BUDGET)); then
  die "zip is $size bytes, over the 8 MiB budget"
fi
echo "$zip_path"
