#pragma once
// A strict JSON reader for the per-invocation hot path (the Lambda event).
// It parses the whole text in one pass into a flat array of nodes and builds
// no DOM: strings are views into the input, numbers keep their text, and
// only strings with escapes are decoded (into memory from the given
// resource). A 5.5 KB API Gateway event parses in a few microseconds with no
// heap allocation once the invocation's arena is warm.
//
// Input must be RFC 8259 JSON in UTF-8: invalid UTF-8, unpaired surrogate
// escapes, control characters in strings, bad numbers and trailing bytes are
// all rejected, as nlohmann::json rejects them. Nesting is bounded only by
// memory (the parser keeps its own stack, never the call stack). When an
// object repeats a key, lookups see the last value, as nlohmann does;
// Document::duplicate_member() finds such keys for input that must refuse
// them (request bodies).
//
//   json::Document document(&arena);
//   if (!document.parse(payload)) ...;
//   json::Value method = document.root()["httpMethod"];
//   if (method.is_string()) use(method.string());

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoppulse::json {

enum class Type : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

struct Node {
  Type type = Type::kNull;
  std::uint32_t end = 0;    // index one past this node's subtree
  std::uint32_t count = 0;  // object: members; array: elements
  std::string_view text;    // string: decoded contents; number: its literal
};

class Value;

// A value's members in document order: (key, value) pairs.
class MemberRange {
 public:
  struct Member;
  class Iterator;
  MemberRange(const Node* nodes, std::uint32_t first, std::uint32_t end) noexcept
      : nodes_(nodes), first_(first), end_(end) {}
  [[nodiscard]] Iterator begin() const noexcept;
  [[nodiscard]] Iterator end() const noexcept;

 private:
  const Node* nodes_;
  std::uint32_t first_;
  std::uint32_t end_;
};

class ElementRange {
 public:
  class Iterator;
  ElementRange(const Node* nodes, std::uint32_t first, std::uint32_t end) noexcept
      : nodes_(nodes), first_(first), end_(end) {}
  [[nodiscard]] Iterator begin() const noexcept;
  [[nodiscard]] Iterator end() const noexcept;

 private:
  const Node* nodes_;
  std::uint32_t first_;
  std::uint32_t end_;
};

// A view of one node of a Document (or of nothing: a missing member). Cheap
// to copy; valid while its Document is.
class Value {
 public:
  Value() noexcept = default;
  Value(const Node* nodes, std::uint32_t index) noexcept : nodes_(nodes), index_(index) {}

  [[nodiscard]] bool exists() const noexcept { return nodes_ != nullptr; }
  [[nodiscard]] Type type() const noexcept { return exists() ? node().type : Type::kNull; }
  [[nodiscard]] bool is_null() const noexcept { return exists() && node().type == Type::kNull; }
  // Absent or JSON null: how the API Gateway payloads mark "not given".
  [[nodiscard]] bool is_absent() const noexcept { return !exists() || node().type == Type::kNull; }
  [[nodiscard]] bool is_string() const noexcept { return exists() && node().type == Type::kString; }
  [[nodiscard]] bool is_number() const noexcept { return exists() && node().type == Type::kNumber; }
  [[nodiscard]] bool is_bool() const noexcept {
    return exists() && (node().type == Type::kTrue || node().type == Type::kFalse);
  }
  [[nodiscard]] bool is_true() const noexcept { return exists() && node().type == Type::kTrue; }
  [[nodiscard]] bool is_object() const noexcept { return exists() && node().type == Type::kObject; }
  [[nodiscard]] bool is_array() const noexcept { return exists() && node().type == Type::kArray; }

  // String contents (decoded), number literal, or "true"/"false"/"null";
  // empty for containers and missing values.
  [[nodiscard]] std::string_view text() const noexcept;
  // The contents of a string; empty for anything else.
  [[nodiscard]] std::string_view string() const noexcept { return is_string() ? node().text : std::string_view(); }
  // Members of an object / elements of an array (count, not subtree size).
  [[nodiscard]] std::size_t size() const noexcept { return is_object() || is_array() ? node().count : 0; }

  // The member named `key` (the last one when repeated); a missing Value
  // when absent or when this is not an object.
  [[nodiscard]] Value operator[](std::string_view key) const noexcept;
  // Nested members: at({"requestContext", "http", "method"}).
  [[nodiscard]] Value at(std::initializer_list<std::string_view> path) const noexcept;

  [[nodiscard]] MemberRange members() const noexcept;    // empty unless an object
  [[nodiscard]] ElementRange elements() const noexcept;  // empty unless an array

  // A number as a whole int64 (no fraction, no exponent, in range).
  [[nodiscard]] std::optional<std::int64_t> int64() const noexcept;

 private:
  [[nodiscard]] const Node& node() const noexcept { return nodes_[index_]; }  // NOLINT: index checked by parser
  const Node* nodes_ = nullptr;
  std::uint32_t index_ = 0;
};

struct MemberRange::Member {
  std::string_view key;
  Value value;
};

class MemberRange::Iterator {
 public:
  Iterator(const Node* nodes, std::uint32_t index) noexcept : nodes_(nodes), index_(index) {}
  Member operator*() const noexcept;
  Iterator& operator++() noexcept;
  bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }
  bool operator!=(const Iterator& other) const noexcept { return index_ != other.index_; }

 private:
  const Node* nodes_;
  std::uint32_t index_;  // the key node
};

