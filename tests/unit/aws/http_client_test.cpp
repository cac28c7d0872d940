// The AWS HTTPS client at the wire: what it sends, every way a response can
// be framed, keep-alive and the one retry on a connection the server closed
// while idle, limits and timeouts. A scripted plain-TCP server stands in for
// the endpoint (TLS is covered by ca_bundle_test.cpp against the fake).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shoppulse/aws/http_client.h"
#include "shoppulse/core/unique_fd.h"

namespace shoppulse::aws {
namespace {

using std::chrono::milliseconds;

// A listening socket on 127.0.0.1 and a free port, which it stores in `port`.
UniqueFd listen_on_loopback(int& port) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), length), 0);  // NOLINT
  EXPECT_EQ(::listen(listener.get(), 8), 0);
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length);  // NOLINT
  port = ntohs(address.sin_port);
  return listener;
}

// What the server does with one request.
struct Reply {
  std::string bytes;          // written as is
  bool close_after = false;   // close the connection after writing
  bool never_answer = false;  // read the request, then stall until stopped
};

class ScriptedServer {
 public:
  ScriptedServer() : listener_(listen_on_loopback(port_)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listener_.get(), SHUT_RDWR);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (current_ >= 0) ::shutdown(current_, SHUT_RDWR);
    }
    thread_.join();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  void push(Reply reply) {
    const std::lock_guard<std::mutex> lock(mutex_);
    replies_.push_back(std::move(reply));
  }
  [[nodiscard]] std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  [[nodiscard]] std::vector<std::string> requests() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  [[nodiscard]] int accepted() const { return accepted_.load(); }

 private:
  // One request: the head, then Content-Length bytes of body.
  static bool read_request(int fd, std::string& pending, std::string& request) {
    char chunk[4096];
    while (true) {
      const auto head_end = pending.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t body = 0;
        const auto at = pending.find("Content-Length: ");
        if (at != std::string::npos && at < head_end) body = std::stoul(pending.substr(at + 16));
        if (pending.size() >= head_end + 4 + body) {
          request = pending.substr(0, head_end + 4 + body);
          pending.erase(0, request.size());
          return true;
        }
      }
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      pending.append(chunk, static_cast<std::size_t>(got));
    }
  }

  void serve() {
    while (!stopping_) {
      UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!connection) return;
      ++accepted_;
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        current_ = connection.get();
      }
      std::string pending;
      std::string request;
      while (read_request(connection.get(), pending, request)) {
        Reply reply;
        {
          const std::lock_guard<std::mutex> lock(mutex_);
          requests_.push_back(request);
          if (!replies_.empty()) {
            reply = std::move(replies_.front());
            replies_.pop_front();
          } else {
            reply.bytes = "HTTP/1.1 500 Unscripted\r\nContent-Length: 0\r\n\r\n";
          }
        }
        if (reply.never_answer) {
          char byte = 0;
          static_cast<void>(::recv(connection.get(), &byte, 1, 0));  // until the client gives up or we stop
          break;
        }
        static_cast<void>(::send(connection.get(), reply.bytes.data(), reply.bytes.size(), MSG_NOSIGNAL));
        if (reply.close_after) break;
      }
      const std::lock_guard<std::mutex> lock(mutex_);
      current_ = -1;
    }
  }

  int port_ = 0;  // before listener_: set while listener_ is made
  UniqueFd listener_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  mutable std::mutex mutex_;
  std::deque<Reply> replies_;
  std::vector<std::string> requests_;
  int current_ = -1;
};

std::unique_ptr<HttpClient> make_client(HttpClientOptions options = {}) {
  auto client = HttpClient::create(std::move(options));
  EXPECT_TRUE(client.ok());
  return std::move(client).value();
}

Result<HttpResponse> post(HttpClient& client, const std::string& url, std::string_view body = "{}") {
  return client.perform({"POST", url, {{"Content-Type", "application/x-amz-json-1.1"}}, body});
}

