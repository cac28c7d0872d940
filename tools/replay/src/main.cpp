// replay --bootstrap PATH --events DIR [--update] [--verbose] [--env K=V ...] [--exchanges FILE]
//
// Sends every recorded event in DIR, in lexical order, through one real
// bootstrap process under the local Runtime API emulator and compares each
// response with its golden <name>.expected.json. See tests/replay/README.md.
// --exchanges FILE also writes every API Gateway event with the function's
// raw response, one JSON line each, for the OpenAPI contract check
// (tools/openapi/contract.py).

#include <iostream>
#include <string>

#include "runner.h"

namespace {

int usage() {
  std::cerr << "usage: replay --bootstrap PATH --events DIR [--update] [--verbose] [--env K=V ...] "
               "[--exchanges FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  shoppulse::replay::ReplayOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--bootstrap" && has_value) {
      options.bootstrap = argv[++i];
    } else if (arg == "--events" && has_value) {
      options.events_dir = argv[++i];
    } else if (arg == "--env" && has_value) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return usage();
      options.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg == "--exchanges" && has_value) {
      options.exchanges = argv[++i];
    } else if (arg == "--update") {
      options.update = true;
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else {
      return usage();
    }
  }
  if (options.bootstrap.empty() || options.events_dir.empty()) return usage();
  return shoppulse::replay::run_replay(options, std::cout);
}
