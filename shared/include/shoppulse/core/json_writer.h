#pragma once
// A minimal streaming JSON writer for the per-invocation hot path (log
// lines, EMF, API Gateway responses), where building an nlohmann DOM only to
// serialise it costs more than the whole handler. Strings are escaped and
// invalid UTF-8 is replaced with U+FFFD, as nlohmann's `replace` handler does.

#include <cstdint>
#include <string>
#include <string_view>

namespace shoppulse {

void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& null();
  // An already-serialised JSON value, inserted verbatim.
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void separate();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace shoppulse
