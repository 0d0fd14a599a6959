#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <limits>

#include "text/text.hpp"

namespace aftersales {
namespace {

[[noreturn]] void malformed(std::string_view text, const Currency& c, const std::string& why) {
  throw InputError(detail::quoted(text) + " is not an amount of " + std::string(c.code_view()) + ": " + why);
}

[[noreturn]] void overflow(const std::string& what) {
  throw RangeError(what + " overflows the 64-bit range of minor units");
}

void require_same_currency(const Money& a, const Money& b) {
  if (!(a.currency() == b.currency()))
    throw InputError("cannot combine " + std::string(a.currency().code_view()) + " and " +
                     std::string(b.currency().code_view()) + " amounts");
}

}  // namespace

Money Money::parse(std::string_view text, Currency c) {
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++pos;
  // Accumulate on the negative side so that the most negative amount parses too.
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t value = 0;
  auto push_digit = [&](int digit) {
    if (value < (min + digit) / 10) overflow(detail::quoted(text) + " " + std::string(c.code_view()));
    value = value * 10 - digit;
  };
  const std::size_t int_start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') push_digit(text[pos++] - '0');
  if (pos == int_start) malformed(text, c, "expected digits, like \"199.00\"");
  int decimals = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t frac_start = pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (decimals < c.exponent) {
        push_digit(text[pos] - '0');
        ++decimals;
      } else if (text[pos] != '0') {
        malformed(text, c, "more decimals than the currency's " + std::to_string(c.exponent));
      }
    }
    if (pos == frac_start) malformed(text, c, "a '.' must be followed by digits");
  }
  if (pos != text.size()) malformed(text, c, "unexpected character at offset " + std::to_string(pos));
  for (; decimals < c.exponent; ++decimals) push_digit(0);
  if (!negative) {
    if (value == min) overflow(detail::quoted(text) + " " + std::string(c.code_view()));
    value = -value;
  }
  return Money{value, c};
}

std::string Money::to_string() const {
  // Digits of |minor_| without negating it (INT64_MIN has no positive counterpart).
  std::string digits;
  for (std::int64_t rest = minor_; rest != 0; rest /= 10) {
    const auto digit = rest % 10;
    digits.insert(digits.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
  }
  const auto exponent = static_cast<std::size_t>(currency_.exponent);
  if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
  if (exponent > 0) digits.insert(digits.size() - exponent, 1, '.');
  return minor_ < 0 ? "-" + digits : digits;
}

Money operator+(const Money& a, const Money& b) {
  require_same_currency(a, b);
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a.minor_units(), b.minor_units(), &sum)) overflow(a.to_string() + " + " + b.to_string());
  return Money{sum, a.currency()};
}

Money operator-(const Money& a, const Money& b) {
  require_same_currency(a, b);
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a.minor_units(), b.minor_units(), &difference))
    overflow(a.to_string() + " - " + b.to_string());
  return Money{difference, a.currency()};
}

Money operator*(const Money& a, std::int64_t factor) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a.minor_units(), factor, &product))
    overflow(a.to_string() + " * " + std::to_string(factor));
  return Money{product, a.currency()};
}

}  // namespace aftersales
