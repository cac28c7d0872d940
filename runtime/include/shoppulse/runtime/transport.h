#pragma once
// HTTP transport to the Runtime API: one reused libcurl handle (keep-alive,
// TCP_NODELAY) because every invocation makes at least two requests and a new
// connection each time would cost more than the handler itself.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/api_requests.h"

namespace shoppulse::runtime {

class Transport {
 public:
  virtual ~Transport() = default;
  // timeout 0 = wait forever (/next: the sandbox may be frozen in between).
  virtual Result<HttpResponse> perform(const HttpRequest& request, std::chrono::milliseconds timeout) = 0;
};

class CurlTransport final : public Transport {
 public:
  // `should_abort` is polled while a request waits; returning true aborts it
  // (how SIGTERM interrupts a blocked /next without work in a signal handler).
  static Result<std::unique_ptr<CurlTransport>> create(std::string endpoint, std::function<bool()> should_abort = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> perform(const HttpRequest& request, std::chrono::milliseconds timeout) override;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::runtime
