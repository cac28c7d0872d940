#pragma once
// Splitting a URL authority ("host", "host:port", "[v6]", "[v6]:port") into
// host and port: the one parser behind AWS endpoint URLs, the HTTPS client
// and AWS_LAMBDA_RUNTIME_API. No user info, no percent-decoding.

#include <string_view>

namespace shoppulse::net {

enum class AuthorityProblem { kNone, kUnterminatedIpv6, kTextAfterIpv6, kMissingHost, kBadPort };

struct Authority {
  std::string_view host;  // without IPv6 brackets
  std::string_view port;  // empty when the authority names none
  int port_number = 0;    // 1-65535 when `port` is set
  AuthorityProblem problem = AuthorityProblem::kNone;
};

// A colon with nothing after it, or a port outside 1-65535, is kBadPort.
Authority split_authority(std::string_view authority);

}  // namespace shoppulse::net
