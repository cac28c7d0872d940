#pragma once
// The X-Ray trace header Lambda hands each invocation
// (Lambda-Runtime-Trace-Id), e.g.
//   Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
// Only what subsegments need is kept: the trace, the parent segment and the
// sampling decision.

#include <string_view>

namespace shoppulse::trace {

struct TraceHeader {
  std::string_view root;    // "1-<8 hex>-<24 hex>"
  std::string_view parent;  // 16 hex digits
  bool sampled = false;
};

// Views into `header`. A missing or malformed Root or Parent, or anything but
// Sampled=1, gives sampled = false: nothing is recorded for that invocation.
TraceHeader parse_trace_header(std::string_view header) noexcept;

}  // namespace shoppulse::trace
