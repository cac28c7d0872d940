#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "shoppulse/crypto/crypto.h"
#include "shoppulse/handlers/direct_actions.h"

namespace shoppulse::handlers {
namespace {

constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(hashtextextended('shoppulse.schema_migrations', 0))";
constexpr const char* kTableSql = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    text        PRIMARY KEY,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))";

Error migration_error(std::string message) {
  return Error::make(ErrorKind::kInternal, "migration_failed", std::move(message));
}

bool valid_version(const std::string& version) {
  // NNNN_snake_case, as sql/migrate.sh requires.
  if (version.size() < 6 || version[4] != '_') return false;
  for (std::size_t i = 0; i < version.size(); ++i) {
    const char c = version[i];
    const bool ok = i < 4 ? (c >= '0' && c <= '9') : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) return false;
  }
  return true;
}

struct MigrationFile {
  std::string version;
  std::string sql;
  std::string checksum;
};

Result<std::vector<MigrationFile>> read_migrations(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") paths.push_back(entry.path());
  }
  if (ec || paths.empty()) return fail(migration_error("no migrations found in the migrations directory"));
  std::sort(paths.begin(), paths.end());
  std::vector<MigrationFile> files;
  for (const auto& path : paths) {
    MigrationFile file{path.stem().string(), {}, {}};
    if (!valid_version(file.version)) return fail(migration_error("bad migration file name: " + file.version));
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    file.sql = text.str();
    auto checksum = crypto::sha256_hex(file.sql);
    if (!checksum) return fail(checksum.error());
    file.checksum = std::move(checksum).value();
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace

Result<std::string> run_migrate_action(db::Pool* pool, const std::string& migrations_dir, const Logger& logger) {
  if (pool == nullptr) return fail(migration_error("no database is configured"));
  auto files = read_migrations(migrations_dir);
  if (!files) return fail(files.error());
  // Migrations can take a while; Lambda's own timeout bounds the invocation.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(14);
  auto lease = pool->acquire(deadline);
  if (!lease) return fail(Error(lease.error()));
  const auto script = [&](const std::string& sql) -> Status {
    auto done = lease->execute_script(sql, deadline);
    if (!done) return fail(Error(done.error()));
    return {};
  };
  if (Status s = script(std::string("BEGIN; ") + kLockSql + "; " + kTableSql + "; COMMIT;"); !s) {
    return fail(s.error());
  }

  nlohmann::json applied = nlohmann::json::array();
  int skipped = 0;
  for (const auto& file : *files) {
    if (Status s = script("BEGIN"); !s) return fail(s.error());
    auto locked = lease->query(kLockSql, {}, deadline);
    auto existing = lease->query("SELECT checksum FROM schema_migrations WHERE version = $1", {file.version}, deadline);
    if (!locked || !existing) {
      static_cast<void>(script("ROLLBACK"));
      return fail(Error(!locked ? locked.error() : existing.error()));
    }
    if (!existing->empty()) {
      static_cast<void>(script("ROLLBACK"));
      if (existing->row(0).text("checksum").value_or("") != file.checksum) {
        return fail(migration_error("migration " + file.version +
                                    " was modified after it was applied; add a new migration instead"));
      }
      ++skipped;
      continue;
    }
    Status applied_ok = script(file.sql);
    if (applied_ok) {
      auto recorded = lease->query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)",
                                   {file.version, file.checksum}, deadline);
      if (!recorded) applied_ok = fail(Error(recorded.error()));
    }
    if (applied_ok) applied_ok = script("COMMIT");
    if (!applied_ok) {
      static_cast<void>(script("ROLLBACK"));
      logger.error("migration failed", {{"version", file.version}, {"error", applied_ok.error().message}});
      return fail(
          migration_error("migration " + file.version + " failed and was rolled back: " + applied_ok.error().message));
    }
    logger.info("migration applied", {{"version", file.version}});
    applied.push_back(file.version);
  }
  return dump_json({{"applied", applied}, {"skipped", skipped}});
}

}  // namespace shoppulse::handlers
