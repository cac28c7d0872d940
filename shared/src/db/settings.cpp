#include "shoppulse/db/settings.h"

#include <array>
#include <cstdint>

namespace shoppulse::db {
namespace {

constexpr std::array<std::string_view, 6> kSslModes = {"disable", "allow",     "prefer",
                                                       "require", "verify-ca", "verify-full"};

Unexpected<Error> invalid(std::string message) {
  return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", std::move(message)));
}

}  // namespace

bool is_valid_sslmode(std::string_view mode) noexcept {
  for (const std::string_view known : kSslModes) {
    if (mode == known) return true;
  }
  return false;
}

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
  if (!sslmode.empty() && !is_valid_sslmode(sslmode)) {
    return invalid("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
  }
  return {};
}

Result<PoolSettings> PoolSettings::from_env(const Overrides& overrides, const env::Source& env) {
  return from_env(overrides, env, PoolSettings{});
}

// Each field: the override when given, else its variable, else `defaults`.
Result<PoolSettings> PoolSettings::from_env(const Overrides& overrides, const env::Source& env, PoolSettings defaults) {
  PoolSettings settings = std::move(defaults);

  auto max_size = env::override_or(overrides.max_size, [&]() -> Result<std::size_t> {
    auto value = env::read_int(env, "DB_POOL_MAX", static_cast<std::int64_t>(settings.max_size), 1, 100);
    if (!value) return fail(std::move(value).error());
    return static_cast<std::size_t>(*value);
  });
  if (!max_size) return fail(std::move(max_size).error());
  settings.max_size = *max_size;

  auto connect_timeout = env::override_or(overrides.connect_timeout, [&] {
    return env::read_milliseconds(env, "DB_CONNECT_TIMEOUT_MS", settings.connect_timeout, 100, 60000);
  });
  if (!connect_timeout) return fail(std::move(connect_timeout).error());
  settings.connect_timeout = *connect_timeout;

  auto statement_timeout = env::override_or(overrides.statement_timeout, [&] {
    return env::read_milliseconds(env, "DB_STATEMENT_TIMEOUT_MS", settings.statement_timeout, 100, 900000);
  });
  if (!statement_timeout) return fail(std::move(statement_timeout).error());
  settings.statement_timeout = *statement_timeout;

  if (overrides.sslmode) {
    settings.sslmode = *overrides.sslmode;
  } else if (auto sslmode = env::read_string(env, "DB_SSLMODE")) {
    if (!is_valid_sslmode(*sslmode)) {
      return fail(env::invalid("DB_SSLMODE", "one of disable, allow, prefer, require, verify-ca, verify-full"));
    }
    settings.sslmode = std::move(*sslmode);
  }

  if (Status valid = settings.validate(); !valid) return fail(valid.error());
  return settings;
}

}  // namespace shoppulse::db
