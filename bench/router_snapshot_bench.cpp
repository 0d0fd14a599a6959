// Router snapshots at Double 11 scale (issue 11): snapshot and restore of a router holding a
// million waiting tickets, each timed on its own, with the process's peak memory.
//
//   router_snapshot_bench snapshot N FILE   builds a router with N waiting tickets, writes its snapshot to FILE
//   router_snapshot_bench restore FILE      restores the router from FILE
//
// Each prints the seconds of the one call it measures (snapshot() or restore(), not the set-up)
// and the process's peak resident memory. Run the two as separate processes so that the
// restore's peak is the restore's own (the file's text plus the router), e.g. under
// `/usr/bin/time -v`.
#include <aftersales/aftersales.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

namespace {

using aftersales::Agent;
using aftersales::AgentStatus;
using aftersales::Policy;
using aftersales::Router;
using aftersales::Ticket;

constexpr int queue_count = 10;
constexpr int agent_count = 2000;

// 10 queues (q0 overflows to q1 after an hour), rule k sends "c<k>/..." to queue k needing
// skill s<k>; SLA targets give every waiting ticket a due time; sticky customers on.
std::shared_ptr<const Policy> policy() {
  std::string queues = R"({"id": "q0", "overflow": {"after": "1h", "to": "q1"}})";
  std::string rules;
  for (int q = 0; q < queue_count; ++q) {
    const std::string k = std::to_string(q);
    if (q > 0) queues += R"(, {"id": "q)" + k + "\"}";
    rules += std::string(q ? "," : "") + R"({"id": "r)" + k + R"(", "when": {"field": "category", "prefix": "c)" + k +
             R"(/"}, "queue": "q)" + k + R"(", "skills": {"s)" + k + R"(": 1}})";
  }
  return Policy::from_json(
      R"({"schema_version": 1, "sla": {"policies": [{"id": "all", "targets": {"urgent": {"first_response": "1m"},)"
      R"( "high": {"first_response": "5m"}, "normal": {"first_response": "10m"}, "low": {"first_response": "30m"}}}]},)"
      R"( "routing": {"queues": [)" +
      queues + R"(], "rules": [)" + rules +
      R"(], "default_queue": "q0", "assignment": {"strategy": "least_loaded", "sticky": true, "language_match": true}}})");
}

Agent make_agent(int n) {
  Agent a;
  a.id = "A-" + std::to_string(10000 + n);
  a.queues = {"q" + std::to_string(n % queue_count), "q" + std::to_string((n + 3) % queue_count)};
  a.skills = {{"s" + std::to_string(n % queue_count), 2}, {"s" + std::to_string((n + 3) % queue_count), 1}};
  a.languages = n % 3 == 0 ? std::vector<std::string>{"en", "zh"} : std::vector<std::string>{"zh"};
  a.capacity = {{"chat", 3}, {"email", 5}};
  return a;
}

Ticket make_ticket(int n, aftersales::Instant created) {
  Ticket t;
  t.id = "T-" + std::to_string(1000000 + n);
  t.created_at = created;
  t.channel = n % 5 == 0 ? "email" : "chat";
  t.category = "c" + std::to_string(n % queue_count) + "/issue";
  t.customer.id = "C-" + std::to_string(n % 300000);
  t.customer.language = n % 4 == 0 ? "en" : "zh";
  t.priority = static_cast<aftersales::Priority>(n % 4);
  return t;
}

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

// Wall and processor seconds of one call: on a shared machine the second is the fairer figure.
struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  [[nodiscard]] std::string took() const {
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    const double cpu_s = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
    return std::to_string(wall_s).substr(0, 5) + " s (" + std::to_string(cpu_s).substr(0, 5) + " s cpu)";
  }
};

// Every agent takes its fill of the first tickets (and so holds assignments and sticky
// customers), then goes offline; the rest wait.
int snapshot(int waiting, const char* path) {
  const auto t0 = aftersales::parse_instant("2026-11-11T00:00:00+08:00");
  Router router(policy());
  for (int n = 0; n < agent_count; ++n) router.upsert_agent(make_agent(n));
  for (int n = 0; router.waiting_count() < static_cast<std::size_t>(waiting); ++n) {
    if (n == 3 * agent_count)
      for (int a = 0; a < agent_count; a += 2) router.set_status(make_agent(a).id, AgentStatus::offline);
    const auto at = t0 + std::chrono::milliseconds(n);
    (void)router.route(make_ticket(n, at), at);
  }
  const Timer timer;
  const std::string text = router.snapshot();
  const std::string took = timer.took();
  std::ofstream(path, std::ios::binary) << text;
  std::printf("snapshot: %zu waiting, %zu bytes, %s, peak %.0f MiB\n", router.waiting_count(), text.size(), took.c_str(),
              peak_mib());
  return 0;
}

int restore(const char* path) {
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto rules = policy();
  const Timer timer;
  try {
    const Router router = Router::restore(rules, text);
    std::printf("restore: %zu waiting, %s, peak %.0f MiB\n", router.waiting_count(), timer.took().c_str(), peak_mib());
  } catch (const aftersales::Error& e) {
    std::printf("restore refused after %s, peak %.0f MiB: %.200s\n", timer.took().c_str(), peak_mib(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "snapshot" && argc == 4) return snapshot(std::stoi(argv[2]), argv[3]);
  if (mode == "restore" && argc == 3) return restore(argv[2]);
  std::cerr << "usage: router_snapshot_bench snapshot N FILE | restore FILE\n";
  return 2;
}
