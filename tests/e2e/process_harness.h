#pragma once
// Starts the same executables ./run.sh starts (local_gateway, fake_aws) as
// child processes in their own process groups, collects their output lines
// and reads the ports they announce. Each handle kills its process group on
// destruction, so a failing test leaves nothing running.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "shoppulse/core/log.h"
#include "shoppulse/emulator/child_process.h"
#include "shoppulse/gateway/dev_tokens.h"
#include "shoppulse/gateway/jwt_keys.h"

namespace shoppulse::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kGlobex = "22222222-2222-4222-8222-222222222222";

// A fresh directory under the build tree, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info != nullptr ? std::string(info->name()) : "e2e";
    path_ = fs::path(SHOPPULSE_BINARY_DIR) / "tests" / "e2e" / "tmp" / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    if (!::testing::Test::HasFailure()) fs::remove_all(path_, ec);  // kept for a look when a test failed
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a child needs from our environment: PATH and the sanitizer settings.
inline std::vector<std::string> base_env() {
  std::vector<std::string> env;
  for (const char* name : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  return env;
}

class Spawned {
 public:
  static std::unique_ptr<Spawned> start(const std::string& path, std::vector<std::string> args,
                                        std::vector<std::string> env) {
    auto self = std::unique_ptr<Spawned>(new Spawned());
    auto shared = self->shared_;
    emulator::SpawnOptions options;
    options.path = path;
    options.args = std::move(args);
    options.env = std::move(env);
    options.on_line = [shared](emulator::Stream, std::string line) {
      std::lock_guard lock(shared->mutex);
      shared->lines.push_back(std::move(line));
      shared->changed.notify_all();
    };
    options.on_exit = [shared](const emulator::ExitStatus&) {
      std::lock_guard lock(shared->mutex);
      shared->exited = true;
      shared->changed.notify_all();
    };
    auto child = emulator::ChildProcess::spawn(std::move(options));
    if (!child) {
      ADD_FAILURE() << "cannot start " << path << ": " << child.error().message;
      return nullptr;
    }
    self->child_ = std::move(child).value();
    return self;
  }

  // The first line (from the start) satisfying `match`, waiting for it.
  std::optional<std::string> wait_for_line(const std::function<bool(const std::string&)>& match,
                                           std::chrono::milliseconds timeout) {
    std::unique_lock lock(shared_->mutex);
    std::optional<std::string> found;
    shared_->changed.wait_for(lock, timeout, [&] {
      for (const auto& line : shared_->lines) {
        if (match(line)) {
          found = line;
          return true;
        }
      }
      return shared_->exited;
    });
    return found;
  }

  [[nodiscard]] std::vector<std::string> lines() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->lines;
  }
  [[nodiscard]] pid_t pid() const { return child_->pid(); }
  [[nodiscard]] bool running() const { return child_->running(); }
  emulator::ExitStatus stop() { return child_->terminate(5s); }

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> lines;
    bool exited = false;
  };
  Spawned() : shared_(std::make_shared<Shared>()) {}
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<emulator::ChildProcess> child_;
};

inline std::optional<nlohmann::json> json_line_with_message(const std::string& line, const std::string& message) {
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (!parsed.is_object() || parsed.value("message", "") != message) return std::nullopt;
  return parsed;
}

// local_gateway, started like run.sh starts it; port 0 and the "listening" line.
class GatewayProcess {
 public:
  static std::unique_ptr<GatewayProcess> start(const std::vector<std::string>& args,
                                               std::vector<std::string> extra_env = {}) {
    std::vector<std::string> all = {"--port", "0", "--die-with-parent"};
    all.insert(all.end(), args.begin(), args.end());
    auto env = base_env();
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    auto process = Spawned::start(SHOPPULSE_LOCAL_GATEWAY, all, env);
    if (!process) return nullptr;
    const auto line = process->wait_for_line(
        [](const std::string& l) { return json_line_with_message(l, "listening").has_value(); }, 60s);
    if (!line) {
      ADD_FAILURE() << "local_gateway did not start:\n" << joined(process->lines());
      return nullptr;
    }
    auto gateway = std::unique_ptr<GatewayProcess>(new GatewayProcess());
    gateway->ready_ = *json_line_with_message(*line, "listening");
    gateway->port_ = gateway->ready_["port"].get<int>();
    gateway->process_ = std::move(process);
    return gateway;
  }

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] const nlohmann::json& ready_line() const noexcept { return ready_; }
  Spawned& process() { return *process_; }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_decompress(false);  // tests look at the bytes on the wire
    c.set_read_timeout(60, 0);
    return c;
  }

  static std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
  [[nodiscard]] std::string output() const { return joined(process_->lines()); }

 private:
  GatewayProcess() = default;
  std::unique_ptr<Spawned> process_;
  nlohmann::json ready_;
  int port_ = 0;
};

