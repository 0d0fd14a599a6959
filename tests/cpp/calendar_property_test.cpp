// Properties that must hold for every calendar and every instant, checked on random inputs,
// and the lock-free year cache hammered from several threads (run under ThreadSanitizer).
#include <aftersales/aftersales.hpp>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "calendar/calendar_data.hpp"

namespace aftersales {
namespace {

using namespace std::chrono_literals;

// Calendars chosen to stress the mechanism: DST in business hours, overnight shifts,
// holidays over a new year, make-up days, special hours, a sparse calendar.
constexpr const char* policy_text = R"({"schema_version": 1, "calendars": {
  "berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["00:00-06:00", "08:00-20:00"], "sat": ["10:00-16:00"]},
             "holidays": [{"from": "2026-12-24", "to": "2027-01-01"}, "2026-04-03"]},
  "new-york-night": {"timezone": "America/New_York", "hours": {"daily": ["22:00-06:00"]},
                     "special": [{"from": "2026-11-26", "to": "2026-11-27", "hours": ["00:00-24:00"]}]},
  "shanghai": {"timezone": "Asia/Shanghai", "hours": {"daily": ["09:00-24:00"]},
               "holidays": [{"from": "2026-10-01", "to": "2026-10-07"}],
               "workdays": [{"date": "2026-09-20", "hours": ["09:00-18:00"]}]},
  "sparse": {"timezone": "Pacific/Auckland", "hours": {"wed": ["13:00-13:30"]}},
  "always": {"timezone": "UTC", "hours": "24x7"}
}})";

class CalendarProperties : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() { policy_ = Policy::from_json(policy_text); }
  static inline std::shared_ptr<const Policy> policy_;
};

// Instants from 2025 to 2028, millisecond resolution.
Instant random_instant(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::int64_t> ms(1735689600000, 1830297600000);
  return Instant{Duration{ms(rng)}};
}

TEST_P(CalendarProperties, BetweenUndoesAdd) {
  const Calendar calendar = policy_->calendar(GetParam());
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> ms(0, 400LL * 3600 * 1000);
  for (int i = 0; i < 2000; ++i) {
    const Instant t = random_instant(rng);
    const Duration d{ms(rng)};
    const Instant u = calendar.add(t, d);
    ASSERT_GE(u, t);
    ASSERT_EQ(calendar.between(t, u), d) << format_instant(t) << " + " << format_duration(d);
    ASSERT_EQ(calendar.between(u, t), -d);
    // u is the earliest such instant: one millisecond earlier there is less open time.
    if (d > 0ms) {
      ASSERT_EQ(calendar.between(t, u - 1ms), d - 1ms);
    }
  }
}

TEST_P(CalendarProperties, BetweenIsAdditive) {
  const Calendar calendar = policy_->calendar(GetParam());
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    Instant a = random_instant(rng), b = random_instant(rng), c = random_instant(rng);
    ASSERT_EQ(calendar.between(a, b) + calendar.between(b, c), calendar.between(a, c));
    ASSERT_LE(calendar.between(std::min(a, b), std::max(a, b)), std::max(a, b) - std::min(a, b));
  }
}

TEST_P(CalendarProperties, NextOpenIsOpenAndNothingOpensBefore) {
  const Calendar calendar = policy_->calendar(GetParam());
  std::mt19937_64 rng(13);
  for (int i = 0; i < 2000; ++i) {
    const Instant t = random_instant(rng);
    const Instant open = calendar.next_open(t);
    ASSERT_TRUE(calendar.is_open(open));
    ASSERT_EQ(calendar.is_open(t), open == t);
    ASSERT_EQ(calendar.between(t, open), 0ms);
    // Adding any business time starts counting at the next opening.
    ASSERT_EQ(calendar.add(t, 1ms), calendar.add(open, 1ms));
  }
}

INSTANTIATE_TEST_SUITE_P(All, CalendarProperties,
                         ::testing::Values("berlin", "new-york-night", "shanghai", "sparse", "always"));

