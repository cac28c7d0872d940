#include "shoppulse/trace/daemon.h"

#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <algorithm>
#include <memory>

#include "shoppulse/core/authority.h"

namespace shoppulse::trace {
namespace {

constexpr std::string_view kVariable = "AWS_XRAY_DAEMON_ADDRESS";

Error invalid_address() {
  return Error::make(ErrorKind::kInvalidInput, "invalid_config",
                     std::string(kVariable) + " must be host:port or \"tcp:host:port udp:host:port\"");
}

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};

}  // namespace

Result<DaemonAddress> parse_daemon_address(std::string_view value) {
  // Either one address for both protocols, or two prefixed ones in any order.
  std::string_view udp = value;
  if (value.find(' ') == std::string_view::npos) {
    if (value.starts_with("tcp:")) return fail(invalid_address());  // no UDP address at all
    if (value.starts_with("udp:")) udp = value.substr(4);
  } else {
    udp = {};
    while (!value.empty()) {
      const std::size_t end = value.find(' ');
      const std::string_view part = value.substr(0, end);
      value = end == std::string_view::npos ? std::string_view() : value.substr(end + 1);
      if (part.starts_with("udp:")) {
        udp = part.substr(4);
      } else if (!part.empty() && !part.starts_with("tcp:")) {
        return fail(invalid_address());
      }
    }
  }
  const net::Authority authority = net::split_authority(udp);
  if (authority.problem != net::AuthorityProblem::kNone || authority.port.empty()) return fail(invalid_address());
  return DaemonAddress{std::string(authority.host), std::string(authority.port)};
}

Result<DaemonSender> DaemonSender::open(const DaemonAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const int resolved = ::getaddrinfo(address.host.c_str(), address.port.c_str(), &hints, &raw);
  const std::unique_ptr<addrinfo, AddrinfoDeleter> found(raw);
  if (resolved != 0 || !found) {
    return fail(Error::make(ErrorKind::kUnavailable, "xray_daemon_unresolved",
                            std::string("cannot resolve the host of ") + std::string(kVariable)));
  }
  for (const addrinfo* at = found.get(); at != nullptr; at = at->ai_next) {
    UniqueFd socket_fd(::socket(at->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    // connect() on UDP only fixes the destination: no packet is sent.
    if (socket_fd && ::connect(socket_fd.get(), at->ai_addr, at->ai_addrlen) == 0) {
      return DaemonSender(std::move(socket_fd));
    }
  }
  return fail(Error::make(ErrorKind::kUnavailable, "xray_daemon_socket",
                          std::string("cannot open a UDP socket to ") + std::string(kVariable)));
}

void DaemonSender::send(std::span<const std::string_view> datagrams) const noexcept {
  constexpr std::size_t kBatch = 16;
  std::array<iovec, kBatch> vectors{};
  std::array<mmsghdr, kBatch> messages{};
  while (!datagrams.empty()) {
    const std::size_t count = std::min(kBatch, datagrams.size());
    for (std::size_t i = 0; i < count; ++i) {
      vectors[i].iov_base = const_cast<char*>(datagrams[i].data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
      vectors[i].iov_len = datagrams[i].size();
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(socket_.get(), messages.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
    // A refused or full send drops that datagram and goes on with the next:
    // an ICMP "port unreachable" from an absent daemon fails one send only.
    const std::size_t done = sent > 0 ? static_cast<std::size_t>(sent) : 1;
    datagrams = datagrams.subspan(std::min(done, datagrams.size()));
  }
}

}  // namespace shoppulse::trace
