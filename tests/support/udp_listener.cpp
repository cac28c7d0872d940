#include "udp_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>

namespace shoppulse::test {

UdpListener::UdpListener() : socket_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  if (!socket_) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(socket_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return;
  }
  // Room for a burst from many concurrent invocations.
  const int buffer = 4 * 1024 * 1024;
  ::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  port_ = ntohs(address.sin_port);
}

std::vector<std::string> UdpListener::receive(std::size_t count, std::chrono::milliseconds timeout) {
  std::vector<std::string> datagrams;
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::array<char, 65536> buffer{};
  while (datagrams.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd ready{socket_.get(), POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t received = ::recv(socket_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (received >= 0) datagrams.emplace_back(buffer.data(), static_cast<std::size_t>(received));
  }
  return datagrams;
}

}  // namespace shoppulse::test
