#pragma once
// The one way to read a setting from the environment. Every area's settings
// follow one convention: a constructor (code) value wins, else the
// environment variable, else the default; `override_or` below is that rule.
//
// "Not set" and "invalid" are different answers: an unset (or empty)
// variable gives the default, or, where a setting is required, a
// `missing_config` error the caller may turn into a warning when running
// without it is legitimate. A value that is set but cannot be used is always
// an `invalid_config` error. Both are ErrorKind::kInvalidInput (bootstrap
// posts Runtime.InvalidConfig), name the variable and the expected form, and
// never echo the value: a value may be a secret, and configuration never
// reaches a log line.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shoppulse/core/result.h"

namespace shoppulse::env {

// Where variables come from: the process, or a map in tests (setenv is not
// thread-safe, so tests never mutate the real environment).
class Source {
 public:
  Source() = default;
  Source(const Source&) = default;
  Source& operator=(const Source&) = default;
  Source(Source&&) = default;
  Source& operator=(Source&&) = default;
  virtual ~Source() = default;
  // nullopt when unset or empty: a Lambda console edit leaves empty values,
  // and an empty setting is as useless as a missing one.
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view name) const = 0;
};

class ProcessSource final : public Source {
 public:
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const override;
};

class MapSource final : public Source {
 public:
  MapSource() = default;
  explicit MapSource(std::map<std::string, std::string, std::less<>> values) : values_(std::move(values)) {}
  MapSource(std::initializer_list<std::pair<const std::string, std::string>> values) : values_(values) {}
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// The process environment; lives for the whole process.
const Source& process() noexcept;

// "NAME must be <expectation>" (invalid_config) and "NAME is not set" (missing_config).
Error invalid(std::string_view name, std::string_view expectation);
Error missing(std::string_view name);
bool is_missing(const Error& error) noexcept;

std::optional<std::string> read_string(const Source& env, std::string_view name);
Result<std::string> require_string(const Source& env, std::string_view name);

// An integer in [min, max]: nullopt (optional_int) or `fallback` (read_int) when unset.
Result<std::optional<std::int64_t>> read_optional_int(const Source& env, std::string_view name, std::int64_t min,
                                                      std::int64_t max);
Result<std::int64_t> read_int(const Source& env, std::string_view name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);

// Durations given in whole milliseconds or whole seconds, bounds in that unit.
Result<std::chrono::milliseconds> read_milliseconds(const Source& env, std::string_view name,
                                                    std::chrono::milliseconds fallback, std::int64_t min_ms,
                                                    std::int64_t max_ms);
Result<std::chrono::milliseconds> read_seconds(const Source& env, std::string_view name,
                                               std::chrono::milliseconds fallback, std::int64_t min_s,
                                               std::int64_t max_s);

// true/false, 1/0 or yes/no, any case.
Result<bool> read_bool(const Source& env, std::string_view name, bool fallback);

// One of a fixed set of names, any case; `fallback` when unset.
template <typename T>
struct Choice {
  std::string_view name;
  T value;
};
// nullopt when unset; else the position of the name the value matches.
Result<std::optional<std::size_t>> read_choice_index_of(const Source& env, std::string_view name,
                                                        const std::vector<std::string_view>& names);
template <typename T>
Result<T> read_enum(const Source& env, std::string_view name, T fallback, std::initializer_list<Choice<T>> choices) {
  std::vector<std::string_view> names;
  names.reserve(choices.size());
  for (const auto& choice : choices) names.push_back(choice.name);
  auto index = read_choice_index_of(env, name, names);
  if (!index) return fail(std::move(index).error());
  if (!*index) return fallback;
  return (choices.begin() + static_cast<std::ptrdiff_t>(**index))->value;
}
// Comma-separated, each item trimmed, empty items dropped.
std::vector<std::string> read_list(const Source& env, std::string_view name);

// The convention itself: the constructor's value when given, else what the
// environment reader returns (which applies the default).
template <typename T, typename ReadEnv>
Result<T> override_or(const std::optional<T>& constructor_value, ReadEnv&& read_env) {
  if (constructor_value) return *constructor_value;
  return std::forward<ReadEnv>(read_env)();
}

}  // namespace shoppulse::env
