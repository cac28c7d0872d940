#include "shoppulse/handlers/cursor.h"

#include <openssl/crypto.h>

#include <cstring>

#include "shoppulse/crypto/crypto.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/core/json_reader.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/handlers/caller.h"

namespace shoppulse::handlers {
namespace {

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

CursorCodec::CursorCodec(std::string_view signing_key) : key_(signing_key) {}

std::array<char, CursorCodec::kMacBytes> CursorCodec::mac(std::string_view payload) const noexcept {
  const crypto::Sha256Digest digest = key_.mac(payload);
  std::array<char, kMacBytes> truncated{};
  std::memcpy(truncated.data(), digest.data(), kMacBytes);
  return truncated;
}

void CursorCodec::encode(std::string_view tenant_id, std::string_view scope, std::string_view created_at,
                         std::string_view id, std::pmr::string& out) const {
  // Keys in sorted order, byte for byte what nlohmann rendered before.
  std::pmr::string payload(out.get_allocator().resource());
  payload.reserve(64 + tenant_id.size() + scope.size() + created_at.size() + id.size());
  ArenaJsonWriter writer(payload);
  writer.begin_object().field("c", created_at).field("i", id).field("s", scope).field("t", tenant_id);
  writer.field("v", 1).end_object();
  base64url_encode(payload, out);
  out.push_back('.');
  const auto tag = mac(payload);
  base64url_encode(std::string_view(tag.data(), tag.size()), out);
}

std::string CursorCodec::encode(std::string_view tenant_id, std::string_view scope,
                                const CursorPosition& position) const {
  std::pmr::string out;
  encode(tenant_id, scope, position.created_at, position.id, out);
  return std::string(out);
}

Result<CursorPosition> CursorCodec::decode(std::string_view cursor, std::string_view tenant_id,
                                           std::string_view scope) const {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return fail(invalid_cursor());
  const auto dot = cursor.find('.');
  if (dot == std::string_view::npos) return fail(invalid_cursor());
  auto payload = base64url_decode(cursor.substr(0, dot));
  auto tag = base64url_decode(cursor.substr(dot + 1));
  if (!payload || !tag || tag->size() != kMacBytes) return fail(invalid_cursor());
  // Only the canonical spelling: base64 decoding ignores the unused low bits
  // of a last character, so without this a changed cursor could still pass.
  if (base64url_encode(*payload) != cursor.substr(0, dot) || base64url_encode(*tag) != cursor.substr(dot + 1)) {
    return fail(invalid_cursor());
  }
  const auto expected = mac(*payload);
  if (CRYPTO_memcmp(expected.data(), tag->data(), kMacBytes) != 0) {
    return fail(invalid_cursor());
  }
  json::Document document;
  if (!document.parse(*payload) || !document.root().is_object()) return fail(invalid_cursor());
  const json::Value body = document.root();
  // A cursor from another tenant or another listing is refused even though
  // its MAC is genuine.
  if (body["t"].string() != tenant_id || body["s"].string() != scope) return fail(invalid_cursor());
  CursorPosition position{std::string(body["c"].string()), {}};
  if (!parse_uuid(body["i"].string(), position.id) || !plausible_timestamp(position.created_at)) {
    return fail(invalid_cursor());
  }
  return position;
}

}  // namespace shoppulse::handlers
