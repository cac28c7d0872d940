#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "shoppulse/aws/http_client.h"

namespace shoppulse::aws {

Error tls_failed(std::string_view why) {
  return Error::make(ErrorKind::kUnavailable, std::string(kErrTlsFailed),
                     "AWS endpoint TLS verification failed: " + std::string(why));
}

std::string take_openssl_error() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "TLS error";
}

namespace {

struct X509NameDeleter {
  void operator()(X509_NAME* name) const noexcept { X509_NAME_free(name); }
};
struct X509Deleter {
  void operator()(X509* cert) const noexcept { X509_free(cert); }
};
struct SslCtxDeleter {
  void operator()(SSL_CTX* context) const noexcept { SSL_CTX_free(context); }
};
struct LookupMethodDeleter {
  void operator()(X509_LOOKUP_METHOD* method) const noexcept { X509_LOOKUP_meth_free(method); }
};
struct EncodeCtxDeleter {
  void operator()(EVP_ENCODE_CTX* context) const noexcept { EVP_ENCODE_CTX_free(context); }
};

// One DER element at the front of `der`: its tag and the whole element
// (header and contents); nullopt when malformed. Definite lengths only (DER).
struct DerElement {
  unsigned char tag = 0;
  std::string_view whole;
  std::string_view contents;
};
std::optional<DerElement> next_element(std::string_view der) {
  if (der.size() < 2) return std::nullopt;
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(der[at]); };
  std::size_t header = 2;
  std::size_t length = byte(1);
  if ((length & 0x80U) != 0) {
    const std::size_t count = length & 0x7FU;
    if (count == 0 || count > 4 || der.size() < 2 + count) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8U) | byte(2 + i);
    header += count;
  }
  if (der.size() - header < length) return std::nullopt;
  return DerElement{byte(0), der.substr(0, header + length), der.substr(header, length)};
}

// The subject Name of a DER certificate, without parsing the rest:
// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
// serialNumber, signature, issuer, validity, subject, ... }, ... }
std::optional<std::string_view> subject_of(std::string_view certificate) {
  const auto outer = next_element(certificate);
  if (!outer || outer->tag != 0x30) return std::nullopt;
  const auto tbs = next_element(outer->contents);
  if (!tbs || tbs->tag != 0x30) return std::nullopt;
  std::string_view fields = tbs->contents;
  auto field = next_element(fields);
  if (field && field->tag == 0xA0) {  // version
    fields.remove_prefix(field->whole.size());
    field = next_element(fields);
  }
  for (int skip = 0; skip < 4; ++skip) {  // serialNumber, signature, issuer, validity
    if (!field) return std::nullopt;
    fields.remove_prefix(field->whole.size());
    field = next_element(fields);
  }
  if (!field || field->tag != 0x30) return std::nullopt;
  return field->whole;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::unique_ptr<EVP_ENCODE_CTX, EncodeCtxDeleter> context(EVP_ENCODE_CTX_new());
  if (!context) return std::nullopt;
  std::string out(text.size(), '\0');
  int written = 0;
  int tail = 0;
  EVP_DecodeInit(context.get());
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  if (EVP_DecodeUpdate(context.get(), bytes, &written,
                       reinterpret_cast<const unsigned char*>(text.data()),  // NOLINT(*-reinterpret-cast)
                       static_cast<int>(text.size())) < 0 ||
      EVP_DecodeFinal(context.get(), bytes + written, &tail) != 1) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written) + static_cast<std::size_t>(tail));
  return out;
}

// The certificates of a PEM file, by subject, parsed on demand.
class CaIndex {
 public:
  static Result<std::unique_ptr<CaIndex>> load(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) return fail(tls_failed("cannot read the CA bundle"));
    auto index = std::make_unique<CaIndex>();
    const std::string pem = text.str();
    constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
    constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
    for (std::size_t at = pem.find(kBegin); at != std::string::npos; at = pem.find(kBegin, at)) {
      const std::size_t body = at + kBegin.size();
      const std::size_t end = pem.find(kEnd, body);
      if (end == std::string::npos) break;
      at = end + kEnd.size();
      auto der = base64_decode(std::string_view(pem).substr(body, end - body));
      if (!der) continue;
      const auto subject = subject_of(*der);
      if (!subject) continue;
      const auto* cursor = reinterpret_cast<const unsigned char*>(subject->data());  // NOLINT(*-reinterpret-cast)
      std::unique_ptr<X509_NAME, X509NameDeleter> name(
          d2i_X509_NAME(nullptr, &cursor, static_cast<long>(subject->size())));
      if (!name) continue;
      index->entries_.push_back({std::move(name), std::move(*der)});
    }
    ERR_clear_error();
    if (index->entries_.empty()) return fail(tls_failed("the CA bundle holds no certificate"));
    return index;
  }

  // Every certificate whose subject is `name`, parsed now.
  [[nodiscard]] std::vector<std::unique_ptr<X509, X509Deleter>> issuers_named(const X509_NAME* name) const {
    std::vector<std::unique_ptr<X509, X509Deleter>> found;
    for (const auto& entry : entries_) {
      if (X509_NAME_cmp(entry.subject.get(), name) != 0) continue;
      const auto* cursor = reinterpret_cast<const unsigned char*>(entry.der.data());  // NOLINT(*-reinterpret-cast)
      std::unique_ptr<X509, X509Deleter> cert(d2i_X509(nullptr, &cursor, static_cast<long>(entry.der.size())));
      if (cert) found.push_back(std::move(cert));
    }
    ERR_clear_error();
    return found;
  }

 private:
  struct Entry {
    std::unique_ptr<X509_NAME, X509NameDeleter> subject;
    std::string der;
  };
  std::vector<Entry> entries_;
};

