// route_table: prints the routes handlers::Application serves, one JSON
// document, for tools/openapi/contract.py to compare with the OpenAPI
// document. Builds the real Application (with nothing configured), so the
// table is the router's own, not a copy of it.
//   route_table  ->  {"routes":[{"method":"GET","path":"/health","access":"public"},...]}

#include <iostream>

#include <nlohmann/json.hpp>

#include "shoppulse/handlers/application.h"

int main() {
  using shoppulse::handlers::RouteAccess;
  const shoppulse::Logger logger(shoppulse::LogLevel::kFatal, 2);
  const shoppulse::handlers::Application application({}, {}, logger);
  nlohmann::json routes = nlohmann::json::array();
  for (const auto& route : application.router().routes()) {
    routes.push_back({{"method", route.method},
                      {"path", route.path_template},
                      {"access", route.access == RouteAccess::kPublic ? "public" : "tenant"}});
  }
  std::cout << nlohmann::json{{"routes", routes}}.dump(2) << '\n';
  return 0;
}