// tools/fakes' fake_aws executable with a state file, as run.sh uses it.
class FakeAwsProcess {
 public:
  static constexpr const char* kAccessKey = "AKIDE2ELOCALGATEWAY1";
  static constexpr const char* kSecretKey = "e2e/local/gateway/secret/0123456789abcdef";
  static constexpr const char* kAccount = "123456789012";

  static std::unique_ptr<FakeAwsProcess> start(const fs::path& dir) {
    const nlohmann::json state = {
        {"region", "us-east-1"},
        {"access_key_id", kAccessKey},
        {"secret_access_key", kSecretKey},
        {"quicksight_account_id", kAccount},
        {"dashboards", {"sales-overview", "marketing-performance", "fulfillment-operations", "finance-executive"}}};
    write_file(dir / "fake-aws-state.json", state.dump());
    auto process = Spawned::start(SHOPPULSE_FAKE_AWS,
                                  {"--port", "0", "--state", (dir / "fake-aws-state.json").string()}, base_env());
    if (!process) return nullptr;
    const std::string prefix = "fake_aws listening on ";
    const auto line = process->wait_for_line([&](const std::string& l) { return l.rfind(prefix, 0) == 0; }, 20s);
    if (!line) {
      ADD_FAILURE() << "fake_aws did not start";
      return nullptr;
    }
    auto fake = std::unique_ptr<FakeAwsProcess>(new FakeAwsProcess());
    fake->url_ = line->substr(prefix.size());
    fake->process_ = std::move(process);
    return fake;
  }

  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  // The environment bootstrap needs to call QuickSight at this fake.
  [[nodiscard]] std::vector<std::string> gateway_env_args() const {
    return {"--env", "AWS_ENDPOINT_URL_QUICKSIGHT=" + url_,
            "--env", "AWS_REGION=us-east-1",
            "--env", std::string("AWS_ACCESS_KEY_ID=") + kAccessKey,
            "--env", std::string("AWS_SECRET_ACCESS_KEY=") + kSecretKey,
            "--env", std::string("QUICKSIGHT_ACCOUNT_ID=") + kAccount};
  }
  nlohmann::json stats() const {
    const auto colon = url_.rfind(':');
    httplib::Client client("127.0.0.1", std::stoi(url_.substr(colon + 1)));
    auto res = client.Get("/__fake/stats");
    if (!res) return nullptr;
    return nlohmann::json::parse(res->body, nullptr, false);
  }

 private:
  FakeAwsProcess() = default;
  std::unique_ptr<Spawned> process_;
  std::string url_;
};

// A dev RSA key pair on disk plus tokens signed with it (the code dev_token uses).
class DevKeys {
 public:
  explicit DevKeys(const fs::path& dir) : key_file_(dir / "jwt-private.pem") {
    auto pem = gateway::generate_rsa_private_key_pem();
    EXPECT_TRUE(pem.ok());
    private_pem_ = pem.value_or("");
    write_file(key_file_, private_pem_);
    auto public_pem = gateway::public_key_pem(private_pem_);
    EXPECT_TRUE(public_pem.ok());
    kid_ = gateway::key_id_for(public_pem.value_or(""));
  }

