#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <array>
#include <limits>

#include "text/text.hpp"

namespace aftersales {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};
// Largest first: compound durations must list their units in this order.
constexpr std::array<Unit, 5> units{{{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

[[noreturn]] void malformed(std::string_view text, const std::string& why) {
  throw InputError(detail::quoted(text) + " is not a duration (like \"90s\", \"15m\", \"1h30m\", \"2d\", \"500ms\"): " + why);
}

// Index into `units` of the suffix at `pos`; "ms" is tried before "m".
std::size_t match_unit(std::string_view text, std::size_t pos) {
  if (text.substr(pos, 2) == "ms") return 4;
  for (std::size_t i = 0; i < 4; ++i)
    if (text.substr(pos, 1) == units[i].suffix) return i;
  return units.size();
}

}  // namespace

Duration parse_duration(std::string_view text) {
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++pos;
  if (pos == text.size()) malformed(text, "it is empty");

  // Sum on the negative side, where the range is one larger, so Duration::min() parses too.
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t next_allowed_unit = 0;
  while (pos < text.size()) {
    const std::size_t digits_start = pos;
    std::int64_t number = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      const int digit = text[pos] - '0';
      if (number > (max - digit) / 10) throw RangeError(detail::quoted(text) + " is too long a duration");
      number = number * 10 + digit;
      ++pos;
    }
    if (pos == digits_start) {
      malformed(text, pos < text.size() && text[pos] == '.' ? "use whole numbers of a smaller unit instead of decimals"
                                                            : "expected a number before each unit");
    }
    if (pos == text.size()) malformed(text, "the number has no unit (d, h, m, s or ms)");
    if (text[pos] == '.') malformed(text, "use whole numbers of a smaller unit instead of decimals");
    const std::size_t unit = match_unit(text, pos);
    if (unit == units.size()) malformed(text, "unknown unit (use d, h, m, s or ms)");
    if (unit < next_allowed_unit) malformed(text, "units must go from largest to smallest, each at most once");
    next_allowed_unit = unit + 1;
    pos += units[unit].suffix.size();
    // number * ms > total - min, written so that nothing overflows (division truncates to zero).
    if (-number < (min - total) / units[unit].ms) throw RangeError(detail::quoted(text) + " is too long a duration");
    total -= number * units[unit].ms;
  }
  if (!negative && total == min) throw RangeError(detail::quoted(text) + " is too long a duration");
  return Duration{negative ? total : -total};
}

std::string format_duration(Duration d) {
  std::int64_t rest = d.count();
  if (rest == 0) return "0s";
  std::string text;
  // Work on the negative side so that INT64_MIN needs no special case.
  if (rest > 0) rest = -rest;
  else text = "-";
  for (const Unit& unit : units) {
    const std::int64_t count = rest / unit.ms;
    if (count == 0) continue;
    text += std::to_string(-count);
    text += unit.suffix;
    rest -= count * unit.ms;
  }
  return text;
}

}  // namespace aftersales
