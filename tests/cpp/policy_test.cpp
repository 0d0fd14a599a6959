// Loading and validating policy documents (spec §0, §2) through the public API. Problems are
// checked by their exact JSON path and by the one fact their message must contain (the bad
// value, or the kind of mistake), so the tests do not depend on the wording.

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace aftersales;

const std::filesystem::path example_policy =
    std::filesystem::path(AFTERSALES_EXAMPLES_DIR) / "policies" / "cn-marketplace.json";

// A document whose only calendar, "c", is `calendar_json`.
std::string calendar_doc(std::string_view calendar_json) {
  std::string doc = R"({"schema_version": 1, "calendars": {"c": )";
  doc += calendar_json;
  doc += "}}";
  return doc;
}

std::vector<Problem> problems_of(std::string_view json, const LoadLimits& limits = {}) {
  try {
    (void)Policy::from_json(json, limits);
  } catch (const PolicyError& e) {
    EXPECT_EQ(e.code(), ErrorCode::policy);
    return e.problems();
  }
  ADD_FAILURE() << "the document was accepted";
  return {};
}

bool contains_nocase(std::string_view text, std::string_view fact) {
  return std::search(text.begin(), text.end(), fact.begin(), fact.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

std::string listing(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "\n  " + p.path + ": " + p.message;
  return out.empty() ? "\n  (no problems)" : out;
}

// Some problem whose path satisfies `path_matches` mentions `fact` (case-insensitively).
template <typename PathMatches>
::testing::AssertionResult find_problem(const std::vector<Problem>& problems,
                                        PathMatches path_matches, std::string_view where,
                                        std::string_view fact) {
  for (const Problem& p : problems) {
    if (path_matches(p.path) && contains_nocase(p.message, fact)) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no problem at " << where << " mentioning '" << fact << "'; got:" << listing(problems);
}

::testing::AssertionResult has_problem(const std::vector<Problem>& problems, std::string_view path,
                                       std::string_view fact) {
  return find_problem(
      problems, [&](const std::string& p) { return p == path; }, path, fact);
}

// Each expected {path, fact} pair is among the problems.
struct Expected {
  std::string_view path;
  std::string_view fact;
};
void expect_problems(const std::vector<Problem>& problems, std::initializer_list<Expected> all) {
  for (const Expected& e : all) EXPECT_TRUE(has_problem(problems, e.path, e.fact));
}

// For mistakes where either an entry or one of its fields is a fair place to point at.
::testing::AssertionResult has_problem_under(const std::vector<Problem>& problems,
                                             std::string_view prefix, std::string_view fact) {
  return find_problem(
      problems, [&](const std::string& p) { return p.starts_with(prefix); },
      std::string(prefix) + "...", fact);
}

// ---- Documents that load ---------------------------------------------------------------------

TEST(Policy, MinimalDocuments) {
  EXPECT_EQ(Policy::from_json(R"({"schema_version": 1})")->schema_version(), 1);
  auto empty = Policy::from_json(R"({"schema_version": 1, "calendars": {}})");
  EXPECT_TRUE(empty->calendar_names().empty());
}

// An engine holds its policy: a host may let go of the policy once it has built its engines
// (docs/threading.md, "Swapping policies"), and a copy of an engine shares the same policy.
TEST(Policy, EnginesKeepTheirPolicyAlive) {
  std::weak_ptr<const Policy> watched;
  std::optional<SlaEngine> sla;
  {
    const auto policy = Policy::from_json(R"({"schema_version": 1,
        "sla": {"policies": [{"id": "all", "targets": {"normal": {"first_response": "10m"}}}]},
        "routing": {"queues": [{"id": "general"}], "default_queue": "general"}})");
    watched = policy;
    sla.emplace(policy);
    // Each of the others, dropped at once, leaves the policy to the SLA engine.
    (void)RefundEngine(policy);
    (void)KpiEngine(policy);
    (void)KpiAccumulator(policy, {});
    (void)Router(policy);
  }
  ASSERT_FALSE(watched.expired());
  // Created 10:00, no reply by 10:04: 4 of the 10 minutes of first_response gone.
  const Ticket ticket = Ticket::from_json(R"({"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "events": []})");
  const SlaReport report = sla->evaluate(ticket, parse_instant("2026-03-02T10:04:00Z"));
  EXPECT_EQ(report.policy, "all");
  ASSERT_EQ(report.metrics.size(), 1u);
  EXPECT_EQ(report.metrics[0].elapsed, std::chrono::minutes(4));

  const SlaEngine copy = *sla;
  sla.reset();
  EXPECT_FALSE(watched.expired());
  EXPECT_EQ(copy.evaluate(ticket, parse_instant("2026-03-02T10:04:00Z")).to_json(), report.to_json());
}

// A policy travels as its document: to_json gives back the text it was loaded from, byte for byte
// (spacing, key order and the trailing newline included), and loading that text again answers
// the same.
TEST(Policy, ToJsonIsTheDocumentItWasLoadedFrom) {
  const std::string document = "{ \"schema_version\":1,\n  \"sla\": {\"policies\": [{\"id\": \"all\", "
                               "\"targets\": {\"normal\": {\"first_response\": \"10m\"}}}]}}\n";
  const auto policy = Policy::from_json(document);
  EXPECT_EQ(policy->to_json(), document);
  const auto again = Policy::from_json(policy->to_json());
  EXPECT_EQ(again->to_json(), document);
  // Created 10:00, no reply by 10:04: 4 of the 10 minutes gone, under either copy.
  const Ticket ticket = Ticket::from_json(R"({"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "events": []})");
  const Instant at = parse_instant("2026-03-02T10:04:00Z");
  EXPECT_EQ(SlaEngine(again).evaluate(ticket, at).metrics.at(0).elapsed, std::chrono::minutes(4));
  EXPECT_EQ(SlaEngine(again).evaluate(ticket, at).to_json(), SlaEngine(policy).evaluate(ticket, at).to_json());
}

