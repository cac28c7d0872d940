#!/usr/bin/env bash
# Builds Release in build/bench and the deployment zip (./package.sh), starts a
# private PostgreSQL 15 (stopped on exit), runs every Google Benchmark driver
# with JSON output and writes BENCHMARKS.md plus charts in docs/bench/. The
# end-to-end, cold-start and memory drivers run the unpacked zip's `bootstrap`
# (the artifact Lambda runs); SHOPPULSE_BENCH_BOOTSTRAP overrides it.
#
# Before/after: the full run also builds the baseline commit (default: the one
# in tests/bench/baseline-ref) from git, its deployment zip and its
# alloc_bench, and measures it in the same run, interleaved route by route.
# Cold start runs warm and, as root, from a cold disk (page cache dropped
# before each start), and counts the files opened before the first /next.
#
#   ./bench.sh                  full run with the baseline (about 15 minutes on 2 cores)
#   ./bench.sh --quick          fast pass, few samples, no baseline (a few minutes after the build)
#   ./bench.sh --baseline REF   compare with REF (any commit; --quick too)
#   ./bench.sh --no-baseline    measure this tree only
#
# Environment: JOBS (build parallelism, default nproc), BENCH_BUILD_DIR.
set -euo pipefail

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BUILD=${BENCH_BUILD_DIR:-$ROOT/build/bench}
readonly RESULTS=$BUILD/results
QUICK=0
BASELINE=default

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --baseline)
      [[ $# -ge 2 ]] || { echo "bench.sh: --baseline needs a commit" >&2; exit 2; }
      BASELINE=$2
      shift
      ;;
    --no-baseline) BASELINE= ;;
    -h | --help)
      sed -n '2,19p' "$0"
      exit 0
      ;;
    *)
      echo "bench.sh: unknown argument: $1" >&2
      exit 2
      ;;
  esac
  shift
done
if [[ $BASELINE == default ]]; then
  if ((QUICK)); then BASELINE=; else BASELINE=$(tr -d '[:space:]' <"$ROOT/tests/bench/baseline-ref"); fi
fi

log() { echo "bench.sh: $*" >&2; }

# Charts need gnuplot, the profile perf, the cold-start file count strace;
# install them when we can (Debian, as root).
install_tool() {
  local tool=$1 package=$2
  command -v "$tool" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing $package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >/dev/null; } ||
      log "warning: could not install $package; its part of the report will be skipped"
  else
    log "warning: $tool not found; its part of the report will be skipped (apt-get install $package)"
  fi
}
install_tool gnuplot gnuplot-nox
install_tool perf linux-perf
install_tool strace strace

log "configuring $BUILD (Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DSHOPPULSE_BUILD_TESTS=ON -DSHOPPULSE_BUILD_TOOLS=ON -DSHOPPULSE_BUILD_BENCHMARKS=ON >/dev/null
readonly TARGETS=(bootstrap invocation_overhead_bench micro_bench e2e_bench concurrency_bench cold_start_bench cold_start_floor
  memory_bench round_trips_bench alloc_bench)
log "building ${TARGETS[*]}"
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target "${TARGETS[@]}" >"$BUILD/bench-build.log" 2>&1 ||
  { tail -n 40 "$BUILD/bench-build.log" >&2; exit 1; }

# The deployable artifact, exactly as Lambda runs it: the zip's top-level
# `bootstrap` (since issue 15 one static executable; before, an sh wrapper
# around a bundled loader and its libraries).
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

# The baseline: its own sources from git, its own build and deployment zip,
# plus this tree's alloc_bench harness compiled against it.
BASELINE_ALLOC=
if [[ -n $BASELINE ]]; then
  base_commit=$(git -C "$ROOT" rev-parse --verify --quiet "$BASELINE^{commit}") ||
    { log "unknown baseline commit: $BASELINE"; exit 2; }
  base_src=$BUILD/baseline-src
  if [[ $(cat "$base_src/.bench-commit" 2>/dev/null) != "$base_commit" ]]; then
    log "extracting baseline ${base_commit:0:12}"
    rm -rf "$base_src" "$BUILD/baseline-build"
    mkdir -p "$base_src"
    git -C "$ROOT" archive "$base_commit" | tar -x -C "$base_src"
    echo "$base_commit" >"$base_src/.bench-commit"
  fi
  # The extracted tree is not a git checkout; keep its scripts from finding ours.
  export GIT_CEILING_DIRECTORIES=$BUILD
  log "building the baseline's alloc_bench"
  cmake -S "$base_src" -B "$BUILD/baseline-build" -DCMAKE_BUILD_TYPE=Release -DSHOPPULSE_BUILD_TESTS=ON \
    -DSHOPPULSE_BUILD_TOOLS=ON -DSHOPPULSE_BUILD_BENCHMARKS=ON \
    -DCMAKE_PROJECT_INCLUDE="$ROOT/tests/bench/alloc/inject_baseline.cmake" >"$BUILD/baseline-build.log" 2>&1 &&
    cmake --build "$BUILD/baseline-build" -j "${JOBS:-$(nproc)}" --target alloc_bench >>"$BUILD/baseline-build.log" 2>&1 ||
    { tail -n 40 "$BUILD/baseline-build.log" >&2; exit 1; }
  # Where the baseline tree puts it: its own tests/bench (it has the target) or the top level (injected).
  BASELINE_ALLOC=$(find "$BUILD/baseline-build" -name alloc_bench -type f -perm -u+x | head -n 1)
  [[ -n $BASELINE_ALLOC ]] || { log "the baseline build made no alloc_bench"; exit 1; }
  log "building the baseline's deployment zip"
  "$base_src/package.sh" --out "$BUILD/baseline-package" --build-dir "$BUILD/baseline-package-build" \
    --jobs "${JOBS:-$(nproc)}" >"$BUILD/baseline-package.log" 2>&1 ||
    { tail -n 40 "$BUILD/baseline-package.log" >&2; exit 1; }
  unset GIT_CEILING_DIRECTORIES
  rm -rf "$BUILD/baseline-root"
  mkdir -p "$BUILD/baseline-root"
  unzip -q "$BUILD/baseline-package/shoppulse-api.zip" -d "$BUILD/baseline-root"
  export SHOPPULSE_BENCH_BASELINE_BOOTSTRAP=$BUILD/baseline-root/bootstrap
  echo "$base_commit" >"$BUILD/baseline-commit"
  log "baseline ${base_commit:0:12}: $SHOPPULSE_BENCH_BASELINE_BOOTSTRAP"
