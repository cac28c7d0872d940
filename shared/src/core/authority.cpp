#include "shoppulse/core/authority.h"

#include <charconv>

namespace shoppulse::net {

Authority split_authority(std::string_view authority) {
  Authority split;
  split.host = authority;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      split.problem = AuthorityProblem::kUnterminatedIpv6;
      return split;
    }
    split.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        split.problem = AuthorityProblem::kTextAfterIpv6;
        return split;
      }
      split.port = after.substr(1);
      has_port = true;
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    split.host = authority.substr(0, colon);
    split.port = authority.substr(colon + 1);
    has_port = true;
  }
  if (split.host.empty()) {
    split.problem = AuthorityProblem::kMissingHost;
    return split;
  }
  if (has_port) {
    const auto [end, error] =
        std::from_chars(split.port.data(), split.port.data() + split.port.size(), split.port_number);
    if (split.port.empty() || error != std::errc() || end != split.port.data() + split.port.size() ||
        split.port_number < 1 || split.port_number > 65535) {
      split.problem = AuthorityProblem::kBadPort;
    }
  }
  return split;
}

}  // namespace shoppulse::net
