#include "shoppulse/runtime/client.h"

namespace shoppulse::runtime {
namespace {
// Posts to a local endpoint; generous enough for a 6 MB payload on a loaded host.
constexpr std::chrono::milliseconds kPostTimeout{30000};
}  // namespace

RuntimeClient::RuntimeClient(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

Result<Invocation> RuntimeClient::next() {
  auto response = transport_->perform(NextRequest{}.to_http(), std::chrono::milliseconds(0));
  if (!response) return fail(std::move(response).error());
  return parse_next_response(std::move(response).value());
}

Status RuntimeClient::post_response(const std::string& request_id, const InvocationResponse& response) {
  return post(ResponseRequest{request_id, &response}.to_http());
}

Status RuntimeClient::post_error(const std::string& request_id, const FunctionError& error) {
  return post(ErrorRequest{request_id, error}.to_http());
}

Status RuntimeClient::post_init_error(const FunctionError& error) {
  return post(InitErrorRequest{error}.to_http());
}

Status RuntimeClient::post(const HttpRequest& request) {
  auto response = transport_->perform(request, kPostTimeout);
  if (!response) return fail(std::move(response).error());
  if (response->status != 202) {
    return fail(Error::make(ErrorKind::kInternal, "runtime_api_status",
                            "Runtime API " + request.path + " answered HTTP " + std::to_string(response->status)));
  }
  return {};
}

}  // namespace shoppulse::runtime
