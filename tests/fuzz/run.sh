#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + fuzzer) and runs
# each for FUZZ_SECONDS (default 60) from the committed corpus. A crash leaves
# its reproducer in tests/fuzz/corpus/<target>/ (commit it: the corpus replay
# test then fails until the bug is fixed) and fails this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
build=build/fuzz

command -v clang++ >/dev/null || { echo "fuzz: clang++ not installed" >&2; exit 1; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DSHOPPULSE_FUZZ=ON -DSHOPPULSE_BUILD_TOOLS=OFF -DSHOPPULSE_BUILD_BENCHMARKS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_event_pipeline fuzz_codecs fuzz_json_reader fuzz_http_response

status=0
for target in event_pipeline codecs json_reader http_response; do
  corpus=tests/fuzz/corpus/$target
  work=$(mktemp -d)
  cp "$corpus"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$corpus/crash-" "$work" 2>&1 | tail -n 5; then
    echo "fuzz: $target found a failure; reproducer saved under $corpus/" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
