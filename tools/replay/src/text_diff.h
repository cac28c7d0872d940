#pragma once
// Line diff for mismatch reports: "-" expected, "+" actual, " " context.

#include <string>

namespace shoppulse::replay {

// Unified-style hunks with `context` lines around each change; empty when
// the texts are equal.
std::string unified_diff(const std::string& expected, const std::string& actual, int context = 3);

}  // namespace shoppulse::replay