TEST(Policy, EnginesNeedAPolicy) {
  const std::shared_ptr<const Policy> none;
  EXPECT_THROW(SlaEngine{none}, InputError);
  EXPECT_THROW(RefundEngine{none}, InputError);
  EXPECT_THROW(KpiEngine{none}, InputError);
  EXPECT_THROW((KpiAccumulator{none, {}}), InputError);
  EXPECT_THROW(Router{none}, InputError);
}

TEST(Policy, LaterSectionsAreAcceptedAsOpaqueObjectsForNow) {
  EXPECT_NO_THROW((void)Policy::from_json(R"({"schema_version": 1,
      "sla": {"policies": [{"id": "vip", "targets": {"urgent": {"first_response": "30s"}}}]},
      "routing": {"queues": [{"id": "general"}], "default_queue": "general"},
      "refunds": {"policies": []},
      "kpi": {}})"));
}

TEST(Policy, ExamplePolicyLoadsAndAnswers) {
  auto policy = Policy::from_file(example_policy);
  EXPECT_EQ(policy->calendar_names(), (std::vector<std::string>{"always", "cn-office", "cn-service",
                                                                "eu-service", "night-shift"}));
  const Calendar service = policy->calendar("cn-service");
  const Calendar office = policy->calendar("cn-office");
  EXPECT_EQ(service.time_zone(), "Asia/Shanghai");
  EXPECT_FALSE(service.is_open(parse_instant("2026-10-01T10:00:00+08:00")));  // National Day
  EXPECT_TRUE(office.is_open(parse_instant("2026-09-20T10:00:00+08:00")));    // make-up Sunday
  EXPECT_FALSE(office.is_open(parse_instant("2026-09-13T10:00:00+08:00")));   // plain Sunday
  EXPECT_TRUE(service.is_open(parse_instant("2026-11-11T03:00:00+08:00")));   // Double 11
  EXPECT_FALSE(office.is_open(parse_instant("2026-11-11T03:00:00+08:00")));
  EXPECT_FALSE(service.is_open(parse_instant("2026-11-18T03:00:00+08:00")));

  const Calendar eu = policy->calendar("eu-service");
  EXPECT_FALSE(eu.is_open(parse_instant("2026-04-03T12:00:00+02:00")));  // Good Friday
  EXPECT_TRUE(eu.is_open(parse_instant("2026-04-04T12:00:00+02:00")));   // Saturday 10-16
  EXPECT_FALSE(eu.is_open(parse_instant("2026-04-04T17:00:00+02:00")));
  EXPECT_TRUE(policy->calendar("night-shift").is_open(parse_instant("2026-10-01T02:00:00+08:00")));
  EXPECT_TRUE(policy->calendar("always").is_open(parse_instant("2026-10-01T02:00:00+08:00")));
}

