// GetSecretValue as the botocore model (secretsmanager 2017-10-17) describes it.
#include "fake_internal.h"

namespace shoppulse::fakes::detail {

Reply handle_secrets_manager(const RecordedRequest& request, const std::string& path,
                             const std::map<std::string, SecretEntry>& secrets) {
  if (path != "/") return Reply::error(404, "UnknownOperationException", "JSON 1.1 operations are served at /");
  if (request.method != "POST") return Reply::error(400, "InvalidRequestException", "JSON 1.1 operations use POST");
  if (request.header("Content-Type") != "application/x-amz-json-1.1") {
    return Reply::error(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1");
  }
  const std::string target = request.header("X-Amz-Target");
  if (target != "secretsmanager.GetSecretValue") {
    return Reply::error(400, "UnknownOperationException", "unsupported X-Amz-Target: " + target);
  }
  if (!request.json.is_object()) return Reply::error(400, "SerializationException", "body is not a JSON object");
  for (const auto& [key, value] : request.json.items()) {
    if (key != "SecretId" && key != "VersionId" && key != "VersionStage") {
      return Reply::error(400, "InvalidParameterException", "unknown member " + key);
    }
  }
  const auto id = request.json.find("SecretId");
  if (id == request.json.end() || !id->is_string() || id->get_ref<const std::string&>().empty() ||
      id->get_ref<const std::string&>().size() > 2048) {
    return Reply::error(400, "InvalidParameterException", "SecretId must be a string of 1-2048 characters");
  }
  const auto entry = secrets.find(id->get<std::string>());
  if (entry == secrets.end()) {
    return Reply::error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  }
  return Reply::ok({
      {"ARN", entry->second.arn},
      {"Name", entry->first},
      {"VersionId", entry->second.version_id},
      {"SecretString", entry->second.value},
      {"VersionStages", nlohmann::json::array({"AWSCURRENT"})},
      {"CreatedDate", 1.7e9},
  });
}

}  // namespace shoppulse::fakes::detail
