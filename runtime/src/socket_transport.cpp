#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string>

#include "shoppulse/core/authority.h"
#include "shoppulse/core/http_wire.h"
#include "shoppulse/core/tcp_connect.h"
#include "shoppulse/core/unique_fd.h"
#include "shoppulse/runtime/shutdown.h"
#include "shoppulse/runtime/transport.h"

namespace shoppulse::runtime {
namespace {

using http1::ChunkedDecoder;
using http1::parse_response_head;
using http1::ResponseHead;
using http1::WireState;

constexpr int kConnectTimeoutMs = 2000;
// Per-recv/send limit. A request with no timeout (/next) simply waits again.
constexpr int kIoTimeoutSeconds = 30;
constexpr std::size_t kInitialBuffer = std::size_t{64} * 1024;
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

Error unreachable(std::string_view what, int error_number = 0) {
  std::string message = "Runtime API: ";
  message.append(what);
  if (error_number != 0) message.append(": ").append(std::strerror(error_number));
  return Error::make(ErrorKind::kUnavailable, "runtime_api_unreachable", std::move(message));
}

Error protocol_error(std::string_view what) {
  return Error::make(ErrorKind::kInternal, "runtime_api_protocol", "Runtime API: " + std::string(what));
}

Error aborted() {
  return Error::make(ErrorKind::kUnavailable, "aborted", "Runtime API: wait abandoned for shutdown");
}

struct Endpoint {
  std::string host;
  std::string port;
  std::string authority;  // Host header value
};

Result<Endpoint> parse_endpoint(std::string_view text) {
  if (text.substr(0, 7) == "http://") text.remove_prefix(7);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (text.empty()) {
    return fail(Error::make(ErrorKind::kInvalidInput, "missing_runtime_api", "AWS_LAMBDA_RUNTIME_API is not set"));
  }
  const net::Authority split = net::split_authority(text);
  if (split.problem != net::AuthorityProblem::kNone) {
    return fail(
        Error::make(ErrorKind::kInvalidInput, "invalid_runtime_api", "AWS_LAMBDA_RUNTIME_API must be host:port"));
  }
  Endpoint endpoint;
  endpoint.authority = std::string(text);
  endpoint.host = std::string(split.host);
  endpoint.port = split.port.empty() ? "80" : std::string(split.port);
  return endpoint;
}

}  // namespace

struct SocketTransport::Impl {
  Endpoint endpoint;
  UniqueFd fd;
  bool reused = false;  // the connection has carried a complete exchange
  std::string head;     // request head rendering, reused
  ResponseHead response_head;

  Status connect_now() {
    fd.reset();
    reused = false;
    auto connected = net::connect_tcp(endpoint.host, endpoint.port,
                                      net::Clock::now() + std::chrono::milliseconds(kConnectTimeoutMs));
    if (!connected)
      return fail(unreachable("cannot connect to " + endpoint.authority + ": " + connected.error().message));
    UniqueFd socket_fd = std::move(connected).value();
    // Blocking from here on: one recv(2) waits for a whole reply, no poll(2).
    const int flags = ::fcntl(socket_fd.get(), F_GETFL);
    ::fcntl(socket_fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    const timeval io_timeout{kIoTimeoutSeconds, 0};
    ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_RCVTIMEO, &io_timeout, sizeof io_timeout);
    ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_SNDTIMEO, &io_timeout, sizeof io_timeout);
    fd = std::move(socket_fd);
    return {};
  }

  void render_head(const HttpRequest& request) {
    head.clear();
    head.append(request.method()).append(" ").append(request.path()).append(" HTTP/1.1\r\nHost: ");
    head.append(endpoint.authority).append("\r\n");
    for (const HttpHeader* h = request.headers_begin(); h != request.headers_end(); ++h) {
      head.append(h->name).append(": ").append(h->value).append("\r\n");
    }
    if (request.method() != "GET" || !request.body().empty()) {
      char digits[24];
      const auto written = std::to_chars(digits, digits + sizeof digits, request.body().size());
      head.append("Content-Length: ").append(digits, static_cast<std::size_t>(written.ptr - digits)).append("\r\n");
    }
    head.append("\r\n");
  }

  // Head and body in one sendmsg(2): one TCP segment for a typical response.
  Status send_request(const HttpRequest& request) {
    std::string_view parts[2] = {head, request.body()};
    std::size_t part = 0;
    while (part < 2) {
      iovec vectors[2];
      int count = 0;
      for (std::size_t i = part; i < 2; ++i) {
        if (parts[i].empty()) continue;
        vectors[count].iov_base = const_cast<char*>(parts[i].data());  // NOLINT: sendmsg does not write
        vectors[count].iov_len = parts[i].size();
        ++count;
      }
      if (count == 0) break;
      msghdr message{};
      message.msg_iov = vectors;
      message.msg_iovlen = static_cast<std::size_t>(count);
      const ssize_t sent = ::sendmsg(fd.get(), &message, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        return fail(unreachable("sending a request failed", errno));
      }
      auto left = static_cast<std::size_t>(sent);
      while (part < 2 && left >= parts[part].size()) {
        left -= parts[part].size();
        ++part;
      }
      if (part < 2) parts[part].remove_prefix(left);
    }
    return {};
  }

