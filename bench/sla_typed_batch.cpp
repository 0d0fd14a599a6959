// The typed C++ batch on tickets given as JSON Lines, for bench/python_sla_bench.py to set the
// Python batch beside it on the same tickets (issue 3: Python must reach at least half of it).
//
//   sla_typed_batch POLICY.json TICKETS.jsonl AT [REPEAT]
//
// Reads the tickets into aftersales::Ticket (not timed), then times
// SlaEngine::evaluate(std::span<const Ticket>, AT, {.threads = 1}), best of REPEAT runs (default 3), by the
// wall clock and by the process's CPU time (std::clock: on a machine shared with other work, the
// time this program actually ran), and prints one JSON line:
// {"tickets": N, "seconds": S, "tickets_per_second": R, "cpu_seconds": C, "cpu_tickets_per_second": Q}.
#include <aftersales/aftersales.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s POLICY.json TICKETS.jsonl AT [REPEAT]\n", argv[0]);
    return 2;
  }
  try {
    const auto policy = aftersales::Policy::from_file(argv[1]);
    std::ifstream lines(argv[2]);
    if (!lines) throw aftersales::InputError(std::string("cannot read ") + argv[2]);
    std::vector<aftersales::Ticket> tickets;
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) tickets.push_back(aftersales::Ticket::from_json(line));
    const auto at = aftersales::parse_instant(argv[3]);
    const int repeat = argc == 5 ? std::stoi(argv[4]) : 3;

    double best = std::numeric_limits<double>::infinity();
    double best_cpu = std::numeric_limits<double>::infinity();
    for (int i = 0; i < repeat; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      const auto reports = aftersales::SlaEngine(policy).evaluate(tickets, at, {.threads = 1});
      const std::clock_t cpu_end = std::clock();
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      if (reports.size() != tickets.size()) throw aftersales::InputError("the batch lost tickets");
      best = std::min(best, elapsed.count());
      best_cpu = std::min(best_cpu, static_cast<double>(cpu_end - cpu_start) / CLOCKS_PER_SEC);
    }
    const auto count = static_cast<double>(tickets.size());
    std::printf(
        "{\"tickets\": %zu, \"seconds\": %.6f, \"tickets_per_second\": %.0f, \"cpu_seconds\": %.6f, "
        "\"cpu_tickets_per_second\": %.0f}\n",
        tickets.size(), best, count / best, best_cpu, count / best_cpu);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sla_typed_batch: %s\n", e.what());
    return 1;
  }
}