TEST(Policy, UnknownCalendarIsNotFound) {
  auto policy = Policy::from_json(calendar_doc(R"({"timezone": "UTC", "hours": "24x7"})"));
  try {
    (void)policy->calendar("office");
    FAIL() << "no exception";
  } catch (const NotFoundError& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_TRUE(contains_nocase(e.what(), "office")) << e.what();
  }
}

TEST(Policy, MissingFileIsAnInputError) {
  EXPECT_THROW((void)Policy::from_file("/nonexistent/policy.json"), InputError);
}

// ---- Every problem, with its path -------------------------------------------------------------

TEST(PolicyErrors, ReportsEveryProblemWithItsPath) {
  const std::vector<Problem> problems = problems_of(R"({
    "schema_version": 1,
    "calendars": {
      "a": {"timezone": "Mars/Olympus", "hours": {"mon": ["09:00-18:00"]}},
      "b": {"timezone": "UTC",
            "hours": {"tue": ["25:00-26:00"], "wed": ["09:00-12:00", "11:00-13:00"],
                      "thu": ["09:00-18:00"]},
            "holiday": ["2026-01-01"]},
      "c": {"timezone": "Asia/Shanghai", "hours": {"mon": ["09:00-18:00"]},
            "holidays": ["2026-02-30", {"date": "2026-03-02", "name": "fine"}],
            "special": [{"date": "2026-03-03", "hours": ["9:00-10:00"]}]}
    },
    "extra": true
  })");
  EXPECT_EQ(problems.size(), 7u) << listing(problems);
  EXPECT_TRUE(has_problem_under(problems, "calendars.b.hours.wed", "overlap"));
  expect_problems(problems, {
                                {"calendars.a.timezone", "Mars/Olympus"},
                                {"calendars.b.hours.tue[0]", "25:00-26:00"},
                                {"calendars.b.holiday", "unknown"},
                                {"calendars.c.holidays[0]", "2026-02-30"},
                                {"calendars.c.special[0].hours[0]", "9:00-10:00"},
                                {"extra", "unknown"},
                            });
}

TEST(PolicyErrors, WhatListsTheProblemsWithTheirPaths) {
  try {
    (void)Policy::from_json(calendar_doc(R"({"timezone": "Mars/Olympus", "hours": "24x7"})"));
    FAIL() << "no exception";
  } catch (const PolicyError& e) {
    EXPECT_TRUE(contains_nocase(e.what(), "calendars.c.timezone")) << e.what();
    EXPECT_TRUE(contains_nocase(e.what(), "Mars/Olympus")) << e.what();
  }
}

TEST(PolicyErrors, SchemaVersion) {
  EXPECT_TRUE(has_problem(problems_of(R"({"calendars": {}})"), "schema_version", ""));
  EXPECT_TRUE(has_problem(problems_of(R"({"schema_version": 2})"), "schema_version", "2"));
  EXPECT_TRUE(has_problem(problems_of(R"({"schema_version": "1"})"), "schema_version", ""));
}

TEST(PolicyErrors, SchemaReferenceIsAStringTheLoaderIgnores) {
  // Editors read "$schema" (docs/policy.md, "JSON Schema"); before issue 15 it was an unknown key.
  const auto policy = Policy::from_json(R"({"$schema": "https://example.com/policy.schema.json", "schema_version": 1})");
  EXPECT_EQ(policy->schema_version(), 1);
  EXPECT_NO_THROW((void)Policy::from_json(R"({"$schema": "./policy.schema.json", "schema_version": 1})"));
  // A path with a "$" is written in the quoted form (Node::join).
  EXPECT_TRUE(has_problem(problems_of(R"({"$schema": 1, "schema_version": 1})"), R"(["$schema"])", "string"));
  EXPECT_TRUE(has_problem(problems_of(R"({"$schema": null, "schema_version": 1})"), R"(["$schema"])", "string"));
}

TEST(PolicyErrors, UnknownKeys) {
  EXPECT_TRUE(
      has_problem(problems_of(R"({"schema_version": 1, "calendar": {}})"), "calendar", "unknown"));
  EXPECT_TRUE(has_problem(
      problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7", "holiday": []})")),
      "calendars.c.holiday", "unknown"));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "holidays": [{"date": "2026-01-01", "nmae": "typo"}]})")),
                          "calendars.c.holidays[0].nmae", "unknown"));
}

