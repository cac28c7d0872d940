#include "shoppulse/runtime/extension_client.h"

#include <chrono>

namespace shoppulse::runtime {
namespace {

// The registration answers from a local endpoint in microseconds. The bound
// is for a platform that accepts and never answers: init waits for the
// registration, so it must not wait long; the runtime then carries on
// without the extension.
constexpr std::chrono::milliseconds kRegisterTimeout{2000};
// Both answers are a small JSON document (function metadata, one event).
constexpr std::uint64_t kMaxAnswerBytes = std::uint64_t{64} * 1024;

}  // namespace

ExtensionClient::ExtensionClient(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

Status ExtensionClient::register_extension(std::string_view name) {
  const RequestOptions options{kRegisterTimeout, kMaxAnswerBytes};
  if (Status sent = transport_->round_trip(ExtensionRegisterRequest{name}.to_http(), options, response_); !sent) {
    return sent;
  }
  auto id = parse_register_response(response_);
  if (!id) return fail(std::move(id).error());
  id_ = std::string(*id);
  return {};
}

Result<ExtensionEventType> ExtensionClient::next_event() {
  // No timeout: the call is parked for as long as the sandbox lives (frozen
  // between invocations), and a shutdown request ends it.
  const RequestOptions options{std::chrono::milliseconds(0), kMaxAnswerBytes};
  if (Status received = transport_->round_trip(ExtensionNextRequest{id_}.to_http(), options, response_); !received) {
    return fail(std::move(received).error());
  }
  return parse_extension_event(response_);
}

}  // namespace shoppulse::runtime
