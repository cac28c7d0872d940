#pragma once
// Runs every event of one suite folder through one bootstrap process and
// compares (or records) the goldens.

#include <filesystem>
#include <map>
#include <ostream>
#include <string>

namespace shoppulse::replay {

struct ReplayOptions {
  std::filesystem::path bootstrap;
  std::filesystem::path events_dir;
  bool update = false;
  bool verbose = false;                    // forward bootstrap's logs to stderr
  std::map<std::string, std::string> env;  // --env K=V, applied after suite.json
  // When set: every API Gateway event and the function's raw response, one
  // JSON line each ({"source","event","response"} or "functionError").
  std::filesystem::path exchanges;
};

// Exit code for a suite that needs a fixture the environment lacks (ctest's
// SKIP_RETURN_CODE).
inline constexpr int kSkipExitCode = 77;

// 0: all passed (or recorded); 1: mismatches; 2: usage/setup error; 77: skipped.
int run_replay(const ReplayOptions& options, std::ostream& out);

}  // namespace shoppulse::replay
