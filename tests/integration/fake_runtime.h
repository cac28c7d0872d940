#pragma once
// The test playing the runtime (and its internal extension) against an
// emulator started without a bootstrap: raw Runtime API and Extensions API
// calls, so the emulator's rules can be checked request by request.

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

// An Extensions API answer.
struct ExtensionReply {
  int status = 0;  // 0: no HTTP response (connection failed or dropped)
  httplib::Headers headers;
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
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

  // An internal extension of this runtime: POST /2020-01-01/extension/register.
  ExtensionReply register_extension(const std::string& name, const std::string& body) const {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (!name.empty()) headers.emplace("Lambda-Extension-Name", name);
    auto res = client.Post("/2020-01-01/extension/register", headers, body, "application/json");
    if (!res) return {};
    return {res->status, res->headers, res->body};
  }

  // GET /2020-01-01/extension/event/next (no identifier header when empty).
  ExtensionReply extension_next(const std::string& identifier) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(std::chrono::seconds(30));
    httplib::Headers headers;
    if (!identifier.empty()) headers.emplace("Lambda-Extension-Identifier", identifier);
    auto res = client.Get("/2020-01-01/extension/event/next", headers);
    if (!res) return {};
    return {res->status, res->headers, res->body};
  }

  std::future<ExtensionReply> extension_next_async(const std::string& identifier) const {
    return std::async(std::launch::async, [this, identifier] { return extension_next(identifier); });
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
