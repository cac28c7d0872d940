#include "run_benchmarks.h"

#include <unistd.h>

#include <cstdio>
#include <vector>

#include <benchmark/benchmark.h>

namespace shoppulse::bench {
namespace {

// The console output Google Benchmark would print, plus a count of errored runs.
class ErrorCountingReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal, as the library's default reporter does.
  ErrorCountingReporter() : ConsoleReporter(isatty(STDOUT_FILENO) != 0 ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) ++errored_;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  [[nodiscard]] int errored() const noexcept { return errored_; }

 private:
  int errored_ = 0;
};

}  // namespace

int run_benchmarks(int argc, char** argv, const std::function<void()>& before_shutdown) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ErrorCountingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (before_shutdown) before_shutdown();
  benchmark::Shutdown();
  if (reporter.errored() > 0) {
    (void)std::fprintf(stderr, "%s: %d benchmark run(s) failed (ERROR OCCURRED above)\n", argv[0], reporter.errored());
    return 1;
  }
  return 0;
}

}  // namespace shoppulse::bench
