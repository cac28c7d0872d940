#pragma once
// Connection pool settings. Pool::create never reads the environment:
// bootstrap calls PoolSettings::from_env(overrides), where explicit overrides
// win over DB_* variables, which win over the defaults below.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/core/env.h"
#include "shoppulse/core/result.h"

namespace shoppulse::db {

// libpq's sslmode values (disable ... verify-full).
bool is_valid_sslmode(std::string_view mode) noexcept;

// Connection attempts only; a statement is never retried by this policy.
// Backoff before retry n (0-based) is min(cap, initial * multiplier^n) with
// "equal jitter": half fixed, half random, so cold starts do not stampede.
struct RetryPolicy {
  int max_retries = 3;  // attempts = 1 + max_retries
  std::chrono::milliseconds initial_backoff{100};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{5000};
};

struct PoolSettings {
  // A Lambda sandbox runs one invocation at a time; the local gateway and
  // benchmark drivers raise this.
  std::size_t max_size = 1;
  std::chrono::milliseconds connect_timeout{5000};  // per attempt
  // Default per-transaction statement_timeout; always capped by the caller's
  // deadline minus deadline_margin so PostgreSQL cancels before Lambda kills us.
  std::chrono::milliseconds statement_timeout{10000};
  std::chrono::milliseconds deadline_margin{250};
  // A connection idle longer than this (frozen sandbox, proxy idle timeout) is
  // pinged with a short timeout before use; younger ones get a free local check.
  std::chrono::milliseconds validate_after_idle{30000};
  std::chrono::milliseconds ping_timeout{1000};
  RetryPolicy retry;
  // libpq sslmode when the credentials carry none (DB_SSLMODE); empty = libpq default.
  std::string sslmode;
  std::string application_name = "shoppulse-api";

  // Rejects values the pool cannot work with, naming the field.
  [[nodiscard]] Status validate() const;

  // Explicitly chosen values; each set field wins over the environment.
  struct Overrides {
    std::optional<std::size_t> max_size;
    std::optional<std::chrono::milliseconds> connect_timeout;
    std::optional<std::chrono::milliseconds> statement_timeout;
    std::optional<std::string> sslmode;
  };
  // Reads DB_POOL_MAX (1..100), DB_CONNECT_TIMEOUT_MS (100..60000),
  // DB_STATEMENT_TIMEOUT_MS (100..900000) and DB_SSLMODE (disable, allow,
  // prefer, require, verify-ca, verify-full). An empty variable counts as unset.
  // Errors are kInvalidInput / code "invalid_config" and name the variable.
  // `defaults` is what an unset variable leaves (the caller's defaults, e.g.
  // bootstrap's pool size per concurrency), below both the environment and
  // the overrides.
  static Result<PoolSettings> from_env(const Overrides& overrides = {}, const env::Source& env = env::process());
  static Result<PoolSettings> from_env(const Overrides& overrides, const env::Source& env, PoolSettings defaults);
};

}  // namespace shoppulse::db
