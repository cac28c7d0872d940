#!/usr/bin/env bash
# Installs what is missing, builds (dev preset: Debug + ASan/UBSan) and runs
# every test: unit, integration (real PostgreSQL 15), replay, end to end.
#   ./test.sh           quick suite (what CI runs)
#   ./test.sh --long    adds the long tests (label "long": 10,000-invocation leak soak,
#                       reproducibility without ccache) and 60 s per libFuzzer target
#   ./test.sh -R regex  passes a filter through to ctest (and skips the ThreadSanitizer step)
# After the dev suite, the concurrency tests (Lambda Managed Instances) run again
# built with ThreadSanitizer (preset tsan), bootstrap included.
set -euo pipefail
cd "$(dirname "$0")"

long=0
filtered=0
ctest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --long) long=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) ctest_args+=("$1"); filtered=1; shift ;;
  esac
done

scripts/install-deps.sh all
# Pinned npm tools (tools/npm): Redocly CLI for openapi.lint, swagger-ui-dist
# and playwright-core for the docs page's browser test. A no-op once installed.
scripts/install-npm-tools.sh

preset=dev
build_dir=build/$preset
pg_dir=$PWD/$build_dir/test-postgres
tsan_pg_dir=$PWD/build/tsan/test-postgres
# The ctest fixture stops PostgreSQL; this catches an interrupted run too.
trap 'scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true; scripts/pg.sh stop "$tsan_pg_dir" >/dev/null 2>&1 || true' EXIT

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/shoppulse-ccache}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

if [[ $long -eq 0 ]]; then
  ctest_args+=(-LE long)
fi
# ASan's leak checker needs ptrace-free environments; keep reports readable.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
ctest --preset "$preset" -j 2 --timeout 1800 "${ctest_args[@]}" || status=$?
if [[ $filtered -eq 0 && $status -eq 0 ]]; then
  # ThreadSanitizer: the Managed-Instances tests (bootstrap's workers under
  # the emulator, real PostgreSQL), the per-thread log context and the secret
  # cache's single flight. A report fails the test that saw it (bootstrap's
  # stderr is checked) or the binary (exit code 66).
  echo "== ThreadSanitizer (preset tsan)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$(nproc)"
  scripts/pg.sh start "$tsan_pg_dir" >/dev/null
  # tests/tsan.supp: the harness's uninstrumented HTTP library only (see there).
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
  for test_binary in tests/reliability/reliability_concurrency_test tests/unit/core/core_unit_test \
    tests/unit/aws/aws_secret_cache_test; do
    SHOPPULSE_TEST_PG_DIR=$tsan_pg_dir "build/tsan/$test_binary" --gtest_brief=1 || status=$?
  done
  scripts/pg.sh stop "$tsan_pg_dir" >/dev/null
fi
if [[ $long -eq 1 && $status -eq 0 ]]; then
  # libFuzzer targets (clang): 60 s each from the committed corpus.
  FUZZ_SECONDS=${FUZZ_SECONDS:-60} tests/fuzz/run.sh || status=$?
fi
exit $status
