// The Runtime API client's own HTTP/1.1 transport against a scripted server
// on loopback: keep-alive, responses split across writes, chunked bodies,
// idle connections the server closed, limits, and SIGTERM during /next.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "shoppulse/runtime/client.h"
#include "shoppulse/runtime/shutdown.h"
#include "shoppulse/runtime/transport.h"

namespace shoppulse::runtime {
namespace {

using namespace std::chrono_literals;

// One request as the server read it.
struct Received {
  std::string head;
  std::string body;
};

// A loopback server that hands each accepted connection to `serve`.
class ScriptedServer {
 public:
  using Serve = std::function<void(int fd, ScriptedServer& server)>;

  explicit ScriptedServer(Serve serve) : serve_(std::move(serve)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* raw = reinterpret_cast<sockaddr*>(&address);
    if (::bind(listener_, raw, length) != 0 || ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, raw, &length) != 0) {
      throw std::runtime_error("cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd ready{listener_, POLLIN, 0};
        if (::poll(&ready, 1, 50) <= 0) continue;
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) continue;
        ++accepted;
        serve_(fd, *this);
        ::close(fd);
      }
    });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  // Reads one request (head + Content-Length body); false on EOF.
  static bool read_request(int fd, std::string& pending, Received& out) {
    char chunk[65536];
    std::size_t end = 0;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      pending.append(chunk, static_cast<std::size_t>(got));
    }
    out.head = pending.substr(0, end + 4);
    std::size_t length = 0;
    if (const auto at = out.head.find("Content-Length: "); at != std::string::npos) {
      length = std::stoul(out.head.substr(at + 16));
    }
    while (pending.size() < end + 4 + length) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      pending.append(chunk, static_cast<std::size_t>(got));
    }
    out.body = pending.substr(end + 4, length);
    pending.erase(0, end + 4 + length);
    return true;
  }

  static void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  std::atomic<int> accepted{0};
  std::vector<Received> requests;  // written by the server thread only while a test waits

 private:
  Serve serve_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::unique_ptr<SocketTransport> connect_to(const ScriptedServer& server) {
  auto transport = SocketTransport::create(server.endpoint());
  EXPECT_TRUE(transport.ok());
  return std::move(transport).value();
}

const RequestOptions kNext{0ms, 1 << 20};
const RequestOptions kPost{5000ms, 1 << 16};

TEST(SocketTransport, KeepsOneConnectionForManyRequests) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    std::string pending;
    Received request;
    while (ScriptedServer::read_request(fd, pending, request)) {
      self.requests.push_back(request);
      ScriptedServer::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    }
  });
  auto transport = connect_to(server);
  HttpRequest get("GET", {"/2018-06-01/runtime/invocation/next"});
  HttpRequest post("POST", {"/2018-06-01/runtime/invocation/abc/response"});
  const std::string payload(100000, 'p');
  post.add_header("Content-Type", "application/json");
  post.set_body(payload);
  HttpResponse response;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(transport->round_trip(get, kNext, response));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "hello");
    ASSERT_TRUE(transport->round_trip(post, kPost, response));
  }
  EXPECT_EQ(server.accepted, 1);
  ASSERT_EQ(server.requests.size(), 6U);
  EXPECT_EQ(server.requests[0].head.rfind("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n", 0), 0U);
  EXPECT_NE(server.requests[0].head.find("Host: " + server.endpoint() + "\r\n"), std::string::npos);
  EXPECT_EQ(server.requests[0].head.find("Content-Length"), std::string::npos);
  EXPECT_NE(server.requests[1].head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(server.requests[1].body, payload);  // head and a large body, all of it
}

