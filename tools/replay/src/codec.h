#pragma once
// Decoders for response bodies. Deliberately independent of shoppulse_core's
// codec: replay is the oracle for bootstrap's encoders, and a shared decoder
// bug would cancel out.

#include <optional>
#include <string>
#include <string_view>

namespace shoppulse::replay {

std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> gunzip(std::string_view bytes);
bool looks_gzipped(std::string_view bytes) noexcept;

}  // namespace shoppulse::replay
