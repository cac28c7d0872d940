#include "shoppulse/gateway/http_server.h"

#include <algorithm>

#include <httplib.h>

#include "shoppulse/core/ascii.h"

namespace shoppulse::gateway {
namespace {

// API Gateway's payload limit.
constexpr std::size_t kMaxPayloadBytes = std::size_t{10} * 1024 * 1024;

bool pseudo_header(const std::string& name) {
  // cpp-httplib adds these to every request; no client sent them.
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

HttpRequest from_httplib(const httplib::Request& req, int port) {
  HttpRequest out;
  out.method = req.method;
  out.target = req.target.empty() ? req.path : req.target;
  out.body = req.body;
  out.source_ip = req.remote_addr.empty() ? "127.0.0.1" : req.remote_addr;
  out.server_port = port;
  bool decoded_body = false;
  for (const auto& [name, value] : req.headers) {
    if (pseudo_header(name)) continue;
    if (ascii::iequals(name, "Content-Encoding")) {
      const std::string coding = ascii::lower(value);
      // cpp-httplib has already inflated these; the function gets plain bytes.
      if (coding == "gzip" || coding == "deflate" || coding == "br") {
        decoded_body = true;
        continue;
      }
    }
    out.headers.emplace_back(name, value);
  }
  if (decoded_body) {
    out.headers.erase(std::remove_if(out.headers.begin(), out.headers.end(),
                                     [](const auto& h) { return ascii::iequals(h.first, "Content-Length"); }),
                      out.headers.end());
    out.headers.emplace_back("Content-Length", std::to_string(out.body.size()));
  }
  const std::string* host = out.header("Host");
  out.host = host != nullptr ? *host : "127.0.0.1:" + std::to_string(port);
  return out;
}

void to_httplib(HttpResponse response, httplib::Response& res) {
  res.status = response.status;
  std::string content_type;
  for (auto& [name, value] : response.headers) {
    if (ascii::iequals(name, "Content-Type") && content_type.empty()) {
      content_type = value;
      continue;
    }
    res.headers.emplace(name, value);
  }
  if (response.body.empty()) {
    if (!content_type.empty()) res.headers.emplace("Content-Type", content_type);
    return;
  }
  // A sized content provider: cpp-httplib compresses set_content() bodies on
  // its own (a gzip body from the function would be gzipped twice) but never
  // these. API Gateway does not compress either.
  auto body = std::make_shared<std::string>(std::move(response.body));
  res.set_content_provider(body->size(), content_type.empty() ? "application/json" : content_type,
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, std::min(length, body->size() - offset));
                           });
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Gateway& g) : gateway(g) {}
  Gateway& gateway;
  httplib::Server server;
  int port = 0;
};

HttpServer::HttpServer(Gateway& gateway) : impl_(std::make_unique<Impl>(gateway)) {
  Impl& self = *impl_;
  // Enough workers that requests queue in the sandbox pool (where API
  // Gateway's behaviour is modelled), not in the socket accept queue.
  const auto workers = static_cast<std::size_t>(std::max(8, gateway.options().pool.size * 2 + 4));
  self.server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  self.server.set_payload_max_length(kMaxPayloadBytes);
  self.server.set_tcp_nodelay(true);
  self.server.set_read_timeout(30, 0);
  self.server.set_write_timeout(30, 0);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    to_httplib(impl_->gateway.handle(from_httplib(req, impl_->port)), res);
  };
  // What cpp-httplib refuses before any handler runs (a body over the
  // payload limit, gzip it cannot inflate, a request line it cannot read)
  // would go out as an empty body: answer it as infra/api.tf's gateway
  // responses do, in the error envelope. Answers that already have a body
  // (the function's, the gateway's own) pass untouched.
  const httplib::Server::HandlerWithResponse refusal = [this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.content_length_ > 0) return httplib::Server::HandlerResponse::Unhandled;
    to_httplib(impl_->gateway.refusal(res.status), res);
    return httplib::Server::HandlerResponse::Handled;
  };
  self.server.set_error_handler(refusal);
  const std::string any = "/.*";
  self.server.Get(any, handler);
  self.server.Post(any, handler);
  self.server.Put(any, handler);
  self.server.Patch(any, handler);
  self.server.Delete(any, handler);
  self.server.Options(any, handler);
}

HttpServer::~HttpServer() {
  stop();
}

Result<int> HttpServer::bind(const std::string& host, int port) {
  const bool ok =
      port == 0 ? (impl_->port = impl_->server.bind_to_any_port(host)) > 0 : impl_->server.bind_to_port(host, port);
  if (!ok) {
    return fail(Error::make(ErrorKind::kUnavailable, "bind_failed",
                            "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)"));
  }
  if (port != 0) impl_->port = port;
  return impl_->port;
}

bool HttpServer::serve() {
  return impl_->server.listen_after_bind();
}

void HttpServer::stop() {
  if (impl_->server.is_running()) impl_->server.stop();
}

}  // namespace shoppulse::gateway