TEST(SocketTransport, AssemblesResponsesSplitAcrossWrites) {
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    const std::string body(70000, 'b');
    const std::string whole =
        "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    while (ScriptedServer::read_request(fd, pending, request)) {
      for (std::size_t at = 0; at < whole.size(); at += 997) {
        ScriptedServer::send_all(fd, std::string_view(whole).substr(at, 997));
        if (at < 3000) std::this_thread::sleep_for(1ms);
      }
    }
  });
  auto transport = connect_to(server);
  HttpResponse response;
  ASSERT_TRUE(transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response));
  EXPECT_EQ(response.body, std::string(70000, 'b'));
  EXPECT_EQ(response.header("lambda-runtime-aws-request-id"), "r-1");
}

TEST(SocketTransport, DecodesAChunkedResponseAsGoSendsIt) {
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    while (ScriptedServer::read_request(fd, pending, request)) {
      ScriptedServer::send_all(fd,
                               "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-2\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n");
      std::this_thread::sleep_for(2ms);
      ScriptedServer::send_all(fd, "800\r\n" + std::string(0x800, 'x') + "\r\n");
      std::this_thread::sleep_for(2ms);
      ScriptedServer::send_all(fd, "3\r\nend\r\n0\r\n\r\n");
    }
  });
  auto transport = connect_to(server);
  HttpResponse response;
  for (int i = 0; i < 2; ++i) {  // and the connection stays usable after it
    ASSERT_TRUE(transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response));
    EXPECT_EQ(response.body, std::string(0x800, 'x') + "end");
    EXPECT_EQ(response.header("Lambda-Runtime-Aws-Request-Id"), "r-2");
  }
  EXPECT_EQ(server.accepted, 1);
}

TEST(SocketTransport, RetriesOnceWhenTheServerClosedAnIdleConnection) {
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    // One answer per connection, then the server closes it while idle.
    if (ScriptedServer::read_request(fd, pending, request)) {
      ScriptedServer::send_all(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  auto transport = connect_to(server);
  HttpResponse response;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(transport->round_trip(HttpRequest("POST", {"/x"}), kPost, response)) << i;
    EXPECT_EQ(response.status, 202);
  }
  EXPECT_EQ(server.accepted, 3);
}

TEST(SocketTransport, AnswersThatSayCloseAreNotReused) {
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    while (ScriptedServer::read_request(fd, pending, request)) {
      ScriptedServer::send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n1");
    }
  });
  auto transport = connect_to(server);
  HttpResponse response;
  ASSERT_TRUE(transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response));
  ASSERT_TRUE(transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response));
  EXPECT_EQ(server.accepted, 2);
}

TEST(SocketTransport, RefusesOversizeAndMalformedResponses) {
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    int n = 0;
    while (ScriptedServer::read_request(fd, pending, request)) {
      if (n++ == 0) {
        ScriptedServer::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n");
      } else {
        ScriptedServer::send_all(fd, "garbage\r\n\r\n");
      }
    }
  });
  auto transport = connect_to(server);
  HttpResponse response;
  const Status oversize = transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response);
  ASSERT_FALSE(oversize);
  EXPECT_EQ(oversize.error().code, "runtime_api_protocol");
  const Status malformed = transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, "runtime_api_protocol");
}

TEST(SocketTransport, AnUnreachableApiIsAnUnavailableError) {
  int port = 0;
  {
    ScriptedServer closed([](int, ScriptedServer&) {});
    port = std::stoi(closed.endpoint().substr(10));
  }
  auto transport = SocketTransport::create("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(transport.ok());
  HttpResponse response;
  const Status status = (*transport)->round_trip(HttpRequest("GET", {"/next"}), kNext, response);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::kUnavailable);
}