else
  unset SHOPPULSE_BENCH_BASELINE_BOOTSTRAP
  rm -f "$BUILD/baseline-commit"
fi

PG_DIR=$(mktemp -d /tmp/sp-bench-pg.XXXXXX)
cleanup() {
  "$ROOT/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
log "starting PostgreSQL in $PG_DIR"
"$ROOT/scripts/pg.sh" start "$PG_DIR" >/dev/null
export SHOPPULSE_TEST_PG_DIR=$PG_DIR

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
# What was measured and when, for the report (which can be rewritten later
# from these results without changing them).
run_commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!BENCHMARKS.md' ':!docs/bench' 2>/dev/null) ]] &&
  run_commit+=" (+ uncommitted changes)"
run_started=$(date -u '+%Y-%m-%d %H:%M UTC')

# End-to-end numbers are the median of E2E_REPETITIONS runs: one noisy second
# on a shared VM then cannot become the headline number. Every cold-disk start
# first writes back and drops the whole page cache, hence fewer of them.
if ((QUICK)); then
  MIN_TIME=0.05 E2E_MIN_TIME=0.2 E2E_REPETITIONS=1 COLD_RUNS=5 COLD_DISK_RUNS=3 MEMORY_CHECKPOINTS=1000,3000
  ALLOC_INVOCATIONS=200
else
  MIN_TIME=0.5 E2E_MIN_TIME=1 E2E_REPETITIONS=3 COLD_RUNS=25 COLD_DISK_RUNS=10 MEMORY_CHECKPOINTS=10000,50000
  ALLOC_INVOCATIONS=1000
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
# Managed Instances: one bootstrap with AWS_LAMBDA_MAX_CONCURRENCY = 1..32.
run concurrency concurrency_bench --benchmark_min_time="$E2E_MIN_TIME"
# Cold start of both layouts, warm and cold disk (cold_start_bench skips the
# cold-disk variant with a message unless root can write drop_caches).
export SHOPPULSE_BENCH_COLD_RUNS=$COLD_RUNS SHOPPULSE_BENCH_COLD_DISK_RUNS=$COLD_DISK_RUNS
run cold_start cold_start_bench
if [[ -n ${SHOPPULSE_BENCH_BASELINE_BOOTSTRAP:-} ]]; then
  SHOPPULSE_BENCH_BOOTSTRAP=$SHOPPULSE_BENCH_BASELINE_BOOTSTRAP run cold_start-baseline cold_start_bench
fi
unset SHOPPULSE_BENCH_COLD_RUNS SHOPPULSE_BENCH_COLD_DISK_RUNS
SHOPPULSE_BENCH_MEMORY_CHECKPOINTS=$MEMORY_CHECKPOINTS run memory memory_bench

# Where a warm GET /users?limit=50 spends its CPU: perf on the bootstrap under
# test during a one-sandbox run (full runs; needs perf's software clock).
profile_users() {
  command -v perf >/dev/null 2>&1 || return 0
  local pid_file=$RESULTS/profile.pid data=$RESULTS/perf.data
  rm -f "$pid_file"
  SHOPPULSE_BENCH_PID_FILE=$pid_file SHOPPULSE_BENCH_BASELINE_BOOTSTRAP= "$BUILD/tests/bench/e2e_bench" \
    --benchmark_filter='^BM_E2E/list_users_50/real_time/threads:1$' --benchmark_min_time=10 >/dev/null 2>&1 &
  local driver=$!
  for _ in $(seq 100); do [[ -s $pid_file ]] && break; sleep 0.1; done
  if [[ ! -s $pid_file ]]; then
    wait "$driver" || true
    return 0
  fi
  sleep 3  # past the warm-up
  perf record -q -N -F 2999 -g -p "$(head -n 1 "$pid_file")" -o "$data" -- sleep 5 >/dev/null 2>&1 || true
  wait "$driver" || true
  [[ -s $data ]] || return 0
  # The zip's binary is stripped; its unstripped twin (same build id) names the symbols.
  perf buildid-cache -r "$BUILD/package-root/bootstrap" >/dev/null 2>&1 || true
  perf buildid-cache -a "$BUILD/package-build/bootstrap/bootstrap" >/dev/null 2>&1 || true
  {
    echo "by library:"
    perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' |
      head -n 12 || true
    echo
    echo "top functions:"
    perf report -i "$data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' |
      head -n 30 | cut -c1-150 || true
  } >"$RESULTS/profile.txt"
  rm -f "$data" "$data.old"
}

# Where PostgreSQL's time goes in POST /users, the route whose PostgreSQL time
# fell least (full runs). Every statement the route ran, nested ones too
# (pg_stat_statements.track = all for the app role during this step only),
# before and after; then perf on the backend serving the bootstrap under test,
# with DWARF call graphs since PostgreSQL is built without frame pointers.
pg_sql() { (set -a && . "$PG_DIR/env" && set +a && psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"); }
profile_pg_writes() {
  local app_role pid_file=$RESULTS/profile-pg.pid data=$RESULTS/perf-pg.data backend=
  app_role=$(set -a && . "$PG_DIR/env" && echo "$SHOPPULSE_PG_APP_USER")
  pg_sql "ALTER ROLE $app_role SET pg_stat_statements.track = 'all'" >/dev/null || return 0
  SHOPPULSE_BENCH_PG_STATEMENTS_FILE=$RESULTS/pg_statements.jsonl "$BUILD/tests/bench/e2e_bench" \
    --benchmark_filter='^BM_E2E(_Baseline)?/create_user/real_time/threads:1$' --benchmark_min_time=2 \
    >/dev/null 2>&1 || true
  pg_sql "ALTER ROLE $app_role RESET pg_stat_statements.track" >/dev/null
  command -v perf >/dev/null 2>&1 || return 0
  rm -f "$pid_file"
  SHOPPULSE_BENCH_PID_FILE=$pid_file SHOPPULSE_BENCH_BASELINE_BOOTSTRAP= "$BUILD/tests/bench/e2e_bench" \
    --benchmark_filter='^BM_E2E/create_user/real_time/threads:1$' --benchmark_min_time=10 >/dev/null 2>&1 &
  local driver=$!
  for _ in $(seq 100); do [[ -s $pid_file ]] && break; sleep 0.1; done
  sleep 3  # past the warm-up; the sandbox's one connection is up
  [[ -s $pid_file ]] && backend=$(pg_sql "SELECT pid FROM pg_stat_activity WHERE usename = '$app_role'
    AND backend_type = 'client backend' ORDER BY backend_start DESC LIMIT 1")
  [[ -n $backend ]] && perf record -q -N -F 999 --call-graph dwarf,16384 -p "$backend" -o "$data" -- sleep 4 \
    >/dev/null 2>&1 || true
  wait "$driver" || true
  [[ -s $data ]] || return 0
  # Inclusive shares of the named functions; the call chain's roots (>= 90%) left out.
  perf report -i "$data" --children --sort sym -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
    grep -v ' 0x0000' | awk '$1 + 0 < 90' | head -n 40 | cut -c1-120 >"$RESULTS/profile-pg.txt" || true
  rm -f "$data" "$data.old"
}

if ((!QUICK)) && [[ -z ${SHOPPULSE_BENCH_SKIP_PROFILE:-} ]]; then
  log "profiling GET /users?limit=50"
  profile_users
  log "profiling PostgreSQL during POST /users"
  profile_pg_writes
fi

# Heap allocations per invocation: deterministic counts, same harness for both.
log "running alloc"
"$BUILD/tests/bench/alloc_bench" --invocations "$ALLOC_INVOCATIONS" --out "$RESULTS/alloc.json" >/dev/null
if [[ -n $BASELINE_ALLOC ]]; then
  log "running alloc (baseline)"
  "$BASELINE_ALLOC" --invocations "$ALLOC_INVOCATIONS" --out "$RESULTS/alloc-baseline.json" >/dev/null
  cp "$BUILD/baseline-commit" "$RESULTS/baseline-commit"
fi

printf '{"commit": "%s", "date": "%s", "load": "%s"}\n' "$run_commit" "$run_started" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" >"$RESULTS/run.json"
report_args=("$RESULTS" "$ROOT")
((QUICK)) && report_args+=(--quick)
python3 "$ROOT/scripts/bench-report.py" "${report_args[@]}"
log "done: BENCHMARKS.md, docs/bench/*.png (raw JSON in $RESULTS)"
