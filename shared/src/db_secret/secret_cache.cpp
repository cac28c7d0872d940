#include "shoppulse/db_secret/secret_cache.h"

namespace shoppulse::db_secret {
namespace {

long long to_ms(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

}  // namespace

SecretFetcher secrets_manager_fetcher(std::shared_ptr<aws::SecretsManagerClient> client) {
  return [client = std::move(client)](const std::string& secret_id) -> Result<std::string> {
    auto value = client->get_secret_value(secret_id);
    if (!value) return fail(value.error());
    return std::move(value->secret_string);
  };
}

DbSecretCache::DbSecretCache(SecretCacheSettings settings, SecretFetcher fetcher, const Logger* logger,
                             SteadyClock clock)
    : settings_(std::move(settings)), fetcher_(std::move(fetcher)), logger_(logger), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

DbSecretCache::Stats DbSecretCache::stats() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

Result<db::DbCredentials> DbSecretCache::get(bool force_refresh) {
  const std::uint64_t fetches_seen = fetches_.load();
  const std::lock_guard<std::mutex> lock(mutex_);
  if (fetches_.load() != fetches_seen) {
    // A fetch ran while this caller waited for the lock: its outcome is as
    // fresh as one this caller would start now.
    ++stats_.shared_fetches;
    if (cached_) return *cached_;
    if (last_failure_) return fail(*last_failure_);
  }
  const auto now = clock_();
  if (cached_) {
    if (force_refresh) {
      if (last_forced_ && now - *last_forced_ < settings_.min_forced_refresh_interval) {
        ++stats_.forced_refreshes_suppressed;
        if (logger_ != nullptr) {
          logger_->info("db secret forced refresh suppressed",
                        {{"retryInMs", to_ms(*last_forced_ + settings_.min_forced_refresh_interval - now)}});
        }
        return *cached_;
      }
      last_forced_ = now;
      ++stats_.forced_refreshes;
    } else {
      if (now - fetched_at_ < settings_.ttl) {
        ++stats_.cache_hits;
        return *cached_;
      }
      if (retry_after_ && now < *retry_after_) {
        ++stats_.stale_served;
        return *cached_;
      }
    }
  } else if (force_refresh) {
    last_forced_ = now;
    ++stats_.forced_refreshes;
  }
  return refresh(now);
}

Result<db::DbCredentials> DbSecretCache::refresh(std::chrono::steady_clock::time_point now) {
  ++stats_.fetches;
  auto secret = fetcher_ ? fetcher_(settings_.secret_id)
                         : Result<std::string>(fail(Error::make(ErrorKind::kInternal, "db_secret_unavailable",
                                                                "no secret fetcher configured")));
  Result<db::DbCredentials> parsed =
      secret ? parse_rds_secret(*secret, settings_.db) : Result<db::DbCredentials>(fail(secret.error()));
  fetches_.fetch_add(1);
  if (parsed) {
    last_failure_.reset();
    cached_ = std::move(*parsed);
    fetched_at_ = now;
    retry_after_.reset();
    if (logger_ != nullptr) logger_->info("db secret fetched", {{"secretFetches", stats_.fetches}});
    return *cached_;
  }

  ++stats_.fetch_failures;
  const Error& error = parsed.error();
  last_failure_ = error;
  if (cached_) {
    // Serving the previous credentials beats failing every request: the
    // password usually still works, and the pool forces a refresh if not.
    retry_after_ = now + settings_.failure_backoff;
    ++stats_.stale_served;
    if (logger_ != nullptr) {
      logger_->warn("db secret refresh failed; serving cached credentials",
                    {{"errorCode", error.code}, {"retryInMs", settings_.failure_backoff.count()}});
    }
    return *cached_;
  }
  if (logger_ != nullptr) logger_->error("db secret fetch failed", {{"errorCode", error.code}});
  return fail(error);
}

db::CredentialsProvider make_credentials_provider(std::shared_ptr<DbSecretCache> cache) {
  return [cache = std::move(cache)](bool force_refresh) { return cache->get(force_refresh); };
}

Result<std::shared_ptr<DbSecretCache>> make_db_secret_cache(const Logger* logger,
                                                            const SecretCacheOverrides& cache_overrides,
                                                            const aws::AwsClientOverrides& aws_overrides,
                                                            const env::Source& env) {
  auto cache_settings = SecretCacheSettings::from_env(cache_overrides, env);
  if (!cache_settings) return fail(cache_settings.error());
  auto aws_settings = aws::AwsClientSettings::from_env(aws::kSecretsManager, aws_overrides, env);
  if (!aws_settings) return fail(aws_settings.error());
  auto client = aws::AwsClient::create(std::move(*aws_settings), logger);
  if (!client) return fail(client.error());
  auto secrets = std::make_shared<aws::SecretsManagerClient>(std::shared_ptr<aws::AwsClient>(std::move(*client)));
  return std::make_shared<DbSecretCache>(std::move(*cache_settings), secrets_manager_fetcher(std::move(secrets)),
                                         logger);
}

Result<db::CredentialsProvider> make_credentials_provider(const Logger* logger,
                                                          const SecretCacheOverrides& cache_overrides,
                                                          const aws::AwsClientOverrides& aws_overrides,
                                                          const env::Source& env) {
  auto cache = make_db_secret_cache(logger, cache_overrides, aws_overrides, env);
  if (!cache) return fail(cache.error());
  return make_credentials_provider(std::move(*cache));
}

}  // namespace shoppulse::db_secret
