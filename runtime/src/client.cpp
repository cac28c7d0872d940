#include "shoppulse/runtime/client.h"

#include <unistd.h>

#include <array>

namespace shoppulse::runtime {
namespace {
// Posts to a local endpoint; generous enough for a 6 MB payload on a loaded host.
constexpr std::chrono::milliseconds kPostTimeout{30000};
// A post's reply is a small JSON status.
constexpr std::uint64_t kMaxReplyBytes = std::uint64_t{64} * 1024;

std::string current_directory() {
  std::array<char, 4096> path{};
  return ::getcwd(path.data(), path.size()) == nullptr ? std::string() : std::string(path.data());
}

}  // namespace

RuntimeClient::RuntimeClient(std::unique_ptr<Transport> transport)
    : transport_(std::move(transport)), working_directory_(current_directory()) {}

Result<Invocation> RuntimeClient::next() {
  const RequestOptions options{std::chrono::milliseconds(0), kMaxEventBytes};
  if (Status received = transport_->round_trip(NextRequest{}.to_http(), options, event_); !received) {
    return fail(std::move(received).error());
  }
  return parse_next_response(event_);
}

Status RuntimeClient::post_response(std::string_view request_id, const InvocationResponse& response) {
  return post(ResponseRequest{request_id, &response}.to_http());
}

Status RuntimeClient::post_error(std::string_view request_id, const FunctionError& error) {
  return post(ErrorRequest(request_id, error, working_directory_).to_http());
}

Status RuntimeClient::post_init_error(const FunctionError& error) {
  return post(InitErrorRequest(error, working_directory_).to_http());
}

Status RuntimeClient::post(const HttpRequest& request) {
  if (Status sent = transport_->round_trip(request, RequestOptions{kPostTimeout, kMaxReplyBytes}, reply_); !sent) {
    return sent;
  }
  if (reply_.status != 202) {
    return fail(
        Error::make(ErrorKind::kInternal, "runtime_api_status",
                    "Runtime API " + std::string(request.path()) + " answered HTTP " + std::to_string(reply_.status)));
  }
  return {};
}

}  // namespace shoppulse::runtime
