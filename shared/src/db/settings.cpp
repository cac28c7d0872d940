#include "shoppulse/db/settings.h"

#include <array>
#include <charconv>
#include <cstdlib>

namespace shoppulse::db {
namespace {

constexpr std::array<std::string_view, 6> kSslModes = {"disable", "allow",     "prefer",
                                                       "require", "verify-ca", "verify-full"};

Unexpected<Error> invalid(std::string message) {
  return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", std::move(message)));
}

bool valid_sslmode(std::string_view mode) {
  for (std::string_view known : kSslModes) {
    if (mode == known) return true;
  }
  return false;
}

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// Reads an integer variable within [min, max]; nullopt when unset or empty.
Result<std::optional<long long>> read_bounded(const PoolSettings::EnvLookup& env, std::string_view name, long long min,
                                              long long max) {
  const std::optional<std::string> raw = env(name);
  if (!raw || raw->empty()) return std::optional<long long>();
  long long value = 0;
  const auto [end, error] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (error != std::errc() || end != raw->data() + raw->size() || value < min || value > max) {
    return invalid(std::string(name) + " must be an integer between " + std::to_string(min) + " and " +
                   std::to_string(max) + " (got \"" + *raw + "\")");
  }
  return std::optional<long long>(value);
}

}  // namespace

Status PoolSettings::validate() const {
  if (max_size < 1 || max_size > 100) return invalid("pool max_size must be between 1 and 100");
  if (connect_timeout.count() < 1) return invalid("pool connect_timeout must be positive");
  if (statement_timeout.count() < 1) return invalid("pool statement_timeout must be positive");
  if (deadline_margin.count() < 0) return invalid("pool deadline_margin must not be negative");
  if (ping_timeout.count() < 1) return invalid("pool ping_timeout must be positive");
  if (validate_after_idle.count() < 0) return invalid("pool validate_after_idle must not be negative");
  if (retry.max_retries < 0 || retry.max_retries > 10)
    return invalid("pool retry.max_retries must be between 0 and 10");
  if (retry.initial_backoff.count() < 0 || retry.max_backoff < retry.initial_backoff) {
    return invalid("pool retry backoff must satisfy 0 <= initial_backoff <= max_backoff");
  }
  if (retry.multiplier < 1.0) return invalid("pool retry.multiplier must be >= 1");
  if (!sslmode.empty() && !valid_sslmode(sslmode)) {
    return invalid("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
  }
  return {};
}

Result<PoolSettings> PoolSettings::from_env(const Overrides& overrides, const EnvLookup& env) {
  return from_env(overrides, env, PoolSettings{});
}

Result<PoolSettings> PoolSettings::from_env(const Overrides& overrides, const EnvLookup& env, PoolSettings defaults) {
  const EnvLookup lookup = env ? env : EnvLookup(process_env);
  PoolSettings settings = std::move(defaults);

  auto max_size = read_bounded(lookup, "DB_POOL_MAX", 1, 100);
  if (!max_size) return fail(max_size.error());
  if (*max_size) settings.max_size = static_cast<std::size_t>(**max_size);

  auto connect_timeout = read_bounded(lookup, "DB_CONNECT_TIMEOUT_MS", 100, 60000);
  if (!connect_timeout) return fail(connect_timeout.error());
  if (*connect_timeout) settings.connect_timeout = std::chrono::milliseconds(**connect_timeout);

  auto statement_timeout = read_bounded(lookup, "DB_STATEMENT_TIMEOUT_MS", 100, 900000);
  if (!statement_timeout) return fail(statement_timeout.error());
  if (*statement_timeout) settings.statement_timeout = std::chrono::milliseconds(**statement_timeout);

  if (const std::optional<std::string> sslmode = lookup("DB_SSLMODE"); sslmode && !sslmode->empty()) {
    if (!valid_sslmode(*sslmode)) {
      return invalid("DB_SSLMODE must be one of disable, allow, prefer, require, verify-ca, verify-full (got \"" +
                     *sslmode + "\")");
    }
    settings.sslmode = *sslmode;
  }

  if (overrides.max_size) settings.max_size = *overrides.max_size;
  if (overrides.connect_timeout) settings.connect_timeout = *overrides.connect_timeout;
  if (overrides.statement_timeout) settings.statement_timeout = *overrides.statement_timeout;
  if (overrides.sslmode) settings.sslmode = *overrides.sslmode;

  if (Status valid = settings.validate(); !valid) return fail(valid.error());
  return settings;
}

}  // namespace shoppulse::db
