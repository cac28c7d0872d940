#pragma once
// The test playing the runtime against an emulator started without a
// bootstrap: raw Runtime API calls, so the emulator's rules can be checked
// request by request.

#include <chrono>
#include <cstdint>
#include <future>
#include <string>

#include <httplib.h>

namespace shoppulse::emulator::testing {

struct NextEvent {
  int status = 0;  // 0: no HTTP response (connection failed or dropped)
  std::string request_id;
  httplib::Headers headers;
  std::string body;
};

struct PostReply {
  int status = 0;  // 0: no HTTP response
  std::string body;
};

class FakeRuntime {
 public:
  explicit FakeRuntime(std::uint16_t port) : port_(port) {}

  NextEvent next() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(std::chrono::seconds(30));
    NextEvent event;
    auto res = client.Get("/2018-06-01/runtime/invocation/next");
    if (!res) return event;
    event.status = res->status;
    event.headers = res->headers;
    event.body = res->body;
    event.request_id = res->get_header_value("Lambda-Runtime-Aws-Request-Id");
    return event;
  }

  std::future<NextEvent> next_async() const {
    return std::async(std::launch::async, [this] { return next(); });
  }

  PostReply respond(const std::string& request_id, const std::string& body) const {
    return post("/2018-06-01/runtime/invocation/" + request_id + "/response", body, {});
  }

  PostReply error(const std::string& request_id, const std::string& error_type, const std::string& body) const {
    return post("/2018-06-01/runtime/invocation/" + request_id + "/error", body,
                {{"Lambda-Runtime-Function-Error-Type", error_type}});
  }

  PostReply init_error(const std::string& error_type, const std::string& body) const {
    return post("/2018-06-01/runtime/init/error", body, {{"Lambda-Runtime-Function-Error-Type", error_type}});
  }

  PostReply post(const std::string& path, const std::string& body, const httplib::Headers& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(std::chrono::seconds(30));
    auto res = client.Post(path.c_str(), headers, body, "application/json");
    if (!res) return {};
    return {res->status, res->body};
  }

 private:
  std::uint16_t port_;
};

}  // namespace shoppulse::emulator::testing
