// runtime_emulator: the same external interface as the official
// aws-lambda-runtime-interface-emulator (RIE), so scripts work with either:
//
//   runtime_emulator [--host 127.0.0.1] [--port 9000] [--timeout-ms 3000] -- /path/to/bootstrap [args]
//   curl -d '{"rawPath":...}' http://127.0.0.1:9000/2015-03-31/functions/function/invocations
//
// Like RIE, the bootstrap gets our whole environment (plus the Lambda
// variables it does not override); AWS_LAMBDA_FUNCTION_TIMEOUT (seconds) is
// honoured when --timeout-ms is not given. Our own log lines are JSON on
// stderr; the function's lines are forwarded there unchanged.

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "shoppulse/core/log.h"
#include "shoppulse/emulator/runtime_emulator.h"

extern char** environ;

namespace {

using shoppulse::emulator::EmulatorOptions;
using shoppulse::emulator::InvocationResult;
using shoppulse::emulator::RuntimeEmulator;

struct Args {
  std::string host = "127.0.0.1";
  int port = 9000;
  std::optional<int> timeout_ms;
  std::vector<std::string> command;
};

void usage() {
  std::cerr << "usage: runtime_emulator [--host H] [--port 9000] [--timeout-ms 3000] -- /path/to/bootstrap [args]\n";
}

std::optional<Args> parse_args(int argc, char** argv) {
  Args args;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--port" || arg == "--timeout-ms" || arg == "--host") {
      auto v = value();
      if (!v) return std::nullopt;
      if (arg == "--host") {
        args.host = *v;
      } else {
        char* end = nullptr;
        const long n = std::strtol(v->c_str(), &end, 10);
        if (*end != '\0' || n <= 0 || n > 86400000) return std::nullopt;
        (arg == "--port" ? args.port : args.timeout_ms.emplace()) = static_cast<int>(n);
      }
      continue;
    }
    if (arg.rfind("--", 0) == 0) return std::nullopt;
    break;  // RIE style: the command follows without "--"
  }
  for (; i < argc; ++i) args.command.emplace_back(argv[i]);
  if (args.command.empty()) return std::nullopt;
  return args;
}

int timeout_from_env() {
  if (const char* s = std::getenv("AWS_LAMBDA_FUNCTION_TIMEOUT")) {
    const long seconds = std::strtol(s, nullptr, 10);
    if (seconds > 0) return static_cast<int>(seconds * 1000);
  }
  return 3000;
}

}  // namespace

int main(int argc, char** argv) {
  const shoppulse::Logger log(shoppulse::LogLevel::kInfo, 2);
  auto args = parse_args(argc, argv);
  if (!args) {
    usage();
    return 2;
  }

  // Block the shutdown signals in every thread; one thread waits for them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  EmulatorOptions options;
  options.bootstrap_path = args->command.front();
  options.bootstrap_args.assign(args->command.begin() + 1, args->command.end());
  options.timeout_ms = args->timeout_ms.value_or(timeout_from_env());
  options.forward_logs = true;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq == std::string::npos || entry.compare(0, eq, "AWS_LAMBDA_RUNTIME_API") == 0) continue;
    options.env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }

  auto emulator = RuntimeEmulator::start(options);
  if (!emulator) {
    log.error("cannot start the runtime", {{"error", emulator.error().message}});
    return 1;
  }
  RuntimeEmulator& runtime = **emulator;

  std::mutex restart_mutex;  // one restart when many callers find the sandbox gone
  httplib::Server server;
  server.set_tcp_nodelay(true);  // no Nagle/delayed-ACK stall per invoke
  // With AWS_LAMBDA_MAX_CONCURRENCY (Managed Instances) that many invokes are
  // in flight at once, each holding a connection and a server thread; the
  // emulator itself serialises them otherwise.
  const std::size_t invoke_threads = 8 + runtime.max_concurrency();
  server.new_task_queue = [invoke_threads] { return new httplib::ThreadPool(invoke_threads); };
  server.Post("/2015-03-31/functions/function/invocations", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(restart_mutex);
      if (!runtime.running()) {
        // The previous sandbox crashed or failed init: a new one, as on Lambda.
        if (auto restarted = runtime.restart(); !restarted) {
          log.error("restart failed", {{"error", restarted.error().message}});
        }
      }
    }
    // Tenant-isolation mode: Invoke's X-Amz-Tenant-Id reaches the runtime on
    // /next, as the official emulator passes it.
    shoppulse::emulator::InvokeOptions invoke_options;
    if (req.has_header("X-Amz-Tenant-Id")) invoke_options.tenant_id = req.get_header_value("X-Amz-Tenant-Id");
    // A caller's X-Ray header becomes the invocation's trace, as Invoke does.
    if (req.has_header("X-Amzn-Trace-Id")) invoke_options.trace_id = req.get_header_value("X-Amzn-Trace-Id");
    InvocationResult result = runtime.invoke(req.body, invoke_options);
    log.info("invocation", {{"requestId", result.request_id},
                            {"outcome", shoppulse::emulator::outcome_name(result.outcome)},
                            {"errorType", result.error_type},
                            {"durationMs", static_cast<double>(result.duration.count()) / 1000.0},
                            {"responseBytes", result.body.size()}});
    res.status = 200;
    if (result.outcome != InvocationResult::Outcome::kResponse) {
      // Lambda's Invoke API: 200 with the error document and this header.
      res.set_header("X-Amz-Function-Error", "Unhandled");
    }
    res.set_content(result.body, "application/json");
  });

  std::thread signal_thread([&] {
    int signo = 0;
    sigwait(&shutdown_signals, &signo);
    log.info("shutting down", {{"signal", signo}});
    server.stop();
  });

  log.info("listening", {{"invokeUrl", "http://" + args->host + ":" + std::to_string(args->port) +
                                           "/2015-03-31/functions/function/invocations"},
                         {"runtimeApi", runtime.runtime_api()},
                         {"bootstrap", options.bootstrap_path},
                         {"timeoutMs", options.timeout_ms}});
  const bool listened = server.listen(args->host, args->port);
  if (!listened) {
    log.error("cannot listen", {{"host", args->host}, {"port", args->port}});
    kill(getpid(), SIGTERM);  // release the signal thread
  }
  signal_thread.join();
  // As Lambda: SIGTERM and a grace only when the runtime registered an extension.
  const auto exit = runtime.stop();
  if (exit) {
    log.info("runtime stopped",
             {{"exit", exit->describe()},
              {"signals", shoppulse::emulator::shutdown_path_name(
                              runtime.last_shutdown_path().value_or(shoppulse::emulator::ShutdownPath::kSigkill))}});
  }
  return listened ? 0 : 1;
}
