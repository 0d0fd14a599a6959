// Routing speed (issue 4): at least 1,000,000 route decisions per second on one core with
// 2,000 agents in 20 queues and 50 skills, and a dispatch whose cost follows the tickets it
// assigns, not the backlog waiting.
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using aftersales::Agent;
using aftersales::Instant;
using aftersales::Policy;
using aftersales::Router;
using aftersales::Ticket;

constexpr int queue_count = 20;
constexpr int skill_count = 50;
constexpr int agent_count = 2000;

// 20 queues; rule k sends category "c<k>/..." to queue k and requires skill s<k> at level 1;
// VIPs also need "s45" (tier_skills).
// `units`: a chat costs 2 units, any other channel 1 (agents get units in make_agent).
// `offers`: tickets are offered, with a push timeout of 30s.
std::shared_ptr<const Policy> policy(const char* strategy, bool units = false, bool offers = false) {
  std::string queues;
  std::string rules;
  for (int q = 0; q < queue_count; ++q) {
    queues += std::string(q ? "," : "") + R"({"id": "q)" + std::to_string(q) + "\"}";
    rules += std::string(q ? "," : "") + R"({"id": "r)" + std::to_string(q) + R"(", "when": {"field": "category", "prefix": "c)" +
             std::to_string(q) + R"(/"}, "queue": "q)" + std::to_string(q) + R"(", "skills": {"s)" + std::to_string(q) + R"(": 1}})";
  }
  return Policy::from_json(R"({"schema_version": 1, "routing": {"queues": [)" + queues + R"(], "rules": [)" + rules +
                           R"(], "default_queue": "q0", "assignment": {"strategy": ")" + strategy +
                           R"(", "language_match": true, "tier_skills": {"vip": {"s45": 1}}})" +
                           (units ? R"(, "units": {"chat": 2, "*": 1})" : "") +
                           (offers ? R"(, "offers": {"push_timeout": "30s", "no_reoffer": "10m"})" : "") + "}}");
}

// Agent n serves queues n % 20 and (n + 7) % 20, has 5 of the 50 skills (including both
// queues' skills) at levels 1-3, speaks zh (and en for every third agent).
Agent make_agent(int n, int chat_capacity) {
  Agent a;
  a.id = "A-" + std::to_string(10000 + n);
  a.queues = {"q" + std::to_string(n % queue_count), "q" + std::to_string((n + 7) % queue_count)};
  for (const int s : {n % queue_count, (n + 7) % queue_count, 20 + n % 10, 30 + n % 10, 40 + (n / 20) % 10})
    a.skills.emplace_back("s" + std::to_string(s), 1 + n % 3);
  a.languages = n % 3 == 0 ? std::vector<std::string>{"zh", "en"} : std::vector<std::string>{"zh"};
  a.capacity = {{"chat", chat_capacity}, {"*", 2}};
  return a;
}

Ticket make_ticket(int n, Instant created) {
  Ticket t;
  t.id = "T-" + std::to_string(n);
  t.created_at = created;
  t.channel = "chat";
  t.category = "c" + std::to_string(n % queue_count) + "/issue";
  t.customer.id = "C-" + std::to_string(n % 5000);
  t.customer.language = n % 4 == 0 ? "en" : "zh";
  t.customer.tier = n % 10 == 0 ? "vip" : "regular";
  return t;
}

// A router with the 2,000 agents and a floor already at work: 8,000 tickets held (4 an agent
// on average) so that loads differ and least_loaded has to compare.
// `units`: every agent also has 1,000,000 units, so that units are counted but never the limit.
// `offers`: the resident tickets are offers, never answered (no dispatch lets them lapse).
std::unique_ptr<Router> busy_router(const char* strategy, Instant at, bool units = false, bool offers = false) {
  auto router = std::make_unique<Router>(policy(strategy, units, offers));
  for (int n = 0; n < agent_count; ++n) {
    Agent a = make_agent(n, 1'000'000);
    if (units) a.units = 1'000'000;
    router->upsert_agent(a);
  }
  for (int n = 0; n < 8000; ++n) {
    Ticket resident = make_ticket(n, at);
    resident.id = "R-" + std::to_string(n);
    (void)router->route(resident, at);
  }
  return router;
}

