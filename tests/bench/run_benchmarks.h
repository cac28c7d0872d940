#pragma once
// The one main() body of every benchmark driver.

#include <functional>

namespace shoppulse::bench {

// Initialize, run what the command line selects, Shutdown. Returns 1 when any
// run errored (State::SkipWithError): Debian's Google Benchmark 1.7.1 exits 0
// then, so a smoke test whose every iteration failed would pass. Returns 1 on
// unrecognised arguments too. `before_shutdown` runs between the last
// benchmark and benchmark::Shutdown (drivers stop their sandboxes there).
int run_benchmarks(int argc, char** argv, const std::function<void()>& before_shutdown = {});

}  // namespace shoppulse::bench