// Many threads race to build the same years on a fresh calendar; all must agree with a
// single-threaded reference and nothing may leak or race (ThreadSanitizer runs this).
TEST(CalendarConcurrent, ThreadsBuildingYearsAgree) {
  const auto reference = Policy::from_json(policy_text)->calendar("berlin");
  const auto shared = Policy::from_json(policy_text)->calendar("berlin");
  std::mt19937_64 rng(17);
  std::vector<std::pair<Instant, Duration>> queries(2000);
  std::uniform_int_distribution<std::int64_t> hours(0, 30000);
  for (auto& [t, d] : queries) t = random_instant(rng), d = std::chrono::hours(hours(rng));
  std::vector<Instant> expected;
  for (const auto& [t, d] : queries) expected.push_back(reference.add(t, d));

  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t k = 0; k < mismatches.size(); ++k) {
    threads.emplace_back([&, k] {
      for (std::size_t i = 0; i < queries.size(); ++i) {
        const std::size_t j = (i * 7 + k * 500) % queries.size();
        if (shared.add(queries[j].first, queries[j].second) != expected[j]) ++mismatches[k];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(CalendarConcurrent, CalendarOutlivesItsPolicy) {
  Calendar calendar = Policy::from_json(policy_text)->calendar("always");
  // The policy is gone; the calendar still answers.
  const Instant t = parse_instant("2026-11-11T00:00:00Z");
  EXPECT_EQ(calendar.add(t, 90min), parse_instant("2026-11-11T01:30:00Z"));
}

// Calendar memory (docs/calendars.md, "Memory"): a calendar whose years do not all fit the
// budget keeps the most recently used ones. Before, every year built stayed: a calendar of 720
// one-minute ranges a day held 1 GB once queried over 1970-2200.

// UTC, open the first half of every hour: 24 ranges a day, [HH:00, HH:30).
std::array<detail::DayHours, 7> half_hours() {
  detail::DayHours day;
  for (std::int32_t h = 0; h < 24; ++h) day.push_back({h * 60, h * 60 + 30});
  return {day, day, day, day, day, day, day};
}

// Open time in [1970-01-01, t) of that calendar, worked out by hand: 30 minutes of every whole
// hour, and the first 30 minutes of the hour t is in.
Duration open_before(Instant t) {
  const std::int64_t ms = t.time_since_epoch().count();
  return Duration{ms / 3'600'000 * 1'800'000 + std::min<std::int64_t>(ms % 3'600'000, 1'800'000)};
}

// A year block of 24 ranges a day holds at most (370 dates × 24 + 1) × 12 bytes = 106,572
// bytes of intervals, plus its 1,472-byte day index: about 108 KB. A 250,000-byte budget keeps
// 2 years (250,000 / 108,000 = 2.3); the default 32 MiB keeps all 231 (231 × 108 KB = 25 MB).
Calendar half_hours_calendar(std::size_t budget) {
  return Calendar(std::make_shared<const detail::CalendarData>("half-hours", *date::locate_zone("UTC"), half_hours(),
                                                               std::vector<detail::DateOverride>{},
                                                               std::vector<detail::DayRange>{}, budget));
}

TEST(CalendarMemory, AnOverBudgetCalendarKeepsFewYearsAndAnswersAlike) {
  const detail::CalendarData all("x", *date::locate_zone("UTC"), half_hours(), {}, {});
  EXPECT_EQ(all.years_kept(), 231u);
  const detail::CalendarData two("x", *date::locate_zone("UTC"), half_hours(), {}, {}, 250'000);
  EXPECT_EQ(two.years_kept(), 2u);

  const Calendar bounded = half_hours_calendar(250'000);
  // 1970-01-01 to 2200-12-31: 84,370 days of 24 half hours: 84,370 × 12 h.
  const Instant start = parse_instant("1970-01-01T00:00:00Z");
  const Instant end = parse_instant("2200-12-31T00:00:00Z");
  const Duration whole = std::chrono::hours(84'370 * 12);
  EXPECT_EQ(bounded.between(start, end), whole);
  EXPECT_EQ(bounded.between(start, end), whole);  // again, from the years' remembered totals
  // The earliest instant with that much open time: the end of 2200-12-30's last half hour.
  EXPECT_EQ(bounded.add(start, whole), parse_instant("2200-12-30T23:30:00Z"));
  std::mt19937_64 rng(23);
  std::uniform_int_distribution<std::int64_t> ms(0, 7'289'567'999'999);  // 1970 .. 2200-12-30
  for (int i = 0; i < 100; ++i) {
    const Instant a{Duration{ms(rng)}}, b{Duration{ms(rng)}};
    ASSERT_EQ(bounded.between(a, b), open_before(b) - open_before(a)) << format_instant(a) << " " << format_instant(b);
    ASSERT_EQ(bounded.is_open(a), a.time_since_epoch().count() % 3'600'000 < 1'800'000) << format_instant(a);
    ASSERT_EQ(bounded.between(a, bounded.next_open(a)), Duration::zero());
  }
}

TEST(CalendarMemory, OneMinuteRangesAllDayAreBoundedToTheBudget) {
  // 720 ranges a day: (370 × 720 + 1) × 12 bytes = 3.2 MB a year, so 32 MiB = 33,554,432 bytes
  // keep 10 years (33.55 / 3.2 = 10.5) where all 231 took 1 GB.
  detail::DayHours day;
  for (std::int32_t m = 0; m < 1440; m += 2) day.push_back({m, m + 1});
  const auto data = std::make_shared<const detail::CalendarData>(
      "dense", *date::locate_zone("Asia/Shanghai"), std::array<detail::DayHours, 7>{day, day, day, day, day, day, day},
      std::vector<detail::DateOverride>{}, std::vector<detail::DayRange>{});
  EXPECT_EQ(data->years_kept(), 10u);
  const Calendar dense(data);
  for (int year = 2020; year <= 2030; ++year) {  // 11 years
    const Instant noon = parse_instant(std::to_string(year) + "-06-01T04:00:00Z");  // 12:00 in Shanghai
    EXPECT_TRUE(dense.is_open(noon));
    EXPECT_FALSE(dense.is_open(noon + 1min));
  }
  EXPECT_EQ(data->years_held(), 10u);
}

// Threads share a calendar that keeps two years while they query four: years are dropped
// while other threads read them. Every answer must still be the hand-worked one.
TEST(CalendarConcurrent, ThreadsShareACalendarOverItsBudget) {
  const Calendar shared = half_hours_calendar(250'000);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t k = 0; k < mismatches.size(); ++k) {
    threads.emplace_back([&, k] {
      std::mt19937_64 rng(29 + k);
      std::uniform_int_distribution<std::int64_t> ms(1'577'836'800'000, 1'704'067'200'000);  // 2020 .. 2024
      for (int i = 0; i < 50; ++i) {
        const Instant a{Duration{ms(rng)}}, b{Duration{ms(rng)}};
        if (shared.between(a, b) != open_before(b) - open_before(a)) ++mismatches[k];
        if (shared.is_open(a) != (a.time_since_epoch().count() % 3'600'000 < 1'800'000)) ++mismatches[k];
        const Duration d = open_before(std::max(a, b)) - open_before(std::min(a, b));
        if (shared.between(std::min(a, b), shared.add(std::min(a, b), d)) != d) ++mismatches[k];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// A year block finds the intervals started by an instant through its per-day index: it must
// agree with a search of the whole year at every interval's edges and all through the year,
// in a leap year and not, with intervals that cross UTC midnight, touch it, or fill the year.
TEST(CalendarYearBlock, DayIndexAgreesWithASearchOfTheWholeYear) {
  using detail::DayHours;
  const DayHours none;
  const DayHours split{{0, 360}, {480, 1200}, {1320, 1380}};
  const DayHours overnight{{1320, 1800}};  // 22:00 to 06:00 the next day
  const DayHours always{{0, 1440}};
  const std::pair<const char*, std::array<DayHours, 7>> cases[] = {
      {"Asia/Shanghai", {split, split, split, split, split, none, none}},
      {"America/New_York", {overnight, overnight, overnight, overnight, overnight, overnight, overnight}},
      {"UTC", {always, always, always, always, always, always, always}},
      {"Pacific/Auckland", {none, none, DayHours{{780, 810}}, none, none, none, none}}};
  for (const auto& [zone, weekly] : cases) {
    const detail::CalendarData data("x", *date::locate_zone(zone), weekly, {}, {});
    for (const int year : {2026, 2028}) {
      const detail::YearRef held = data.year(year);
      const detail::YearBlock& block = *held;
      const auto days = static_cast<std::int64_t>(block.started_before_day.size()) - 2;
      ASSERT_EQ(days, year == 2028 ? 366 : 365);
      const auto whole_search = [&](std::int64_t rel_ms) {
        const auto key = static_cast<std::int32_t>(rel_ms / 1000);
        return static_cast<std::size_t>(std::upper_bound(block.starts.begin(), block.starts.end(), key) -
                                        block.starts.begin());
      };
      const auto check = [&](std::int64_t rel_s) {
        for (const std::int64_t rel_ms : {rel_s * 1000, rel_s * 1000 + 999}) {
          if (rel_ms < 0 || rel_ms >= days * 86'400'000) continue;  // queries stay inside their year
          ASSERT_EQ(block.started_by(rel_ms), whole_search(rel_ms)) << zone << " " << year << " +" << rel_ms << " ms";
        }
      };
      for (std::size_t i = 0; i < block.size(); ++i)
        for (const std::int64_t edge : {std::int64_t{block.starts[i]}, std::int64_t{block.ends[i]}})
          for (std::int64_t d = -1; d <= 1; ++d) check(edge + d);
      for (std::int64_t rel_s = 0; rel_s < 367 * 86'400; rel_s += 1'800) check(rel_s);
    }
  }
}

}  // namespace
}  // namespace aftersales
