// Instruction counts of BM_Route's decisions, which do not depend on the machine's load:
//
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='timed_pass*'
//            build/bench/routing_callgrind least_loaded [filtered]
//
// then `callgrind_annotate --inclusive=yes` shows aftersales::Router::route's instructions for
// the 1,000 decisions of one pass (setup and the untimed first pass are not collected).
#include "routing_bench.cpp"  // the same floor, tickets and policy as the benchmark

#include <cstdio>
#include <cstring>

// Not inlined: callgrind collects inside it by name.
[[gnu::noinline]] void timed_pass(Router& router, const std::vector<Ticket>& tickets, std::vector<std::string>& agents,
                                  Instant at) {
  for (std::size_t i = 0; i < tickets.size(); ++i) agents[i] = *router.route(tickets[i], at).agent;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s least_loaded|round_robin|most_idle [filtered]\n", argv[0]);
    return 2;
  }
  const bool filtered = argc > 2 && std::strcmp(argv[2], "filtered") == 0;
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  const auto router = busy_router(argv[1], at);
  const std::vector<Ticket> tickets = bench_tickets(filtered, at);
  std::vector<std::string> agents(tickets.size());
  for (int pass = 0; pass < 2; ++pass) {  // the first warms the router's tables, as the benchmark's iterations do
    if (pass == 1) timed_pass(*router, tickets, agents, at);
    else for (std::size_t i = 0; i < tickets.size(); ++i) agents[i] = *router->route(tickets[i], at).agent;
    for (std::size_t i = 0; i < tickets.size(); ++i) router->release(agents[i], tickets[i].id);
  }
  std::printf("first ticket went to %s\n", agents.front().c_str());
  return 0;
}
