#pragma once
// The TLS client context of the AWS HTTPS clients: TLS 1.2+, peer
// verification on, no unexpected-EOF error. One per CA file per process,
// shared by every client (Secrets Manager, QuickSight) and made on the first
// https connection, so an http endpoint never pays for it.
//
// The CA file is read and indexed by subject when the context is made, but a
// certificate is parsed only when a chain needs it as an issuer: OpenSSL 3.0
// takes about 0.1 ms per certificate, 20 ms for a system bundle of ~140
// roots, and this would be paid by every cold start that fetches its secret
// over TLS. Internal to shoppulse_aws.

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse::aws {

// `ca_file` empty: OpenSSL's default locations (SSL_CERT_FILE, SSL_CERT_DIR).
// Errors: kUnavailable / kErrTlsFailed (unreadable file, no certificate in it).
Result<std::shared_ptr<SSL_CTX>> shared_tls_context(const std::string& ca_file);

// kUnavailable / kErrTlsFailed with `why` (never a host, a path or a key).
Error tls_failed(std::string_view why);
// OpenSSL's reason for the last failure on this thread; the queue is cleared.
std::string take_openssl_error();

}  // namespace shoppulse::aws
