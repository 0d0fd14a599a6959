#include "document/json_writer.hpp"

#include <charconv>
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

JsonWriter& JsonWriter::number(double value) {
  separate();
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out_.append(text, end);
  return *this;
}

void JsonWriter::quote(std::string_view text) {
  out_ += '"';
  // Copy runs of plain characters at once; only quotes, backslashes and controls are escaped.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out_ += escaped;
      }
    }
  }
  out_.append(text.data() + run, text.size() - run);
  out_ += '"';
}

}  // namespace aftersales::detail
