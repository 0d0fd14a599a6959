#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <date/date.h>

#include "text/text.hpp"
#include "values/instant_text.hpp"

namespace aftersales {
namespace {

using detail::fixed_digits;
using detail::quoted;

[[noreturn]] void malformed(std::string_view text, const char* what) {
  throw InputError(quoted(text) + " is not an RFC 3339 instant (like \"2026-11-11T00:05:00+08:00\"): " + what);
}

// Reads the offset at `pos` ("Z", "+08:00", "-05:30") as minutes east of UTC.
int parse_offset_minutes(std::string_view text, std::size_t pos) {
  if (pos == text.size()) malformed(text, "missing time zone offset (add Z or an offset such as +08:00)");
  const char sign = text[pos];
  if ((sign == 'Z' || sign == 'z') && pos + 1 == text.size()) return 0;
  if ((sign != '+' && sign != '-') || pos + 6 != text.size() || text[pos + 3] != ':')
    malformed(text, "the offset must be Z or +HH:MM / -HH:MM at the end");
  const int hours = fixed_digits(text, pos + 1, 2);
  const int minutes = fixed_digits(text, pos + 4, 2);
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) malformed(text, "offset out of range");
  const int total = hours * 60 + minutes;
  return sign == '-' ? -total : total;
}

}  // namespace

Instant instant_from_ms(std::int64_t epoch_ms) {
  const Instant t{Duration{epoch_ms}};
  if (t < min_instant || t > max_instant)
    throw RangeError(std::to_string(epoch_ms) +
                     " ms since the epoch is outside the supported range (years 1970-2200)");
  return t;
}

Instant parse_instant(std::string_view text) {
  // Fixed layout up to the seconds: YYYY-MM-DDTHH:MM:SS
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' '))
    malformed(text, "expected YYYY-MM-DDTHH:MM:SS followed by an offset");
  const int year = fixed_digits(text, 0, 4);
  const int month = fixed_digits(text, 5, 2);
  const int day = fixed_digits(text, 8, 2);
  const int hour = fixed_digits(text, 11, 2);
  const int minute = fixed_digits(text, 14, 2);
  const int second = fixed_digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
    malformed(text, "expected digits in YYYY-MM-DDTHH:MM:SS");
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) malformed(text, "no such calendar date");
  if (hour > 23 || minute > 59) malformed(text, "no such time of day");
  if (second > 59) malformed(text, "seconds must be 00-59 (leap seconds are not supported)");

  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      // Digits past milliseconds are truncated: the library's precision is 1 ms.
      if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == first) malformed(text, "a '.' must be followed by digits");
    for (std::size_t d = pos - first; d < 3; ++d) millis *= 10;
  }
  const int offset = parse_offset_minutes(text, pos);

  const auto local_days = date::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t ms = ((static_cast<std::int64_t>(local_days) * 24 + hour) * 60 + minute - offset) * 60000 +
                          std::int64_t{second} * 1000 + millis;
  const Instant t{Duration{ms}};
  if (t < min_instant || t > max_instant)
    throw RangeError(quoted(text) + " is outside the supported range (years 1970-2200 UTC)");
  return t;
}

namespace {

// Writes `t` as "YYYY-MM-DDThh:mm:ss", with ".mmm" when it has milliseconds, and returns the
// length, 19 or 23: the part of RFC 3339 before the offset.
std::size_t write_date_time(Instant t, char* text) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Duration> tod{t - day};
  const auto put = [&](std::size_t pos, std::size_t width, long long value) {
    for (std::size_t i = pos + width; i > pos; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  text[4] = text[7] = '-';
  put(5, 2, static_cast<unsigned>(ymd.month()));
  put(8, 2, static_cast<unsigned>(ymd.day()));
  text[10] = 'T';
  put(11, 2, tod.hours().count());
  text[13] = text[16] = ':';
  put(14, 2, tod.minutes().count());
  put(17, 2, tod.seconds().count());
  const auto ms = tod.subseconds().count();
  if (ms == 0) return 19;
  text[19] = '.';
  put(20, 3, ms);
  return 23;
}

}  // namespace

std::size_t detail::write_instant(Instant t, char (&text)[24]) {
  const std::size_t length = write_date_time(t, text);
  text[length] = 'Z';
  return length + 1;
}

std::size_t detail::write_instant(Instant t, std::chrono::minutes offset, char (&text)[29]) {
  const std::size_t length = write_date_time(t + offset, text);
  const auto minutes = offset.count() < 0 ? -offset.count() : offset.count();
  const auto digits = [&](std::size_t pos, long long value) {
    text[pos] = static_cast<char>('0' + value / 10);
    text[pos + 1] = static_cast<char>('0' + value % 10);
  };
  text[length] = offset.count() < 0 ? '-' : '+';
  digits(length + 1, minutes / 60);
  text[length + 3] = ':';
  digits(length + 4, minutes % 60);
  return length + 6;
}

std::string format_instant(Instant t) {
  char text[24];
  return {text, detail::write_instant(t, text)};
}

}  // namespace aftersales
