#include "detail/text.hpp"

#include <algorithm>
#include <cstdio>

namespace aftersales::detail {

std::string quoted(std::string_view text) {
  constexpr std::size_t max_shown = 60;
  std::string out = "\"";
  std::size_t shown = std::min(text.size(), max_shown);
  // Never cut a UTF-8 sequence in half: back up over continuation bytes (10xxxxxx).
  if (shown < text.size())
    while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) --shown;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < text.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace aftersales::detail
