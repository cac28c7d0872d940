#include "runtime_api_server.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <limits>
#include <thread>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include "shoppulse/emulator/ids.h"

namespace shoppulse::emulator {
namespace {

constexpr const char* kBase = "/2018-06-01/runtime";
constexpr const char* kExtensionBase = "/2020-01-01/extension";

Error server_error(const std::string& what) {
  return Error::make(ErrorKind::kInternal, "runtime_api_listen_failed", what);
}

int local_port_of(int fd, bool peer) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  auto* raw = reinterpret_cast<sockaddr*>(&addr);
  const int rc = peer ? ::getpeername(fd, raw, &len) : ::getsockname(fd, raw, &len);
  if (rc != 0 || addr.sin_family != AF_INET) return -1;
  return ntohs(addr.sin_port);
}

// httplib does not expose a request's socket, and answering a parked /next
// would look like an HTTP error rather than a lost connection. Find the
// socket by its port pair and shut it down: the runtime sees EOF, as when a
// sandbox's network goes away. httplib later closes the fd itself.
void drop_connection(int local_port, int remote_port) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    const int sock = static_cast<int>(fd);
    if (local_port_of(sock, false) == local_port && local_port_of(sock, true) == remote_port) {
      ::shutdown(sock, SHUT_RDWR);
    }
  }
  ::closedir(dir);
}

void reply(httplib::Response& res, const HttpReply& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
}

Result<std::uint16_t> reserve_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(server_error(std::string("socket: ") + std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return fail(server_error(std::string("bind: ") + std::strerror(errno)));
  }
  const int port = local_port_of(fd, false);
  ::close(fd);
  return static_cast<std::uint16_t>(port);
}

}  // namespace

RuntimeApiServer::RuntimeApiServer(InvocationBroker& broker, ServerSettings settings)
    : broker_(broker), settings_(std::move(settings)) {}

RuntimeApiServer::~RuntimeApiServer() {
  stop();
}

void RuntimeApiServer::install_routes(httplib::Server& server) {
  server.Get(std::string(kBase) + "/invocation/next", [this](const httplib::Request& req, httplib::Response& res) {
    NextResult next = broker_.wait_next();
    if (next.reject) return reply(res, *next.reject);
    if (!next.delivery) {
      drop_connection(req.local_port, req.remote_port);
      res.status = 500;
      return;
    }
    const Delivery& d = *next.delivery;
    res.status = 200;
    res.set_header("Lambda-Runtime-Aws-Request-Id", d.request_id);
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(d.deadline_ms));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn", settings_.function_arn);
    res.set_header("Lambda-Runtime-Trace-Id", d.trace_id);
    if (d.client_context) res.set_header("Lambda-Runtime-Client-Context", *d.client_context);
    if (d.cognito_identity) res.set_header("Lambda-Runtime-Cognito-Identity", *d.cognito_identity);
    if (d.tenant_id) res.set_header("Lambda-Runtime-Aws-Tenant-Id", *d.tenant_id);
    res.set_content(d.payload, "application/json");
  });
  server.Post(std::string(kBase) + R"(/invocation/([^/]+)/response)",
              [this](const httplib::Request& req, httplib::Response& res) {
                reply(res, broker_.post_response(req.matches[1], req.body, req.get_header_value("Content-Type")));
              });
  server.Post(
      std::string(kBase) + R"(/invocation/([^/]+)/error)", [this](const httplib::Request& req, httplib::Response& res) {
        reply(res, broker_.post_error(req.matches[1], req.get_header_value("Lambda-Runtime-Function-Error-Type"),
                                      req.body, req.get_header_value("Content-Type"),
                                      req.get_header_value("Lambda-Runtime-Function-XRay-Error-Cause")));
      });
  server.Post(std::string(kBase) + "/init/error", [this](const httplib::Request& req, httplib::Response& res) {
    reply(res, broker_.post_init_error(req.get_header_value("Lambda-Runtime-Function-Error-Type"), req.body,
                                       req.get_header_value("Lambda-Runtime-Function-XRay-Error-Cause")));
  });
  if (settings_.extensions_api) install_extension_routes(server);
}

void RuntimeApiServer::install_extension_routes(httplib::Server& server) {
  server.Post(std::string(kExtensionBase) + "/register", [this](const httplib::Request& req, httplib::Response& res) {
    const ExtensionRegistration registration =
        broker_.register_extension(req.get_header_value("Lambda-Extension-Name"), req.body);
    if (registration.error) return reply(res, *registration.error);
    res.status = 200;
    res.set_header("Lambda-Extension-Identifier", registration.identifier);
    const FunctionMetadata& function = settings_.function;
    res.set_content(
        nlohmann::json{
            {"functionName", function.name}, {"functionVersion", function.version}, {"handler", function.handler}}
            .dump(),
        "application/json");
  });
  server.Get(std::string(kExtensionBase) + "/event/next", [this](const httplib::Request& req, httplib::Response& res) {
    const ExtensionNextResult next = broker_.wait_extension_event(req.get_header_value("Lambda-Extension-Identifier"));
    if (next.reject) return reply(res, *next.reject);
    if (!next.event) {
      drop_connection(req.local_port, req.remote_port);
      res.status = 500;
      return;
    }
    res.status = 200;
    res.set_header("Lambda-Extension-Event-Identifier", make_request_id());
    res.set_content(nlohmann::json{{"eventType", "INVOKE"},
                                   {"deadlineMs", next.event->deadline_ms},
                                   {"requestId", next.event->request_id},
                                   {"invokedFunctionArn", settings_.function_arn},
                                   {"tracing", {{"type", "X-Amzn-Trace-Id"}, {"value", next.event->trace_id}}}}
                        .dump(),
                    "application/json");
  });
}

