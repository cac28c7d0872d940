#include "shoppulse/db/query.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

#include "shoppulse/db/binary.h"

namespace shoppulse::db {
namespace {

Unexpected<Error> bad_value(std::string_view type) {
  // The value itself is not quoted: it may be personal data.
  return fail(Error::make(ErrorKind::kInternal, std::string(kCodeBadColumn),
                          "column value does not parse as " + std::string(type)));
}

template <typename Int>
Result<Int> parse_integer(std::string_view text, std::string_view type) {
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return bad_value(type);
  return value;
}

}  // namespace

void QueryResult::Clear::operator()(pg_result* result) const noexcept {
  PQclear(result);
}

QueryResult::QueryResult(pg_result* result) : result_(result) {
  column_count_ = static_cast<std::size_t>(PQnfields(result));
  rows_ = static_cast<std::size_t>(PQntuples(result));
  const char* tuples = PQcmdTuples(result);
  if (tuples != nullptr && *tuples != '\0') affected_ = std::strtoll(tuples, nullptr, 10);
}

std::string_view QueryResult::column_name(std::size_t column) const noexcept {
  if (column >= column_count_) return {};
  const char* name = PQfname(result_.get(), static_cast<int>(column));
  return name == nullptr ? std::string_view() : std::string_view(name);
}

std::optional<std::size_t> QueryResult::column_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < column_count_; ++i) {
    if (column_name(i) == name) return i;
  }
  return std::nullopt;
}

bool QueryResult::is_binary(std::size_t column) const noexcept {
  return column < column_count_ && PQfformat(result_.get(), static_cast<int>(column)) == 1;
}

std::optional<std::string_view> QueryResult::value(std::size_t row, std::size_t column) const noexcept {
  const int r = static_cast<int>(row);
  const int c = static_cast<int>(column);
  if (PQgetisnull(result_.get(), r, c) != 0) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), r, c), static_cast<std::size_t>(PQgetlength(result_.get(), r, c)));
}

std::optional<std::string_view> Row::text(std::string_view column) const {
  const std::optional<std::size_t> index = result_->column_index(column);
  if (!index || index_ >= result_->size()) return std::nullopt;
  return result_->value(index_, *index);
}

bool Row::is_null(std::string_view column) const {
  return !text(column).has_value();
}

template <>
Result<std::string> parse_column_value<std::string>(std::string_view text) {
  return std::string(text);
}

template <>
Result<std::int64_t> parse_column_value<std::int64_t>(std::string_view text) {
  return parse_integer<std::int64_t>(text, "int64");
}

template <>
Result<std::int32_t> parse_column_value<std::int32_t>(std::string_view text) {
  return parse_integer<std::int32_t>(text, "int32");
}

template <>
Result<double> parse_column_value<double>(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return bad_value("double");
  return value;
}

template <>
Result<bool> parse_column_value<bool>(std::string_view text) {
  if (text == "t" || text == "true") return true;
  if (text == "f" || text == "false") return false;
  return bad_value("bool");
}

template <>
Result<std::int32_t> parse_binary_column_value<std::int32_t>(std::string_view bytes) {
  const auto value = binary::int4(bytes);
  if (!value) return bad_value("int32");
  return *value;
}

template <>
Result<std::int64_t> parse_binary_column_value<std::int64_t>(std::string_view bytes) {
  const auto value = binary::int8(bytes);
  if (!value) return bad_value("int64");
  return *value;
}

template <>
Result<bool> parse_binary_column_value<bool>(std::string_view bytes) {
  const auto value = binary::boolean(bytes);
  if (!value) return bad_value("bool");
  return *value;
}

template <>
Result<std::string> parse_binary_column_value<std::string>(std::string_view bytes) {
  return std::string(bytes);
}

template <>
Result<double> parse_binary_column_value<double>(std::string_view /*bytes*/) {
  return bad_value("double (not read in binary)");
}

template <>
Result<nlohmann::json> parse_binary_column_value<nlohmann::json>(std::string_view /*bytes*/) {
  return bad_value("json (not read in binary)");
}

template <>
Result<nlohmann::json> parse_column_value<nlohmann::json>(std::string_view text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return bad_value("json");
  return value;
}

}  // namespace shoppulse::db
