// Heap allocations per invocation, counted deterministically in process.
//
// The tree's own bootstrap main() (compiled renamed, see alloc_bench.cmake)
// runs on a thread of this process, against a stand-in Runtime API served
// from another thread over loopback TCP, a real PostgreSQL clone and the
// SigV4-verifying QuickSight stand-in. counting_malloc.cpp counts every
// malloc-family call made on the bootstrap's thread: ours, libstdc++'s,
// libpq's, libcurl's. The count for an invocation runs from the /next that
// delivered its event to the next /next, so it covers the whole warm path:
// reading the event, the handler, the database round trip, the response post,
// the access log and the metrics line.
//
// The same source builds against the baseline tree (bench.sh), which makes
// the before/after counts come from one harness.
//
//   alloc_bench [--invocations N] [--warmup N] [--out FILE.json] [--route NAME --trace FILE]
// --trace writes the call stack of each allocation of NAME's measured
// invocations to FILE (addresses; resolve them with addr2line).
// Needs SHOPPULSE_TEST_PG_DIR (scripts/pg.sh).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "counting_malloc.h"
#include "shoppulse/fakes/fake_aws.h"
#include "test_db.h"

int shoppulse_bootstrap_main();  // the tree's bootstrap/main.cpp, renamed

namespace {

using shoppulse::bench::allocation_totals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json recorded_event(const std::string& name) {
  return nlohmann::json::parse(read_file(std::string(SHOPPULSE_ALLOC_BENCH_EVENTS) + "/" + name + ".json"));
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

struct Delivered {
  std::string path;  // /response or /error path the runtime posted to
  std::string body;
};

// A minimal Runtime API on 127.0.0.1: one connection at a time, keep-alive,
// GET /next blocks until an event is queued; posts answer 202.
class StandInRuntimeApi {
 public:
  StandInRuntimeApi() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0) {
      throw std::runtime_error("stand-in Runtime API: cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StandInRuntimeApi() {
    stop();
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }
  StandInRuntimeApi(const StandInRuntimeApi&) = delete;
  StandInRuntimeApi& operator=(const StandInRuntimeApi&) = delete;

  [[nodiscard]] int port() const { return port_; }

  void push(std::string payload) {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(payload));
    changed_.notify_all();
  }

  // Waits until `count` /next calls have arrived; returns the counted
  // allocation total seen at the arrival of /next number `count` (1-based).
  std::uint64_t wait_for_next_call(std::size_t count) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(60), [&] { return next_arrivals_.size() >= count || failed_; })) {
      throw std::runtime_error("bootstrap stopped asking for events");
    }
    if (failed_) throw std::runtime_error("stand-in Runtime API: " + failure_);
    return next_arrivals_[count - 1];
  }

  std::vector<Delivered> take_delivered() {
    const std::lock_guard lock(mutex_);
    return std::exchange(delivered_, {});
  }

  void stop() {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }

 private:
  void fail(std::string why) {
    const std::lock_guard lock(mutex_);
    failed_ = true;
    failure_ = std::move(why);
    changed_.notify_all();
  }

  void serve() {
    while (true) {
      {
        const std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      pollfd ready{listen_fd_, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      serve_connection(fd);
      ::close(fd);
    }
  }

  // Reads one request; false on EOF or error.
  bool read_request(int fd, std::string& buffer, std::string& method, std::string& path, std::string& body) {
    std::size_t head_end = std::string::npos;
    char chunk[65536];
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    const std::string head = buffer.substr(0, head_end);
    std::istringstream line(head.substr(0, head.find("\r\n")));
    line >> method >> path;
    std::size_t length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
    }
    while (buffer.size() < head_end + 4 + length) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    body = buffer.substr(head_end + 4, length);
    buffer.erase(0, head_end + 4 + length);
    return true;
  }

  void serve_connection(int fd) {
    std::string buffer;
    std::string method;
    std::string path;
    std::string body;
    while (read_request(fd, buffer, method, path, body)) {
      if (method == "GET" && path == "/2018-06-01/runtime/invocation/next") {
        std::string payload;
        {
          std::unique_lock lock(mutex_);
          // Snapshot first: everything the previous invocation did is done.
          next_arrivals_.push_back(allocation_totals().allocations);
          changed_.notify_all();
          changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
          if (stopping_) return;
          payload = std::move(queue_.front());
          queue_.pop_front();
        }
        const std::string id = "alloc-" + std::to_string(++served_);
        const long long deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       (std::chrono::system_clock::now() + std::chrono::minutes(10)).time_since_epoch())
                                       .count();
        std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: ";
        reply.append(id).append("\r\nLambda-Runtime-Deadline-Ms: ").append(std::to_string(deadline));
        reply.append(
            "\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:shoppulse-api"
            "\r\nLambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
            "\r\nContent-Length: ");
        reply.append(std::to_string(payload.size())).append("\r\n\r\n").append(payload);
        if (!send_all(fd, reply)) return;
      } else if (method == "POST" && path.find("/runtime/init/error") != std::string::npos) {
        fail("bootstrap reported an init error: " + body.substr(0, 300));
        send_all(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}");
        return;
      } else if (method == "POST") {
        {
          const std::lock_guard lock(mutex_);
          delivered_.push_back({path, body});
        }
        if (!send_all(fd,
                      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: "
                      "15\r\n\r\n{\"status\":\"OK\"}")) {
          return;
        }
      } else {
        send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      }
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::vector<std::uint64_t> next_arrivals_;
  std::vector<Delivered> delivered_;
  std::uint64_t served_ = 0;
  bool stopping_ = false;
  bool failed_ = false;
  std::string failure_;
};

struct Route {
  std::string name;
  std::string event;
  int expected_status;
  std::string unique_placeholder;  // replaced by a fresh email per invocation
};

std::vector<Route> routes() {
  const auto list_users = [](int limit) {
    auto event = recorded_event("03-list-users-page");
    event["queryStringParameters"]["limit"] = std::to_string(limit);
    event["multiValueQueryStringParameters"]["limit"] = nlohmann::json::array({std::to_string(limit)});
    return event.dump();
  };
  return {
      {"health", recorded_event("01-health").dump(), 200, ""},
      {"list_users_25", list_users(25), 200, ""},
      {"list_users_50", list_users(50), 200, ""},
      {"list_users_100", list_users(100), 200, ""},
      {"get_user", recorded_event("05-get-user").dump(), 200, ""},
      {"create_user", recorded_event("10-create-user").dump(), 201, "replay.user@acme.example"},
      {"audit_logs_filtered", recorded_event("20-audit-logs-filtered").dump(), 200, ""},
      {"quicksight_embed_url", recorded_event("30-embed-registered").dump(), 200, ""},
  };
}

std::string payload_for(const Route& route, std::uint64_t serial) {
  if (route.unique_placeholder.empty()) return route.event;
  std::string out = route.event;
  const auto at = out.find(route.unique_placeholder);
  if (at != std::string::npos) {
    out.replace(at, route.unique_placeholder.size(), "alloc." + std::to_string(serial) + "@acme.example");
  }
  return out;
}

int status_of(const std::string& response) {
  const auto at = response.find("\"statusCode\":");
  return at == std::string::npos ? 0 : std::atoi(response.c_str() + at + 13);
}

void set_env(const char* name, const std::string& value) {
  ::setenv(name, value.c_str(), 1);
}

}  // namespace

