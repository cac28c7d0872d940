#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "shoppulse/runtime/transport.h"

namespace shoppulse::runtime {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct ResponseSink {
  HttpResponse response;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  sink->response.body.append(data, size * count);
  return size * count;
}

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (e.g. after 100 Continue): only the final headers count.
    sink->response.headers.clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  sink->response.headers[std::move(name)] = trim(line.substr(colon + 1));
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* should_abort = static_cast<const std::function<bool()>*>(user);
  return (*should_abort && (*should_abort)()) ? 1 : 0;
}

Error transport_error(CURLcode code, const std::string& path) {
  const std::string message = std::string("Runtime API ") + path + ": " + curl_easy_strerror(code);
  if (code == CURLE_ABORTED_BY_CALLBACK) return Error::make(ErrorKind::kUnavailable, "aborted", message);
  if (code == CURLE_OPERATION_TIMEDOUT) return Error::make(ErrorKind::kTimeout, "runtime_api_timeout", message);
  return Error::make(ErrorKind::kUnavailable, "runtime_api_unreachable", message);
}

}  // namespace

struct CurlTransport::Impl {
  std::string endpoint;  // "http://host:port"
  CurlEasy handle;
  std::function<bool()> should_abort;
};

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(std::string endpoint, std::function<bool()> should_abort) {
  if (endpoint.empty()) {
    return fail(Error::make(ErrorKind::kInvalidInput, "missing_runtime_api", "AWS_LAMBDA_RUNTIME_API is not set"));
  }
  if (endpoint.find("://") == std::string::npos) endpoint = "http://" + endpoint;
  CurlEasy handle(curl_easy_init());
  if (!handle) return fail(Error::make(ErrorKind::kInternal, "curl_init", "curl_easy_init failed"));
  auto impl = std::make_unique<Impl>(Impl{std::move(endpoint), std::move(handle), std::move(should_abort)});
  CURL* curl = impl->handle.get();
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  // The Runtime API is local: never route it through HTTP(S)_PROXY.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &impl->should_abort);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, impl->should_abort ? 0L : 1L);
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

Result<HttpResponse> CurlTransport::perform(const HttpRequest& request, std::chrono::milliseconds timeout) {
  CURL* curl = impl_->handle.get();
  ResponseSink sink;
  const std::string url = impl_->endpoint + request.path;

  // Expect: 100-continue would add a round trip for bodies over 1 MiB.
  CurlSlist headers(curl_slist_append(nullptr, "Expect:"));
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    curl_slist* extended = curl_slist_append(headers.get(), line.c_str());
    if (extended == nullptr) return fail(Error::make(ErrorKind::kInternal, "curl_headers", "out of memory"));
    static_cast<void>(headers.release());  // `extended` is the same list, grown
    headers.reset(extended);
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  if (code != CURLE_OK) return fail(transport_error(code, request.path));
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  sink.response.status = status;
  return std::move(sink.response);
}

}  // namespace shoppulse::runtime
