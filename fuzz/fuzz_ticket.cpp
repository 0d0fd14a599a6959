// Any byte string as a ticket: parsing either succeeds or throws aftersales::Error, and a
// parsed ticket evaluates under an SLA policy with pauses, escalations and a custom metric
// without anything else escaping, keeping the report's own promises; it is counted as KPIs
// and routed too. scripts/test runs it with inputs up to 1 MiB, tickets of thousands of
// events, so that any replay that is not linear in them runs past the timeout.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1,
    "calendars": {"office": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["08:00-20:00"], "sat": ["22:00-06:00"]},
                             "holidays": ["2026-12-25"]},
                  "always": {"timezone": "UTC", "hours": "24x7"}},
    "sla": {"policies": [
      {"id": "vip", "when": {"all": [{"field": "customer.tier", "eq": "vip"}, {"field": "tags", "contains": "x"}]},
       "calendar": "office",
       "targets": {"urgent": {"first_response": "30s", "next_response": "1m", "resolution": "4h"},
                   "normal": {"periodic_update": "1h", "follow_up": {"target": "2d", "calendar": "always"}}},
       "pause_on": ["pending_customer", "on_hold"],
       "escalations": [{"at": "80%", "action": "warn"}, {"at": "200%", "action": "hotline", "metrics": ["resolution"]}]},
      {"id": "rest", "targets": {"low": {"first_response": "1h", "refund_processing": "24h"},
                                 "normal": {"first_response": "5m", "resolution": "1d", "refund_processing": "24h"},
                                 "high": {"next_response": "10m"}, "urgent": {"first_response": "1m"}},
       "pause_on": ["pending_customer"], "escalations": [{"at": "100%", "action": "escalate", "to": "lead"}]}],
     "metrics": {"refund_processing": {"start": "refund_requested", "stop": "refund_issued"}}},
    "routing": {"queues": [{"id": "general"}], "default_queue": "general"}})");
  return loaded;
}

void check(bool promise) {
  if (!promise) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const aftersales::Ticket ticket = aftersales::Ticket::from_json(text);
    for (const aftersales::Instant at : {ticket.created_at, aftersales::parse_instant("2026-11-11T12:00:00Z"),
                                         aftersales::max_instant}) {
      if (at < ticket.created_at) continue;
      const aftersales::SlaReport report = aftersales::SlaEngine(policy()).evaluate(ticket, at);
      for (const aftersales::SlaMetric& m : report.metrics) {
        check(m.elapsed >= aftersales::Duration::zero() && m.elapsed <= at - m.started_at);
        check(!m.completed_at || *m.completed_at <= at);
        check((m.state == aftersales::SlaState::breached) == m.breached_at.has_value());
      }
      check(!report.next_check_at || *report.next_check_at > at);
      check(std::is_sorted(report.escalations.begin(), report.escalations.end(),
                           [](const auto& a, const auto& b) { return a.reached_at < b.reached_at; }));
      (void)report.to_json();
      // Counting with the report the host holds is counting with one the SLA engine evaluates.
      aftersales::KpiAccumulator evaluated(policy(), {{aftersales::KpiDimension::agent}, {}});
      aftersales::KpiAccumulator reported = evaluated.empty_copy();
      evaluated.add(ticket, at);
      reported.add(ticket, at, report);
      check(evaluated.to_json() == reported.to_json());
      // Routing needs an id; with no agents the ticket waits, and the router asks for its due time.
      if (!ticket.id.empty()) (void)aftersales::Router(policy()).route(ticket, at);
    }
  } catch (const aftersales::Error&) {
    // Rejected with a reason: what malformed input should get.
  }
  return 0;
}