Status RuntimeApiServer::start(std::uint16_t port, Fault fault) {
  std::lock_guard lock(switch_mutex_);
  port_ = port;
  if (fault == Fault::kNone) return serve_http();
  if (port_ == 0) {
    auto reserved = reserve_free_port();
    if (!reserved) return fail(reserved.error());
    port_ = *reserved;
  }
  fault_ = fault;
  broker_.pause_runtime_api(true);
  if (fault == Fault::kResetConnections) return start_reset_listener();
  return {};
}

Status RuntimeApiServer::serve_http() {
  auto server = std::make_unique<httplib::Server>();
  install_routes(*server);
  // A kept-alive connection holds a server thread for its life, and a parked
  // /next holds its connection: one thread per concurrent runtime worker and
  // per extension parked in event/next, plus spares for the POSTs and for
  // connections being replaced.
  const std::size_t threads =
      std::max<std::size_t>(8, settings_.max_concurrency + 8) + ExtensionRegistry::kMaxExtensions;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib writes headers and body separately; without NODELAY, Nagle plus
  // the client's delayed ACK adds ~40 ms to every answer the runtime waits for.
  server->set_tcp_nodelay(true);
  // Lambda's Runtime API keeps the runtime's connection open for the life of
  // the sandbox; httplib's default closes it every 5 requests, which made
  // every few invocations pay a new TCP connection in the benchmarks.
  server->set_keep_alive_max_count(std::numeric_limits<std::size_t>::max());
  server->set_keep_alive_timeout(60);
  if (port_ == 0) {
    const int bound = server->bind_to_any_port("127.0.0.1");
    if (bound <= 0) return fail(server_error("cannot bind 127.0.0.1"));
    port_ = static_cast<std::uint16_t>(bound);
  } else if (!server->bind_to_port("127.0.0.1", port_)) {
    return fail(server_error("cannot bind 127.0.0.1:" + std::to_string(port_)));
  }
  http_ = std::move(server);
  broker_.pause_runtime_api(false);
  http_thread_ = std::thread([server = http_.get()] { server->listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop is running; a stop
  // right after start (e.g. the bootstrap failed to spawn) would then leave
  // listen() blocked and join() hanging forever.
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  serving_ = true;
  fault_ = Fault::kNone;
  return {};
}

void RuntimeApiServer::stop_http() {
  if (!serving_) return;
  // Order matters: parked and new /next calls must leave the workers before
  // stop() joins them.
  broker_.pause_runtime_api(true);
  http_->stop();
  if (http_thread_.joinable()) http_thread_.join();
  http_.reset();
  serving_ = false;
}

Status RuntimeApiServer::start_reset_listener() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(server_error(std::string("socket: ") + std::strerror(errno)));
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    const int err = errno;
    ::close(fd);
    return fail(server_error("reset listener on port " + std::to_string(port_) + ": " + std::strerror(err)));
  }
  reset_fd_ = fd;
  reset_stop_ = false;
  reset_thread_ = std::thread([this] {
    while (!reset_stop_.load()) {
      pollfd p{reset_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int conn = ::accept4(reset_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      ++fault_connections_;
      const linger abort_on_close{1, 0};  // close() sends RST, not FIN
      ::setsockopt(conn, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
      ::close(conn);
    }
  });
  return {};
}

void RuntimeApiServer::stop_reset_listener() {
  if (reset_fd_ < 0) return;
  reset_stop_ = true;
  if (reset_thread_.joinable()) reset_thread_.join();
  ::close(reset_fd_);
  reset_fd_ = -1;
}

Status RuntimeApiServer::set_fault(Fault fault) {
  std::lock_guard lock(switch_mutex_);
  if (fault == fault_ && (fault != Fault::kNone || serving_)) return {};
  stop_http();
  stop_reset_listener();
  fault_ = fault;
  switch (fault) {
    case Fault::kNone: return serve_http();
    case Fault::kRefuseConnections: return {};
    case Fault::kResetConnections: return start_reset_listener();
  }
  return {};
}

void RuntimeApiServer::stop() {
  std::lock_guard lock(switch_mutex_);
  stop_http();
  stop_reset_listener();
}

}  // namespace shoppulse::emulator
