#pragma once
// Parameterised statements and typed access to their results. Parameters
// travel in PostgreSQL's text format and are never spliced into SQL text;
// results come back as text, or, when a statement asks for it, in binary
// (shoppulse/db/binary.h reads those values).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/db/error.h"

struct pg_result;  // libpq's PGresult, kept out of this header

namespace shoppulse::db {

using Param = std::optional<std::string>;  // std::nullopt is SQL NULL
using Params = std::vector<Param>;

// Params from values (std::string, Param, std::nullopt), moved in: an
// initializer list would copy every string once more.
template <typename... Values>
Params make_params(Values&&... values) {
  Params params;
  params.reserve(sizeof...(Values));
  (params.emplace_back(std::forward<Values>(values)), ...);
  return params;
}

enum class ResultFormat { kText = 0, kBinary = 1 };

// One statement with $1..$n placeholders. Cast in SQL where PostgreSQL cannot
// infer a parameter's type (e.g. $1::uuid, $2::int). `sql` is borrowed, not
// copied (it is a literal on every hot path): it must outlive the call.
struct Statement {
  const char* sql = "";
  Params params;
  ResultFormat result_format = ResultFormat::kText;
};

template <typename T>
struct is_column_type : std::bool_constant<std::is_same_v<T, std::string> || std::is_same_v<T, std::int64_t> ||
                                           std::is_same_v<T, std::int32_t> || std::is_same_v<T, double> ||
                                           std::is_same_v<T, bool> || std::is_same_v<T, nlohmann::json>> {};
template <typename T>
struct is_column_type<std::optional<T>> : is_column_type<T> {};

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

class QueryResult;

// A row of a QueryResult (which must outlive it). get<T>() fails with
// kInternal/db_bad_column on an unknown column, a NULL read as a non-optional
// type, or a value that does not parse as T. bool accepts t/f; json parses
// json/jsonb columns; optional<T> maps NULL to nullopt.
class Row {
 public:
  Row(const QueryResult& result, std::size_t index) noexcept : result_(&result), index_(index) {}

  template <typename T>
  Result<T> get(std::string_view column) const;
  template <typename T>
  Result<T> get(std::size_t column) const;

  // The raw text value; nullopt for NULL or an unknown column.
  [[nodiscard]] std::optional<std::string_view> text(std::string_view column) const;
  [[nodiscard]] bool is_null(std::string_view column) const;
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

 private:
  const QueryResult* result_;
  std::size_t index_;
};

// The rows (or the affected-row count) of one successful statement. Owns the
// libpq result; moved, not copied (no allocation beyond libpq's own).
class QueryResult {
 public:
  QueryResult() = default;
  // Takes ownership of a successful PGresult (PGRES_TUPLES_OK / COMMAND_OK).
  explicit QueryResult(pg_result* result);
  QueryResult(QueryResult&&) noexcept = default;
  QueryResult& operator=(QueryResult&&) noexcept = default;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;
  ~QueryResult() = default;

  [[nodiscard]] std::size_t size() const noexcept { return rows_; }
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
  [[nodiscard]] std::size_t column_count() const noexcept { return column_count_; }
  [[nodiscard]] std::string_view column_name(std::size_t column) const noexcept;
  [[nodiscard]] std::optional<std::size_t> column_index(std::string_view name) const noexcept;
  // Whether a column's values are in binary format (ResultFormat::kBinary).
  [[nodiscard]] bool is_binary(std::size_t column) const noexcept;
  // Rows inserted/updated/deleted/selected (PQcmdTuples); 0 when not applicable.
  [[nodiscard]] std::int64_t affected_rows() const noexcept { return affected_; }

  [[nodiscard]] Row row(std::size_t index) const noexcept { return Row(*this, index); }
  [[nodiscard]] Row operator[](std::size_t index) const noexcept { return row(index); }

  class Iterator {
   public:
    Iterator(const QueryResult* result, std::size_t index) noexcept : result_(result), index_(index) {}
    Row operator*() const noexcept { return Row(*result_, index_); }
    Iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }
    bool operator!=(const Iterator& other) const noexcept { return index_ != other.index_; }

   private:
    const QueryResult* result_;
    std::size_t index_;
  };
  [[nodiscard]] Iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] Iterator end() const noexcept { return {this, rows_}; }

  // nullopt for NULL; the caller checked row/column bounds.
  [[nodiscard]] std::optional<std::string_view> value(std::size_t row, std::size_t column) const noexcept;

 private:
  struct Clear {
    void operator()(pg_result* result) const noexcept;
  };
  std::unique_ptr<pg_result, Clear> result_;
  std::size_t column_count_ = 0;
  std::size_t rows_ = 0;
  std::int64_t affected_ = 0;
};

// Parses one text value as T (declared for the is_column_type types).
template <typename T>
Result<T> parse_column_value(std::string_view text);
// Reads one binary value as T: int32 (int4), int64 (int8), bool and
// std::string (text, varchar); other types are refused.
template <typename T>
Result<T> parse_binary_column_value(std::string_view bytes);
template <>
Result<std::string> parse_binary_column_value<std::string>(std::string_view bytes);
template <>
Result<std::int64_t> parse_binary_column_value<std::int64_t>(std::string_view bytes);
template <>
Result<std::int32_t> parse_binary_column_value<std::int32_t>(std::string_view bytes);
template <>
Result<double> parse_binary_column_value<double>(std::string_view bytes);
template <>
Result<bool> parse_binary_column_value<bool>(std::string_view bytes);
template <>
Result<nlohmann::json> parse_binary_column_value<nlohmann::json>(std::string_view bytes);
template <>
Result<std::string> parse_column_value<std::string>(std::string_view text);
template <>
Result<std::int64_t> parse_column_value<std::int64_t>(std::string_view text);
template <>
Result<std::int32_t> parse_column_value<std::int32_t>(std::string_view text);
template <>
Result<double> parse_column_value<double>(std::string_view text);
template <>
Result<bool> parse_column_value<bool>(std::string_view text);
template <>
Result<nlohmann::json> parse_column_value<nlohmann::json>(std::string_view text);

template <typename T>
Result<T> Row::get(std::size_t column) const {
  static_assert(is_column_type<T>::value,
                "Row::get<T>: T must be std::string, int64_t, int32_t, double, bool, nlohmann::json or optional<...>");
  if (column >= result_->column_count() || index_ >= result_->size()) {
    return fail(Error::make(ErrorKind::kInternal, std::string(kCodeBadColumn),
                            "row " + std::to_string(index_) + " has no column " + std::to_string(column)));
  }
  const std::optional<std::string_view> value = result_->value(index_, column);
  const bool binary = result_->is_binary(column);
  if constexpr (is_optional<T>::value) {
    if (!value) return T(std::nullopt);
    using V = typename T::value_type;
    Result<V> parsed = binary ? parse_binary_column_value<V>(*value) : parse_column_value<V>(*value);
    if (!parsed) return fail(parsed.error());
    return T(std::move(parsed).value());
  } else {
    if (!value) {
      return fail(Error::make(ErrorKind::kInternal, std::string(kCodeBadColumn),
                              "column " + std::string(result_->column_name(column)) + " is NULL"));
    }
    return binary ? parse_binary_column_value<T>(*value) : parse_column_value<T>(*value);
  }
}

template <typename T>
Result<T> Row::get(std::string_view column) const {
  const std::optional<std::size_t> index = result_->column_index(column);
  if (!index) {
    return fail(Error::make(ErrorKind::kInternal, std::string(kCodeBadColumn),
                            "result has no column named " + std::string(column)));
  }
  return get<T>(*index);
}

}  // namespace shoppulse::db