// `aftersales holidays` records where each date came from (docs/calendars.md, "Holidays
// imported"); the loader keeps "source" like "name": accepted, never used in arithmetic.
TEST(Policy, HolidayAndWorkdayEntriesMayNameTheirSource) {
  const Calendar c = Policy::from_json(calendar_doc(R"({"timezone": "Asia/Shanghai",
      "hours": {"mon-fri": ["09:00-18:00"]},
      "holidays": [{"from": "2025-01-28", "to": "2025-02-04", "name": "Spring Festival",
                    "source": "holidays 0.62 CN"},
                   {"date": "2025-04-04", "source": "cn-2025.ics"}],
      "workdays": [{"date": "2025-01-26", "hours": ["09:00-18:00"], "name": "Spring Festival",
                    "source": "holidays 0.62 CN"}],
      "special": [{"date": "2025-11-11", "hours": ["00:00-24:00"], "source": "Double 11 plan"}]})"))
                         ->calendar("c");
  // Sun 2025-01-26 is worked 09:00-18:00 (make-up day); Tue 2025-01-28 is closed (holiday).
  EXPECT_TRUE(c.is_open(test::at("2025-01-26T10:00:00+08:00")));
  EXPECT_FALSE(c.is_open(test::at("2025-01-28T10:00:00+08:00")));
  EXPECT_FALSE(c.is_open(test::at("2025-04-04T10:00:00+08:00")));  // Friday, Qingming
}

TEST(PolicyErrors, EntryNameAndSourceMustBeStrings) {
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "holidays": [{"date": "2026-01-01", "source": 2026}, {"date": "2026-01-02", "name": ["x"]}],
      "workdays": [{"date": "2026-01-04", "hours": ["09:00-18:00"], "source": null}]})"));
  EXPECT_EQ(problems.size(), 3u) << listing(problems);
  expect_problems(problems, {
                                {"calendars.c.holidays[0].source", "string"},
                                {"calendars.c.holidays[1].name", "string"},
                                {"calendars.c.workdays[0].source", "string"},
                            });
}

TEST(PolicyErrors, BreaksAreCheckedLikeHours) {
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "breaks": ["12:00-12:00", "25:00-26:00"]})"));
  EXPECT_EQ(problems.size(), 2u) << listing(problems);
  expect_problems(problems, {{"calendars.c.breaks[0]", "empty range"}, {"calendars.c.breaks[1]", "25:00-26:00"}});
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "breaks": ["12:00-13:00", "12:30-14:00"]})")), "calendars.c.breaks", "overlap"));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7", "breaks": "12:00-13:00"})")),
                          "calendars.c.breaks", "array"));
  // A break over every open minute leaves nothing open.
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": {"daily": ["12:00-13:00"]},
      "breaks": ["11:00-14:00"]})")), "calendars.c", "never open"));
}

TEST(PolicyErrors, YearlyHolidaysAreChecked) {
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "holidays": [{"every_year": "02-30"}, {"every_year": "12-25", "from_year": 1969},
                   {"every_year": "12-26", "from_year": 2030, "to_year": 2020},
                   {"every_year": "02-29", "from_year": 2097, "to_year": 2103},
                   {"every_year": "01-01", "date": "2026-01-01"}, {"every_year": "2026-01-01"},
                   {"every_year": "10-01", "to_year": "2030"}]})"));
  EXPECT_EQ(problems.size(), 7u) << listing(problems);
  expect_problems(problems, {
                                {"calendars.c.holidays[0].every_year", "02-30"},
                                {"calendars.c.holidays[1].from_year", "1970-2200"},
                                {"calendars.c.holidays[2]", "comes before"},
                                // 2100 is not a leap year: no 02-29 from 2097 to 2103.
                                {"calendars.c.holidays[3]", "no year"},
                                {"calendars.c.holidays[4].date", "unknown key"},
                                {"calendars.c.holidays[5].every_year", "MM-DD"},
                                {"calendars.c.holidays[6].to_year", "whole number"},
                            });
}

