#include "shoppulse/aws/http_client.h"

#include <curl/curl.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "shoppulse/core/ascii.h"

namespace shoppulse::aws {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// curl_global_init is not thread-safe and must precede the first easy handle.
void ensure_curl_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct ResponseSink {
  HttpResponse response;
  std::size_t limit = 0;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  if (sink->response.body.size() + bytes > sink->limit) {
    sink->too_large = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  sink->response.body.append(data, bytes);
  return bytes;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue): only the final headers count.
    sink->response.headers.clear();
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  sink->response.headers.push_back(
      {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  return size * count;
}

Error transport_error(CURLcode code) {
  const std::string detail = curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error::make(ErrorKind::kTimeout, std::string(kErrTimeout), "AWS request timed out: " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:  // handshake cut off mid-way: a network failure
      return Error::make(ErrorKind::kUnavailable, std::string(kErrConnectFailed),
                         "AWS endpoint unreachable: " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return Error::make(ErrorKind::kUnavailable, std::string(kErrTlsFailed),
                         "AWS endpoint TLS verification failed: " + detail);
    default: return Error::make(ErrorKind::kUnavailable, std::string(kErrTransport), "AWS request failed: " + detail);
  }
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Loopback stand-ins must never go through HTTP(S)_PROXY; setting
// CURLOPT_NOPROXY replaces NO_PROXY, so the operator's list is kept.
std::string no_proxy_list() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"NO_PROXY", "no_proxy"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      list += ",";
      list += value;
      break;
    }
  }
  return list;
}

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  std::string no_proxy = no_proxy_list();
  CurlEasy handle;
  std::mutex mutex;
  std::atomic<std::uint64_t> connections{0};
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return fail(Error::make(ErrorKind::kInternal, "aws_config_invalid", "AWS HTTP timeouts must be positive"));
  }
  ensure_curl_global_init();
  CurlEasy handle(curl_easy_init());
  if (!handle) return fail(Error::make(ErrorKind::kInternal, "curl_init", "curl_easy_init failed"));
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handle = std::move(handle);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

const HttpClientOptions& HttpClient::options() const noexcept {
  return impl_->options;
}
std::uint64_t HttpClient::connections_opened() const noexcept {
  return impl_->connections.load();
}

Result<HttpResponse> HttpClient::perform(const HttpRequest& request) {
  const bool https = request.url.rfind("https://", 0) == 0;
  if (!https && request.url.rfind("http://", 0) != 0) {
    return fail(Error::make(ErrorKind::kInternal, std::string(kErrTransport), "AWS endpoint URL must be http(s)"));
  }

  // Expect: 100-continue costs a round trip; the empty Content-Type stops
  // libcurl inventing a form content type for bodies we did not label.
  CurlSlist header_list(curl_slist_append(nullptr, "Expect:"));
  if (!header_list) return fail(Error::make(ErrorKind::kInternal, "curl_headers", "out of memory"));
  bool has_content_type = false;
  for (const auto& header : request.headers) {
    if (has_line_break(header.name) || has_line_break(header.value)) {
      return fail(Error::make(ErrorKind::kInternal, std::string(kErrTransport), "HTTP header contains a line break"));
    }
    if (ascii::iequals(header.name, "content-type")) has_content_type = true;
    const std::string line = header.name + ": " + header.value;
    curl_slist* grown = curl_slist_append(header_list.get(), line.c_str());
    if (grown == nullptr) return fail(Error::make(ErrorKind::kInternal, "curl_headers", "out of memory"));
    static_cast<void>(header_list.release());  // `grown` is the same list, extended
    header_list.reset(grown);
  }
  if (!has_content_type) {
    curl_slist* grown = curl_slist_append(header_list.get(), "Content-Type:");
    if (grown == nullptr) return fail(Error::make(ErrorKind::kInternal, "curl_headers", "out of memory"));
    static_cast<void>(header_list.release());
    header_list.reset(grown);
  }

  const std::lock_guard<std::mutex> lock(impl_->mutex);
  CURL* curl = impl_->handle.get();
  // Reset clears per-request options but keeps the connection cache, so the
  // next request to the same host reuses the open TLS connection.
  curl_easy_reset(curl);
  const HttpClientOptions& options = impl_->options;
  ResponseSink sink;
  sink.limit = options.max_response_bytes;

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOPROXY, impl_->no_proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
    // A configured bundle is the whole trust store, not an addition to the
    // compiled-in CA directory.
    curl_easy_setopt(curl, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  if (!options.user_agent.empty()) curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);

  const std::string method(request.method);
  if (method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    // A null POSTFIELDS would make libcurl read the body from stdin.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
  }

  const CURLcode code = curl_easy_perform(curl);
  long connects = 0;
  if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
    impl_->connections += static_cast<std::uint64_t>(connects);
  }
  if (code != CURLE_OK) {
    if (code == CURLE_WRITE_ERROR && sink.too_large) {
      return fail(Error::make(ErrorKind::kBadGateway, std::string(kErrResponseTooLarge),
                              "AWS response exceeded the configured size limit"));
    }
    return fail(transport_error(code));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &sink.response.status);
  return std::move(sink.response);
}

}  // namespace shoppulse::aws
