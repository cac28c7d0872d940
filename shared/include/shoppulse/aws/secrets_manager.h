#pragma once
// Secrets Manager GetSecretValue (JSON 1.1). The secret string is returned to
// the caller and nowhere else: it is never logged or put in an error.

#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

struct SecretValue {
  std::string arn;
  std::string name;
  std::string version_id;
  std::string secret_string;  // never logged
};

class SecretsManagerClient {
 public:
  // `client` must have been built for kSecretsManager.
  explicit SecretsManagerClient(std::shared_ptr<AwsClient> client);

  // Fails with code "secret_not_string" when the secret only has SecretBinary.
  Result<SecretValue> get_secret_value(std::string_view secret_id);

  [[nodiscard]] AwsClient& client() noexcept { return *client_; }

 private:
  std::shared_ptr<AwsClient> client_;
};

}  // namespace shoppulse::aws
