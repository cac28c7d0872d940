#include "shoppulse/trace/trace_header.h"

namespace shoppulse::trace {
namespace {

bool is_lower_hex(std::string_view text) noexcept {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// 1-<8 hex epoch seconds>-<24 hex random>
bool is_root(std::string_view root) noexcept {
  return root.size() == 35 && root.substr(0, 2) == "1-" && root[10] == '-' && is_lower_hex(root.substr(2, 8)) &&
         is_lower_hex(root.substr(11));
}

}  // namespace

TraceHeader parse_trace_header(std::string_view header) noexcept {
  TraceHeader parsed;
  bool sampled = false;
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    const std::string_view field = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const std::size_t equals = field.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = field.substr(0, equals);
    const std::string_view value = field.substr(equals + 1);
    if (key == "Root") {
      parsed.root = value;
    } else if (key == "Parent") {
      parsed.parent = value;
    } else if (key == "Sampled") {
      sampled = value == "1";
    }
  }
  parsed.sampled = sampled && is_root(parsed.root) && parsed.parent.size() == 16 && is_lower_hex(parsed.parent);
  return parsed;
}

}  // namespace shoppulse::trace
