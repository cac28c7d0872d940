#pragma once
// The real bootstrap under the local Runtime API emulator, against a real
// database: what Lambda would run, driven with API Gateway events.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api_harness.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::test {

struct HttpReply {
  emulator::InvocationResult raw;
  int status = 0;
  nlohmann::json headers;
  nlohmann::json body;
  std::string body_text;
};

inline HttpReply invoke_api(emulator::RuntimeEmulator& sandbox, const Call& call, int timeout_ms = 0) {
  emulator::InvokeOptions options;
  if (timeout_ms > 0) options.timeout_ms = timeout_ms;
  HttpReply reply;
  reply.raw = sandbox.invoke(make_event(call).dump(), options);
  if (!reply.raw.ok()) return reply;
  const auto envelope = nlohmann::json::parse(reply.raw.body, nullptr, false);
  if (!envelope.is_object() || !envelope["statusCode"].is_number_integer()) return reply;
  reply.status = envelope["statusCode"].get<int>();
  reply.headers = envelope["headers"];
  reply.body_text = envelope["body"].get<std::string>();
  reply.body = nlohmann::json::parse(reply.body_text, nullptr, false);
  return reply;
}

inline Call api_call(std::string method, std::string path, std::optional<Who> who,
                     std::optional<nlohmann::json> body = std::nullopt) {
  Call call;
  call.method = std::move(method);
  call.path = std::move(path);
  call.who = std::move(who);
  if (body) call.body = body->dump();
  return call;
}

inline std::unique_ptr<emulator::RuntimeEmulator> start_bootstrap(std::map<std::string, std::string> env,
                                                                  int timeout_ms = 3000) {
  emulator::EmulatorOptions options;
  options.bootstrap_path = SHOPPULSE_BOOTSTRAP_PATH;
  options.env = std::move(env);
  options.timeout_ms = timeout_ms;
  auto started = emulator::RuntimeEmulator::start(options);
  EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
  return started.ok() ? std::move(started).value() : nullptr;
}

// Every line bootstrap wrote, stdout and stderr, for leak checks.
inline std::string all_output(const emulator::RuntimeEmulator& sandbox) {
  std::string text;
  for (const auto& line : sandbox.stdout_lines()) text += line + "\n";
  for (const auto& line : sandbox.stderr_lines()) text += line + "\n";
  return text;
}

// A POST /users that answered `status` during a database fault: present when
// it said 201, and always with exactly its audit row. (Applied at most once
// needs no check here: the unique index on email guarantees it, and
// tests/sql checks that index.)
inline void expect_create_applied_once(TestDatabase& database, const std::string& email, int status) {
  const std::string users = database.exec("SELECT count(*) FROM users WHERE email = $1", {email}).value();
  const std::string audits = database
                                 .exec(
                                     "SELECT count(*) FROM audit_logs a JOIN users u ON a.resource_id = u.id::text "
                                     "WHERE a.action = 'user.created' AND u.email = $1",
                                     {email})
                                 .value();
  if (status == 201) {
    EXPECT_EQ(users, "1") << email << " returned 201 but is missing";
  }
  EXPECT_EQ(audits, users) << email << ": every user has exactly its audit row";
  EXPECT_TRUE(status == 201 || status == 503 || status == 504) << email << " got " << status;
}

inline void expect_all_lines_json(const emulator::RuntimeEmulator& sandbox) {
  for (const auto& line : sandbox.stdout_lines()) EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  for (const auto& line : sandbox.stderr_lines()) EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

}  // namespace shoppulse::test
