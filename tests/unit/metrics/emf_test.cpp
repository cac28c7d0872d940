#include "shoppulse/metrics/emf.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shoppulse::metrics {
namespace {

nlohmann::json emf_document(std::string_view metrics_namespace, const InvocationMetrics& metrics,
                            long long timestamp_ms) {
  std::pmr::string line;
  append_emf_line(line, metrics_namespace, metrics, timestamp_ms);
  return nlohmann::json::parse(line);
}

// Golden: the exact EMF document CloudWatch documents for one metric set.
TEST(Emf, MatchesTheGoldenShape) {
  const auto document = emf_document("ShopPulse/Api", {"GET /users", 1.5, 0.25, 0, 1}, 1795428930123LL);
  const auto golden = nlohmann::json::parse(R"({
    "_aws": {"Timestamp": 1795428930123, "CloudWatchMetrics": [{
      "Namespace": "ShopPulse/Api",
      "Dimensions": [["Route"]],
      "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}, {"Name": "DbTime", "Unit": "Milliseconds"},
                  {"Name": "Errors", "Unit": "Count"}, {"Name": "ColdStart", "Unit": "Count"}]}]},
    "Route": "GET /users", "Latency": 1.5, "DbTime": 0.25, "Errors": 0, "ColdStart": 1})");
  EXPECT_EQ(document, golden);
}

TEST(Emf, EveryDeclaredMetricAndDimensionHasAValue) {
  const auto document = emf_document("X", {"", 0, 0, 1, 0}, 1);
  for (const auto& directive : document["_aws"]["CloudWatchMetrics"]) {
    for (const auto& set : directive["Dimensions"]) {
      for (const auto& key : set) {
        ASSERT_TRUE(document.contains(key.get<std::string>()));
        EXPECT_FALSE(document[key.get<std::string>()].get<std::string>().empty());
      }
    }
    for (const auto& metric : directive["Metrics"])
      EXPECT_TRUE(document[metric["Name"].get<std::string>()].is_number());
  }
}

}  // namespace
}  // namespace shoppulse::metrics