TEST(SocketTransport, EndpointsAreValidated) {
  EXPECT_TRUE(SocketTransport::create("127.0.0.1:9001").ok());
  EXPECT_TRUE(SocketTransport::create("http://localhost:9001/").ok());
  EXPECT_TRUE(SocketTransport::create("[::1]:9001").ok());
  for (const char* bad : {"", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", ":9001"}) {
    auto created = SocketTransport::create(bad);
    ASSERT_FALSE(created.ok()) << bad;
    EXPECT_EQ(created.error().kind, ErrorKind::kInvalidInput) << bad;
  }
}

// A server that never answers /next: only a shutdown request ends the wait.
TEST(SocketTransport, ShutdownEndsAWaitForTheNextEventAtOnce) {
  ShutdownSignal::install();
  std::atomic<bool> release{false};
  ScriptedServer server([&release](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    ScriptedServer::read_request(fd, pending, request);
    while (!release) std::this_thread::sleep_for(5ms);
  });
  auto transport = connect_to(server);
  std::thread signaller([] {
    std::this_thread::sleep_for(200ms);
    static_cast<void>(::raise(SIGTERM));
  });
  const auto started = std::chrono::steady_clock::now();
  HttpResponse response;
  const Status waited = transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response);
  const auto waited_for = std::chrono::steady_clock::now() - started;
  signaller.join();
  release = true;
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().code, "aborted");
  EXPECT_LT(waited_for, 5s);
  EXPECT_TRUE(ShutdownSignal::requested().load());
  // Once shutdown is requested, no new wait starts.
  EXPECT_EQ(transport->round_trip(HttpRequest("GET", {"/next"}), kNext, response).error().code, "aborted");
}

// A post in flight when SIGTERM arrives still completes.
TEST(SocketTransport, ShutdownDoesNotInterruptAPost) {
  ShutdownSignal::install();
  ScriptedServer server([](int fd, ScriptedServer& /*self*/) {
    std::string pending;
    Received request;
    while (ScriptedServer::read_request(fd, pending, request)) {
      std::this_thread::sleep_for(300ms);
      ScriptedServer::send_all(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  auto transport = connect_to(server);
  std::thread signaller([] {
    std::this_thread::sleep_for(100ms);
    static_cast<void>(::raise(SIGTERM));
  });
  HttpResponse response;
  const Status posted = transport->round_trip(HttpRequest("POST", {"/response"}), kPost, response);
  signaller.join();
  ASSERT_TRUE(posted) << posted.error().message;
  EXPECT_EQ(response.status, 202);
}

TEST(RuntimeClient, NextThenPostThroughTheSocketTransport) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    std::string pending;
    Received request;
    while (ScriptedServer::read_request(fd, pending, request)) {
      self.requests.push_back(request);
      if (request.head.rfind("GET", 0) == 0) {
        ScriptedServer::send_all(fd,
                                 "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-9\r\n"
                                 "Lambda-Runtime-Deadline-Ms: 123\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
      } else {
        ScriptedServer::send_all(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}");
      }
    }
  });
  RuntimeClient client(connect_to(server));
  auto invocation = client.next();
  ASSERT_TRUE(invocation.ok()) << invocation.error().message;
  EXPECT_EQ(invocation->request_id, "id-9");
  EXPECT_EQ(invocation->deadline_epoch_ms, 123);
  EXPECT_EQ(invocation->payload, "{\"a\":1}");
  // The event stays readable while the result is posted.
  const InvocationResponse answer{std::pmr::string("{\"ok\":true}"), "application/json"};
  ASSERT_TRUE(client.post_response(invocation->request_id, answer));
  EXPECT_EQ(invocation->payload, "{\"a\":1}");
  ASSERT_TRUE(client.post_error(invocation->request_id, {"Function.X", "boom"}));
  ASSERT_EQ(server.requests.size(), 3U);
  EXPECT_EQ(server.requests[1].head.rfind("POST /2018-06-01/runtime/invocation/id-9/response HTTP/1.1", 0), 0U);
  EXPECT_EQ(server.requests[1].body, "{\"ok\":true}");
  EXPECT_NE(server.requests[2].head.find("Lambda-Runtime-Function-Error-Type: Function.X\r\n"), std::string::npos);
}

}  // namespace
}  // namespace shoppulse::runtime
