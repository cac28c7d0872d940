#include "shoppulse/handlers/cursor.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "shoppulse/aws/crypto.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/handlers/caller.h"

namespace shoppulse::handlers {
namespace {

constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kMaxCursorLength = 512;

Error invalid_cursor() {
  return Error::make(ErrorKind::kInvalidInput, "invalid_cursor", "cursor is not valid for this listing");
}

// Only the characters PostgreSQL's timestamptz output uses.
bool plausible_timestamp(std::string_view text) {
  if (text.size() < 19 || text.size() > 40) return false;
  for (const char c : text) {
    const bool ok =
        (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.' || c == ' ' || c == '+' || c == 'T' || c == 'Z';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CursorCodec::CursorCodec(std::string signing_key) : key_(std::move(signing_key)) {}

std::string CursorCodec::mac(std::string_view payload) const {
  auto digest = aws::crypto::hmac_sha256(key_, payload);
  if (!digest) return {};
  return std::string(aws::crypto::as_bytes(*digest).substr(0, kMacBytes));
}

std::string CursorCodec::encode(std::string_view tenant_id, std::string_view scope,
                                const CursorPosition& position) const {
  const nlohmann::json body = {
      {"v", 1}, {"t", tenant_id}, {"s", scope}, {"c", position.created_at}, {"i", position.id}};
  const std::string payload = body.dump();
  return base64url_encode(payload) + "." + base64url_encode(mac(payload));
}

Result<CursorPosition> CursorCodec::decode(std::string_view cursor, std::string_view tenant_id,
                                           std::string_view scope) const {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return fail(invalid_cursor());
  const auto dot = cursor.find('.');
  if (dot == std::string_view::npos) return fail(invalid_cursor());
  auto payload = base64url_decode(cursor.substr(0, dot));
  auto tag = base64url_decode(cursor.substr(dot + 1));
  if (!payload || !tag || tag->size() != kMacBytes) return fail(invalid_cursor());
  const std::string expected = mac(*payload);
  if (expected.size() != kMacBytes || CRYPTO_memcmp(expected.data(), tag->data(), kMacBytes) != 0) {
    return fail(invalid_cursor());
  }
  const auto body = nlohmann::json::parse(*payload, nullptr, false);
  if (!body.is_object()) return fail(invalid_cursor());
  const auto text = [&body](const char* key) -> std::string {
    const auto it = body.find(key);
    return (it != body.end() && it->is_string()) ? it->get<std::string>() : std::string();
  };
  // A cursor from another tenant or another listing is refused even though
  // its MAC is genuine.
  if (text("t") != tenant_id || text("s") != scope) return fail(invalid_cursor());
  CursorPosition position{text("c"), {}};
  if (!parse_uuid(text("i"), position.id) || !plausible_timestamp(position.created_at)) return fail(invalid_cursor());
  return position;
}

}  // namespace shoppulse::handlers