// The 1,000 tickets of BM_Route. `filtered`: 1 ticket in 4 wants English (a third of the
// agents speak it) and 1 in 10 is a VIP needing s45 (a tenth of the agents have it); otherwise
// every agent of the queue qualifies.
std::vector<Ticket> bench_tickets(bool filtered, Instant at) {
  std::vector<Ticket> tickets;
  for (int n = 0; n < 1000; ++n) {
    tickets.push_back(make_ticket(n, at));
    if (!filtered) {
      tickets.back().customer.language = "zh";
      tickets.back().customer.tier = "regular";
    }
  }
  return tickets;
}

// Route decisions only: 1,000 tickets are routed (timed), then released (not timed). Capacity
// is large so that every ticket is assigned (the waiting path is measured below).
void BM_Route(benchmark::State& state, const char* strategy, bool filtered) {
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  const auto router = busy_router(strategy, at);
  const std::vector<Ticket> tickets = bench_tickets(filtered, at);
  std::vector<std::string> agents(tickets.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < tickets.size(); ++i) agents[i] = *router->route(tickets[i], at).agent;
    state.PauseTiming();
    for (std::size_t i = 0; i < tickets.size(); ++i) router->release(agents[i], tickets[i].id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK_CAPTURE(BM_Route, least_loaded, "least_loaded", false);
BENCHMARK_CAPTURE(BM_Route, round_robin, "round_robin", false);
BENCHMARK_CAPTURE(BM_Route, most_idle, "most_idle", false);
BENCHMARK_CAPTURE(BM_Route, least_loaded_filtered, "least_loaded", true);
BENCHMARK_CAPTURE(BM_Route, round_robin_filtered, "round_robin", true);
BENCHMARK_CAPTURE(BM_Route, most_idle_filtered, "most_idle", true);

// Route one ticket, then release it: the steady state of a busy floor, both calls timed.
// `offers` (docs/routing.md, "Offers"): the route makes an offer, accepted before the release.
void BM_RouteAndRelease(benchmark::State& state, const char* strategy, bool units, bool offers) {
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  const auto router = busy_router(strategy, at, units, offers);
  std::vector<Ticket> tickets;
  for (int n = 0; n < 4096; ++n) tickets.push_back(make_ticket(n, at));
  std::size_t i = 0;
  for (auto _ : state) {
    const Ticket& t = tickets[i++ % tickets.size()];
    auto decision = router->route(t, at);
    if (offers) router->accept(*decision.agent, t.id, at);
    router->release(*decision.agent, t.id);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_RouteAndRelease, least_loaded, "least_loaded", false, false);
BENCHMARK_CAPTURE(BM_RouteAndRelease, round_robin, "round_robin", false, false);
BENCHMARK_CAPTURE(BM_RouteAndRelease, least_loaded_units, "least_loaded", true, false);
BENCHMARK_CAPTURE(BM_RouteAndRelease, least_loaded_offers, "least_loaded", false, true);


// A route that must wait because every agent of the queue is out of units (2 units, one chat
// held at 2 units, though 10 chats would fit the channel): its cost must not grow with the
// busy agents (range(0) of them), whose records it should not read.
void BM_RouteWaitsOutOfUnits(benchmark::State& state) {
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  Router router(policy("least_loaded", true));
  const auto agents = static_cast<int>(state.range(0));
  for (int n = 0; n < agents; ++n) {
    Agent a = make_agent(n * queue_count, 10);  // all in queue q0 (and q7), with skill s0
    a.units = 2;
    router.upsert_agent(a);
  }
  int next = 0;
  while (router.waiting_count() == 0) {
    Ticket t = make_ticket(next++ * queue_count, at);  // category c0: queue q0
    t.customer.language = "zh";
    t.customer.tier = "regular";
    (void)router.route(t, at);
  }
  (void)router.withdraw("T-" + std::to_string((next - 1) * queue_count));
  std::vector<Ticket> tickets;
  for (int n = 0; n < 1000; ++n) {
    tickets.push_back(make_ticket((next + n) * queue_count, at));
    tickets.back().customer.language = "zh";
    tickets.back().customer.tier = "regular";
  }
  for (auto _ : state) {
    for (const Ticket& t : tickets) benchmark::DoNotOptimize(router.route(t, at));
    state.PauseTiming();
    for (const Ticket& t : tickets) (void)router.withdraw(t.id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK(BM_RouteWaitsOutOfUnits)->Arg(2000)->Arg(20'000);

// Many threads routing into one router: the mutex is the limit.
void BM_RouteThreads(benchmark::State& state) {
  static std::unique_ptr<Router> router;
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  if (state.thread_index() == 0) {
    router = std::make_unique<Router>(policy("least_loaded"));
    for (int n = 0; n < agent_count; ++n) router->upsert_agent(make_agent(n, 1'000'000));
  }
  std::vector<Ticket> tickets;
  for (int n = 0; n < 1024; ++n) tickets.push_back(make_ticket(n * 64 + state.thread_index(), at));
  std::size_t i = 0;
  for (auto _ : state) {
    const Ticket& t = tickets[i++ % tickets.size()];
    auto decision = router->route(t, at);
    router->release(*decision.agent, t.id);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RouteThreads)->Threads(1)->Threads(2)->UseRealTime();

// A backlog of `range(0)` tickets waits in one queue whose 10 agents take one chat each.
// Each iteration: the 10 agents finish (release), dispatch assigns 10 waiting tickets, and 10
// new tickets arrive and wait, so the backlog stays the same size. The time should not grow
// with the backlog.
void BM_DispatchBacklog(benchmark::State& state) {
  const auto backlog = static_cast<int>(state.range(0));
  Router router(policy("least_loaded"));
  std::vector<std::string> agents;
  for (int n = 0; n < 10; ++n) {
    Agent a = make_agent(n * queue_count, 1);  // all in queue q0 (and q7)
    router.upsert_agent(a);
    agents.push_back(a.id);
  }
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  int next = 0;
  std::vector<std::pair<std::string, std::string>> held;  // (agent, ticket)
  const auto arrive = [&](int count) {
    for (int k = 0; k < count; ++k) {
      Ticket t = make_ticket(next++ * queue_count, at);  // category c0: queue q0
      t.customer.language = "zh";
      t.customer.tier = "regular";
      const auto d = router.route(t, at);
      if (d.agent) held.emplace_back(*d.agent, d.ticket);
    }
  };
  arrive(10 + backlog);
  std::int64_t assigned = 0;
  for (auto _ : state) {
    for (const auto& [agent, ticket] : held) router.release(agent, ticket);
    held.clear();
    for (const auto& d : router.dispatch(at)) held.emplace_back(*d.agent, d.ticket);
    assigned += static_cast<std::int64_t>(held.size());
    arrive(10);
  }
  if (router.waiting_count() != static_cast<std::size_t>(backlog)) state.SkipWithError("backlog changed size");
  state.counters["assigned_per_dispatch"] =
      benchmark::Counter(static_cast<double>(assigned) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_DispatchBacklog)->Arg(100)->Arg(10'000)->Arg(100'000);

// "Why is this waiting?" over `range(0)` agents, every one of them at capacity (chat capacity
// 0): the summary (`range(1)` 0) or a page of 100 agents, beside the agents() listing of the
// same router, which holds the lock for the same kind of pass.
void BM_Explain(benchmark::State& state) {
  const auto agents = static_cast<int>(state.range(0));
  Router router(policy("least_loaded"));
  for (int n = 0; n < agents; ++n) router.upsert_agent(make_agent(n, 0));
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  Ticket t = make_ticket(0, at);
  if (!router.route(t, at).waiting) state.SkipWithError("the ticket did not wait");
  aftersales::ExplainOptions options;
  options.limit = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(router.explain(t.id, options));
}
BENCHMARK(BM_Explain)->Args({2000, 0})->Args({20'000, 0})->Args({20'000, 100})->Unit(benchmark::kMicrosecond);

void BM_AgentsListing(benchmark::State& state) {
  Router router(policy("least_loaded"));
  for (int n = 0; n < static_cast<int>(state.range(0)); ++n) router.upsert_agent(make_agent(n, 0));
  for (auto _ : state) benchmark::DoNotOptimize(router.agents());
}
BENCHMARK(BM_AgentsListing)->Arg(2000)->Arg(20'000)->Unit(benchmark::kMicrosecond);

}  // namespace
