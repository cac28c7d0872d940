#pragma once
// Defaults of the deployment package, applied by the bootstrap itself (the zip
// has no wrapper script). When the executable runs from an unpacked zip (its
// directory, else LAMBDA_TASK_ROOT, holds certs/ca-bundle.crt), every setting
// below that the function's environment does not already hold is set:
//   SSL_CERT_FILE  certs/ca-bundle.crt: trust anchors for the AWS APIs (the
//                  OpenSSL linked in looks in Debian's paths, not Amazon Linux's)
//   PGSSLROOTCERT  certs/db-ca-bundle.pem when the zip was built with
//                  --rds-ca-bundle (direct RDS), else certs/ca-bundle.crt (it
//                  holds the Amazon roots RDS Proxy chains to); DB_SSLROOTCERT
//                  still wins, as a connection parameter
//   PGGSSENCMODE   disable: RDS and RDS Proxy do not speak GSSAPI encryption,
//                  and this build has no Kerberos
// Must run before any thread starts (setenv).

#include <string>
#include <string_view>

namespace shoppulse::bootstrap {

struct PackagedDefaults {
  std::string package_root;  // empty: not running from a package; nothing was set
};

// `executable_dir`: where the running executable lives; `task_root`: LAMBDA_TASK_ROOT.
PackagedDefaults apply_packaged_defaults(std::string_view executable_dir, std::string_view task_root);

// The directory of /proc/self/exe, or "" when it cannot be read.
std::string executable_directory();

}  // namespace shoppulse::bootstrap
