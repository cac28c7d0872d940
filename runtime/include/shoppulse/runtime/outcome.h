#pragma once
// What a handler hands back to the loop: a payload for /response or a
// function error for /error. Handlers return values; exceptions are caught
// by the loop and converted, never allowed to end the process.

#include <chrono>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace shoppulse::runtime {

struct Invocation;

struct InvocationResponse {
  // Usually allocated in the invocation's arena; posted without a copy.
  std::pmr::string payload;
  std::string_view content_type = "application/json";
};

struct FunctionError {
  std::string error_type;  // "Function.*" or "Runtime.*"; sent as Lambda-Runtime-Function-Error-Type
  std::string message;     // must not contain secrets
};

class Outcome;

// Work a handler leaves for after its outcome is posted (an access log line,
// metrics), so it is not billed before the response: the loop calls
// complete() once, then destroys the object. Allocate it in the invocation's
// arena (std::pmr::polymorphic_allocator<>::new_object); the arena's release
// reclaims the memory.
class Completion {
 public:
  Completion() = default;
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;
  virtual ~Completion() = default;
  // `elapsed`: from the event's arrival to the outcome posted.
  virtual void complete(const Invocation& invocation, const Outcome& outcome,
                        std::chrono::nanoseconds elapsed) noexcept = 0;
};

class Outcome {
 public:
  Outcome(InvocationResponse response) : value_(std::move(response)) {}  // NOLINT(google-explicit-constructor)
  Outcome(FunctionError error) : value_(std::move(error)) {}             // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool is_success() const noexcept { return value_.index() == 0; }
  [[nodiscard]] const InvocationResponse& response() const { return std::get<0>(value_); }
  [[nodiscard]] InvocationResponse& response() { return std::get<0>(value_); }
  [[nodiscard]] const FunctionError& error() const { return std::get<1>(value_); }

  // Not owned: the loop runs and destroys it (see Completion).
  void set_completion(Completion* completion) noexcept { completion_ = completion; }
  [[nodiscard]] Completion* completion() const noexcept { return completion_; }

 private:
  std::variant<InvocationResponse, FunctionError> value_;
  Completion* completion_ = nullptr;
};

// Error types the runtime itself reports.
namespace error_types {
inline constexpr const char* kUnhandled = "Function.UnhandledException";
inline constexpr const char* kResponseTooLarge = "Function.ResponseSizeTooLarge";
inline constexpr const char* kInvalidConfig = "Runtime.InvalidConfig";
inline constexpr const char* kInitFailed = "Runtime.InitError";
}  // namespace error_types

}  // namespace shoppulse::runtime
