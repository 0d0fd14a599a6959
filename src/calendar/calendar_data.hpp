#pragma once
// The compiled form of a calendar and its lazily built per-year tables of open intervals.

#include <aftersales/values.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace date {
class time_zone;
}

namespace aftersales::detail {

/// Open hours on one local date, in minutes after that date's midnight. `end` may pass 1440
/// (an overnight range runs into the next day and belongs to the date it starts on).
struct LocalRange {
  std::int32_t start_minute;
  std::int32_t end_minute;
};
using DayHours = std::vector<LocalRange>;  // sorted, non-overlapping

/// Local dates `first_day..last_day`, as days since the epoch, inclusive.
struct DayRange {
  std::int32_t first_day;
  std::int32_t last_day;
};

/// Dates that follow `hours` instead of the weekly schedule (special hours, make-up workdays).
struct DateOverride {
  DayRange days;
  DayHours hours;  // empty: closed all day
};

/// Open intervals of one UTC calendar year, in seconds after the year's first instant, with a
/// prefix sum of open time so that add/between are binary searches. Intervals crossing the
/// new year are split at it.
struct YearBlock {
  std::int64_t base_ms = 0;          // the year's first instant, ms since the epoch
  std::vector<std::int32_t> starts;  // ascending
  std::vector<std::int32_t> ends;    // ends[i] < starts[i + 1]: touching intervals are merged
  std::vector<std::int32_t> open_before;  // open seconds before interval i; size n + 1
  /// Intervals starting before each UTC day of the year (day d begins d × 86,400 s after
  /// base), one entry past the year's last day: a query searches only its own day's intervals.
  std::vector<std::int32_t> started_before_day;

  static constexpr std::int32_t seconds_per_day = 86'400;

  [[nodiscard]] std::int64_t total_ms() const noexcept { return std::int64_t{open_before.back()} * 1000; }
  [[nodiscard]] std::size_t size() const noexcept { return starts.size(); }
  /// Number of intervals starting at or before `rel_ms` (ms after base).
  [[nodiscard]] std::size_t started_by(std::int64_t rel_ms) const noexcept;
  /// Open time in [base, base + rel_ms).
  [[nodiscard]] std::int64_t open_ms_before(std::int64_t rel_ms) const noexcept;
  /// The instant (ms after base) at which `open_ms` > 0 of open time has elapsed since base.
  [[nodiscard]] std::int64_t locate(std::int64_t open_ms) const noexcept;
};

/// Monday = 0 ... Sunday = 6 for a date given as days since the epoch (a Thursday).
inline constexpr std::size_t weekday_index(std::int32_t day) noexcept {
  return static_cast<std::size_t>(((day % 7) + 7 + 3) % 7);
}

inline constexpr int first_year = 1970;
inline constexpr int last_year = 2200;

class CalendarData {
 public:
  /// `overrides` and `holidays` are each sorted and free of overlaps; an override wins over
  /// a holiday on the same date.
  CalendarData(std::string name, const date::time_zone& zone, std::array<DayHours, 7> weekly,
               std::vector<DateOverride> overrides, std::vector<DayRange> holidays);
  ~CalendarData();
  CalendarData(const CalendarData&) = delete;
  CalendarData& operator=(const CalendarData&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& time_zone_name() const noexcept { return zone_name_; }

  /// The open intervals of UTC year `year`, built on first use. Lock-free and safe to call
  /// from many threads: racing builders publish with a compare-exchange and the loser's
  /// copy is discarded.
  [[nodiscard]] const YearBlock& year(int year) const;

  /// The open hours of local date `day` (days since the epoch) after applying overrides.
  [[nodiscard]] const DayHours& hours_on(std::int32_t day) const;

 private:
  YearBlock build(int year) const;

  std::string name_;
  std::string zone_name_;
  const date::time_zone* zone_;
  std::array<DayHours, 7> weekly_;      // indexed by ISO weekday - 1 (Monday = 0)
  std::vector<DateOverride> overrides_;
  std::vector<DayRange> holidays_;
  mutable std::array<std::atomic<const YearBlock*>, last_year - first_year + 1> years_{};
};

}  // namespace aftersales::detail
