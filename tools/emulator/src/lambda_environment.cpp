#include <cstdlib>
#include <filesystem>
#include <map>

#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::emulator {
namespace {

// Passed through from our own environment: sanitizer settings (the test
// runner may set them for the instrumented bootstrap) and nothing else, so a
// developer's shell cannot change what the function sees.
constexpr const char* kPassThrough[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                                        "TSAN_OPTIONS", "MSAN_OPTIONS",  "LLVM_PROFILE_FILE"};

}  // namespace

std::vector<std::string> lambda_environment(const EmulatorOptions& options, const std::string& runtime_api) {
  const std::string task_root = options.bootstrap_path.empty()
                                    ? std::string("/var/task")
                                    : std::filesystem::path(options.bootstrap_path).parent_path().string();
  // What Lambda sets for an OS-only (provided.al2023) runtime.
  std::map<std::string, std::string> env{
      {"AWS_LAMBDA_RUNTIME_API", runtime_api},
      {"AWS_LAMBDA_FUNCTION_NAME", options.function_name},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(options.memory_mb)},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + options.function_name},
      {"AWS_LAMBDA_LOG_STREAM_NAME", "2024/01/01/[$LATEST]00000000000000000000000000000000"},
      {"AWS_REGION", options.region},
      {"AWS_DEFAULT_REGION", options.region},
      {"AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR"},
      {"AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000"},
      {"LAMBDA_TASK_ROOT", task_root},
      {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
      {"_HANDLER", "bootstrap"},
      {"TZ", ":UTC"},
      {"LANG", "en_US.UTF-8"},
      {"PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"},
      {"LD_LIBRARY_PATH", "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"},
  };
  for (const char* name : kPassThrough) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  for (const auto& [key, value] : options.env) env[key] = value;
  for (const auto& key : options.unset_env) env.erase(key);

  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) {
    std::string entry = key;
    entry.append("=").append(value);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace shoppulse::emulator
