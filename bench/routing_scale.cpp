// Double 11 at full scale (issue 11): a plain timed program, not a Google Benchmark, because
// each step runs once on a state that the steps before it built.
//
//   routing_scale [agents] [waiting]       defaults: 100000 1000000
//   routing_scale replay <tickets>
//
// Part 1: `agents` agents in 10 queues (each serves two, with skills and languages) take their
// fill of tickets, then `waiting` more tickets wait; then releases, status changes, dispatches,
// a snapshot and a restore. Each step prints its time and the peak memory of the process so far
// (getrusage: it only grows).
// Part 2: a route that must wait, with 2,000 and then 20,000 agents all at capacity in one
// queue, for each strategy: the two costs should be about equal.
// `replay`: what `aftersales route` does with a night of tickets — the example policy and its
// 11 agents, the example Double 11 tickets repeated with new ids 4 s apart, each routed when
// created, released when resolved, routed again when reopened, with a dispatch after every
// step — timed as a whole: the backlog grows all night, and the time should not grow with it.
#include <aftersales/aftersales.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace {

using aftersales::Agent;
using aftersales::AgentStatus;
using aftersales::Instant;
using aftersales::Policy;
using aftersales::Router;
using aftersales::Ticket;
using Clock = std::chrono::steady_clock;

constexpr int queue_count = 10;

rusage usage_now() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage;
}

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

// A step's start: wall time and CPU time (user + system). On a shared machine the CPU time is
// the steadier figure.
struct Start {
  Clock::time_point wall = Clock::now();
  double cpu = seconds_of(usage_now().ru_utime) + seconds_of(usage_now().ru_stime);
};

void report(const char* step, const Start& start, std::size_t count) {
  const double wall = std::chrono::duration<double>(Clock::now() - start.wall).count();
  const rusage usage = usage_now();
  const double cpu = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime) - start.cpu;
  // ru_maxrss is in KiB on Linux, and only ever grows: the peak so far.
  std::printf("%-36s %9.3f s %9.3f s %10zu %8.0f MiB\n", step, wall, cpu, count, static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::fflush(stdout);
}

// Rule k sends category "c<k>/..." to queue k and needs skill s<k>; VIPs also need s20.
std::shared_ptr<const Policy> policy(const char* strategy) {
  std::string queues, rules;
  for (int q = 0; q < queue_count; ++q) {
    const std::string k = std::to_string(q);
    queues += std::string(q ? "," : "") + R"({"id": "q)" + k + "\"}";
    rules += std::string(q ? "," : "") + R"({"id": "r)" + k + R"(", "when": {"field": "category", "prefix": "c)" + k +
             R"(/"}, "queue": "q)" + k + R"(", "skills": {"s)" + k + R"(": 1}})";
  }
  return Policy::from_json(R"({"schema_version": 1, "sla": {"policies": [{"id": "all",
    "targets": {"high": {"first_response": "1m"}, "normal": {"first_response": "5m"}}}]},
    "routing": {"queues": [)" + queues + R"(], "rules": [)" + rules + R"(], "default_queue": "q0",
    "assignment": {"strategy": ")" + strategy + R"(", "language_match": true, "tier_skills": {"vip": {"s20": 1}}}}})");
}

// Agent n serves queues n % 10 and (n + 3) % 10 with both queues' skills at level 1-2, has s20
// one time in five, speaks zh (and en one time in three); 2 chats and 3 emails at once. Ids
// are not zero-padded, so agents do not arrive in the order of their ids.
Agent make_agent(int n) {
  Agent a;
  a.id = "A-" + std::to_string(n);
  const int q1 = n % queue_count, q2 = (n + 3) % queue_count;
  a.queues = {"q" + std::to_string(q1), "q" + std::to_string(q2)};
  a.skills = {{"s" + std::to_string(q1), 1 + n % 2}, {"s" + std::to_string(q2), 1}};
  if (n % 5 == 0) a.skills.emplace_back("s20", 1);
  a.languages = n % 3 == 0 ? std::vector<std::string>{"zh", "en"} : std::vector<std::string>{"zh"};
  a.capacity = {{"chat", 2}, {"email", 3}};
  return a;
}

