#pragma once
// Byte codecs used on the request/response path: base64 (API Gateway bodies)
// and gzip (Content-Encoding). All decoders are hostile-input safe: they
// return an error, never throw or read out of bounds.

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/core/result.h"

namespace shoppulse {

std::string base64_encode(std::string_view bytes);
// The same, appended to `out` (an invocation arena's string).
void base64_encode(std::string_view bytes, std::pmr::string& out);
// Standard alphabet; padding optional; whitespace is rejected.
Result<std::string> base64_decode(std::string_view text);
// URL-safe alphabet without padding (opaque cursors).
std::string base64url_encode(std::string_view bytes);
void base64url_encode(std::string_view bytes, std::pmr::string& out);
Result<std::string> base64url_decode(std::string_view text);

// Response compression uses zlib level 1: on JSON it keeps most of level 6's
// ratio at a fraction of the CPU, and the CPU is billed on every request.
// (libdeflate was measured too: the same speed at level 1 on our pages, 3%
// smaller output; not worth a second deflate library.)
inline constexpr int kGzipResponseLevel = 1;

// gzip with one zlib stream kept across calls (deflateReset): the warm path
// does not allocate and fault in zlib's ~256 KiB of state per response.
// Not thread-safe: lent to one invocation at a time by a GzipEncoderPool.
class GzipEncoder {
 public:
  explicit GzipEncoder(int level = kGzipResponseLevel);
  // Empty on failure (zlib out of memory).
  std::string compress(std::string_view bytes);
  // Replaces `out` with the gzip of `bytes` (std::string or std::pmr::string);
  // false on failure.
  template <typename String>
  bool compress_into(std::string_view bytes, String& out);

 private:
  struct State;
  struct StateDeleter {
    void operator()(State* state) const;
  };
  std::unique_ptr<State, StateDeleter> state_;
  int level_;
};

// Warm encoders lent to one invocation at a time. Concurrent invocations
// (Managed Instances) each borrow their own; one at a time, the same encoder
// comes back every time, so the warm path still never re-initialises zlib.
// The pool grows to the peak number of concurrent borrowers and no further.
class GzipEncoderPool {
 public:
  class Loan {
   public:
    Loan(GzipEncoderPool& pool, std::unique_ptr<GzipEncoder> encoder) noexcept
        : pool_(&pool), encoder_(std::move(encoder)) {}
    Loan(Loan&& other) noexcept = default;
    Loan& operator=(Loan&&) = delete;
    Loan(const Loan&) = delete;
    Loan& operator=(const Loan&) = delete;
    ~Loan();
    GzipEncoder& operator*() const noexcept { return *encoder_; }
    GzipEncoder* operator->() const noexcept { return encoder_.get(); }

   private:
    GzipEncoderPool* pool_;
    std::unique_ptr<GzipEncoder> encoder_;
  };

  Loan borrow();

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<GzipEncoder>> idle_;
};

std::string gzip_compress(std::string_view bytes, int level = kGzipResponseLevel);
// Fails when the input is not gzip or would inflate beyond max_output bytes
// (a zip bomb must not exhaust the sandbox's memory).
Result<std::string> gzip_decompress(std::string_view bytes, std::size_t max_output);

}  // namespace shoppulse
