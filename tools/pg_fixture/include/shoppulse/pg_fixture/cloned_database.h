#pragma once
// A database per test or per replay suite, cloned from the migrated and
// seeded template of a cluster that `scripts/pg.sh start DIR` runs, so that
// nothing shares state. The cluster is described by DIR/env.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse::pg_fixture {

// KEY=VALUE lines, as in DIR/env (blank lines and '#' comments ignored).
Result<std::map<std::string, std::string>> read_env_file(const std::filesystem::path& file);

// Where the cluster listens and who may log in.
struct Cluster {
  std::string host;
  int port = 0;
  std::string app_user;      // the Lambda's login role (member of shoppulse_app)
  std::string app_password;  // scram-sha-256, fixed for test clusters
  std::string template_database;
  std::map<std::string, std::string> env;  // all of DIR/env

  static Result<Cluster> from_dir(const std::filesystem::path& dir);

  // libpq keyword=value strings: the trusted superuser `postgres`, and the app's role.
  [[nodiscard]] std::string superuser_conninfo(std::string_view dbname) const;
  [[nodiscard]] std::string app_conninfo(std::string_view dbname) const;
  // The app's role as a postgresql:// URL (bootstrap's DATABASE_URL).
  [[nodiscard]] std::string app_url(std::string_view dbname) const;
};

enum class Source {
  kSeededTemplate,  // all migrations + the dev seed
  kEmpty,           // template0: nothing, for migration tests
};

// CREATE DATABASE <name> TEMPLATE <source>; dropped WITH (FORCE) on
// destruction, since a pool or a killed bootstrap may still be connected.
class ClonedDatabase {
 public:
  static Result<std::unique_ptr<ClonedDatabase>> create(const Cluster& cluster, std::string name,
                                                        Source source = Source::kSeededTemplate);
  ~ClonedDatabase();
  ClonedDatabase(const ClonedDatabase&) = delete;
  ClonedDatabase& operator=(const ClonedDatabase&) = delete;
  ClonedDatabase(ClonedDatabase&&) = delete;
  ClonedDatabase& operator=(ClonedDatabase&&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  ClonedDatabase(std::string admin_conninfo, std::string name);

  std::string admin_conninfo_;
  std::string name_;
};

}  // namespace shoppulse::pg_fixture