TEST(PolicyErrors, YearlyHolidaysCanLeaveACalendarNeverOpen) {
  // The dated range leaves only 2200-12-31 open, and the yearly holiday closes it.
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "holidays": [{"from": "1970-01-01", "to": "2200-12-30"}, {"every_year": "12-31", "from_year": 2200}]})")),
                          "calendars.c", "never open"));
}

TEST(PolicyErrors, TwoYearlyHolidaysOnOneDateInOneYear) {
  // 12-25 to 2030 and 12-25 from 2030 share 2030-12-25, named as two dated entries would be.
  // 05-01 to 2020 and from 2021 never meet; a dated 2026-12-25 beside the yearly one is fine.
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7",
      "holidays": [{"every_year": "12-25", "to_year": 2030}, "2026-12-25", {"every_year": "12-25", "from_year": 2030},
                   {"every_year": "05-01", "to_year": 2020}, {"every_year": "05-01", "from_year": 2021},
                   {"every_year": "01-01"}, {"every_year": "01-01", "name": "New Year"}]})"));
  EXPECT_EQ(problems.size(), 2u) << listing(problems);
  EXPECT_TRUE(has_problem(problems, "calendars.c.holidays[2]", "covers 2030-12-25, already covered by calendars.c.holidays[0]"));
  EXPECT_TRUE(has_problem(problems, "calendars.c.holidays[6]", "covers 1970-01-01, already covered by calendars.c.holidays[5]"));
}

TEST(PolicyErrors, WrongTypes) {
  EXPECT_TRUE(
      has_problem(problems_of(R"({"schema_version": 1, "calendars": []})"), "calendars", ""));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": 8, "hours": "24x7"})")),
                          "calendars.c.timezone", ""));
  EXPECT_TRUE(has_problem(
      problems_of(calendar_doc(R"({"timezone": "UTC", "hours": {"mon": "09:00-18:00"}})")),
      "calendars.c.hours.mon", ""));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(
                              R"({"timezone": "UTC", "hours": "24x7", "holidays": "2026-01-01"})")),
                          "calendars.c.holidays", ""));
}

TEST(PolicyErrors, TimeZone) {
  EXPECT_TRUE(
      has_problem(problems_of(calendar_doc(R"({"timezone": "Mars/Olympus", "hours": "24x7"})")),
                  "calendars.c.timezone", "Mars/Olympus"));
  EXPECT_TRUE(
      has_problem(problems_of(calendar_doc(R"({"hours": "24x7"})")), "calendars.c.timezone", ""));
}

TEST(PolicyErrors, KpiTimeZone) {
  EXPECT_TRUE(has_problem(problems_of(R"({"schema_version": 1, "kpi": {"timezone": "Mars/Olympus"}})"),
                          "kpi.timezone", "unknown time zone \"Mars/Olympus\""));
  EXPECT_TRUE(has_problem(problems_of(R"({"schema_version": 1, "kpi": {"timezone": 8}})"), "kpi.timezone", "string"));
  EXPECT_NO_THROW((void)Policy::from_json(R"({"schema_version": 1, "kpi": {"timezone": "Asia/Shanghai"}})"));
}

TEST(PolicyErrors, OverlappingRangesOnOneDay) {
  // The day (naming both ranges) or the second range are both fair places to point at.
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon": ["09:00-12:00", "11:00-13:00"]}})"));
  EXPECT_TRUE(has_problem_under(problems, "calendars.c.hours.mon", "11:00-13:00"));
}

TEST(PolicyErrors, TwoHourKeysCoveringTheSameDay) {
  // The ranges themselves do not overlap: it is the day given twice that is the mistake.
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-12:00"], "fri": ["14:00-16:00"]}})")),
                          "calendars.c.hours.fri", "fri"));
}

TEST(PolicyErrors, MalformedDayKeysAndHours) {
  EXPECT_TRUE(has_problem(
      problems_of(calendar_doc(R"({"timezone": "UTC", "hours": {"mon-fry": ["09:00-18:00"]}})")),
      "calendars.c.hours.mon-fry", "mon-fry"));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24/7"})")),
                          "calendars.c.hours", "24/7"));
}

