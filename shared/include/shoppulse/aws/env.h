#pragma once
// Every AWS setting comes from a constructor value first and the process
// environment second. Reading the environment through an injectable lookup
// keeps tests from mutating the real environment (setenv is not thread-safe).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace shoppulse::aws {

// Returns the variable's value, or nullopt when it is unset or empty (an empty
// AWS_REGION is as useless as a missing one).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

EnvLookup process_env();
EnvLookup map_env(std::map<std::string, std::string, std::less<>> values);

}  // namespace shoppulse::aws
