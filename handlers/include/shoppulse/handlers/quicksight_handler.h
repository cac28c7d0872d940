#pragma once
// POST /quicksight/embed-url: checks the caller's role may see the dashboard,
// asks QuickSight for an embed URL (registered user when the caller has a
// QuickSight identity, anonymous with a tenant session tag otherwise) and
// audits it. The URL is a bearer credential: it is returned, never logged
// or stored.

#include <string>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/core/log.h"
#include "shoppulse/handlers/db_access.h"
#include "shoppulse/handlers/request_context.h"

namespace shoppulse::handlers {

struct QuickSightSettings {
  std::string account_id;  // QUICKSIGHT_ACCOUNT_ID; else taken from the function ARN
  std::string region;      // for dashboard ARNs; the client's region
  std::string partition = "aws";
  int default_session_minutes = 60;
};

class QuickSightHandler {
 public:
  QuickSightHandler(DbAccess& db, aws::AwsClient* client, QuickSightSettings settings, const Logger& logger)
      : db_(db), client_(client), settings_(std::move(settings)), logger_(logger) {}

  HandlerResult embed_url(const RequestContext& context);

 private:
  ApiError map_aws_error(const Error& error) const;

  DbAccess& db_;
  aws::AwsClient* client_;
  QuickSightSettings settings_;
  const Logger& logger_;
};

// The AWS account id in a Lambda function ARN, or empty.
std::string account_from_function_arn(std::string_view arn);

}  // namespace shoppulse::handlers
