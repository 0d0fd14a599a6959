// Business calendars (spec §2) through the public API only. Every expected value was worked
// out by hand from the spec; the arithmetic is in the comments. Instants are compared through
// format_instant so that a failure prints readable times, and durations through their
// millisecond counts.

#include <aftersales/aftersales.hpp>
#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>
#include <date/tz.h>

#include "test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "calendar/calendar_data.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

using test::at;
using test::make_calendar;

Calendar example_calendar(std::string_view name) {
  return Policy::from_file(std::filesystem::path(AFTERSALES_EXAMPLES_DIR) / "policies" /
                           "cn-marketplace.json")
      ->calendar(name);
}

std::string utc(Instant t) { return format_instant(t); }
std::string utc(std::string_view rfc3339) { return format_instant(parse_instant(rfc3339)); }
std::int64_t ms(Duration d) { return d.count(); }

// Monday to Friday 09:00-18:00 in Shanghai (UTC+8 all year, no DST). 2026-03-02 is a Monday,
// 2026-03-06 a Friday, 2026-03-07/08 the weekend.
constexpr std::string_view weekdays_shanghai =
    R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}})";

TEST(Calendar, NameAndTimeZone) {
  Calendar c = make_calendar(weekdays_shanghai);
  EXPECT_EQ(c.name(), "c");
  EXPECT_EQ(c.time_zone(), "Asia/Shanghai");
}

TEST(Calendar, IsOpenIncludesStartAndExcludesEnd) {
  Calendar c = make_calendar(weekdays_shanghai);
  EXPECT_TRUE(c.is_open(at("2026-03-02T09:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-02T08:59:59.999+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-03-02T17:59:59.999+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-02T18:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-07T12:00:00+08:00")));  // Saturday
}

TEST(Calendar, NextOpen) {
  Calendar c = make_calendar(weekdays_shanghai);
  // Open: the instant itself, milliseconds included.
  EXPECT_EQ(utc(c.next_open(at("2026-03-02T10:00:00.123+08:00"))), "2026-03-02T02:00:00.123Z");
  EXPECT_EQ(utc(c.next_open(at("2026-03-02T09:00:00+08:00"))), utc("2026-03-02T09:00:00+08:00"));
  // At the end of Monday's interval it is closed: next is Tuesday 09:00.
  EXPECT_EQ(utc(c.next_open(at("2026-03-02T18:00:00+08:00"))), utc("2026-03-03T09:00:00+08:00"));
  // Saturday noon -> Monday 09:00 = 01:00Z.
  EXPECT_EQ(utc(c.next_open(at("2026-03-07T12:00:00+08:00"))), "2026-03-09T01:00:00Z");
}

TEST(Calendar, AddZeroIsIdentityEvenWhenClosed) {
  Calendar c = make_calendar(weekdays_shanghai);
  const Instant saturday = at("2026-03-07T12:34:56.789+08:00");
  EXPECT_EQ(utc(c.add(saturday, 0ms)), utc(saturday));
  const Instant monday = at("2026-03-02T10:00:00+08:00");
  EXPECT_EQ(utc(c.add(monday, 0ms)), utc(monday));
}

TEST(Calendar, AddAcrossWeekend) {
  Calendar c = make_calendar(weekdays_shanghai);
  // Friday 17:00: 1 h left on Friday, the other hour on Monday from 09:00.
  EXPECT_EQ(utc(c.add(at("2026-03-06T17:00:00+08:00"), 2h)), utc("2026-03-09T10:00:00+08:00"));
  EXPECT_EQ(ms(c.between(at("2026-03-06T17:00:00+08:00"), at("2026-03-09T10:00:00+08:00"))),
            ms(2h));
  EXPECT_EQ(ms(c.between(at("2026-03-07T10:00:00+08:00"), at("2026-03-08T20:00:00+08:00"))), 0);
  // From a closed Saturday: the clock starts on Monday at 09:00.
  EXPECT_EQ(utc(c.add(at("2026-03-07T12:00:00+08:00"), 30min)), utc("2026-03-09T09:30:00+08:00"));
}

TEST(Calendar, ResultOnIntervalEndIsThatEnd) {
  Calendar c = make_calendar(weekdays_shanghai);
  EXPECT_EQ(utc(c.add(at("2026-03-02T09:00:00+08:00"), 9h)), utc("2026-03-02T18:00:00+08:00"));
  EXPECT_EQ(utc(c.add(at("2026-03-02T17:00:00+08:00"), 1h)), utc("2026-03-02T18:00:00+08:00"));
  // From a closed Saturday, a whole day's worth ends on Monday at 18:00, not Tuesday 09:00.
  EXPECT_EQ(utc(c.add(at("2026-03-07T12:00:00+08:00"), 9h)), utc("2026-03-09T18:00:00+08:00"));
  // One millisecond past the end continues on the next opening.
  EXPECT_EQ(utc(c.add(at("2026-03-02T17:59:59.999+08:00"), 1ms)), utc("2026-03-02T18:00:00+08:00"));
  EXPECT_EQ(utc(c.add(at("2026-03-02T17:59:59.999+08:00"), 2ms)),
            utc("2026-03-03T09:00:00.001+08:00"));
  EXPECT_EQ(ms(c.between(at("2026-03-02T18:00:00+08:00"), at("2026-03-03T09:00:00+08:00"))), 0);
}

TEST(Calendar, BetweenIsNegativeWhenReversed) {
  Calendar c = make_calendar(weekdays_shanghai);
  const Instant friday = at("2026-03-06T17:00:00+08:00");
  const Instant monday = at("2026-03-09T10:00:00+08:00");
  EXPECT_EQ(ms(c.between(monday, friday)), -ms(2h));
  EXPECT_EQ(ms(c.between(friday, friday)), 0);
}

TEST(Calendar, DayRangesMayWrapAroundTheWeek) {
  // fri-mon = Fri, Sat, Sun, Mon.
  Calendar c =
      make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"fri-mon": ["10:00-12:00"]}})");
  // Mon 2026-03-02 00:00 to the next Mon 00:00: Mon, Fri, Sat, Sun open 2 h each = 8 h.
  EXPECT_EQ(ms(c.between(at("2026-03-02T00:00:00+08:00"), at("2026-03-09T00:00:00+08:00"))),
            ms(8h));
  EXPECT_FALSE(c.is_open(at("2026-03-04T11:00:00+08:00")));  // Wednesday
  EXPECT_TRUE(c.is_open(at("2026-03-07T11:00:00+08:00")));   // Saturday
}

TEST(Calendar, TwentyFourSeven) {
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": "24x7"})");
  const Instant t = at("2026-11-11T00:05:00+08:00");
  EXPECT_TRUE(c.is_open(t));
  EXPECT_EQ(utc(c.next_open(t)), utc(t));
  EXPECT_EQ(utc(c.add(t, 90min)), "2026-11-10T17:35:00Z");  // 16:05Z + 1h30m
  EXPECT_EQ(ms(c.between(t, at("2026-11-12T00:05:00.250+08:00"))), ms(24h + 250ms));
  EXPECT_EQ(ms(c.between(at("2026-11-12T00:05:00+08:00"), t)), -ms(24h));
}

TEST(Calendar, LongAddOnTwentyFourSevenIsPlainAddition) {
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": "24x7"})");
  // 10,000 h = 416 d 16 h. 2026-01-01 + 365 d = 2027-01-01, + 51 d = 2027-02-21; then 16:00.
  EXPECT_EQ(utc(c.add(at("2026-01-01T00:00:00Z"), 10'000h)), "2027-02-21T16:00:00Z");
}

TEST(Calendar, LongAddOnWeekdaysCountsWeekByWeekAcrossDst) {
  // Berlin changes to summer time on Sunday 2026-03-29, while closed, so every weekday keeps
  // 9 open hours and a week holds 5 x 9 = 45 h.
  Calendar c =
      make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-18:00"]}})");
  // 1,000 h = 22 weeks (990 h) + 10 h. Week 1 starts Mon 2026-03-02; week 22 starts
  // Mar 2 + 147 d = Mon Jul 27 and ends Fri Jul 31 18:00 (990 h). Mon Aug 3 adds 9 h (999 h),
  // Tue Aug 4 09:00 + 1 h = 10:00 CEST.
  const Instant start = at("2026-03-02T09:00:00+01:00");
  const Instant end = c.add(start, 1'000h);
  EXPECT_EQ(utc(end), utc("2026-08-04T10:00:00+02:00"));
  EXPECT_EQ(ms(c.between(start, end)), ms(1'000h));
}

// ---- Overnight shifts ---------------------------------------------------------------------

TEST(Calendar, OvernightShift) {
  Calendar c =
      make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"daily": ["22:00-06:00"]}})");
  EXPECT_TRUE(c.is_open(at("2026-03-04T22:00:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-03-04T23:00:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-03-05T03:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-05T06:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-04T21:59:59.999+08:00")));
  // Mon 05:00: 1 h until 06:00, then 2 h from Mon 22:00 -> Tue 00:00.
  EXPECT_EQ(utc(c.add(at("2026-03-02T05:00:00+08:00"), 3h)), utc("2026-03-03T00:00:00+08:00"));
  // A whole shift lands on its end.
  EXPECT_EQ(utc(c.add(at("2026-03-02T22:00:00+08:00"), 8h)), utc("2026-03-03T06:00:00+08:00"));
  // Mon noon to Wed noon: Mon 22-Tue 06 and Tue 22-Wed 06 = 16 h.
  EXPECT_EQ(ms(c.between(at("2026-03-02T12:00:00+08:00"), at("2026-03-04T12:00:00+08:00"))),
            ms(16h));
}

TEST(Calendar, OvernightRangeBelongsToTheDateItStartsOn) {
  // Friday nights only. Sat 2026-03-14 is a holiday, but Friday's shift into it still runs;
  // Fri 2026-03-20 is a holiday, so its shift into Saturday does not.
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"fri": ["22:00-06:00"]},
                                 "holidays": ["2026-03-14", "2026-03-20"]})");
  EXPECT_TRUE(c.is_open(at("2026-03-14T03:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-14T23:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-21T03:00:00+08:00")));
  EXPECT_EQ(utc(c.next_open(at("2026-03-20T21:00:00+08:00"))), utc("2026-03-27T22:00:00+08:00"));
  // A Sunday-night shift runs into Monday.
  Calendar sunday =
      make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"sun": ["22:00-06:00"]}})");
  EXPECT_TRUE(sunday.is_open(at("2026-03-09T05:00:00+08:00")));  // Monday 05:00
}

TEST(Calendar, OvernightRangeMergesWithTheNextDaysHours) {
  // Mon 20:00 -> Tue 10:00 overlaps Tuesday's own 08:00-12:00: one interval Mon 20:00 ->
  // Tue 12:00 (16 h), with the overlap counted once.
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai",
                                 "hours": {"mon": ["20:00-10:00"], "tue": ["08:00-12:00"]}})");
  EXPECT_EQ(ms(c.between(at("2026-03-02T19:00:00+08:00"), at("2026-03-03T13:00:00+08:00"))),
            ms(16h));
  EXPECT_EQ(utc(c.add(at("2026-03-02T20:00:00+08:00"), 15h)), utc("2026-03-03T11:00:00+08:00"));
  EXPECT_TRUE(c.is_open(at("2026-03-03T09:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-03T12:00:00+08:00")));
}

// ---- Holidays, make-up working days, special hours ----------------------------------------

