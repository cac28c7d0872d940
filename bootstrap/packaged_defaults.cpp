#include "packaged_defaults.h"

#include <unistd.h>

#include <array>
#include <cstdlib>

namespace shoppulse::bootstrap {
namespace {

bool readable(const std::string& path) {
  return ::access(path.c_str(), R_OK) == 0;
}

void set_unless_present(const char* name, const std::string& value) {
  constexpr int kKeepExisting = 0;
  ::setenv(name, value.c_str(), kKeepExisting);
}

}  // namespace

std::string executable_directory() {
  std::array<char, 4096> path{};
  const ssize_t length = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (length <= 0) return {};
  const std::string_view executable(path.data(), static_cast<std::size_t>(length));
  const auto slash = executable.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(executable.substr(0, slash));
}

PackagedDefaults apply_packaged_defaults(std::string_view executable_dir, std::string_view task_root) {
  PackagedDefaults applied;
  for (const std::string_view root : {executable_dir, task_root}) {
    if (!root.empty() && readable(std::string(root) + "/certs/ca-bundle.crt")) {
      applied.package_root = std::string(root);
      break;
    }
  }
  if (applied.package_root.empty()) return applied;
  const std::string bundle = applied.package_root + "/certs/ca-bundle.crt";
  const std::string db_bundle = applied.package_root + "/certs/db-ca-bundle.pem";
  set_unless_present("SSL_CERT_FILE", bundle);
  set_unless_present("PGSSLROOTCERT", readable(db_bundle) ? db_bundle : bundle);
  set_unless_present("PGGSSENCMODE", "disable");
  return applied;
}

}  // namespace shoppulse::bootstrap
