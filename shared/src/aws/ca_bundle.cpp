#include "shoppulse/aws/ca_bundle.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace shoppulse::aws {
namespace {

bool readable_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), R_OK) == 0;
}

Result<CaBundle> configured(std::string path, std::string source) {
  if (!readable_file(path)) {
    return fail(env::invalid(source, "a readable CA bundle file"));
  }
  return CaBundle{std::move(path), std::move(source)};
}

}  // namespace

Result<CaBundle> select_ca_bundle(const std::optional<std::string>& constructor_path, const env::Source& env,
                                  std::span<const std::string_view> system_candidates) {
  if (constructor_path && !constructor_path->empty()) return configured(*constructor_path, "constructor");
  if (auto path = env::read_string(env, "AWS_CA_BUNDLE")) return configured(std::move(*path), "AWS_CA_BUNDLE");
  if (auto path = env::read_string(env, "SSL_CERT_FILE")) return configured(std::move(*path), "SSL_CERT_FILE");
  for (const std::string_view candidate : system_candidates) {
    std::string path(candidate);
    if (readable_file(path)) return CaBundle{std::move(path), "system"};
  }
  return CaBundle{"", "openssl_default"};
}

}  // namespace shoppulse::aws
