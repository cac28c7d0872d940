#pragma once
// A replay suite folder: optional suite.json ({"env": {...}, "needs_postgres":
// bool, "timeout_ms": n, "fake_aws": {...}}), ${VAR} substitution in env values, and the
// per-suite PostgreSQL database for suites that need one.

#include <filesystem>
#include <map>
#include <memory>
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

// KEY=VALUE lines as written by scripts/pg.sh (blank lines and '#'
// comments ignored).
Result<std::map<std::string, std::string>> read_env_file(const std::filesystem::path& file);

// Expands ${NAME} from `vars`; "$$" is a literal '$'. An unknown name is an
// error rather than an empty string, so a typo cannot silently unset config.
Result<std::string> substitute(const std::string& value, const std::map<std::string, std::string>& vars);

// Event files in lexical order: *.json except *.expected.json and suite.json,
// plus *.raw (payloads sent byte for byte, e.g. not JSON at all).
std::vector<std::filesystem::path> event_files(const std::filesystem::path& dir);
std::filesystem::path golden_path(const std::filesystem::path& event);

// A database cloned from the fixture's migrated template for one suite run,
// dropped on destruction. vars() gives DATABASE_URL (the Lambda's login
// role), PG_HOST, PG_PORT, PG_DATABASE, PG_USER, PG_PASSWORD plus everything
// in the fixture's env file.
class SuiteDatabase {
 public:
  static Result<std::unique_ptr<SuiteDatabase>> create(const std::filesystem::path& fixture_dir,
                                                       const std::string& suite_name);
  SuiteDatabase(const SuiteDatabase&) = delete;
  SuiteDatabase& operator=(const SuiteDatabase&) = delete;
  ~SuiteDatabase();

  [[nodiscard]] const std::map<std::string, std::string>& vars() const noexcept { return vars_; }

 private:
  SuiteDatabase(std::string admin_conninfo, std::string name, std::map<std::string, std::string> vars);
  std::string admin_conninfo_;
  std::string name_;
  std::map<std::string, std::string> vars_;
};

}  // namespace shoppulse::replay