  // Reads one response. `received_any` tells the caller whether a failure
  // happened before the server said anything (then a retry is safe).
  Status receive(const RequestOptions& options, HttpResponse& response, bool& received_any, bool& close_after) {
    ByteBuffer& buffer = response.storage;
    buffer.clear();
    buffer.reserve(kInitialBuffer);
    response.headers.clear();
    response.body = {};
    received_any = false;
    enum class Body { kUnknown, kLength, kChunked, kUntilClose } mode = Body::kUnknown;
    std::uint64_t expected = 0;
    ChunkedDecoder chunked(options.max_body != 0 ? options.max_body : ~std::uint64_t{0});
    const char* head_parsed_in = nullptr;  // where the header views point
    close_after = false;
    const bool no_limit = options.timeout.count() == 0;

    while (true) {
      if (buffer.spare_size() < kReadChunk) buffer.reserve(buffer.size() + kReadChunk);
      const ssize_t got = ::recv(fd.get(), buffer.spare(), buffer.spare_size(), 0);
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
          if (no_limit && ShutdownSignal::requested().load()) return fail(aborted());
          if (errno == EINTR || no_limit) continue;
          return fail(Error::make(ErrorKind::kTimeout, "runtime_api_timeout", "Runtime API: no answer in time"));
        }
        return fail(unreachable("reading a response failed", errno));
      }
      if (got == 0) {
        if (no_limit && ShutdownSignal::requested().load()) return fail(aborted());
        if (mode == Body::kUntilClose) {
          close_after = true;
          break;
        }
        return fail(unreachable(received_any ? "connection closed mid-response" : "connection closed"));
      }
      received_any = true;
      buffer.commit(static_cast<std::size_t>(got));

      if (mode == Body::kUnknown) {
        const WireState state = parse_response_head(buffer.view(), response_head, response.headers);
        if (state == WireState::kIncomplete) continue;
        if (state == WireState::kInvalid) return fail(protocol_error("malformed response head"));
        head_parsed_in = buffer.data();
        if (response_head.status >= 100 && response_head.status < 200) {
          buffer.consume_front(response_head.size);  // 100 Continue and the like: the answer follows
          continue;
        }
        close_after = response_head.close;
        if (response_head.chunked) {
          mode = Body::kChunked;
        } else if (response_head.content_length) {
          mode = Body::kLength;
          expected = *response_head.content_length;
          if (options.max_body != 0 && expected > options.max_body) {
            return fail(protocol_error("response body exceeds the limit"));
          }
          buffer.reserve(response_head.size + static_cast<std::size_t>(expected));
        } else {
          mode = Body::kUntilClose;
        }
      }
      const std::size_t body_bytes = buffer.size() - response_head.size;
      if (mode == Body::kLength) {
        if (body_bytes < expected) continue;
        if (body_bytes > expected) close_after = true;  // nothing was pipelined: the stream is out of step
        response.body = std::string_view(buffer.data() + response_head.size, static_cast<std::size_t>(expected));
        break;
      }
      if (mode == Body::kChunked) {
        const WireState state = chunked.step(buffer.data() + response_head.size, body_bytes);
        if (state == WireState::kIncomplete) continue;
        if (state == WireState::kInvalid) return fail(protocol_error("malformed chunked body"));
        if (chunked.consumed() != body_bytes) close_after = true;
        buffer.truncate(response_head.size + chunked.decoded());
        response.body = std::string_view(buffer.data() + response_head.size, chunked.decoded());
        break;
      }
      if (options.max_body != 0 && body_bytes > options.max_body) {
        return fail(protocol_error("response body exceeds the limit"));
      }
    }
    if (mode == Body::kUntilClose) {
      response.body = std::string_view(buffer.data() + response_head.size, buffer.size() - response_head.size);
    }
    // A buffer that grew after the head was parsed moved it: point the header
    // views at the final bytes.
    if (buffer.data() != head_parsed_in) {
      static_cast<void>(parse_response_head(buffer.view(), response_head, response.headers));
    }
    response.status = response_head.status;
    return {};
  }

  Status exchange(const HttpRequest& request, const RequestOptions& options, HttpResponse& response) {
    for (int attempt = 0;; ++attempt) {
      if (!fd) {
        if (Status connected = connect_now(); !connected) return connected;
      }
      const bool was_reused = reused;
      // Only a wait for an event is ended by a shutdown request; a post in
      // flight completes.
      const bool watched = options.timeout.count() == 0;
      const int socket_fd = fd.get();
      if (watched && !ShutdownSignal::watch(socket_fd)) return fail(aborted());
      bool received_any = false;
      bool close_after = false;
      Status outcome = send_request(request);
      if (outcome) outcome = receive(options, response, received_any, close_after);
      if (watched) ShutdownSignal::unwatch(socket_fd);
      if (outcome) {
        if (close_after) {
          fd.reset();
        } else {
          reused = true;
        }
        return outcome;
      }
      fd.reset();  // a connection that failed mid-exchange is out of step
      // A kept-alive connection the server closed while idle fails before
      // any reply: that request is retried once on a new connection, as HTTP
      // clients do.
      const bool retry = was_reused && !received_any && attempt == 0 &&
                         outcome.error().kind == ErrorKind::kUnavailable && outcome.error().code != "aborted";
      if (!retry) return outcome;
    }
  }
};

SocketTransport::SocketTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SocketTransport::~SocketTransport() = default;

Result<std::unique_ptr<SocketTransport>> SocketTransport::create(std::string_view endpoint) {
  auto parsed = parse_endpoint(endpoint);
  if (!parsed) return fail(std::move(parsed).error());
  auto impl = std::make_unique<Impl>();
  impl->endpoint = std::move(parsed).value();
  impl->head.reserve(512);
  return std::unique_ptr<SocketTransport>(new SocketTransport(std::move(impl)));
}

Status SocketTransport::round_trip(const HttpRequest& request, const RequestOptions& options, HttpResponse& response) {
  if (!request.valid()) return fail(protocol_error("request does not fit (path or headers)"));
  impl_->render_head(request);
  return impl_->exchange(request, options, response);
}

}  // namespace shoppulse::runtime
