#include "http_connection.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "shoppulse/aws/http_client.h"
#include "tls_context.h"

namespace shoppulse::aws {
namespace {

Error unreachable(std::string_view what) {
  return Error::make(ErrorKind::kUnavailable, std::string(kErrConnectFailed),
                     "AWS endpoint unreachable: " + std::string(what));
}

Error timed_out(std::string_view doing) {
  return Error::make(ErrorKind::kTimeout, std::string(kErrTimeout), "AWS request timed out " + std::string(doing));
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

HttpConnection::HttpConnection(ConnectionTarget target, UniqueFd fd, std::unique_ptr<SSL, SslDeleter> ssl) noexcept
    : target_(std::move(target)), fd_(std::move(fd)), ssl_(std::move(ssl)) {}

Result<HttpConnection> HttpConnection::open(const ConnectionTarget& target, SSL_CTX* tls,
                                            net::Clock::time_point deadline) {
  auto connected = net::connect_tcp(target.host, target.port, deadline);
  if (!connected) {
    if (connected.error().kind == ErrorKind::kTimeout) return fail(timed_out("connecting"));
    return fail(unreachable(connected.error().message));
  }
  const int one = 1;
  ::setsockopt(connected->get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  HttpConnection connection(target, std::move(connected).value(), nullptr);
  if (!target.tls) return connection;

  connection.ssl_.reset(SSL_new(tls));
  SSL* ssl = connection.ssl_.get();
  if (ssl == nullptr || SSL_set_fd(ssl, connection.fd_.get()) != 1) {
    return fail(unreachable("cannot start TLS: " + take_openssl_error()));
  }
  X509_VERIFY_PARAM* verify = SSL_get0_param(ssl);
  if (is_ip_literal(target.host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(verify, target.host.c_str()) != 1) return fail(tls_failed("bad IP address"));
  } else {
    X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // SNI; SSL_set_tlsext_host_name is this call behind a C-style cast.
    const long sni = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                              const_cast<char*>(target.host.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    if (SSL_set1_host(ssl, target.host.c_str()) != 1 || sni != 1) {
      return fail(tls_failed("bad host name"));
    }
  }
  while (true) {
    const int result = SSL_connect(ssl);
    if (result == 1) break;
    if (const long verified = SSL_get_verify_result(ssl); verified != X509_V_OK) {
      ERR_clear_error();
      return fail(tls_failed(X509_verify_cert_error_string(verified)));
    }
    if (Status waited = connection.wait_for_tls(result, deadline, "in the TLS handshake"); !waited) {
      return fail(std::move(waited).error());
    }
  }
  return connection;
}

Status HttpConnection::wait_for_tls(int result, net::Clock::time_point deadline, std::string_view doing) {
  const int reason = SSL_get_error(ssl_.get(), result);
  short events = 0;
  if (reason == SSL_ERROR_WANT_READ) {
    events = POLLIN;
  } else if (reason == SSL_ERROR_WANT_WRITE) {
    events = POLLOUT;
  } else {
    const int error_number = errno;
    std::string why =
        reason == SSL_ERROR_SYSCALL && error_number != 0 ? std::strerror(error_number) : take_openssl_error();
    ERR_clear_error();
    return fail(unreachable("TLS failed " + std::string(doing) + ": " + why));
  }
  if (!net::wait_ready(fd_.get(), events, deadline)) return fail(timed_out(doing));
  return {};
}

Status HttpConnection::write_all(std::string_view bytes, net::Clock::time_point deadline) {
  while (!bytes.empty()) {
    if (ssl_) {
      std::size_t written = 0;
      const int result = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written);
      if (result == 1) {
        bytes.remove_prefix(written);
        continue;
      }
      if (Status waited = wait_for_tls(result, deadline, "sending the request"); !waited) return waited;
      continue;
    }
    const ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(unreachable(std::string("sending the request failed: ") + std::strerror(errno)));
    }
    if (!net::wait_ready(fd_.get(), POLLOUT, deadline)) return fail(timed_out("sending the request"));
  }
  return {};
}

Result<std::size_t> HttpConnection::read_some(char* out, std::size_t size, net::Clock::time_point deadline) {
  while (true) {
    if (ssl_) {
      std::size_t got = 0;
      const int result = SSL_read_ex(ssl_.get(), out, size, &got);
      if (result == 1) return got;
      if (SSL_get_error(ssl_.get(), result) == SSL_ERROR_ZERO_RETURN) return std::size_t{0};
      if (Status waited = wait_for_tls(result, deadline, "reading the response"); !waited) {
        return fail(std::move(waited).error());
      }
      continue;
    }
    const ssize_t got = ::recv(fd_.get(), out, size, 0);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(unreachable(std::string("reading the response failed: ") + std::strerror(errno)));
    }
    if (!net::wait_ready(fd_.get(), POLLIN, deadline)) return fail(timed_out("reading the response"));
  }
}

bool HttpConnection::usable_when_idle() {
  pollfd idle{fd_.get(), POLLIN, 0};
  if (::poll(&idle, 1, 0) == 0) return true;  // nothing arrived: still open
  if (!ssl_ || (idle.revents & (POLLERR | POLLHUP)) != 0) return false;
  // TLS 1.3 session tickets can arrive after a response; they make the socket
  // readable without carrying data. Peeking (non-blocking) consumes them.
  char byte = 0;
  std::size_t got = 0;
  const int result = SSL_peek_ex(ssl_.get(), &byte, 1, &got);
  const bool open = result != 1 && SSL_get_error(ssl_.get(), result) == SSL_ERROR_WANT_READ;
  ERR_clear_error();
  return open;
}

}  // namespace shoppulse::aws
