// The least a Lambda custom runtime can do, for the cold-start benchmark's
// floor: a small static executable that connects to the Runtime API, takes
// each event from /next and answers it with a constant API Gateway response.
// Its exec -> first /next is what this machine charges any runtime before
// the runtime's own work. libc only (no libstdc++, no allocation); the
// Runtime API must be an IPv4 literal (the emulator's is).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

char buffer[1 << 20];  // NOLINT(cppcoreguidelines-avoid-c-arrays): a fixed buffer is the point

// The value of header `name` (lower case, with the colon) in [buffer, head_end), or nullptr.
const char* header_value(const char* head_end, const char* name) {
  for (const char* line = std::strstr(buffer, "\r\n"); line != nullptr && line < head_end;
       line = std::strstr(line + 2, "\r\n")) {
    if (::strncasecmp(line + 2, name, std::strlen(name)) != 0) continue;
    const char* value = line + 2 + std::strlen(name);
    while (*value == ' ') ++value;
    return value;
  }
  return nullptr;
}

// Reads one response; copies Lambda-Runtime-Aws-Request-Id into `request_id` when asked.
bool read_response(int fd, char* request_id, std::size_t id_size) {
  std::size_t have = 0;
  const char* head_end = nullptr;
  buffer[0] = '\0';
  while ((head_end = std::strstr(buffer, "\r\n\r\n")) == nullptr) {
    const ssize_t got = ::recv(fd, buffer + have, sizeof buffer - 1 - have, 0);
    if (got <= 0) return false;
    have += static_cast<std::size_t>(got);
    buffer[have] = '\0';
  }
  const std::size_t head = static_cast<std::size_t>(head_end - buffer) + 4;
  const char* length = header_value(head_end, "content-length:");
  const std::size_t body = length != nullptr ? std::strtoul(length, nullptr, 10) : 0;
  if (request_id != nullptr) {
    const char* id = header_value(head_end, "lambda-runtime-aws-request-id:");
    if (id == nullptr) return false;
    const std::size_t n = std::strcspn(id, "\r");
    if (n >= id_size) return false;
    std::memcpy(request_id, id, n);
    request_id[n] = '\0';
  }
  while (have < head + body) {
    const ssize_t got = ::recv(fd, buffer + have, sizeof buffer - 1 - have, 0);
    if (got <= 0) return false;
    have += static_cast<std::size_t>(got);
  }
  return true;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  const char* colon = api != nullptr ? std::strrchr(api, ':') : nullptr;
  if (colon == nullptr || colon - api >= 64) return 1;
  char host[64] = {};
  std::memcpy(host, api, static_cast<std::size_t>(colon - api));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<unsigned short>(std::atoi(colon + 1)));
  if (::inet_pton(AF_INET, host, &address.sin_addr) != 1) return 1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 1;  // NOLINT

  constexpr char kNext[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n";
  constexpr char kBody[] = R"({"statusCode":200,"body":"{}"})";
  char request_id[256];
  char post[1024];
  while (true) {
    if (!send_all(fd, kNext, sizeof kNext - 1) || !read_response(fd, request_id, sizeof request_id)) return 1;
    const int n = std::snprintf(post, sizeof post,
                                "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: runtime\r\n"
                                "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                request_id, sizeof kBody - 1, kBody);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof post) return 1;
    if (!send_all(fd, post, static_cast<std::size_t>(n)) || !read_response(fd, nullptr, 0)) return 1;
  }
}
