#include "shoppulse/metrics/emf.h"

#include "shoppulse/core/json_writer.h"

namespace shoppulse::metrics {

void append_emf_line(std::pmr::string& out, std::string_view metrics_namespace, const InvocationMetrics& metrics,
                     long long timestamp_ms) {
  ArenaJsonWriter w(out);
  w.begin_object().key("_aws").begin_object();
  w.field("Timestamp", static_cast<std::int64_t>(timestamp_ms));
  w.key("CloudWatchMetrics").begin_array().begin_object();
  w.field("Namespace", metrics_namespace);
  w.key("Dimensions").begin_array().begin_array().value("Route").end_array().end_array();
  w.key("Metrics").begin_array();
  const auto definition = [&w](const char* name, const char* unit) {
    w.begin_object().field("Name", name).field("Unit", unit).end_object();
  };
  definition("Latency", "Milliseconds");
  definition("DbTime", "Milliseconds");
  definition("Errors", "Count");
  definition("ColdStart", "Count");
  w.end_array().end_object().end_array().end_object();
  // CloudWatch rejects an empty dimension value, so unnamed routes get a label.
  w.field("Route", metrics.route.empty() ? std::string_view("UNKNOWN") : metrics.route);
  w.field("Latency", metrics.latency_ms);
  w.field("DbTime", metrics.db_time_ms);
  w.field("Errors", metrics.errors);
  w.field("ColdStart", metrics.cold_start);
  w.end_object();
}

}  // namespace shoppulse::metrics
