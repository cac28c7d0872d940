#include "shoppulse/db/settings.h"
#include "shoppulse/db_secret/secret_cache.h"

namespace shoppulse::db_secret {
namespace {

// A constructor value must obey the variable's bounds too.
Status seconds_setting(const std::optional<std::chrono::milliseconds>& override_value, const env::Source& env,
                       std::string_view variable, std::int64_t max_seconds, std::chrono::milliseconds& target) {
  if (override_value && override_value->count() < 0) return fail(env::invalid(variable, "zero or positive"));
  auto value =
      env::override_or(override_value, [&] { return env::read_seconds(env, variable, target, 0, max_seconds); });
  if (!value) return fail(std::move(value).error());
  target = *value;
  return {};
}

}  // namespace

Result<SecretCacheSettings> SecretCacheSettings::from_env(const SecretCacheOverrides& overrides,
                                                          const env::Source& env) {
  SecretCacheSettings settings;

  if (overrides.secret_id && !overrides.secret_id->empty()) {
    settings.secret_id = *overrides.secret_id;
  } else {
    auto id = env::require_string(env, "RDS_SECRET_ARN");
    if (!id) return fail(std::move(id).error());
    settings.secret_id = std::move(*id);
  }

  settings.db.host = overrides.host ? overrides.host : env::read_string(env, "RDS_PROXY_ENDPOINT");
  settings.db.dbname = overrides.dbname ? overrides.dbname : env::read_string(env, "RDS_DATABASE");
  if (overrides.port && (*overrides.port < 1 || *overrides.port > 65535)) {
    return fail(env::invalid("RDS_PORT", "an integer from 1 to 65535"));
  }
  if (overrides.port) {
    settings.db.port = overrides.port;
  } else {
    auto port = env::read_optional_int(env, "RDS_PORT", 1, 65535);
    if (!port) return fail(std::move(port).error());
    if (*port) settings.db.port = static_cast<int>(**port);
  }

  if (auto mode = overrides.sslmode ? overrides.sslmode : env::read_string(env, "DB_SSLMODE")) {
    settings.db.sslmode = std::move(*mode);
  }
  if (!db::is_valid_sslmode(settings.db.sslmode)) {
    return fail(env::invalid("DB_SSLMODE", "one of disable, allow, prefer, require, verify-ca, verify-full"));
  }
  if (auto root = overrides.sslrootcert ? overrides.sslrootcert : env::read_string(env, "DB_SSLROOTCERT")) {
    settings.db.sslrootcert = std::move(*root);
  }

  constexpr std::int64_t kDay = std::int64_t{24} * 60 * 60;
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

}  // namespace shoppulse::db_secret
