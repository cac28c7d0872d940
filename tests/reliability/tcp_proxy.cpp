#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace shoppulse::test {

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
  open_listener();
  thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  close_all();
  if (listener_ >= 0) ::close(listener_);
}

void TcpProxy::open_listener() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("TcpProxy: cannot listen");
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  listener_ = fd;
}

void TcpProxy::close_all() {
  for (const auto& [client, server] : pairs_) {
    ::close(client);
    ::close(server);
  }
  pairs_.clear();
}

void TcpProxy::set_up(bool up) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (up == up_) return;
  up_ = up;
  if (!up) {
    ::close(listener_);
    listener_ = -1;
    close_all();
  } else {
    open_listener();
  }
}

void TcpProxy::run() {
  std::array<char, 16384> buffer{};
  while (!stop_) {
    std::vector<pollfd> fds;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (listener_ >= 0) fds.push_back({listener_, POLLIN, 0});
      for (const auto& [client, server] : pairs_) {
        fds.push_back({client, POLLIN, 0});
        fds.push_back({server, POLLIN, 0});
      }
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : fds) {
      if ((entry.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (entry.fd == listener_) {
        const int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) continue;
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in target{};
        target.sin_family = AF_INET;
        target.sin_port = htons(target_port_);
        target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
          ::close(client);
          ::close(server);
          continue;
        }
        pairs_.emplace_back(client, server);
        continue;
      }
      for (auto it = pairs_.begin(); it != pairs_.end(); ++it) {
        if (it->first != entry.fd && it->second != entry.fd) continue;
        const int peer = it->first == entry.fd ? it->second : it->first;
        const ssize_t n = ::read(entry.fd, buffer.data(), buffer.size());
        if (n <= 0 || ::write(peer, buffer.data(), static_cast<std::size_t>(n)) != n) {
          ::close(it->first);
          ::close(it->second);
          pairs_.erase(it);
        }
        break;
      }
    }
  }
}

}  // namespace shoppulse::test
