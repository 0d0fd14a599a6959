#pragma once
// Small text helpers shared by the parsers, so every message quotes input the same way.

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aftersales::detail {

/// How many characters (Unicode code points) of a name or value taken from the input a message
/// shows before cutting it with an ellipsis: a message must stay short whatever the input was
/// (docs/policy.md, "Errors").
inline constexpr std::size_t max_quoted_chars = 64;

/// "…" (U+2026), which marks where a message cut its input.
inline constexpr std::string_view ellipsis = "\xE2\x80\xA6";

/// The first `max_chars` characters of `text` (all of it when shorter), never ending inside a
/// UTF-8 sequence; input that is not valid UTF-8 is cut after at most 4 * max_chars bytes.
std::string_view utf8_prefix(std::string_view text, std::size_t max_chars);

/// `text` in double quotes for an error message, control characters escaped and cut with "…"
/// after max_quoted_chars characters.
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

/// The position of `name` in `names`, if it is there.
template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

/// The names as a message lists the choices: "low, normal, high, urgent", or with `last` " or "
/// "low, normal, high or urgent".
template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& names, std::string_view last = ", ") {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) text.append(i == 0 ? "" : i + 1 == N ? last : ", ").append(names[i]);
  return text;
}

}  // namespace aftersales::detail
