#pragma once
// AWS credentials as Lambda hands them to the function: environment variables
// set from the execution role, including a session token.

#include <string>

#include "shoppulse/core/env.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  std::string session_token;      // empty for long-term keys; never logged
};

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ optional AWS_SESSION_TOKEN).
// The error names the missing variable.
Result<AwsCredentials> credentials_from_env(const env::Source& env);

// AWS_REGION, falling back to AWS_DEFAULT_REGION.
Result<std::string> region_from_env(const env::Source& env);

}  // namespace shoppulse::aws
