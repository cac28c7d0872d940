#pragma once
// --record DIR: every invocation the gateway makes becomes a replay case in
// the format tools/replay reads (tests/replay/README.md): NNNN-method-path.json
// (the event, Authorization redacted) and its golden NNNN-method-path.expected.json,
// produced with tools/replay's own normalise/mask/make_golden so the two
// cannot drift. Numbered in arrival order, because replay runs a suite's
// events in lexical order through one bootstrap and later requests may depend
// on earlier writes. A suite.json is written once when the folder has none.

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::gateway {

struct RecorderOptions {
  std::filesystem::path dir;
  // The bootstrap environment the suite.json should reproduce, with values
  // that must not be committed replaced by ${NAME} references (DATABASE_URL).
  std::map<std::string, std::string> suite_env;
  bool needs_postgres = false;
  int timeout_ms = 0;  // 0: replay's default
};

struct RecordedCase {
  std::filesystem::path event_file;
  std::filesystem::path golden_file;
  std::vector<std::string> masked;  // paths masked in the golden
};

class Recorder {
 public:
  static Result<std::unique_ptr<Recorder>> open(RecorderOptions options);

  // Thread-safe: requests on different sandboxes record concurrently.
  Result<RecordedCase> record(const nlohmann::json& event, const emulator::InvocationResult& result,
                              const std::string& method, const std::string& path);

  // Fields whose values change from run to run in this API's responses; each
  // is masked when the response has it (on top of replay's own detection of
  // generated UUIDs and timestamps).
  static const std::vector<std::string>& volatile_paths();

 private:
  explicit Recorder(RecorderOptions options, int next_number);
  RecorderOptions options_;
  std::mutex mutex_;
  int next_number_;
};

// The event with Authorization header values replaced: tokens do not belong
// in a repository, and the function reads claims, never the header.
nlohmann::json redact_event(nlohmann::json event);

}  // namespace shoppulse::gateway
