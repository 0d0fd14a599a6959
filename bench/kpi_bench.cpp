// KPI and staffing speed (issue 6): KPI accumulation of tickets with 10 events, already
// parsed, per core (target 2,000,000 a second), and Erlang C agents-required for a peak of
// 10,000 contacts an hour (target under 50 us).
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using aftersales::Event;
using aftersales::EventType;
using aftersales::Instant;
using aftersales::KpiDimension;
using aftersales::Policy;
using aftersales::Ticket;

// The same business calendar and SLA shape as sla_bench; `plain` has no SLA section, so its
// figure is the cost of the KPI pass alone.
constexpr const char* calendars = R"("calendars": {"service": {"timezone": "Asia/Shanghai",
    "hours": {"daily": ["09:00-24:00"]}, "holidays": [{"from": "2026-10-01", "to": "2026-10-07"}]}})";

std::shared_ptr<const Policy> load(bool with_sla) {
  std::string text = std::string(R"({"schema_version": 1, )") + calendars;
  if (with_sla)
    text += R"(, "sla": {"policies": [{"id": "standard", "calendar": "service",
       "targets": {"normal": {"first_response": "5m", "next_response": "10m", "resolution": "24h"}},
       "pause_on": ["pending_customer"]}]})";
  return Policy::from_json(text + "}");
}

Ticket make_ticket(int n) {
  const Instant created = aftersales::parse_instant("2026-11-11T10:00:00+08:00") + std::chrono::seconds(n % 86400);
  Ticket t;
  t.id = "T-" + std::to_string(n);
  t.created_at = created;
  t.channel = n % 3 == 0 ? "chat" : "phone";
  t.category = "after_sales/return";
  const std::string agent = "A-" + std::to_string(n % 50);
  const auto add = [&](EventType type, std::chrono::milliseconds after) {
    t.events.push_back(Event::of(type, created + after));
    return &t.events.back();
  };
  add(EventType::customer_message, 0s);
  add(EventType::assigned, 20s)->agent = agent;
  add(EventType::agent_reply, 3min)->agent = agent;
  add(EventType::customer_message, 5min);
  add(EventType::agent_reply, 9min)->agent = agent;
  add(EventType::status, 11min)->to_status = aftersales::Status::pending_customer;
  add(EventType::customer_message, 2h);
  add(EventType::resolved, 4h);
  add(EventType::follow_up, 26h);
  add(EventType::satisfaction, 27h)->score = 4 + n % 2;
  return t;
}

std::vector<Ticket> make_tickets() {
  std::vector<Ticket> tickets;
  for (int i = 0; i < 10'000; ++i) tickets.push_back(make_ticket(i));
  return tickets;
}

const Instant at = aftersales::parse_instant("2026-11-20T00:00:00Z");
const aftersales::KpiOptions by_agent_and_day{{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"};

void accumulate(benchmark::State& state, bool with_sla) {
  const auto policy = load(with_sla);
  const auto tickets = make_tickets();
  for (auto _ : state) {
    aftersales::KpiAccumulator acc(policy, by_agent_and_day);
    for (const Ticket& t : tickets) acc.add(t, at);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}

void BM_KpiAccumulateWithSla(benchmark::State& state) { accumulate(state, true); }
void BM_KpiAccumulateWithoutSla(benchmark::State& state) { accumulate(state, false); }
BENCHMARK(BM_KpiAccumulateWithSla)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KpiAccumulateWithoutSla)->Unit(benchmark::kMillisecond);

// A host that evaluates SLA on every event already holds each ticket's report: counting
// takes it instead of evaluating again.
void BM_KpiAccumulateWithSlaReports(benchmark::State& state) {
  const auto policy = load(true);
  const auto tickets = make_tickets();
  const auto reports = aftersales::SlaEngine(policy).evaluate(tickets, at);
  for (auto _ : state) {
    aftersales::KpiAccumulator acc(policy, by_agent_and_day);
    for (std::size_t i = 0; i < tickets.size(); ++i) acc.add(tickets[i], at, reports[i]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_KpiAccumulateWithSlaReports)->Unit(benchmark::kMillisecond);

// The dimensions of issue 13 without SLA, beside WithoutSla: every ticket in one or two tag
// groups (a third carry two tags, so 13,334 counts for 10,000 tickets), by local hour and a
// custom field.
void BM_KpiAccumulateByHourTagAndField(benchmark::State& state) {
  const auto policy = load(false);
  auto tickets = make_tickets();
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    tickets[i].tags = {"double11"};
    if (i % 3 == 0) tickets[i].tags.emplace_back("fragile");
    tickets[i].fields = {{"region", std::string(i % 2 == 0 ? "east" : "west")}};
  }
  const aftersales::KpiOptions options{
      {KpiDimension::hour, KpiDimension::tag, aftersales::kpi_dimension("fields.region")}, "Asia/Shanghai"};
  for (auto _ : state) {
    aftersales::KpiAccumulator acc(policy, options);
    for (const Ticket& t : tickets) acc.add(t, at);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_KpiAccumulateByHourTagAndField)->Unit(benchmark::kMillisecond);

void BM_ErlangCAgentsRequired10kPerHour(benchmark::State& state) {
  const aftersales::QueueLoad load{10'000, 3600, 300};
  for (auto _ : state) benchmark::DoNotOptimize(aftersales::erlang_c_required(load, {20, 0.8, 0.9, 0.3}));
}
BENCHMARK(BM_ErlangCAgentsRequired10kPerHour)->Unit(benchmark::kMicrosecond);

void BM_ErlangAAgentsRequired10kPerHour(benchmark::State& state) {
  const aftersales::QueueLoad load{10'000, 3600, 300, 120};
  for (auto _ : state) benchmark::DoNotOptimize(aftersales::erlang_a_required(load, {20, 0.8}));
}
BENCHMARK(BM_ErlangAAgentsRequired10kPerHour)->Unit(benchmark::kMicrosecond);

}  // namespace
