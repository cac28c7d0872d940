#pragma once
// Pieces shared by the fake's server plumbing and its two service handlers.

#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/fakes/fake_aws.h"

namespace shoppulse::fakes::detail {

// What a handler answers with: a body for 2xx, or an AWS error.
struct Reply {
  int status = 200;
  nlohmann::json body;
  std::string error_type;
  std::string error_message;

  static Reply ok(nlohmann::json body) { return Reply{200, std::move(body), "", ""}; }
  static Reply error(int status, std::string type, std::string message) {
    return Reply{status, nullptr, std::move(type), std::move(message)};
  }
};

struct SecretEntry {
  std::string value;
  std::string version_id;
  std::string arn;
};

std::string request_id();  // UUID-shaped, unique per call
std::string random_hex(std::size_t length);

// JSON 1.1: POST / with X-Amz-Target secretsmanager.GetSecretValue.
// `path` has any configured prefix removed.
Reply handle_secrets_manager(const RecordedRequest& request, const std::string& path,
                             const std::map<std::string, SecretEntry>& secrets);

// REST-JSON: POST /accounts/{id}/embed-url/{anonymous,registered}-user.
// `path` has any configured prefix removed.
Reply handle_quicksight(const RecordedRequest& request, const std::string& path, const FakeAwsOptions& options,
                        const std::set<std::string>& dashboards);

// Does `path` (prefix removed) name a QuickSight embed operation?
bool is_quicksight_path(const std::string& path);

}  // namespace shoppulse::fakes::detail
