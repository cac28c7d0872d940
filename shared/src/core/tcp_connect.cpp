#include "shoppulse/core/tcp_connect.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace shoppulse::net {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 24LL * 3600 * 1000));
}

}  // namespace

bool wait_ready(int fd, short events, Clock::time_point deadline) {
  pollfd ready{fd, events, 0};
  while (true) {
    const int rc = ::poll(&ready, 1, remaining_ms(deadline));
    if (rc > 0) return true;
    if (rc == 0 || errno != EINTR) return false;
  }
}

Result<UniqueFd> connect_tcp(const std::string& host, const std::string& port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const int resolved = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw);
  const std::unique_ptr<addrinfo, AddrinfoDeleter> found(raw);
  if (resolved != 0 || !found) {
    return fail(Error::make(ErrorKind::kUnavailable, std::string(kErrResolve),
                            std::string("cannot resolve the host: ") + ::gai_strerror(resolved)));
  }
  int last_error = 0;
  bool timed_out = false;
  for (const addrinfo* at = found.get(); at != nullptr; at = at->ai_next) {
    UniqueFd socket_fd(::socket(at->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!socket_fd) {
      last_error = errno;
      continue;
    }
    int rc = ::connect(socket_fd.get(), at->ai_addr, at->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      int so_error = ETIMEDOUT;
      socklen_t length = sizeof so_error;
      if (wait_ready(socket_fd.get(), POLLOUT, deadline)) {
        ::getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &length);
      } else {
        timed_out = true;
      }
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc != 0) {
      last_error = errno;
      if (timed_out) break;
      continue;
    }
    const int one = 1;
    ::setsockopt(socket_fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return socket_fd;
  }
  if (timed_out) {
    return fail(Error::make(ErrorKind::kTimeout, std::string(kErrConnectTimeout), "connect timed out"));
  }
  return fail(Error::make(ErrorKind::kUnavailable, std::string(kErrConnect),
                          std::string("connect failed: ") + std::strerror(last_error)));
}

}  // namespace shoppulse::net