TEST(AwsHttpClient, SendsHostLengthAndAgentAndReadsALengthBody) {
  ScriptedServer server;
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Amzn-RequestId: r-1\r\n\r\nhello"});
  auto client = make_client();
  auto response = post(*client, server.url("/path?a=1"), R"({"k":1})");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->header("x-amzn-requestid").value_or(""), "r-1");
  const std::string sent = server.requests().at(0);
  EXPECT_EQ(sent.rfind("POST /path?a=1 HTTP/1.1\r\n", 0), 0u) << sent;
  EXPECT_NE(sent.find("\r\nHost: 127.0.0.1:"), std::string::npos) << sent;
  EXPECT_NE(sent.find("\r\nContent-Length: 7\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("\r\nUser-Agent: shoppulse-api\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("\r\nContent-Type: application/x-amz-json-1.1\r\n"), std::string::npos) << sent;
  EXPECT_EQ(sent.substr(sent.size() - 7), R"({"k":1})");
}

TEST(AwsHttpClient, HostGivenByTheCallerIsSentOnceAsGiven) {
  ScriptedServer server;
  server.push({"HTTP/1.1 204 No Content\r\n\r\n"});
  auto client = make_client();
  auto response = client->perform({"GET", server.url("/x"), {{"Host", "signed.example"}}, ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 204);
  const std::string sent = server.requests().at(0);
  EXPECT_NE(sent.find("\r\nHost: signed.example\r\n"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("Host: 127.0.0.1"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("Content-Length"), std::string::npos) << "a GET without a body has no length: " << sent;
}

TEST(AwsHttpClient, ChunkedBodiesAndInterimResponsesAreDecoded) {
  ScriptedServer server;
  server.push(
      {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
       "4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n"});
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"});
  auto client = make_client();
  auto response = post(*client, server.url());
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, R"({"a":1})");
  // The stream stayed in step: the next request rides the same connection.
  auto second = post(*client, server.url());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(AwsHttpClient, ABodyWithoutLengthRunsToTheCloseAndTheConnectionIsNotReused) {
  ScriptedServer server;
  server.push({"HTTP/1.1 200 OK\r\n\r\nuntil close", true});
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"});
  auto client = make_client();
  auto first = post(*client, server.url());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->body, "until close");
  auto second = post(*client, server.url());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "2");
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST(AwsHttpClient, AConnectionClosedWhileIdleIsReplacedOnce) {
  ScriptedServer server;
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", true});  // closes without saying so
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"});
  auto client = make_client();
  ASSERT_TRUE(post(*client, server.url()).ok());
  std::this_thread::sleep_for(milliseconds(50));  // the close reaches the client
  auto second = post(*client, server.url());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "b");
  EXPECT_EQ(client->connections_opened(), 2u);
  EXPECT_EQ(server.requests().size(), 2u) << "the request was sent once on the new connection";
}

// Managed Instances: concurrent calls must not queue behind one another's
// round trip. The server answers neither of two requests until it holds
// both, each on its own connection: a client that serialised its calls
// would time the first one out.
TEST(AwsHttpClient, ConcurrentCallsEachUseTheirOwnConnectionAndBothAreKept) {
  int port = 0;
  const UniqueFd listener = listen_on_loopback(port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  std::thread server([&listener] {
    std::vector<UniqueFd> connections;
    for (int i = 0; i < 2; ++i) {
      connections.emplace_back(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      std::string request;
      char chunk[4096];
      while (request.find("\r\n\r\n{}") == std::string::npos) {
        const ssize_t got = ::recv(connections.back().get(), chunk, sizeof chunk, 0);
        if (got <= 0) return;
        request.append(chunk, static_cast<std::size_t>(got));
      }
    }
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    for (const UniqueFd& connection : connections) {
      static_cast<void>(::send(connection.get(), reply.data(), reply.size(), MSG_NOSIGNAL));
    }
    // Both stay open: the client keeps them for later calls.
    char byte = 0;
    for (const UniqueFd& connection : connections) static_cast<void>(::recv(connection.get(), &byte, 1, 0));
  });
  HttpClientOptions options;
  options.request_timeout = milliseconds(3000);
  auto client = make_client(options);
  std::vector<Result<HttpResponse>> responses;
  std::mutex responses_mutex;
  std::vector<std::thread> callers;
  callers.reserve(2);
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&] {
      auto response = post(*client, url);
      const std::lock_guard<std::mutex> lock(responses_mutex);
      responses.push_back(std::move(response));
    });
  }
  for (auto& caller : callers) caller.join();
  for (const auto& response : responses) {
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_EQ(client->connections_opened(), 2u);
  client.reset();                         // closes both kept connections: the server thread ends
  ::shutdown(listener.get(), SHUT_RDWR);  // or, had a call never come, its accept does
  server.join();
}

TEST(AwsHttpClient, ConnectionCloseHeaderEndsReuse) {
  ScriptedServer server;
  server.push({"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na", true});
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"});
  auto client = make_client();
  ASSERT_TRUE(post(*client, server.url()).ok());
  ASSERT_TRUE(post(*client, server.url()).ok());
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST(AwsHttpClient, OversizedResponsesAreRefusedByLengthAndByChunks) {
  ScriptedServer server;
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789A"});
  server.push({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n6789AB\r\n0\r\n\r\n"});
  server.push({"HTTP/1.1 200 OK\r\n\r\n0123456789AB", true});
  HttpClientOptions options;
  options.max_response_bytes = 10;
  auto client = make_client(options);
  for (int i = 0; i < 3; ++i) {
    auto response = post(*client, server.url());
    ASSERT_FALSE(response.ok()) << "response " << i;
    EXPECT_EQ(response.error().code, kErrResponseTooLarge) << "response " << i;
    EXPECT_EQ(response.error().kind, ErrorKind::kBadGateway);
  }
}

TEST(AwsHttpClient, MalformedAndTruncatedResponsesAreErrorsNotCrashes) {
  ScriptedServer server;
  server.push({"HTTP/1.1 2x0 OK\r\n\r\n", true});
  server.push({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true});
  server.push({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true});
  auto client = make_client();
  for (int i = 0; i < 3; ++i) {
    auto response = post(*client, server.url());
    ASSERT_FALSE(response.ok()) << "response " << i;
    EXPECT_EQ(response.error().code, kErrTransport) << response.error().message;
  }
}

TEST(AwsHttpClient, AStalledEndpointTimesOutWithinTheRequestTimeout) {
  ScriptedServer server;
  server.push({"", false, true});
  HttpClientOptions options;
  options.request_timeout = milliseconds(200);
  auto client = make_client(options);
  const auto started = std::chrono::steady_clock::now();
  auto response = post(*client, server.url());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTimeout);
  EXPECT_EQ(response.error().code, kErrTimeout);
  EXPECT_GE(elapsed, milliseconds(190));
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST(AwsHttpClient, RefusedConnectionIsUnavailableAndNamesNoEndpoint) {
  int port = 0;
  {
    const ScriptedServer closed;  // a port that was just free
    port = std::stoi(closed.url().substr(17));
  }
  auto client = make_client();
  auto response = post(*client, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(response.error().code, kErrConnectFailed);
  EXPECT_EQ(response.error().message.find("127.0.0.1"), std::string::npos) << response.error().message;
}

TEST(AwsHttpClient, RefusesHeaderInjectionAndBadUrls) {
  auto client = make_client();
  auto injected = client->perform({"POST", "http://127.0.0.1:1/", {{"X-A", "b\r\nX-Evil: 1"}}, ""});
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.error().code, kErrTransport);
  for (const char* url :
       {"ftp://host/", "http://user@host/", "http://host:99999/", "http:///x", "http://h/a b", "http://[::1/"}) {
    auto response = client->perform({"GET", url, {}, ""});
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().code, kErrTransport) << url;
  }
}

}  // namespace
}  // namespace shoppulse::aws
