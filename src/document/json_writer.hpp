#pragma once
// A minimal streaming JSON writer for the library's reports: exact decimal output for
// millisecond quantities (Boost.JSON would print 90.5 as 9.05E1) and no intermediate DOM.

#include <aftersales/values.hpp>

#include "values/instant_text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersales::detail {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  /// `name` is one of the library's own field names (plain ASCII), written without escaping.
  JsonWriter& key(std::string_view name) {
    separate();
    out_ += '"';
    out_ += name;
    out_ += "\":";
    after_key_ = true;
    return *this;
  }
  /// A key from the input (a customer id, a skill name), escaped like a string value.
  JsonWriter& key_text(std::string_view name) {
    separate();
    quote(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view text) {
    separate();
    quote(text);
    return *this;
  }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number) {
    separate();
    out_ += std::to_string(number);
    return *this;
  }
  JsonWriter& value(int number) { return value(std::int64_t{number}); }
  JsonWriter& boolean(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    separate();
    out_ += "null";
    return *this;
  }
  /// A count of thousandths written as an exact decimal: 90500 -> 90.5, -1 -> -0.001.
  JsonWriter& thousandths(std::int64_t value);
  /// A finite double in its shortest form that reads back exactly (0.75, 0.6666666666666666).
  JsonWriter& number(double value);
  /// A duration in seconds with millisecond precision.
  JsonWriter& seconds(Duration d) { return thousandths(d.count()); }
  /// An instant in RFC 3339 UTC.
  JsonWriter& instant(Instant t) {
    separate();
    char text[24];
    out_ += '"';
    out_.append(text, write_instant(t, text));
    out_ += '"';
    return *this;
  }
  JsonWriter& instant(const std::optional<Instant>& t) { return t ? instant(*t) : null(); }

  /// Ends one value of JSON Lines: a newline, after which the next value starts a new line.
  JsonWriter& newline() {
    out_ += '\n';
    first_ = true;
    return *this;
  }

  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  // A comma before every member or element but the first of its container.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void quote(std::string_view text);

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace aftersales::detail
