#pragma once
// Which CA file the HTTPS client verifies AWS endpoints against. Verification itself is
// never optional; only the trust anchors are configurable:
//   constructor path (e.g. a bundle shipped in the deployment zip)
//   > AWS_CA_BUNDLE (replaces the default bundle, as in the AWS SDKs)
//   > SSL_CERT_FILE (the OpenSSL convention)
//   > the first system bundle that exists (Amazon Linux 2/2023, then Debian)
//   > OpenSSL's default locations.
// A configured path that does not exist is an error rather than a silent
// fallback: the operator asked for those trust anchors.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "shoppulse/core/env.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

inline constexpr std::array<std::string_view, 2> kSystemCaBundles{
    "/etc/pki/tls/certs/ca-bundle.crt",    // Amazon Linux 2 / 2023 (the Lambda images)
    "/etc/ssl/certs/ca-certificates.crt",  // Debian / Ubuntu
};

struct CaBundle {
  std::string path;    // empty: OpenSSL's default locations
  std::string source;  // "constructor", "AWS_CA_BUNDLE", "SSL_CERT_FILE", "system", "openssl_default"
};

Result<CaBundle> select_ca_bundle(const std::optional<std::string>& constructor_path, const env::Source& env,
                                  std::span<const std::string_view> system_candidates = kSystemCaBundles);

}  // namespace shoppulse::aws
