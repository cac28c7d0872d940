#include "golden.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "codec.h"
#include "shoppulse/core/ascii.h"
#include "text_diff.h"

namespace shoppulse::replay {
namespace {

using nlohmann::json;

bool header_compared(const std::string& name, const std::vector<std::string>& extra) {
  auto matches = [&](const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*') return name.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    return name == pattern;
  };
  const auto& defaults = default_compared_headers();
  return std::any_of(defaults.begin(), defaults.end(), matches) || std::any_of(extra.begin(), extra.end(), matches);
}

json filter_headers(const json& headers, const std::vector<std::string>& extra) {
  if (!headers.is_object()) return headers;
  json out = json::object();
  for (const auto& [name, value] : headers.items()) {
    const std::string key = ascii::lower(name);
    if (header_compared(key, extra)) out[key] = value;
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  try {
    (void)json(std::string(text)).dump();  // throws on invalid UTF-8
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

// Decodes the body the way a client would: base64 when flagged, gzip when
// the headers (or the bytes) say so, then JSON if it parses.
void normalise_body(const json& response, json& out) {
  const auto it = response.find("body");
  if (it == response.end() || it->is_null()) return;
  if (!it->is_string()) {
    out["bodyNotAString"] = *it;
    return;
  }
  std::string bytes = it->get<std::string>();
  if (response.value("isBase64Encoded", false)) {
    auto decoded = base64_decode(bytes);
    if (!decoded) {
      out["bodyInvalidBase64"] = bytes;
      return;
    }
    bytes = std::move(*decoded);
  }
  const json& headers = out.contains("headers") ? out["headers"] : json::object();
  const bool gzip_header = headers.is_object() && headers.value("content-encoding", "") == "gzip";
  if (gzip_header || looks_gzipped(bytes)) {
    auto inflated = gunzip(bytes);
    if (!inflated) {
      out["bodyInvalidGzip"] = true;
      return;
    }
    out["bodyEncoding"] = "gzip";
    bytes = std::move(*inflated);
  }
  json parsed = json::parse(bytes, nullptr, false);
  if (!parsed.is_discarded()) {
    out["body"] = std::move(parsed);
  } else if (valid_utf8(bytes)) {
    out["bodyText"] = bytes;
  } else {
    out["bodyBase64"] = it->get<std::string>();
  }
}

json normalise_api_response(const std::string& body, const std::vector<std::string>& extra_headers) {
  const json response = json::parse(body, nullptr, false);
  if (!response.is_object()) return json{{"notAnObject", body}};
  json out = json::object();
  json keys = json::array();
  for (const auto& [key, value] : response.items()) keys.push_back(key);
  out["keys"] = keys;
  for (const char* key : {"statusCode", "isBase64Encoded", "cookies"}) {
    if (response.contains(key)) out[key] = response[key];
  }
  if (response.contains("headers")) out["headers"] = filter_headers(response["headers"], extra_headers);
  if (response.contains("multiValueHeaders")) {
    out["multiValueHeaders"] = filter_headers(response["multiValueHeaders"], extra_headers);
  }
  normalise_body(response, out);
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

void mask_at(json& node, const std::vector<std::string>& parts, std::size_t index) {
  if (index == parts.size()) {
    node = std::string(kMaskedValue);
    return;
  }
  const std::string& part = parts[index];
  if (node.is_object()) {
    if (part == "*") {
      for (auto& [key, child] : node.items()) mask_at(child, parts, index + 1);
    } else if (auto it = node.find(part); it != node.end()) {
      mask_at(*it, parts, index + 1);
    }
  } else if (node.is_array()) {
    if (part == "*") {
      for (auto& child : node) mask_at(child, parts, index + 1);
    } else if (all_digits(part)) {
      const auto i = std::stoul(part);
      if (i < node.size()) mask_at(node[i], parts, index + 1);
    }
  }
}

void collect_generated(const json& node, const std::string& path, std::string_view event_text,
                       std::vector<std::string>& out) {
  static const std::regex uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  static const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))");
  if (node.is_object()) {
    for (const auto& [key, child] : node.items())
      collect_generated(child, std::string(path).append(".").append(key), event_text, out);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      collect_generated(node[i], path + "." + std::to_string(i), event_text, out);
  } else if (node.is_string()) {
    const auto& text = node.get_ref<const std::string&>();
    if (text == kMaskedValue || event_text.find(text) != std::string_view::npos) return;
    if (std::regex_search(text, uuid) || std::regex_search(text, rfc3339)) out.push_back(path);
  }
}

json strip_meta(const json& golden) {
  json out = json::object();
  for (const auto& [key, value] : golden.items()) {
    if (key.empty() || key[0] != '$') out[key] = value;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& default_compared_headers() {
  static const std::vector<std::string> names{"content-type",
                                              "content-encoding",
                                              "content-disposition",
                                              "cache-control",
                                              "allow",
                                              "location",
                                              "vary",
                                              "www-authenticate",
                                              "retry-after",
                                              "access-control-*",
                                              "strict-transport-security",
                                              "x-content-type-options"};
  return names;
}

EventFormat classify_event(std::string_view payload) {
  const json event = json::parse(payload, nullptr, false);
  if (!event.is_object()) return EventFormat::kDirect;
  const auto context = event.find("requestContext");
  if (context == event.end() || !context->is_object()) return EventFormat::kDirect;
  if (event.value("version", "") == "2.0" && context->contains("http")) return EventFormat::kApiGatewayV2;
  if (event.contains("httpMethod") && !context->contains("elb")) return EventFormat::kApiGatewayV1;
  return EventFormat::kDirect;
}

std::string_view format_name(EventFormat format) noexcept {
  switch (format) {
    case EventFormat::kApiGatewayV1: return "apigw-v1";
    case EventFormat::kApiGatewayV2: return "apigw-v2";
    case EventFormat::kDirect: return "direct";
  }
  return "direct";
}

json normalise(EventFormat format, const Observed& observed, const std::vector<std::string>& extra_headers) {
  json out{{"format", format_name(format)}};
  if (observed.is_error) {
    out["expect"] = "error";
    out["errorType"] = observed.error_type;
    const json error = json::parse(observed.body, nullptr, false);
    if (error.is_object() && error.contains("errorMessage")) out["errorMessage"] = error["errorMessage"];
    return out;
  }
  out["expect"] = "response";
  if (format == EventFormat::kDirect) {
    json parsed = json::parse(observed.body, nullptr, false);
    if (parsed.is_discarded()) {
      out["responseText"] = observed.body;
    } else {
      out["response"] = std::move(parsed);
    }
    return out;
  }
  out["response"] = normalise_api_response(observed.body, extra_headers);
  return out;
}

void apply_masks(json& document, const std::vector<std::string>& paths) {
  json& root = document.contains("response") ? document["response"] : document;
  for (const auto& path : paths) mask_at(root, split_path(path), 0);
}

std::vector<std::string> generated_value_paths(const json& document, std::string_view event_text) {
  std::vector<std::string> out;
  if (!document.contains("response")) return out;
  const json& response = document["response"];
  if (response.contains("body")) collect_generated(response["body"], "body", event_text, out);
  return out;
}

std::vector<std::string> string_list(const json& golden, const char* key) {
  std::vector<std::string> out;
  if (auto it = golden.find(key); it != golden.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

Verdict compare(const json& golden, const json& actual) {
  json expected = strip_meta(golden);
  json observed = actual;
  // errorMessage is compared only when the golden pins it.
  if (!expected.contains("errorMessage")) observed.erase("errorMessage");
  const auto masks = string_list(golden, "$masked");
  apply_masks(expected, masks);
  apply_masks(observed, masks);
  if (expected == observed) return {true, {}};
  return {false, unified_diff(expected.dump(2), observed.dump(2))};
}

json make_golden(const json* old_golden, const json& actual, const std::vector<std::string>& new_masks) {
  json golden = json::object();
  std::vector<std::string> masks;
  if (old_golden != nullptr && old_golden->is_object()) {
    for (const auto& [key, value] : old_golden->items()) {
      if (!key.empty() && key[0] == '$') golden[key] = value;
    }
    masks = string_list(*old_golden, "$masked");
  }
  for (const auto& m : new_masks) {
    if (std::find(masks.begin(), masks.end(), m) == masks.end()) masks.push_back(m);
  }
  if (!masks.empty()) golden["$masked"] = masks;
  json body = actual;
  const bool pin_message = old_golden != nullptr && old_golden->contains("errorMessage");
  if (!pin_message) body.erase("errorMessage");
  apply_masks(body, masks);
  for (const auto& [key, value] : body.items()) golden[key] = value;
  return golden;
}

}  // namespace shoppulse::replay
