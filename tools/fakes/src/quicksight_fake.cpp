// GenerateEmbedUrlForAnonymousUser / GenerateEmbedUrlForRegisteredUser as the
// botocore model (quicksight 2018-04-01) describes them: required members,
// ranges and patterns are checked so a handler bug shows up as the same
// error the real service would return.
#include <regex>

#include "fake_internal.h"

namespace shoppulse::fakes::detail {
namespace {

const std::regex kEmbedPath(R"(^/accounts/([^/]+)/embed-url/(anonymous-user|registered-user)$)");
const std::regex kResourceId(R"(^[\w\-]+$)");
const std::regex kNamespace(R"(^[a-zA-Z0-9._-]*$)");
const std::regex kAccountId(R"(^[0-9]{12}$)");

Reply invalid(std::string message) {
  return Reply::error(400, "InvalidParameterValueException", std::move(message));
}

std::optional<Reply> check_keys(const nlohmann::json& object, std::initializer_list<const char*> allowed,
                                const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    if (!known) return invalid("unknown member " + where + key);
  }
  return std::nullopt;
}

bool is_string_list(const nlohmann::json& value) {
  if (!value.is_array()) return false;
  for (const auto& item : value) {
    if (!item.is_string()) return false;
  }
  return true;
}

std::optional<Reply> check_resource_id(const nlohmann::json& parent, const char* member, std::size_t max,
                                       const std::string& where) {
  const auto it = parent.find(member);
  if (it == parent.end() || !it->is_string()) return invalid(where + member + " is required");
  const std::string& id = it->get_ref<const std::string&>();
  if (id.empty() || id.size() > max || !std::regex_match(id, kResourceId)) {
    return invalid(where + member + " must match [\\w\\-]+ (1-" + std::to_string(max) + " characters)");
  }
  return std::nullopt;
}

std::optional<Reply> check_session_lifetime(const nlohmann::json& body) {
  const auto it = body.find("SessionLifetimeInMinutes");
  if (it == body.end()) return std::nullopt;
  if (!it->is_number_integer() || it->get<long long>() < 15 || it->get<long long>() > 600) {
    return Reply::error(400, "SessionLifetimeInMinutesInvalidException",
                        "SessionLifetimeInMinutes must be an integer from 15 to 600");
  }
  return std::nullopt;
}

std::optional<Reply> check_allowed_domains(const nlohmann::json& body) {
  const auto it = body.find("AllowedDomains");
  if (it != body.end() && !is_string_list(*it)) return invalid("AllowedDomains must be a list of strings");
  return std::nullopt;
}

// Which experience was asked for, and the dashboard id when it is a dashboard.
struct Experience {
  std::string kind;
  std::string dashboard_id;
};

std::optional<Reply> check_experience(const nlohmann::json& body, bool anonymous, Experience& out) {
  const auto it = body.find("ExperienceConfiguration");
  if (it == body.end() || !it->is_object()) return invalid("ExperienceConfiguration is required");
  const nlohmann::json& config = *it;
  const auto keys = anonymous ? check_keys(config, {"Dashboard", "DashboardVisual", "QSearchBar", "GenerativeQnA"},
                                           "ExperienceConfiguration.")
                              : check_keys(config,
                                           {"Dashboard", "QuickSightConsole", "QSearchBar", "DashboardVisual",
                                            "GenerativeQnA", "QuickChat"},
                                           "ExperienceConfiguration.");
  if (keys) return keys;
  if (config.size() != 1) return invalid("ExperienceConfiguration must name exactly one experience");
  out.kind = config.begin().key();
  const nlohmann::json& experience = config.begin().value();
  if (!experience.is_object()) return invalid("ExperienceConfiguration." + out.kind + " must be an object");
  const std::string where = "ExperienceConfiguration." + out.kind + ".";
  if (out.kind == "Dashboard") {
    if (auto bad = check_resource_id(experience, "InitialDashboardId", 512, where)) return bad;
    out.dashboard_id = experience["InitialDashboardId"].get<std::string>();
  } else if (out.kind == "DashboardVisual") {
    const auto visual = experience.find("InitialDashboardVisualId");
    if (visual == experience.end() || !visual->is_object())
      return invalid(where + "InitialDashboardVisualId is required");
    for (const char* member : {"DashboardId", "SheetId", "VisualId"}) {
      if (auto bad = check_resource_id(*visual, member, 512, where + "InitialDashboardVisualId.")) return bad;
    }
    out.dashboard_id = (*visual)["DashboardId"].get<std::string>();
  } else if ((out.kind == "QSearchBar" || out.kind == "GenerativeQnA") && anonymous) {
    if (auto bad = check_resource_id(experience, "InitialTopicId", 2048, where)) return bad;
  }
  return std::nullopt;
}

std::optional<Reply> check_anonymous(const nlohmann::json& body, Experience& experience) {
  if (auto bad = check_keys(body,
                            {"SessionLifetimeInMinutes", "Namespace", "SessionTags", "AuthorizedResourceArns",
                             "ExperienceConfiguration", "AllowedDomains"},
                            "")) {
    return bad;
  }
  const auto ns = body.find("Namespace");
  if (ns == body.end() || !ns->is_string()) return invalid("Namespace is required");
  if (ns->get_ref<const std::string&>().size() > 64 || !std::regex_match(ns->get<std::string>(), kNamespace)) {
    return invalid("Namespace must match ^[a-zA-Z0-9._-]*$ (at most 64 characters)");
  }
  const auto arns = body.find("AuthorizedResourceArns");
  if (arns == body.end() || !is_string_list(*arns) || arns->empty()) {
    return invalid("AuthorizedResourceArns must be a non-empty list of ARNs");
  }
  for (const auto& arn : *arns) {
    if (arn.get_ref<const std::string&>().rfind("arn:", 0) != 0)
      return invalid("AuthorizedResourceArns holds a non-ARN");
  }
  if (const auto tags = body.find("SessionTags"); tags != body.end()) {
    if (!tags->is_array() || tags->empty() || tags->size() > 50) {
      return invalid("SessionTags must be a list of 1-50 tags");
    }
    for (const auto& tag : *tags) {
      if (!tag.is_object() || tag.size() != 2 || !tag.contains("Key") || !tag.contains("Value") ||
          !tag["Key"].is_string() || !tag["Value"].is_string()) {
        return invalid("each SessionTag needs exactly Key and Value strings");
      }
      const auto key_size = tag["Key"].get_ref<const std::string&>().size();
      const auto value_size = tag["Value"].get_ref<const std::string&>().size();
      if (key_size < 1 || key_size > 128 || value_size < 1 || value_size > 256) {
        return invalid("SessionTag Key must be 1-128 and Value 1-256 characters");
      }
    }
  }
  if (auto bad = check_session_lifetime(body)) return bad;
  if (auto bad = check_allowed_domains(body)) return bad;
  if (auto bad = check_experience(body, /*anonymous=*/true, experience)) return bad;
  if (!experience.dashboard_id.empty()) {
    // The service only embeds what the caller authorised.
    bool authorised = false;
    for (const auto& arn : *arns) {
      const std::string& text = arn.get_ref<const std::string&>();
      const std::string suffix = ":dashboard/" + experience.dashboard_id;
      authorised = authorised || (text.size() >= suffix.size() &&
                                  text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0);
    }
    if (!authorised) return invalid("InitialDashboardId is not among AuthorizedResourceArns");
  }
  return std::nullopt;
}

std::optional<Reply> check_registered(const nlohmann::json& body, Experience& experience) {
  if (auto bad =
          check_keys(body, {"SessionLifetimeInMinutes", "UserArn", "ExperienceConfiguration", "AllowedDomains"}, "")) {
    return bad;
  }
  const auto user = body.find("UserArn");
  if (user == body.end() || !user->is_string() || user->get_ref<const std::string&>().rfind("arn:", 0) != 0) {
    return invalid("UserArn is required and must be an ARN");
  }
  if (auto bad = check_session_lifetime(body)) return bad;
  if (auto bad = check_allowed_domains(body)) return bad;
  return check_experience(body, /*anonymous=*/false, experience);
}

}  // namespace

