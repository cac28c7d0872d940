#pragma once
// The database credentials, fetched from Secrets Manager once per sandbox and
// kept for SECRET_TTL_SECONDS. Rules:
//   - within the TTL every get() is a cache hit;
//   - after the TTL the next get() fetches again;
//   - get(true) (the pool saw SQLSTATE 28P01) fetches at once, but at most one
//     forced fetch per min_forced_refresh_interval, so a wrong password cannot
//     turn every request into a Secrets Manager call;
//   - a failed refresh keeps serving the cached credentials and waits
//     failure_backoff before trying again; with nothing cached it is an error;
//   - single flight: callers that arrive while a fetch is running (concurrent
//     workers at the TTL, or all of them seeing 28P01 at once) wait for it and
//     share its outcome, success or failure, instead of fetching again.
// The clock is injected so TTL behaviour is tested without sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/db_secret/rds_secret.h"
#include "shoppulse/core/env.h"
#include "shoppulse/aws/secrets_manager.h"
#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/db/credentials.h"

namespace shoppulse::db_secret {

struct SecretCacheOverrides {
  std::optional<std::string> secret_id;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> dbname;
  std::optional<std::string> sslmode;
  std::optional<std::string> sslrootcert;
  std::optional<std::chrono::milliseconds> ttl;
  std::optional<std::chrono::milliseconds> min_forced_refresh_interval;
  std::optional<std::chrono::milliseconds> failure_backoff;
};

struct SecretCacheSettings {
  std::string secret_id;  // ARN or name
  DbSecretOptions db;
  std::chrono::milliseconds ttl{std::chrono::seconds(300)};
  std::chrono::milliseconds min_forced_refresh_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds failure_backoff{std::chrono::seconds(10)};

  // Environment variables read for unset overrides: RDS_SECRET_ARN,
  // RDS_PROXY_ENDPOINT, RDS_PORT, RDS_DATABASE, DB_SSLMODE (default
  // verify-full), DB_SSLROOTCERT, SECRET_TTL_SECONDS (default 300, 0 disables
  // caching), SECRET_MIN_FORCED_REFRESH_SECONDS (default 5),
  // SECRET_REFRESH_BACKOFF_SECONDS (default 10).
  static Result<SecretCacheSettings> from_env(const SecretCacheOverrides& overrides = {},
                                              const env::Source& env = env::process());
};

// Returns the secret string for an id. The production fetcher calls
// Secrets Manager; tests pass lambdas.
using SecretFetcher = std::function<Result<std::string>(const std::string& secret_id)>;
SecretFetcher secrets_manager_fetcher(std::shared_ptr<aws::SecretsManagerClient> client);

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

class DbSecretCache {
 public:
  struct Stats {
    std::uint64_t fetches = 0;         // calls to the fetcher
    std::uint64_t fetch_failures = 0;  // fetch or validation failures
    std::uint64_t cache_hits = 0;      // served within the TTL
    std::uint64_t stale_served = 0;    // served past the TTL because refreshing failed
    std::uint64_t forced_refreshes = 0;
    std::uint64_t forced_refreshes_suppressed = 0;  // rate-limited, cached value served
    std::uint64_t shared_fetches = 0;               // served by a fetch another caller was running
  };

  // `logger` may be null; it must outlive the cache.
  DbSecretCache(SecretCacheSettings settings, SecretFetcher fetcher, const Logger* logger = nullptr,
                SteadyClock clock = {});

  // Thread-safe; concurrent callers wait for a single fetch.
  Result<db::DbCredentials> get(bool force_refresh = false);

  [[nodiscard]] Stats stats() const;
  [[nodiscard]] const SecretCacheSettings& settings() const noexcept { return settings_; }

 private:
  Result<db::DbCredentials> refresh(std::chrono::steady_clock::time_point now);

  SecretCacheSettings settings_;
  SecretFetcher fetcher_;
  const Logger* logger_;
  SteadyClock clock_;

  // Held across a fetch: waiters queue on it, then see fetches_ moved on.
  mutable std::mutex mutex_;
  std::atomic<std::uint64_t> fetches_{0};  // completed fetches, read before waiting for the lock
  std::optional<Error> last_failure_;      // of the latest fetch, when it failed
  std::optional<db::DbCredentials> cached_;
  std::chrono::steady_clock::time_point fetched_at_{};
  std::optional<std::chrono::steady_clock::time_point> last_forced_;
  std::optional<std::chrono::steady_clock::time_point> retry_after_;
  Stats stats_;
};

db::CredentialsProvider make_credentials_provider(std::shared_ptr<DbSecretCache> cache);

// Production wiring: Secrets Manager client + cache from the environment
// (constructor values win). The cache form exposes stats; the provider form is
// what the connection pool takes.
Result<std::shared_ptr<DbSecretCache>> make_db_secret_cache(const Logger* logger,
                                                            const SecretCacheOverrides& cache_overrides = {},
                                                            const aws::AwsClientOverrides& aws_overrides = {},
                                                            const env::Source& env = env::process());
Result<db::CredentialsProvider> make_credentials_provider(const Logger* logger,
                                                          const SecretCacheOverrides& cache_overrides = {},
                                                          const aws::AwsClientOverrides& aws_overrides = {},
                                                          const env::Source& env = env::process());

}  // namespace shoppulse::db_secret
