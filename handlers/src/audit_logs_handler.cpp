#include "shoppulse/handlers/audit_logs_handler.h"

#include "shoppulse/handlers/pagination.h"
#include "shoppulse/handlers/validation.h"

namespace shoppulse::handlers {
namespace {

constexpr const char* kAuditJson = R"(json_build_object(
    'id', a.id, 'action', a.action, 'actorId', a.actor_user_id, 'actorSub', a.actor_sub,
    'actorRole', a.actor_role, 'resourceType', a.resource_type, 'resourceId', a.resource_id,
    'requestId', a.request_id, 'sourceIp', host(a.source_ip), 'details', a.details,
    'createdAt', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text)";

ApiError admins_only() {
  return ApiError(Error::make(ErrorKind::kForbidden, "forbidden", "Only admins can read the audit trail"));
}

// A single-valued query parameter, or empty. Repeats are a field error.
std::string query_value(const ApiRequest& request, const char* name, FieldErrors& errors) {
  const auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return {};
  if (it->second.size() > 1) {
    errors.add(name, "must be given once");
    return {};
  }
  return it->second.front();
}

bool matches(std::string_view text, std::size_t max, bool (*allowed)(char)) {
  if (text.empty() || text.size() > max) return false;
  for (const char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool action_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_' || c == '.';
}
bool resource_type_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}
bool printable(char c) {
  return static_cast<unsigned char>(c) >= 0x20 && c != 0x7F;
}

db::Param param_or_null(const std::string& value) {
  return value.empty() ? db::Param() : db::Param(value);
}

}  // namespace

HandlerResult AuditLogsHandler::list(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(admins_only());
  const ApiRequest& request = context.request;
  auto limit = parse_limit(request, 25, 1, 100);
  if (!limit) return fail(ApiError(limit.error()));
  FieldErrors errors;
  const std::string action = query_value(request, "action", errors);
  if (!action.empty() && !matches(action, 64, action_char))
    errors.add("action", "must be an action name such as user.created");
  std::string actor;
  if (const std::string raw = query_value(request, "actorId", errors); !raw.empty() && !parse_uuid(raw, actor)) {
    errors.add("actorId", "must be a UUID");
  }
  const std::string resource_type = query_value(request, "resourceType", errors);
  if (!resource_type.empty() && !matches(resource_type, 32, resource_type_char)) {
    errors.add("resourceType", "must be a resource type such as user");
  }
  const std::string resource_id = query_value(request, "resourceId", errors);
  if (!resource_id.empty() && (!matches(resource_id, 256, printable) || !utf8_length(resource_id))) {
    errors.add("resourceId", "must be at most 256 characters");
  }
  std::string from;
  if (const std::string raw = query_value(request, "from", errors); !raw.empty()) {
    if (auto parsed = parse_iso8601(raw))
      from = *parsed;
    else
      errors.add("from", "must be an ISO-8601 timestamp");
  }
  std::string to;
  if (const std::string raw = query_value(request, "to", errors); !raw.empty()) {
    if (auto parsed = parse_iso8601(raw))
      to = *parsed;
    else
      errors.add("to", "must be an ISO-8601 timestamp");
  }
  std::optional<CursorPosition> after;
  if (const std::string cursor = query_value(request, "cursor", errors); !cursor.empty()) {
    auto decoded = cursors_.decode(cursor, context.caller.tenant_id, "audit-logs");
    if (!decoded) return fail(ApiError(decoded.error()));
    after = std::move(decoded).value();
  }
  if (!errors.empty()) {
    return fail(ApiError(Error::make(ErrorKind::kInvalidInput, "validation_failed", "The request is invalid"),
                         errors.details()));
  }

  db::Statement statement{
      std::string("SELECT ") + kAuditJson +
          R"( AS item, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts, a.id AS cursor_id
  FROM audit_logs a
  WHERE a.tenant_id = $1::uuid
    AND ($2::text IS NULL OR a.action = $2)
    AND ($3::uuid IS NULL OR a.actor_user_id = $3::uuid)
    AND ($4::text IS NULL OR a.resource_type = $4)
    AND ($5::text IS NULL OR a.resource_id = $5)
    AND ($6::timestamptz IS NULL OR a.created_at >= $6::timestamptz)
    AND ($7::timestamptz IS NULL OR a.created_at <= $7::timestamptz)
    AND ($8::timestamptz IS NULL OR (a.created_at, a.id) < ($8::timestamptz, $9::uuid))
  ORDER BY a.created_at DESC, a.id DESC
  LIMIT $10::int)",
      {context.caller.tenant_id, param_or_null(action), param_or_null(actor), param_or_null(resource_type),
       param_or_null(resource_id), param_or_null(from), param_or_null(to),
       after ? db::Param(after->created_at) : db::Param(), after ? db::Param(after->id) : db::Param(),
       std::to_string(*limit + 1)}};
  auto results = db_.run(context, {statement}, /*read_only=*/true);
  if (!results) return fail(std::move(results).error());
  return page_response(results->front(), *limit, cursors_, context.caller.tenant_id, "audit-logs");
}

HandlerResult AuditLogsHandler::get(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(admins_only());
  std::string id;
  const auto not_found = [] {
    return fail(ApiError(Error::make(ErrorKind::kNotFound, "not_found", "Audit entry not found")));
  };
  if (!parse_uuid(context.params.at("id"), id)) return not_found();
  db::Statement statement{std::string("SELECT ") + kAuditJson +
                              " AS item FROM audit_logs a WHERE a.tenant_id = $1::uuid AND a.id = $2::uuid",
                          {context.caller.tenant_id, id}};
  auto results = db_.run(context, {statement}, /*read_only=*/true);
  if (!results) return fail(std::move(results).error());
  if (results->front().empty()) return not_found();
  ApiResponse response = json_response(200, nullptr);
  response.body = std::string(results->front().row(0).text("item").value_or("null"));
  return response;
}

}  // namespace shoppulse::handlers