TEST(PolicyErrors, MalformedTimeRanges) {
  // "HH:MM" means two digits for the hour; 24:00 may only end a range.
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon": ["25:00-26:00"], "tue": ["9:00-18:00"], "wed": ["10:00-10:00"],
                "thu": ["09:60-10:00"], "fri": ["09:00-24:30"], "sat": ["09:00"],
                "sun": ["24:00-02:00"]},
      "special": [{"date": "2026-03-02", "hours": ["09:00-18:00"]}]})"));
  expect_problems(problems, {
                                {"calendars.c.hours.mon[0]", "25:00-26:00"},
                                {"calendars.c.hours.tue[0]", "9:00-18:00"},
                                {"calendars.c.hours.wed[0]", "10:00-10:00"},
                                {"calendars.c.hours.thu[0]", "09:60-10:00"},
                                {"calendars.c.hours.fri[0]", "09:00-24:30"},
                                {"calendars.c.hours.sat[0]", "09:00"},
                                {"calendars.c.hours.sun[0]", "24:00-02:00"},
                            });
}

TEST(PolicyErrors, CalendarWithNoOpenTime) {
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": {}})")),
                          "calendars.c", "open"));
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC", "hours": {"mon": []},
                                   "holidays": ["2026-01-01"]})")),
                          "calendars.c", "open"));
}

TEST(PolicyErrors, HolidaysCoveringEverySupportedDateLeaveNoOpenTime) {
  // Regression (found in review): spec §2 "A calendar with no open time at all is a load error". Weekday hours in UTC
  // with every date 1970-01-01..2200-12-31 a holiday has no open time, but it loads, and
  // only fails later with a RangeError from next_open/add. compile_calendar
  // (src/calendar/calendar_compile.cpp:288-293) only checks that some weekday or override
  // has hours, ignoring holidays.
  const auto problems = problems_of(R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-17:00"]},
      "holidays": [{"from": "1970-01-01", "to": "2200-12-31"}]}}})");
  EXPECT_EQ(problems.size(), 1u) << listing(problems);
}

TEST(PolicyErrors, MalformedDates) {
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-18:00"]},
      "holidays": ["2026-02-30",
                   {"from": "2026-10-07", "to": "2026-10-01", "name": "reversed"},
                   {"date": "20261001", "name": "no dashes"}],
      "workdays": [{"date": "2026-13-01", "hours": ["09:00-18:00"]}]})"));
  EXPECT_TRUE(has_problem(problems, "calendars.c.holidays[0]", "2026-02-30"));
  EXPECT_TRUE(has_problem_under(problems, "calendars.c.holidays[1]", "2026-10-0"));
  EXPECT_TRUE(has_problem(problems, "calendars.c.holidays[2].date", "20261001"));
  EXPECT_TRUE(has_problem(problems, "calendars.c.workdays[0].date", "2026-13-01"));
}

TEST(PolicyErrors, TwoEntriesForTheSameDate) {
  EXPECT_TRUE(has_problem(problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-18:00"]},
      "workdays": [{"date": "2026-09-20", "hours": ["09:00-18:00"]},
                   {"date": "2026-09-20", "hours": ["10:00-12:00"]}]})")),
                          "calendars.c.workdays[1]", "2026-09-20"));
  // A make-up day inside a range of special hours.
  EXPECT_TRUE(has_problem_under(problems_of(calendar_doc(R"({"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-18:00"]},
      "special": [{"from": "2026-11-10", "to": "2026-11-12", "hours": ["00:00-24:00"]}],
      "workdays": [{"date": "2026-11-11", "hours": ["09:00-18:00"]}]})")),
                                "calendars.c.", "2026-11-1"));
}

// ---- Hostile and broken input ----------------------------------------------------------------

TEST(PolicyErrors, InvalidJsonSyntaxSaysWhere) {
  const std::vector<Problem> problems =
      problems_of("{\"schema_version\": 1,\n  \"calendars\": {,}}");
  ASSERT_FALSE(problems.empty());
  const std::string& message = problems.front().message;
  EXPECT_TRUE(contains_nocase(message, "line") || contains_nocase(message, "column") ||
              contains_nocase(message, "offset"))
      << message;
  EXPECT_FALSE(problems_of("{} trailing").empty());
  EXPECT_FALSE(problems_of("").empty());
}

