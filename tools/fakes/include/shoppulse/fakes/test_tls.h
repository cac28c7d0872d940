#pragma once
// A throwaway self-signed certificate for 127.0.0.1 / localhost, so tests can
// prove the HTTPS client verifies certificates against the configured bundle.

#include <string>

#include "shoppulse/core/result.h"

namespace shoppulse::fakes {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
};

Result<TlsIdentity> make_self_signed_identity();

}  // namespace shoppulse::fakes
