#include "shoppulse/core/codec.h"

#include <zlib.h>

#include <array>
#include <memory>
#include <mutex>
#include <utility>

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

struct InflateStream {
  z_stream stream{};
  bool live = false;
  ~InflateStream() {
    if (live) inflateEnd(&stream);
  }
};

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
  z_stream stream{};
  bool live = false;
};

void GzipEncoder::StateDeleter::operator()(State* state) const {
  if (state->live) deflateEnd(&state->stream);
  delete state;  // NOLINT(cppcoreguidelines-owning-memory): owned by the unique_ptr
}

GzipEncoder::GzipEncoder(int level) : state_(new State), level_(level) {}

template <typename String>
bool GzipEncoder::compress_into(std::string_view bytes, String& out) {
  z_stream& stream = state_->stream;
  if (!state_->live) {
    // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
    if (deflateInit2(&stream, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
    state_->live = true;
  } else if (deflateReset(&stream) != Z_OK) {
    return false;
  }
  out.resize(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 32);
  // zlib's API takes non-const input; it does not write to it.
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));  // NOLINT
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  stream.next_in = nullptr;
  stream.next_out = nullptr;
  return rc == Z_STREAM_END;
}

template bool GzipEncoder::compress_into(std::string_view bytes, std::string& out);
template bool GzipEncoder::compress_into(std::string_view bytes, std::pmr::string& out);

GzipEncoderPool::Loan::~Loan() {
  if (encoder_ == nullptr) return;  // moved from
  const std::lock_guard lock(pool_->mutex_);
  // push_back may throw only when the vector grows, i.e. when more encoders
  // than ever before are out at once; then this one is simply freed.
  try {
    pool_->idle_.push_back(std::move(encoder_));
  } catch (...) {  // NOLINT(bugprone-empty-catch): dropping a cached encoder is harmless
  }
}

GzipEncoderPool::Loan GzipEncoderPool::borrow() {
  {
    const std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<GzipEncoder> encoder = std::move(idle_.back());
      idle_.pop_back();
      return {*this, std::move(encoder)};
    }
  }
  return {*this, std::make_unique<GzipEncoder>()};
}

std::string GzipEncoder::compress(std::string_view bytes) {
  std::string out;
  if (!compress_into(bytes, out)) return {};
  return out;
}

std::string gzip_compress(std::string_view bytes, int level) {
  return GzipEncoder(level).compress(bytes);
}

Result<std::string> gzip_decompress(std::string_view bytes, std::size_t max_output) {
  InflateStream inflater;
  if (inflateInit2(&inflater.stream, 15 + 16) != Z_OK) {
    return fail(Error::make(ErrorKind::kInternal, "inflate_init", "could not initialise gzip decoder"));
  }
  inflater.live = true;
  inflater.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));  // NOLINT
  inflater.stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  std::array<char, 16384> chunk{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    inflater.stream.next_out = reinterpret_cast<Bytef*>(chunk.data());  // NOLINT
    inflater.stream.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&inflater.stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      return fail(Error::make(ErrorKind::kInvalidInput, "invalid_gzip", "body is not valid gzip"));
    }
    const std::size_t produced = chunk.size() - inflater.stream.avail_out;
    if (out.size() + produced > max_output) {
      return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "decompressed body is too large"));
    }
    out.append(chunk.data(), produced);
    if (rc == Z_OK && produced == 0 && inflater.stream.avail_in == 0) {
      return fail(Error::make(ErrorKind::kInvalidInput, "invalid_gzip", "gzip body is truncated"));
    }
  }
  return out;
}

}  // namespace shoppulse
