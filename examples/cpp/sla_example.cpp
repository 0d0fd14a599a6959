// Replays a file of tickets under a policy's SLA rules and prints where every clock stands at
// one instant, the way a shift lead looks at the board on the morning after Double 11.
//
//   sla_example_cpp examples/policies/cn-marketplace.json examples/tickets/double11.jsonl

#include <aftersales/aftersales.hpp>

#include <chrono>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

// Asia/Shanghai has been UTC+8 all year since 1991, so a fixed offset prints local times
// correctly here; the library itself converts with the system's time-zone database.
constexpr hours shanghai_offset{8};

// "Fri 13 Nov 12:40", seconds only when there are some.
std::string shanghai_time(aftersales::Instant t) {
  static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto local = t + shanghai_offset;
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{floor<seconds>(local - day)};
  std::ostringstream out;
  out << weekdays[weekday{day}.c_encoding()] << ' ' << static_cast<unsigned>(date.day()) << ' '
      << months[static_cast<unsigned>(date.month()) - 1] << ' ' << std::setfill('0') << std::setw(2)
      << time.hours().count() << ':' << std::setw(2) << time.minutes().count();
  if (time.seconds().count() != 0) out << ':' << std::setw(2) << time.seconds().count();
  return out.str();
}

// Hours, minutes and seconds ("44h5m", "1m10s"): format_duration would write 44 hours of
// business time as "1d20h5m", and a business day is not 24 hours long.
std::string clock_time(aftersales::Duration d) {
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const auto s = duration_cast<seconds>(d - h - m);
  std::string text;
  if (h.count() != 0) text += std::to_string(h.count()) + "h";
  if (m.count() != 0) text += std::to_string(m.count()) + "m";
  if (s.count() != 0 || text.empty()) text += std::to_string(s.count()) + "s";
  return text;
}

// What the last column says: the instant that matters for this state.
std::string when(const aftersales::SlaMetric& m) {
  switch (m.state) {
    case aftersales::SlaState::active: return "due " + shanghai_time(*m.due_at);
    case aftersales::SlaState::paused: return "clock stopped";
    case aftersales::SlaState::achieved: return "done " + shanghai_time(*m.completed_at);
    case aftersales::SlaState::breached: return "breached " + shanghai_time(*m.breached_at);
  }
  return {};
}

// "next_response #2": cycles after the first are numbered, as in the report.
std::string instance_name(const std::string& metric, int cycle) {
  return cycle > 0 ? metric + " #" + std::to_string(cycle) : metric;
}

void print_report(const aftersales::SlaReport& report) {
  std::cout << '\n' << report.ticket << "  policy " << report.policy.value_or("(none)") << ", "
            << aftersales::to_string(report.priority) << " priority";
  if (report.next_check_at) std::cout << ", look again " << shanghai_time(*report.next_check_at);
  std::cout << '\n';
  for (const aftersales::SlaMetric& m : report.metrics) {
    std::cout << "  " << std::left << std::setfill(' ') << std::setw(20) << instance_name(m.metric, m.cycle)
              << std::setw(10)
              << aftersales::to_string(m.state) << std::setw(18)
              << clock_time(m.elapsed) + " of " + clock_time(m.target) << when(m) << '\n';
  }
  for (const aftersales::SlaEscalation& e : report.escalations) {
    std::cout << "  ! " << instance_name(e.metric, e.cycle) << " reached " << e.percent << "% " << shanghai_time(e.reached_at)
              << ": " << e.action << (e.to.empty() ? "" : " to " + e.to) << '\n';
  }
}

std::vector<aftersales::Ticket> read_tickets(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::vector<aftersales::Ticket> tickets;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    try {
      tickets.push_back(aftersales::Ticket::from_json(line));
    } catch (const aftersales::Error& e) {
      throw std::runtime_error(std::string(path) + " line " + std::to_string(number) + ": " + e.what());
    }
  }
  return tickets;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " POLICY.json TICKETS.jsonl\n";
    return 2;
  }
  try {
    const auto policy = aftersales::Policy::from_file(argv[1]);
    const std::vector<aftersales::Ticket> tickets = read_tickets(argv[2]);
    // The morning after Double 11. Events later than this are ignored: the same file can be
    // replayed at any instant to see the board as it was then.
    const aftersales::Instant at = aftersales::parse_instant("2026-11-13T10:00:00+08:00");
    std::cout << "SLA clocks at " << shanghai_time(at) << " 2026 (Shanghai time), " << tickets.size()
              << " tickets\n";
    for (const aftersales::SlaReport& report : aftersales::SlaEngine(policy).evaluate(tickets, at)) print_report(report);
  } catch (const std::exception& e) {  // aftersales::Error included
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
