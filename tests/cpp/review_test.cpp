// Adversarial review of the core library (SPEC §1-§2): calendars at the edges of the
// supported range and in zones with unusual rules, value parsers at their limits, hostile
// policy documents and condition corner cases. Expected values are worked out by hand; the
// arithmetic is in the comments. Tests marked "Regression (found in review)" failed against
// the first implementation and name the defect they caught.

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "condition/condition_compile.hpp"
#include "detail/json_reader.hpp"
#include "detail/text.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

using test::at;
using test::make_calendar;

std::string utc(Instant t) { return format_instant(t); }
std::int64_t ms(Duration d) { return d.count(); }

std::vector<Problem> problems_of(std::string_view json) {
  try {
    (void)Policy::from_json(json);
  } catch (const PolicyError& e) {
    return e.problems();
  }
  return {};
}

std::string listing(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "\n  " + p.path + ": " + p.message;
  return out.empty() ? "\n  (no problems)" : out;
}

// ---- Calendars: UTC year boundaries and the ends of the supported range -----------------------

TEST(ReviewCalendar, OvernightShiftSplitAtTheUtcNewYear) {
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

TEST(ReviewCalendar, FirstSupportedDayEastOfUtc) {
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

TEST(ReviewCalendar, SparseCalendarOpenOnlyOnTheFirstAndLastSupportedDays) {
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

TEST(ReviewCalendar, WholeSupportedRangeOnTwentyFourSeven) {
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

TEST(ReviewCalendar, MillisecondsAtIntervalEdges) {
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

// ---- Calendars: zones with unusual rules ------------------------------------------------------

TEST(ReviewCalendar, KathmanduGapAtMidnightStillMergesWholeDays) {
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

TEST(ReviewCalendar, HavanaSpringForwardAtMidnight) {
  // Havana 2026-03-08: 00:00 CST (-05:00) jumps to 01:00 CDT (-04:00), at 05:00Z. With
  // 00:00-24:00 every day, Saturday's end (Sun 00:00) and Sunday's start both map to 05:00Z:
  // always open. Sat 00:00 CST = 05:00Z Mar 7; Mon 00:00 CDT = 04:00Z Mar 9: 47 h elapse.
  Calendar c = make_calendar(R"({"timezone": "America/Havana", "hours": {"daily": ["00:00-24:00"]}})");
  EXPECT_TRUE(c.is_open(at("2026-03-08T05:00:00Z")));
  EXPECT_TRUE(c.is_open(at("2026-03-08T04:59:59.999Z")));
  EXPECT_EQ(ms(c.between(at("2026-03-07T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00"))), ms(47h));
  EXPECT_EQ(utc(c.add(at("2026-03-08T04:00:00Z"), 2h)), "2026-03-08T06:00:00Z");
}

TEST(ReviewCalendar, LordHoweHalfHourDst) {
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

TEST(ReviewCalendar, ApiaSkippedFriday) {
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

TEST(ReviewCalendar, HolidaysCoveringEverySupportedDateLeaveNoOpenTime) {
  // Regression (found in review): SPEC §2 "A calendar with no open time at all is a load error". Weekday hours in UTC
  // with every date 1970-01-01..2200-12-31 a holiday has no open time, but it loads, and
  // only fails later with a RangeError from next_open/add. compile_calendar
  // (src/calendar/calendar_compile.cpp:288-293) only checks that some weekday or override
  // has hours, ignoring holidays.
  const auto problems = problems_of(R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-17:00"]},
      "holidays": [{"from": "1970-01-01", "to": "2200-12-31"}]}}})");
  EXPECT_EQ(problems.size(), 1u) << listing(problems);
}

// ---- Values --------------------------------------------------------------------------------

TEST(ReviewValues, InstantEdgeForms) {
  // -01:00 offset: 1969-12-31T23:00-01:00 is 1970-01-01T00:00Z, inside the range.
  EXPECT_EQ(parse_instant("1969-12-31T23:00:00-01:00"), min_instant);
  // 2201-01-01T00:59:59.999+01:00 is 2200-12-31T23:59:59.999Z = max_instant.
  EXPECT_EQ(parse_instant("2201-01-01T00:59:59.999+01:00"), max_instant);
  // Digits beyond ms are truncated, never rounded up past the range.
  EXPECT_EQ(parse_instant("2200-12-31T23:59:59.99999999Z"), max_instant);
  EXPECT_THROW((void)parse_instant("2200-12-31T23:59:59.999-00:01"), RangeError);
  const std::initializer_list<std::string_view> malformed{
      "2026-11-11T00:05:00 +08:00", " 2026-11-11T00:05:00Z", "2026-11-11T00:05:00Z ",
      "+2026-11-11T00:05:00Z",      "2026-11-11T00:05:00+0800", "2026-11-11T00:05:00+08",
      "2026-11-11T24:00:00Z",       "2026-11-11T00:05Z", std::string_view("2026-11-11T00:05:00\0Z", 21)};
  for (std::string_view bad : malformed) {
    EXPECT_THROW((void)parse_instant(bad), InputError) << bad;
  }
  EXPECT_THROW((void)instant_from_ms(std::numeric_limits<std::int64_t>::min()), RangeError);
  EXPECT_THROW((void)instant_from_ms(std::numeric_limits<std::int64_t>::max()), RangeError);
}

TEST(ReviewValues, DurationEdgeForms) {
  EXPECT_EQ(ms(parse_duration("-0s")), 0);
  EXPECT_EQ(ms(parse_duration("00s")), 0);
  EXPECT_EQ(ms(parse_duration("1d24h")), ms(48h));  // units in order, each once: allowed
  // INT64_MAX ms = 106751991167d 7h 12m 55s 807ms.
  EXPECT_EQ(format_duration(Duration::max()), "106751991167d7h12m55s807ms");
  EXPECT_EQ(parse_duration("106751991167d7h12m55s807ms"), Duration::max());
  EXPECT_THROW((void)parse_duration("106751991167d7h12m55s808ms"), RangeError);
  for (std::string_view bad : {"+5s", " 5s", "5s ", "5 s", "--5s", "5S", "5sec", "1h-30m", "1.0s", "s5"}) {
    EXPECT_THROW((void)parse_duration(bad), InputError) << bad;
  }
}

TEST(ReviewValues, MoneyEdgeForms) {
  const Currency cny = currency("CNY");
  EXPECT_EQ(Money::parse("-0", cny).minor_units(), 0);
  EXPECT_EQ(Money::parse("-0", cny).to_string(), "0.00");
  EXPECT_EQ(Money::parse("00", cny).minor_units(), 0);
  EXPECT_EQ(Money::parse("007.50", cny).minor_units(), 750);
  // INT64_MIN fen = -92,233,720,368,547,758.08 CNY parses exactly.
  EXPECT_EQ(Money::parse("-92233720368547758.08", cny).minor_units(), std::numeric_limits<std::int64_t>::min());
  EXPECT_THROW((void)Money::parse("-92233720368547758.09", cny), RangeError);
  for (std::string_view bad : {"+1", " 1", "1 ", "1.", ".5", "1_000", "0x10", "--1", "１"}) {
    EXPECT_THROW((void)Money::parse(bad, cny), InputError) << bad;
  }
  EXPECT_THROW((void)Money::parse(std::string_view("1.5\0", 4), cny), InputError);
  EXPECT_THROW((void)currency("cny"), InputError);
}

TEST(ReviewValues, DurationMinimumRoundTrips) {
  // Regression (found in review): format_duration handles INT64_MIN ("so that INT64_MIN needs no special case") but
  // parse_duration cannot read its own output: "-106751991167d7h12m55s808ms" is
  // -9,223,372,036,854,775,808 ms = Duration::min(), representable, yet rejected as too long.
  // src/values/duration.cpp:62-65 accumulates the magnitude on the positive side, whose
  // maximum is INT64_MAX.
  EXPECT_EQ(format_duration(Duration::min()), "-106751991167d7h12m55s808ms");
  EXPECT_NO_THROW(EXPECT_EQ(parse_duration("-106751991167d7h12m55s808ms"), Duration::min()));
}

}  // namespace

// ---- Internals: JSON reading, duplicate keys, messages, conditions -----------------------------

namespace aftersales::detail {
namespace {

TEST(ReviewJson, IntegerSecondsDurationDoesNotOverflowNegative) {
  // Regression (found in review): Node::duration (src/detail/json_reader.cpp:210) checks only `seconds > INT64_MAX / 1000`,
  // so -9,223,372,036,854,776 s (x 1000 = -9,223,372,036,854,776,000 < INT64_MIN) overflows
  // (undefined behaviour; UBSan reports it) and wraps instead of being a problem.
  const boost::json::value value(std::int64_t{-9'223'372'036'854'776});
  Problems problems;
  const Node node(value, problems);
  const auto d = node.duration();
  EXPECT_FALSE(d.has_value()) << d->count();
  EXPECT_EQ(problems.size(), 1u);
}

TEST(ReviewJson, DuplicateKeysAreReportedWithTheirPath) {
  const auto root = problems_of(R"({"schema_version": 1, "schema_version": 1})");
  ASSERT_EQ(root.size(), 1u) << listing(root);
  EXPECT_EQ(root[0].path, "schema_version");

  // Inside the second element of an array of objects.
  const auto in_array = problems_of(R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC",
      "hours": "24x7", "holidays": [{"date": "2026-01-01"}, {"date": "2026-01-02", "date": "2026-01-03"}]}}})");
  ASSERT_EQ(in_array.size(), 1u) << listing(in_array);
  EXPECT_EQ(in_array[0].path, "calendars.c.holidays[1].date");

  // Under keys that need quoting in a path.
  const auto quoted_keys = test::parse_problems(R"({"schema_version": 1, "kpi": {"a b": [0, {"x.y": 1, "x.y": 2}]}})");
  ASSERT_EQ(quoted_keys.size(), 1u) << listing(quoted_keys);
  EXPECT_EQ(quoted_keys[0].path, R"(kpi["a b"][1]["x.y"])");

  // The same key spelled with an escape is the same key.
  const auto escaped = test::parse_problems(R"({"schema_version": 1, "kpi": {"a": 1, "\u0061": 2}})");
  ASSERT_EQ(escaped.size(), 1u) << listing(escaped);
  EXPECT_EQ(escaped[0].path, "kpi.a");

  // A NUL inside a key is shown escaped in the path.
  const auto nul = test::parse_problems(R"({"schema_version": 1, "kpi": {"a\u0000b": 1, "a\u0000b": 2}})");
  ASSERT_EQ(nul.size(), 1u) << listing(nul);
  EXPECT_EQ(nul[0].path, R"(kpi["a\u0000b"])");
}

TEST(ReviewJson, DistinctEscapedKeysAreNotDuplicates) {
  // Regression (found in review): {"\u0061": 1, "\u0062": 2} has the distinct keys "a" and "b" and must load. Boost.JSON
  // hands an escaped key to on_key as a view into a stack buffer inside the parser, reused for
  // the next escaped key; DuplicateKeyFinder::on_key (src/detail/duplicate_keys.cpp:38-50)
  // stores that view as if it pointed into the document, so "a" later reads as "b": a false
  // "duplicate key" (and a read of a dead stack frame). Copy escaped keys (e.g. into
  // split_keys_) whenever s.data() is not inside the document text.
  EXPECT_TRUE(test::parse_problems(R"({"schema_version": 1, "kpi": {"\u0061": 1, "\u0062": 2}})").empty());
  EXPECT_NO_THROW((void)Policy::from_json(
      R"({"schema_version": 1, "calendars": {"\u00e4": {"timezone": "UTC", "hours": "24x7"},
                                             "\u00f6": {"timezone": "UTC", "hours": "24x7"}}})"));
}

TEST(ReviewJson, DuplicateKeyScanIsNotQuadratic) {
  // Regression (found in review): the duplicate-key check once searched every key already seen
  // in the object, so an object with n keys cost n^2/2 string comparisons: 20,000 distinct keys
  // (about 250 kB) took about 10 s under the sanitizers, and a 16 MB document (the default limit)
  // holds over a million keys. A complexity guard, not a speed target: linear parsing takes well
  // under a second even under ASan, quadratic takes ten, so the 5 s bound cannot flake either way.
  std::string doc = R"({"schema_version": 1, "kpi": {)";
  for (int i = 0; i < 20'000; ++i) doc += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":0";
  doc += "}}";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(test::parse_problems(doc).empty());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, 5s) << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
}

// Whether `text` is well-formed UTF-8 (no truncated or stray continuation bytes).
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

TEST(ReviewText, QuotedNeverCutsACharacterInHalf) {
  // Regression (found in review): quoted() cut long input after 60 bytes, which could split a
  // multi-byte UTF-8 character. The message then is not valid UTF-8, which the JSON outputs of
  // the C ABI and Python's str decoding cannot carry. It now counts 64 characters, not bytes:
  // 63 ASCII bytes and "é" (C3 A9) are the first 64, kept whole before the "…".
  const std::string text = std::string(63, 'a') + "\xc3\xa9" + "tail";
  const std::string shown = detail::quoted(text);
  EXPECT_TRUE(valid_utf8(shown)) << shown;
  EXPECT_EQ(shown, "\"" + std::string(63, 'a') + "\xc3\xa9\u2026\"");
  // 40 ASCII bytes and 32 three-byte characters: the 64th character is the 24th 客 or 服.
  EXPECT_TRUE(valid_utf8(detail::quoted(std::string(40, 'x') + "客服客服客服客服客服客服客服客服客服客服客服客服客服客服客服客服")));
}

TEST(ReviewText, QuotedBoundsInputThatIsNotUtf8) {
  // A megabyte of continuation bytes (10xxxxxx) with no lead byte: each character takes at most
  // four bytes, so 64 characters are 256 bytes, then "…" (3 bytes), between 2 quotes.
  const std::string shown = detail::quoted(std::string(1u << 20, '\x80'));
  EXPECT_EQ(shown, "\"" + std::string(256, '\x80') + "\u2026\"");
}

class ReviewCondition : public ::testing::Test {
 protected:
  std::optional<Condition> compile(std::string_view text) {
    json_ = boost::json::parse(text);
    problems_ = {};
    const Node root(json_, problems_);
    return compile_condition(root, ConditionContext::ticket, symbols_);
  }
  SymbolTable symbols_;
  boost::json::value json_;
  Problems problems_;
};

TEST_F(ReviewCondition, NumericInListAgainstAListValueUsesTheNumberOperands) {
  // Regression (found in review): for `in` on a list-valued field, Condition::evaluate_leaf (src/condition/condition.cpp:391-393)
  // always searches symbol_operands_ with the step's first/count, even when the step's operands
  // are numbers (their first/count index number_operands_). Here the only symbol operands are
  // those of fields.y ("a".."d"), so fields.x in [1, 2] looks at the symbols of "a" and "b"
  // and matches a fields.x list holding "a". A list of text is never in a list of numbers:
  // expected false. (With no symbol operands at all, the search reads past an empty vector.)
  const auto c = compile(R"({"any": [{"field": "fields.y", "in": ["a", "b", "c", "d"]},
                                      {"field": "fields.x", "in": [1, 2]}]})");
  ASSERT_TRUE(c);
  Subject s(symbols_);
  const std::vector<std::string_view> texts{"a"};
  const std::vector<Symbol> list = s.intern_list(texts);
  s.set_list(*symbols_.find_custom_field("x"), list, texts);
  EXPECT_FALSE(c->matches(s));
}

TEST_F(ReviewCondition, EdgeOperands) {
  // Empty lists are load errors, for built-in and custom fields alike.
  EXPECT_FALSE(compile(R"({"field": "channel", "in": []})"));
  EXPECT_FALSE(compile(R"({"field": "fields.x", "not_in": []})"));
  // "fields." with no name is not a custom field.
  EXPECT_FALSE(compile(R"({"field": "fields.", "eq": "x"})"));
  // Numbers beyond the millionths range are load errors, not wrapped values:
  // INT64_MAX / 10^6 = 9,223,372,036,854 is the largest whole number.
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 9223372036855})"));
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 18446744073709551615})"));
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 1e300})"));
  // "-0" equals 0; numbers compare exactly at the millionth.
  const auto zero = compile(R"({"field": "order.amount", "eq": "-0"})");
  ASSERT_TRUE(zero);
  Subject s(symbols_);
  s.set_number(static_cast<std::size_t>(Field::order_amount), 0);
  EXPECT_TRUE(zero->matches(s));
  const auto lt = compile(R"({"field": "order.amount", "lt": "-0.000001"})");
  ASSERT_TRUE(lt);
  s.set_number(static_cast<std::size_t>(Field::order_amount), -1);
  EXPECT_FALSE(lt->matches(s));
  s.set_number(static_cast<std::size_t>(Field::order_amount), -2);
  EXPECT_TRUE(lt->matches(s));
  // Custom field names with dots and unicode are just names.
  const auto odd = compile(R"({"field": "fields.区域.子", "eq": "东"})");
  ASSERT_TRUE(odd);
  Subject t(symbols_);
  t.set_text(*symbols_.find_custom_field("区域.子"), "东");
  EXPECT_TRUE(odd->matches(t));
}

}  // namespace
}  // namespace aftersales::detail
