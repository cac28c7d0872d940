#pragma once
// A replay suite folder: optional suite.json ({"env": {...}, "needs_postgres":
// bool, "timeout_ms": n, "fake_aws": {...}}) and ${VAR} substitution in env values.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::replay {

struct SuiteConfig {
  std::map<std::string, std::string> env;
  bool needs_postgres = false;
  std::optional<int> timeout_ms;
  // "fake_aws": a FakeAws state (secrets, dashboards, credentials): the
  // runner serves it on 127.0.0.1 for the suite and provides FAKE_AWS_URL,
  // FAKE_AWS_ACCESS_KEY_ID, FAKE_AWS_SECRET_ACCESS_KEY, FAKE_AWS_REGION.
  std::optional<nlohmann::json> fake_aws;
};

Result<SuiteConfig> load_suite_config(const std::filesystem::path& dir);

// Expands ${NAME} from `vars`; "$$" is a literal '$'. An unknown name is an
// error rather than an empty string, so a typo cannot silently unset config.
Result<std::string> substitute(const std::string& value, const std::map<std::string, std::string>& vars);

// Event files in lexical order: *.json except *.expected.json and suite.json,
// plus *.raw (payloads sent byte for byte, e.g. not JSON at all).
std::vector<std::filesystem::path> event_files(const std::filesystem::path& dir);
std::filesystem::path golden_path(const std::filesystem::path& event);

}  // namespace shoppulse::replay
