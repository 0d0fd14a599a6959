#pragma once
// The compiled form of a calendar and its lazily built per-year tables of open intervals.

#include <aftersales/values.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
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

/// Weekly hours that replace the calendar's own from local date `from` on (an effective-dated
/// version: docs/calendars.md, "Versions").
struct WeeklyVersion {
  std::int32_t from;
  std::array<DayHours, 7> weekly;
};

/// The weekly hours in force on local date `day`: the latest version from on or before it, else
/// the calendar's own. `versions` is sorted by `from`, dates unique.
inline const std::array<DayHours, 7>& weekly_on(const std::array<DayHours, 7>& own,
                                                const std::vector<WeeklyVersion>& versions, std::int32_t day) {
  const auto later = std::upper_bound(versions.begin(), versions.end(), day,
                                      [](std::int32_t d, const WeeklyVersion& v) { return d < v.from; });
  return later == versions.begin() ? own : std::prev(later)->weekly;
}

/// Up to which local date a calendar's holiday data is known, and what later dates do
/// (docs/calendars.md, "Coverage").
struct Coverage {
  std::int32_t until_day;  // the last local date covered, days since the epoch
  bool error_beyond;       // a computation needing a later date throws; else later dates follow the weeks
};

/// A holiday on one month and day of each year `first_year..last_year`; 02-29 falls only in
/// leap years.
struct YearlyHoliday {
  unsigned month;  // 1..12
  unsigned day;    // 1..31
  int first_year;
  int last_year;
};

/// Whether one of `holidays` falls on local date `day` (days since the epoch).
[[nodiscard]] bool yearly_holiday_on(const std::vector<YearlyHoliday>& holidays, std::int32_t day) noexcept;

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
  [[nodiscard]] std::int64_t open_ms_before(std::int64_t rel_ms) const noexcept {
    return open_ms_before(rel_ms, started_by(rel_ms));
  }
  /// The same, given `started` = started_by(rel_ms).
  [[nodiscard]] std::int64_t open_ms_before(std::int64_t rel_ms, std::size_t started) const noexcept;
  /// The instant (ms after base) at which `open_ms` > 0 of open time has elapsed since base,
  /// given that it lies in interval `first` or later: searched from there by doubling steps,
  /// so that one near `first` (a short duration added) is found in a step or two.
  [[nodiscard]] std::int64_t locate(std::int64_t open_ms, std::size_t first = 0) const noexcept;
  /// The latest instant (ms after base) with `open_ms` of open time before it, for
  /// 0 <= `open_ms` < the year's total: inside an interval, or the start of the one after a gap.
  [[nodiscard]] std::int64_t locate_latest(std::int64_t open_ms) const noexcept;
};

/// Monday = 0 ... Sunday = 6 for a date given as days since the epoch (a Thursday).
inline constexpr std::size_t weekday_index(std::int32_t day) noexcept {
  return static_cast<std::size_t>(((day % 7) + 7 + 3) % 7);
}

inline constexpr int first_year = 1970;
inline constexpr int last_year = 2200;
inline constexpr std::size_t year_count = last_year - first_year + 1;
/// Local dates of instants in range fall in 1969 (west of UTC) to 2201 (east of it).
inline constexpr int first_local_year = first_year - 1;
inline constexpr std::size_t local_year_count = year_count + 2;

/// The `need_ms` of a query that reads only what a year's block holds (its total, an instant
/// located in it): a block cut at a horizon holds nothing past it.
inline constexpr std::int64_t reads_block_only = INT64_MIN;

/// A year's block while a query uses it. A calendar that keeps every year it builds hands out
/// plain references; one over its memory budget may drop a year while a query still reads it,
/// so the reference also owns the block until the query lets go.
class YearRef {
 public:
  explicit YearRef(const YearBlock& block) noexcept : block_(&block) {}
  explicit YearRef(std::shared_ptr<const YearBlock> block) noexcept : block_(block.get()), owner_(std::move(block)) {}

  [[nodiscard]] const YearBlock& operator*() const noexcept { return *block_; }
  [[nodiscard]] const YearBlock* operator->() const noexcept { return block_; }

 private:
  const YearBlock* block_;
  std::shared_ptr<const YearBlock> owner_;  // empty unless the year may be dropped
};

/// Memory a calendar's year blocks may hold (docs/calendars.md, "Memory"). A calendar whose
/// 231 years all fit keeps every year it builds; a denser one keeps the most recently used
/// years that fit.
inline constexpr std::size_t year_cache_budget = std::size_t{32} << 20;

