#include "shoppulse/metrics/emf.h"

namespace shoppulse::metrics {

nlohmann::json emf_document(const std::string& metrics_namespace, const InvocationMetrics& metrics,
                            long long timestamp_ms) {
  nlohmann::json definitions = nlohmann::json::array({
      {{"Name", "Latency"}, {"Unit", "Milliseconds"}},
      {{"Name", "DbTime"}, {"Unit", "Milliseconds"}},
      {{"Name", "Errors"}, {"Unit", "Count"}},
      {{"Name", "ColdStart"}, {"Unit", "Count"}},
  });
  nlohmann::json directive = {{"Namespace", metrics_namespace},
                              {"Dimensions", nlohmann::json::array({nlohmann::json::array({"Route"})})},
                              {"Metrics", std::move(definitions)}};
  nlohmann::json document = nlohmann::json::object();
  document["_aws"] = {{"Timestamp", timestamp_ms}, {"CloudWatchMetrics", nlohmann::json::array({std::move(directive)})}};
  // CloudWatch rejects an empty dimension value, so unnamed routes get a label.
  document["Route"] = metrics.route.empty() ? "UNKNOWN" : metrics.route;
  document["Latency"] = metrics.latency_ms;
  document["DbTime"] = metrics.db_time_ms;
  document["Errors"] = metrics.errors;
  document["ColdStart"] = metrics.cold_start;
  return document;
}

}  // namespace shoppulse::metrics
