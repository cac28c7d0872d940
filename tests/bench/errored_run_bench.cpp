// A driver whose only benchmark always errors: registered with WILL_FAIL,
// it shows that run_benchmarks turns an errored run into a failed test.

#include <benchmark/benchmark.h>

#include "run_benchmarks.h"

namespace {

void BM_AlwaysErrors(benchmark::State& state) {
  for (auto _ : state) {
    state.SkipWithError("deliberate: this driver checks that errored runs fail the test");
    break;
  }
}
BENCHMARK(BM_AlwaysErrors);

}  // namespace

int main(int argc, char** argv) {
  return shoppulse::bench::run_benchmarks(argc, argv);
}
