#pragma once
// The Lambda Extensions API's rules (2020-01-01) for internal extensions,
// the ones a runtime registers from its own process: registration during
// init only, the events they may take, and readiness: Lambda ends init, and
// starts each invocation, only once every registered extension is parked in
// event/next. Statuses and bodies as in aws-lambda-runtime-interface-emulator.
//
// Plain state with no lock of its own: the InvocationBroker holds it under
// its mutex and does the waiting.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_reply.h"

namespace shoppulse::emulator {

// An INVOKE as sent to a subscribed extension.
struct ExtensionEvent {
  std::string request_id;
  long long deadline_ms = 0;
  std::string trace_id;
};

struct ExtensionRegistration {
  std::string identifier;          // set: registered (answer 200 with it)
  std::optional<HttpReply> error;  // set: refused (answer this)
};

struct ExtensionNextResult {
  std::optional<ExtensionEvent> event;  // set: answer 200 with it
  std::optional<HttpReply> reject;      // set: answer this instead
  // Neither: the wait was abandoned (process gone, fault switch, shutdown):
  // drop the connection without answering.
};

class ExtensionRegistry {
 public:
  // Lambda's limit on extensions per function.
  static constexpr std::size_t kMaxExtensions = 10;

  // `name` is Lambda-Extension-Name, `body` the {"events":[...]} request.
  ExtensionRegistration register_extension(std::string_view name, std::string_view body);
  // Init ended (the runtime's first /next): later registrations are refused.
  void close_registration() noexcept { closed_ = true; }
  // A new process: nothing registered, registration open.
  void reset();

  [[nodiscard]] std::size_t size() const noexcept { return extensions_.size(); }
  // Every extension is parked in event/next with nothing left to take.
  [[nodiscard]] bool all_ready() const noexcept;

  // event/next with this Lambda-Extension-Identifier header: the refusal,
  // or nothing and the extension is now parked (ready).
  std::optional<HttpReply> begin_wait(std::string_view identifier);
  [[nodiscard]] bool has_event(std::string_view identifier) const;
  // The extension's oldest event; it is busy until its next event/next.
  std::optional<ExtensionEvent> take_event(std::string_view identifier);
  // An invocation was delivered: INVOKE for every extension subscribed to it.
  void on_invoke(const ExtensionEvent& event);

 private:
  struct Extension {
    std::string name;
    std::string identifier;
    bool invoke = false;   // subscribed to INVOKE
    bool waiting = false;  // parked in event/next
    std::deque<ExtensionEvent> pending;
  };
  [[nodiscard]] const Extension* find(std::string_view identifier) const;
  Extension* find(std::string_view identifier);

  std::vector<Extension> extensions_;
  bool closed_ = false;
};

}  // namespace shoppulse::emulator
