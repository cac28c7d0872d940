#include "shoppulse/aws/credentials.h"

namespace shoppulse::aws {

// Unset credentials or region are "not configured" (missing_config): the
// caller decides whether running without AWS is legitimate.
Result<AwsCredentials> credentials_from_env(const env::Source& env) {
  AwsCredentials credentials;
  auto access_key = env::require_string(env, "AWS_ACCESS_KEY_ID");
  if (!access_key) return fail(std::move(access_key).error());
  auto secret_key = env::require_string(env, "AWS_SECRET_ACCESS_KEY");
  if (!secret_key) return fail(std::move(secret_key).error());
  credentials.access_key_id = std::move(*access_key);
  credentials.secret_access_key = std::move(*secret_key);
  credentials.session_token = env::read_string(env, "AWS_SESSION_TOKEN").value_or("");
  return credentials;
}

Result<std::string> region_from_env(const env::Source& env) {
  if (auto region = env::read_string(env, "AWS_REGION")) return std::move(*region);
  if (auto region = env::read_string(env, "AWS_DEFAULT_REGION")) return std::move(*region);
  return fail(env::missing("AWS_REGION (or AWS_DEFAULT_REGION)"));
}

}  // namespace shoppulse::aws
