#include "shoppulse/core/json_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>

#include "json_scan.h"
#include "shoppulse/core/ascii.h"
#include "shoppulse/core/utf8.h"

namespace shoppulse::json {

std::string_view Value::text() const noexcept {
  if (!exists()) return {};
  switch (node().type) {
    case Type::kString:
    case Type::kNumber: return node().text;
    case Type::kTrue: return "true";
    case Type::kFalse: return "false";
    case Type::kNull: return "null";
    case Type::kArray:
    case Type::kObject: break;
  }
  return {};
}

Value Value::operator[](std::string_view key) const noexcept {
  Value found;
  for (const auto& member : members()) {
    if (member.key == key) found = member.value;
  }
  return found;
}

Value Value::at(std::initializer_list<std::string_view> path) const noexcept {
  Value current = *this;
  for (const std::string_view key : path) {
    current = current[key];
    if (!current.exists()) break;
  }
  return current;
}

MemberRange Value::members() const noexcept {
  if (!is_object()) return {nullptr, 0, 0};
  return {nodes_, index_ + 1, node().end};
}

ElementRange Value::elements() const noexcept {
  if (!is_array()) return {nullptr, 0, 0};
  return {nodes_, index_ + 1, node().end};
}

std::optional<std::int64_t> Value::int64() const noexcept {
  if (!is_number()) return std::nullopt;
  const std::string_view literal = node().text;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
  if (error != std::errc() || end != literal.data() + literal.size()) return std::nullopt;
  return value;
}

MemberRange::Member MemberRange::Iterator::operator*() const noexcept {
  return {nodes_[index_].text, Value(nodes_, index_ + 1)};  // NOLINT: bounds kept by the parser
}

MemberRange::Iterator& MemberRange::Iterator::operator++() noexcept {
  index_ = nodes_[index_ + 1].end;  // NOLINT: skip the key, then the value's subtree
  return *this;
}

ElementRange::Iterator& ElementRange::Iterator::operator++() noexcept {
  index_ = nodes_[index_].end;  // NOLINT: bounds kept by the parser
  return *this;
}

// One pass over the text. Containers are tracked on Document::open_, not on
// the call stack, so hostile nesting depth cannot overflow it.
class Document::Parser {
 public:
  Parser(Document& document, std::string_view text) noexcept
      : doc_(document), begin_(text.data()), cursor_(text.data()), end_(text.data() + text.size()) {}

  bool run() {
    skip_space();
    bool opened = false;
    if (!value(opened)) return false;
    while (!doc_.open_.empty()) {
      const std::uint32_t top = doc_.open_.back();
      const bool object = doc_.nodes_[top].type == Type::kObject;
      const char close = object ? '}' : ']';
      skip_space();
      if (cursor_ == end_) return false;
      if (*cursor_ == close) {
        ++cursor_;
        doc_.nodes_[top].end = static_cast<std::uint32_t>(doc_.nodes_.size());
        doc_.open_.pop_back();
        opened = false;
        continue;
      }
      if (!opened) {
        if (*cursor_ != ',') return false;
        ++cursor_;
        skip_space();
      }
      if (object) {
        if (cursor_ == end_ || *cursor_ != '"' || !string()) return false;
        skip_space();
        if (cursor_ == end_ || *cursor_ != ':') return false;
        ++cursor_;
        skip_space();
      }
      ++doc_.nodes_[top].count;
      if (!value(opened)) return false;
    }
    skip_space();
    return cursor_ == end_;
  }

  [[nodiscard]] std::size_t offset() const noexcept { return static_cast<std::size_t>(cursor_ - begin_); }

 private:
  void skip_space() noexcept {
    while (cursor_ != end_ && (*cursor_ == ' ' || *cursor_ == '\n' || *cursor_ == '\r' || *cursor_ == '\t')) {
      ++cursor_;
    }
  }

  std::uint32_t push(Type type, std::string_view text = {}) {
    const auto index = static_cast<std::uint32_t>(doc_.nodes_.size());
    doc_.nodes_.push_back(Node{type, index + 1, 0, text});
    return index;
  }

  // A value at the cursor. Sets `opened` when it began a container, which
  // run() then fills and closes.
  bool value(bool& opened) {
    opened = false;
    if (cursor_ == end_) return false;
    switch (*cursor_) {
      case '{':
      case '[': {
        const std::uint32_t index = push(*cursor_ == '{' ? Type::kObject : Type::kArray);
        doc_.open_.push_back(index);
        ++cursor_;
        opened = true;
        return true;
      }
      case '"': return string();
      case 't': return literal("true", Type::kTrue);
      case 'f': return literal("false", Type::kFalse);
      case 'n': return literal("null", Type::kNull);
      default: return number();
    }
  }

  bool literal(std::string_view word, Type type) {
    if (static_cast<std::size_t>(end_ - cursor_) < word.size() || std::memcmp(cursor_, word.data(), word.size()) != 0) {
      return false;
    }
    cursor_ += word.size();
    push(type);
    return true;
  }

  static bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool number() {
    const char* start = cursor_;
    if (cursor_ != end_ && *cursor_ == '-') ++cursor_;
    if (cursor_ == end_ || !digit(*cursor_)) return false;
    if (*cursor_ == '0') {
      ++cursor_;
    } else {
      while (cursor_ != end_ && digit(*cursor_)) ++cursor_;
    }
    if (cursor_ != end_ && *cursor_ == '.') {
      ++cursor_;
      if (cursor_ == end_ || !digit(*cursor_)) return false;
      while (cursor_ != end_ && digit(*cursor_)) ++cursor_;
    }
    if (cursor_ != end_ && (*cursor_ == 'e' || *cursor_ == 'E')) {
      ++cursor_;
      if (cursor_ != end_ && (*cursor_ == '+' || *cursor_ == '-')) ++cursor_;
      if (cursor_ == end_ || !digit(*cursor_)) return false;
      while (cursor_ != end_ && digit(*cursor_)) ++cursor_;
    }
    push(Type::kNumber, std::string_view(start, static_cast<std::size_t>(cursor_ - start)));
    return true;
  }