TEST(Calendar, SpecialAndWorkdayHoursOverrideHolidaysAndWeekends) {
  // Wed 2026-03-11 is a holiday but has special hours; Thu 03-12 has special hours replacing
  // its weekly ones; Sun 03-15 is a make-up working day.
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai",
      "hours": {"mon-fri": ["09:00-18:00"]},
      "holidays": ["2026-03-11"],
      "special": [{"date": "2026-03-11", "hours": ["10:00-12:00"]},
                  {"date": "2026-03-12", "hours": ["12:00-13:00"]}],
      "workdays": [{"date": "2026-03-15", "hours": ["13:00-15:00"]}]})");
  EXPECT_TRUE(c.is_open(at("2026-03-11T11:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-11T09:30:00+08:00")));
  EXPECT_EQ(ms(c.between(at("2026-03-11T00:00:00+08:00"), at("2026-03-12T00:00:00+08:00"))),
            ms(2h));
  EXPECT_EQ(ms(c.between(at("2026-03-12T00:00:00+08:00"), at("2026-03-13T00:00:00+08:00"))),
            ms(1h));
  EXPECT_EQ(ms(c.between(at("2026-03-15T00:00:00+08:00"), at("2026-03-16T00:00:00+08:00"))),
            ms(2h));
  // Sat 03-14 stays closed: Fri 17:00 + 2 h = 1 h Fri + 1 h on Sunday 13:00-14:00.
  EXPECT_EQ(utc(c.add(at("2026-03-13T17:00:00+08:00"), 2h)), utc("2026-03-15T14:00:00+08:00"));
}

// A back office with a lunch break (docs/calendars.md, "Breaks"): weekdays 09:00-12:00 and
// 13:00-18:00 (8 h), a make-up Sunday that loses its lunch hour like a weekday, and a special
// Thursday whose hours stand whole. Shanghai is UTC+8 all year, so +08:00 is the local time.
constexpr std::string_view back_office_with_lunch = R"({"timezone": "Asia/Shanghai",
    "hours": {"mon-fri": ["09:00-18:00"]},
    "breaks": ["12:00-13:00", "20:00-21:00"],
    "special": [{"date": "2026-03-12", "hours": ["09:00-18:00"]}],
    "workdays": [{"date": "2026-03-15", "hours": ["09:00-18:00"]}]})";

TEST(CalendarBreaks, LunchBreakIsClosed) {
  Calendar c = make_calendar(back_office_with_lunch);
  // Mon 2026-03-02: 11:30-12:00 (30 min), the break, 13:00-14:30 (1 h 30 min) = 2 h.
  EXPECT_EQ(utc(c.add(at("2026-03-02T11:30:00+08:00"), 2h)), utc("2026-03-02T14:30:00+08:00"));
  // 11:00-12:00 and 13:00-14:00: the break hour does not count.
  EXPECT_EQ(ms(c.between(at("2026-03-02T11:00:00+08:00"), at("2026-03-02T14:00:00+08:00"))), ms(2h));
  EXPECT_TRUE(c.is_open(at("2026-03-02T11:59:59.999+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-02T12:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-03-02T12:30:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-03-02T13:00:00+08:00")));
  EXPECT_EQ(utc(c.next_open(at("2026-03-02T12:30:00+08:00"))), utc("2026-03-02T13:00:00+08:00"));
  // 3 h from 11:00 in the morning's last hour ends exactly at 12:00 + 2 h = 15:00.
  EXPECT_EQ(utc(c.add(at("2026-03-02T11:00:00+08:00"), 3h)), utc("2026-03-02T15:00:00+08:00"));
  // Open time ending at the break's start ends there, not at 13:00.
  EXPECT_EQ(utc(c.add(at("2026-03-02T11:00:00+08:00"), 1h)), utc("2026-03-02T12:00:00+08:00"));
  // A whole weekday: 9 h less the 1 h break; the 20:00-21:00 break lies outside the hours.
  EXPECT_EQ(ms(c.between(at("2026-03-02T00:00:00+08:00"), at("2026-03-03T00:00:00+08:00"))), ms(8h));
}

TEST(CalendarBreaks, MakeUpWorkdaysLoseTheBreakSpecialDaysDoNot) {
  Calendar c = make_calendar(back_office_with_lunch);
  // Special Thu 2026-03-12 states 09:00-18:00 whole: 9 h, open at 12:30.
  EXPECT_EQ(ms(c.between(at("2026-03-12T00:00:00+08:00"), at("2026-03-13T00:00:00+08:00"))), ms(9h));
  EXPECT_TRUE(c.is_open(at("2026-03-12T12:30:00+08:00")));
  // Make-up Sun 2026-03-15, 09:00-18:00 less the break: 8 h, closed at 12:30.
  EXPECT_EQ(ms(c.between(at("2026-03-15T00:00:00+08:00"), at("2026-03-16T00:00:00+08:00"))), ms(8h));
  EXPECT_FALSE(c.is_open(at("2026-03-15T12:30:00+08:00")));
}

TEST(CalendarBreaks, OvernightRangesAndBreaks) {
  // 22:00-06:00 less 02:00-03:00: the break cuts the part past midnight, 7 h a night.
  Calendar night = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"daily": ["22:00-06:00"]},
                                     "breaks": ["02:00-03:00"]})");
  EXPECT_EQ(ms(night.between(at("2026-03-02T22:00:00+08:00"), at("2026-03-03T06:00:00+08:00"))), ms(7h));
  EXPECT_FALSE(night.is_open(at("2026-03-03T02:30:00+08:00")));
  // 22:00 + 5 h: 22:00-02:00 (4 h), the break, 03:00-04:00.
  EXPECT_EQ(utc(night.add(at("2026-03-02T22:00:00+08:00"), 5h)), utc("2026-03-03T04:00:00+08:00"));
  // An overnight break 23:00-01:00 closes 00:00-01:00 of each date: 00:00-08:00 leaves 01:00-08:00.
  Calendar early = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"daily": ["00:00-08:00"]},
                                     "breaks": ["23:00-01:00"]})");
  EXPECT_EQ(ms(early.between(at("2026-03-02T00:00:00+08:00"), at("2026-03-03T00:00:00+08:00"))), ms(7h));
  EXPECT_EQ(utc(early.next_open(at("2026-03-02T00:00:00+08:00"))), utc("2026-03-02T01:00:00+08:00"));
}

TEST(CalendarBreaks, BreaksKeepTheirClockTimesAcrossDst) {
  // Berlin 2026-03-29 springs forward at 02:00 (CET +01:00 -> CEST +02:00, zoneinfo). Daily
  // 09:00-18:00 less 12:00-13:00 stays 8 h on both sides: Sat 03-28 12:00 is 11:00Z, Sun
  // 03-29 12:00 is 10:00Z.
  Calendar c = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"daily": ["09:00-18:00"]},
                                 "breaks": ["12:00-13:00"]})");
  EXPECT_EQ(utc(c.next_open(at("2026-03-28T11:30:00Z"))), "2026-03-28T12:00:00Z");
  EXPECT_EQ(utc(c.next_open(at("2026-03-29T10:30:00Z"))), "2026-03-29T11:00:00Z");
  EXPECT_EQ(ms(c.between(at("2026-03-29T00:00:00+01:00"), at("2026-03-30T00:00:00+02:00"))), ms(8h));
}

// ---- Yearly holidays ----------------------------------------------------------------------

// Weekdays 09:00-18:00 in Shanghai with yearly and dated holidays (weekdays from Python's
// datetime): Christmas every year, beside a dated 2026-12-25 (Fri), which is allowed; Labour
// Day up to 2026; 02-29 from 2028; a special hours entry on Christmas 2030 (Wed) wins.
constexpr std::string_view yearly_holidays = R"({"timezone": "Asia/Shanghai",
    "hours": {"mon-fri": ["09:00-18:00"]},
    "holidays": [{"every_year": "12-25", "name": "Christmas Day"}, "2026-12-25",
                 {"every_year": "05-01", "to_year": 2026, "name": "Labour Day"},
                 {"every_year": "02-29", "from_year": 2028, "name": "Leap day"}],
    "special": [{"date": "2030-12-25", "hours": ["10:00-12:00"]}]})";

TEST(CalendarYearlyHolidays, RepeatEveryYearWithinTheirYears) {
  Calendar c = make_calendar(yearly_holidays);
  EXPECT_FALSE(c.is_open(at("2025-12-25T10:00:00+08:00")));  // Thu
  EXPECT_FALSE(c.is_open(at("2026-12-25T10:00:00+08:00")));  // Fri, yearly and dated
  EXPECT_FALSE(c.is_open(at("2199-12-25T10:00:00+08:00")));  // any year
  // Thu 2026-12-24 17:00 + 2 h: 1 h Thursday, Fri 25 closed, weekend, Mon 28 09:00 + 1 h.
  EXPECT_EQ(utc(c.add(at("2026-12-24T17:00:00+08:00"), 2h)), utc("2026-12-28T10:00:00+08:00"));
  EXPECT_FALSE(c.is_open(at("2025-05-01T10:00:00+08:00")));  // Thu, up to 2026
  EXPECT_FALSE(c.is_open(at("2026-05-01T10:00:00+08:00")));  // Fri, the last year
  EXPECT_TRUE(c.is_open(at("2029-05-01T10:00:00+08:00")));   // Tue, after to_year
  EXPECT_TRUE(c.is_open(at("2024-02-29T10:00:00+08:00")));   // Thu, before from_year
  EXPECT_FALSE(c.is_open(at("2028-02-29T10:00:00+08:00")));  // Tue, a leap year from 2028
  // 2029 has no 02-29: Wed 02-28 and Thu 03-01 are open, 9 h each.
  EXPECT_EQ(ms(c.between(at("2029-02-28T00:00:00+08:00"), at("2029-03-02T00:00:00+08:00"))), ms(18h));
}

TEST(CalendarYearlyHolidays, SpecialHoursWinOverAYearlyHoliday) {
  Calendar c = make_calendar(yearly_holidays);
  // Wed 2030-12-25: the special 10:00-12:00, like a special entry on a dated holiday.
  EXPECT_EQ(ms(c.between(at("2030-12-25T00:00:00+08:00"), at("2030-12-26T00:00:00+08:00"))), ms(2h));
  EXPECT_TRUE(c.is_open(at("2030-12-25T11:00:00+08:00")));
}

// ---- Edges (issue 16, point 6) --------------------------------------------------------------

TEST(CalendarEdges, EmptySpecialHoursMeanClosed) {
  // Mon 2026-03-02 has "hours": []: closed all day, as a holiday would be.
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
                                 "special": [{"date": "2026-03-02", "hours": []}]})");
  EXPECT_FALSE(c.is_open(at("2026-03-02T10:00:00+08:00")));
  EXPECT_EQ(ms(c.between(at("2026-03-02T00:00:00+08:00"), at("2026-03-03T00:00:00+08:00"))), 0);
  EXPECT_EQ(utc(c.next_open(at("2026-03-02T10:00:00+08:00"))), utc("2026-03-03T09:00:00+08:00"));
}

TEST(CalendarEdges, TouchingRangesActAsOne) {
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai",
                                 "hours": {"mon-fri": ["09:00-12:00", "12:00-17:00"]}})");
  // 09:00-17:00 without a gap: 8 h. 11:00 + 1 h ends at 12:00, 11:00 + 2 h at 13:00.
  EXPECT_EQ(ms(c.between(at("2026-03-02T00:00:00+08:00"), at("2026-03-03T00:00:00+08:00"))), ms(8h));
  for (const auto& [hours, end] : {std::pair{1h, "2026-03-02T12:00:00+08:00"}, std::pair{2h, "2026-03-02T13:00:00+08:00"}})
    EXPECT_EQ(utc(c.add(at("2026-03-02T11:00:00+08:00"), hours)), utc(end));
  // 12:00 is open (the second range's start), and nothing closes there.
  for (const char* open : {"2026-03-02T11:59:59.999+08:00", "2026-03-02T12:00:00+08:00"}) {
    EXPECT_TRUE(c.is_open(at(open))) << open;
    EXPECT_EQ(utc(c.next_open(at(open))), utc(open));
  }
}

