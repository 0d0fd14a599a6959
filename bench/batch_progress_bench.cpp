// What a progress callback costs a batch (docs/performance.md, "Progress callbacks"): ITEMS SLA
// evaluations of one ticket through the batch module that every batch call runs on, with or
// without a no-op BatchOptions::progress. Time two runs of the whole process against each other:
//
//   batch_progress_bench POLICY.json ITEMS THREADS [progress]
//
// It prints the number of metrics counted, so that the work cannot be optimised away.
#include <aftersales/aftersales.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "batch/batch.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5 || (argc == 5 && std::string_view(argv[4]) != "progress")) {
    std::fprintf(stderr, "usage: %s POLICY.json ITEMS THREADS [progress]\n", argv[0]);
    return 2;
  }
  try {
    const aftersales::SlaEngine engine(aftersales::Policy::from_file(argv[1]));
    const auto items = static_cast<std::size_t>(std::stoull(argv[2]));
    const auto threads = static_cast<unsigned>(std::stoul(argv[3]));
    const auto ticket = aftersales::Ticket::from_json(
        R"({"id": "T-1", "created_at": "2026-11-11T00:05:00+08:00", "channel": "chat", "priority": "normal",
            "customer": {"tier": "vip"},
            "events": [{"type": "customer_message", "at": "2026-11-11T00:05:00+08:00"},
                       {"type": "agent_reply", "at": "2026-11-11T00:09:00+08:00"}]})");
    const auto at = aftersales::parse_instant("2026-11-11T06:00:00+08:00");
    std::size_t calls = 0;
    aftersales::BatchOptions options{.threads = threads};
    if (argc == 5) options.progress = [&calls](std::size_t, std::size_t) { ++calls; };
    std::vector<std::uint8_t> metrics(items);
    aftersales::batch::for_each(items, options, [&](std::size_t i) {
      metrics[i] = static_cast<std::uint8_t>(engine.evaluate(ticket, at).metrics.size());
    });
    std::size_t total = 0;
    for (const std::uint8_t m : metrics) total += m;
    std::printf("%zu metrics, %zu progress calls\n", total, calls);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "batch_progress_bench: %s\n", e.what());
    return 1;
  }
}
