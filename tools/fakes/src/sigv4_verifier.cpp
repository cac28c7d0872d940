#include "shoppulse/fakes/sigv4_verifier.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

namespace shoppulse::fakes {
namespace {

std::string to_lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string hex(const unsigned char* data, std::size_t size) {
  std::string out;
  char buffer[3];
  for (std::size_t i = 0; i < size; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", static_cast<unsigned>(data[i]));
    out += buffer;
  }
  return out;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return hex(digest, length);
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

// RFC 3986: keep ALPHA / DIGIT / "-" / "." / "_" / "~"; everything else %XX.
std::string encode(const std::string& text) {
  std::ostringstream out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out << static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned>(c));
      out << buffer;
    }
  }
  return out.str();
}

std::string decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string current;
  std::istringstream stream(text);
  while (std::getline(stream, current, separator)) parts.push_back(current);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

std::string trim_collapse(const std::string& value) {
  std::string out;
  bool space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

// Canonical URI of a non-S3 request: the wire path, dot segments and empty
// segments removed, each segment percent-encoded again.
std::string canonical_path(const std::string& path) {
  std::vector<std::string> segments;
  for (const auto& segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else {
      segments.push_back(segment);
    }
  }
  std::string out;
  for (const auto& segment : segments) out += "/" + encode(segment);
  if (out.empty()) return "/";
  if (!path.empty() && path.back() == '/') out += "/";
  return out;
}

std::string canonical_query(const std::string& query) {
  std::multimap<std::string, std::string> sorted;
  for (const auto& pair : split(query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string key = equals == std::string::npos ? pair : pair.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : pair.substr(equals + 1);
    sorted.emplace(encode(decode(key)), encode(decode(value)));
  }
  std::vector<std::string> entries;
  for (const auto& [key, value] : sorted) entries.push_back(key + "=" + value);
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i) out += (i == 0 ? "" : "&") + entries[i];
  return out;
}

std::vector<std::string> header_values(const ReceivedRequest& request, const std::string& lowered_name) {
  std::vector<std::string> values;
  for (const auto& [name, value] : request.headers) {
    if (to_lower(name) == lowered_name) values.push_back(value);
  }
  return values;
}

SigV4Verdict reject(int status, std::string type, std::string reason) {
  return SigV4Verdict{false, status, std::move(type), std::move(reason)};
}

bool parse_amz_date(const std::string& text, std::chrono::system_clock::time_point& out) {
  std::tm tm{};
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  if (std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

}  // namespace

SigV4Verdict verify_sigv4(const ReceivedRequest& request, const SigV4Expectations& expected) {
  const auto authorizations = header_values(request, "authorization");
  if (authorizations.empty()) return reject(403, "MissingAuthenticationTokenException", "no Authorization header");
  if (authorizations.size() > 1) return reject(400, "IncompleteSignatureException", "several Authorization headers");
  const std::string& authorization = authorizations.front();
  const std::string prefix = "AWS4-HMAC-SHA256 ";
  if (authorization.rfind(prefix, 0) != 0) {
    return reject(400, "IncompleteSignatureException", "Authorization does not start with AWS4-HMAC-SHA256");
  }

  std::map<std::string, std::string> parts;
  for (auto component : split(authorization.substr(prefix.size()), ',')) {
    component = trim_collapse(component);
    const auto equals = component.find('=');
    if (equals == std::string::npos)
      return reject(400, "IncompleteSignatureException", "malformed Authorization component");
    if (!parts.emplace(component.substr(0, equals), component.substr(equals + 1)).second) {
      return reject(400, "IncompleteSignatureException", "repeated Authorization component");
    }
  }
  if (parts.size() != 3 || parts.count("Credential") == 0 || parts.count("SignedHeaders") == 0 ||
      parts.count("Signature") == 0) {
    return reject(400, "IncompleteSignatureException",
                  "Authorization needs exactly Credential, SignedHeaders, Signature");
  }

  const auto credential = split(parts["Credential"], '/');
  if (credential.size() != 5 || credential[4] != "aws4_request") {
    return reject(400, "IncompleteSignatureException", "malformed Credential scope");
  }
  if (credential[0] != expected.access_key_id) {
    return reject(403, "UnrecognizedClientException", "unknown access key id");
  }
  if (credential[2] != expected.region) {
    return reject(403, "InvalidSignatureException",
                  "credential scope region is '" + credential[2] + "', expected '" + expected.region + "'");
  }
  if (credential[3] != expected.service) {
    return reject(403, "InvalidSignatureException",
                  "credential scope service is '" + credential[3] + "', expected '" + expected.service + "'");
  }

  const auto dates = header_values(request, "x-amz-date");
  std::chrono::system_clock::time_point signed_at;
  if (dates.size() != 1 || !parse_amz_date(dates.front(), signed_at)) {
    return reject(400, "IncompleteSignatureException", "missing or malformed X-Amz-Date");
  }
  if (dates.front().substr(0, 8) != credential[1]) {
    return reject(403, "InvalidSignatureException", "credential scope date does not match X-Amz-Date");
  }
  const auto now = expected.now ? expected.now() : std::chrono::system_clock::now();
  const auto skew = now > signed_at ? now - signed_at : signed_at - now;
  if (skew > expected.max_clock_skew) return reject(403, "InvalidSignatureException", "Signature expired");

  const std::string signed_headers_text = parts["SignedHeaders"];
  const auto signed_headers = split(signed_headers_text, ';');
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (signed_headers[i].empty() || signed_headers[i] != to_lower(signed_headers[i]) ||
        (i > 0 && signed_headers[i - 1] >= signed_headers[i])) {
      return reject(400, "IncompleteSignatureException", "SignedHeaders must be lower-case, sorted and unique");
    }
  }
  const std::set<std::string> signed_set(signed_headers.begin(), signed_headers.end());
  for (const char* required : {"host", "x-amz-date"}) {
    if (signed_set.count(required) == 0) {
      return reject(400, "IncompleteSignatureException", std::string("SignedHeaders must include ") + required);
    }
  }
  // Everything the services act on must be covered by the signature.
  for (const auto& [name, value] : request.headers) {
    const std::string lowered = to_lower(name);
    const bool must_sign = lowered.rfind("x-amz-", 0) == 0 || lowered == "content-type";
    if (must_sign && signed_set.count(lowered) == 0) {
      return reject(400, "IncompleteSignatureException", "header " + lowered + " is present but not signed");
    }
  }

  const auto tokens = header_values(request, "x-amz-security-token");
  if (!expected.session_token.empty()) {
    if (tokens.size() != 1 || tokens.front() != expected.session_token) {
      return reject(403, "UnrecognizedClientException", "missing or wrong X-Amz-Security-Token");
    }
  } else if (!tokens.empty()) {
    return reject(403, "UnrecognizedClientException", "unexpected X-Amz-Security-Token");
  }

  const std::string& signature = parts["Signature"];
  const bool hex64 = signature.size() == 64 && std::all_of(signature.begin(), signature.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
  if (!hex64) return reject(400, "IncompleteSignatureException", "Signature must be 64 lower-case hex digits");

  const auto question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : request.target.substr(question + 1);
  std::string canonical = request.method + "\n" + canonical_path(path) + "\n" + canonical_query(query) + "\n";
  for (const auto& name : signed_headers) {
    const auto values = header_values(request, name);
    if (values.empty()) return reject(400, "IncompleteSignatureException", "signed header " + name + " is missing");
    canonical += name + ":";
    for (std::size_t i = 0; i < values.size(); ++i) canonical += (i == 0 ? "" : ",") + trim_collapse(values[i]);
    canonical += "\n";
  }
  canonical += "\n" + signed_headers_text + "\n" + sha256_hex(request.body);

  const std::string scope = credential[1] + "/" + credential[2] + "/" + credential[3] + "/aws4_request";
  const std::string to_sign = "AWS4-HMAC-SHA256\n" + dates.front() + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string key = hmac("AWS4" + expected.secret_access_key, credential[1]);
  key = hmac(key, credential[2]);
  key = hmac(key, credential[3]);
  key = hmac(key, "aws4_request");
  const std::string mac = hmac(key, to_sign);
  const std::string expected_signature = hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  if (expected_signature != signature) {
    return reject(403, "InvalidSignatureException",
                  "The request signature we calculated does not match the signature you provided. "
                  "Canonical request:\n" +
                      canonical);
  }
  return SigV4Verdict{true, 200, "", ""};
}

}  // namespace shoppulse::fakes