TEST(Calendar, NationalDayOnTheBackOffice) {
  Calendar c = example_calendar("cn-office");
  // Wed Sep 30 17:00: 1 h on Sep 30, Oct 1-7 closed, Thu Oct 8 09:00 + 1 h.
  EXPECT_EQ(utc(c.add(at("2026-09-30T17:00:00+08:00"), 2h)), utc("2026-10-08T10:00:00+08:00"));
  // Each working day is 09:00-18:00 less the 12:00-13:00 lunch break: 8 h.
  // Sep 30 8 h; Oct 8 (Thu) 8 h, Oct 9 (Fri) 8 h, Sat Oct 10 make-up 8 h; Sun Oct 11 closed.
  EXPECT_EQ(ms(c.between(at("2026-09-30T09:00:00+08:00"), at("2026-10-12T09:00:00+08:00"))),
            ms(32h));
  // Sat Sep 19 closed; Sun Sep 20 make-up 8 h; Mon-Thu Sep 21-24 4 x 8 h; Fri Sep 25 to
  // Sun Sep 27 Mid-Autumn Festival.
  EXPECT_EQ(ms(c.between(at("2026-09-19T00:00:00+08:00"), at("2026-09-28T00:00:00+08:00"))),
            ms(40h));
}

TEST(Calendar, MakeUpSaturday) {
  Calendar c = example_calendar("cn-office");
  // Fri Oct 9 17:00 + 3 h: 1 h Friday, 2 h on the make-up Saturday Oct 10.
  EXPECT_EQ(utc(c.add(at("2026-10-09T17:00:00+08:00"), 3h)), utc("2026-10-10T11:00:00+08:00"));
  EXPECT_TRUE(c.is_open(at("2026-10-10T10:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-10-17T10:00:00+08:00")));  // an ordinary Saturday
}

TEST(Calendar, SpringFestival) {
  Calendar c = example_calendar("cn-office");
  // Fri Feb 13 17:00 + 2 h: 1 h Friday, 1 h on the make-up Saturday Feb 14.
  EXPECT_EQ(utc(c.add(at("2026-02-13T17:00:00+08:00"), 2h)), utc("2026-02-14T10:00:00+08:00"));
  // Sat Feb 14 17:00 + 2 h: 1 h that Saturday, Feb 15-23 closed, Tue Feb 24 09:00 + 1 h.
  EXPECT_EQ(utc(c.add(at("2026-02-14T17:00:00+08:00"), 2h)), utc("2026-02-24T10:00:00+08:00"));
}

TEST(Calendar, WholeYearOnTheBackOffice) {
  Calendar c = example_calendar("cn-office");
  // 2026: 365 d = 52 weeks + 1 (Thu Dec 31): 261 weekdays. Weekday holidays: Jan 1-2 (2),
  // Feb 16-20 and 23 (6), Apr 6 (1), May 1, 4, 5 (3), Jun 19 (1), Sep 25 (1), Oct 1, 2, 5, 6,
  // 7 (5) = 19. Make-up days: 6. 261 - 19 + 6 = 248 working days x 8 h (09:00-18:00 less the
  // lunch break) = 1984 h. The year's end is the coverage horizon: a range ending at it is known.
  const Instant start = at("2026-01-01T00:00:00+08:00");
  EXPECT_EQ(ms(c.between(start, at("2027-01-01T00:00:00+08:00"))), ms(1984h));
  // Spending all of it ends on the end of the year's last interval, Thu Dec 31 18:00.
  EXPECT_EQ(utc(c.add(start, 1984h)), utc("2026-12-31T18:00:00+08:00"));
  // One hour more needs Fri 2027-01-01, beyond the holiday data ("beyond": "error").
  EXPECT_THROW((void)c.add(start, 1985h), RangeError);
}

TEST(Calendar, WholeYearOnTheServiceDesk) {
  Calendar c = example_calendar("cn-service");
  // 365 - 33 holiday days = 332 days of 15 h, three of which (Nov 10-12) have 24 h instead:
  // 332 x 15 + 3 x 9 = 4980 + 27 = 5007 h.
  EXPECT_EQ(ms(c.between(at("2026-01-01T00:00:00+08:00"), at("2027-01-01T00:00:00+08:00"))),
            ms(5007h));
}

TEST(Calendar, DoubleElevenSpecialHours) {
  Calendar c = example_calendar("cn-service");
  EXPECT_TRUE(c.is_open(at("2026-11-10T00:00:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-11-11T03:00:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-11-13T03:00:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-11-09T23:30:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2026-11-09T03:00:00+08:00")));
  // Nov 9 23:00 + 2 h: 23:00-24:00 on Nov 9 runs straight into Nov 10's 00:00-24:00.
  EXPECT_EQ(utc(c.add(at("2026-11-09T23:00:00+08:00"), 2h)), utc("2026-11-10T01:00:00+08:00"));
  EXPECT_EQ(ms(c.between(at("2026-11-10T00:00:00+08:00"), at("2026-11-13T00:00:00+08:00"))),
            ms(72h));
  // Nov 12 20:00-24:00 (4 h) + Nov 13 09:00-10:00 (1 h).
  EXPECT_EQ(ms(c.between(at("2026-11-12T20:00:00+08:00"), at("2026-11-13T10:00:00+08:00"))),
            ms(5h));
  EXPECT_EQ(utc(c.add(at("2026-11-12T23:00:00+08:00"), 2h)), utc("2026-11-13T10:00:00+08:00"));
}

TEST(Calendar, YearBoundaryOverNewYearHoliday) {
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"daily": ["09:00-18:00"]},
                                 "holidays": ["2027-01-01"]})");
  // Thu Dec 31 17:00: 1 h, Jan 1 closed, Sat Jan 2 09:00 + 1 h.
  EXPECT_EQ(utc(c.add(at("2026-12-31T17:00:00+08:00"), 2h)), utc("2027-01-02T10:00:00+08:00"));
  EXPECT_EQ(ms(c.between(at("2026-12-31T00:00:00+08:00"), at("2027-01-03T00:00:00+08:00"))),
            ms(18h));
}

TEST(Calendar, YearBoundaryIntoNewYearHolidayAndMakeUpSunday) {
  Calendar c = example_calendar("cn-service");
  // 2025-12-31 23:00: 1 h, Jan 1-3 closed, make-up Sunday Jan 4 09:00 + 1 h.
  EXPECT_EQ(utc(c.add(at("2025-12-31T23:00:00+08:00"), 2h)), utc("2026-01-04T10:00:00+08:00"));
}

// ---- Daylight saving time -----------------------------------------------------------------
// America/New_York 2026: Sun Mar 8 02:00 EST (-05:00) -> 03:00 EDT (-04:00);
//                        Sun Nov 1 02:00 EDT -> 01:00 EST, so 01:00-01:59 happens twice.
// Europe/Berlin 2026:    Sun Mar 29 02:00 CET (+01:00) -> 03:00 CEST (+02:00);
//                        Sun Oct 25 03:00 CEST -> 02:00 CET, so 02:00-02:59 happens twice.

// From Saturday noon to Monday 00:00 around each change: the whole changing Sunday.
struct Weekend {
  std::string_view from;
  std::string_view to;
};
constexpr Weekend new_york_spring{"2026-03-07T12:00:00-05:00", "2026-03-09T00:00:00-04:00"};
constexpr Weekend new_york_fall{"2026-10-31T12:00:00-04:00", "2026-11-02T00:00:00-05:00"};
constexpr Weekend berlin_spring{"2026-03-28T12:00:00+01:00", "2026-03-30T00:00:00+02:00"};
constexpr Weekend berlin_fall{"2026-10-24T12:00:00+02:00", "2026-10-26T00:00:00+01:00"};

std::int64_t open_ms(const Calendar& c, Weekend w) { return ms(c.between(at(w.from), at(w.to))); }

constexpr std::string_view new_york_sunday_night =
    R"({"timezone": "America/New_York", "hours": {"sun": ["00:00-06:00"]}})";
constexpr std::string_view berlin_sunday_night =
    R"({"timezone": "Europe/Berlin", "hours": {"sun": ["00:00-06:00"]}})";

TEST(CalendarDst, NewYorkSpringForwardShiftIsFiveHours) {
  Calendar c = make_calendar(new_york_sunday_night);
  // 00:00 EST = 05:00Z to 06:00 EDT = 10:00Z.
  EXPECT_EQ(open_ms(c, new_york_spring), ms(5h));
  EXPECT_EQ(utc(c.add(at("2026-03-08T00:00:00-05:00"), 5h)), "2026-03-08T10:00:00Z");
  // 01:00 EST = 06:00Z; one hour later is 07:00Z = 03:00 EDT.
  EXPECT_EQ(utc(c.add(at("2026-03-08T01:00:00-05:00"), 1h)), utc("2026-03-08T03:00:00-04:00"));
  EXPECT_TRUE(c.is_open(at("2026-03-08T03:00:00-04:00")));
  // A week later the same shift is 6 h.
  EXPECT_EQ(ms(c.between(at("2026-03-14T12:00:00-04:00"), at("2026-03-16T00:00:00-04:00"))),
            ms(6h));
}

TEST(CalendarDst, NewYorkFallBackShiftIsSevenHours) {
  Calendar c = make_calendar(new_york_sunday_night);
  // 00:00 EDT = 04:00Z to 06:00 EST = 11:00Z.
  EXPECT_EQ(open_ms(c, new_york_fall), ms(7h));
  // 04:00Z + 2 h = 06:00Z, the second 01:00 (EST).
  EXPECT_EQ(utc(c.add(at("2026-11-01T00:00:00-04:00"), 2h)), utc("2026-11-01T01:00:00-05:00"));
  EXPECT_EQ(utc(c.add(at("2026-11-01T00:00:00-04:00"), 7h)), utc("2026-11-01T06:00:00-05:00"));
  EXPECT_TRUE(c.is_open(at("2026-11-01T05:59:59-05:00")));
  EXPECT_FALSE(c.is_open(at("2026-11-01T06:00:00-05:00")));
}

TEST(CalendarDst, NewYorkStartInsideTheGapStartsWhenTheGapEnds) {
  // 02:30 does not exist on Mar 8: the range starts at 03:00 EDT = 07:00Z, ends 05:00 EDT
  // = 09:00Z: 2 h.
  Calendar c =
      make_calendar(R"({"timezone": "America/New_York", "hours": {"sun": ["02:30-05:00"]}})");
  EXPECT_EQ(utc(c.next_open(at("2026-03-08T00:00:00-05:00"))), "2026-03-08T07:00:00Z");
  EXPECT_EQ(open_ms(c, new_york_spring), ms(2h));
  EXPECT_FALSE(c.is_open(at("2026-03-08T01:59:59-05:00")));
}

TEST(CalendarDst, NewYorkEndInsideTheGapEndsWhenTheGapEnds) {
  // 00:00 EST = 05:00Z to 02:30 (nonexistent) -> 03:00 EDT = 07:00Z: 2 h.
  Calendar c =
      make_calendar(R"({"timezone": "America/New_York", "hours": {"sun": ["00:00-02:30"]}})");
  EXPECT_EQ(open_ms(c, new_york_spring), ms(2h));
}

