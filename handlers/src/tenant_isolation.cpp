#include "shoppulse/handlers/tenant_isolation.h"

namespace shoppulse::handlers {

std::optional<TenantIsolation::Refusal> TenantIsolation::admit(std::string_view platform_tenant,
                                                               std::string_view claim_tenant) {
  if (!platform_tenant.empty() && platform_tenant != claim_tenant) return Refusal::kClaimMismatch;
  // Outside the mode (no header, nothing served under it) there is nothing to guard.
  if (platform_tenant.empty() && !bound_.load(std::memory_order_acquire)) return std::nullopt;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (served_.empty()) {
    served_ = std::string(platform_tenant);
    bound_.store(true, std::memory_order_release);
    return std::nullopt;
  }
  if (served_ != claim_tenant) return Refusal::kOtherTenant;
  return std::nullopt;
}

}  // namespace shoppulse::handlers
