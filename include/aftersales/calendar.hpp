#pragma once
/// @file
/// Business-hours calendars (spec §2): weekly hours in an IANA time zone, holidays, make-up
/// working days and special hours, answering "is it open", "when does it open", "when is
/// this much business time from now" and "how much business time lies between".

#include <aftersales/export.h>
#include <aftersales/values.hpp>

#include <cstdint>
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

  /// The latest instant `u <= t` with exactly `d` of open time in `[u, t)`: `add` run
  /// backwards. `subtract(t, 0) == t`; a result that lands on the start of a closed gap is the
  /// start of the open interval after it (the latest such instant), never the close before.
  /// @throws InputError if `d` is negative; RangeError if the result is before 1970.
  [[nodiscard]] Instant subtract(Instant t, Duration d) const;

  /// The first close after `t`: the end of the open interval holding `t`, or of the next one
  /// when `t` is closed (exactly at a close, `t` is closed: the next interval's end). Touching
  /// intervals are one interval: their shared instant is not a close.
  /// @throws RangeError if no open interval ends before 2201.
  [[nodiscard]] Instant next_close(Instant t) const;

  /// The last close at or before `t` (exactly at a close, `t` itself), so that
  /// `previous_close(t) <= t < next_close(t)`.
  /// @throws RangeError if no open interval ends in 1970 or later before `t`.
  [[nodiscard]] Instant previous_close(Instant t) const;

  /// The end of the `n`-th business day after the local date of `t`, a business day being a
  /// local date with open hours after holidays, make-up working days and special hours. Its
  /// end is the end of that date's last range (on split shifts, the evening shift's end). With
  /// `n == 0`: the end of `t`'s own date if it is a business day (even if `t` is after it),
  /// else of the next business day.
  /// @throws InputError if `n` is negative; RangeError if that day is beyond 2200.
  [[nodiscard]] Instant business_day_end(Instant t, int n) const;

  /// The business days among the local dates in `(date of from, date of to]`: the count of
  /// business days crossed from one to the other, so that
  /// `business_days_between(t, business_day_end(t, n)) == n` for `n >= 1` when that day ends
  /// before midnight (a day ending at 24:00 or after it ends on the next date). Negative when
  /// `to < from`; 0 on the same date.
  [[nodiscard]] std::int64_t business_days_between(Instant from, Instant to) const;

 private:
  friend struct detail::CalendarAccess;  // how the calendar compiler makes one
  explicit Calendar(std::shared_ptr<const detail::CalendarData> data) noexcept;
  std::shared_ptr<const detail::CalendarData> data_;
};

}  // namespace aftersales
