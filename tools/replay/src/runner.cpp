#include "runner.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "shoppulse/emulator/runtime_emulator.h"
#include "shoppulse/fakes/fake_aws.h"
#include "shoppulse/pg_fixture/cloned_database.h"
#include "suite.h"

extern char** environ;

namespace shoppulse::replay {
namespace {

namespace fs = std::filesystem;
using emulator::InvocationResult;
using nlohmann::json;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_golden(const fs::path& path, const json& golden) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << golden.dump(2) << '\n';
}

// One line of --exchanges: what the contract check needs to judge the
// exchange as API Gateway would see it.
json exchange_line(const std::string& source, const std::string& payload, const InvocationResult& result) {
  json line = {{"source", source}, {"event", json::parse(payload, nullptr, false)}};
  if (result.outcome == InvocationResult::Outcome::kResponse) {
    line["response"] = json::parse(result.body, nullptr, false);
  } else {
    line["functionError"] =
        result.error_type.empty() ? std::string(emulator::outcome_name(result.outcome)) : result.error_type;
  }
  return line;
}

// The suite's own database: its name says which suite made it.
std::string suite_database_name(const std::string& suite) {
  std::string name = "replay_";
  for (const char c : suite) {
    name.push_back(std::isalnum(static_cast<unsigned char>(c))
                       ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                       : '_');
  }
  return name + "_" + std::to_string(::getpid());
}

// Variables available to ${...} in suite.json: our own environment, then
// (when the suite needs PostgreSQL) the fixture's env file and the suite
// database's DATABASE_URL (the Lambda's login role), PG_HOST, PG_PORT,
// PG_DATABASE, PG_USER, PG_PASSWORD, then the fake AWS endpoint's.
std::map<std::string, std::string> substitution_vars(const pg_fixture::Cluster* cluster,
                                                     const pg_fixture::ClonedDatabase* db, const fakes::FakeAws* aws) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (const auto eq = entry.find('='); eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (cluster != nullptr && db != nullptr) {
    for (const auto& [k, v] : cluster->env) vars[k] = v;
    vars["PG_HOST"] = cluster->host;
    vars["PG_PORT"] = std::to_string(cluster->port);
    vars["PG_DATABASE"] = db->name();
    vars["PG_USER"] = cluster->app_user;
    vars["PG_PASSWORD"] = cluster->app_password;
    vars["DATABASE_URL"] = cluster->app_url(db->name());
  }
  if (aws != nullptr) {
    vars["FAKE_AWS_URL"] = aws->endpoint_url();
    vars["FAKE_AWS_ACCESS_KEY_ID"] = aws->options().access_key_id;
    vars["FAKE_AWS_SECRET_ACCESS_KEY"] = aws->options().secret_access_key;
    vars["FAKE_AWS_REGION"] = aws->options().region;
  }
  return vars;
}

}  // namespace

