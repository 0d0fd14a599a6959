#include "text/text.hpp"

#include <cstdio>

namespace aftersales::detail {

std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) {
  std::size_t end = 0;
  for (std::size_t chars = 0; end < text.size() && chars < max_chars; ++chars) {
    // A character is a byte and the continuation bytes (10xxxxxx) after it, at most three: a
    // valid sequence is never split, and input that is not UTF-8 still takes at most 4 bytes
    // a character.
    ++end;
    for (int k = 0; k < 3 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80; ++k) ++end;
  }
  return text.substr(0, end);
}

std::string quoted(std::string_view text) {
  const std::string_view shown = utf8_prefix(text, max_quoted_chars);
  std::string out = "\"";
  for (const char ch : shown) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  if (shown.size() < text.size()) out += ellipsis;
  out += '"';
  return out;
}

}  // namespace aftersales::detail
