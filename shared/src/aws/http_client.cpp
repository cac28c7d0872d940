#include "shoppulse/aws/http_client.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "http_connection.h"
#include "tls_context.h"
#include "shoppulse/core/ascii.h"
#include "shoppulse/core/authority.h"
#include "shoppulse/core/http_wire.h"

namespace shoppulse::aws {
namespace {

constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

Error transport_failure(std::string message) {
  return Error::make(ErrorKind::kUnavailable, std::string(kErrTransport), std::move(message));
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

struct SplitUrl {
  ConnectionTarget target;
  std::string authority;       // host[:port] as the Host header carries it
  std::string request_target;  // path and query
};

// http(s)://host[:port][/path][?query]; IPv6 hosts in brackets.
Result<SplitUrl> split_url(std::string_view url) {
  SplitUrl split;
  if (url.rfind("https://", 0) == 0) {
    split.target.tls = true;
    url.remove_prefix(8);
  } else if (url.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else {
    return fail(Error::make(ErrorKind::kInternal, std::string(kErrTransport), "AWS endpoint URL must be http(s)"));
  }
  const std::size_t path_at = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, path_at);
  const std::string_view rest = path_at == std::string_view::npos ? std::string_view() : url.substr(path_at);
  const net::Authority parts = net::split_authority(authority);
  if (parts.problem != net::AuthorityProblem::kNone || authority.find_first_of("@ \t\r\n") != std::string_view::npos ||
      has_line_break(rest) || rest.find_first_of(" #") != std::string_view::npos) {
    return fail(transport_failure("AWS endpoint URL is malformed"));
  }
  split.target.host = std::string(parts.host);
  split.target.port = parts.port.empty() ? (split.target.tls ? "443" : "80") : std::string(parts.port);
  split.authority = std::string(authority);
  split.request_target = rest.empty() ? "/" : rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return split;
}

Result<std::string> render_request(const HttpRequest& request, const SplitUrl& url, const HttpClientOptions& options) {
  std::string wire;
  wire.reserve(512 + request.body.size());
  wire.append(request.method).append(" ").append(url.request_target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_user_agent = false;
  for (const auto& header : request.headers) {
    if (header.name.empty() || has_line_break(header.name) || has_line_break(header.value) ||
        header.name.find_first_of(": \t") != std::string::npos) {
      return fail(Error::make(ErrorKind::kInternal, std::string(kErrTransport), "HTTP header is malformed"));
    }
    // The body's length is the client's to state, from the body it sends.
    if (ascii::iequals(header.name, "content-length") || ascii::iequals(header.name, "transfer-encoding")) continue;
    has_host = has_host || ascii::iequals(header.name, "host");
    has_user_agent = has_user_agent || ascii::iequals(header.name, "user-agent");
    wire.append(header.name).append(": ").append(header.value).append("\r\n");
  }
  if (!has_host) wire.append("Host: ").append(url.authority).append("\r\n");
  if (!has_user_agent && !options.user_agent.empty()) {
    wire.append("User-Agent: ").append(options.user_agent).append("\r\n");
  }
  if (!request.body.empty() || (request.method != "GET" && request.method != "HEAD")) {
    wire.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  wire.append("\r\n").append(request.body);
  return wire;
}

bool body_is_empty_by_status(long status) {
  return status == 204 || status == 304;
}

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  std::mutex mutex;              // guards the two members below, never held during I/O
  std::shared_ptr<SSL_CTX> tls;  // made on the first https connection
  // Kept alive between requests. A request borrows one (or opens one) and
  // returns it if it is still good: one at a time this is always the same
  // connection; concurrent invocations (Managed Instances) each get their
  // own instead of queueing behind one another's round trips.
  std::vector<HttpConnection> idle;
  std::atomic<std::uint64_t> connections{0};

  Result<std::shared_ptr<SSL_CTX>> tls_context();
  // Reads one response off `connection`. `received_any` tells whether the
  // peer said anything before a failure (if not, a retry on a new connection
  // is safe).
  Result<HttpResponse> read_response(HttpConnection& connection, bool head_request, net::Clock::time_point deadline,
                                     bool& received_any, bool& keep_alive);
  // Sends on `connection` (reused when it fits, else replaced); leaves it
  // set only when it may be kept alive.
  Result<HttpResponse> exchange(std::optional<HttpConnection>& connection, const SplitUrl& url, std::string_view wire,
                                bool head_request, net::Clock::time_point deadline);
};

Result<std::shared_ptr<SSL_CTX>> HttpClient::Impl::tls_context() {
  const std::lock_guard<std::mutex> lock(mutex);
  if (!tls) {
    auto context = shared_tls_context(options.ca_bundle);
    if (!context) return fail(std::move(context).error());
    tls = std::move(context).value();
  }
  return tls;
}

Result<HttpResponse> HttpClient::Impl::read_response(HttpConnection& connection, bool head_request,
                                                     net::Clock::time_point deadline, bool& received_any,
                                                     bool& keep_alive) {
  std::string buffer;
  std::vector<http1::HeaderView> views;
  http1::ResponseHead head;
  received_any = false;
  keep_alive = false;
  const std::size_t limit = options.max_response_bytes;
  const auto too_large = [] {
    return Error::make(ErrorKind::kBadGateway, std::string(kErrResponseTooLarge),
                       "AWS response exceeded the configured size limit");
  };
  const auto malformed = [](std::string_view what) {
    return Error::make(ErrorKind::kBadGateway, std::string(kErrTransport),
                       "AWS endpoint sent a malformed response (" + std::string(what) + ")");
  };
  // Phase 1: the head, skipping interim (1xx) responses.
  while (true) {
    const http1::WireState state = http1::parse_response_head(buffer, head, views);
    if (state == http1::WireState::kInvalid) return fail(malformed("head"));
    if (state == http1::WireState::kComplete) {
      if (head.status >= 200) break;
      buffer.erase(0, head.size);
      continue;
    }
    const std::size_t old_size = buffer.size();
    buffer.resize(old_size + kReadChunk);
    auto got = connection.read_some(buffer.data() + old_size, kReadChunk, deadline);
    if (!got) return fail(std::move(got).error());
    buffer.resize(old_size + *got);
    if (*got == 0) {
      return fail(Error::make(
          ErrorKind::kUnavailable, std::string(kErrConnectFailed),
          received_any ? "AWS endpoint closed the connection mid-response" : "AWS endpoint closed the connection"));
    }
    received_any = true;
  }
  HttpResponse response;
  response.status = head.status;
  response.headers.reserve(views.size());
  for (const auto& view : views) response.headers.push_back({std::string(view.name), std::string(view.value)});
  std::string raw = buffer.substr(head.size);
  buffer.clear();

  const auto read_more = [&](std::size_t& got) -> Status {
    const std::size_t old_size = raw.size();
    raw.resize(old_size + kReadChunk);
    auto read = connection.read_some(raw.data() + old_size, kReadChunk, deadline);
    if (!read) return fail(std::move(read).error());
    raw.resize(old_size + *read);
    got = *read;
    return {};
  };
  keep_alive = !head.close;
  if (head_request || body_is_empty_by_status(head.status)) {
    if (!raw.empty()) keep_alive = false;  // bytes nobody asked for: the stream is out of step
    return response;
  }
  if (head.chunked) {
    // The limit applies to the decoded body; the raw bound only stops
    // pathological framing (one-byte chunks) from growing without end.
    http1::ChunkedDecoder decoder(~std::uint64_t{0});
    while (true) {
      const http1::WireState state = decoder.step(raw.data(), raw.size());
      if (state == http1::WireState::kComplete) break;
      if (state == http1::WireState::kInvalid) return fail(malformed("chunked body"));
      if (decoder.decoded() > limit || raw.size() > 8 * limit + kReadChunk) return fail(too_large());
      std::size_t got = 0;
      if (Status read = read_more(got); !read) return fail(std::move(read).error());
      if (got == 0) return fail(malformed("connection closed inside the body"));
    }
    if (decoder.decoded() > limit) return fail(too_large());
    if (decoder.consumed() != raw.size()) keep_alive = false;
    raw.resize(decoder.decoded());
    response.body = std::move(raw);
    return response;
  }
  if (head.content_length) {
    if (*head.content_length > limit) return fail(too_large());
    const auto expected = static_cast<std::size_t>(*head.content_length);
    while (raw.size() < expected) {
      std::size_t got = 0;
      if (Status read = read_more(got); !read) return fail(std::move(read).error());
      if (got == 0) return fail(malformed("connection closed inside the body"));
    }
    if (raw.size() > expected) keep_alive = false;
    raw.resize(expected);
    response.body = std::move(raw);
    return response;
  }
  // No length: the body runs to the end of the connection.
  keep_alive = false;
  while (true) {
    if (raw.size() > limit) return fail(too_large());
    std::size_t got = 0;
    if (Status read = read_more(got); !read) return fail(std::move(read).error());
    if (got == 0) break;
  }
  response.body = std::move(raw);
  return response;
}

Result<HttpResponse> HttpClient::Impl::exchange(std::optional<HttpConnection>& connection, const SplitUrl& url,
                                                std::string_view wire, bool head_request,
                                                net::Clock::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    const bool reused = connection && connection->target() == url.target && connection->usable_when_idle();
    if (!reused) {
      connection.reset();
      const auto connect_deadline = std::min(deadline, net::Clock::now() + options.connect_timeout);
      std::shared_ptr<SSL_CTX> context;
      if (url.target.tls) {
        auto made = tls_context();
        if (!made) return fail(std::move(made).error());
        context = std::move(made).value();
      }
      auto opened = HttpConnection::open(url.target, context.get(), connect_deadline);
      if (!opened) {
        // The connect timeout is not the request's: a request that still had
        // time reports the endpoint as unreachable (and retryable).
        if (opened.error().kind == ErrorKind::kTimeout && connect_deadline < deadline) {
          return fail(Error::make(ErrorKind::kUnavailable, std::string(kErrConnectFailed),
                                  "AWS endpoint unreachable: connect timed out"));
        }
        return fail(std::move(opened).error());
      }
      connection.emplace(std::move(opened).value());
      ++connections;
    }
    bool received_any = false;
    bool keep_alive = false;
    Status sent = connection->write_all(wire, deadline);
    Result<HttpResponse> response = sent ? read_response(*connection, head_request, deadline, received_any, keep_alive)
                                         : fail(std::move(sent).error());
    if (response && keep_alive) return response;
    connection.reset();
    if (response) return response;
    // A kept-alive connection the endpoint closed while idle fails before any
    // reply: retried once on a new connection, as HTTP clients do.
    const bool retry = reused && attempt == 0 && !received_any && response.error().kind == ErrorKind::kUnavailable;
    if (!retry) return response;
  }
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", "AWS HTTP timeouts must be positive"));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

const HttpClientOptions& HttpClient::options() const noexcept {
  return impl_->options;
}
std::uint64_t HttpClient::connections_opened() const noexcept {
  return impl_->connections.load();
}

Result<HttpResponse> HttpClient::perform(const HttpRequest& request) {
  auto url = split_url(request.url);
  if (!url) return fail(std::move(url).error());
  auto wire = render_request(request, *url, impl_->options);
  if (!wire) return fail(std::move(wire).error());
  const auto deadline = net::Clock::now() + impl_->options.request_timeout;
  std::optional<HttpConnection> connection;
  {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!impl_->idle.empty()) {
      connection.emplace(std::move(impl_->idle.back()));
      impl_->idle.pop_back();
    }
  }
  Result<HttpResponse> response = impl_->exchange(connection, *url, *wire, request.method == "HEAD", deadline);
  if (connection) {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->idle.push_back(std::move(*connection));
  }
  return response;
}

}  // namespace shoppulse::aws
