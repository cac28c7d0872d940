#pragma once
// What a handler hands back to the loop: a payload for /response or a
// function error for /error. Handlers return values; exceptions are caught
// by the loop and converted, never allowed to end the process.

#include <string>
#include <utility>
#include <variant>

namespace shoppulse::runtime {

struct InvocationResponse {
  std::string payload;
  std::string content_type = "application/json";
};

struct FunctionError {
  std::string error_type;  // "Function.*" or "Runtime.*"; sent as Lambda-Runtime-Function-Error-Type
  std::string message;     // must not contain secrets
};

class Outcome {
 public:
  Outcome(InvocationResponse response) : value_(std::move(response)) {}  // NOLINT(google-explicit-constructor)
  Outcome(FunctionError error) : value_(std::move(error)) {}             // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool is_success() const noexcept { return value_.index() == 0; }
  [[nodiscard]] const InvocationResponse& response() const { return std::get<0>(value_); }
  [[nodiscard]] InvocationResponse& response() { return std::get<0>(value_); }
  [[nodiscard]] const FunctionError& error() const { return std::get<1>(value_); }

 private:
  std::variant<InvocationResponse, FunctionError> value_;
};

// Error types the runtime itself reports.
namespace error_types {
inline constexpr const char* kUnhandled = "Function.UnhandledException";
inline constexpr const char* kResponseTooLarge = "Function.ResponseSizeTooLarge";
inline constexpr const char* kInvalidConfig = "Runtime.InvalidConfig";
inline constexpr const char* kInitFailed = "Runtime.InitError";
}  // namespace error_types

}  // namespace shoppulse::runtime
