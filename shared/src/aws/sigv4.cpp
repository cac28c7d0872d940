#include "shoppulse/aws/sigv4.h"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include "shoppulse/aws/uri.h"
#include "shoppulse/core/ascii.h"

namespace shoppulse::aws::sigv4 {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Trims both ends and collapses every whitespace run (including folded
// multi-line values) to a single space, quoted or not, as the suite expects.
std::string normalize_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Never signed: the signature itself, and headers that clients or proxies add
// or rewrite after signing (the same exclusions as the AWS SDKs).
bool is_unsigned_header(std::string_view lowered_name) {
  return lowered_name == "authorization" || lowered_name == "user-agent" || lowered_name == "expect" ||
         lowered_name == "x-amzn-trace-id";
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

// Civil-time arithmetic, not gmtime_r/strftime: glibc's first use of those
// loads the time zone file (TZ=:UTC on Lambda), one more file read from a
// cold disk during init.
std::string format_amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day date(day);
  const hh_mm_ss clock(seconds - day);
  std::string out(16, '0');  // YYYYMMDDTHHMMSSZ
  const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  put(4, static_cast<unsigned>(date.month()), 2);
  put(6, static_cast<unsigned>(date.day()), 2);
  out[8] = 'T';
  put(9, static_cast<unsigned>(clock.hours().count()), 2);
  put(11, static_cast<unsigned>(clock.minutes().count()), 2);
  put(13, static_cast<unsigned>(clock.seconds().count()), 2);
  out[15] = 'Z';
  return out;
}

std::string canonical_uri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  if (!normalize) return uri_encode(path, /*keep_slash=*/true);

  // RFC 3986 dot-segment removal plus collapsing of empty segments, keeping a
  // trailing slash when the input had one.
  std::vector<std::string_view> kept;
  for (const std::string_view segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += uri_encode(kept[i]);
  }
  if (path.back() == '/' && out.size() > 1) out.push_back('/');
  return out;
}

std::string canonical_query_string(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  ascii::for_each_query_pair(query, [&params](std::string_view key, std::string_view value) {
    params.emplace_back(uri_encode(ascii::percent_decode(key, false)), uri_encode(ascii::percent_decode(value, false)));
  });
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders canonical_headers(const HttpHeaders& headers) {
  // Stable sort keeps repeated headers in the order they were given.
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(headers.size());
  for (const auto& header : headers) {
    std::string name = ascii::lower(normalize_header_value(header.name));
    if (name.empty() || is_unsigned_header(name)) continue;
    entries.emplace_back(std::move(name), normalize_header_value(header.value));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  CanonicalHeaders out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool same_as_previous = i > 0 && entries[i].first == entries[i - 1].first;
    if (same_as_previous) {
      out.entries.pop_back();  // the '\n' of the previous value
      out.entries.push_back(',');
      out.entries += entries[i].second;
      out.entries.push_back('\n');
      continue;
    }
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += entries[i].first;
    out.entries += entries[i].first;
    out.entries.push_back(':');
    out.entries += entries[i].second;
    out.entries.push_back('\n');
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri_value,
                              std::string_view canonical_query, const CanonicalHeaders& headers,
                              std::string_view payload_sha256_hex) {
  std::string out;
  out.reserve(method.size() + canonical_uri_value.size() + canonical_query.size() + headers.entries.size() +
              headers.signed_headers.size() + payload_sha256_hex.size() + 8);
  out.append(method).push_back('\n');
  out.append(canonical_uri_value).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(headers.entries).push_back('\n');
  out.append(headers.signed_headers).push_back('\n');
  out.append(payload_sha256_hex);
  return out;
}

std::string credential_scope(std::string_view amz_date, std::string_view region, std::string_view service) {
  std::string out(amz_date.substr(0, 8));
  out.push_back('/');
  out.append(region).push_back('/');
  out.append(service).append("/aws4_request");
  return out;
}

Result<std::string> string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view canonical_request_value) {
  auto hash = crypto::sha256_hex(canonical_request_value);
  if (!hash) return fail(hash.error());
  std::string out(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += *hash;
  return out;
}

Result<crypto::Sha256Digest> signing_key(std::string_view secret_access_key, std::string_view date,
                                         std::string_view region, std::string_view service) {
  const std::string seed = "AWS4" + std::string(secret_access_key);
  auto date_key = crypto::hmac_sha256(seed, date);
  if (!date_key) return date_key;
  auto region_key = crypto::hmac_sha256(crypto::as_bytes(*date_key), region);
  if (!region_key) return region_key;
  auto service_key = crypto::hmac_sha256(crypto::as_bytes(*region_key), service);
  if (!service_key) return service_key;
  return crypto::hmac_sha256(crypto::as_bytes(*service_key), "aws4_request");
}

Result<std::string> signature(const crypto::Sha256Digest& key, std::string_view string_to_sign_value) {
  auto mac = crypto::hmac_sha256(crypto::as_bytes(key), string_to_sign_value);
  if (!mac) return fail(mac.error());
  return crypto::hex_encode(*mac);
}

std::string authorization_header(std::string_view access_key_id, std::string_view scope,
                                 std::string_view signed_headers, std::string_view signature_hex) {
  std::string out(kAlgorithm);
  out.append(" Credential=").append(access_key_id).push_back('/');
  out.append(scope);
  out.append(", SignedHeaders=").append(signed_headers);
  out.append(", Signature=").append(signature_hex);
  return out;
}

Result<SignedRequest> sign(const RequestToSign& request, const AwsCredentials& credentials,
                           const SigningParams& params) {
  const auto invalid = [](std::string message) {
    return fail(Error::make(ErrorKind::kInternal, "sigv4_invalid_request", std::move(message)));
  };
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return invalid("SigV4 signing needs an access key id and a secret access key");
  }
  if (params.region.empty() || params.service.empty()) return invalid("SigV4 signing needs a region and a service");
  if (request.method.empty()) return invalid("SigV4 signing needs an HTTP method");
  if (!find_header(request.headers, "host")) return invalid("SigV4 signing needs a Host header");

  const bool has_token = !credentials.session_token.empty();
  SignedRequest out;
  out.headers.reserve(request.headers.size() + 4);
  for (const auto& header : request.headers) {
    // A retried request carries the previous attempt's signature headers.
    if (ascii::iequals(header.name, "authorization") || ascii::iequals(header.name, "x-amz-date")) continue;
    if (has_token && ascii::iequals(header.name, "x-amz-security-token")) continue;
    if (params.add_content_sha256_header && ascii::iequals(header.name, "x-amz-content-sha256")) continue;
    out.headers.push_back(header);
  }

  auto payload_hash = crypto::sha256_hex(request.payload);
  if (!payload_hash) return fail(payload_hash.error());
  const std::string amz_date = format_amz_date(params.time);
  out.headers.push_back({"X-Amz-Date", amz_date});
  if (has_token && params.sign_session_token)
    out.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  if (params.add_content_sha256_header) out.headers.push_back({"x-amz-content-sha256", *payload_hash});

  const CanonicalHeaders headers = canonical_headers(out.headers);
  out.canonical_request = canonical_request(request.method, canonical_uri(request.path, params.normalize_path),
                                            canonical_query_string(request.query), headers, *payload_hash);
  const std::string scope = credential_scope(amz_date, params.region, params.service);
  auto to_sign = string_to_sign(amz_date, scope, out.canonical_request);
  if (!to_sign) return fail(to_sign.error());
  out.string_to_sign = std::move(*to_sign);
  auto key = signing_key(credentials.secret_access_key, std::string_view(amz_date).substr(0, 8), params.region,
                         params.service);
  if (!key) return fail(key.error());
  auto signature_hex = signature(*key, out.string_to_sign);
  if (!signature_hex) return fail(signature_hex.error());
  out.signature = std::move(*signature_hex);
  out.authorization = authorization_header(credentials.access_key_id, scope, headers.signed_headers, out.signature);
  if (has_token && !params.sign_session_token)
    out.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  out.headers.push_back({"Authorization", out.authorization});
  return out;
}

}  // namespace shoppulse::aws::sigv4
