#pragma once
// One connection of the AWS HTTPS client: TCP, with TLS for https. TLS always
// verifies the certificate chain against the client's trust anchors and the
// certificate's name (or IP address) against the host. All I/O is
// non-blocking with a deadline, so a stalled endpoint costs at most the
// request's timeout. Internal to shoppulse_aws.

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/core/tcp_connect.h"
#include "shoppulse/core/unique_fd.h"

namespace shoppulse::aws {

struct ConnectionTarget {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;

  bool operator==(const ConnectionTarget&) const = default;
};

class HttpConnection {
 public:
  // Connects and, for TLS, completes the verified handshake before `deadline`
  // (`tls`: the context from tls_context.h; unused for plain http).
  static Result<HttpConnection> open(const ConnectionTarget& target, SSL_CTX* tls, net::Clock::time_point deadline);

  Status write_all(std::string_view bytes, net::Clock::time_point deadline);
  // Up to `size` bytes into `out`; 0 once the peer has closed the connection.
  Result<std::size_t> read_some(char* out, std::size_t size, net::Clock::time_point deadline);
  // False when the peer closed the idle connection (or sent something nobody
  // asked for): it cannot carry another request.
  [[nodiscard]] bool usable_when_idle();
  [[nodiscard]] const ConnectionTarget& target() const noexcept { return target_; }

 private:
  struct SslDeleter {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
  };
  HttpConnection(ConnectionTarget target, UniqueFd fd, std::unique_ptr<SSL, SslDeleter> ssl) noexcept;
  // Waits for what OpenSSL asked for after `result`; an error for anything else.
  Status wait_for_tls(int result, net::Clock::time_point deadline, std::string_view doing);

  ConnectionTarget target_;
  UniqueFd fd_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
};

}  // namespace shoppulse::aws