  [[nodiscard]] std::string key_file() const { return key_file_.string(); }
  [[nodiscard]] const std::string& private_pem() const noexcept { return private_pem_; }
  [[nodiscard]] const std::string& kid() const noexcept { return kid_; }

  std::string token(const std::string& sub, const std::string& tenant, const std::string& role,
                    std::int64_t ttl_seconds = 3600) const {
    gateway::TokenSpec spec;
    spec.key = private_pem_;
    spec.kid = kid_;
    spec.claims = gateway::cognito_id_claims(sub, tenant, role, sub + "@example.test");
    spec.issued_at = now_epoch_ms() / 1000;
    spec.ttl_seconds = ttl_seconds;
    auto token = gateway::issue_token(spec);
    EXPECT_TRUE(token.ok());
    return token.value_or("");
  }
  std::string acme_admin() const { return token("dev-acme-admin", kAcme, "admin"); }
  std::string acme_analyst() const { return token("dev-acme-analyst", kAcme, "analyst"); }
  std::string acme_viewer() const { return token("dev-acme-viewer", kAcme, "viewer"); }
  std::string globex_admin() const { return token("dev-globex-admin", kGlobex, "admin"); }

 private:
  fs::path key_file_;
  std::string private_pem_;
  std::string kid_;
};

inline httplib::Headers bearer(const std::string& token, httplib::Headers extra = {}) {
  extra.emplace("Authorization", "Bearer " + token);
  return extra;
}

inline nlohmann::json body_json(const httplib::Result& res) {
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

// Runs a helper script to its end (60 s at most); its output lines.
inline std::vector<std::string> run_script(const std::string& script, std::vector<std::string> args) {
  args.insert(args.begin(), script);
  auto process = Spawned::start("/usr/bin/python3", std::move(args), base_env());
  if (!process) return {"cannot start " + script};
  (void)process->wait_for_line([](const std::string&) { return false; }, 60s);  // returns once it exited
  return process->lines();
}

inline const std::string& contract_yaml() {
  static const std::string path = std::string(SHOPPULSE_SOURCE_DIR) + "/openapi/openapi.yaml";
  return path;
}

// openapi/openapi.yaml as JSON in `dir`, converted as ./run.sh converts it
// (what --openapi takes).
inline fs::path contract_json(const fs::path& dir) {
  const fs::path out = dir / "openapi.json";
  const auto lines =
      run_script(std::string(SHOPPULSE_SOURCE_DIR) + "/scripts/openapi-to-json.py", {contract_yaml(), out.string()});
  if (!fs::exists(out)) ADD_FAILURE() << "cannot convert the contract:\n" << GatewayProcess::joined(lines);
  return out;
}

// One of the gateway's own answers, for contract_violations. `operation`
// ("GET /users"): the document's operation it stands for, when `path` is not
// in the document (the fake function's paths).
inline nlohmann::json gateway_answer(const std::string& method, const std::string& path, const httplib::Result& res,
                                     const std::string& operation = "") {
  nlohmann::json answer = {{"method", method}, {"path", path}};
  if (res) {
    answer["status"] = res->status;
    answer["contentType"] = res->get_header_value("Content-Type");
    answer["body"] = res->body;
  }
  if (!operation.empty()) answer["operation"] = operation;
  return answer;
}

// "" when every answer is what the contract says for its status
// (tests/e2e/check_gateway_answers.py, tools/openapi/contract.py's checks);
// else the checker's output.
inline std::string contract_violations(const fs::path& dir, const std::vector<nlohmann::json>& answers) {
  const fs::path file = dir / "gateway-answers.jsonl";
  {
    std::ofstream out(file, std::ios::trunc);
    for (const auto& answer : answers) out << answer.dump() << "\n";
  }
  const auto lines = run_script(std::string(SHOPPULSE_SOURCE_DIR) + "/tests/e2e/check_gateway_answers.py",
                                {"--spec", contract_yaml(), file.string()});
  const std::string clean = "gateway answers: " + std::to_string(answers.size()) + " checked, 0 violations";
  if (!lines.empty() && lines.back() == clean) return {};
  return GatewayProcess::joined(lines);
}

}  // namespace shoppulse::e2e
