#pragma once
// How API Gateway hands verified JWT claims to the function. Both formats
// make every value a string, but differently:
//   REST (Cognito authorizer): requestContext.authorizer.claims; exp and iat
//     become Java Date strings ("Tue Jun 18 15:00:04 UTC 2024"), other numbers
//     their decimal text, arrays comma-joined.
//   HTTP API (JWT authorizer): requestContext.authorizer.jwt.claims; numbers as
//     decimal text, arrays as "[a b]".
// (Shapes as in tests/data/events/apigw-v*-cognito*.json.)

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace shoppulse::gateway {

nlohmann::json rest_authorizer_claims(const nlohmann::json& claims);
nlohmann::json http_api_authorizer_claims(const nlohmann::json& claims);

// "Tue Jun 18 15:00:04 UTC 2024"
std::string java_date_utc(std::int64_t epoch_seconds);
// API Gateway's requestTime: "17/Jun/2024:15:00:26 +0000"
std::string clf_time_utc(std::int64_t epoch_seconds);

}  // namespace shoppulse::gateway
