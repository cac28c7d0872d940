#pragma once
// A stand-in for the X-Ray daemon: a UDP socket on 127.0.0.1 that collects
// the datagrams sent to it.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "shoppulse/core/unique_fd.h"

namespace shoppulse::test {

class UdpListener {
 public:
  UdpListener();  // binds a free port; port() is 0 if that failed
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Datagrams until `count` arrived or `timeout` passed, whichever is first.
  std::vector<std::string> receive(std::size_t count, std::chrono::milliseconds timeout);
  // Everything that arrives within `window` (to check nothing more came).
  std::vector<std::string> drain(std::chrono::milliseconds window) { return receive(SIZE_MAX, window); }

 private:
  UniqueFd socket_;
  std::uint16_t port_ = 0;
};

}  // namespace shoppulse::test