class CalendarData {
 public:
  /// `overrides` and `holidays` are each sorted and free of overlaps; an override wins over
  /// a holiday, dated or yearly, on the same date. `versions` are sorted by date, each date once.
  CalendarData(std::string name, const date::time_zone& zone, std::array<DayHours, 7> weekly,
               std::vector<DateOverride> overrides, std::vector<DayRange> holidays,
               std::vector<YearlyHoliday> yearly_holidays, std::size_t budget = year_cache_budget,
               std::vector<WeeklyVersion> versions = {}, std::optional<Coverage> coverage = std::nullopt);
  ~CalendarData();
  CalendarData(const CalendarData&) = delete;
  CalendarData& operator=(const CalendarData&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& time_zone_name() const noexcept { return zone_name_; }

  /// The open intervals of UTC year `year`, built on first use, for a query that reads the
  /// calendar up to instant `need_ms` (exclusive; ms since the epoch). Safe to call from many
  /// threads. Within the budget it is lock-free: racing builders publish with a
  /// compare-exchange and the loser's copy is discarded. Over it, a mutex guards the years kept
  /// and the least recently used one is dropped to make room (builds run outside the mutex).
  ///
  /// A coverage horizon with "beyond": "error" costs the hot path nothing: the year holding
  /// the horizon and the years after it are never published there, so only their queries
  /// reach the slow path, which compares `need_ms` with the horizon. That year's block stops
  /// at the horizon, so a walk forwards (add, next_open) runs off its end into a later year
  /// and throws there instead of reading hours that are not known.
  /// @throws RangeError naming the calendar and its horizon when the query needs a date after it.
  [[nodiscard]] YearRef year(int year, std::int64_t need_ms) const {
    // The hot path, inline: a year already built by a calendar that keeps all of them.
    if (!lru_)
      if (const YearBlock* ready = years_[static_cast<std::size_t>(year - first_year)].load(std::memory_order_acquire))
        return YearRef(*ready);
    return first_use(year, need_ms);
  }

  /// The year's open time in ms: remembered for every year once built, even one dropped
  /// since, so spans of whole years never rebuild them.
  [[nodiscard]] std::int64_t year_total_ms(int year) const;

  /// At most this many years are kept at once; `year_count` when all of them fit the budget.
  [[nodiscard]] std::size_t years_kept() const noexcept;
  /// How many years are kept now.
  [[nodiscard]] std::size_t years_held() const;

  /// For queries that read no year block past what they need (the closes, business days):
  /// throws as `year` does when instant `need_ms` (exclusive) or local date `need_day` lies
  /// after a coverage horizon with "beyond": "error".
  void require_known(std::int64_t need_ms, std::int32_t need_day) const;

  /// The open hours of local date `day` (days since the epoch) after applying overrides.
  [[nodiscard]] const DayHours& hours_on(std::int32_t day) const;

  [[nodiscard]] const date::time_zone& zone() const noexcept { return *zone_; }

  /// Business days (local dates with open hours) of local year `year` before each of its
  /// dates: entry i counts dates 0..i-1, the last entry the whole year. Built on first use
  /// and kept (under 1 KB a year), published lock-free like the year blocks.
  [[nodiscard]] const std::vector<std::int16_t>& business_days(int year) const;

 private:
  YearBlock build(int year) const;
  YearRef first_use(int year, std::int64_t need_ms) const;  // not built yet, kept by last use, or past the horizon
  YearRef publish(std::atomic<const YearBlock*>& slot, int year) const;
  YearRef kept_year(std::size_t index) const;
  YearRef horizon_year(int year, std::int64_t need_ms) const;
  [[noreturn]] void beyond_coverage() const;

  // The years kept by a calendar over the budget, by last use.
  struct LruYears {
    std::mutex mutex;
    std::size_t capacity = 0;
    std::size_t kept = 0;
    std::uint64_t clock = 0;
    std::array<std::shared_ptr<const YearBlock>, year_count> blocks;
    std::array<std::uint64_t, year_count> last_use{};
  };

  std::string name_;
  std::string zone_name_;
  const date::time_zone* zone_;
  std::array<DayHours, 7> weekly_;      // indexed by ISO weekday - 1 (Monday = 0)
  std::vector<DateOverride> overrides_;
  std::vector<DayRange> holidays_;
  std::vector<YearlyHoliday> yearly_holidays_;
  std::vector<WeeklyVersion> versions_;
  std::optional<Coverage> coverage_;
  // With "beyond": "error": the horizon (the local midnight after `until`) and its UTC year;
  // otherwise past the supported range, so no year reaches them.
  std::int64_t horizon_ms_ = INT64_MAX;
  int horizon_year_ = last_year + 1;
  mutable std::atomic<const YearBlock*> horizon_block_{nullptr};  // the horizon's year, cut at it
  mutable std::array<std::atomic<const YearBlock*>, year_count> years_{};  // within the budget
  mutable std::unique_ptr<LruYears> lru_;                                   // over it; else null
  mutable std::array<std::atomic<std::int64_t>, year_count> totals_ms_;    // −1 until built
  mutable std::array<std::atomic<const std::vector<std::int16_t>*>, local_year_count> business_days_{};
};

// The one way to make a Calendar from its compiled schedule (Calendar befriends it).
struct CalendarAccess {
  static Calendar make(std::shared_ptr<const CalendarData> data) noexcept { return Calendar(std::move(data)); }
  // Copies of one calendar share their data: what tells them apart from another calendar.
  static const CalendarData* data(const Calendar& calendar) noexcept { return calendar.data_.get(); }
};

}  // namespace aftersales::detail
