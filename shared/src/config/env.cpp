#include "shoppulse/config/env.h"

#include <cerrno>
#include <cstdlib>

namespace shoppulse::config {

std::optional<std::string> ProcessEnv::get(const std::string& name) const {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> read_string(const EnvSource& env, const std::string& name) {
  auto value = env.get(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

Result<std::string> require_string(const EnvSource& env, const std::string& name) {
  auto value = read_string(env, name);
  if (!value) return fail(Error::make(ErrorKind::kInvalidInput, "missing_config", name + " is required but not set"));
  return std::move(*value);
}

Result<std::int64_t> read_int(const EnvSource& env, const std::string& name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) {
  const auto value = read_string(env, name);
  if (!value) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long parsed = std::strtoll(value->c_str(), &end, 10);
  if (errno != 0 || end == value->c_str() || *end != '\0' || parsed < min || parsed > max) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config",
                            name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  return static_cast<std::int64_t>(parsed);
}

Result<bool> read_bool(const EnvSource& env, const std::string& name, bool fallback) {
  const auto value = read_string(env, name);
  if (!value) return fallback;
  if (*value == "1" || *value == "true" || *value == "TRUE" || *value == "yes") return true;
  if (*value == "0" || *value == "false" || *value == "FALSE" || *value == "no") return false;
  return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", name + " must be true/false or 1/0"));
}

std::vector<std::string> read_list(const EnvSource& env, const std::string& name) {
  std::vector<std::string> items;
  const auto value = read_string(env, name);
  if (!value) return items;
  std::size_t start = 0;
  while (start <= value->size()) {
    const auto comma = value->find(',', start);
    std::string item = value->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace shoppulse::config