TEST(PolicyErrors, DuplicateKeysAreRefusedWhereverTheyAre) {
  // Boost.JSON alone would keep the last "hours" silently; the policy must not load.
  const std::vector<Problem> problems = problems_of(R"({"schema_version": 1, "calendars": {
      "a": {"timezone": "UTC", "hours": "24x7", "hours": {}},
      "b": {"timezone": "UTC", "hours": {"mon": ["09:00-10:00"]},
            "holidays": ["2026-01-01", {"date": "2026-05-01", "na\u006de": "x", "name": "y"}]}},
      "schema_version": 1})");
  ASSERT_EQ(problems.size(), 3u) << listing(problems);
  EXPECT_EQ(problems[0].path, "calendars.a.hours");
  EXPECT_EQ(problems[1].path, "calendars.b.holidays[1].name");  // the escaped spelling is the same key
  EXPECT_EQ(problems[2].path, "schema_version");
  EXPECT_TRUE(contains_nocase(problems[0].message, "duplicate key"));
}

TEST(PolicyErrors, RootMustBeAnObject) {
  EXPECT_FALSE(problems_of("[]").empty());
  EXPECT_FALSE(problems_of("1").empty());
}

TEST(PolicyErrors, DeepNestingIsRefusedWithoutCrashing) {
  // The message must name the limit that was exceeded: 64 levels by default.
  const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
  EXPECT_TRUE(has_problem(problems_of(deep), "", "64"));
  EXPECT_TRUE(
      has_problem(problems_of(R"({"schema_version": 1, "kpi": {"x": )" + deep + "}}"), "", "64"));
}

TEST(PolicyErrors, DepthLimitIsTheConfiguredOne) {
  // Root object (1), "kpi" object (2), then 48 arrays: depth 50, within the default 64.
  const std::string depth_50 =
      R"({"schema_version": 1, "kpi": {"x": )" + std::string(48, '[') + std::string(48, ']') + "}}";
  EXPECT_TRUE(test::parse_problems(depth_50).empty());
  LoadLimits shallow;
  shallow.max_depth = 4;
  // Root (1), "kpi" (2), "x" array (3), inner array (4) is allowed; one more is not.
  EXPECT_TRUE(test::parse_problems(R"({"schema_version": 1, "kpi": {"x": [[]]}})", shallow).empty());
  EXPECT_FALSE(test::parse_problems(R"({"schema_version": 1, "kpi": {"x": [[[]]]}})", shallow).empty());
}

TEST(PolicyErrors, OversizedDocumentIsRefused) {
  const std::string huge = std::string(100u << 20, ' ') + "{}";
  const std::vector<Problem> problems = problems_of(huge);
  ASSERT_FALSE(problems.empty());
  EXPECT_TRUE(contains_nocase(problems.front().message, "bytes") ||
              contains_nocase(problems.front().message, "size"))
      << problems.front().message;
}

TEST(PolicyErrors, SizeLimitIsTheConfiguredOne) {
  LoadLimits small;
  small.max_bytes = 100;
  std::string doc = R"({"schema_version": 1})";
  doc.resize(100, ' ');  // exactly at the limit: accepted
  EXPECT_NO_THROW((void)Policy::from_json(doc, small));
  doc.push_back(' ');
  EXPECT_FALSE(problems_of(doc, small).empty());
  // A file over the limit is refused too (the example policy is a few kilobytes).
  try {
    (void)Policy::from_file(example_policy, small);
    FAIL() << "no exception";
  } catch (const PolicyError& e) {
    EXPECT_TRUE(has_problem(e.problems(), "", "100")) << e.what();
  }
}

// ---- Bounded messages (docs/policy.md, "Errors") -------------------------------------------
// Unlike the tests above, these compare whole messages: where the cut falls is what they test.

// The error of a policy document, for its message as well as its problems.
PolicyError policy_error(std::string_view json) {
  try {
    (void)Policy::from_json(json);
  } catch (const PolicyError& e) {
    return e;
  }
  ADD_FAILURE() << "the document was accepted";
  return PolicyError({});
}

constexpr std::string_view calendar_keys = "(expected one of: timezone hours breaks holidays workdays special)";

