#include "shoppulse/gateway/claims.h"

#include <ctime>

namespace shoppulse::gateway {
namespace {

std::tm utc(std::int64_t epoch_seconds) {
  const auto seconds = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

std::string scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  return value.dump();  // numbers and booleans: their JSON text
}

std::string joined(const nlohmann::json& array, const char* separator) {
  std::string out;
  for (const auto& item : array) {
    if (!out.empty()) out += separator;
    out += scalar_text(item);
  }
  return out;
}

}  // namespace

// Literal formats (strftime's day and month names are the C locale's: we
// never call setlocale).
std::string java_date_utc(std::int64_t epoch_seconds) {
  const std::tm tm = utc(epoch_seconds);
  char buffer[64];
  return std::string(buffer, std::strftime(buffer, sizeof buffer, "%a %b %d %H:%M:%S UTC %Y", &tm));
}

std::string clf_time_utc(std::int64_t epoch_seconds) {
  const std::tm tm = utc(epoch_seconds);
  char buffer[64];
  return std::string(buffer, std::strftime(buffer, sizeof buffer, "%d/%b/%Y:%H:%M:%S +0000", &tm));
}

nlohmann::json rest_authorizer_claims(const nlohmann::json& claims) {
  nlohmann::json out = nlohmann::json::object();
  if (!claims.is_object()) return out;
  for (const auto& [name, value] : claims.items()) {
    if ((name == "exp" || name == "iat") && value.is_number()) {
      out[name] = java_date_utc(value.is_number_float() ? static_cast<std::int64_t>(value.get<double>())
                                                        : value.get<std::int64_t>());
    } else if (value.is_array()) {
      out[name] = joined(value, ",");
    } else if (value.is_object()) {
      out[name] = value.dump();
    } else {
      out[name] = scalar_text(value);
    }
  }
  return out;
}

nlohmann::json http_api_authorizer_claims(const nlohmann::json& claims) {
  nlohmann::json out = nlohmann::json::object();
  if (!claims.is_object()) return out;
  for (const auto& [name, value] : claims.items()) {
    if (value.is_array()) {
      out[name] = "[" + joined(value, " ") + "]";
    } else if (value.is_object()) {
      out[name] = value.dump();
    } else {
      out[name] = scalar_text(value);
    }
  }
  return out;
}

}  // namespace shoppulse::gateway
