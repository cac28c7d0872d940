// fake_aws: the Secrets Manager / QuickSight stand-ins as a process, for the
// local dev server and end-to-end tests.
//
//   fake_aws [--host 127.0.0.1] [--port 0] [--state state.json] [--tls-cert-out cert.pem]
//
// --tls-cert-out serves HTTPS with a throwaway self-signed certificate for
// 127.0.0.1 / localhost and writes it (PEM) to the file, for the client to trust.
// Prints "fake_aws listening on http://HOST:PORT" once ready (port 0 picks a
// free port), then serves until SIGINT or SIGTERM. Point the API at it with
// AWS_ENDPOINT_URL=http://HOST:PORT and the same AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN / AWS_REGION as the state file.
// The unsigned control API under /__fake/ (stats, last, state, fail, delay,
// clear-failures) changes behaviour at run time.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "shoppulse/fakes/fake_aws.h"
#include "shoppulse/fakes/test_tls.h"

namespace {

int usage() {
  std::cerr << "usage: fake_aws [--host HOST] [--port PORT] [--state FILE] [--tls-cert-out FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  shoppulse::fakes::FakeAwsOptions options;
  std::string state_path;
  std::string cert_out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      char* end = nullptr;
      const long port = std::strtol(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || port < 0 || port > 65535) return usage();
      options.port = static_cast<int>(port);
    } else if (arg == "--state") {
      state_path = value;
    } else if (arg == "--tls-cert-out") {
      cert_out = value;
    } else {
      return usage();
    }
  }

  nlohmann::json state = nlohmann::json::object();
  if (!state_path.empty()) {
    std::ifstream file(state_path);
    std::stringstream text;
    text << file.rdbuf();
    state = nlohmann::json::parse(text.str(), nullptr, false);
    if (!file || state.is_discarded()) {
      std::cerr << "fake_aws: cannot read JSON state from " << state_path << "\n";
      return 1;
    }
  }
  auto resolved = shoppulse::fakes::FakeAws::options_from_state(state, options);
  if (!resolved) {
    std::cerr << "fake_aws: " << resolved.error().message << "\n";
    return 1;
  }
  if (!cert_out.empty()) {
    auto identity = shoppulse::fakes::make_self_signed_identity();
    std::ofstream cert_file(cert_out, std::ios::trunc);
    cert_file << (identity ? identity->cert_pem : "");
    if (!identity || !cert_file.flush()) {
      std::cerr << "fake_aws: cannot make or write the TLS certificate\n";
      return 1;
    }
    resolved->tls_cert_pem = identity->cert_pem;
    resolved->tls_key_pem = identity->key_pem;
  }

  // Block the stop signals before any thread starts so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  shoppulse::fakes::FakeAws fake(*resolved);
  if (auto status = fake.apply_state(state); !status) {
    std::cerr << "fake_aws: " << status.error().message << "\n";
    return 1;
  }
  if (auto status = fake.start(); !status) {
    std::cerr << "fake_aws: " << status.error().message << "\n";
    return 1;
  }
  std::cout << "fake_aws listening on " << fake.endpoint_url() << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  fake.stop();
  return 0;
}