Ticket make_ticket(long n, Instant created) {
  Ticket t;
  t.id = "T-" + std::to_string(n);
  t.created_at = created;
  t.channel = n % 4 == 0 ? "email" : "chat";
  t.category = "c" + std::to_string(n % queue_count) + "/issue";
  t.customer.id = "C-" + std::to_string(n % 100000);
  t.customer.language = n % 5 == 0 ? "en" : "zh";
  t.customer.tier = n % 10 == 0 ? "vip" : "regular";
  return t;
}

void full_scale(int agent_count, long waiting) {
  const Instant at = aftersales::parse_instant("2026-11-11T00:00:00Z");
  auto router = std::make_unique<Router>(policy("least_loaded"));
  Start start;
  for (int n = 0; n < agent_count; ++n) router->upsert_agent(make_agent(n));
  report("load agents", start, static_cast<std::size_t>(agent_count));
  // The first route reads what loading left: on a router that defers indexing, it pays for it.
  start = Start{};
  std::vector<std::pair<std::string, std::string>> held;  // (agent, ticket)
  long routed = 0;
  if (const auto first = router->route(make_ticket(routed++, at), at); first.agent) held.emplace_back(*first.agent, first.ticket);
  report("first route", start, 1);

  // Routes in blocks of 100,000 until `waiting` tickets wait: the blocks' times show whether a
  // route's cost grows with the backlog.
  while (static_cast<long>(router->waiting_count()) < waiting) {
    start = Start{};
    const long still = waiting - static_cast<long>(router->waiting_count());
    const long block = router->waiting_count() == 0 ? 100000 : std::min<long>(100000, still);
    for (long i = 0; i < block; ++i, ++routed) {
      const auto decision = router->route(make_ticket(routed, at), at);
      if (decision.agent) held.emplace_back(*decision.agent, decision.ticket);
    }
    const std::string step = "route " + std::to_string(routed - block) + ".." + std::to_string(routed);
    report(step.c_str(), start, static_cast<std::size_t>(block));
  }
  std::printf("  %zu assigned, %zu waiting\n", held.size(), router->waiting_count());

  const Instant later = at + std::chrono::minutes(5);
  start = Start{};
  std::size_t assigned = router->dispatch(later).size();
  report("dispatch, nothing freed", start, assigned);

  start = Start{};
  const std::size_t releases = std::min<std::size_t>(10000, held.size());
  for (std::size_t i = 0; i < releases; ++i) router->release(held[i].first, held[i].second);
  report("release 10,000 tickets", start, releases);
  start = Start{};
  assigned = router->dispatch(later).size();
  report("dispatch after the releases", start, assigned);

  start = Start{};
  const int changes = std::min(10000, agent_count);
  for (int n = 0; n < changes; ++n) router->set_status("A-" + std::to_string(n), AgentStatus::away);
  for (int n = 0; n < changes; ++n) router->set_status("A-" + std::to_string(n), AgentStatus::online);
  report("10,000 agents away and back", start, static_cast<std::size_t>(changes) * 2);
  start = Start{};
  assigned = router->dispatch(later).size();
  report("dispatch after the status changes", start, assigned);

  start = Start{};
  const std::string snapshot = router->snapshot();
  report("snapshot (bytes)", start, snapshot.size());
  const auto policy_of_router = policy("least_loaded");
  router.reset();
  start = Start{};
  try {
    const Router restored = Router::restore(policy_of_router, snapshot);
    report("restore (waiting)", start, restored.waiting_count());
  } catch (const aftersales::Error& error) {
    std::printf("restore refused: %.200s\n", error.what());
  }
}

