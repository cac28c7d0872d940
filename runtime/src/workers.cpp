#include "shoppulse/runtime/workers.h"

#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

#include "shoppulse/runtime/shutdown.h"

namespace shoppulse::runtime {

LoopExit run_workers(std::span<const std::unique_ptr<RuntimeClient>> clients, InvocationHandler& handler,
                     const RetryPolicy& retry, const Logger& logger) {
  std::atomic<bool> unreachable{false};
  const LoopOptions options{.export_trace_id_env = false};
  std::vector<std::thread> threads;
  threads.reserve(clients.size());
  for (const auto& client : clients) {
    try {
      threads.emplace_back([&, worker = client.get()] {
        if (run_loop(*worker, handler, retry, logger, ShutdownSignal::requested(), options) ==
            LoopExit::kRuntimeApiUnreachable) {
          unreachable.store(true);
          ShutdownSignal::request();
        }
      });
    } catch (const std::system_error& e) {
      // Out of threads (a low RLIMIT_NPROC): serve with the workers we have;
      // Lambda only ever sends as many invocations as there are open /next.
      logger.warn("could not start every worker",
                  {{"workers", threads.size()}, {"requested", clients.size()}, {"error", e.what()}});
      break;
    }
  }
  if (threads.empty()) return LoopExit::kRuntimeApiUnreachable;  // nothing can serve: let Lambda replace us
  for (std::thread& thread : threads) thread.join();
  return unreachable.load() ? LoopExit::kRuntimeApiUnreachable : LoopExit::kShutdownRequested;
}

}  // namespace shoppulse::runtime