TEST(CalendarDst, NewYorkAmbiguousStartIsTheEarlierInstant) {
  // 01:30 on Nov 1 is first 01:30 EDT = 05:30Z; 03:00 EST = 08:00Z: 2 h 30 min, which
  // includes the repeated hour.
  Calendar c =
      make_calendar(R"({"timezone": "America/New_York", "hours": {"sun": ["01:30-03:00"]}})");
  EXPECT_EQ(utc(c.next_open(at("2026-11-01T00:00:00-04:00"))), "2026-11-01T05:30:00Z");
  EXPECT_EQ(open_ms(c, new_york_fall), ms(2h + 30min));
  EXPECT_TRUE(c.is_open(at("2026-11-01T01:15:00-05:00")));  // 06:15Z, the second 01:15
}

TEST(CalendarDst, NewYorkAmbiguousEndIsTheEarlierInstant) {
  // 00:00 EDT = 04:00Z to the first 01:30 (EDT) = 05:30Z: 1 h 30 min.
  Calendar c =
      make_calendar(R"({"timezone": "America/New_York", "hours": {"sun": ["00:00-01:30"]}})");
  EXPECT_EQ(open_ms(c, new_york_fall), ms(1h + 30min));
  EXPECT_FALSE(c.is_open(at("2026-11-01T01:00:00-05:00")));  // 06:00Z, after the end
}

TEST(CalendarDst, NewYorkWeekdaysAcrossTheSpringWeekend) {
  Calendar c =
      make_calendar(R"({"timezone": "America/New_York", "hours": {"mon-fri": ["09:00-17:00"]}})");
  // Fri Mar 6 16:00 EST: 1 h Friday, Mon Mar 9 09:00 EDT + 1 h = 10:00 EDT = 14:00Z.
  EXPECT_EQ(utc(c.add(at("2026-03-06T16:00:00-05:00"), 2h)), "2026-03-09T14:00:00Z");
  EXPECT_EQ(ms(c.between(at("2026-03-06T09:00:00-05:00"), at("2026-03-09T17:00:00-04:00"))),
            ms(16h));
}

TEST(CalendarDst, BerlinSpringForwardShiftIsFiveHours) {
  Calendar c = make_calendar(berlin_sunday_night);
  // 00:00 CET = Mar 28 23:00Z to 06:00 CEST = 04:00Z.
  EXPECT_EQ(open_ms(c, berlin_spring), ms(5h));
  // 23:00Z + 2 h = 01:00Z = 03:00 CEST.
  EXPECT_EQ(utc(c.add(at("2026-03-29T00:00:00+01:00"), 2h)), utc("2026-03-29T03:00:00+02:00"));
}

TEST(CalendarDst, BerlinFallBackShiftIsSevenHours) {
  Calendar c = make_calendar(berlin_sunday_night);
  // 00:00 CEST = Oct 24 22:00Z to 06:00 CET = 05:00Z.
  EXPECT_EQ(open_ms(c, berlin_fall), ms(7h));
  // 22:00Z + 3 h = 01:00Z = the second 02:00 (CET).
  EXPECT_EQ(utc(c.add(at("2026-10-25T00:00:00+02:00"), 3h)), utc("2026-10-25T02:00:00+01:00"));
}

TEST(CalendarDst, BerlinStartInsideTheGapStartsWhenTheGapEnds) {
  // 02:30 does not exist on Mar 29: 03:00 CEST = 01:00Z to 05:00 CEST = 03:00Z: 2 h.
  Calendar c = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"sun": ["02:30-05:00"]}})");
  EXPECT_EQ(utc(c.next_open(at("2026-03-29T00:00:00+01:00"))), "2026-03-29T01:00:00Z");
  EXPECT_EQ(open_ms(c, berlin_spring), ms(2h));
}

TEST(CalendarDst, BerlinAmbiguousStartIsTheEarlierInstant) {
  // 02:30 on Oct 25 is first 02:30 CEST = 00:30Z; 04:00 CET = 03:00Z: 2 h 30 min.
  Calendar c = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"sun": ["02:30-04:00"]}})");
  EXPECT_EQ(utc(c.next_open(at("2026-10-25T00:00:00+02:00"))), "2026-10-25T00:30:00Z");
  EXPECT_EQ(open_ms(c, berlin_fall), ms(2h + 30min));
}

// ---- UTC year boundaries and the ends of the supported range -------------------------------

TEST(CalendarRange, OvernightShiftSplitAtTheUtcNewYear) {
  // UTC 22:00-06:00 daily: Thu 2026-12-31 22:00 -> Fri 2027-01-01 06:00 is one shift, stored
  // as two pieces (one per UTC year block) that must behave as one.
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": {"daily": ["22:00-06:00"]}})");
  EXPECT_TRUE(c.is_open(at("2026-12-31T23:59:59.999Z")));
  EXPECT_TRUE(c.is_open(at("2027-01-01T00:00:00Z")));
  EXPECT_EQ(utc(c.next_open(at("2026-12-31T21:00:00Z"))), "2026-12-31T22:00:00Z");
  // 1 h left in 2026, then 1 h of 2027.
  EXPECT_EQ(utc(c.add(at("2026-12-31T23:00:00Z"), 2h)), "2027-01-01T01:00:00Z");
  // Exactly the 2026 piece: lands on the new year, which is inside the shift.
  EXPECT_EQ(utc(c.add(at("2026-12-31T23:00:00Z"), 1h)), "2027-01-01T00:00:00Z");
  // The whole 8 h shift lands on its end; 1 ms more starts the next shift (Jan 1 22:00).
  EXPECT_EQ(utc(c.add(at("2026-12-31T21:00:00Z"), 8h)), "2027-01-01T06:00:00Z");
  EXPECT_EQ(utc(c.add(at("2026-12-31T21:00:00Z"), 8h + 1ms)), "2027-01-01T22:00:00.001Z");
  // 21:00 -> 07:00 covers exactly the 8 h shift.
  EXPECT_EQ(ms(c.between(at("2026-12-31T21:00:00Z"), at("2027-01-01T07:00:00Z"))), ms(8h));
}

TEST(CalendarRange, FirstSupportedDayEastOfUtc) {
  // Tokyo is UTC+9 (no DST in 1970). Daily 09:00-18:00 JST = 00:00-09:00Z: the very first
  // supported instant is open.
  Calendar tokyo = make_calendar(R"({"timezone": "Asia/Tokyo", "hours": {"daily": ["09:00-18:00"]}})");
  EXPECT_TRUE(tokyo.is_open(min_instant));
  EXPECT_EQ(utc(tokyo.next_open(min_instant)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ms(tokyo.between(min_instant, at("1970-01-01T12:00:00Z"))), ms(9h));
  EXPECT_EQ(utc(tokyo.next_open(at("1970-01-01T09:00:00Z"))), "1970-01-02T00:00:00Z");

  // Overnight 20:00-10:00 JST: the shift of local 1969-12-31 (a date before the supported
  // years) runs 1969-12-31T11:00Z -> 1970-01-01T01:00Z, so 1 h of it is in range; the next
  // shift starts 1970-01-01 20:00 JST = 11:00Z. [00:00Z, 12:00Z) holds 1 h + 1 h.
  Calendar night = make_calendar(R"({"timezone": "Asia/Tokyo", "hours": {"daily": ["20:00-10:00"]}})");
  EXPECT_TRUE(night.is_open(min_instant));
  EXPECT_EQ(ms(night.between(min_instant, at("1970-01-01T12:00:00Z"))), ms(2h));

  // Kathmandu was UTC+05:30 in 1970: 00:00-08:00 local = 1969-12-31T18:30Z -> 1970-01-01T02:30Z.
  Calendar ktm = make_calendar(R"({"timezone": "Asia/Kathmandu", "hours": {"daily": ["00:00-08:00"]}})");
  EXPECT_EQ(ms(ktm.between(min_instant, at("1970-01-01T12:00:00Z"))), ms(2h + 30min));
  EXPECT_EQ(utc(ktm.next_open(at("1970-01-01T02:30:00Z"))), "1970-01-01T18:30:00Z");
}

TEST(CalendarRange, SparseCalendarOpenOnlyOnTheFirstAndLastSupportedDays) {
  // Open 1970-01-01 00:00-01:00Z and 2200-12-31 23:00-24:00Z, nothing in 231 years between.
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": {},
      "special": [{"date": "1970-01-01", "hours": ["00:00-01:00"]},
                  {"date": "2200-12-31", "hours": ["23:00-24:00"]}]})");
  EXPECT_EQ(utc(c.next_open(at("1970-01-01T01:00:00Z"))), "2200-12-31T23:00:00Z");
  // The last interval is cut at max_instant (23:59:59.999): 1 h + (1 h - 1 ms).
  EXPECT_EQ(ms(c.between(min_instant, max_instant)), ms(2h - 1ms));
  EXPECT_EQ(utc(c.add(min_instant, 1h)), "1970-01-01T01:00:00Z");  // lands on the end
  EXPECT_EQ(utc(c.add(min_instant, 1h + 1ms)), "2200-12-31T23:00:00.001Z");
  EXPECT_EQ(utc(c.add(min_instant, 2h - 1ms)), "2200-12-31T23:59:59.999Z");
  // 2 h would end at 2201-01-01T00:00Z, beyond the supported range.
  EXPECT_THROW((void)c.add(min_instant, 2h), RangeError);
  EXPECT_EQ(c.next_open(max_instant), max_instant);  // still open at the last ms
}

TEST(CalendarRange, WholeSupportedRangeOnTwentyFourSeven) {
  // max_instant - min_instant = 7,289,654,399,999 ms.
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": "24x7"})");
  const Duration span = max_instant - min_instant;
  EXPECT_EQ(ms(span), 7'289'654'399'999);
  EXPECT_EQ(ms(c.between(min_instant, max_instant)), 7'289'654'399'999);
  EXPECT_EQ(ms(c.between(max_instant, min_instant)), -7'289'654'399'999);
  EXPECT_EQ(utc(c.add(min_instant, span)), "2200-12-31T23:59:59.999Z");
  EXPECT_THROW((void)c.add(min_instant, span + 1ms), RangeError);  // 2201-01-01T00:00Z
  EXPECT_THROW((void)c.add(min_instant, Duration::max()), RangeError);
  EXPECT_THROW((void)c.add(max_instant, Duration::max()), RangeError);
  EXPECT_EQ(ms(c.between(at("2100-06-01T00:00:00Z"), at("2100-06-01T00:00:00Z"))), 0);
}

TEST(CalendarRange, MillisecondsAtIntervalEdges) {
  // Mon-Fri 09:00-18:00 Shanghai (UTC+8). Mon 2026-03-02 17:59:59.999 has 1 ms left; the
  // second ms is the first ms of Tue 09:00 = 01:00Z, so the result is 01:00:00.001Z.
  Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}})");
  const Instant last_ms = at("2026-03-02T17:59:59.999+08:00");
  EXPECT_EQ(utc(c.add(last_ms, 2ms)), "2026-03-03T01:00:00.001Z");
  EXPECT_EQ(ms(c.between(last_ms, at("2026-03-03T09:00:00.001+08:00"))), 2);
  EXPECT_EQ(utc(c.add(last_ms, 1ms)), "2026-03-02T10:00:00Z");  // the end, Mon 18:00
  EXPECT_EQ(utc(c.add(at("2026-03-02T08:59:59.999+08:00"), 1ms)), "2026-03-02T01:00:00.001Z");
  EXPECT_EQ(ms(c.between(at("2026-03-02T17:00:00.250+08:00"), at("2026-03-02T17:00:00.750+08:00"))), 500);
}

