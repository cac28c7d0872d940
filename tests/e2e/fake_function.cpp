// A Lambda function that misbehaves on request, for the gateway's fault
// tests: it speaks the Runtime API like bootstrap and answers by path:
//   /fake/error      posts /error (Function.Boom)
//   /fake/malformed  a response that is not JSON
//   /fake/bad-shape  JSON, but statusCode is not a number
//   /fake/crash      exits without answering
//   /fake/slow?ms=N  sleeps N ms, then echoes
//   /fake/rendezvous?dir=D&me=A&other=B
//                    creates D/A, waits (up to 20 s) for D/B, then echoes with
//                    X-Rendezvous: met|alone (proves two invocations overlapped)
//   /fake/multi      multi-value headers, cookies and a binary (base64) body
//   /fake/bare       (HTTP API) JSON without statusCode
//   anything else    200 echoing the event it received
// Every response carries X-Sandbox-Pid so tests can tell sandboxes apart.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "shoppulse/core/codec.h"

namespace {

using nlohmann::json;

std::string query_value(const json& event, const char* name) {
  const auto params = event.find("queryStringParameters");
  if (params == event.end() || !params->is_object() || !params->contains(name)) return {};
  return (*params)[name].get<std::string>();
}

bool rendezvous(const json& event) {
  const std::filesystem::path dir = query_value(event, "dir");
  std::ofstream(dir / query_value(event, "me")) << "here";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(dir / query_value(event, "other"))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

json respond(bool v2, const json& event, const std::string& path) {
  const std::string pid = std::to_string(::getpid());
  if (path == "/fake/rendezvous") {
    const bool met = rendezvous(event);
    return {{"statusCode", 200},
            {"headers",
             {{"Content-Type", "application/json"}, {"X-Sandbox-Pid", pid}, {"X-Rendezvous", met ? "met" : "alone"}}},
            {"body", "{}"}};
  }
  if (path == "/fake/bad-shape") return {{"statusCode", "two hundred"}, {"body", "x"}};
  if (path == "/fake/bare" && v2) return {{"hello", "world"}};
  if (path == "/fake/multi") {
    const std::string binary("\x00\x01\xfe\xff binary", 11);
    json out = {{"statusCode", 201},
                {"headers", {{"Content-Type", "application/octet-stream"}, {"X-Sandbox-Pid", pid}}},
                {"body", shoppulse::base64_encode(binary)},
                {"isBase64Encoded", true}};
    if (v2) {
      out["headers"]["X-Multi"] = "1,2";
      out["cookies"] = {"a=1; Path=/", "b=2; Path=/"};
    } else {
      out["headers"]["X-Single"] = "replaced";
      out["multiValueHeaders"] = {
          {"X-Multi", {"1", "2"}}, {"X-Single", {"from-multi"}}, {"Set-Cookie", {"a=1; Path=/", "b=2; Path=/"}}};
    }
    return out;
  }
  return {{"statusCode", 200},
          {"headers", {{"Content-Type", "application/json"}, {"X-Sandbox-Pid", pid}}},
          {"body", event.dump()},
          {"isBase64Encoded", false}};
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) return 2;
  const std::string endpoint(api);
  const auto colon = endpoint.rfind(':');
  httplib::Client client(endpoint.substr(0, colon), std::stoi(endpoint.substr(colon + 1)));
  client.set_read_timeout(24 * 3600, 0);  // /next is a long poll
  const std::string base = "/2018-06-01/runtime/invocation/";
  for (;;) {
    auto next = client.Get(base + "next");
    if (!next || next->status != 200) return 1;
    const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
    const json event = json::parse(next->body, nullptr, false);
    const bool v2 = event.is_object() && event.value("version", "") == "2.0";
    const std::string path = !event.is_object() ? "" : v2 ? event.value("rawPath", "") : event.value("path", "");
    if (path == "/fake/crash") std::_Exit(3);
    if (path == "/fake/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(query_value(event, "ms"))));
    }
    if (path == "/fake/error") {
      client.Post(base + id + "/error", {{"Lambda-Runtime-Function-Error-Type", "Function.Boom"}},
                  R"({"errorType":"Function.Boom","errorMessage":"boom"})", "application/json");
      continue;
    }
    if (path == "/fake/malformed") {
      client.Post(base + id + "/response", "this is not json", "text/plain");
      continue;
    }
    client.Post(base + id + "/response", respond(v2, event, path).dump(), "application/json");
  }
}
