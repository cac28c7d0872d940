#pragma once
// Typed reads of environment variables. Every error names the variable and
// the expected form, never the value (a value may be a secret).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shoppulse/core/result.h"

namespace shoppulse::config {

// Where variables come from; tests pass a map instead of mutating environ.
class EnvSource {
 public:
  virtual ~EnvSource() = default;
  [[nodiscard]] virtual std::optional<std::string> get(const std::string& name) const = 0;
};

class ProcessEnv final : public EnvSource {
 public:
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const override;
};

// Unset and empty both mean "not set", as Lambda console edits leave empties.
std::optional<std::string> read_string(const EnvSource& env, const std::string& name);
Result<std::string> require_string(const EnvSource& env, const std::string& name);
Result<std::int64_t> read_int(const EnvSource& env, const std::string& name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);
Result<bool> read_bool(const EnvSource& env, const std::string& name, bool fallback);
std::vector<std::string> read_list(const EnvSource& env, const std::string& name);  // comma-separated, trimmed

}  // namespace shoppulse::config