// The cost of one route that must wait, every agent of the queue being at capacity.
void busy_agents(const char* strategy, int agent_count) {
  const Instant at = aftersales::parse_instant("2026-11-11T00:00:00Z");
  Router router(policy(strategy));
  for (int n = 0; n < agent_count; ++n) {
    Agent a;
    a.id = "B-" + std::to_string(100000 + n);
    a.queues = {"q1"};
    a.skills = {{"s1", 1}};
    a.languages = {"zh"};
    a.capacity = {{"*", 1}};
    router.upsert_agent(a);
  }
  long n = 1;  // tickets of queue 1, in chat
  while (router.waiting_count() == 0) (void)router.route(make_ticket(10 * n++ + 1, at), at);
  constexpr int tries = 20000;
  std::vector<Ticket> tickets;
  for (int i = 0; i < tries; ++i) tickets.push_back(make_ticket(10 * n++ + 1, at));
  const Start start;
  for (const Ticket& t : tickets) (void)router.route(t, at);
  const double wall = std::chrono::duration<double, std::micro>(Clock::now() - start.wall).count() / tries;
  const rusage usage = usage_now();
  const double cpu = (seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime) - start.cpu) * 1e6 / tries;
  std::printf("route that waits, %6d busy agents, %-12s %8.2f us wall %8.2f us cpu\n", agent_count, strategy, wall, cpu);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replay(long count) {
  const std::string dir = AFTERSALES_EXAMPLES_DIR;
  Router router(Policy::from_file(dir + "/policies/cn-marketplace.json"));
  for (const Agent& agent : Agent::list_from_json(read_file(dir + "/agents/cn-agents.json"))) router.upsert_agent(agent);
  std::vector<Ticket> templates;
  std::istringstream lines(read_file(dir + "/tickets/double11.jsonl"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) templates.push_back(Ticket::from_json(line));
  // Ticket n is template n % 12 moved in time to start 4 s after ticket n - 1.
  enum Kind { release = 0, route = 1 };  // at one instant, releases first (as the CLI does)
  std::vector<Ticket> tickets;
  std::vector<std::tuple<Instant, int, long>> steps;  // (at, kind, ticket)
  const Instant night = templates.front().created_at;
  for (long n = 0; n < count; ++n) {
    Ticket t = templates[static_cast<std::size_t>(n) % templates.size()];
    const auto shift = night + std::chrono::seconds(4 * n) - t.created_at;
    t.id = "T-" + std::to_string(n);
    t.customer.id = "C-" + std::to_string(n % 50000);
    t.created_at += shift;
    steps.emplace_back(t.created_at, route, n);
    for (aftersales::Event& e : t.events) {
      e.at += shift;
      if (e.type == aftersales::EventType::resolved) steps.emplace_back(e.at, release, n);
      if (e.type == aftersales::EventType::reopened) steps.emplace_back(e.at, route, n);
    }
    tickets.push_back(std::move(t));
  }
  std::sort(steps.begin(), steps.end());
  const Start start;
  std::map<std::string, std::string> holder;  // ticket → agent
  std::size_t decisions = 0;
  const auto record = [&](const aftersales::RoutingDecision& d) {
    ++decisions;
    if (d.agent) holder[d.ticket] = *d.agent;
  };
  for (const auto& [at, kind, n] : steps) {
    const Ticket& t = tickets[static_cast<std::size_t>(n)];
    if (kind == release) {
      if (const auto it = holder.find(t.id); it != holder.end()) {
        router.release(it->second, t.id);
        holder.erase(it);
      } else {
        (void)router.withdraw(t.id);
      }
    } else if (!holder.contains(t.id)) {
      try {
        record(router.route(t, at));
      } catch (const aftersales::InputError&) {  // already waiting: the CLI stops there; count on
      }
    }
    for (const auto& d : router.dispatch(at)) record(d);
  }
  const std::string step = "replay " + std::to_string(count) + " tickets (decisions)";
  report(step.c_str(), start, decisions);
  std::printf("  %zu still waiting\n", router.waiting_count());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string_view(argv[1]) == "replay") {
    std::printf("%-36s %11s %11s %10s %12s\n", "step", "wall", "cpu", "count", "peak memory");
    replay(std::atol(argv[2]));
    return 0;
  }
  const int agents = argc > 1 ? std::atoi(argv[1]) : 100000;
  const long waiting = argc > 2 ? std::atol(argv[2]) : 1000000;
  std::printf("%-36s %11s %11s %10s %12s\n", "step", "wall", "cpu", "count", "peak memory");
  full_scale(agents, waiting);
  for (const char* strategy : {"least_loaded", "round_robin", "most_idle"})
    for (const int busy : {2000, 20000}) busy_agents(strategy, busy);
  return 0;
}
