#include <charconv>

#include "shoppulse/aws/secret_cache.h"

namespace shoppulse::aws {
namespace {

Error invalid(std::string_view variable, std::string_view expectation) {
  return Error::make(ErrorKind::kInternal, "db_config_invalid",
                     std::string(variable) + " must be " + std::string(expectation));
}

// nullopt when unset; an error names the variable, never echoes the value.
Result<std::optional<long long>> integer_env(const EnvLookup& env, std::string_view variable, long long min,
                                             long long max) {
  const auto text = env(variable);
  if (!text) return std::optional<long long>();
  long long value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    return fail(invalid(variable, "an integer between " + std::to_string(min) + " and " + std::to_string(max)));
  }
  return std::optional<long long>(value);
}

Status seconds_setting(const std::optional<std::chrono::milliseconds>& override_value, const EnvLookup& env,
                       std::string_view variable, long long max_seconds, std::chrono::milliseconds& target) {
  if (override_value) {
    if (override_value->count() < 0) return fail(invalid(variable, "zero or positive"));
    target = *override_value;
    return {};
  }
  auto value = integer_env(env, variable, 0, max_seconds);
  if (!value) return fail(value.error());
  if (*value) target = std::chrono::seconds(**value);
  return {};
}

}  // namespace

Result<SecretCacheSettings> SecretCacheSettings::from_env(const SecretCacheOverrides& overrides, const EnvLookup& env) {
  SecretCacheSettings settings;

  if (overrides.secret_id && !overrides.secret_id->empty()) {
    settings.secret_id = *overrides.secret_id;
  } else if (auto id = env("RDS_SECRET_ARN")) {
    settings.secret_id = std::move(*id);
  } else {
    return fail(Error::make(ErrorKind::kInvalidInput, "db_config_missing", "RDS_SECRET_ARN is not set"));
  }

  settings.db.host = overrides.host ? overrides.host : env("RDS_PROXY_ENDPOINT");
  settings.db.dbname = overrides.dbname ? overrides.dbname : env("RDS_DATABASE");
  if (overrides.port) {
    if (*overrides.port < 1 || *overrides.port > 65535)
      return fail(invalid("RDS_PORT", "an integer between 1 and 65535"));
    settings.db.port = overrides.port;
  } else {
    auto port = integer_env(env, "RDS_PORT", 1, 65535);
    if (!port) return fail(port.error());
    if (*port) settings.db.port = static_cast<int>(**port);
  }

  if (auto mode = overrides.sslmode ? overrides.sslmode : env("DB_SSLMODE")) settings.db.sslmode = std::move(*mode);
  if (!is_valid_sslmode(settings.db.sslmode)) {
    return fail(invalid("DB_SSLMODE", "one of disable, allow, prefer, require, verify-ca, verify-full"));
  }
  if (auto root = overrides.sslrootcert ? overrides.sslrootcert : env("DB_SSLROOTCERT")) {
    settings.db.sslrootcert = std::move(*root);
  }

  constexpr long long kDay = 24 * 60 * 60;
  if (auto s = seconds_setting(overrides.ttl, env, "SECRET_TTL_SECONDS", kDay, settings.ttl); !s) {
    return fail(s.error());
  }
  if (auto s = seconds_setting(overrides.min_forced_refresh_interval, env, "SECRET_MIN_FORCED_REFRESH_SECONDS", 3600,
                               settings.min_forced_refresh_interval);
      !s) {
    return fail(s.error());
  }
  if (auto s = seconds_setting(overrides.failure_backoff, env, "SECRET_REFRESH_BACKOFF_SECONDS", 3600,
                               settings.failure_backoff);
      !s) {
    return fail(s.error());
  }
  return settings;
}

}  // namespace shoppulse::aws
