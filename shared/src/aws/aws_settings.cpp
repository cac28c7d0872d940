#include <charconv>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/aws/ca_bundle.h"

namespace shoppulse::aws {
namespace {

Result<long long> positive_integer(const EnvLookup& env, std::string_view variable, long long max) {
  const auto text = env(variable);
  if (!text) return 0LL;  // unset: caller keeps its default
  long long value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < 1 || value > max) {
    return fail(Error::make(ErrorKind::kInternal, "aws_config_invalid",
                            std::string(variable) + " must be an integer between 1 and " + std::to_string(max)));
  }
  return value;
}

}  // namespace

Result<AwsClientSettings> AwsClientSettings::from_env(const ServiceInfo& service, const AwsClientOverrides& overrides,
                                                      const EnvLookup& env) {
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
      return fail(Error::make(ErrorKind::kInternal, "aws_config_missing",
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

  constexpr long long kMaxTimeoutMs = 15 * 60 * 1000;  // a Lambda invocation's upper bound
  if (overrides.connect_timeout) {
    settings.http.connect_timeout = *overrides.connect_timeout;
  } else {
    auto value = positive_integer(env, "SHOPPULSE_AWS_CONNECT_TIMEOUT_MS", kMaxTimeoutMs);
    if (!value) return fail(value.error());
    if (*value > 0) settings.http.connect_timeout = std::chrono::milliseconds(*value);
  }
  if (overrides.request_timeout) {
    settings.http.request_timeout = *overrides.request_timeout;
  } else {
    auto value = positive_integer(env, "SHOPPULSE_AWS_TIMEOUT_MS", kMaxTimeoutMs);
    if (!value) return fail(value.error());
    if (*value > 0) settings.http.request_timeout = std::chrono::milliseconds(*value);
  }

  if (overrides.retry) {
    settings.retry = *overrides.retry;
  } else {
    auto attempts = positive_integer(env, "AWS_MAX_ATTEMPTS", 10);
    if (!attempts) return fail(attempts.error());
    if (*attempts > 0) settings.retry.max_attempts = static_cast<int>(*attempts);
    auto base = positive_integer(env, "SHOPPULSE_AWS_RETRY_BASE_MS", 60'000);
    if (!base) return fail(base.error());
    if (*base > 0) settings.retry.base_delay = std::chrono::milliseconds(*base);
    auto cap = positive_integer(env, "SHOPPULSE_AWS_RETRY_MAX_DELAY_MS", 60'000);
    if (!cap) return fail(cap.error());
    if (*cap > 0) settings.retry.max_delay = std::chrono::milliseconds(*cap);
  }
  if (settings.retry.max_attempts < 1) {
    return fail(Error::make(ErrorKind::kInternal, "aws_config_invalid", "retry max_attempts must be at least 1"));
  }
  if (settings.http.connect_timeout.count() <= 0 || settings.http.request_timeout.count() <= 0) {
    return fail(Error::make(ErrorKind::kInternal, "aws_config_invalid", "AWS HTTP timeouts must be positive"));
  }
  return settings;
}

}  // namespace shoppulse::aws
