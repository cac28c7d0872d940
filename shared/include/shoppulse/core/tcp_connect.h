#pragma once
// Opening a TCP connection with a deadline: the one way the Runtime API
// transport and the AWS HTTPS client connect. Names resolve through glibc's
// built-in files and dns services (no NSS module is loaded, so this works in
// a static binary and in an empty root).

#include <chrono>
#include <string>

#include "shoppulse/core/result.h"
#include "shoppulse/core/unique_fd.h"

namespace shoppulse::net {

using Clock = std::chrono::steady_clock;

// Error codes; callers wrap them in their own errors.
inline constexpr std::string_view kErrResolve = "resolve_failed";          // kUnavailable
inline constexpr std::string_view kErrConnect = "connect_failed";          // kUnavailable
inline constexpr std::string_view kErrConnectTimeout = "connect_timeout";  // kTimeout

// Tries every address of host:port in turn until one accepts or `deadline`
// passes. The socket is non-blocking, close-on-exec, with TCP_NODELAY.
// Messages name neither the host nor the port (they may be configuration).
Result<UniqueFd> connect_tcp(const std::string& host, const std::string& port, Clock::time_point deadline);

// Waits until `fd` is ready for `events` (poll(2) flags); false on timeout
// or error. EINTR does not end the wait early.
bool wait_ready(int fd, short events, Clock::time_point deadline);

}  // namespace shoppulse::net
