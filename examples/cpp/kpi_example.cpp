// KPIs by agent of the Double 11 example tickets, the monthly agent scorecard, and a peak-hour
// staffing answer.
//   kpi_example examples/policies/cn-marketplace.json examples/tickets/double11.jsonl
#include <aftersales/aftersales.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kpi_example POLICY.json TICKETS.jsonl\n";
    return 2;
  }
  try {
    const auto policy = aftersales::Policy::from_file(argv[1]);
    std::ifstream in(argv[2], std::ios::binary);
    std::stringstream tickets;
    tickets << in.rdbuf();
    const auto at = aftersales::parse_instant("2026-11-20T00:00:00+08:00");
    const aftersales::KpiOptions by_agent{{aftersales::KpiDimension::agent}, {}};
    const aftersales::KpiResult kpis = aftersales::KpiEngine(policy).compute_lines(tickets.str(), at, by_agent);
    const aftersales::ScorecardResult card = aftersales::KpiEngine(policy).score("agent-monthly", kpis);
    std::printf("%-8s %7s %9s %7s %6s %5s\n", "agent", "tickets", "resolved", "score", "stars", "rank");
    for (std::size_t i = 0; i < kpis.groups.size(); ++i) {
      const aftersales::KpiGroup& g = kpis.groups[i];
      const aftersales::ScorecardRow& row = card.rows[i];
      std::printf("%-8s %7lld %9lld %7.1f %6d %5d\n", g.key[0] ? g.key[0]->c_str() : "(none)",
                  static_cast<long long>(g.tickets), static_cast<long long>(g.resolved), row.score.value_or(0),
                  row.stars, row.rank.value_or(0));
    }
    // The Double 11 midnight hour: 4,500 chats of 4 minutes, 80% answered within 20 s.
    const aftersales::StaffingResult need = aftersales::erlang_c_required({4500, 3600, 240}, {20, 0.8, 0.9, 0.3});
    std::printf("midnight peak: %d agents on chat (%d scheduled), service level %.1f%%\n", need.agents,
                need.scheduled, 100 * need.service_level);
  } catch (const aftersales::Error& e) {
    std::cerr << "kpi_example: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
