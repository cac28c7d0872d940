#include "shoppulse/aws/credentials.h"

namespace shoppulse::aws {
namespace {

Error missing(std::string_view variable) {
  return Error::make(ErrorKind::kInternal, "aws_config_missing", std::string(variable) + " is not set");
}

}  // namespace

Result<AwsCredentials> credentials_from_env(const EnvLookup& env) {
  AwsCredentials credentials;
  auto access_key = env("AWS_ACCESS_KEY_ID");
  if (!access_key) return fail(missing("AWS_ACCESS_KEY_ID"));
  auto secret_key = env("AWS_SECRET_ACCESS_KEY");
  if (!secret_key) return fail(missing("AWS_SECRET_ACCESS_KEY"));
  credentials.access_key_id = std::move(*access_key);
  credentials.secret_access_key = std::move(*secret_key);
  credentials.session_token = env("AWS_SESSION_TOKEN").value_or("");
  return credentials;
}

Result<std::string> region_from_env(const EnvLookup& env) {
  if (auto region = env("AWS_REGION")) return std::move(*region);
  if (auto region = env("AWS_DEFAULT_REGION")) return std::move(*region);
  return fail(missing("AWS_REGION (or AWS_DEFAULT_REGION)"));
}

}  // namespace shoppulse::aws
