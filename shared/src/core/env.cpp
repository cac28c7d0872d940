#include "shoppulse/core/env.h"

#include <charconv>
#include <cstdlib>

#include "shoppulse/core/ascii.h"

namespace shoppulse::env {

std::optional<std::string> ProcessSource::get(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::optional<std::string> MapSource::get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

const Source& process() noexcept {
  static const ProcessSource source;
  return source;
}

Error invalid(std::string_view name, std::string_view expectation) {
  return Error::make(ErrorKind::kInvalidInput, "invalid_config",
                     std::string(name) + " must be " + std::string(expectation));
}

Error missing(std::string_view name) {
  return Error::make(ErrorKind::kInvalidInput, "missing_config", std::string(name) + " is not set");
}

bool is_missing(const Error& error) noexcept {
  return error.code == "missing_config";
}

std::optional<std::string> read_string(const Source& env, std::string_view name) {
  return env.get(name);
}

Result<std::string> require_string(const Source& env, std::string_view name) {
  auto value = env.get(name);
  if (!value) return fail(missing(name));
  return std::move(*value);
}

Result<std::optional<std::int64_t>> read_optional_int(const Source& env, std::string_view name, std::int64_t min,
                                                      std::int64_t max) {
  const auto text = env.get(name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    return fail(invalid(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  return std::optional<std::int64_t>(value);
}

Result<std::int64_t> read_int(const Source& env, std::string_view name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) {
  auto value = read_optional_int(env, name, min, max);
  if (!value) return fail(std::move(value).error());
  return value->value_or(fallback);
}

Result<std::chrono::milliseconds> read_milliseconds(const Source& env, std::string_view name,
                                                    std::chrono::milliseconds fallback, std::int64_t min_ms,
                                                    std::int64_t max_ms) {
  auto value = read_optional_int(env, name, min_ms, max_ms);
  if (!value) return fail(std::move(value).error());
  return *value ? std::chrono::milliseconds(**value) : fallback;
}

Result<std::chrono::milliseconds> read_seconds(const Source& env, std::string_view name,
                                               std::chrono::milliseconds fallback, std::int64_t min_s,
                                               std::int64_t max_s) {
  auto value = read_optional_int(env, name, min_s, max_s);
  if (!value) return fail(std::move(value).error());
  return *value ? std::chrono::milliseconds(std::chrono::seconds(**value)) : fallback;
}

Result<bool> read_bool(const Source& env, std::string_view name, bool fallback) {
  auto index = read_choice_index_of(env, name, {"true", "1", "yes", "false", "0", "no"});
  if (!index) return fail(invalid(name, "true or false (or 1/0, yes/no)"));
  if (!*index) return fallback;
  return **index < 3;
}

Result<std::optional<std::size_t>> read_choice_index_of(const Source& env, std::string_view name,
                                                        const std::vector<std::string_view>& names) {
  const auto value = env.get(name);
  if (!value) return std::optional<std::size_t>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (ascii::iequals(*value, names[i])) return std::optional<std::size_t>(i);
  }
  std::string expectation = "one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) expectation += ", ";
    expectation += names[i];
  }
  return fail(invalid(name, expectation));
}

std::vector<std::string> read_list(const Source& env, std::string_view name) {
  std::vector<std::string> items;
  const auto value = env.get(name);
  if (!value) return items;
  std::string_view rest(*value);
  while (true) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    const auto first = item.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      const auto last = item.find_last_not_of(" \t");
      items.emplace_back(item.substr(first, last - first + 1));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace shoppulse::env
