#pragma once
// A minimal streaming JSON writer for the per-invocation hot path (log
// lines, EMF, API Gateway responses), where building an nlohmann DOM only to
// serialise it costs more than the whole handler. Strings are escaped and
// invalid UTF-8 is replaced with U+FFFD, as nlohmann's `replace` handler does.
// It writes into a std::string or, on the hot path, a std::pmr::string from
// the invocation's arena.

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>

namespace shoppulse {

void append_json_string(std::string& out, std::string_view text);
void append_json_string(std::pmr::string& out, std::string_view text);

template <typename String>
class BasicJsonWriter {
 public:
  explicit BasicJsonWriter(String& out) : out_(out) {}

  BasicJsonWriter& begin_object();
  BasicJsonWriter& end_object();
  BasicJsonWriter& begin_array();
  BasicJsonWriter& end_array();
  BasicJsonWriter& key(std::string_view name);
  BasicJsonWriter& value(std::string_view text);
  BasicJsonWriter& value(const char* text) { return value(std::string_view(text)); }
  BasicJsonWriter& value(bool flag);
  BasicJsonWriter& value(std::int64_t number);
  BasicJsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  BasicJsonWriter& value(double number);
  BasicJsonWriter& null();
  // An already-serialised JSON value, inserted verbatim.
  BasicJsonWriter& raw(std::string_view json);

  template <typename T>
  BasicJsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void separate();
  String& out_;
  bool need_comma_ = false;
};

extern template class BasicJsonWriter<std::string>;
extern template class BasicJsonWriter<std::pmr::string>;
using JsonWriter = BasicJsonWriter<std::string>;
using ArenaJsonWriter = BasicJsonWriter<std::pmr::string>;

}  // namespace shoppulse
