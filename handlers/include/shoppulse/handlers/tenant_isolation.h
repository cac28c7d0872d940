#pragma once
// Lambda's tenant-isolation mode (a function created with PER_TENANT): the
// platform names each invocation's tenant (Lambda-Runtime-Aws-Tenant-Id) and
// promises a sandbox serves one tenant only. Defence in depth, this does not
// trust the promise: the platform's tenant must equal the caller's
// `custom:tenant_id` claim, and once the sandbox has served a tenant under
// the header, every invocation for another tenant is refused, with the header
// or without it. Warm, shared by
// the sandbox's invocations (hence the mutex: Managed Instances run several
// at once).

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace shoppulse::handlers {

class TenantIsolation {
 public:
  enum class Refusal {
    kClaimMismatch,  // the caller's claim names another tenant than the platform
    kOtherTenant,    // the sandbox already served another tenant
  };

  // nullopt: serve it. `platform_tenant`: the header's value, empty when absent.
  std::optional<Refusal> admit(std::string_view platform_tenant, std::string_view claim_tenant);

 private:
  std::atomic<bool> bound_{false};  // lets a sandbox outside the mode skip the lock
  std::mutex mutex_;
  std::string served_;  // the tenant this sandbox is bound to; empty until the first admitted invocation
};

}  // namespace shoppulse::handlers
