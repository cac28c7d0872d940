// libFuzzer entry: one binary per target, chosen at compile time.
#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return SHOPPULSE_FUZZ_ENTRY(data, size);
}
