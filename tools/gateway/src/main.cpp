// local_gateway: serves the API on http://127.0.0.1:<port> like API Gateway
// (REST payload 1.0, or HTTP API 2.0 with --http-api) in front of N real
// bootstrap processes under the local Runtime API emulator. See README.md.
//
// stdout: one JSON access-log line per request. stderr: our own JSON lines
// and the bootstrap's (forwarded unchanged). SIGINT/SIGTERM stop everything.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <pthread.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "shoppulse/core/log.h"
#include "shoppulse/gateway/gateway.h"
#include "shoppulse/gateway/http_server.h"

int main(int argc, char** argv) {
  using namespace shoppulse;
  const Logger log(LogLevel::kInfo, 2);
  const Logger access_log(LogLevel::kInfo, 1);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << gateway::gateway_usage();
    return 0;
  }
  auto options = gateway::parse_gateway_args(args, [](const char* name) { return std::getenv(name); });
  if (!options) {
    std::cerr << "local_gateway: " << options.error().message << "\n" << gateway::gateway_usage();
    return 2;
  }

  // A shell without job control starts background jobs with SIGINT ignored;
  // we want Ctrl-C honoured whoever started us. Block both stop signals in
  // every thread; one thread waits for them.
  std::signal(SIGINT, SIG_DFL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  if (options->die_with_parent) {
    // A test that crashes cannot run its destructors; this still stops us
    // (and so our sandboxes) through the normal SIGTERM path.
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) raise(SIGTERM);  // the parent died before prctl
  }

  auto created = gateway::Gateway::create(std::move(options).value(), log, access_log);
  if (!created) {
    log.error("cannot start the gateway", {{"error", created.error().message}});
    return 1;
  }
  gateway::Gateway& gw = **created;
  gateway::HttpServer server(gw);
  auto port = server.bind(gw.options().host, gw.options().port);
  if (!port) {
    log.error("cannot listen", {{"error", port.error().message}});
    return 1;
  }

  std::atomic<bool> serving_done{false};
  std::thread signal_thread([&] {
    int signo = 0;
    sigwait(&stop_signals, &signo);
    if (serving_done) return;  // woken by our own SIGTERM below
    log.info("shutting down", {{"signal", signo}});
    gw.shutdown();
    // stop() is a no-op until listening has begun; repeat until it took.
    while (!serving_done) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });

  const std::size_t ready = gw.wait_ready(std::chrono::milliseconds(gw.options().pool.init_timeout_ms));
  nlohmann::json pids = nlohmann::json::array();
  for (const pid_t pid : gw.pool().pids()) pids.push_back(pid);
  log.info("listening", {{"url", "http://" + gw.options().host + ":" + std::to_string(*port)},
                         {"port", *port},
                         {"format", gateway::payload_format_name(gw.options().format)},
                         {"sandboxes", gw.pool().size()},
                         {"sandboxesReady", ready},
                         {"sandboxPids", pids},
                         {"functionTimeoutMs", gw.options().pool.function_timeout_ms},
                         {"integrationTimeoutMs", gw.options().integration_timeout_ms},
                         {"recording", gw.options().record_dir}});
  const bool served = server.serve();
  serving_done = true;
  if (!served) {
    log.error("serving failed");
    gw.shutdown();
  }
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // no-op if it already returned
  signal_thread.join();
  gw.shutdown();
  log.info("stopped");
  return served ? 0 : 1;
}
