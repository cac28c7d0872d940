#!/usr/bin/env bash
# Builds Release in build/bench and the deployment zip (./package.sh), starts a
# private PostgreSQL 15 (stopped on exit), runs every Google Benchmark driver
# with JSON output and writes BENCHMARKS.md plus charts in docs/bench/. The
# end-to-end, cold-start and memory drivers run the unpacked zip's `bootstrap`
# (the artifact Lambda runs); SHOPPULSE_BENCH_BOOTSTRAP overrides it.
#
#   ./bench.sh           full run (about 5-10 minutes on 2 cores)
#   ./bench.sh --quick   fast pass, few samples (about 1-2 minutes after the build)
#
# Environment: JOBS (build parallelism, default nproc), BENCH_BUILD_DIR.
set -euo pipefail

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BUILD=${BENCH_BUILD_DIR:-$ROOT/build/bench}
readonly RESULTS=$BUILD/results
QUICK=0

for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *)
      echo "bench.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

log() { echo "bench.sh: $*" >&2; }

# Charts need gnuplot; install it when we can (Debian, as root).
if ! command -v gnuplot >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing gnuplot-nox"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gnuplot-nox >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gnuplot-nox >/dev/null; } ||
      log "warning: could not install gnuplot-nox; charts will be skipped"
  else
    log "warning: gnuplot not found; charts will be skipped (apt-get install gnuplot-nox)"
  fi
fi

log "configuring $BUILD (Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DSHOPPULSE_BUILD_TESTS=ON -DSHOPPULSE_BUILD_TOOLS=ON -DSHOPPULSE_BUILD_BENCHMARKS=ON >/dev/null
readonly TARGETS=(bootstrap invocation_overhead_bench micro_bench e2e_bench cold_start_bench memory_bench round_trips_bench)
log "building ${TARGETS[*]}"
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target "${TARGETS[@]}" >"$BUILD/bench-build.log" 2>&1 ||
  { tail -n 40 "$BUILD/bench-build.log" >&2; exit 1; }

# The deployable artifact: statically linked libstdc++, bundled loader and
# library closure, started through its sh wrapper, exactly as on Lambda.
if [[ -z ${SHOPPULSE_BENCH_BOOTSTRAP:-} ]]; then
  log "building the deployment zip (./package.sh)"
  "$ROOT/package.sh" --out "$BUILD/package" --build-dir "$BUILD/package-build" \
    --jobs "${JOBS:-$(nproc)}" >"$BUILD/package.log" 2>&1 || { tail -n 40 "$BUILD/package.log" >&2; exit 1; }
  rm -rf "$BUILD/package-root"
  mkdir -p "$BUILD/package-root"
  unzip -q "$BUILD/package/shoppulse-api.zip" -d "$BUILD/package-root"
  export SHOPPULSE_BENCH_BOOTSTRAP=$BUILD/package-root/bootstrap
fi
log "bootstrap under test: $SHOPPULSE_BENCH_BOOTSTRAP"

PG_DIR=$(mktemp -d /tmp/sp-bench-pg.XXXXXX)
cleanup() {
  "$ROOT/tests/support/pg.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
log "starting PostgreSQL in $PG_DIR"
"$ROOT/tests/support/pg.sh" start "$PG_DIR" >/dev/null
export SHOPPULSE_TEST_PG_DIR=$PG_DIR

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# End-to-end numbers are the median of E2E_REPETITIONS runs: one noisy second
# on a shared VM then cannot become the headline number.
if ((QUICK)); then
  MIN_TIME=0.05 E2E_MIN_TIME=0.2 E2E_REPETITIONS=1 COLD_RUNS=5 MEMORY_CHECKPOINTS=1000,3000
else
  MIN_TIME=0.5 E2E_MIN_TIME=1 E2E_REPETITIONS=3 COLD_RUNS=25 MEMORY_CHECKPOINTS=10000,50000
fi

# run NAME BINARY ARGS...: console output to the terminal, JSON to results/NAME.json
run() {
  local name=$1 binary=$2
  shift 2
  log "running $name"
  "$BUILD/tests/bench/$binary" --benchmark_out="$RESULTS/$name.json" --benchmark_out_format=json \
    --benchmark_counters_tabular=true "$@"
}

run invocation_overhead invocation_overhead_bench --benchmark_min_time="$MIN_TIME" \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
run micro micro_bench --benchmark_min_time="$MIN_TIME"
run round_trips round_trips_bench --benchmark_min_time="$MIN_TIME"
run e2e e2e_bench --benchmark_min_time="$E2E_MIN_TIME" \
  --benchmark_repetitions="$E2E_REPETITIONS" --benchmark_report_aggregates_only="$((E2E_REPETITIONS > 1))"
SHOPPULSE_BENCH_COLD_RUNS=$COLD_RUNS run cold_start cold_start_bench
SHOPPULSE_BENCH_MEMORY_CHECKPOINTS=$MEMORY_CHECKPOINTS run memory memory_bench

report_args=("$RESULTS" "$ROOT")
((QUICK)) && report_args+=(--quick)
python3 "$ROOT/scripts/bench-report.py" "${report_args[@]}"
log "done: BENCHMARKS.md, docs/bench/*.png (raw JSON in $RESULTS)"
