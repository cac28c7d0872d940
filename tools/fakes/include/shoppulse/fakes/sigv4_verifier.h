#pragma once
// Server-side SigV4 check for the fake AWS endpoints. Written separately from
// shoppulse_aws's signer (own canonicalisation, OpenSSL one-shot MAC/digest
// calls) so a bug in the signer cannot hide by being repeated here: the fake
// recomputes the signature from the raw request it received.

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace shoppulse::fakes {

struct ReceivedRequest {
  std::string method;
  std::string target;  // raw request target: path[?query], as on the wire
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct SigV4Expectations {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: the request must not carry one
  std::string region;
  std::string service;                                         // signing name, e.g. "secretsmanager"
  std::chrono::seconds max_clock_skew{15 * 60};                // AWS allows 15 minutes
  std::function<std::chrono::system_clock::time_point()> now;  // default: system clock
};

struct SigV4Verdict {
  bool ok = false;
  int status = 403;
  std::string error_type;  // AWS error type to answer with when !ok
  std::string reason;      // what was wrong (test diagnostics; may include the canonical request)
};

SigV4Verdict verify_sigv4(const ReceivedRequest& request, const SigV4Expectations& expected);

}  // namespace shoppulse::fakes
