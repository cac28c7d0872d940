#pragma once
// AWS Signature Version 4, header signing only (no presigned URLs). Each step
// is a pure function of its inputs so every intermediate value can be checked
// against the AWS test-suite vectors; sign() composes them.
//
// Paths are taken as sent on the wire (already percent-encoded) and encoded
// once more for the canonical URI, which is what every service except S3
// expects. normalize_path=false reproduces the S3-style "unnormalized" vectors
// but the double encoding stays: this signer is not meant for S3.

#include <chrono>
#include <string>
#include <string_view>

#include "shoppulse/aws/credentials.h"
#include "shoppulse/crypto/crypto.h"
#include "shoppulse/aws/http_types.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ISO 8601 basic format in UTC, e.g. 20150830T123600Z.
std::string format_amz_date(std::chrono::system_clock::time_point time);

// Removes "." and ".." segments and empty segments when `normalize`, then
// percent-encodes each segment. An empty path becomes "/".
std::string canonical_uri(std::string_view path, bool normalize);

// Decodes and re-encodes each key and value, then sorts by key, then value.
std::string canonical_query_string(std::string_view query);

struct CanonicalHeaders {
  std::string entries;         // "name:value\n" per header name, sorted by name
  std::string signed_headers;  // "name1;name2;..."
};

// Lower-cases names, trims values and collapses internal whitespace runs to one
// space, joins repeated headers with ',' in the order given. Headers that
// proxies rewrite or that carry the signature itself are never signed.
CanonicalHeaders canonical_headers(const HttpHeaders& headers);

std::string canonical_request(std::string_view method, std::string_view canonical_uri, std::string_view canonical_query,
                              const CanonicalHeaders& headers, std::string_view payload_sha256_hex);

// "<YYYYMMDD>/<region>/<service>/aws4_request"; the date is amz_date's first 8 characters.
std::string credential_scope(std::string_view amz_date, std::string_view region, std::string_view service);

Result<std::string> string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view canonical_request);

Result<crypto::Sha256Digest> signing_key(std::string_view secret_access_key, std::string_view date,
                                         std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256 of the string to sign.
Result<std::string> signature(const crypto::Sha256Digest& signing_key, std::string_view string_to_sign);

std::string authorization_header(std::string_view access_key_id, std::string_view scope,
                                 std::string_view signed_headers, std::string_view signature);

struct RequestToSign {
  std::string_view method;
  std::string_view path;   // wire form, percent-encoded, without the query
  std::string_view query;  // wire form without the leading '?'
  HttpHeaders headers;     // must include Host
  std::string_view payload;
};

struct SigningParams {
  std::string_view region;
  std::string_view service;  // signing name, e.g. "secretsmanager"
  std::chrono::system_clock::time_point time;
  bool normalize_path = true;
  // false: X-Amz-Security-Token is added after signing (a few legacy services
  // want that; Secrets Manager and QuickSight want it signed).
  bool sign_session_token = true;
  // Adds a signed x-amz-content-sha256 header (S3-style services).
  bool add_content_sha256_header = false;
};

struct SignedRequest {
  // The input headers (minus stale X-Amz-Date / Authorization / token headers)
  // followed by X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256 and
  // Authorization as applicable.
  HttpHeaders headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string authorization;
};

Result<SignedRequest> sign(const RequestToSign& request, const AwsCredentials& credentials,
                           const SigningParams& params);

}  // namespace shoppulse::aws::sigv4