// X509_LOOKUP get_by_subject: adds the bundle's certificates with that
// subject to the store, then answers with the store's own copy, borrowed (the
// store keeps it for its lifetime), as OpenSSL's hashed-directory lookup does;
// later chains find it cached without asking again.
int lookup_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* result) {
  if (type != X509_LU_X509 || name == nullptr || result == nullptr) return 0;
  const auto* index = static_cast<const CaIndex*>(X509_LOOKUP_get_method_data(lookup));
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  if (index == nullptr || store == nullptr) return 0;
  const auto issuers = index->issuers_named(name);
  if (issuers.empty()) return 0;
  for (const auto& cert : issuers) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) ERR_clear_error();  // already there: fine
  }
  if (X509_STORE_lock(store) != 1) return 0;
  X509_OBJECT* cached = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, name);
  X509* stored = cached != nullptr ? X509_OBJECT_get0_X509(cached) : nullptr;
  const bool answered = stored != nullptr && X509_OBJECT_set1_X509(result, stored) == 1;
  X509_STORE_unlock(store);
  if (!answered) return 0;
  X509_free(stored);  // set1 took a reference; the answer borrows the store's
  return 1;
}

struct ContextEntry {
  std::unique_ptr<X509_LOOKUP_METHOD, LookupMethodDeleter> method;  // outlives the context's store
  std::unique_ptr<CaIndex> index;                                   // likewise
  std::unique_ptr<SSL_CTX, SslCtxDeleter> context;
};

Result<std::shared_ptr<ContextEntry>> make_context(const std::string& ca_file) {
  auto entry = std::make_shared<ContextEntry>();
  if (!ca_file.empty()) {
    auto index = CaIndex::load(ca_file);
    if (!index) return fail(std::move(index).error());
    entry->index = std::move(index).value();
    entry->method.reset(X509_LOOKUP_meth_new("shoppulse CA bundle, parsed on demand"));
    if (!entry->method || X509_LOOKUP_meth_set_get_by_subject(entry->method.get(), lookup_by_subject) != 1) {
      return fail(tls_failed("cannot create the CA lookup: " + take_openssl_error()));
    }
  }
  entry->context.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX* context = entry->context.get();
  if (context == nullptr) return fail(tls_failed("cannot create a TLS context: " + take_openssl_error()));
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  // A peer that closes without close_notify ends a response like a TCP close;
  // bodies are still checked against Content-Length or chunk framing.
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(context) != 1) {
      return fail(tls_failed("cannot load the default CA locations: " + take_openssl_error()));
    }
    return entry;
  }
  X509_LOOKUP* lookup = X509_STORE_add_lookup(SSL_CTX_get_cert_store(context), entry->method.get());
  if (lookup == nullptr || X509_LOOKUP_set_method_data(lookup, entry->index.get()) != 1) {
    return fail(tls_failed("cannot attach the CA lookup: " + take_openssl_error()));
  }
  return entry;
}

}  // namespace

Result<std::shared_ptr<SSL_CTX>> shared_tls_context(const std::string& ca_file) {
  static std::mutex mutex;
  // Never evicted, never destroyed: a process has one or two CA files, a
  // client may hold its context for the life of the process, and a static
  // destructor could run after OpenSSL's own atexit cleanup (SSL_CTX_free on
  // a cleaned-up library). Reachable through this pointer, so no leak report.
  static auto* const contexts = new std::map<std::string, std::shared_ptr<ContextEntry>>();
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = (*contexts)[ca_file];
  if (!slot) {
    auto made = make_context(ca_file);
    if (!made) {
      contexts->erase(ca_file);  // a file fixed later is read again
      return fail(std::move(made).error());
    }
    slot = std::move(made).value();
  }
  return std::shared_ptr<SSL_CTX>(slot, slot->context.get());
}

}  // namespace shoppulse::aws