int run_replay(const ReplayOptions& options, std::ostream& out) {
  const std::string suite = options.events_dir.filename().string();
  auto config = load_suite_config(options.events_dir);
  if (!config) {
    out << "replay: " << config.error().message << '\n';
    return 2;
  }

  std::optional<pg_fixture::Cluster> cluster;
  std::unique_ptr<pg_fixture::ClonedDatabase> database;
  if (config->needs_postgres) {
    const char* fixture = std::getenv("SHOPPULSE_TEST_PG_DIR");
    if (fixture == nullptr || !fs::exists(fs::path(fixture) / "env")) {
      out << "replay: suite " << suite << " needs PostgreSQL; SHOPPULSE_TEST_PG_DIR/env not found: skipped\n";
      return kSkipExitCode;
    }
    auto found = pg_fixture::Cluster::from_dir(fixture);
    if (!found) {
      out << "replay: " << found.error().message << '\n';
      return 2;
    }
    cluster = std::move(*found);
    auto created = pg_fixture::ClonedDatabase::create(*cluster, suite_database_name(suite));
    if (!created) {
      out << "replay: " << created.error().message << '\n';
      return 2;
    }
    database = std::move(*created);
  }

  std::unique_ptr<fakes::FakeAws> fake_aws;
  if (config->fake_aws) {
    auto aws_options = fakes::FakeAws::options_from_state(*config->fake_aws);
    if (!aws_options) {
      out << "replay: suite.json fake_aws: " << aws_options.error().message << '\n';
      return 2;
    }
    fake_aws = std::make_unique<fakes::FakeAws>(*aws_options);
    if (auto applied = fake_aws->apply_state(*config->fake_aws); !applied) {
      out << "replay: suite.json fake_aws: " << applied.error().message << '\n';
      return 2;
    }
    if (auto up = fake_aws->start(); !up) {
      out << "replay: cannot start fake AWS: " << up.error().message << '\n';
      return 2;
    }
  }

  emulator::EmulatorOptions emu_options;
  emu_options.bootstrap_path = options.bootstrap.string();
  emu_options.forward_logs = options.verbose;
  if (config->timeout_ms) emu_options.timeout_ms = *config->timeout_ms;
  const auto vars = substitution_vars(cluster ? &*cluster : nullptr, database.get(), fake_aws.get());
  for (const auto& [key, value] : config->env) {
    auto expanded = substitute(value, vars);
    if (!expanded) {
      out << "replay: suite.json env." << key << ": " << expanded.error().message << '\n';
      return 2;
    }
    emu_options.env[key] = *expanded;
  }
  for (const auto& [key, value] : options.env) emu_options.env[key] = value;

  auto started = emulator::RuntimeEmulator::start(emu_options);
  if (!started) {
    out << "replay: cannot start bootstrap: " << started.error().message << '\n';
    return 2;
  }
  auto& emu = **started;

  int passed = 0;
  int failed = 0;
  int recorded = 0;
  std::ofstream exchanges;
  if (!options.exchanges.empty()) {
    exchanges.open(options.exchanges, std::ios::binary | std::ios::trunc);
    if (!exchanges) {
      out << "replay: cannot write " << options.exchanges.string() << '\n';
      return 2;
    }
  }
  for (const auto& event_path : event_files(options.events_dir)) {
    const std::string name = event_path.filename().string();
    const std::string payload = read_file(event_path);
    const EventFormat format = classify_event(payload);
    const fs::path golden_file = golden_path(event_path);
    const bool have_golden = fs::exists(golden_file);
    json golden;
    if (have_golden) {
      golden = json::parse(read_file(golden_file), nullptr, false);
      if (!golden.is_object()) {
        out << "FAIL " << name << ": " << golden_file.filename().string() << " is not a JSON object\n";
        ++failed;
        continue;
      }
    }

    if (!emu.running()) (void)emu.restart();  // previous event crashed it
    const InvocationResult result = emu.invoke(payload);
    const Observed observed{result.outcome != InvocationResult::Outcome::kResponse, result.body, result.error_type};
    if (exchanges.is_open() && format != EventFormat::kDirect) {
      const fs::path suite_dir =
          options.events_dir.filename().empty() ? options.events_dir.parent_path() : options.events_dir;
      exchanges << exchange_line(suite_dir.filename().string() + "/" + name, payload, result).dump() << '\n';
    }
    const json actual =
        normalise(format, observed, have_golden ? string_list(golden, "$headers") : std::vector<std::string>{});

    if (options.update) {
      const auto generated = generated_value_paths(actual, payload);
      write_golden(golden_file, make_golden(have_golden ? &golden : nullptr, actual, generated));
      out << "RECORDED " << name << " (" << format_name(format) << ", " << emulator::outcome_name(result.outcome)
          << ")";
      for (const auto& path : generated) out << "\n    masked generated value at " << path;
      out << '\n';
      ++recorded;
      continue;
    }
    if (!have_golden) {
      out << "FAIL " << name << ": no " << golden_file.filename().string() << " (record it with --update)\n";
      ++failed;
      continue;
    }
    const Verdict verdict = compare(golden, actual);
    if (verdict.passed) {
      out << "ok   " << name << '\n';
      ++passed;
    } else {
      out << "FAIL " << name << " (" << format_name(format) << ", outcome " << emulator::outcome_name(result.outcome)
          << ")\n"
          << verdict.report;
      ++failed;
    }
  }

  // Goldens whose event is gone would otherwise rot unnoticed.
  for (const auto& entry : fs::directory_iterator(options.events_dir)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".expected.json";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string stem = name.substr(0, name.size() - suffix.size());
    if (!fs::exists(options.events_dir / (stem + ".json")) && !fs::exists(options.events_dir / (stem + ".raw"))) {
      out << "FAIL " << name << ": golden without an event\n";
      ++failed;
    }
  }

  emu.stop();
  // The log contract holds for replayed traffic too.
  int bad_lines = 0;
  for (const auto& lines : {emu.stdout_lines(), emu.stderr_lines()}) {
    for (const auto& line : lines) {
      if (!json::parse(line, nullptr, false).is_object()) {
        if (bad_lines++ < 5) out << "FAIL log line is not a JSON object: " << line.substr(0, 300) << '\n';
      }
    }
  }
  if (bad_lines > 0) ++failed;

  if (options.update) {
    out << recorded << " recorded, " << failed << " failed\n";
  } else {
    out << passed << " passed, " << failed << " failed\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace shoppulse::replay
