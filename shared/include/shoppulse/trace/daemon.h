#pragma once
// The X-Ray daemon's UDP endpoint, as Lambda names it in
// AWS_XRAY_DAEMON_ADDRESS ("169.254.79.129:2000", or
// "tcp:host:port udp:host:port"), and a non-blocking sender of documents to
// it: a datagram nobody receives costs one syscall and nothing else.

#include <span>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/core/unique_fd.h"

namespace shoppulse::trace {

// A UDP datagram to the daemon: its header line and one document must fit.
inline constexpr std::size_t kMaxDatagramBytes = std::size_t{64} * 1024;

struct DaemonAddress {
  std::string host;
  std::string port;
};

// The UDP address in AWS_XRAY_DAEMON_ADDRESS's value. Errors name the
// variable, never the value.
Result<DaemonAddress> parse_daemon_address(std::string_view value);

class DaemonSender {
 public:
  // A connected, non-blocking UDP socket (resolving `address` once, now).
  static Result<DaemonSender> open(const DaemonAddress& address);

  // Sends each datagram, all in one sendmmsg(2) where possible; never
  // blocks, never fails: a full socket buffer or an absent daemon drops
  // them, as the X-Ray SDKs do. Thread-safe.
  void send(std::span<const std::string_view> datagrams) const noexcept;

 private:
  explicit DaemonSender(UniqueFd socket) : socket_(std::move(socket)) {}
  UniqueFd socket_;
};

}  // namespace shoppulse::trace
