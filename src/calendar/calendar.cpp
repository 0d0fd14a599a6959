#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <utility>

#include "calendar/calendar_data.hpp"
#include "calendar/calendars.hpp"
#include "calendar/zone_converter.hpp"
#include "logging/log.hpp"
#include "text/text.hpp"

namespace aftersales {
namespace detail {
namespace {

constexpr std::int64_t ms_per_s = 1000;

// First instant of each UTC year 1970..2201, in ms: year lookups are on every hot path.
constexpr auto year_starts = [] {
  std::array<std::int64_t, last_year - first_year + 2> starts{};
  for (int y = first_year; y <= last_year + 1; ++y) {
    const date::sys_days day{date::year{y} / 1 / 1};
    starts[static_cast<std::size_t>(y - first_year)] = std::int64_t{day.time_since_epoch().count()} * 86'400'000;
  }
  return starts;
}();

std::int64_t year_start_ms(int year) { return year_starts[static_cast<std::size_t>(year - first_year)]; }

// The UTC year of an instant in range: an estimate from the mean Gregorian year, corrected.
int year_of(Instant t) {
  const std::int64_t ms = t.time_since_epoch().count();
  auto y = static_cast<int>(first_year + ms / 31'556'952'000);
  if (y > last_year) y = last_year;
  while (year_start_ms(y) > ms) --y;
  while (y < last_year && year_start_ms(y + 1) <= ms) ++y;
  return y;
}

void require_in_range(Instant t, const char* what) {
  if (t < min_instant || t > max_instant)
    throw RangeError(std::string(what) + " " + std::to_string(t.time_since_epoch().count()) +
                     " ms is outside the supported range (years 1970-2200)");
}

[[noreturn]] void result_out_of_range(const std::string& calendar) {
  throw RangeError("the result lies beyond the supported range (year 2200) on calendar " + detail::quoted(calendar));
}

[[noreturn]] void no_open_time_left(const std::string& calendar) {
  throw RangeError("calendar " + detail::quoted(calendar) + " has no open time left before 2201");
}

[[noreturn]] void no_business_day_left(const std::string& calendar, int n) {
  throw RangeError("calendar " + detail::quoted(calendar) + " has no business day " + std::to_string(n) +
                   " that ends before 2201");
}

// Open time runs out before the duration does: the message says how much was asked for.
[[noreturn]] void too_little_open_time_left(const std::string& calendar, Duration d) {
  throw RangeError("the result lies beyond the supported range (year 2200): calendar " + detail::quoted(calendar) +
                   " has less than " + format_duration(d) + " of open time left before 2201");
}

[[noreturn]] void result_before_range(const std::string& calendar) {
  throw RangeError("the result lies before the supported range (year 1970) on calendar " + detail::quoted(calendar));
}

}  // namespace

std::size_t YearBlock::started_by(std::int64_t rel_ms) const noexcept {
  // starts[i] * 1000 <= rel_ms  <=>  starts[i] <= floor(rel_ms / 1000); rel_ms is never negative.
  const auto key = static_cast<std::int32_t>(rel_ms / ms_per_s);
  // Every interval starting before the key's UTC day counts; only that day's few are searched.
  const auto day = static_cast<std::size_t>(key / seconds_per_day);
  const auto first = static_cast<std::size_t>(started_before_day[day]);
  const auto last = static_cast<std::size_t>(started_before_day[day + 1]);
  if (last - first > 8)
    return static_cast<std::size_t>(std::upper_bound(starts.begin() + static_cast<std::ptrdiff_t>(first),
                                                     starts.begin() + static_cast<std::ptrdiff_t>(last), key) -
                                    starts.begin());
  // A day's few intervals are counted without a branch on each: a binary search's branches
  // depend on the instant and are often mispredicted (under perf, this function went from 8%
  // to 5.5% of the status clocks' report's time).
  std::size_t started = first;
  for (std::size_t i = first; i < last; ++i) started += static_cast<std::size_t>(starts[i] <= key);
  return started;
}

std::int64_t YearBlock::open_ms_before(std::int64_t rel_ms, std::size_t started) const noexcept {
  const std::size_t n = started;
  if (n == 0) return 0;
  const std::size_t i = n - 1;
  const std::int64_t end_ms = std::int64_t{ends[i]} * ms_per_s;
  if (rel_ms >= end_ms) return std::int64_t{open_before[n]} * ms_per_s;
  return std::int64_t{open_before[i]} * ms_per_s + rel_ms - std::int64_t{starts[i]} * ms_per_s;
}

std::int64_t YearBlock::locate(std::int64_t open_ms, std::size_t first) const noexcept {
  // The first interval whose end has open_ms of open time before it: open_before[i + 1] * 1000 >= open_ms.
  const auto key = static_cast<std::int32_t>((open_ms + ms_per_s - 1) / ms_per_s);
  std::size_t low = first + 1;  // open_before[j] < key for every j below it
  std::size_t high = low;
  for (std::size_t step = 1; high < open_before.size() && open_before[high] < key; step *= 2) {
    low = high + 1;
    high += step;
  }
  const auto it = std::lower_bound(open_before.begin() + static_cast<std::ptrdiff_t>(low),
                                   open_before.begin() + static_cast<std::ptrdiff_t>(std::min(high, open_before.size())), key);
  const auto i = static_cast<std::size_t>(it - open_before.begin() - 1);
  return std::int64_t{starts[i]} * ms_per_s + open_ms - std::int64_t{open_before[i]} * ms_per_s;
}

std::int64_t YearBlock::locate_latest(std::int64_t open_ms) const noexcept {
  // The first interval with more than open_ms of open time before its end: at the end of one
  // interval the open time before the next interval's start is the same, and that start is later.
  const auto key = static_cast<std::int32_t>(open_ms / ms_per_s);
  const auto it = std::upper_bound(open_before.begin() + 1, open_before.end(), key);
  const auto i = static_cast<std::size_t>(it - open_before.begin() - 1);
  return std::int64_t{starts[i]} * ms_per_s + open_ms - std::int64_t{open_before[i]} * ms_per_s;
}

namespace {

// The most one year's block can hold: each of the local dates that can reach into the year
// (366 and the margin `build` reads on each side) with the most ranges any date has, each range
// giving at most one interval in a year, 12 bytes each; and the per-day index.
std::size_t year_bytes_bound(const std::array<DayHours, 7>& weekly, const std::vector<DateOverride>& overrides,
                             const std::vector<WeeklyVersion>& versions) {
  std::size_t ranges = 1;
  for (const DayHours& hours : weekly) ranges = std::max(ranges, hours.size());
  for (const WeeklyVersion& v : versions)
    for (const DayHours& hours : v.weekly) ranges = std::max(ranges, hours.size());
  for (const DateOverride& o : overrides) ranges = std::max(ranges, o.hours.size());
  constexpr std::size_t dates = 366 + 4;
  constexpr std::size_t index_bytes = (366 + 2) * sizeof(std::int32_t);
  return sizeof(YearBlock) + (dates * ranges + 1) * 3 * sizeof(std::int32_t) + index_bytes;
}

}  // namespace

bool yearly_holiday_on(const std::vector<YearlyHoliday>& holidays, std::int32_t day) noexcept {
  // Only year blocks being built ask, so a plain scan of a few entries is cheap enough.
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month()), mday = static_cast<unsigned>(ymd.day());
  return std::any_of(holidays.begin(), holidays.end(), [&](const YearlyHoliday& h) {
    return h.month == month && h.day == mday && h.first_year <= year && year <= h.last_year;
  });
}

CalendarData::CalendarData(std::string name, const date::time_zone& zone, std::array<DayHours, 7> weekly,
                           std::vector<DateOverride> overrides, std::vector<DayRange> holidays,
                           std::vector<YearlyHoliday> yearly_holidays, std::size_t budget,
                           std::vector<WeeklyVersion> versions, std::optional<Coverage> coverage)
    : name_(std::move(name)),
      zone_name_(zone.name()),
      zone_(&zone),
      weekly_(std::move(weekly)),
      overrides_(std::move(overrides)),
      holidays_(std::move(holidays)),
      yearly_holidays_(std::move(yearly_holidays)),
      versions_(std::move(versions)),
      coverage_(coverage) {
  for (auto& total : totals_ms_) total.store(-1, std::memory_order_relaxed);
  if (coverage_ && coverage_->error_beyond) {
    const date::local_seconds after{std::chrono::seconds{(std::int64_t{coverage_->until_day} + 1) * 86'400}};
    horizon_ms_ = to_instant(zone, after).time_since_epoch().count() * ms_per_s;
    horizon_year_ = year_of(Instant{Duration{std::min(horizon_ms_, max_instant.time_since_epoch().count())}});
  }
  const std::size_t bound = year_bytes_bound(weekly_, overrides_, versions_);
  if (bound * year_count <= budget) return;  // every year fits: keep all, lock-free
  lru_ = std::make_unique<LruYears>();
  // Two years at least: a query spanning a new year holds one while it fetches the next.
  lru_->capacity = std::max<std::size_t>(2, budget / bound);
}

CalendarData::~CalendarData() {
  for (auto& slot : years_) delete slot.load(std::memory_order_acquire);
  delete horizon_block_.load(std::memory_order_acquire);
  for (auto& slot : business_days_) delete slot.load(std::memory_order_acquire);
}

const DayHours& CalendarData::hours_on(std::int32_t day) const {
  static const DayHours closed;
  const auto covering = [day](const auto& ranges, auto days_of) {
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), day,
                                     [&](std::int32_t d, const auto& r) { return d < days_of(r).first_day; });
    return it != ranges.begin() && days_of(*std::prev(it)).last_day >= day ? std::prev(it) : ranges.end();
  };
  if (const auto o = covering(overrides_, [](const DateOverride& r) { return r.days; }); o != overrides_.end())
    return o->hours;
  if (covering(holidays_, [](const DayRange& r) { return r; }) != holidays_.end()) return closed;
  if (!yearly_holidays_.empty() && yearly_holiday_on(yearly_holidays_, day)) return closed;
  return weekly_on(weekly_, versions_, day)[weekday_index(day)];
}

YearBlock CalendarData::build(int year) const {
  YearBlock block;
  block.base_ms = year_start_ms(year);
  const std::int64_t base_s = block.base_ms / ms_per_s;
  const std::int64_t year_end_s = year_start_ms(year + 1) / ms_per_s;
  // The horizon's year stops at it: what lies after is not known.
  const std::int64_t limit_s = std::min(year_end_s, horizon_ms_ / ms_per_s);

  // Local dates whose hours can reach into this UTC year: offsets stay within ±1 day and a
  // range lasts at most a day, so two days of margin on each side cover every case.
  const auto first_day = static_cast<std::int32_t>(base_s / 86'400 - 2);
  const auto last_day = static_cast<std::int32_t>(limit_s / 86'400 + 1);
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
  for (std::int32_t day = first_day; day <= last_day; ++day) {
    const date::local_seconds midnight{std::chrono::seconds{std::int64_t{day} * 86'400}};
    for (const LocalRange& range : hours_on(day)) {
      const auto start = to_instant(*zone_, midnight + std::chrono::minutes{range.start_minute});
      const auto end = to_instant(*zone_, midnight + std::chrono::minutes{range.end_minute});
      const std::int64_t s = std::max(start.time_since_epoch().count(), base_s);
      const std::int64_t e = std::min(end.time_since_epoch().count(), limit_s);
      if (s < e) intervals.emplace_back(s - base_s, e - base_s);
    }
  }
  std::sort(intervals.begin(), intervals.end());

  std::int32_t open = 0;
  block.open_before.push_back(0);
  for (const auto& [s, e] : intervals) {
    // Overnight spill-over can overlap or touch the next day's hours: merge into one interval.
    if (!block.ends.empty() && s <= block.ends.back()) {
      if (e > block.ends.back()) {
        open += static_cast<std::int32_t>(e - block.ends.back());
        block.ends.back() = static_cast<std::int32_t>(e);
        block.open_before.back() = open;
      }
      continue;
    }
    block.starts.push_back(static_cast<std::int32_t>(s));
    block.ends.push_back(static_cast<std::int32_t>(e));
    open += static_cast<std::int32_t>(e - s);
    block.open_before.push_back(open);
  }
  block.starts.shrink_to_fit();
  block.ends.shrink_to_fit();
  block.open_before.shrink_to_fit();
  const auto days = static_cast<std::size_t>((year_end_s - base_s) / YearBlock::seconds_per_day);
  block.started_before_day.resize(days + 2);
  std::size_t started = 0;
  for (std::size_t day = 0; day < block.started_before_day.size(); ++day) {
    const auto day_start = static_cast<std::int64_t>(day) * YearBlock::seconds_per_day;
    while (started < block.starts.size() && block.starts[started] < day_start) ++started;
    block.started_before_day[day] = static_cast<std::int32_t>(started);
  }
  return block;
}

YearRef CalendarData::first_use(int y, std::int64_t need_ms) const {
  if (y >= horizon_year_) return horizon_year(y, need_ms);
  const auto index = static_cast<std::size_t>(y - first_year);
  if (lru_) return kept_year(index);
  return publish(years_[index], y);
}

YearRef CalendarData::publish(std::atomic<const YearBlock*>& slot, int y) const {
  auto* built = new YearBlock(build(y));
  totals_ms_[static_cast<std::size_t>(y - first_year)].store(built->total_ms(), std::memory_order_relaxed);
  const YearBlock* expected = nullptr;
  if (slot.compare_exchange_strong(expected, built, std::memory_order_acq_rel, std::memory_order_acquire)) {
    log()->debug("calendar {}: built open intervals of {} ({} intervals)", name_, y, built->size());
    return YearRef(*built);
  }
  delete built;  // another thread published the same year first
  return YearRef(*expected);
}

YearRef CalendarData::kept_year(std::size_t index) const {
  LruYears& lru = *lru_;
  {
    const std::lock_guard lock(lru.mutex);
    lru.last_use[index] = ++lru.clock;
    if (const auto& kept = lru.blocks[index]) return YearRef(kept);
  }
  // Built outside the mutex: a dense year takes tens of milliseconds, and the years kept stay
  // available meanwhile. Two threads may build the same year; the second copy is discarded.
  const int y = first_year + static_cast<int>(index);
  auto built = std::make_shared<const YearBlock>(build(y));
  totals_ms_[index].store(built->total_ms(), std::memory_order_relaxed);
  const std::lock_guard lock(lru.mutex);
  auto& slot = lru.blocks[index];
  if (!slot) {
    if (lru.kept == lru.capacity) {
      // Drop the least recently used year; a query still reading it keeps it alive until done.
      std::size_t oldest = index;
      for (std::size_t i = 0; i < year_count; ++i)
        if (lru.blocks[i] && (oldest == index || lru.last_use[i] < lru.last_use[oldest])) oldest = i;
      lru.blocks[oldest].reset();
      --lru.kept;
    }
    log()->debug("calendar {}: built open intervals of {} ({} intervals; {} years kept at most)", name_, y,
                 built->size(), lru.capacity);
    slot = std::move(built);
    ++lru.kept;
  }
  lru.last_use[index] = ++lru.clock;
  return YearRef(slot);
}

YearRef CalendarData::horizon_year(int y, std::int64_t need_ms) const {
  if (y > horizon_year_ || need_ms > horizon_ms_) beyond_coverage();
  // Kept apart from the years of the fast path (and of the budget: it is one year).
  if (const YearBlock* ready = horizon_block_.load(std::memory_order_acquire)) return YearRef(*ready);
  return publish(horizon_block_, y);
}

void CalendarData::beyond_coverage() const {
  const std::int32_t until = coverage_->until_day;
  const auto next = date::year_month_day{date::sys_days{date::days{until + 1}}};
  throw BeyondCoverage("calendar " + quoted(name_) + " knows its holidays until " +
                   date::format("%F", date::sys_days{date::days{until}}) +
                   " (\"coverage\": {\"beyond\": \"error\"}), and this computation needs " +
                   date::format("%F", date::sys_days{next}) + " or later (year " +
                   std::to_string(static_cast<int>(next.year())) + "): extend its holiday data and \"until\"");
}

void CalendarData::require_known(std::int64_t need_ms, std::int32_t need_day) const {
  if (need_ms > horizon_ms_ || (horizon_year_ <= last_year && need_day > coverage_->until_day)) beyond_coverage();
}

const std::vector<std::int16_t>& CalendarData::business_days(int y) const {
  auto& slot = business_days_[static_cast<std::size_t>(y - first_local_year)];
  if (const auto* ready = slot.load(std::memory_order_acquire)) return *ready;
  const auto first = static_cast<std::int32_t>(date::sys_days{date::year{y} / 1 / 1}.time_since_epoch().count());
  const auto last = static_cast<std::int32_t>(date::sys_days{date::year{y + 1} / 1 / 1}.time_since_epoch().count());
  auto built = std::make_unique<std::vector<std::int16_t>>();
  built->reserve(static_cast<std::size_t>(last - first + 1));
  std::int16_t count = 0;
  built->push_back(count);
  for (std::int32_t day = first; day < last; ++day) {
    if (!hours_on(day).empty()) ++count;
    built->push_back(count);
  }
  const std::vector<std::int16_t>* expected = nullptr;
  if (slot.compare_exchange_strong(expected, built.get(), std::memory_order_acq_rel, std::memory_order_acquire))
    return *built.release();
  return *expected;  // another thread published the same year first
}

std::int64_t CalendarData::year_total_ms(int y) const {
  const std::int64_t known = totals_ms_[static_cast<std::size_t>(y - first_year)].load(std::memory_order_relaxed);
  return known >= 0 ? known : year(y, reads_block_only)->total_ms();
}

std::size_t CalendarData::years_kept() const noexcept { return lru_ ? lru_->capacity : year_count; }

std::size_t CalendarData::years_held() const {
  if (lru_) {
    const std::lock_guard lock(lru_->mutex);
    return lru_->kept;
  }
  return static_cast<std::size_t>(std::count_if(years_.begin(), years_.end(), [](const auto& slot) {
    return slot.load(std::memory_order_acquire) != nullptr;
  }));
}

const Calendar& calendar_named(const Calendars& calendars, std::string_view name) {
  const auto it = calendars.find(name);
  if (it != calendars.end()) return it->second;
  std::string known;
  for (const auto& [n, c] : calendars) known += (known.empty() ? "" : ", ") + n;
  throw NotFoundError("no calendar named " + quoted(name) + " in the policy (calendars: " +
                      (known.empty() ? std::string("none") : known) + ")");
}

namespace {

// The end of the open interval that piece `i` of year `y`'s block belongs to: a piece ending
// at the UTC new year goes on in the next year's block when that one opens at its start.
Instant close_of(const CalendarData& data, int y, std::size_t i) {
  for (;;) {
    const YearRef block = data.year(y, reads_block_only);
    const std::int64_t end_ms = block->base_ms + std::int64_t{block->ends[i]} * ms_per_s;
    data.require_known(end_ms + 1, INT32_MIN);  // a piece cut at a horizon may go on after it
    if (i + 1 < block->size() || end_ms != year_start_ms(y + 1)) return Instant{Duration{end_ms}};
    if (y == last_year)
      throw RangeError("no open interval of calendar " + quoted(data.name()) + " ends before 2201");
    const YearRef next = data.year(y + 1, reads_block_only);
    if (next->size() == 0 || next->starts[0] != 0) return Instant{Duration{end_ms}};
    ++y;
    i = 0;
  }
}

// Whether the last piece of year y's block ends there (it may run on into y + 1).
bool last_piece_closes(const CalendarData& data, int y, const YearBlock& block) {
  if (std::int64_t{block.ends.back()} * ms_per_s != year_start_ms(y + 1) - block.base_ms) return true;
  const YearRef next = data.year(y + 1, reads_block_only);
  return next->size() == 0 || next->starts[0] != 0;
}

std::int32_t local_day(const CalendarData& data, Instant t) {
  const auto local = data.zone().to_local(t);
  return static_cast<std::int32_t>(date::floor<date::days>(local).time_since_epoch().count());
}

int local_year(std::int32_t day) {
  return static_cast<int>(date::year_month_day{date::sys_days{date::days{day}}}.year());
}

std::int32_t new_year_day(int y) {
  return static_cast<std::int32_t>(date::sys_days{date::year{y} / 1 / 1}.time_since_epoch().count());
}

// Business days among local dates [first, last), by whole local years and two prefix lookups.
std::int64_t business_days_in(const CalendarData& data, std::int32_t first, std::int32_t last) {
  const int y_first = local_year(first);
  const int y_last = local_year(last);
  std::int64_t count = -data.business_days(y_first)[static_cast<std::size_t>(first - new_year_day(y_first))];
  for (int y = y_first; y < y_last; ++y) count += data.business_days(y).back();
  return count + data.business_days(y_last)[static_cast<std::size_t>(last - new_year_day(y_last))];
}

// The k-th (k >= 1) business day on or after local date `from`.
std::int32_t nth_business_day(const CalendarData& data, std::int32_t from, int k) {
  int y = local_year(from);
  std::int64_t wanted = data.business_days(y)[static_cast<std::size_t>(from - new_year_day(y))] + k;
  while (wanted > data.business_days(y).back()) {
    wanted -= data.business_days(y).back();
    if (++y >= first_local_year + static_cast<int>(local_year_count)) no_business_day_left(data.name(), k);
  }
  const auto& counts = data.business_days(y);
  // counts[i + 1] counts date i itself: the first date whose count reaches `wanted`.
  const auto it = std::lower_bound(counts.begin() + 1, counts.end(), wanted);
  return new_year_day(y) + static_cast<std::int32_t>(it - counts.begin() - 1);
}

}  // namespace

}  // namespace detail

using detail::first_year;
using detail::last_year;

Calendar::Calendar(std::shared_ptr<const detail::CalendarData> data) noexcept : data_(std::move(data)) {}

const std::string& Calendar::name() const noexcept { return data_->name(); }
const std::string& Calendar::time_zone() const noexcept { return data_->time_zone_name(); }

bool Calendar::is_open(Instant t) const {
  detail::require_in_range(t, "instant");
  const detail::YearRef block = data_->year(detail::year_of(t), t.time_since_epoch().count() + 1);
  const std::int64_t rel = t.time_since_epoch().count() - block->base_ms;
  const std::size_t n = block->started_by(rel);
  return n > 0 && rel < std::int64_t{block->ends[n - 1]} * 1000;
}

Instant Calendar::next_open(Instant t) const {
  detail::require_in_range(t, "instant");
  int y = detail::year_of(t);
  {
    const detail::YearRef block = data_->year(y, t.time_since_epoch().count() + 1);
    const std::int64_t rel = t.time_since_epoch().count() - block->base_ms;
    const std::size_t n = block->started_by(rel);
    if (n > 0 && rel < std::int64_t{block->ends[n - 1]} * 1000) return t;
    if (n < block->size()) return Instant{Duration{block->base_ms + std::int64_t{block->starts[n]} * 1000}};
  }
  for (++y; y <= last_year; ++y) {
    // A year without open time needs no block: its remembered total says so.
    if (data_->year_total_ms(y) == 0) continue;
    const detail::YearRef later = data_->year(y, detail::reads_block_only);
    return Instant{Duration{later->base_ms + std::int64_t{later->starts[0]} * 1000}};
  }
  detail::no_open_time_left(name());
}

Instant Calendar::add(Instant t, Duration d) const {
  detail::require_in_range(t, "instant");
  if (d < Duration::zero())
    throw InputError("cannot add a negative duration (" + format_duration(d) + ") of business time: use subtract");
  if (d == Duration::zero()) return t;
  if (d > max_instant - min_instant) detail::result_out_of_range(name());
  int y = detail::year_of(t);
  std::int64_t wanted = 0;  // open time still wanted, counted from the start of year y
  std::int64_t total = 0;
  {
    const detail::YearRef block = data_->year(y, t.time_since_epoch().count() + 1);
    const std::int64_t rel = t.time_since_epoch().count() - block->base_ms;
    const std::size_t started = block->started_by(rel);
    wanted = block->open_ms_before(rel, started) + d.count();
    total = block->total_ms();
    // The usual case, an answer in the same year: at or after the interval `t` is in (or the
    // one before it), so the search starts there.
    if (wanted <= total) {
      const Instant result{Duration{block->base_ms + block->locate(wanted, started == 0 ? 0 : started - 1)}};
      if (result > max_instant) detail::too_little_open_time_left(name(), d);
      return result;
    }
  }
  // Whole years are skipped by their totals, without their blocks.
  while (wanted > total) {
    wanted -= total;
    if (++y > last_year) detail::too_little_open_time_left(name(), d);
    total = data_->year_total_ms(y);
  }
  const detail::YearRef block = data_->year(y, detail::reads_block_only);  // `wanted` is within its total
  const Instant result{Duration{block->base_ms + block->locate(wanted)}};
  if (result > max_instant) detail::too_little_open_time_left(name(), d);
  return result;
}

Duration Calendar::between(Instant from, Instant to) const {
  detail::require_in_range(from, "start");
  detail::require_in_range(to, "end");
  if (to < from) return -between(to, from);
  const int first = detail::year_of(from);
  const int last = detail::year_of(to);
  std::int64_t open = 0;
  {
    const detail::YearRef block = data_->year(first, to.time_since_epoch().count());
    open = -block->open_ms_before(from.time_since_epoch().count() - block->base_ms);
    if (first == last) return Duration{open + block->open_ms_before(to.time_since_epoch().count() - block->base_ms)};
    open += block->total_ms();
  }
  // Whole years between by their totals, without their blocks.
  for (int y = first + 1; y < last; ++y) open += data_->year_total_ms(y);
  const detail::YearRef block = data_->year(last, to.time_since_epoch().count());
  return Duration{open + block->open_ms_before(to.time_since_epoch().count() - block->base_ms)};
}

Instant Calendar::subtract(Instant t, Duration d) const {
  detail::require_in_range(t, "instant");
  if (d < Duration::zero())
    throw InputError("cannot subtract a negative duration (" + format_duration(d) + ") of business time: use add");
  if (d == Duration::zero()) return t;
  if (d > max_instant - min_instant) detail::result_before_range(name());
  int y = detail::year_of(t);
  std::int64_t wanted = 0;  // open time before the result, counted from the start of year y
  {
    const detail::YearRef block = data_->year(y, t.time_since_epoch().count());
    wanted = block->open_ms_before(t.time_since_epoch().count() - block->base_ms) - d.count();
  }
  // Whole years are skipped by their totals, without their blocks. `wanted` stays below the
  // total of the year it lands in (d > 0), so the result is in that year.
  while (wanted < 0) {
    if (--y < first_year) detail::result_before_range(name());
    wanted += data_->year_total_ms(y);
  }
  const detail::YearRef block = data_->year(y, detail::reads_block_only);
  return Instant{Duration{block->base_ms + block->locate_latest(wanted)}};
}

Instant Calendar::next_close(Instant t) const {
  detail::require_in_range(t, "instant");
  int y = detail::year_of(t);
  {
    const detail::YearRef block = data_->year(y, t.time_since_epoch().count() + 1);
    const std::int64_t rel = t.time_since_epoch().count() - block->base_ms;
    const std::size_t n = block->started_by(rel);
    // The piece holding t, else the next one.
    const std::size_t i = n > 0 && rel < std::int64_t{block->ends[n - 1]} * 1000 ? n - 1 : n;
    if (i < block->size()) return detail::close_of(*data_, y, i);
  }
  for (++y; y <= last_year; ++y)
    if (data_->year_total_ms(y) != 0) return detail::close_of(*data_, y, 0);
  detail::no_open_time_left(name());
}

Instant Calendar::previous_close(Instant t) const {
  detail::require_in_range(t, "instant");
  int y = detail::year_of(t);
  {
    const detail::YearRef block = data_->year(y, t.time_since_epoch().count() + 1);
    const std::int64_t rel = t.time_since_epoch().count() - block->base_ms;
    std::size_t n = block->started_by(rel);
    if (n > 0 && rel < std::int64_t{block->ends[n - 1]} * 1000) --n;  // t is inside piece n - 1
    // Every piece of this year ending at or before t ends before the year does: a close.
    if (n > 0) return Instant{Duration{block->base_ms + std::int64_t{block->ends[n - 1]} * 1000}};
  }
  for (--y; y >= first_year; --y) {
    if (data_->year_total_ms(y) == 0) continue;
    const detail::YearRef block = data_->year(y, detail::reads_block_only);
    // Only a year's last piece can run on into the next year; the one before it closes.
    const std::size_t last = block->size() - 1;
    if (detail::last_piece_closes(*data_, y, *block))
      return Instant{Duration{block->base_ms + std::int64_t{block->ends[last]} * 1000}};
    if (last > 0) return Instant{Duration{block->base_ms + std::int64_t{block->ends[last - 1]} * 1000}};
  }
  throw RangeError("no open interval of calendar " + detail::quoted(name()) + " ends between 1970 and " +
                   format_instant(t));
}

Instant Calendar::business_day_end(Instant t, int n) const {
  detail::require_in_range(t, "instant");
  if (n < 0) throw InputError("the number of business days must not be negative (got " + std::to_string(n) + ")");
  const std::int32_t today = detail::local_day(*data_, t);
  // n = 0: the first business day from today on; n >= 1: the n-th one after today.
  const std::int32_t day = n == 0 ? detail::nth_business_day(*data_, today, 1)
                                  : detail::nth_business_day(*data_, today + 1, n);
  data_->require_known(INT64_MIN, day);  // the dates up to it decided it
  const date::local_seconds midnight{std::chrono::seconds{std::int64_t{day} * 86'400}};
  const auto end = detail::to_instant(data_->zone(), midnight + std::chrono::minutes{data_->hours_on(day).back().end_minute});
  const Instant result{std::chrono::duration_cast<Duration>(end.time_since_epoch())};
  if (result > max_instant) detail::no_business_day_left(name(), n);
  if (result < min_instant) detail::result_before_range(name());
  return result;
}

std::int64_t Calendar::business_days_between(Instant from, Instant to) const {
  detail::require_in_range(from, "start");
  detail::require_in_range(to, "end");
  if (to < from) return -business_days_between(to, from);
  // Dates in (date of from, date of to] are [from + 1, to + 1) as half-open day numbers.
  const std::int32_t last = detail::local_day(*data_, to);
  data_->require_known(INT64_MIN, last);
  return detail::business_days_in(*data_, detail::local_day(*data_, from) + 1, last + 1);
}

}  // namespace aftersales
