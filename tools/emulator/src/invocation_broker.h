#pragma once
// The Runtime API state machine, independent of HTTP and of processes:
// invocation slots, the request-id rules, init errors and deadlines. The HTTP
// server calls the runtime-side methods; RuntimeEmulator the caller side.
//
// One slot is classic Lambda: one event at a time, and a /next while an event
// is unanswered is an invalid state transition. max_concurrency > 1 is Lambda
// Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY): up to that many events are
// delivered at once, each to its own /next, and answered in any order.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extension_registry.h"
#include "http_reply.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::emulator {

struct Delivery {
  std::string request_id;
  std::string payload;
  std::string trace_id;
  long long deadline_ms = 0;
  std::optional<std::string> client_context;
  std::optional<std::string> cognito_identity;
  std::optional<std::string> tenant_id;
};

struct NextResult {
  std::optional<Delivery> delivery;  // set: answer 200 with it
  std::optional<HttpReply> reject;   // set: answer this instead
  // Neither: the wait was abandoned (fault switch, new process, shutdown):
  // drop the connection without answering.
};

struct InvocationTimeouts {
  int timeout_ms = 3000;
  int init_timeout_ms = 10000;
  int grace_ms = 200;
};

class InvocationBroker {
 public:
  explicit InvocationBroker(std::size_t max_concurrency = 1) : max_concurrency_(max_concurrency) {}

  // Runtime side (HTTP handlers).
  NextResult wait_next();
  HttpReply post_response(const std::string& request_id, std::string body, std::string content_type);
  HttpReply post_error(const std::string& request_id, std::string error_type, std::string body,
                       std::string content_type, std::string xray_error_cause);
  HttpReply post_init_error(const std::string& error_type, const std::string& body,
                            const std::string& xray_error_cause);

  // Caller side.
  InvocationResult invoke(std::string payload, const InvokeOptions& options, const InvocationTimeouts& timeouts);

  // Extensions API side (HTTP handlers), for internal extensions: registered
  // from the runtime's own process. Registration closes at the runtime's
  // first /next; events wait for delivery until every extension is parked
  // in event/next, as Lambda waits for them.
  ExtensionRegistration register_extension(std::string_view name, std::string_view body);
  ExtensionNextResult wait_extension_event(std::string_view identifier);

  // Lifecycle. A new process gets a new generation; events about an older
  // generation (a late exit) are ignored, and /next waits from it abandoned.
  std::uint64_t process_started();
  void process_exited(std::uint64_t generation, const ExitStatus& status);
  void external_runtime();  // no child: the runtime is whoever polls
  // While paused, /next calls (parked or new) return without an answer so
  // the server can drop their connections; events stay queued.
  void pause_runtime_api(bool paused);
  void shutdown();  // fail anything pending; refuse further waits

  bool wait_for_next_poll(std::chrono::milliseconds timeout);
  // process_started() (just before the fork) -> the process's first /next.
  [[nodiscard]] std::optional<std::chrono::microseconds> time_to_first_next() const;
  [[nodiscard]] std::size_t next_calls() const;
  [[nodiscard]] std::optional<InitErrorReport> init_error() const;
  [[nodiscard]] std::optional<ExitStatus> last_exit() const;
  // The current (or last) process registered an extension: Lambda then
  // sends SIGTERM at shutdown instead of SIGKILL.
  [[nodiscard]] bool extensions_registered() const;

 private:
  struct Invocation;
  void complete_locked(Invocation& inv, InvocationResult::Outcome outcome, std::string body, std::string error_type,
                       int post_status);
  // Every queued and delivered invocation, oldest first.
  [[nodiscard]] std::vector<std::shared_ptr<Invocation>> pending_locked() const;
  [[nodiscard]] std::shared_ptr<Invocation> delivered_locked(const std::string& request_id) const;

  const std::size_t max_concurrency_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Invocation>> queued_;                          // waiting for a /next
  std::unordered_map<std::string, std::shared_ptr<Invocation>> delivered_;  // by request id, unanswered
  // Recently answered ids (second answers get 403, not 400); bounded so
  // benchmark runs with millions of invocations do not grow without limit.
  std::unordered_set<std::string> finished_ids_;
  std::deque<std::string> finished_order_;
  std::optional<InitErrorReport> init_error_;
  ExtensionRegistry extensions_;
  std::optional<ExitStatus> last_exit_;
  std::uint64_t generation_ = 0;
  std::uint64_t abandon_epoch_ = 0;
  bool process_alive_ = false;
  bool has_process_ = false;
  bool polled_ = false;  // current process called /next
  std::chrono::steady_clock::time_point started_at_{};
  std::optional<std::chrono::microseconds> time_to_first_next_;
  bool stopping_ = false;
  bool paused_ = false;
  std::size_t next_calls_ = 0;
};

}  // namespace shoppulse::emulator
