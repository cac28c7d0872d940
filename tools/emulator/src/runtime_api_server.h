#pragma once
// HTTP face of the InvocationBroker on 127.0.0.1:<port>: the Runtime API and
// the Extensions API, plus the fault modes (nothing listening;
// accept-and-reset) used to test runtime retries.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "invocation_broker.h"
#include "shoppulse/core/result.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace httplib {
class Server;
}

namespace shoppulse::emulator {

// The function as the Extensions API describes it to a registering extension.
struct FunctionMetadata {
  std::string name;
  std::string version;
  std::string handler;
};

struct ServerSettings {
  std::string function_arn;
  FunctionMetadata function;
  std::size_t max_concurrency = 1;  // how many /next long polls may be parked at once
  bool extensions_api = true;       // false: its paths answer 404, as on a platform without it
};

class RuntimeApiServer {
 public:
  RuntimeApiServer(InvocationBroker& broker, ServerSettings settings);
  RuntimeApiServer(const RuntimeApiServer&) = delete;
  RuntimeApiServer& operator=(const RuntimeApiServer&) = delete;
  ~RuntimeApiServer();

  Status start(std::uint16_t port, Fault fault);
  Status set_fault(Fault fault);
  void stop();

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::size_t fault_connections() const noexcept { return fault_connections_.load(); }

 private:
  Status serve_http();
  void stop_http();
  Status start_reset_listener();
  void stop_reset_listener();
  void install_routes(httplib::Server& server);
  void install_extension_routes(httplib::Server& server);

  InvocationBroker& broker_;
  ServerSettings settings_;
  std::uint16_t port_ = 0;
  std::mutex switch_mutex_;  // serialises fault switches
  Fault fault_ = Fault::kNone;
  bool serving_ = false;

  std::unique_ptr<httplib::Server> http_;
  std::thread http_thread_;

  int reset_fd_ = -1;
  std::atomic<bool> reset_stop_{false};
  std::thread reset_thread_;
  std::atomic<std::size_t> fault_connections_{0};
};

}  // namespace shoppulse::emulator
