#pragma once
// The one byte scan both JSON directions share (private to shoppulse_core):
// how many leading bytes of a string need no attention at all, neither
// escaping when written nor decoding or validating when read. Those are
// printable ASCII other than '"' and '\\'; 16 bytes at a time with SSE2.

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shoppulse::json_scan {

inline bool plain(unsigned char c) noexcept {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

inline std::size_t plain_prefix(const char* begin, const char* end) noexcept {
  const char* cursor = begin;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - cursor >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cursor));  // NOLINT
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too.
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                                         _mm_cmplt_epi8(chunk, space));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0)
      return static_cast<std::size_t>(cursor - begin) +
             static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    cursor += 16;
  }
#endif
  while (cursor != end && plain(static_cast<unsigned char>(*cursor))) ++cursor;
  return static_cast<std::size_t>(cursor - begin);
}

inline std::size_t plain_prefix(std::string_view text) noexcept {
  return plain_prefix(text.data(), text.data() + text.size());
}

}  // namespace shoppulse::json_scan
