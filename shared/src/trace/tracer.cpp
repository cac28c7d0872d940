#include "shoppulse/trace/tracer.h"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <random>

#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/utf8.h"

namespace shoppulse::trace {
namespace {

// The daemon reads a header line, then the document; byte for byte what
// every X-Ray SDK sends.
constexpr std::string_view kDaemonHeader = "{\"format\": \"json\", \"version\": 1}\n";

// Bounds on what one document can hold, so it always fits a datagram: X-Ray
// allows 200 characters in a name; the rest is generous for codes and
// messages and keeps a document near 2 KB at most.
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxText = 512;

thread_local InvocationTrace* t_current = nullptr;

std::string_view bounded(std::string_view text, std::size_t max_bytes) {
  return utf8::prefix(text, max_bytes);
}

// Epoch seconds with exactly six decimals, from integer microseconds (a
// double would print 1733529315.1234560013).
struct EpochSeconds {
  std::array<char, 32> text{};
  std::size_t size = 0;
  explicit EpochSeconds(std::int64_t epoch_us) noexcept {
    const int written =
        std::snprintf(text.data(), text.size(), "%" PRId64 ".%06" PRId64, epoch_us / 1'000'000, epoch_us % 1'000'000);
    size = written > 0 ? static_cast<std::size_t>(written) : 0;
  }
  [[nodiscard]] std::string_view view() const noexcept { return {text.data(), size}; }
};

}  // namespace

std::int64_t now_epoch_us() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::array<char, 16> random_id() noexcept {
  // One engine per thread, seeded once: ids need to be unique within a
  // trace, not unpredictable.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t value = engine();
  std::array<char, 16> id{};
  for (char& digit : id) {
    digit = kHex[value & 0xFU];
    value >>= 4;
  }
  return id;
}

void set_status_flags(Subsegment& subsegment, int http_status) noexcept {
  subsegment.http_status = http_status;
  subsegment.throttle = http_status == 429;
  subsegment.error = http_status >= 400 && http_status < 500;
  subsegment.fault = http_status >= 500;
}

void append_subsegment(std::pmr::string& out, const Subsegment& subsegment, std::string_view trace_root,
                       std::string_view parent_id, std::string_view id) {
  ArenaJsonWriter w(out);
  w.begin_object();
  w.field("type", "subsegment").field("trace_id", trace_root).field("parent_id", parent_id).field("id", id);
  w.field("name", bounded(subsegment.name, kMaxName));
  w.key("start_time").raw(EpochSeconds(subsegment.start_us).view());
  w.key("end_time").raw(EpochSeconds(subsegment.end_us).view());
  if (!subsegment.namespace_name.empty()) w.field("namespace", subsegment.namespace_name);
  if (subsegment.http_status > 0) {
    w.key("http").begin_object().key("response").begin_object().field("status", subsegment.http_status);
    w.end_object().end_object();
  }
  if (!subsegment.tenant_id.empty()) {
    w.key("annotations").begin_object().field("tenant_id", bounded(subsegment.tenant_id, kMaxText)).end_object();
  }
  if (const AwsInfo* aws = subsegment.aws; aws != nullptr) {
    w.key("aws").begin_object().field("operation", aws->operation).field("region", aws->region);
    if (!aws->request_id.empty()) w.field("request_id", bounded(aws->request_id, kMaxText));
    w.field("retries", aws->retries).end_object();
  }
  if (const SqlInfo* sql = subsegment.sql; sql != nullptr) {
    w.key("sql").begin_object().field("database_type", sql->database_type);
    w.field("driver_version", sql->driver_version).field("user", bounded(sql->user, kMaxText)).end_object();
  }
  if (subsegment.error) w.field("error", true);
  if (subsegment.throttle) w.field("throttle", true);
  if (subsegment.fault) w.field("fault", true);
  if (subsegment.cause) {
    const std::array<char, 16> exception_id = random_id();
    w.key("cause").begin_object().key("exceptions").begin_array().begin_object();
    w.field("id", std::string_view(exception_id.data(), exception_id.size()));
    w.field("type", bounded(subsegment.cause->type, kMaxText));
    w.field("message", bounded(subsegment.cause->message, kMaxText));
    w.end_object().end_array().end_object();
  }
  w.end_object();
}

InvocationTrace::InvocationTrace(const Tracer& tracer, const TraceHeader& header, std::pmr::memory_resource& memory)
    : tracer_(tracer),
      root_(header.root, &memory),
      parent_(header.parent, &memory),
      documents_(&memory),
      ends_(&memory) {}

void InvocationTrace::record(const Subsegment& subsegment) noexcept {
  try {
    const std::size_t start = documents_.size();
    documents_.append(kDaemonHeader);
    const std::array<char, 16> id = random_id();
    append_subsegment(documents_, subsegment, root_, parent_, std::string_view(id.data(), id.size()));
    if (documents_.size() - start > kMaxDatagramBytes) {
      documents_.resize(start);  // cannot happen with the bounds above; never send a cut document
      return;
    }
    ends_.push_back(documents_.size());
  } catch (...) {  // NOLINT(bugprone-empty-catch)
    // Out of memory: the trace loses a subsegment, the invocation goes on.
  }
}

void InvocationTrace::flush() noexcept {
  if (ends_.empty() || !tracer_.sender_) return;
  std::array<std::string_view, 32> batch{};
  std::size_t begin = 0;
  std::size_t count = 0;
  for (const std::size_t end : ends_) {
    batch[count++] = std::string_view(documents_).substr(begin, end - begin);
    begin = end;
    if (count == batch.size()) {
      tracer_.sender_->send({batch.data(), count});
      count = 0;
    }
  }
  if (count > 0) tracer_.sender_->send({batch.data(), count});
  documents_.clear();
  ends_.clear();
}

InvocationTrace* Tracer::begin(std::string_view trace_header, std::pmr::memory_resource& memory) const {
  if (!sender_) return nullptr;
  const TraceHeader header = parse_trace_header(trace_header);
  if (!header.sampled) return nullptr;
  std::pmr::polymorphic_allocator<> allocator(&memory);
  return allocator.new_object<InvocationTrace>(*this, header, memory);
}

TraceScope::TraceScope(InvocationTrace* trace) noexcept : previous_(std::exchange(t_current, trace)) {}

TraceScope::~TraceScope() {
  t_current = previous_;
}

InvocationTrace* TraceScope::current() noexcept {
  return t_current;
}

}  // namespace shoppulse::trace
