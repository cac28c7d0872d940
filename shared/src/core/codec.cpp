#include "shoppulse/core/codec.h"

#include <libdeflate.h>

#include <array>
#include <memory>

namespace shoppulse {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

template <typename String>
void encode(std::string_view bytes, const char* alphabet, bool pad, String& out) {
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte_at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (byte_at(i) << 16) | (byte_at(i + 1) << 8) | byte_at(i + 2);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = byte_at(i) << 16;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    const unsigned v = (byte_at(i) << 16) | (byte_at(i + 1) << 8);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.push_back('=');
  }
}

std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  encode(bytes, alphabet, pad, out);
  return out;
}

Result<std::string> decode(std::string_view text, const char* alphabet) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int k = 0; k < 64; ++k) table[static_cast<unsigned char>(alphabet[k])] = k;
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_base64", "body is not valid base64"));
  }
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return fail(Error::make(ErrorKind::kInvalidInput, "invalid_base64", "body is not valid base64"));
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
    }
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  return encode(bytes, kStandard, true);
}
void base64_encode(std::string_view bytes, std::pmr::string& out) {
  encode(bytes, kStandard, true, out);
}
Result<std::string> base64_decode(std::string_view text) {
  return decode(text, kStandard);
}
std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, kUrlSafe, false);
}
void base64url_encode(std::string_view bytes, std::pmr::string& out) {
  encode(bytes, kUrlSafe, false, out);
}
Result<std::string> base64url_decode(std::string_view text) {
  return decode(text, kUrlSafe);
}

struct GzipEncoder::State {
  libdeflate_compressor* compressor = nullptr;
};

void GzipEncoder::StateDeleter::operator()(State* state) const {
  libdeflate_free_compressor(state->compressor);
  delete state;  // NOLINT(cppcoreguidelines-owning-memory): owned by the unique_ptr
}

GzipEncoder::GzipEncoder(int level) : state_(new State), level_(level) {}

template <typename String>
bool GzipEncoder::compress_into(std::string_view bytes, String& out) {
  if (state_->compressor == nullptr) {
    // Allocated on first use and kept: its match-finder tables are the
    // expensive part, and a warm sandbox compresses many responses.
    state_->compressor = libdeflate_alloc_compressor(level_);
    if (state_->compressor == nullptr) return false;
  }
  out.resize(libdeflate_gzip_compress_bound(state_->compressor, bytes.size()));
  const std::size_t written =
      libdeflate_gzip_compress(state_->compressor, bytes.data(), bytes.size(), out.data(), out.size());
  out.resize(written);
  return written > 0;
}

template bool GzipEncoder::compress_into(std::string_view bytes, std::string& out);
template bool GzipEncoder::compress_into(std::string_view bytes, std::pmr::string& out);

std::string GzipEncoder::compress(std::string_view bytes) {
  std::string out;
  if (!compress_into(bytes, out)) return {};
  return out;
}

std::string gzip_compress(std::string_view bytes, int level) {
  return GzipEncoder(level).compress(bytes);
}

Result<std::string> gzip_decompress(std::string_view bytes, std::size_t max_output) {
  struct DecompressorDeleter {
    void operator()(libdeflate_decompressor* decompressor) const noexcept {
      libdeflate_free_decompressor(decompressor);
    }
  };
  const std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor(libdeflate_alloc_decompressor());
  if (!decompressor) {
    return fail(Error::make(ErrorKind::kInternal, "inflate_init", "could not initialise gzip decoder"));
  }
  // One bounded buffer: output beyond max_output is a zip bomb, refused
  // without ever holding more than the limit. The first member is decoded
  // and anything after it ignored, as zlib's inflate did.
  const std::unique_ptr<char[]> buffer(new char[max_output + 1]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  std::size_t produced = 0;
  std::size_t consumed = 0;
  switch (libdeflate_gzip_decompress_ex(decompressor.get(), bytes.data(), bytes.size(), buffer.get(), max_output + 1,
                                        &consumed, &produced)) {
    case LIBDEFLATE_SUCCESS: break;
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "decompressed body is too large"));
    default: return fail(Error::make(ErrorKind::kInvalidInput, "invalid_gzip", "body is not valid gzip"));
  }
  if (produced > max_output) {
    return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "decompressed body is too large"));
  }
  return std::string(buffer.get(), produced);
}

}  // namespace shoppulse
