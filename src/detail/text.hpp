#pragma once
// Small text helpers shared by the parsers, so every message quotes input the same way.

#include <string>
#include <string_view>

namespace aftersales::detail {

/// `text` in double quotes for an error message, control characters escaped and long input
/// cut (a message must stay readable whatever the input was).
std::string quoted(std::string_view text);

/// Parses exactly `count` ASCII digits at `pos`; returns -1 if any is not a digit.
inline int fixed_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace aftersales::detail
