#include "shoppulse/handlers/validation.h"

#include <cctype>
#include <charconv>

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/utf8.h"

namespace shoppulse::handlers {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

bool valid_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') return false;
  }
  return true;
}

// Client input echoed in an error is cut to this many bytes.
constexpr std::size_t kMaxEchoedNameBytes = 64;

// The longest prefix of `text` of at most `max_bytes` bytes that ends on a
// code point boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

}  // namespace

void FieldErrors::add(std::string field, std::string problem) {
  errors_.emplace_back(std::move(field), std::move(problem));
}

nlohmann::json FieldErrors::details() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [field, problem] : errors_) out.push_back({{"field", field}, {"problem", problem}});
  return out;
}

Result<json::Value, ApiError> parse_json_object_body(const ApiRequest& request, json::Document& document) {
  const std::string_view* content_type = request.header("content-type");
  std::string media;
  if (content_type != nullptr) {
    media = std::string(content_type->substr(0, content_type->find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    ascii::to_lower(media);
  }
  const bool is_json = media == "application/json" || (media.size() > 5 && media.rfind("application/", 0) == 0 &&
                                                       media.compare(media.size() - 5, 5, "+json") == 0);
  if (!is_json) {
    return fail(ApiError(Error::make(ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                                     "Request body must be JSON (Content-Type: application/json)")));
  }
  if (!document.parse(request.body)) {
    return fail(ApiError(Error::make(ErrorKind::kInvalidInput, "malformed_json", "Request body is not valid JSON")));
  }
  const json::Value body = document.root();
  if (!body.is_object()) {
    return fail(
        ApiError(Error::make(ErrorKind::kInvalidInput, "malformed_json", "Request body must be a JSON object")));
  }
  // A repeated name has two values and readers disagree on which counts
  // (we would see the last, a proxy or WAF rule may have checked the first),
  // so the body is not acceptable JSON. The name goes to details, never to
  // the message: messages reach X-Ray causes, which keep no client input.
  if (const auto name = document.duplicate_member()) {
    return fail(ApiError(Error::make(ErrorKind::kInvalidInput, "malformed_json", "Request body repeats a member name"),
                         nlohmann::json::array({{{"field", std::string(utf8_prefix(*name, kMaxEchoedNameBytes))},
                                                 {"problem", "is given more than once"}}})));
  }
  return body;
}

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8::sequence_length(text, i);
    if (length == 0) return std::nullopt;
    i += length;
  }
  return count;
}

bool has_control_characters(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

bool is_valid_email(std::string_view email) {
  if (email.empty() || email.size() > 100) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : local) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = std::isalnum(u) != 0 || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    if (!valid_domain_label(
            domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

Result<int> parse_limit(const ApiRequest& request, int fallback, int min, int max) {
  const std::string_view* given = request.query_param("limit");
  if (given == nullptr) return fallback;
  const auto invalid = [&] {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_limit",
                            "limit must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  };
  if (request.query_count("limit") != 1) return invalid();
  const std::string_view text = *given;
  if (!all_digits(text) || text.size() > 4) return invalid();
  const int value = to_int(text);
  if (value < min || value > max) return invalid();
  return value;
}

std::optional<std::string> parse_iso8601(std::string_view text) {
  // YYYY-MM-DD
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!all_digits(text.substr(0, 4)) || !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const int year = to_int(text.substr(0, 4));
  const int month = to_int(text.substr(5, 2));
  const int day = to_int(text.substr(8, 2));
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  if (text.size() == 10) return std::string(text) + "T00:00:00Z";
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  std::string_view rest = text.substr(11);
  // hh:mm[:ss[.fraction]]
  if (rest.size() < 5 || rest[2] != ':' || !all_digits(rest.substr(0, 2)) || !all_digits(rest.substr(3, 2))) {
    return std::nullopt;
  }
  if (to_int(rest.substr(0, 2)) > 23 || to_int(rest.substr(3, 2)) > 59) return std::nullopt;
  rest.remove_prefix(5);
  if (!rest.empty() && rest.front() == ':') {
    if (rest.size() < 3 || !all_digits(rest.substr(1, 2)) || to_int(rest.substr(1, 2)) > 59) return std::nullopt;
    rest.remove_prefix(3);
    if (!rest.empty() && rest.front() == '.') {
      std::size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      if (digits == 1 || digits > 10) return std::nullopt;
      rest.remove_prefix(digits);
    }
  }
  // Zone: Z, or +hh:mm / -hh:mm; absent means UTC.
  if (rest.empty()) return std::string(text) + "Z";
  if (rest == "Z" || rest == "z") return std::string(text);
  if ((rest.front() == '+' || rest.front() == '-') && rest.size() == 6 && rest[3] == ':' &&
      all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2)) && to_int(rest.substr(1, 2)) <= 14 &&
      to_int(rest.substr(4, 2)) <= 59) {
    return std::string(text);
  }
  return std::nullopt;
}

std::string escape_like(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace shoppulse::handlers
