#include "detail/json_writer.hpp"

#include <cstdio>

namespace aftersales::detail {

JsonWriter& JsonWriter::thousandths(std::int64_t value) {
  separate();
  // Work with the magnitude as unsigned so that INT64_MIN needs no special case.
  const bool negative = value < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  if (negative) out_ += '-';
  out_ += std::to_string(magnitude / 1000);
  std::uint64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    char digits[4] = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                      static_cast<char>('0' + fraction % 10), '\0'};
    std::size_t length = 3;
    while (digits[length - 1] == '0') --length;
    out_ += '.';
    out_.append(digits, length);
  }
  return *this;
}

void JsonWriter::quote(std::string_view text) {
  out_ += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out_ += escaped;
        } else {
          out_ += ch;
        }
    }
  }
  out_ += '"';
}

}  // namespace aftersales::detail
