#include "shoppulse/handlers/quicksight_handler.h"

#include <algorithm>

#include "shoppulse/aws/uri.h"
#include "shoppulse/handlers/invocation_context.h"
#include "shoppulse/handlers/validation.h"

namespace shoppulse::handlers {
namespace {

bool valid_dashboard_id(std::string_view id) {
  if (id.empty() || id.size() > 512) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// sql/migrations/0009: the policy read before the QuickSight call, and the
// audit row written after it.
constexpr const char* kPolicySql = "SELECT * FROM api.embed_policy($1::uuid, $2, $3, $4)";
constexpr const char* kAuditSql = "SELECT api.audit_embed($1::uuid, $2, $3, $4, $5, $6, $7, $8::int)";

}  // namespace

std::string account_from_function_arn(std::string_view arn) {
  // arn:partition:lambda:region:account:function:name
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return {};
    start = colon + 1;
  }
  const auto end = arn.find(':', start);
  const std::string_view account =
      arn.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  const bool digits =
      account.size() == 12 && std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits ? std::string(account) : std::string();
}

ApiError QuickSightHandler::map_aws_error(const Error& error) const {
  logger_.warn("QuickSight call failed", {{"awsErrorCode", error.code}, {"kind", kind_name(error.kind)}});
  switch (error.kind) {
    case ErrorKind::kThrottled: {
      ApiError mapped(
          Error::make(ErrorKind::kThrottled, "throttled", "QuickSight is throttling requests; retry later"));
      mapped.retry_after_seconds = 1;
      return mapped;
    }
    case ErrorKind::kNotFound:
      return ApiError(Error::make(ErrorKind::kNotFound, "dashboard_not_found", "QuickSight has no such dashboard"));
    case ErrorKind::kTimeout:
      return ApiError(Error::make(ErrorKind::kTimeout, "timeout", "QuickSight did not answer in time"));
    default: break;
  }
  return ApiError(Error::make(ErrorKind::kBadGateway, "quicksight_error", "QuickSight refused the request"),
                  nlohmann::json{{"awsErrorCode", error.code}});
}

HandlerResult QuickSightHandler::embed_url(const RequestContext& context) {
  json::Document document(&context.memory);
  auto body = parse_json_object_body(context.request, document);
  if (!body) return fail(std::move(body).error());
  FieldErrors errors;
  for (const auto& member : body->members()) {
    if (member.key != "dashboardId" && member.key != "sessionLifetimeMinutes") {
      errors.add(std::string(member.key), "is not a recognised field");
    }
  }
  std::string dashboard_id;
  if (const json::Value given = (*body)["dashboardId"]; !given.exists()) {
    errors.add("dashboardId", "is required");
  } else if (!given.is_string() || !valid_dashboard_id(given.string())) {
    errors.add("dashboardId", "must be 1 to 512 letters, digits, '-' or '_'");
  } else {
    dashboard_id = std::string(given.string());
  }
  std::optional<int> requested_minutes;
  if (const json::Value given = (*body)["sessionLifetimeMinutes"]; given.exists()) {
    // int64(): a whole number without fraction or exponent, as
    // nlohmann's is_number_integer() was.
    const std::optional<std::int64_t> minutes = given.int64();
    if (!minutes || *minutes < 15 || *minutes > 600) {
      errors.add("sessionLifetimeMinutes", "must be an integer from 15 to 600");
    } else {
      requested_minutes = static_cast<int>(*minutes);
    }
  }
  if (!errors.empty()) {
    return fail(ApiError(Error::make(ErrorKind::kInvalidInput, "validation_failed", "The request is invalid"),
                         errors.details()));
  }

  const std::string role(role_name(context.caller.role));
  const std::string tenant(context.caller.tenant_id);
  const std::string sub(context.caller.sub);
  auto policy = db_.run(context, db::Statement{kPolicySql, {tenant, role, dashboard_id, sub}}, /*read_only=*/true);
  if (!policy) return fail(std::move(policy).error());
  const db::QueryResult& rows = *policy;
  if (rows.empty() || rows.row(0).text("visible").value_or("f") != "t") {
    return fail(ApiError(Error::make(ErrorKind::kForbidden, "forbidden", "Your role may not view this dashboard")));
  }
  const db::Row row = rows.row(0);

  // Governance sets the default and the ceiling; a request may ask for less.
  int minutes = settings_.default_session_minutes;
  if (auto governed = row.get<std::optional<std::int32_t>>("session_minutes"); governed && governed->has_value()) {
    minutes = std::clamp(**governed, 15, 600);
    if (requested_minutes) minutes = std::min(minutes, *requested_minutes);
  } else if (requested_minutes) {
    minutes = *requested_minutes;
  }
  nlohmann::json allowed_domains = nlohmann::json::array();
  if (auto domains = row.text("domains")) {
    auto parsed = nlohmann::json::parse(*domains, nullptr, false);
    if (parsed.is_array()) allowed_domains = std::move(parsed);
  }

  if (client_ == nullptr) {
    return fail(
        ApiError(Error::make(ErrorKind::kUnavailable, "quicksight_unavailable", "QuickSight is not configured")));
  }
  std::string account = settings_.account_id;
  if (account.empty()) account = account_from_function_arn(context.invocation.function_arn);
  if (account.empty()) {
    logger_.error("no QuickSight account id: set QUICKSIGHT_ACCOUNT_ID");
    return fail(ApiError(Error::make(ErrorKind::kInternal, "internal_error", "An internal error occurred")));
  }

  const std::optional<std::string_view> user_arn = row.text("user_arn");
  const bool registered = user_arn.has_value() && !user_arn->empty();
  nlohmann::json request = {{"ExperienceConfiguration", {{"Dashboard", {{"InitialDashboardId", dashboard_id}}}}},
                            {"SessionLifetimeInMinutes", minutes}};
  if (!allowed_domains.empty()) request["AllowedDomains"] = allowed_domains;
  std::string path = "/accounts/" + aws::uri_encode(account) + "/embed-url/";
  if (registered) {
    request["UserArn"] = std::string(*user_arn);
    path += "registered-user";
  } else {
    const std::string dashboard_arn =
        "arn:" + settings_.partition + ":quicksight:" + settings_.region + ":" + account + ":dashboard/" + dashboard_id;
    request["Namespace"] = std::string(row.text("namespace").value_or("default"));
    request["AuthorizedResourceArns"] = nlohmann::json::array({dashboard_arn});
    request["SessionTags"] = nlohmann::json::array({{{"Key", "tenant_id"}, {"Value", tenant}}});
    path += "anonymous-user";
  }

  auto answer = client_->call_rest_json(
      registered ? "GenerateEmbedUrlForRegisteredUser" : "GenerateEmbedUrlForAnonymousUser", "POST", path, request);
  if (!answer) return fail(map_aws_error(answer.error()));
  const auto url = answer->find("EmbedUrl");
  if (url == answer->end() || !url->is_string() || url->get_ref<const std::string&>().empty()) {
    return fail(ApiError(Error::make(ErrorKind::kBadGateway, "quicksight_error", "QuickSight returned no embed URL")));
  }

  // The audit row is part of the contract: without it, no URL leaves.
  auto audited = db_.run(context,
                         db::Statement{kAuditSql,
                                       {tenant, sub, role, dashboard_id, std::string(context.audit_request_id()),
                                        std::string(context.audit_source_ip()),
                                        std::string(registered ? "registered" : "anonymous"), std::to_string(minutes)}},
                         /*read_only=*/false);
  if (!audited) return fail(std::move(audited).error());

  const long long expires_ms = now_epoch_ms() + static_cast<long long>(minutes) * 60'000;
  ApiResponse response = json_response(200,
                                       {{"embedUrl", url->get<std::string>()},
                                        {"expiresAt", format_timestamp_ms(expires_ms)},
                                        {"dashboardId", dashboard_id}},
                                       &context.memory);
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace shoppulse::handlers