// ---- Zones with unusual rules ------------------------------------------------------------

TEST(CalendarZones, KathmanduGapAtMidnightStillMergesWholeDays) {
  // On 1986-01-01 Kathmandu moved from +05:30 to +05:45 at local midnight: 00:00-00:14 never
  // happened; the change is at 1985-12-31T18:30Z. Both the end of Dec 31 (24:00) and the start
  // of Jan 1 (00:00) fall into that gap and map to 18:30Z, so 24x7 stays open throughout.
  Calendar c = make_calendar(R"({"timezone": "Asia/Kathmandu", "hours": "24x7"})");
  EXPECT_TRUE(c.is_open(at("1985-12-31T18:30:00Z")));
  EXPECT_TRUE(c.is_open(at("1986-01-01T00:00:00Z")));  // also the UTC new year
  EXPECT_EQ(ms(c.between(at("1985-12-31T00:00:00Z"), at("1986-01-02T00:00:00Z"))), ms(48h));
  EXPECT_EQ(utc(c.add(at("1985-12-31T18:00:00Z"), 1h)), "1985-12-31T19:00:00Z");

  // Daily 09:00-18:00: Dec 31 at +05:30 is 03:30Z-12:30Z, Jan 1 at +05:45 is 03:15Z-12:15Z.
  Calendar day = make_calendar(R"({"timezone": "Asia/Kathmandu", "hours": {"daily": ["09:00-18:00"]}})");
  EXPECT_EQ(utc(day.next_open(at("1985-12-31T12:30:00Z"))), "1986-01-01T03:15:00Z");
  EXPECT_EQ(ms(day.between(at("1985-12-31T00:00:00Z"), at("1986-01-02T00:00:00Z"))), ms(18h));
}

TEST(CalendarZones, HavanaSpringForwardAtMidnight) {
  // Havana 2026-03-08: 00:00 CST (-05:00) jumps to 01:00 CDT (-04:00), at 05:00Z. With
  // 00:00-24:00 every day, Saturday's end (Sun 00:00) and Sunday's start both map to 05:00Z:
  // always open. Sat 00:00 CST = 05:00Z Mar 7; Mon 00:00 CDT = 04:00Z Mar 9: 47 h elapse.
  Calendar c = make_calendar(R"({"timezone": "America/Havana", "hours": {"daily": ["00:00-24:00"]}})");
  EXPECT_TRUE(c.is_open(at("2026-03-08T05:00:00Z")));
  EXPECT_TRUE(c.is_open(at("2026-03-08T04:59:59.999Z")));
  EXPECT_EQ(ms(c.between(at("2026-03-07T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00"))), ms(47h));
  EXPECT_EQ(utc(c.add(at("2026-03-08T04:00:00Z"), 2h)), "2026-03-08T06:00:00Z");
}

TEST(CalendarZones, LordHoweHalfHourDst) {
  // Lord Howe: +10:30 standard, +11:00 summer. Sun 2026-10-04 02:00 -> 02:30 (at 15:30Z Oct 3);
  // Sun 2026-04-05 02:00 -> 01:30 (at 15:00Z Apr 4), so 01:30-01:59 happens twice.
  Calendar early = make_calendar(R"({"timezone": "Australia/Lord_Howe", "hours": {"sun": ["00:00-06:00"]}})");
  // Oct 4: 00:00 +10:30 = 13:30Z, 06:00 +11 = 19:00Z: 5 h 30 min.
  EXPECT_EQ(ms(early.between(at("2026-10-03T00:00:00Z"), at("2026-10-04T00:00:00Z"))), ms(5h + 30min));
  // Apr 5: 00:00 +11 = 13:00Z, 06:00 +10:30 = 19:30Z: 6 h 30 min.
  EXPECT_EQ(ms(early.between(at("2026-04-04T00:00:00Z"), at("2026-04-05T00:00:00Z"))), ms(6h + 30min));

  // 02:00-02:30 on Oct 4 lies wholly in the gap (both ends map to 15:30Z): no open time; the
  // next is Sun Oct 11 02:00 +11 = Oct 10 15:00Z.
  Calendar gap = make_calendar(R"({"timezone": "Australia/Lord_Howe", "hours": {"sun": ["02:00-02:30"]}})");
  EXPECT_EQ(utc(gap.next_open(at("2026-10-03T00:00:00Z"))), "2026-10-10T15:00:00Z");

  // 01:30-02:00 on Apr 5: the start is ambiguous, earlier = 01:30 +11 = 14:30Z; 02:00 +10:30
  // = 15:30Z: 1 h.
  Calendar twice = make_calendar(R"({"timezone": "Australia/Lord_Howe", "hours": {"sun": ["01:30-02:00"]}})");
  EXPECT_EQ(utc(twice.next_open(at("2026-04-04T00:00:00Z"))), "2026-04-04T14:30:00Z");
  EXPECT_EQ(ms(twice.between(at("2026-04-04T00:00:00Z"), at("2026-04-05T00:00:00Z"))), ms(1h));
}

TEST(CalendarZones, ApiaSkippedFriday) {
  // Samoa skipped Fri 2011-12-30: Thu 23:59:59 -10:00 was followed by Sat 00:00 +14:00
  // (at 2011-12-30T10:00Z). Daily 09:00-17:00: Thu = 19:00Z Dec 29 - 03:00Z Dec 30;
  // Fri does not exist (both ends map to 10:00Z: empty); Sat = 19:00Z Dec 30 - 03:00Z Dec 31.
  Calendar c = make_calendar(R"({"timezone": "Pacific/Apia", "hours": {"daily": ["09:00-17:00"]}})");
  EXPECT_EQ(ms(c.between(at("2011-12-29T00:00:00-10:00"), at("2012-01-01T00:00:00+14:00"))), ms(16h));
  EXPECT_EQ(utc(c.next_open(at("2011-12-30T03:00:00Z"))), "2011-12-30T19:00:00Z");
  EXPECT_FALSE(c.is_open(at("2011-12-30T10:00:00Z")));
  // 1 h to Thu 17:00 (03:00Z), then 1 h from Sat 09:00 (19:00Z).
  EXPECT_EQ(utc(c.add(at("2011-12-30T02:00:00Z"), 2h)), "2011-12-30T20:00:00Z");
}

// ---- Errors --------------------------------------------------------------------------------

TEST(CalendarErrors, NegativeDurationIsAnInputError) {
  Calendar c = make_calendar(weekdays_shanghai);
  try {
    (void)c.add(at("2026-03-02T10:00:00+08:00"), -1ms);
    FAIL() << "add with a negative duration did not throw";
  } catch (const RangeError&) {
    FAIL() << "a negative duration is malformed input, not out of range";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), ErrorCode::input);
  }
}

TEST(CalendarErrors, InstantsOutsideTheSupportedYearsAreRangeErrors) {
  Calendar c = make_calendar(weekdays_shanghai);
  const Instant before_1970 = min_instant - 1ms;
  const Instant after_2200 = max_instant + 1ms;
  EXPECT_THROW((void)c.is_open(before_1970), RangeError);
  EXPECT_THROW((void)c.is_open(after_2200), RangeError);
  EXPECT_THROW((void)c.next_open(before_1970), RangeError);
  EXPECT_THROW((void)c.add(after_2200, 0ms), RangeError);
  EXPECT_THROW((void)c.between(before_1970, at("2026-03-02T10:00:00+08:00")), RangeError);
  EXPECT_THROW((void)c.between(at("2026-03-02T10:00:00+08:00"), after_2200), RangeError);
}

TEST(CalendarErrors, ResultsBeyond2200AreRangeErrors) {
  Calendar weekdays =
      make_calendar(R"({"timezone": "UTC", "hours": {"mon-fri": ["09:00-18:00"]}})");
  // Wed 2200-12-31 is the last supported day; its interval is still usable.
  EXPECT_TRUE(weekdays.is_open(at("2200-12-31T12:00:00Z")));
  EXPECT_EQ(utc(weekdays.add(at("2200-12-31T12:00:00Z"), 6h)), "2200-12-31T18:00:00Z");
  // The next opening would be Thu 2201-01-01 09:00.
  EXPECT_THROW((void)weekdays.next_open(at("2200-12-31T19:00:00Z")), RangeError);
  EXPECT_THROW((void)weekdays.add(at("2200-12-31T17:00:00Z"), 2h), RangeError);

  Calendar always = make_calendar(R"({"timezone": "UTC", "hours": "24x7"})");
  EXPECT_EQ(utc(always.add(max_instant, 0ms)), "2200-12-31T23:59:59.999Z");
  EXPECT_THROW((void)always.add(max_instant - 1h, 2h), RangeError);
}

// ---- coverage horizon (docs/calendars.md, "Coverage") ------------------------------------------
//
// Weekdays 09:00-18:00 in Shanghai (UTC+8), holiday data known until Thursday 2026-12-31. The
// horizon is the local midnight after it, 2027-01-01T00:00+08:00 = 2026-12-31T16:00Z: still in
// UTC year 2026, so the block of 2026 is cut there (zoneinfo confirms each conversion).
Calendar covered_calendar(std::string_view beyond) {
  return make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
                           "coverage": {"until": "2026-12-31", "beyond": ")" +
                       std::string(beyond) + "\"}}");
}

constexpr std::string_view beyond_message =
    "calendar \"c\" knows its holidays until 2026-12-31 (\"coverage\": {\"beyond\": \"error\"}), and this "
    "computation needs 2027-01-01 or later (year 2027): extend its holiday data and \"until\"";

// Each call throws RangeError with exactly the message above.
template <class Call>
void expect_beyond(Call call) {
  try {
    call();
    ADD_FAILURE() << "no RangeError";
  } catch (const RangeError& e) {
    EXPECT_EQ(std::string(e.what()), beyond_message);
  }
}

TEST(CalendarCoverage, ErrorBeyondAnswersUpToTheHorizonAndThrowsPastIt) {
  const Calendar c = covered_calendar("error");
  // Inside the data: Thursday 09:00 + 8h = 17:00 (= 09:00Z); 09:00 to the horizon holds the
  // day's 9 hours; 23:59:59.999 local is closed.
  EXPECT_EQ(utc(c.add(at("2026-12-31T09:00:00+08:00"), 8h)), utc("2026-12-31T17:00:00+08:00"));
  EXPECT_EQ(ms(c.between(at("2026-12-31T09:00:00+08:00"), at("2027-01-01T00:00:00+08:00"))), ms(9h));
  EXPECT_FALSE(c.is_open(at("2026-12-31T23:59:59.999+08:00")));
  EXPECT_EQ(utc(c.next_open(at("2026-12-30T20:00:00+08:00"))), utc("2026-12-31T09:00:00+08:00"));
  // Crossing it: Thursday gives 9h of the 10h wanted; the tenth would fall on Friday 2027-01-01,
  // whose holidays are unknown. Same for the state at the horizon itself, a span ending 1 ms
  // after it, the next opening after Thursday's close, and any instant of a later year.
  expect_beyond([&] { (void)c.add(at("2026-12-31T09:00:00+08:00"), 10h); });
  expect_beyond([&] { (void)c.is_open(at("2027-01-01T00:00:00+08:00")); });
  expect_beyond([&] { (void)c.between(at("2026-12-31T09:00:00+08:00"), at("2027-01-01T00:00:00.001+08:00")); });
  expect_beyond([&] { (void)c.between(at("2027-06-01T00:00:00+08:00"), at("2026-06-01T00:00:00+08:00")); });
  expect_beyond([&] { (void)c.next_open(at("2026-12-31T18:00:00+08:00")); });
  expect_beyond([&] { (void)c.is_open(at("2031-03-03T10:00:00+08:00")); });
  // The years before stay answerable after a failure (nothing half-built is kept).
  EXPECT_TRUE(c.is_open(at("2026-12-31T17:59:59.999+08:00")));
}

