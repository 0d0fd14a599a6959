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
      const detail::YearBlock& block = data.year(year);
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
