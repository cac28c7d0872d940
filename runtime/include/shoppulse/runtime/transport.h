#pragma once
// HTTP transport to the Runtime API. The production one is a blocking
// HTTP/1.1 client on one keep-alive TCP connection: an invocation costs one
// send(2) and usually one recv(2) per request, with no poll(2) and no
// allocation once warm, where a general-purpose client's state machine spent
// more CPU than the handler.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/http.h"

namespace shoppulse::runtime {

struct RequestOptions {
  // 0 = wait as long as it takes (/next: the sandbox may be frozen between
  // events), and let a shutdown request end the wait.
  std::chrono::milliseconds timeout{0};
  std::uint64_t max_body = 0;  // larger responses are refused
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` and reads its response into `response`. Errors are
  // kUnavailable (connection), kTimeout or kInternal (protocol).
  virtual Status round_trip(const HttpRequest& request, const RequestOptions& options, HttpResponse& response) = 0;
};

class SocketTransport final : public Transport {
 public:
  // `endpoint` is AWS_LAMBDA_RUNTIME_API: host:port, [v6]:port or
  // http://host:port. Nothing is connected until the first request.
  static Result<std::unique_ptr<SocketTransport>> create(std::string_view endpoint);
  ~SocketTransport() override;
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  Status round_trip(const HttpRequest& request, const RequestOptions& options, HttpResponse& response) override;

 private:
  struct Impl;
  explicit SocketTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::runtime
