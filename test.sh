#!/usr/bin/env bash
# Installs what is missing, builds (dev preset: Debug + ASan/UBSan) and runs
# every test: unit, integration (real PostgreSQL 15), replay, end to end.
#   ./test.sh           quick suite (what CI runs)
#   ./test.sh --long    adds the long tests (label "long": 10,000-invocation leak soak,
#                       reproducibility without ccache) and 60 s per libFuzzer target
#   ./test.sh -R regex  passes a filter through to ctest
set -euo pipefail
cd "$(dirname "$0")"

long=0
ctest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --long) long=1; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) ctest_args+=("$1"); shift ;;
  esac
done

scripts/install-deps.sh all

preset=dev
build_dir=build/$preset
pg_dir=$PWD/$build_dir/test-postgres
# The ctest fixture stops PostgreSQL; this catches an interrupted run too.
trap 'tests/support/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT

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
if [[ $long -eq 1 && $status -eq 0 ]]; then
  # libFuzzer targets (clang): 60 s each from the committed corpus.
  FUZZ_SECONDS=${FUZZ_SECONDS:-60} tests/fuzz/run.sh || status=$?
fi
exit $status
