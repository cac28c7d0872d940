# shellcheck shell=bash
# ./run.sh under a shell test, as a developer runs it: started in its own
# process group (as a terminal's foreground job), waited for until its banner,
# Ctrl-C'd (SIGINT to the group) and checked to have left nothing running.
# Source it after scripts/lib.sh; it sets an EXIT trap.
#
#   run_sh_start BIN_DIR STATE_DIR LOG [run.sh args...]   sets run_sh_pid, run_sh_port
#   run_sh_stop                                          Ctrl-C, then checks for leftovers
#   run_sh_fail MESSAGE                                  fails with the end of LOG

run_sh_pid="" run_sh_port="" run_sh_log="" run_sh_state_dir=""

run_sh_cleanup() {
  if [[ -n $run_sh_pid ]] && kill -0 "$run_sh_pid" 2>/dev/null; then
    kill -INT -- "-$run_sh_pid" 2>/dev/null || true
    sleep 5
    kill -KILL -- "-$run_sh_pid" 2>/dev/null || true
  fi
}
trap run_sh_cleanup EXIT

run_sh_fail() {
  echo "---- run.sh output ----" >&2
  tail -n 60 "$run_sh_log" >&2 || true
  fail "$*"
}

run_sh_start() {
  local bin_dir=$1 state_dir=$2 i early
  run_sh_log=$3
  shift 3
  mkdir -p "$state_dir"
  rm -f "$run_sh_log" # a previous run's "ready" line must not count
  run_sh_port=$(free_port)
  # Job control gives the child its own process group and keeps SIGINT
  # deliverable to it, exactly like a foreground ./run.sh in a terminal.
  set -m
  "$ROOT/run.sh" --no-build --bin-dir "$bin_dir" --state-dir "$state_dir" --port "$run_sh_port" "$@" \
    >"$run_sh_log" 2>&1 &
  run_sh_pid=$!
  set +m
  for ((i = 0; i < 600; i++)); do
    grep -q '^ShopPulse API ready' "$run_sh_log" 2>/dev/null && break
    if ! kill -0 "$run_sh_pid" 2>/dev/null; then
      early=0
      wait "$run_sh_pid" || early=$?
      run_sh_pid=""
      run_sh_fail "run.sh exited with status $early before it was ready"
    fi
    sleep 0.5
  done
  grep -q '^ShopPulse API ready' "$run_sh_log" || run_sh_fail "not ready after 300 s"
  run_sh_state_dir=$state_dir
}

run_sh_stop() {
  local pids=() left=() name pid entry i rc=0
  # Everything it started: its own pids file plus the sandboxes the gateway announced.
  while read -r name pid; do pids+=("$name:$pid"); done <"$run_sh_state_dir/run/pids"
  for pid in $(python3 -c 'import json, sys
for line in open(sys.argv[1], errors="replace"):
    try:
        doc = json.loads(line)
    except ValueError:
        continue
    if isinstance(doc, dict) and doc.get("message") == "listening":
        print(" ".join(str(p) for p in doc.get("sandboxPids", [])))' "$run_sh_log"); do
    pids+=("bootstrap:$pid")
  done
  [[ ${#pids[@]} -ge 3 ]] || run_sh_fail "expected gateway, sandbox and helper pids, got: ${pids[*]}"

  log "Ctrl-C (SIGINT to run.sh's process group)"
  kill -INT -- "-$run_sh_pid"
  for ((i = 0; i < 600; i++)); do
    kill -0 "$run_sh_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$run_sh_pid" 2>/dev/null && run_sh_fail "run.sh still running 60 s after SIGINT"
  wait "$run_sh_pid" || rc=$?
  run_sh_pid=""
  [[ $rc -eq 0 || $rc -eq 130 ]] || run_sh_fail "run.sh exited with $rc after SIGINT"
  # A process may still be on its way out (postgres removes its pid file,
  # which pg_ctl waits for, just before it exits); allow it 10 s.
  for entry in "${pids[@]}"; do
    for ((i = 0; i < 100; i++)); do
      kill -0 "${entry#*:}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${entry#*:}" 2>/dev/null; then left+=("$entry"); fi
  done
  [[ ${#left[@]} -eq 0 ]] || run_sh_fail "still running after Ctrl-C: ${left[*]}"
  log "stopped cleanly (${pids[*]})"
}
