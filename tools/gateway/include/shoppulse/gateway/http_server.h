#pragma once
// The socket side of the local gateway (cpp-httplib, kept out of the other
// headers): accepts HTTP/1.1 on 127.0.0.1, hands each request to Gateway.

#include <memory>
#include <string>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/gateway.h"

namespace shoppulse::gateway {

class HttpServer {
 public:
  explicit HttpServer(Gateway& gateway);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds (port 0: any free port) and returns the bound port.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop(); false if serving failed.
  bool serve();
  // Thread-safe.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::gateway
