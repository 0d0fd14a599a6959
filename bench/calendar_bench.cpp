// Calendar speed and memory (issue 2): `add` and `between` must cost the same whatever the
// duration, and a policy of 100 calendars must load fast and small.
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <random>
#include <string>
#include <vector>

namespace {

using aftersales::Calendar;
using aftersales::Instant;
using aftersales::Policy;

// Weekly hours, 30 holidays and 4 make-up working days in every year 1970-2200.
std::string calendar_json(const std::string& zone) {
  std::string holidays, workdays;
  for (int year = 1970; year <= 2200; ++year) {
    const std::string y = std::to_string(year);
    // Ranges of 3+7+3+5+3+3+6 = 30 days, at fixed dates like a real public-holiday schedule.
    for (const char* range : {"01-01\",\"to\":\"" "01-03", "02-10\",\"to\":\"" "02-16", "04-04\",\"to\":\"" "04-06",
                              "05-01\",\"to\":\"" "05-05", "06-19\",\"to\":\"" "06-21", "09-25\",\"to\":\"" "09-27",
                              "10-01\",\"to\":\"" "10-06"}) {
      std::string r(range);
      r.insert(r.find("to\":\"") + 5, y + "-");
      holidays += (holidays.empty() ? "" : ",") + std::string("{\"from\":\"") + y + "-" + r + "\"}";
    }
    for (const char* day : {"02-08", "04-26", "09-20", "10-10"})
      workdays += (workdays.empty() ? "" : ",") + std::string("{\"date\":\"") + y + "-" + day +
                  "\",\"hours\":[\"09:00-21:00\"]}";
  }
  return R"({"timezone":")" + zone + R"(","hours":{"mon-fri":["09:00-21:00"],"sat-sun":["10:00-18:00"]},"holidays":[)" +
         holidays + R"(],"workdays":[)" + workdays + "]}";
}

std::string policy_json(int calendars) {
  static const char* zones[] = {"Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London"};
  std::string json = R"({"schema_version":1,"calendars":{)";
  for (int i = 0; i < calendars; ++i)
    json += (i ? "," : "") + std::string("\"c") + std::to_string(i) + "\":" + calendar_json(zones[i % 5]);
  return json + "}}";
}

const Calendar& business_calendar() {
  static const auto policy = Policy::from_json(policy_json(1));
  static const Calendar calendar = policy->calendar("c0");
  return calendar;
}

// Start instants spread over 2026-2030, with their years already built, so that the figure
// is the steady-state cost a service sees after its first minutes.
std::vector<Instant> start_instants() {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> ms(1767225600000, 1893456000000);  // 2026-01-01 .. 2030-01-01
  std::vector<Instant> starts(4096);
  for (auto& s : starts) s = Instant{aftersales::Duration{ms(rng)}};
  const Calendar& calendar = business_calendar();
  for (int year = 2026; year <= 2036; ++year) benchmark::DoNotOptimize(calendar.is_open(aftersales::parse_instant(std::to_string(year) + "-06-01T00:00:00Z")));
  return starts;
}

void BM_CalendarAdd(benchmark::State& state) {
  const Calendar& calendar = business_calendar();
  const auto starts = start_instants();
  const aftersales::Duration d = std::chrono::hours(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(calendar.add(starts[i++ & 4095], d));
}
BENCHMARK(BM_CalendarAdd)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_CalendarBetween(benchmark::State& state) {
  const Calendar& calendar = business_calendar();
  const auto starts = start_instants();
  const aftersales::Duration d = std::chrono::hours(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    const Instant from = starts[i++ & 4095];
    benchmark::DoNotOptimize(calendar.between(from, from + d));
  }
}
BENCHMARK(BM_CalendarBetween)->Arg(1)->Arg(1000)->Arg(50000)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_CalendarIsOpen(benchmark::State& state) {
  const Calendar& calendar = business_calendar();
  const auto starts = start_instants();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(calendar.is_open(starts[i++ & 4095]));
}
BENCHMARK(BM_CalendarIsOpen);

// The operations of issue 16 (point 1) on the same start instants: `operation(calendar, start,
// argument)`. Like add and between, none may cost more as the argument grows.
template <class Operation>
void over_starts(benchmark::State& state, Operation operation) {
  const Calendar& calendar = business_calendar();
  const auto starts = start_instants();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(operation(calendar, starts[i++ & 4095], state.range(0)));
}

void BM_CalendarSubtract(benchmark::State& state) {
  over_starts(state, [](const Calendar& c, Instant t, std::int64_t h) { return c.subtract(t, std::chrono::hours(h)); });
}
BENCHMARK(BM_CalendarSubtract)->Arg(1)->Arg(100)->Arg(10000)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_CalendarNextClose(benchmark::State& state) {
  over_starts(state, [](const Calendar& c, Instant t, std::int64_t) { return c.next_close(t); });
}
BENCHMARK(BM_CalendarNextClose)->Arg(0);

void BM_CalendarPreviousClose(benchmark::State& state) {
  over_starts(state, [](const Calendar& c, Instant t, std::int64_t) { return c.previous_close(t); });
}
BENCHMARK(BM_CalendarPreviousClose)->Arg(0);

void BM_CalendarBusinessDayEnd(benchmark::State& state) {
  over_starts(state, [](const Calendar& c, Instant t, std::int64_t n) { return c.business_day_end(t, static_cast<int>(n)); });
}
BENCHMARK(BM_CalendarBusinessDayEnd)->Arg(1)->Arg(10)->Arg(1000)->Repetitions(5)->ReportAggregatesOnly(true);

// Business days over spans of 1,000 and 50,000 hours (6 weeks, 5.7 years).
void BM_CalendarBusinessDaysBetween(benchmark::State& state) {
  over_starts(state, [](const Calendar& c, Instant t, std::int64_t h) {
    return c.business_days_between(t, t + std::chrono::hours(h));
  });
}
BENCHMARK(BM_CalendarBusinessDaysBetween)->Arg(1)->Arg(1000)->Arg(50000)->Repetitions(5)->ReportAggregatesOnly(true);

// The first query in a year builds that year's open intervals: the one cost that is paid lazily.
void BM_CalendarFirstUseOfAYear(benchmark::State& state) {
  const std::string json = policy_json(1);
  for (auto _ : state) {
    state.PauseTiming();
    const auto policy = Policy::from_json(json);
    const Calendar calendar = policy->calendar("c0");
    state.ResumeTiming();
    benchmark::DoNotOptimize(calendar.is_open(aftersales::parse_instant("2026-06-01T00:00:00Z")));
  }
}
BENCHMARK(BM_CalendarFirstUseOfAYear)->Unit(benchmark::kMicrosecond);

// 100 calendars with holidays and make-up days in every year 1970-2200 (~3.3 MB of JSON).
// Reports the heap held by the loaded policy as `heap_MB`.
void BM_LoadPolicy100Calendars(benchmark::State& state) {
  const std::string json = policy_json(100);
  double heap_mb = 0;
  for (auto _ : state) {
    const auto before = mallinfo2().uordblks;
    auto policy = Policy::from_json(json);
    heap_mb = static_cast<double>(mallinfo2().uordblks - before) / (1024.0 * 1024.0);
    benchmark::DoNotOptimize(policy);
  }
  state.counters["heap_MB"] = heap_mb;
  state.counters["json_MB"] = static_cast<double>(json.size()) / (1024.0 * 1024.0);
}
BENCHMARK(BM_LoadPolicy100Calendars)->Unit(benchmark::kMillisecond);

}  // namespace
