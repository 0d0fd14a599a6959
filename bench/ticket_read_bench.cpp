// What reading tickets from JSON Lines costs (docs/performance.md, "Reading tickets"), on the
// season bench/peer_tickets.py writes:
//
//   ticket_read_bench TICKETS.jsonl read [LINES]   Ticket::from_json on each line, one thread
//   ticket_read_bench TICKETS.jsonl kpi [THREADS]  KpiEngine::compute_lines by agent and day
//   ticket_read_bench TICKETS.jsonl sla [THREADS]  SlaEngine::evaluate_lines
//
// The file is read whole first (not timed); the step is timed by the wall clock and printed as
// one JSON line: {"step": ..., "tickets": N, "seconds": S, "ns_per_ticket": T}. `read` with
// LINES reads only the first LINES lines, small enough to run under callgrind.
#include <aftersales/aftersales.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

namespace {

using namespace aftersales;

// As bench/peer_kpi_bench.py asks: after every event, no calendar (elapsed time).
constexpr std::string_view at_text = "2027-01-01T00:00:00+08:00";

std::size_t count_lines(std::string_view text, std::size_t limit) {
  std::size_t lines = 0;
  for (std::size_t start = 0; start < text.size() && lines < limit; ++lines) {
    const auto end = text.find('\n', start);
    if (end == std::string_view::npos) return lines + 1;
    start = end + 1;
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s TICKETS.jsonl read|kpi|sla [LINES|THREADS]\n", argv[0]);
    return 2;
  }
  try {
    std::ifstream in(argv[1], std::ios::binary);
    std::string text(std::filesystem::file_size(argv[1]), '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(text.size())))
      throw InputError(std::string("cannot read ") + argv[1]);
    const std::string step = argv[2];
    const unsigned long option = argc == 4 ? std::stoul(argv[3]) : 0;
    const auto policy = Policy::from_json(R"({"schema_version": 1})");
    const Instant at = parse_instant(at_text);

    const auto start = std::chrono::steady_clock::now();
    std::size_t tickets = 0;
    if (step == "read") {
      tickets = count_lines(text, option == 0 ? std::numeric_limits<std::size_t>::max() : option);
      std::string_view rest = text;
      for (std::size_t i = 0; i < tickets; ++i) {
        const auto end = rest.find('\n');
        (void)Ticket::from_json(rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      }
    } else if (step == "kpi") {
      const auto result = KpiEngine(policy).compute_lines(
          text, at, {{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"}, {},
          {.threads = static_cast<unsigned>(option)});
      tickets = count_lines(text, std::numeric_limits<std::size_t>::max());
      if (result.groups.empty()) throw InputError("no groups");
    } else if (step == "sla") {
      const std::string reports = SlaEngine(policy).evaluate_lines(text, at, {.threads = static_cast<unsigned>(option)});
      tickets = count_lines(reports, std::numeric_limits<std::size_t>::max());
    } else {
      throw InputError("unknown step " + step);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"step\": \"%s\", \"tickets\": %zu, \"seconds\": %.3f, \"ns_per_ticket\": %.0f}\n", step.c_str(),
                tickets, seconds, seconds * 1e9 / static_cast<double>(tickets));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
