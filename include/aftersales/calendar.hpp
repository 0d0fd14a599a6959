#pragma once
/// @file
/// Business-hours calendars (spec §2): weekly hours in an IANA time zone, holidays, make-up
/// working days and special hours, answering "is it open", "when does it open", "when is
/// this much business time from now" and "how much business time lies between".

#include <aftersales/export.h>
#include <aftersales/values.hpp>

#include <memory>
#include <string>

namespace aftersales {

namespace detail {
class CalendarData;
struct CalendarAccess;
}

/// A compiled calendar. A cheap handle: copies share one immutable schedule, which stays
/// alive as long as any copy does (independently of the Policy it came from).
///
/// Thread-safety: immutable and safe to share across threads. Open intervals are computed
/// lazily a year at a time and cached without locks; the cost of `add` and `between` does
/// not grow with the duration or the number of holidays crossed.
///
/// Business time is real elapsed time inside open intervals (a 00:00-06:00 shift on a
/// fall-back night lasts 7 hours). Every operation throws RangeError when an argument or the
/// result lies outside years 1970-2200.
class AFTERSALES_EXPORT Calendar {
 public:
  /// The calendar's name in the policy.
  [[nodiscard]] const std::string& name() const noexcept;
  /// The IANA time zone its hours are written in, e.g. `"Asia/Shanghai"`.
  [[nodiscard]] const std::string& time_zone() const noexcept;

  /// True when `t` lies inside an open interval (start inclusive, end exclusive).
  [[nodiscard]] bool is_open(Instant t) const;

  /// `t` itself if open, else the start of the next open interval.
  /// @throws RangeError if the calendar never opens again before 2201.
  [[nodiscard]] Instant next_open(Instant t) const;

  /// The earliest instant `u >= t` with exactly `d` of open time in `[t, u)`. `add(t, 0) == t`;
  /// a result that lands on the end of an open interval is that end, not the next opening.
  /// @throws InputError if `d` is negative; RangeError if the result is beyond 2200.
  [[nodiscard]] Instant add(Instant t, Duration d) const;

  /// Open time in `[from, to)`; negative when `to < from`.
  [[nodiscard]] Duration between(Instant from, Instant to) const;

 private:
  friend struct detail::CalendarAccess;  // how the calendar compiler makes one
  explicit Calendar(std::shared_ptr<const detail::CalendarData> data) noexcept;
  std::shared_ptr<const detail::CalendarData> data_;
};

}  // namespace aftersales
