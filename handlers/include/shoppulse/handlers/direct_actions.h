#pragma once
// Direct (non-API Gateway) invocations. The diagnostic ones exist so the
// runtime's behaviour (exceptions, oversize payloads, deadlines, context
// headers) can be proven against the real binary; they are off unless
// SHOPPULSE_DIAGNOSTIC_ACTIONS=1.

#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"
#include "shoppulse/handlers/application.h"

namespace shoppulse::handlers {

Result<std::string> run_diagnostic_action(const std::string& action, const nlohmann::json& event,
                                          const InvocationContext& context);

}  // namespace shoppulse::handlers