int main(int argc, char** argv) {
  long invocations = 1000;
  long warmup = 100;
  std::string out_path;
  std::string only_route;
  std::string trace_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--invocations" && i + 1 < argc) {
      invocations = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--warmup" && i + 1 < argc) {
      warmup = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (arg == "--route" && i + 1 < argc) {
      only_route = argv[++i];
    } else if (arg == "--trace" && i + 1 < argc) {
      trace_path = argv[++i];
    } else {
      static_cast<void>(std::fprintf(
          stderr, "usage: alloc_bench [--invocations N] [--warmup N] [--out FILE] [--route NAME] [--trace FILE]\n"));
      return 2;
    }
  }
  if (invocations < 1 || warmup < 1) return 2;

  try {
    shoppulse::test::TestDatabase database;
    database.exec(read_file(SHOPPULSE_ALLOC_BENCH_DATA_SQL));
    database.exec("VACUUM (ANALYZE)");
    shoppulse::fakes::FakeAws aws;
    for (const char* id : {"sales-overview", "marketing-performance", "fulfillment-operations", "finance-executive"}) {
      aws.add_dashboard(id);
    }
    if (auto up = aws.start(); !up) throw std::runtime_error("fake aws: " + up.error().message);
    StandInRuntimeApi api;

    const auto& server = database.server();
    set_env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + std::to_string(api.port()));
    set_env("DATABASE_URL", "postgresql://" + std::string(shoppulse::test::kAppLoginRole) + ":" +
                                std::string(shoppulse::test::kAppLoginPassword) + "@" + server.host() + ":" +
                                std::to_string(server.port()) + "/" + database.name() + "?sslmode=disable");
    set_env("AWS_ENDPOINT_URL_QUICKSIGHT", aws.endpoint_url());
    set_env("AWS_ACCESS_KEY_ID", aws.options().access_key_id);
    set_env("AWS_SECRET_ACCESS_KEY", aws.options().secret_access_key);
    set_env("AWS_REGION", aws.options().region);
    set_env("QUICKSIGHT_ACCOUNT_ID", "123456789012");
    set_env("CORS_ALLOW_ORIGINS", "http://localhost:3000");
    // The stand-in serves one connection at a time and has no Extensions API;
    // the extension's thread allocates nothing on the bootstrap's thread anyway.
    set_env("SHUTDOWN_EXTENSION_ENABLED", "false");

    // bootstrap writes its log lines to fd 1; keep them off the report.
    const int report_fd = ::dup(1);
    const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(devnull, 1);
    std::atomic<int> exit_code{-1};
    std::thread bootstrap([&exit_code] {
      shoppulse::bench::count_allocations_on_this_thread(true);
      exit_code = shoppulse_bootstrap_main();
    });

    // From here on a failure cannot stop the bootstrap's thread cleanly.
    const auto abandon = [report_fd](const std::string& why) {
      const std::string line = "alloc_bench: " + why + "\n";
      static_cast<void>(::write(2, line.data(), line.size()));
      static_cast<void>(::close(report_fd));
      std::_Exit(1);
    };
    nlohmann::json results = nlohmann::json::object();
    std::size_t next_calls = 1;  // the first /next comes right after init
    std::uint64_t serial = 0;
    const int trace_fd =
        trace_path.empty() ? -1 : ::open(trace_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    for (const Route& route : routes()) try {
        if (!only_route.empty() && route.name != only_route) continue;
        for (long i = 0; i < warmup; ++i) api.push(payload_for(route, serial++));
        const std::uint64_t start = api.wait_for_next_call(next_calls + static_cast<std::size_t>(warmup));
        shoppulse::bench::trace_allocations_to(trace_fd);
        for (long i = 0; i < invocations; ++i) api.push(payload_for(route, serial++));
        next_calls += static_cast<std::size_t>(warmup + invocations);
        const std::uint64_t end = api.wait_for_next_call(next_calls);
        shoppulse::bench::trace_allocations_to(-1);
        for (const Delivered& delivered : api.take_delivered()) {
          if (delivered.path.find("/response") == std::string::npos ||
              status_of(delivered.body) != route.expected_status) {
            throw std::runtime_error(route.name + ": unexpected result on " + delivered.path + ": " +
                                     delivered.body.substr(0, 300));
          }
        }
        const double per_invocation = static_cast<double>(end - start) / static_cast<double>(invocations);
        results[route.name] = {{"allocations_per_invocation", per_invocation}, {"invocations", invocations}};
        const std::string line = route.name + ": " + std::to_string(per_invocation) + " allocations/invocation\n";
        static_cast<void>(::write(report_fd, line.data(), line.size()));
      } catch (const std::exception& e) {
        abandon(e.what());
      }

    // SIGTERM ends the bootstrap's loop the way Lambda ends a sandbox.
    api.stop();
    ::kill(::getpid(), SIGTERM);
    bootstrap.join();
    ::dup2(report_fd, 1);

    const nlohmann::json report = {
        {"counting", shoppulse::bench::allocation_counting_available() ? "malloc family, bootstrap thread" : "n/a"},
        {"warmup", warmup},
        {"bootstrap_exit_code", exit_code.load()},
        {"routes", results}};
    if (!out_path.empty()) std::ofstream(out_path) << report.dump(2) << "\n";
    std::printf("%s\n", report.dump(2).c_str());
    return 0;
  } catch (const std::exception& e) {
    static_cast<void>(std::fprintf(stderr, "alloc_bench: %s\n", e.what()));
    return 1;
  }
}
