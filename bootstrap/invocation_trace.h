#pragma once
// The bootstrap's part in X-Ray tracing: the warm Tracer from the
// configuration, and the handler's subsegment of each sampled invocation
// (the database and AWS subsegments are recorded where those calls happen).

#include <cstdint>

#include "shoppulse/config/config.h"
#include "shoppulse/core/log.h"
#include "shoppulse/handlers/application.h"
#include "shoppulse/runtime/outcome.h"
#include "shoppulse/trace/tracer.h"

namespace shoppulse::bootstrap {

// Tracing on when TRACING_ENABLED and Lambda named a daemon. A daemon
// address that cannot be used turns tracing off with a warning: traces are
// worth a log line, never a failed init.
trace::Tracer make_tracer(const config::Config& config, const Logger& logger);

// The handler subsegment: named by the route ("GET /users"), the tenant as
// an annotation, the HTTP status, and the error envelope's code and message
// (or the function error) as its cause.
void record_handler(trace::InvocationTrace& trace, const handlers::InvocationResult& result,
                    const runtime::Outcome& outcome, std::int64_t started_us) noexcept;

}  // namespace shoppulse::bootstrap
