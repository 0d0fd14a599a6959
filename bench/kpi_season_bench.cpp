// The KPI pass on the season of issue 14 (bench/peer_tickets.py's shape), beside kpi_bench's easy
// data: 200,000 tickets of about 7.5 events, 200 agents, created over 8 days in Asia/Shanghai and
// counted in SHUFFLED order, first responses and resolutions log-normal (minutes to days), grouped
// by agent and day. So ticket after ticket lands in another group, and the groups' duration
// sketches hold many different values: the cost of finding and filling groups, not of counting.
//
//   build-release/bench/kpi_season_bench [tickets] [repeats]      # ns a ticket, best of repeats
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='timed_pass*'
//            build-release/bench/kpi_season_bench 200000 1          # instructions of one pass
//
// One thread, so that the figure is the pass's own cost. Deterministic: the same tickets on
// every machine with the same standard library. Prints a digest of the result's JSON, so that two
// builds can be checked to count alike.
#include <aftersales/aftersales.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace aftersales;

constexpr int agents = 200;
constexpr int days = 8;

// A log-normal duration in seconds around `median`, at least 1 s and at most `cap` (as
// peer_tickets.py draws them).
std::chrono::seconds lognormal(std::mt19937_64& rng, double median, double sigma, double cap) {
  std::normal_distribution<double> normal(0.0, sigma);
  return std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::min(cap, median * std::exp(normal(rng))))));
}

Ticket make_ticket(std::mt19937_64& rng, int n, Instant created) {
  const auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  const auto pick = [&](int count) { return static_cast<int>(std::uniform_int_distribution<int>(0, count - 1)(rng)); };
  char agent[8];
  std::snprintf(agent, sizeof agent, "A-%03d", pick(agents));
  Ticket t;
  t.id = "T-" + std::to_string(n);
  t.created_at = created;
  static constexpr const char* channels[] = {"chat", "chat", "chat", "email", "phone", "web"};
  t.channel = channels[n % 6];
  t.customer.id = "C-" + std::to_string(pick(1'000'000));
  Instant at = created;
  const auto add = [&](std::chrono::seconds delay, EventType type) -> Event& {
    at += delay;
    t.events.push_back(Event::of(type, at));
    return t.events.back();
  };
  add(0s, EventType::customer_message);
  Event& assigned = add(lognormal(rng, 30, 1.0, 3600), EventType::assigned);
  assigned.agent = agent;
  assigned.queue = "general";
  if (chance(0.2)) {
    Event& bot = add(std::chrono::seconds(1 + pick(59)), EventType::agent_reply);
    bot.agent = "bot";
    bot.bot = true;
  }
  const bool answered = chance(0.93);
  if (answered) {
    add(lognormal(rng, 600, 1.3, 3 * 86'400), EventType::agent_reply).agent = agent;
    static constexpr int rounds[] = {0, 1, 1, 1, 2, 3};
    for (int r = rounds[pick(6)]; r > 0; --r) {
      add(lognormal(rng, 900, 1.2, 86'400), EventType::customer_message);
      if (chance(0.1)) {
        Event& note = add(std::chrono::seconds(5 + pick(295)), EventType::agent_reply);
        note.agent = agent;
        note.is_public = false;
      }
      add(lognormal(rng, 400, 1.2, 86'400), EventType::agent_reply).agent = agent;
    }
    if (chance(0.3))
      add(std::chrono::seconds(1 + pick(119)), EventType::status).to_status = Status::pending_customer;
  }
  if (chance(answered ? 0.9 : 0.3)) {
    add(lognormal(rng, 3600, 1.1, 4 * 86'400), EventType::resolved);
    if (chance(0.06)) {
      add(lognormal(rng, 7200, 1.0, 86'400), EventType::reopened);
      add(lognormal(rng, 600, 1.0, 86'400), EventType::agent_reply).agent = agent;
      add(lognormal(rng, 1800, 1.0, 86'400), EventType::resolved);
    }
    if (chance(0.6)) {
      static constexpr int scores[] = {1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5};
      add(lognormal(rng, 600, 1.0, 86'400), EventType::satisfaction).score = scores[pick(16)];
    }
  }
  return t;
}

std::vector<Ticket> season(int count) {
  std::mt19937_64 rng(14);
  const Instant start = aftersales::parse_instant("2026-11-11T00:00:00+08:00");
  std::vector<Instant> created;
  for (int i = 0; i < count; ++i) created.push_back(start + std::chrono::seconds(rng() % (days * 86'400)));
  std::sort(created.begin(), created.end());
  std::vector<Ticket> tickets;
  tickets.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) tickets.push_back(make_ticket(rng, i, created[static_cast<std::size_t>(i)]));
  std::shuffle(tickets.begin(), tickets.end(), rng);  // ids follow creation; the order counted does not
  return tickets;
}

const Instant at = aftersales::parse_instant("2027-01-01T00:00:00+08:00");  // after every event

// Not inlined: callgrind collects inside it by name.
[[gnu::noinline]] aftersales::KpiResult timed_pass(const aftersales::KpiEngine& engine, const std::vector<Ticket>& tickets) {
  const aftersales::KpiOptions options{{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"};
  aftersales::BatchOptions batch;
  batch.threads = 1;
  return engine.compute(tickets, at, options, {}, batch);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 200'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::vector<Ticket> tickets = season(count);
  const aftersales::KpiEngine engine(aftersales::Policy::from_json(R"({"schema_version": 1})"));
  double best = 1e300;
  std::string json;
  for (int r = 0; r < repeats; ++r) {
    const auto begin = std::chrono::steady_clock::now();
    const aftersales::KpiResult result = timed_pass(engine, tickets);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - begin;
    best = std::min(best, took.count());
    json = result.to_json();
  }
  std::size_t events = 0;
  for (const Ticket& t : tickets) events += t.events.size();
  std::printf("%d tickets (%.2f events a ticket), by agent and day: %.0f ns a ticket (best of %d); result %zu bytes, "
              "digest %016zx\n",
              count, static_cast<double>(events) / count, best / count, repeats, json.size(), std::hash<std::string>{}(json));
  return 0;
}
