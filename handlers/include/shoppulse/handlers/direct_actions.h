#pragma once
// Direct (non-API Gateway) invocations. The diagnostic ones exist so the
// runtime's behaviour (exceptions, oversize payloads, deadlines, context
// headers) can be proven against the real binary; they are off unless
// SHOPPULSE_DIAGNOSTIC_ACTIONS=1.

#include <array>
#include <string>
#include <string_view>

#include "shoppulse/core/json_reader.h"
#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/handlers/invocation_context.h"

namespace shoppulse::handlers {

// Every direct action this function knows; the diagnostic ones answer only
// with SHOPPULSE_DIAGNOSTIC_ACTIONS=1.
inline constexpr std::array<std::string_view, 5> kDirectActions = {"migrate", "diagnostic.throw", "diagnostic.oversize",
                                                                   "diagnostic.sleep", "diagnostic.context"};

// {"action":"migrate"}: applies pending sql/migrations files shipped with the
// function, exactly as sql/migrate.sh does (same schema_migrations table,
// sha256 checksums and advisory lock), so a database in isolated subnets can
// be migrated by invoking the function. Returns {"applied":[...],"skipped":N}.
Result<std::string> run_migrate_action(db::Pool* pool, const std::string& migrations_dir, const Logger& logger);

Result<std::string> run_diagnostic_action(const std::string& action, json::Value event,
                                          const InvocationContext& context);

}  // namespace shoppulse::handlers