TEST(CalendarCoverage, ClosesAndBusinessDaysPastTheHorizonThrowToo) {
  const Calendar c = covered_calendar("error");
  // Inside: Thursday 17:00 closes at 18:00; 12-30 to 12-31 holds one business day (Thursday);
  // the business day ending Wednesday's next one is Thursday 18:00.
  EXPECT_EQ(utc(c.next_close(at("2026-12-31T17:00:00+08:00"))), utc("2026-12-31T18:00:00+08:00"));
  EXPECT_EQ(c.business_days_between(at("2026-12-30T10:00:00+08:00"), at("2026-12-31T10:00:00+08:00")), 1);
  EXPECT_EQ(utc(c.business_day_end(at("2026-12-30T10:00:00+08:00"), 1)), utc("2026-12-31T18:00:00+08:00"));
  EXPECT_EQ(utc(c.subtract(at("2026-12-31T18:00:00+08:00"), 9h)), utc("2026-12-31T09:00:00+08:00"));
  // Past it: Friday 2027-01-01 is a business day or not, nobody knows yet.
  expect_beyond([&] { (void)c.business_day_end(at("2026-12-31T10:00:00+08:00"), 1); });
  expect_beyond([&] { (void)c.business_days_between(at("2026-12-30T10:00:00+08:00"), at("2027-01-01T10:00:00+08:00")); });
  expect_beyond([&] { (void)c.next_close(at("2026-12-31T19:00:00+08:00")); });
  // Round the clock, Thursday's interval would end at the horizon only because the data does.
  const Calendar always = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": "24x7",
                                            "coverage": {"until": "2026-12-31", "beyond": "error"}})");
  try {
    (void)always.next_close(at("2026-12-31T10:00:00+08:00"));
    ADD_FAILURE() << "no RangeError";
  } catch (const RangeError& e) {
    EXPECT_NE(std::string(e.what()).find("needs 2027-01-01 or later"), std::string::npos) << e.what();
  }
}

TEST(CalendarCoverage, WeeklyBeyondAndNoCoverageFollowTheWeeks) {
  // Thursday's 9h, then Friday 2027-01-01 from 09:00: 1h more ends at 10:00 (= 02:00Z).
  for (const Calendar& c : {covered_calendar("weekly"), make_calendar(weekdays_shanghai)}) {
    EXPECT_EQ(utc(c.add(at("2026-12-31T09:00:00+08:00"), 10h)), utc("2027-01-01T10:00:00+08:00"));
    EXPECT_TRUE(c.is_open(at("2027-01-01T09:00:00+08:00")));
  }
}

// ---- effective-dated versions (docs/calendars.md, "Versions") ----------------------------------

TEST(CalendarVersions, NewHoursFromTheirDateOnTheOldBefore) {
  // Weekdays 09:00-18:00 until Thursday 2026-12-31, 08:00-20:00 from Friday 2027-01-01.
  const Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
      "versions": [{"from": "2027-01-01", "hours": {"mon-fri": ["08:00-20:00"]}}]})");
  // Thursday 17:00-18:00 (old hours) + Friday 08:00-09:00 (new hours) = 2h; the old hours
  // alone would give 1h (Friday opening at 09:00).
  EXPECT_EQ(ms(c.between(at("2026-12-31T17:00:00+08:00"), at("2027-01-01T09:00:00+08:00"))), ms(2h));
  EXPECT_FALSE(c.is_open(at("2026-12-31T18:30:00+08:00")));  // old: closed after 18:00
  EXPECT_TRUE(c.is_open(at("2027-01-01T19:30:00+08:00")));   // new: open until 20:00
  // Thursday 17:00 + 2h: 1h to 18:00, then Friday from 08:00: 09:00 (= 01:00Z).
  EXPECT_EQ(utc(c.add(at("2026-12-31T17:00:00+08:00"), 2h)), utc("2027-01-01T09:00:00+08:00"));
  EXPECT_EQ(utc(c.next_open(at("2026-12-31T18:00:00+08:00"))), utc("2027-01-01T08:00:00+08:00"));
}

TEST(CalendarVersions, AnOvernightRangeBelongsToTheDateItStartsOn) {
  // Nights 20:00-02:00 daily until 2026-12-31, days 09:00-17:00 from 2027-01-01: Thursday's
  // night still runs to Friday 02:00 under the old hours. From Thursday 20:00 to Friday 20:00:
  // 20:00-02:00 (6h) + 09:00-17:00 (8h) = 14h.
  const Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"daily": ["20:00-02:00"]},
      "versions": [{"from": "2027-01-01", "hours": {"daily": ["09:00-17:00"]}}]})");
  EXPECT_EQ(ms(c.between(at("2026-12-31T20:00:00+08:00"), at("2027-01-01T20:00:00+08:00"))), ms(14h));
  EXPECT_TRUE(c.is_open(at("2027-01-01T01:59:00+08:00")));
  EXPECT_FALSE(c.is_open(at("2027-01-01T20:30:00+08:00")));  // no night from Friday on
}

TEST(CalendarVersions, TheCalendarsBreaksCutEveryVersion) {
  // Friday 2027-01-01 on the version's 08:00-20:00 less the 12:00-13:00 break: 12h - 1h = 11h.
  const Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
      "breaks": ["12:00-13:00"], "versions": [{"from": "2027-01-01", "hours": {"mon-fri": ["08:00-20:00"]}}]})");
  EXPECT_EQ(ms(c.between(at("2027-01-01T00:00:00+08:00"), at("2027-01-02T00:00:00+08:00"))), ms(11h));
  EXPECT_FALSE(c.is_open(at("2027-01-01T12:30:00+08:00")));
}

TEST(CalendarVersions, AVersionsOwnBreaksReplaceTheCalendarsFromItsDate) {
  // Breaks 12:00-13:00 until 2026-12-31, 12:00-14:00 from 2027-01-01 (the version's own). The
  // make-up days Thursday 2026-12-31 to Saturday 2027-01-02, 09:00-18:00, are cut by the breaks
  // in force on each date: 9h - 1h = 8h, then 9h - 2h = 7h twice: 22h.
  const Calendar c = make_calendar(R"({"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
      "breaks": ["12:00-13:00"],
      "versions": [{"from": "2027-01-01", "hours": {"mon-fri": ["08:00-20:00"]}, "breaks": ["12:00-14:00"]}],
      "workdays": [{"from": "2026-12-31", "to": "2027-01-02", "hours": ["09:00-18:00"]}]})");
  EXPECT_EQ(ms(c.between(at("2026-12-31T00:00:00+08:00"), at("2027-01-03T00:00:00+08:00"))), ms(22h));
  // A plain Friday of the version, 2027-01-08: 08:00-20:00 less 12:00-14:00 = 10h.
  EXPECT_EQ(ms(c.between(at("2027-01-08T00:00:00+08:00"), at("2027-01-09T00:00:00+08:00"))), ms(10h));
  EXPECT_FALSE(c.is_open(at("2027-01-08T13:30:00+08:00")));
  EXPECT_TRUE(c.is_open(at("2026-12-30T13:30:00+08:00")));  // Wednesday, the old break ends at 13:00
}

TEST(CalendarVersions, OnlyAVersionOpensTheCalendar) {
  // Closed every day until 2099-12-31: a calendar that only a version opens is not "never open".
  const Calendar c = make_calendar(R"({"timezone": "UTC", "hours": {},
      "versions": [{"from": "2100-01-01", "hours": "24x7"}]})");
  EXPECT_EQ(utc(c.next_open(at("2026-01-01T00:00:00Z"))), utc("2100-01-01T00:00:00Z"));
}

}  // namespace

// ---- Properties on random inputs, and the year cache under threads ---------------------------
// Properties that must hold for every calendar and every instant, checked on random inputs,
// and the lock-free year cache hammered from several threads (run under ThreadSanitizer).

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
  return detail::CalendarAccess::make(std::make_shared<const detail::CalendarData>("half-hours", *date::locate_zone("UTC"), half_hours(),
                                                               std::vector<detail::DateOverride>{},
                                                               std::vector<detail::DayRange>{},
                                                               std::vector<detail::YearlyHoliday>{}, budget));
}

