#pragma once
// Lambda Managed Instances: up to AWS_LAMBDA_MAX_CONCURRENCY invocations in
// one process. Each worker is a thread with its own keep-alive Runtime API
// connection, its own poll loop and its own invocation arena, so Lambda can
// hold that many /next requests open and gets each /response or /error on its
// own. The handler and what it shares (pool, caches, clients) are one object
// for all workers and must be thread-safe.

#include <memory>
#include <span>

#include "shoppulse/core/log.h"
#include "shoppulse/runtime/client.h"
#include "shoppulse/runtime/loop.h"

namespace shoppulse::runtime {

// One worker per client, each running run_loop without exporting
// _X_AMZN_TRACE_ID (process-wide, so it cannot name one of many
// invocations). Stops on ShutdownSignal. A worker that finds the Runtime API
// unreachable requests shutdown for all, so the process exits and Lambda
// replaces the environment instead of running on with fewer workers; the
// result is then kRuntimeApiUnreachable. Returns once every worker has
// stopped, each after finishing the invocation it was serving.
LoopExit run_workers(std::span<const std::unique_ptr<RuntimeClient>> clients, InvocationHandler& handler,
                     const RetryPolicy& retry, const Logger& logger);

}  // namespace shoppulse::runtime
