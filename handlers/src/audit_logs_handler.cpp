#include "shoppulse/handlers/audit_logs_handler.h"

#include <charconv>

#include "row_json.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/handlers/pagination.h"
#include "shoppulse/handlers/validation.h"

namespace shoppulse::handlers {
namespace {

// The api.audit_row columns (sql/migrations/0009), read in binary.
enum AuditColumn : std::size_t {
  kId,
  kAction,
  kActorId,
  kActorSub,
  kActorRole,
  kResourceType,
  kResourceId,
  kRequestId,
  kSourceIp,
  kDetails,
  kCreatedAt
};

constexpr const char* kListAuditLogs =
    "SELECT * FROM api.list_audit_logs($1::uuid, $2, $3::uuid, $4, $5, $6::timestamptz, $7::timestamptz, "
    "$8::timestamptz, $9::uuid, $10::int)";
constexpr const char* kGetAuditLog = "SELECT * FROM api.get_audit_log($1::uuid, $2::uuid)";

// The fields in the order the API has always shown them.
void write_entry(std::pmr::string& body, const db::QueryResult& rows, std::size_t row) {
  ArenaJsonWriter writer(body);
  writer.begin_object();
  row_json::uuid(writer, "id", rows, row, kId);
  row_json::text(writer, "action", rows, row, kAction);
  row_json::uuid(writer, "actorId", rows, row, kActorId);
  row_json::text(writer, "actorSub", rows, row, kActorSub);
  row_json::text(writer, "actorRole", rows, row, kActorRole);
  row_json::text(writer, "resourceType", rows, row, kResourceType);
  row_json::text(writer, "resourceId", rows, row, kResourceId);
  row_json::text(writer, "requestId", rows, row, kRequestId);
  row_json::text(writer, "sourceIp", rows, row, kSourceIp);
  row_json::raw_json(writer, "details", rows, row, kDetails);
  row_json::timestamp_ms(writer, "createdAt", rows, row, kCreatedAt);
  writer.end_object();
}

ApiError admins_only() {
  return ApiError(Error::make(ErrorKind::kForbidden, "forbidden", "Only admins can read the audit trail"));
}

// A single-valued query parameter, or empty. Repeats are a field error.
std::string_view query_value(const ApiRequest& request, const char* name, FieldErrors& errors) {
  const std::string_view* value = request.query_param(name);
  if (value == nullptr) return {};
  if (request.query_count(name) > 1) {
    errors.add(name, "must be given once");
    return {};
  }
  return *value;
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

db::Param param_or_null(std::string_view value) {
  return value.empty() ? db::Param() : db::Param(std::string(value));
}

}  // namespace

HandlerResult AuditLogsHandler::list(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(admins_only());
  const ApiRequest& request = context.request;
  auto limit = parse_limit(request, 25, 1, 100);
  if (!limit) return fail(ApiError(limit.error()));
  FieldErrors errors;
  const std::string_view action = query_value(request, "action", errors);
  if (!action.empty() && !matches(action, 64, action_char))
    errors.add("action", "must be an action name such as user.created");
  std::string actor;
  if (const std::string_view raw = query_value(request, "actorId", errors); !raw.empty() && !parse_uuid(raw, actor)) {
    errors.add("actorId", "must be a UUID");
  }
  const std::string_view resource_type = query_value(request, "resourceType", errors);
  if (!resource_type.empty() && !matches(resource_type, 32, resource_type_char)) {
    errors.add("resourceType", "must be a resource type such as user");
  }
  const std::string_view resource_id = query_value(request, "resourceId", errors);
  if (!resource_id.empty() && (!matches(resource_id, 256, printable) || !utf8_length(resource_id))) {
    errors.add("resourceId", "must be at most 256 characters");
  }
  std::string from;
  if (const std::string_view raw = query_value(request, "from", errors); !raw.empty()) {
    if (auto parsed = parse_iso8601(raw))
      from = *parsed;
    else
      errors.add("from", "must be an ISO-8601 timestamp");
  }
  std::string to;
  if (const std::string_view raw = query_value(request, "to", errors); !raw.empty()) {
    if (auto parsed = parse_iso8601(raw))
      to = *parsed;
    else
      errors.add("to", "must be an ISO-8601 timestamp");
  }
  std::optional<CursorPosition> after;
  if (const std::string_view cursor = query_value(request, "cursor", errors); !cursor.empty()) {
    auto decoded = cursors_.decode(cursor, context.caller.tenant_id, "audit-logs");
    if (!decoded) return fail(ApiError(decoded.error()));
    after = std::move(decoded).value();
  }
  if (!errors.empty()) {
    return fail(ApiError(Error::make(ErrorKind::kInvalidInput, "validation_failed", "The request is invalid"),
                         errors.details()));
  }

  char page_rows[8];
  const auto written = std::to_chars(page_rows, page_rows + sizeof page_rows, *limit + 1);
  const db::Statement statement{
      kListAuditLogs,
      db::make_params(std::string(context.caller.tenant_id), param_or_null(action), param_or_null(actor),
                      param_or_null(resource_type), param_or_null(resource_id), param_or_null(from), param_or_null(to),
                      after ? db::Param(after->created_at) : db::Param(), after ? db::Param(after->id) : db::Param(),
                      std::string(page_rows, written.ptr)),
      db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/true);
  if (!rows) return fail(std::move(rows).error());
  return page_response(*rows, *limit, KeysetColumns{kCreatedAt, kId}, cursors_, context.caller.tenant_id, "audit-logs",
                       &context.memory,
                       [&rows](std::pmr::string& body, std::size_t row) { write_entry(body, *rows, row); });
}

HandlerResult AuditLogsHandler::get(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(admins_only());
  std::string id;
  const auto not_found = [] {
    return fail(ApiError(Error::make(ErrorKind::kNotFound, "not_found", "Audit entry not found")));
  };
  if (!parse_uuid(context.param("id"), id)) return not_found();
  const db::Statement statement{kGetAuditLog, db::make_params(std::string(context.caller.tenant_id), std::move(id)),
                                db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/true);
  if (!rows) return fail(std::move(rows).error());
  if (rows->empty()) return not_found();
  ApiResponse response = json_response(200, &context.memory);
  write_entry(response.body, *rows, 0);
  return response;
}

}  // namespace shoppulse::handlers
