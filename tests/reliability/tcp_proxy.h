#pragma once
// A TCP forwarder on 127.0.0.1 that a test can take down and bring back on
// the same port: "the database is unreachable" without stopping the shared
// PostgreSQL cluster other tests use.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace shoppulse::test {

class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // Down: the listener closes (connect is refused) and open connections are cut.
  void set_up(bool up);

 private:
  void run();
  void open_listener();
  void close_all();

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> up_{true};
  std::mutex mutex_;
  int listener_ = -1;
  std::vector<std::pair<int, int>> pairs_;  // client fd, server fd
  std::thread thread_;
};

}  // namespace shoppulse::test
