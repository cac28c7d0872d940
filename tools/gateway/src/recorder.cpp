#include "shoppulse/gateway/recorder.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <regex>

#include "golden.h"
#include "shoppulse/core/ascii.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kRedacted = "Bearer <redacted by local_gateway --record>";

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return fail(Error::make(ErrorKind::kInternal, "record_failed", "cannot write " + path.string()));
  return {};
}

std::string slug(const std::string& method, const std::string& path) {
  std::string out = ascii::lower(method);
  out.push_back('-');
  bool dash = false;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      out.push_back(ascii::to_lower(c));
      dash = false;
    } else if (!dash && out.back() != '-') {
      out.push_back('-');
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 60) out.resize(60);
  return out;
}

// The next free NNNN prefix, so a folder can be recorded into across runs.
int next_number_in(const fs::path& dir) {
  int highest = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 5 || name[4] != '-') continue;
    bool digits = true;
    for (int i = 0; i < 4; ++i)
      digits = digits && std::isdigit(static_cast<unsigned char>(name[static_cast<std::size_t>(i)])) != 0;
    if (digits) highest = std::max(highest, std::stoi(name.substr(0, 4)));
  }
  return highest + 1;
}

bool path_exists(const json& document, const std::string& path) {
  // apply_masks is the authority on what a path addresses: mask a copy and
  // see whether anything changed.
  json copy = document;
  replay::apply_masks(copy, {path});
  return copy != document;
}

// Compared headers whose value holds an id the function generated (POST's
// Location: /users/<new id>); replay's own detection only looks at bodies.
std::vector<std::string> generated_header_paths(const json& document, std::string_view event_text) {
  static const std::regex uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  std::vector<std::string> out;
  const auto response = document.find("response");
  if (response == document.end() || !response->is_object()) return out;
  const auto generated = [&](const json& value) {
    if (!value.is_string()) return false;
    const std::string& text = value.get_ref<const std::string&>();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), uuid); it != std::sregex_iterator(); ++it) {
      if (event_text.find(it->str()) == std::string_view::npos) return true;
    }
    return false;
  };
  for (const char* map : {"headers", "multiValueHeaders"}) {
    const auto headers = response->find(map);
    if (headers == response->end() || !headers->is_object()) continue;
    for (const auto& [name, value] : headers->items()) {
      const bool any = value.is_array() ? std::any_of(value.begin(), value.end(), generated) : generated(value);
      // Names with '.' cannot be addressed by a mask path.
      if (any && name.find('.') == std::string::npos) out.push_back(std::string(map) + "." + name);
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& Recorder::volatile_paths() {
  static const std::vector<std::string> paths{
      "body.coldStart",          // first request per sandbox
      "body.version",            // changes with every release
      "body.databaseLatencyMs",  // timing
      "body.embedUrl",           // signed, single-use
      "body.expiresAt",          // now + session lifetime
      "body.nextCursor",         // encodes created_at of rows seeded at cluster creation
  };
  return paths;
}

json redact_event(json event) {
  for (const char* map : {"headers", "multiValueHeaders"}) {
    auto it = event.find(map);
    if (it == event.end() || !it->is_object()) continue;
    for (auto& [name, value] : it->items()) {
      if (!ascii::iequals(name, "authorization")) continue;
      if (value.is_array()) {
        for (auto& item : value) item = kRedacted;
      } else {
        value = kRedacted;
      }
    }
  }
  return event;
}

Recorder::Recorder(RecorderOptions options, int next_number)
    : options_(std::move(options)), next_number_(next_number) {}

Result<std::unique_ptr<Recorder>> Recorder::open(RecorderOptions options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec || !fs::is_directory(options.dir)) {
    return fail(Error::make(ErrorKind::kInvalidInput, "record_dir", "cannot create " + options.dir.string()));
  }
  const fs::path suite = options.dir / "suite.json";
  if (!fs::exists(suite)) {
    json config = {{"$comment", "written by local_gateway --record; replay with tools/replay (tests/replay/README.md)"},
                   {"needs_postgres", options.needs_postgres}};
    if (options.timeout_ms > 0) config["timeout_ms"] = options.timeout_ms;
    if (!options.suite_env.empty()) config["env"] = options.suite_env;
    if (Status s = write_text(suite, config.dump(2) + "\n"); !s) return fail(std::move(s).error());
  }
  const int next = next_number_in(options.dir);
  return std::unique_ptr<Recorder>(new Recorder(std::move(options), next));
}

Result<RecordedCase> Recorder::record(const json& event, const emulator::InvocationResult& result,
                                      const std::string& method, const std::string& path) {
  const json redacted = redact_event(event);
  const std::string payload = redacted.dump(2);
  const replay::EventFormat format = replay::classify_event(payload);
  const replay::Observed observed{result.outcome != emulator::InvocationResult::Outcome::kResponse, result.body,
                                  result.error_type};
  const json actual = replay::normalise(format, observed, {});
  std::vector<std::string> masks = replay::generated_value_paths(actual, payload);
  for (auto& header : generated_header_paths(actual, payload)) masks.push_back(std::move(header));
  for (const auto& candidate : volatile_paths()) {
    if (path_exists(actual, candidate) && std::find(masks.begin(), masks.end(), candidate) == masks.end()) {
      masks.push_back(candidate);
    }
  }
  const json header = {{"$comment", "recorded by local_gateway: " + method + " " + path}};
  const json golden = replay::make_golden(&header, actual, masks);

  std::lock_guard lock(mutex_);
  char number[8];
  (void)std::snprintf(number, sizeof number, "%04d", next_number_ % 10000);
  ++next_number_;
  const std::string stem = std::string(number) + "-" + slug(method, path);
  RecordedCase out{options_.dir / (stem + ".json"), options_.dir / (stem + ".expected.json"), masks};
  if (Status s = write_text(out.event_file, payload + "\n"); !s) return fail(std::move(s).error());
  if (Status s = write_text(out.golden_file, golden.dump(2) + "\n"); !s) return fail(std::move(s).error());
  return out;
}

}  // namespace shoppulse::gateway
