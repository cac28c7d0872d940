#include "shoppulse/aws/aws_client.h"
#include "shoppulse/aws/ca_bundle.h"

namespace shoppulse::aws {

Result<AwsClientSettings> AwsClientSettings::from_env(const ServiceInfo& service, const AwsClientOverrides& overrides,
                                                      const env::Source& env) {
  AwsClientSettings settings;
  settings.service = service;

  if (overrides.region && !overrides.region->empty()) {
    settings.region = *overrides.region;
  } else {
    auto region = region_from_env(env);
    if (!region) return fail(region.error());
    settings.region = std::move(*region);
  }

  if (overrides.credentials) {
    if (overrides.credentials->access_key_id.empty() || overrides.credentials->secret_access_key.empty()) {
      return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config",
                              "AWS credentials need an access key id and a secret access key"));
    }
    settings.credentials = *overrides.credentials;
  } else {
    auto credentials = credentials_from_env(env);
    if (!credentials) return fail(credentials.error());
    settings.credentials = std::move(*credentials);
  }

  auto endpoint = resolve_endpoint(service, settings.region, overrides.endpoint_url, env);
  if (!endpoint) return fail(endpoint.error());
  settings.endpoint = std::move(*endpoint);

  auto bundle = select_ca_bundle(overrides.ca_bundle, env);
  if (!bundle) return fail(bundle.error());
  settings.http.ca_bundle = std::move(bundle->path);
  settings.ca_bundle_source = std::move(bundle->source);

  constexpr std::int64_t kMaxTimeoutMs = std::int64_t{15} * 60 * 1000;  // a Lambda invocation's upper bound
  auto connect_timeout = env::override_or(overrides.connect_timeout, [&] {
    return env::read_milliseconds(env, "SHOPPULSE_AWS_CONNECT_TIMEOUT_MS", settings.http.connect_timeout, 1,
                                  kMaxTimeoutMs);
  });
  if (!connect_timeout) return fail(std::move(connect_timeout).error());
  settings.http.connect_timeout = *connect_timeout;
  auto request_timeout = env::override_or(overrides.request_timeout, [&] {
    return env::read_milliseconds(env, "SHOPPULSE_AWS_TIMEOUT_MS", settings.http.request_timeout, 1, kMaxTimeoutMs);
  });
  if (!request_timeout) return fail(std::move(request_timeout).error());
  settings.http.request_timeout = *request_timeout;

  if (overrides.retry) {
    settings.retry = *overrides.retry;
  } else {
    auto attempts = env::read_int(env, "AWS_MAX_ATTEMPTS", settings.retry.max_attempts, 1, 10);
    if (!attempts) return fail(std::move(attempts).error());
    settings.retry.max_attempts = static_cast<int>(*attempts);
    auto base = env::read_milliseconds(env, "SHOPPULSE_AWS_RETRY_BASE_MS", settings.retry.base_delay, 1, 60'000);
    if (!base) return fail(std::move(base).error());
    settings.retry.base_delay = *base;
    auto cap = env::read_milliseconds(env, "SHOPPULSE_AWS_RETRY_MAX_DELAY_MS", settings.retry.max_delay, 1, 60'000);
    if (!cap) return fail(std::move(cap).error());
    settings.retry.max_delay = *cap;
  }
  if (settings.retry.max_attempts < 1) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", "retry max_attempts must be at least 1"));
  }
  if (settings.http.connect_timeout.count() <= 0 || settings.http.request_timeout.count() <= 0) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", "AWS HTTP timeouts must be positive"));
  }
  return settings;
}

}  // namespace shoppulse::aws