TEST(CalendarMemory, AnOverBudgetCalendarKeepsFewYearsAndAnswersAlike) {
  const detail::CalendarData all("x", *date::locate_zone("UTC"), half_hours(), {}, {}, {});
  EXPECT_EQ(all.years_kept(), 231u);
  const detail::CalendarData two("x", *date::locate_zone("UTC"), half_hours(), {}, {}, {}, 250'000);
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
      std::vector<detail::DateOverride>{}, std::vector<detail::DayRange>{}, std::vector<detail::YearlyHoliday>{});
  EXPECT_EQ(data->years_kept(), 10u);
  const Calendar dense = detail::CalendarAccess::make(data);
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
  DayHours hourly;  // more intervals a day than are counted one by one: searched
  for (std::int32_t h = 0; h < 24; ++h) hourly.push_back({h * 60, h * 60 + 30});
  const std::pair<const char*, std::array<DayHours, 7>> cases[] = {
      {"Asia/Shanghai", {split, split, split, split, split, none, none}},
      {"Europe/Berlin", {hourly, hourly, hourly, hourly, hourly, hourly, split}},
      {"America/New_York", {overnight, overnight, overnight, overnight, overnight, overnight, overnight}},
      {"UTC", {always, always, always, always, always, always, always}},
      {"Pacific/Auckland", {none, none, DayHours{{780, 810}}, none, none, none, none}}};
  for (const auto& [zone, weekly] : cases) {
    const detail::CalendarData data("x", *date::locate_zone(zone), weekly, {}, {}, {});
    for (const int year : {2026, 2028}) {
      const detail::YearRef held = data.year(year, 0);
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

// `add` finds where an amount of open time is reached by searching forwards from the interval
// it starts in: from any interval at or before the answer, that must agree with a search of the
// whole year, at every interval's edges (the open time at its start and at its end, and a
// millisecond either side) and from every starting point up to the answer.
TEST(CalendarYearBlock, LocateFromAnEarlierIntervalAgreesWithASearchOfTheWholeYear) {
  using detail::DayHours;
  const DayHours split{{0, 360}, {480, 1200}, {1320, 1380}};
  const DayHours always{{0, 1440}};
  const std::pair<const char*, std::array<DayHours, 7>> cases[] = {
      {"Asia/Shanghai", {split, split, split, split, split, DayHours{}, DayHours{}}},
      {"UTC", {always, always, always, always, always, always, always}}};
  for (const auto& [zone, weekly] : cases) {
    const detail::CalendarData data("x", *date::locate_zone(zone), weekly, {}, {}, {});
    const detail::YearRef held = data.year(2026, 0);
    const detail::YearBlock& block = *held;
    const auto whole_search = [&](std::int64_t open_ms) {
      const auto key = static_cast<std::int32_t>((open_ms + 999) / 1000);
      const auto i = static_cast<std::size_t>(
          std::lower_bound(block.open_before.begin() + 1, block.open_before.end(), key) - block.open_before.begin() - 1);
      return std::pair{i, std::int64_t{block.starts[i]} * 1000 + open_ms - std::int64_t{block.open_before[i]} * 1000};
    };
    for (std::size_t k = 0; k < block.size(); ++k) {
      for (const std::int64_t edge : {std::int64_t{block.open_before[k]}, std::int64_t{block.open_before[k + 1]}}) {
        for (const std::int64_t open_ms : {edge * 1000 - 1, edge * 1000, edge * 1000 + 1}) {
          if (open_ms <= 0 || open_ms > block.total_ms()) continue;
          const auto [answer, expected] = whole_search(open_ms);
          for (std::size_t first = 0; first <= answer; first += first < 3 || answer - first < 3 ? 1 : answer / 7 + 1)
            ASSERT_EQ(block.locate(open_ms, first), expected) << zone << " open " << open_ms << " ms from " << first;
        }
      }
    }
  }
}

// ---- Backwards and by days (issue 16, point 1) ---------------------------------------------

// Shanghai (UTC+8, no DST). Mon-Fri 09:00-12:00 + 12:00-17:00 touch: one interval 09:00-17:00.
// Saturday is a split shift 09:00-12:00 + 14:00-18:00. Oct 1-7 2026 (Thu-Wed) are holidays,
// Sun 2026-10-11 is a make-up working day 09:00-17:00. 2026-09-26 is a Saturday, 09-28 a Monday.
constexpr std::string_view desk_shanghai = R"({"timezone": "Asia/Shanghai",
    "hours": {"mon-fri": ["09:00-12:00", "12:00-17:00"], "sat": ["09:00-12:00", "14:00-18:00"]},
    "holidays": [{"from": "2026-10-01", "to": "2026-10-07"}],
    "workdays": [{"date": "2026-10-11", "hours": ["09:00-17:00"]}]})";

TEST(CalendarSubtract, WalksBackThroughOpenTime) {
  Calendar c = make_calendar(desk_shanghai);
  // Tue 20:00 is after the close: the last hour of Tue 16:00-17:00.
  EXPECT_EQ(utc(c.subtract(at("2026-09-29T20:00:00+08:00"), 1h)), utc("2026-09-29T16:00:00+08:00"));
  // From the close, the whole day: [Mon 17:00, Tue 17:00) holds 8 h too, but the latest start
  // with 8 h is Tue 09:00.
  EXPECT_EQ(utc(c.subtract(at("2026-09-29T17:00:00+08:00"), 8h)), utc("2026-09-29T09:00:00+08:00"));
  // 12:00 is no edge: 12:30 - 1 h = 11:30.
  EXPECT_EQ(utc(c.subtract(at("2026-09-29T12:30:00+08:00"), 1h)), utc("2026-09-29T11:30:00+08:00"));
  EXPECT_EQ(utc(c.subtract(at("2026-09-29T12:30:00+08:00"), 0h)), utc("2026-09-29T12:30:00+08:00"));
  // Mon 10:00: 1 h is Mon 09:00-10:00 exactly, the latest start is 09:00 (not Sat 18:00).
  EXPECT_EQ(utc(c.subtract(at("2026-09-28T10:00:00+08:00"), 1h)), utc("2026-09-28T09:00:00+08:00"));
  // 2 h: 1 h on Monday, Sunday closed, 1 h from Saturday's afternoon shift (ends 18:00) -> 17:00.
  EXPECT_EQ(utc(c.subtract(at("2026-09-28T10:00:00+08:00"), 2h)), utc("2026-09-26T17:00:00+08:00"));
  // 5 h = 1 h + the whole 14:00-18:00 shift: the latest start is 14:00, not the 12:00 close.
  EXPECT_EQ(utc(c.subtract(at("2026-09-28T10:00:00+08:00"), 5h)), utc("2026-09-26T14:00:00+08:00"));
  // 6 h = 1 h + 4 h + 1 h of the morning shift 09:00-12:00 -> 11:00.
  EXPECT_EQ(utc(c.subtract(at("2026-09-28T10:00:00+08:00"), 6h)), utc("2026-09-26T11:00:00+08:00"));
  // Thu Oct 8 10:00 - 2 h: 1 h on Thursday, Oct 1-7 are holidays, then Wed Sep 30 16:00.
  EXPECT_EQ(utc(c.subtract(at("2026-10-08T10:00:00+08:00"), 2h)), utc("2026-09-30T16:00:00+08:00"));
  // Mon Oct 12 10:00 - 2 h: 1 h on Monday, 1 h of the make-up Sunday 09:00-17:00 -> 16:00.
  EXPECT_EQ(utc(c.subtract(at("2026-10-12T10:00:00+08:00"), 2h)), utc("2026-10-11T16:00:00+08:00"));
}

TEST(CalendarSubtract, NegativeDurationsAreInputErrorsThatNameTheOtherOperation) {
  Calendar c = make_calendar(desk_shanghai);
  const Instant t = at("2026-09-29T10:00:00+08:00");
  EXPECT_THROW((void)c.subtract(t, -1ms), InputError);
  try {
    (void)c.add(t, -1h);
    FAIL() << "add with a negative duration did not throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("use subtract"), std::string::npos) << e.what();
  }
}

TEST(CalendarSubtract, OvernightShiftAcrossTheUtcNewYearAndADstNight) {
  // UTC 22:00-06:00 daily: the Dec 31 shift is stored in two year blocks.
  Calendar night = make_calendar(R"({"timezone": "UTC", "hours": {"daily": ["22:00-06:00"]}})");
  EXPECT_EQ(utc(night.subtract(at("2027-01-01T01:00:00Z"), 2h)), "2026-12-31T23:00:00Z");
  EXPECT_EQ(utc(night.subtract(at("2027-01-01T06:00:00Z"), 8h)), "2026-12-31T22:00:00Z");
  // From Jan 1 22:00 the last ms of open time is 05:59:59.999.
  EXPECT_EQ(utc(night.subtract(at("2027-01-01T22:00:00Z"), 1ms)), "2027-01-01T05:59:59.999Z");
  // 1 h from 01:00Z lands on the new year itself, inside the shift.
  EXPECT_EQ(utc(night.subtract(at("2027-01-01T01:00:00Z"), 1h)), "2027-01-01T00:00:00Z");

  // Berlin 00:00-06:00 on the fall-back night of 2026-10-25 runs 00:00 CEST = Oct 24 22:00Z to
  // 06:00 CET = 05:00Z: 7 h (zoneinfo). One ms more reaches into Oct 24's shift, whose end is
  // 06:00 CEST = 04:00Z.
  Calendar berlin = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"daily": ["00:00-06:00"]}})");
  EXPECT_EQ(utc(berlin.subtract(at("2026-10-25T05:00:00Z"), 7h)), "2026-10-24T22:00:00Z");
  EXPECT_EQ(utc(berlin.subtract(at("2026-10-25T05:00:00Z"), 7h + 1ms)), "2026-10-24T03:59:59.999Z");
}

TEST(CalendarSubtract, EndsOfTheSupportedRange) {
  // Open 1970-01-01 00:00-01:00Z and 2200-12-31 23:00-24:00Z only.
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": {},
      "special": [{"date": "1970-01-01", "hours": ["00:00-01:00"]},
                  {"date": "2200-12-31", "hours": ["23:00-24:00"]}]})");
  // [2200-12-31T23:00Z, max_instant) holds 1 h - 1 ms; 1 ms more is 1970's last ms.
  EXPECT_EQ(utc(c.subtract(max_instant, 1h)), "1970-01-01T00:59:59.999Z");
  EXPECT_EQ(utc(c.subtract(max_instant, 2h - 1ms)), "1970-01-01T00:00:00Z");
  EXPECT_THROW((void)c.subtract(max_instant, 2h), RangeError);
  EXPECT_THROW((void)c.subtract(max_instant, Duration::max()), RangeError);
  // Point 6: running out of open time says so.
  try {
    (void)c.next_open(at("1970-01-01T01:00:00Z") + 1ms);
    (void)c.next_open(max_instant);
    Calendar early = make_calendar(R"({"timezone": "UTC", "hours": {},
        "special": [{"date": "1970-01-01", "hours": ["00:00-01:00"]}]})");
    (void)early.next_open(at("1970-01-01T01:00:00Z"));
    FAIL() << "next_open found open time that does not exist";
  } catch (const RangeError& e) {
    EXPECT_STREQ(e.what(), "calendar \"c\" has no open time left before 2201");
  }
  try {
    (void)c.add(min_instant, 2h);  // 1 h + 1 h would end at 2201-01-01T00:00Z
    FAIL() << "add went past 2200";
  } catch (const RangeError& e) {
    EXPECT_NE(std::string(e.what()).find("has less than 2h of open time left before 2201"), std::string::npos)
        << e.what();
  }
}

TEST(CalendarCloses, NextAndPreviousCloseOnTouchingAndSplitShifts) {
  Calendar c = make_calendar(desk_shanghai);
  // 12:00 joins two touching ranges: the close is 17:00.
  EXPECT_EQ(utc(c.next_close(at("2026-09-29T10:00:00+08:00"))), utc("2026-09-29T17:00:00+08:00"));
  EXPECT_EQ(utc(c.next_close(at("2026-09-29T12:00:00+08:00"))), utc("2026-09-29T17:00:00+08:00"));
  // Exactly at the close the desk is closed: the next close is Wednesday's.
  EXPECT_EQ(utc(c.next_close(at("2026-09-29T17:00:00+08:00"))), utc("2026-09-30T17:00:00+08:00"));
  EXPECT_EQ(utc(c.next_close(at("2026-09-29T20:00:00+08:00"))), utc("2026-09-30T17:00:00+08:00"));
  // Saturday's split shift closes twice.
  EXPECT_EQ(utc(c.next_close(at("2026-09-26T10:00:00+08:00"))), utc("2026-09-26T12:00:00+08:00"));
  EXPECT_EQ(utc(c.next_close(at("2026-09-26T12:00:00+08:00"))), utc("2026-09-26T18:00:00+08:00"));
  // Wed Sep 30 17:00: Oct 1-7 are holidays, so Thu Oct 8.
  EXPECT_EQ(utc(c.next_close(at("2026-09-30T17:00:00+08:00"))), utc("2026-10-08T17:00:00+08:00"));

  // previous_close(t) <= t: exactly at a close, t itself.
  EXPECT_EQ(utc(c.previous_close(at("2026-09-29T17:00:00+08:00"))), utc("2026-09-29T17:00:00+08:00"));
  EXPECT_EQ(utc(c.previous_close(at("2026-09-29T16:59:59.999+08:00"))), utc("2026-09-28T17:00:00+08:00"));
  EXPECT_EQ(utc(c.previous_close(at("2026-09-29T12:00:00+08:00"))), utc("2026-09-28T17:00:00+08:00"));
  EXPECT_EQ(utc(c.previous_close(at("2026-09-28T10:00:00+08:00"))), utc("2026-09-26T18:00:00+08:00"));
  EXPECT_EQ(utc(c.previous_close(at("2026-09-26T13:00:00+08:00"))), utc("2026-09-26T12:00:00+08:00"));
  // Thu Oct 8 10:00: back over the holidays to Wed Sep 30 17:00.
  EXPECT_EQ(utc(c.previous_close(at("2026-10-08T10:00:00+08:00"))), utc("2026-09-30T17:00:00+08:00"));
}

