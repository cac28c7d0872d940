#include "shoppulse/handlers/users_handler.h"

#include <set>
#include <string>
#include <string_view>

#include <charconv>

#include "row_json.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/db/binary.h"
#include "shoppulse/handlers/pagination.h"
#include "shoppulse/handlers/validation.h"

namespace shoppulse::handlers {
namespace {

// The api.user_row columns (sql/migrations/0009), read in binary;
// api.update_user adds kLastActiveAdmin (sql/migrations/0011).
enum UserColumn : std::size_t { kId, kEmail, kName, kRole, kStatus, kCreatedAt, kUpdatedAt, kLastActiveAdmin };
// api.delete_user's columns (sql/migrations/0011).
enum DeleteColumn : std::size_t { kUserFound, kUserDeleted, kDeleteLastActiveAdmin };

void write_user(std::pmr::string& body, const db::QueryResult& rows, std::size_t row) {
  ArenaJsonWriter writer(body);
  writer.begin_object();
  row_json::uuid(writer, "id", rows, row, kId);
  row_json::text(writer, "email", rows, row, kEmail);
  row_json::text(writer, "name", rows, row, kName);
  row_json::text(writer, "role", rows, row, kRole);
  row_json::text(writer, "status", rows, row, kStatus);
  row_json::timestamp_ms(writer, "createdAt", rows, row, kCreatedAt);
  row_json::timestamp_ms(writer, "updatedAt", rows, row, kUpdatedAt);
  writer.end_object();
}

ApiResponse user_response(int status, const db::QueryResult& rows, std::pmr::memory_resource& memory) {
  ApiResponse response = json_response(status, &memory);
  response.body.reserve(256);
  write_user(response.body, rows, 0);
  return response;
}

constexpr const char* kListUsers =
    "SELECT * FROM api.list_users($1::uuid, $2, $3, $4, $5, $6::timestamptz, $7::uuid, $8::int)";
constexpr const char* kGetUser = "SELECT * FROM api.get_user($1::uuid, $2, $3::uuid)";
constexpr const char* kCreateUser = "SELECT * FROM api.create_user($1::uuid, $2, $3, $4, $5, $6, $7, $8)";
constexpr const char* kUpdateUser =
    "SELECT * FROM api.update_user($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8, $9, $10, $11::bool)";
constexpr const char* kDeleteUser = "SELECT * FROM api.delete_user($1::uuid, $2, $3, $4::uuid, $5, $6)";

db::Param text_param(std::string_view value) {
  return std::string(value);
}

db::Param optional_param(std::string_view value) {
  return value.empty() ? db::Param() : db::Param(std::string(value));
}

ApiError validation_error(const FieldErrors& errors) {
  return ApiError(Error::make(ErrorKind::kInvalidInput, "validation_failed", "The request is invalid"),
                  errors.details());
}

// The only unique constraint a user write can break is the per-tenant email.
ApiError email_conflict(ApiError error) {
  if (error.error.kind == ErrorKind::kConflict) {
    error.error.code = "email_taken";
    error.error.message = "A user with this email already exists in the tenant";
  }
  return error;
}

ApiError not_found() {
  return ApiError(Error::make(ErrorKind::kNotFound, "not_found", "User not found"));
}

// The database refused to take away the tenant's last active admin: without
// one, nobody in the tenant could manage its users again.
ApiError last_active_admin() {
  return ApiError(
      Error::make(ErrorKind::kConflict, "last_active_admin", "A tenant must keep at least one active admin"));
}

ApiError forbidden(std::string message) {
  return ApiError(Error::make(ErrorKind::kForbidden, "forbidden", std::move(message)));
}

// The first value of a single-valued query parameter; more than one -> error.
bool single_query(const ApiRequest& request, const char* name, std::string_view& out, FieldErrors& errors) {
  const std::string_view* value = request.query_param(name);
  if (value == nullptr) return false;
  if (request.query_count(name) > 1) {
    errors.add(name, "must be given once");
    return false;
  }
  out = *value;
  return true;
}

struct UserFields {
  std::string email;
  std::string name;
  std::string role;
  std::string status;
};

using FieldNames = std::set<std::string_view, std::less<>>;

// Validates the fields present in `body`; `allowed` lists the permitted keys.
UserFields read_user_fields(json::Value body, const FieldNames& allowed, bool create, FieldErrors& errors) {
  UserFields fields;
  for (const auto& member : body.members()) {
    if (allowed.count(member.key) == 0) errors.add(std::string(member.key), "is not a recognised field");
  }
  const auto string_field = [&](const char* key, std::string& out) -> bool {
    const json::Value value = body[key];
    if (!value.exists()) {
      if (create) errors.add(key, "is required");
      return false;
    }
    if (!value.is_string()) {
      errors.add(key, "must be a string");
      return false;
    }
    out = std::string(value.string());
    return true;
  };
  if (string_field("email", fields.email)) {
    if (!utf8_length(fields.email) || !is_valid_email(fields.email)) {
      errors.add("email", "must be a valid email address of at most 100 characters");
    }
  }
  if (string_field("name", fields.name)) {
    const auto first = fields.name.find_first_not_of(' ');
    const auto last = fields.name.find_last_not_of(' ');
    fields.name = first == std::string::npos ? std::string() : fields.name.substr(first, last - first + 1);
    const auto length = utf8_length(fields.name);
    if (!length || *length < 1 || *length > 50 || has_control_characters(fields.name)) {
      errors.add("name", "must be 1 to 50 characters of text");
    }
  }
  Role parsed{};
  if (string_field("role", fields.role) && !parse_role(fields.role, parsed)) {
    errors.add("role", "must be one of admin, analyst, viewer");
  }
  if (allowed.count("status") != 0 && body["status"].exists()) {
    if (string_field("status", fields.status) && fields.status != "active" && fields.status != "disabled") {
      errors.add("status", "must be active or disabled");
    }
  }
  return fields;
}

}  // namespace

HandlerResult UsersHandler::list(const RequestContext& context) {
  const ApiRequest& request = context.request;
  auto limit = parse_limit(request, 25, 1, 100);
  if (!limit) return fail(ApiError(limit.error()));
  FieldErrors errors;
  std::string_view role;
  std::string_view status;
  std::string_view prefix;
  Role ignored{};
  if (single_query(request, "role", role, errors) && !parse_role(role, ignored)) {
    errors.add("role", "must be one of admin, analyst, viewer");
  }
  if (single_query(request, "status", status, errors) && status != "active" && status != "disabled") {
    errors.add("status", "must be active or disabled");
  }
  if (single_query(request, "q", prefix, errors)) {
    const auto length = utf8_length(prefix);
    if (!length || *length > 100 || has_control_characters(prefix)) errors.add("q", "must be at most 100 characters");
  }
  std::optional<CursorPosition> after;
  if (std::string_view cursor; single_query(request, "cursor", cursor, errors)) {
    auto decoded = cursors_.decode(cursor, context.caller.tenant_id, "users");
    if (!decoded) return fail(ApiError(decoded.error()));
    after = std::move(decoded).value();
  }
  if (!errors.empty()) return fail(validation_error(errors));

  char page_rows[8];
  const auto written = std::to_chars(page_rows, page_rows + sizeof page_rows, *limit + 1);
  const db::Statement statement{
      kListUsers,
      db::make_params(text_param(context.caller.tenant_id), text_param(role_name(context.caller.role)),
                      optional_param(role), optional_param(status),
                      prefix.empty() ? db::Param() : db::Param(escape_like(prefix)),
                      after ? db::Param(after->created_at) : db::Param(), after ? db::Param(after->id) : db::Param(),
                      std::string(page_rows, written.ptr)),
      db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/true);
  if (!rows) return fail(std::move(rows).error());
  return page_response(*rows, *limit, KeysetColumns{kCreatedAt, kId}, cursors_, context.caller.tenant_id, "users",
                       &context.memory,
                       [&rows](std::pmr::string& body, std::size_t row) { write_user(body, *rows, row); });
}

HandlerResult UsersHandler::get(const RequestContext& context) {
  std::string id;
  if (!parse_uuid(context.param("id"), id)) return fail(not_found());
  const db::Statement statement{
      kGetUser,
      db::make_params(text_param(context.caller.tenant_id), text_param(role_name(context.caller.role)), std::move(id)),
      db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/true);
  if (!rows) return fail(std::move(rows).error());
  if (rows->empty()) return fail(not_found());
  return user_response(200, *rows, context.memory);
}

HandlerResult UsersHandler::create(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(forbidden("Only admins can create users"));
  json::Document document(&context.memory);
  auto body = parse_json_object_body(context.request, document);
  if (!body) return fail(std::move(body).error());
  FieldErrors errors;
  const UserFields fields = read_user_fields(*body, FieldNames{"email", "name", "role"}, /*create=*/true, errors);
  if (!errors.empty()) return fail(validation_error(errors));

  const db::Statement statement{kCreateUser,
                                {text_param(context.caller.tenant_id), text_param(context.caller.sub),
                                 text_param(role_name(context.caller.role)), fields.email, fields.name, fields.role,
                                 text_param(context.audit_request_id()), text_param(context.audit_source_ip())},
                                db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/false);
  if (!rows) return fail(email_conflict(std::move(rows).error()));
  if (rows->empty())
    return fail(ApiError(Error::make(ErrorKind::kInternal, "internal_error", "An internal error occurred")));
  ApiResponse response = user_response(201, *rows, context.memory);
  char id[36];
  if (db::binary::uuid_text(rows->value(0, kId).value_or(""), id)) {
    std::pmr::string location("/users/", &context.memory);
    location.append(id, sizeof id);
    response.set_header("Location", location);
  }
  return response;
}

HandlerResult UsersHandler::update(const RequestContext& context) {
  std::string id;
  const bool admin = context.caller.is_admin();
  json::Document document(&context.memory);
  auto body = parse_json_object_body(context.request, document);
  if (!body) return fail(std::move(body).error());
  if (!parse_uuid(context.param("id"), id))
    return fail(admin ? not_found() : forbidden("You can only change your own name"));
  FieldErrors errors;
  // Non-admins may change their own name and nothing else.
  const FieldNames allowed = admin ? FieldNames{"email", "name", "role", "status"} : FieldNames{"name"};
  if (!admin) {
    for (const auto& member : body->members()) {
      if (member.key != "name") return fail(forbidden("You can only change your own name"));
    }
  }
  const UserFields fields = read_user_fields(*body, allowed, /*create=*/false, errors);
  if (body->size() == 0) errors.add("body", "must contain at least one field to change");
  if (!errors.empty()) return fail(validation_error(errors));

  const db::Statement statement{
      kUpdateUser,
      {text_param(context.caller.tenant_id), text_param(context.caller.sub), text_param(role_name(context.caller.role)),
       std::move(id), optional_param(fields.email), optional_param(fields.name), optional_param(fields.role),
       optional_param(fields.status), text_param(context.audit_request_id()), text_param(context.audit_source_ip()),
       std::string(admin ? "false" : "true")},
      db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/false);
  if (!rows) return fail(email_conflict(std::move(rows).error()));
  if (rows->empty()) return fail(admin ? not_found() : forbidden("You can only change your own name"));
  if (rows->row(0).get<bool>(kLastActiveAdmin).value_or(false)) return fail(last_active_admin());
  return user_response(200, *rows, context.memory);
}

HandlerResult UsersHandler::remove(const RequestContext& context) {
  if (!context.caller.is_admin()) return fail(forbidden("Only admins can delete users"));
  std::string id;
  if (!parse_uuid(context.param("id"), id)) return fail(not_found());
  const db::Statement statement{
      kDeleteUser,
      {text_param(context.caller.tenant_id), text_param(context.caller.sub), text_param(role_name(context.caller.role)),
       std::move(id), text_param(context.audit_request_id()), text_param(context.audit_source_ip())},
      db::ResultFormat::kBinary};
  auto rows = db_.run(context, statement, /*read_only=*/false);
  if (!rows) return fail(std::move(rows).error());
  const db::Row row = rows->row(0);
  if (rows->empty() || !row.get<bool>(kUserFound).value_or(false)) return fail(not_found());
  // The function refuses yourself before the last admin (it reports only one).
  if (row.get<bool>(kDeleteLastActiveAdmin).value_or(false)) return fail(last_active_admin());
  if (!row.get<bool>(kUserDeleted).value_or(false)) {
    return fail(ApiError(Error::make(ErrorKind::kConflict, "cannot_delete_self", "You cannot delete yourself")));
  }
  ApiResponse response(&context.memory);
  response.status = 204;
  return response;
}

}  // namespace shoppulse::handlers
