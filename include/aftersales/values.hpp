#pragma once
/// @file
/// Values shared by every part of aftersales (spec §1): instants, durations, money and the
/// scalars of a host's own fields.
/// All are small regular types, cheap to copy. Parsing functions throw InputError naming the
/// offending text; nothing here uses binary floating point for money.

#include <aftersales/export.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace aftersales {

/// A span of time with millisecond precision.
using Duration = std::chrono::milliseconds;

/// A point in time: milliseconds since the Unix epoch, UTC.
using Instant = std::chrono::sys_time<Duration>;

/// Supported instants: 1970-01-01T00:00:00Z up to 2200-12-31T23:59:59.999Z inclusive.
inline constexpr Instant min_instant{Duration{0}};
inline constexpr Instant max_instant{Duration{7289654399999}};

/// Parses RFC 3339 with an offset or `Z` (`"2026-11-11T00:05:00+08:00"`). Fractions of a
/// second beyond milliseconds are truncated. A local time with no offset is an error.
/// @throws InputError on malformed text; RangeError outside years 1970-2200.
AFTERSALES_EXPORT Instant parse_instant(std::string_view text);

/// Checks an epoch-millisecond count against the supported range.
/// @throws RangeError outside years 1970-2200.
AFTERSALES_EXPORT Instant instant_from_ms(std::int64_t epoch_ms);

/// Formats as RFC 3339 UTC: `"2026-11-10T16:05:00Z"`, with `.mmm` only when the
/// milliseconds are not zero.
AFTERSALES_EXPORT std::string format_instant(Instant t);

/// Parses `"90s"`, `"15m"`, `"4h"`, `"1h30m"`, `"2d"` (d = 24 h), `"500ms"`: whole numbers
/// with units in decreasing order, each at most once; a leading `-` negates.
/// @throws InputError on malformed text or overflow.
AFTERSALES_EXPORT Duration parse_duration(std::string_view text);

/// Formats compactly with the largest units first: `"1h30m"`, `"500ms"`, `"-2d"`, `"0s"`.
AFTERSALES_EXPORT std::string format_duration(Duration d);

/// An ISO 4217 currency: its three-letter code and the number of decimals of its minor unit.
struct Currency {
  char code[4] = {};    ///< NUL-terminated upper-case code, e.g. "CNY"
  int exponent = 2;     ///< 2 for CNY, 0 for JPY, 3 for KWD

  [[nodiscard]] std::string_view code_view() const noexcept { return {code, 3}; }
  friend bool operator==(const Currency& a, const Currency& b) noexcept {
    return a.code_view() == b.code_view();
  }
};

/// Looks a currency up in the ISO 4217 table (active codes).
/// @throws InputError for an unknown code.
AFTERSALES_EXPORT Currency currency(std::string_view code);

/// An exact amount of money: a signed 64-bit count of minor units of one currency.
/// Arithmetic checks the currency and throws RangeError on overflow instead of wrapping.
class AFTERSALES_EXPORT Money {
 public:
  Money(std::int64_t minor_units, Currency currency) noexcept
      : minor_(minor_units), currency_(currency) {}

  /// Parses a decimal string (`"199.00"`, `"-0.5"`, `"1999"`) exactly. Digits beyond the
  /// currency's exponent are allowed only when they are zeros.
  /// @throws InputError on malformed text or too many decimals; RangeError on overflow.
  static Money parse(std::string_view amount, Currency currency);

  [[nodiscard]] std::int64_t minor_units() const noexcept { return minor_; }
  [[nodiscard]] const Currency& currency() const noexcept { return currency_; }

  /// `"199.00"` for CNY, `"199"` for JPY, `"1.500"` for KWD.
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Money& a, const Money& b) noexcept {
    return a.minor_ == b.minor_ && a.currency_ == b.currency_;
  }

 private:
  std::int64_t minor_;
  Currency currency_;
};

/// @throws InputError when the currencies differ; RangeError on overflow.
AFTERSALES_EXPORT Money operator+(const Money& a, const Money& b);
/// @throws InputError when the currencies differ; RangeError on overflow.
AFTERSALES_EXPORT Money operator-(const Money& a, const Money& b);
/// @throws RangeError on overflow.
AFTERSALES_EXPORT Money operator*(const Money& a, std::int64_t factor);

/// A scalar as JSON has them: text, number or boolean. The value of a host's own ticket field
/// (`Ticket::fields`, `fields.<name>` in conditions).
using FieldScalar = std::variant<std::string, double, bool>;

}  // namespace aftersales