bool is_quicksight_path(const std::string& path) {
  return std::regex_match(path, kEmbedPath);
}

Reply handle_quicksight(const RecordedRequest& request, const std::string& path, const FakeAwsOptions& options,
                        const std::set<std::string>& dashboards) {
  std::smatch match;
  if (!std::regex_match(path, match, kEmbedPath))
    return Reply::error(404, "UnknownOperationException", "no such route");
  if (request.method != "POST") return Reply::error(405, "UnknownOperationException", "embed URL operations use POST");
  const std::string account = match[1].str();
  const bool anonymous = match[2].str() == "anonymous-user";
  if (!std::regex_match(account, kAccountId)) return invalid("AwsAccountId must be 12 digits");
  if (!options.quicksight_account_id.empty() && account != options.quicksight_account_id) {
    return Reply::error(401, "AccessDeniedException", "not authorized for this account");
  }
  const std::string content_type = request.header("Content-Type");
  if (content_type.rfind("application/json", 0) != 0) {
    return Reply::error(415, "UnsupportedMediaTypeException", "Content-Type must be application/json");
  }
  if (!request.json.is_object()) return Reply::error(400, "SerializationException", "body is not a JSON object");

  Experience experience;
  if (auto bad = anonymous ? check_anonymous(request.json, experience) : check_registered(request.json, experience)) {
    return *bad;
  }
  if (!dashboards.empty() && !experience.dashboard_id.empty() && dashboards.count(experience.dashboard_id) == 0) {
    return Reply::error(404, "ResourceNotFoundException", "dashboard not found");
  }

  std::string url = "https://" + options.region + ".quicksight.aws.amazon.com/embed/" + random_hex(32);
  url += experience.dashboard_id.empty() ? "/start" : "/dashboards/" + experience.dashboard_id;
  url += "?code=" + random_hex(48) + "&identityprovider=quicksight&isauthcode=true";
  nlohmann::json body = {{"Status", 200}, {"EmbedUrl", url}, {"RequestId", request_id()}};
  if (anonymous) {
    body["AnonymousUserArn"] = "arn:aws:quicksight:" + options.region + ":" + account + ":user/" +
                               request.json["Namespace"].get<std::string>() + "/anonymous-" + random_hex(16);
  }
  return Reply::ok(std::move(body));
}

}  // namespace shoppulse::fakes::detail