TEST(PolicyErrors, AHugeUnknownKeyIsCutInThePathAndTheMessage) {
  // Regression: a 1 MB unknown key made a 1 MB path and a 2 MB message. Now both show its
  // first 64 characters and "…", and the path takes the quoted form so that the cut is visible.
  const std::string key(1u << 20, 'x');
  const PolicyError error = policy_error(calendar_doc(R"({"timezone": "UTC", "hours": "24x7", ")" + key + R"(": 1})"));
  ASSERT_EQ(error.problems().size(), 1u);
  const std::string shown = std::string(64, 'x') + "\u2026";
  EXPECT_EQ(error.problems()[0].path, "calendars.c[\"" + shown + "\"]");
  EXPECT_EQ(error.problems()[0].message, "unknown key \"" + shown + "\" " + std::string(calendar_keys));
  EXPECT_EQ(std::string(error.what()), "invalid policy: 1 problem\n  calendars.c[\"" + shown + "\"]: unknown key \"" +
                                           shown + "\" " + std::string(calendar_keys));
}

TEST(PolicyErrors, LongNamesAreCutAfter64CharactersNotBytes) {
  // 客 is three bytes in UTF-8: 100 of them are cut after the 64th character (192 bytes), never
  // inside one; a key of exactly 64 characters is shown whole.
  std::string key;
  for (int i = 0; i < 100; ++i) key += "客";
  std::string first_64;
  for (int i = 0; i < 64; ++i) first_64 += "客";
  std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7", ")" + key + R"(": 1})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "calendars.c[\"" + first_64 + "\u2026\"]");
  EXPECT_EQ(problems[0].message, "unknown key \"" + first_64 + "\u2026\" " + std::string(calendar_keys));

  problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hours": "24x7", ")" + first_64 + R"(": 1})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "calendars.c[\"" + first_64 + "\"]");
  EXPECT_EQ(problems[0].message, "unknown key \"" + first_64 + "\" " + std::string(calendar_keys));
}

TEST(PolicyErrors, AHugeCalendarNameAskedForIsCut) {
  // Regression: the name a caller asked for was quoted whole.
  const auto policy = Policy::from_json(calendar_doc(R"({"timezone": "UTC", "hours": "24x7"})"));
  try {
    (void)policy->calendar(std::string(1u << 20, 'z'));
    FAIL() << "no exception";
  } catch (const NotFoundError& e) {
    EXPECT_EQ(std::string(e.what()), "no calendar named \"" + std::string(64, 'z') + "\u2026\" in the policy (calendars: c)");
  }
}

TEST(PolicyErrors, AHugeDimensionNameIsCut) {
  // Regression: `aftersales kpi --by <100,000 characters>` printed them all.
  try {
    (void)kpi_dimension(std::string(100'000, 'z'));
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot group by \"" + std::string(64, 'z') + "\u2026\" (agent, queue, channel, category, priority, day, hour, week, month, tier, tag or fields.<name>)");
  }
}

TEST(PolicyErrors, AKeyCloseToAKnownOneIsStillHinted) {
  // The edit distance is skipped for keys of very different lengths, not for close ones: "hour"
  // is one edit from "hours".
  const std::vector<Problem> problems = problems_of(calendar_doc(R"({"timezone": "UTC", "hour": "24x7"})"));
  EXPECT_TRUE(has_problem(problems, "calendars.c.hour", R"(unknown key "hour" (did you mean "hours"?))"));
}

TEST(PolicyErrors, AtMost100ProblemsAreListedThenCounted) {
  // Regression: 100,000 problems made a message of megabytes. The message lists the first
  // 100, in document order, then "and 99900 more" (100,000 - 100); problems() keeps them all.
  constexpr int unknown = 100'000;
  std::string calendar = R"({"timezone": "UTC", "hours": "24x7")";
  for (int i = 0; i < unknown; ++i) calendar += ", \"k" + std::to_string(i) + "\": 1";
  const PolicyError error = policy_error(calendar_doc(calendar + "}"));
  EXPECT_EQ(error.problems().size(), static_cast<std::size_t>(unknown));
  std::string expected = "invalid policy: 100000 problems";
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    expected += "\n  calendars.c." + key + ": unknown key \"" + key + "\" " + std::string(calendar_keys);
  }
  expected += "\n  and 99900 more";
  EXPECT_EQ(std::string(error.what()), expected);
}

}  // namespace