TEST(CalendarCloses, PiecesOfOneShiftAcrossYearsAndDst) {
  // UTC 22:00-06:00 daily: the new year inside the Dec 31 shift is no close.
  Calendar night = make_calendar(R"({"timezone": "UTC", "hours": {"daily": ["22:00-06:00"]}})");
  EXPECT_EQ(utc(night.next_close(at("2026-12-31T23:00:00Z"))), "2027-01-01T06:00:00Z");
  EXPECT_EQ(utc(night.next_close(at("2026-12-31T12:00:00Z"))), "2027-01-01T06:00:00Z");
  EXPECT_EQ(utc(night.previous_close(at("2027-01-01T07:00:00Z"))), "2027-01-01T06:00:00Z");
  // Inside the Dec 31 shift: the close before it is Dec 31 06:00 (end of the Dec 30 shift).
  EXPECT_EQ(utc(night.previous_close(at("2027-01-01T05:00:00Z"))), "2026-12-31T06:00:00Z");

  // Berlin 00:00-06:00 on the fall-back night closes at 06:00 CET = 05:00Z (zoneinfo); the
  // one before closed Oct 24 06:00 CEST = 04:00Z.
  Calendar berlin = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"daily": ["00:00-06:00"]}})");
  EXPECT_EQ(utc(berlin.next_close(at("2026-10-25T01:30:00Z"))), "2026-10-25T05:00:00Z");
  EXPECT_EQ(utc(berlin.previous_close(at("2026-10-25T05:00:00Z"))), "2026-10-25T05:00:00Z");
  EXPECT_EQ(utc(berlin.previous_close(at("2026-10-25T04:59:00Z"))), "2026-10-24T04:00:00Z");

  // Never closing, or no close left: RangeErrors that say so.
  Calendar always = make_calendar(R"({"timezone": "UTC", "hours": "24x7"})");
  try {
    (void)always.next_close(at("2026-01-01T00:00:00Z"));
    FAIL() << "a 24x7 calendar closed";
  } catch (const RangeError& e) {
    EXPECT_STREQ(e.what(), "no open interval of calendar \"c\" ends before 2201");
  }
  EXPECT_THROW((void)always.previous_close(at("2026-01-01T00:00:00Z")), RangeError);
  Calendar sparse = make_calendar(R"({"timezone": "UTC", "hours": {},
      "special": [{"date": "1970-01-01", "hours": ["00:00-01:00"]}, {"date": "2200-12-30", "hours": ["10:00-11:00"]}]})");
  EXPECT_EQ(utc(sparse.previous_close(max_instant)), "2200-12-30T11:00:00Z");
  EXPECT_EQ(utc(sparse.previous_close(at("2200-12-30T10:30:00Z"))), "1970-01-01T01:00:00Z");
  EXPECT_EQ(utc(sparse.next_close(min_instant)), "1970-01-01T01:00:00Z");
  EXPECT_EQ(utc(sparse.next_close(at("1970-01-01T01:00:00Z"))), "2200-12-30T11:00:00Z");
  EXPECT_THROW((void)sparse.next_close(at("2200-12-30T11:00:00Z")), RangeError);
  EXPECT_THROW((void)sparse.previous_close(at("1970-01-01T00:59:59.999Z")), RangeError);
}

TEST(CalendarBusinessDays, EndOfTheNthBusinessDay) {
  Calendar c = make_calendar(desk_shanghai);
  const Instant tue = at("2026-09-29T10:00:00+08:00");
  EXPECT_EQ(utc(c.business_day_end(tue, 0)), utc("2026-09-29T17:00:00+08:00"));  // today's
  EXPECT_EQ(utc(c.business_day_end(tue, 1)), utc("2026-09-30T17:00:00+08:00"));  // Wed
  EXPECT_EQ(utc(c.business_day_end(tue, 2)), utc("2026-10-08T17:00:00+08:00"));  // Oct 1-7 off
  EXPECT_EQ(utc(c.business_day_end(tue, 3)), utc("2026-10-09T17:00:00+08:00"));  // Fri
  EXPECT_EQ(utc(c.business_day_end(tue, 4)), utc("2026-10-10T18:00:00+08:00"));  // Sat: split, 18:00
  EXPECT_EQ(utc(c.business_day_end(tue, 5)), utc("2026-10-11T17:00:00+08:00"));  // make-up Sun
  EXPECT_EQ(utc(c.business_day_end(tue, 6)), utc("2026-10-12T17:00:00+08:00"));  // Mon
  // n = 0 after the close is still today's end, before t.
  EXPECT_EQ(utc(c.business_day_end(at("2026-09-29T20:00:00+08:00"), 0)), utc("2026-09-29T17:00:00+08:00"));
  // From Sunday (no hours): n = 0 and n = 1 are both Monday.
  EXPECT_EQ(utc(c.business_day_end(at("2026-09-27T10:00:00+08:00"), 0)), utc("2026-09-28T17:00:00+08:00"));
  EXPECT_EQ(utc(c.business_day_end(at("2026-09-27T10:00:00+08:00"), 1)), utc("2026-09-28T17:00:00+08:00"));
  // The local date decides: Tue 23:30 +08 is 15:30Z the same Tuesday.
  EXPECT_EQ(utc(c.business_day_end(at("2026-09-29T15:30:00Z"), 1)), utc("2026-09-30T17:00:00+08:00"));
  EXPECT_THROW((void)c.business_day_end(tue, -1), InputError);

  // Berlin 20:00-02:30 daily: Sat 2026-03-28's range ends Sun 02:30, a time that does not exist
  // (clocks go 02:00 CET -> 03:00 CEST): the gap's end, 03:00 CEST = 01:00Z (zoneinfo). Sunday's
  // ends Mon 02:30 CEST = 2026-03-30T00:30Z.
  Calendar berlin = make_calendar(R"({"timezone": "Europe/Berlin", "hours": {"daily": ["20:00-02:30"]}})");
  EXPECT_EQ(utc(berlin.business_day_end(at("2026-03-28T12:00:00+01:00"), 0)), "2026-03-29T01:00:00Z");
  EXPECT_EQ(utc(berlin.business_day_end(at("2026-03-28T12:00:00+01:00"), 1)), "2026-03-30T00:30:00Z");
}

TEST(CalendarBusinessDays, BreaksAndYearlyHolidays) {
  // UTC weekdays 09:00-18:00 less breaks 12:00-13:00 and 17:00-18:00: a day ends at 17:00.
  // Dec 25 is closed every year: Fri in 2026, Sat in 2027 (Python's datetime).
  Calendar c = make_calendar(R"({"timezone": "UTC", "hours": {"mon-fri": ["09:00-18:00"]},
      "breaks": ["12:00-13:00", "17:00-18:00"], "holidays": [{"every_year": "12-25"}]})");
  // Thu 2026-12-24: Fri 25 is the holiday, so the next business day is Mon 28, ending 17:00.
  EXPECT_EQ(utc(c.business_day_end(at("2026-12-24T10:00:00Z"), 1)), "2026-12-28T17:00:00Z");
  EXPECT_EQ(c.business_days_between(at("2026-12-24T10:00:00Z"), at("2026-12-28T10:00:00Z")), 1);
  // Fri 2027-12-24: the weekend, then Mon 27.
  EXPECT_EQ(utc(c.business_day_end(at("2027-12-24T10:00:00Z"), 1)), "2027-12-27T17:00:00Z");
  // The lunch break is a close: 12:00; 1 h before 13:30 is 30 min after the break and 30 before.
  EXPECT_EQ(utc(c.next_close(at("2026-12-24T10:00:00Z"))), "2026-12-24T12:00:00Z");
  EXPECT_EQ(utc(c.previous_close(at("2026-12-24T12:30:00Z"))), "2026-12-24T12:00:00Z");
  EXPECT_EQ(utc(c.subtract(at("2026-12-24T13:30:00Z"), 1h)), "2026-12-24T11:30:00Z");
}

TEST(CalendarBusinessDays, BusinessDaysBetweenCountsTheDatesAfterTheFirst) {
  Calendar c = make_calendar(desk_shanghai);
  // Dates in (Tue Sep 29, Mon Oct 12]: Wed Sep 30, Thu Oct 8, Fri 9, Sat 10, Sun 11 (make-up),
  // Mon 12 = 6; Oct 1-7 are holidays.
  const Instant from = at("2026-09-29T10:00:00+08:00");
  const Instant to = at("2026-10-12T10:00:00+08:00");
  EXPECT_EQ(c.business_days_between(from, to), 6);
  EXPECT_EQ(c.business_days_between(to, from), -6);
  EXPECT_EQ(c.business_days_between(from, at("2026-09-29T23:59:00+08:00")), 0);
  // Sat -> Mon: Sunday has no hours, Monday counts.
  EXPECT_EQ(c.business_days_between(at("2026-09-26T10:00:00+08:00"), at("2026-09-28T08:00:00+08:00")), 1);
  // Ten years of Mon-Fri in UTC: weekdays in (2026-01-01, 2036-01-01] = 2608 (counted with
  // Python's datetime, date by date).
  Calendar weekdays = make_calendar(R"({"timezone": "UTC", "hours": {"mon-fri": ["09:00-17:00"]}})");
  EXPECT_EQ(weekdays.business_days_between(at("2026-01-01T12:00:00Z"), at("2036-01-01T12:00:00Z")), 2608);
}

// Properties on spans up to years, on the Shanghai desk and a Berlin one with DST. Both close
// before midnight, so a business day's end lies on its own date.
class CalendarBackwards : public ::testing::TestWithParam<std::string_view> {};

INSTANTIATE_TEST_SUITE_P(Desks, CalendarBackwards,
                         ::testing::Values(desk_shanghai, R"({"timezone": "Europe/Berlin",
                             "hours": {"mon-fri": ["08:00-12:00", "13:00-18:30"], "sat": ["10:00-14:00"]},
                             "holidays": ["2027-12-24", {"from": "2028-12-24", "to": "2029-01-01"}]})"));

TEST_P(CalendarBackwards, PropertiesAgainstAddAndBetween) {
  Calendar c = make_calendar(GetParam());
  std::mt19937_64 rng(16);
  std::uniform_int_distribution<std::int64_t> instant_ms(1767225600000, 1893456000000);  // 2026..2030
  std::uniform_int_distribution<std::int64_t> duration_ms(1, 10'000LL * 3'600'000);      // up to 10,000 h
  for (int i = 0; i < 2000; ++i) {
    const Instant t{Duration{instant_ms(rng)}};
    const Duration d{duration_ms(rng)};
    const Instant back = c.subtract(t, d);
    ASSERT_LE(back, t);
    ASSERT_EQ(ms(c.between(back, t)), ms(d)) << utc(t) << " " << ms(d);
    // add undoes subtract when t is open; from a closed t it lands on the close before it.
    const Instant again = c.add(back, d);
    ASSERT_EQ(utc(again), utc(c.is_open(t) ? t : c.previous_close(t)));
    // subtract undoes add from an open t; from a closed t it gives the next opening.
    ASSERT_EQ(utc(c.subtract(c.add(t, d), d)), utc(c.next_open(t)));
    const Instant before = c.previous_close(t);
    const Instant after = c.next_close(t);
    ASSERT_LE(before, t);
    ASSERT_LT(t, after);
    ASSERT_FALSE(c.is_open(after));
    ASSERT_TRUE(c.is_open(after - 1ms));
    ASSERT_FALSE(c.is_open(before));
    ASSERT_TRUE(c.is_open(before - 1ms));
    const int n = static_cast<int>(d.count() % 20) + 1;
    ASSERT_EQ(c.business_days_between(t, c.business_day_end(t, n)), n) << utc(t) << " " << n;
  }
}

}  // namespace
}  // namespace aftersales