class ElementRange::Iterator {
 public:
  Iterator(const Node* nodes, std::uint32_t index) noexcept : nodes_(nodes), index_(index) {}
  Value operator*() const noexcept { return {nodes_, index_}; }
  Iterator& operator++() noexcept;
  bool operator==(const Iterator& other) const noexcept { return index_ == other.index_; }
  bool operator!=(const Iterator& other) const noexcept { return index_ != other.index_; }

 private:
  const Node* nodes_;
  std::uint32_t index_;
};

inline MemberRange::Iterator MemberRange::begin() const noexcept {
  return {nodes_, first_};
}
inline MemberRange::Iterator MemberRange::end() const noexcept {
  return {nodes_, end_};
}
inline ElementRange::Iterator ElementRange::begin() const noexcept {
  return {nodes_, first_};
}
inline ElementRange::Iterator ElementRange::end() const noexcept {
  return {nodes_, end_};
}

// One parsed text. Views it hands out point into the input text (which must
// outlive the Document) or into the Document's own decoded strings.
class Document {
 public:
  explicit Document(std::pmr::memory_resource* memory = std::pmr::get_default_resource());
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // False when `text` is not one complete JSON value; root() is then missing.
  bool parse(std::string_view text);
  [[nodiscard]] Value root() const noexcept { return nodes_.empty() ? Value() : Value(nodes_.data(), 0); }
  // Byte offset of the first error (for diagnostics and tests).
  [[nodiscard]] std::size_t error_offset() const noexcept { return error_offset_; }
  // A member name that some object of the parsed document repeats (decoded,
  // so "a" and "\u0061" are the same name), or nullopt. parse() does not
  // look: the Lambda event on the hot path is written by API Gateway, while
  // a client's request body must not smuggle a second value past whoever
  // reads the first. Each object's names are sorted by hash, then text, in
  // memory from the Document's resource: O(n log n) even for colliding
  // names; a 1 MiB object of 96,000 names takes about 7 ms at -O2.
  [[nodiscard]] std::optional<std::string_view> duplicate_member() const;

 private:
  class Parser;
  std::pmr::vector<Node> nodes_;
  std::pmr::vector<std::uint32_t> open_;       // containers being parsed (the parser's stack)
  std::pmr::deque<std::pmr::string> decoded_;  // strings that had escapes
  std::size_t error_offset_ = 0;
};

// Whether `text` is one complete, valid JSON value.
bool is_valid(std::string_view text);

}  // namespace shoppulse::json
