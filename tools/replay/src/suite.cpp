#include "suite.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "shoppulse/core/ascii.h"

namespace shoppulse::replay {
namespace {

namespace fs = std::filesystem;

Error config_error(const std::string& message) {
  return Error::make(ErrorKind::kInvalidInput, "replay_config", message);
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<SuiteConfig> load_suite_config(const fs::path& dir) {
  SuiteConfig config;
  const fs::path file = dir / "suite.json";
  if (!fs::exists(file)) return config;
  std::ifstream in(file);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object()) return fail(config_error(file.string() + " is not a JSON object"));
  for (const auto& [key, value] : doc.items()) {
    if (key == "env") {
      if (!value.is_object()) return fail(config_error("suite.json: env must be an object of strings"));
      for (const auto& [name, v] : value.items()) {
        if (!v.is_string()) return fail(config_error("suite.json: env." + name + " must be a string"));
        config.env[name] = v.get<std::string>();
      }
    } else if (key == "fake_aws") {
      if (!value.is_object()) return fail(config_error("suite.json: fake_aws must be an object (a FakeAws state)"));
      config.fake_aws = value;
    } else if (key == "needs_postgres") {
      if (!value.is_boolean()) return fail(config_error("suite.json: needs_postgres must be a boolean"));
      config.needs_postgres = value.get<bool>();
    } else if (key == "timeout_ms") {
      if (!value.is_number_integer() || value.get<long long>() <= 0) {
        return fail(config_error("suite.json: timeout_ms must be a positive integer"));
      }
      config.timeout_ms = value.get<int>();
    } else if (key.rfind('$', 0) != 0) {  // "$comment" and friends are free text
      return fail(config_error("suite.json: unknown key " + key));
    }
  }
  return config;
}

Result<std::string> substitute(const std::string& value, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '$') {
      out.push_back(value[i]);
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= value.size() || value[i + 1] != '{') {
      out.push_back('$');
      continue;
    }
    const auto close = value.find('}', i + 2);
    if (close == std::string::npos) return fail(config_error("unterminated ${ in \"" + value + "\""));
    const std::string name = value.substr(i + 2, close - i - 2);
    const auto it = vars.find(name);
    if (it == vars.end())
      return fail(
          config_error(std::string("unknown variable ${").append(name).append("} in \"").append(value).append("\"")));
    out += it->second;
    i = close;
  }
  return out;
}

std::vector<fs::path> event_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name == "suite.json" || ends_with(name, ".expected.json")) continue;
    if (ends_with(name, ".json") || ends_with(name, ".raw")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path golden_path(const fs::path& event) {
  return event.parent_path() / (event.stem().string() + ".expected.json");
}

}  // namespace shoppulse::replay
