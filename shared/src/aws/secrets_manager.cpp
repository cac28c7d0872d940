#include "shoppulse/aws/secrets_manager.h"

namespace shoppulse::aws {
namespace {

std::string optional_string(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

SecretsManagerClient::SecretsManagerClient(std::shared_ptr<AwsClient> client) : client_(std::move(client)) {}

Result<SecretValue> SecretsManagerClient::get_secret_value(std::string_view secret_id) {
  if (secret_id.empty()) {
    return fail(Error::make(ErrorKind::kInternal, "aws_invalid_request", "GetSecretValue needs a SecretId"));
  }
  auto response = client_->call_json("GetSecretValue", nlohmann::json{{"SecretId", secret_id}});
  if (!response) return fail(response.error());
  const nlohmann::json& body = *response;
  const auto secret = body.find("SecretString");
  if (secret == body.end() || !secret->is_string()) {
    return fail(Error::make(ErrorKind::kBadGateway, "secret_not_string",
                            "Secrets Manager returned no SecretString for the database secret"));
  }
  SecretValue value;
  value.arn = optional_string(body, "ARN");
  value.name = optional_string(body, "Name");
  value.version_id = optional_string(body, "VersionId");
  value.secret_string = secret->get<std::string>();
  return value;
}

}  // namespace shoppulse::aws