  // Advances to the first byte that needs attention inside a string: '"',
  // '\\', a control character or a non-ASCII byte.
  void scan_plain() noexcept { cursor_ += json_scan::plain_prefix(cursor_, end_); }

  // Skips one multi-byte UTF-8 sequence at the cursor; false if invalid.
  bool skip_utf8() noexcept {
    const std::string_view rest(cursor_, static_cast<std::size_t>(end_ - cursor_));
    const std::size_t length = utf8::sequence_length(rest, 0);
    if (length == 0) return false;
    cursor_ += length;
    return true;
  }

  bool string() {
    ++cursor_;  // opening quote
    const char* start = cursor_;
    while (true) {
      scan_plain();
      if (cursor_ == end_) return false;
      const auto c = static_cast<unsigned char>(*cursor_);
      if (c == '"') {
        push(Type::kString, std::string_view(start, static_cast<std::size_t>(cursor_ - start)));
        ++cursor_;
        return true;
      }
      if (c == '\\') return escaped_string(start);
      if (c < 0x20 || !skip_utf8()) return false;
    }
  }

  bool hex4(std::uint32_t& out) noexcept {
    if (end_ - cursor_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit_value = ascii::hex_value(cursor_[i]);  // NOLINT: length checked above
      if (digit_value < 0) return false;
      out = (out << 4) | static_cast<std::uint32_t>(digit_value);
    }
    cursor_ += 4;
    return true;
  }

  // The slow path: a string with escapes, decoded into the Document.
  bool escaped_string(const char* start) {
    std::pmr::string& out = doc_.decoded_.emplace_back();
    out.assign(start, static_cast<std::size_t>(cursor_ - start));
    while (true) {
      if (cursor_ == end_) return false;
      const auto c = static_cast<unsigned char>(*cursor_);
      if (c == '"') {
        ++cursor_;
        push(Type::kString, out);
        return true;
      }
      if (c == '\\') {
        if (++cursor_ == end_) return false;
        const char e = *cursor_++;
        switch (e) {
          case '"': out.push_back('"'); break;
          case '\\': out.push_back('\\'); break;
          case '/': out.push_back('/'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            std::uint32_t code = 0;
            if (!hex4(code)) return false;
            if (code >= 0xDC00 && code <= 0xDFFF) return false;  // a low surrogate cannot come first
            if (code >= 0xD800 && code <= 0xDBFF) {
              std::uint32_t low = 0;
              if (end_ - cursor_ < 2 || cursor_[0] != '\\' || cursor_[1] != 'u') return false;
              cursor_ += 2;
              if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            }
            utf8::append_code_point(out, code);
            break;
          }
          default: return false;
        }
        continue;
      }
      const char* plain = cursor_;
      scan_plain();
      if (cursor_ != plain) {
        out.append(plain, static_cast<std::size_t>(cursor_ - plain));
        continue;
      }
      if (c < 0x20 || !skip_utf8()) return false;
      out.append(plain, static_cast<std::size_t>(cursor_ - plain));
    }
  }

  Document& doc_;
  const char* begin_;
  const char* cursor_;
  const char* end_;
};

Document::Document(std::pmr::memory_resource* memory) : nodes_(memory), open_(memory), decoded_(memory) {}

bool Document::parse(std::string_view text) {
  nodes_.clear();
  open_.clear();
  decoded_.clear();
  error_offset_ = 0;
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
  // A UTF-8 byte order mark is ignored, as RFC 8259 allows and nlohmann did.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // About one node per 16 bytes of a typical event: one growth step at most.
  nodes_.reserve(text.size() / 16 + 16);
  Parser parser(*this, text);
  if (parser.run()) return true;
  error_offset_ = parser.offset();
  nodes_.clear();
  open_.clear();
  return false;
}

std::optional<std::string_view> Document::duplicate_member() const {
  // (hash, name) pairs sorted by hash first: integer compares do almost all
  // of the sorting, and names are compared only when hashes tie. Names an
  // attacker makes collide only fall back to comparing names: still
  // O(n log n), never quadratic.
  struct Name {
    std::size_t hash;
    std::string_view text;
    bool operator<(const Name& other) const noexcept {
      return hash != other.hash ? hash < other.hash : text < other.text;
    }
    bool operator==(const Name& other) const noexcept { return hash == other.hash && text == other.text; }
  };
  std::pmr::vector<Name> names(nodes_.get_allocator().resource());
  const std::hash<std::string_view> hash;
  const auto size = static_cast<std::uint32_t>(nodes_.size());
  for (std::uint32_t index = 0; index < size; ++index) {
    const Node& object = nodes_[index];
    if (object.type != Type::kObject || object.count < 2) continue;
    names.clear();
    // Only this object's own names: nested objects get their own turn, so
    // every name is sorted once.
    for (std::uint32_t key = index + 1; key < object.end; key = nodes_[key + 1].end) {
      names.push_back(Name{hash(nodes_[key].text), nodes_[key].text});
    }
    std::sort(names.begin(), names.end());
    const auto repeated = std::adjacent_find(names.begin(), names.end());
    if (repeated != names.end()) return repeated->text;
  }
  return std::nullopt;
}

bool is_valid(std::string_view text) {
  Document document;
  return document.parse(text);
}

}  // namespace shoppulse::json
