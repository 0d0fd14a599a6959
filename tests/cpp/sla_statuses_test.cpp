// Issue 16 point 12: status categories, the host's own statuses (docs/sla.md, "Status
// categories"). Every expected value is worked out by hand beside it.
//
// All policies use the `always` calendar (UTC, 24x7): business time is wall time, plain minutes.
// Tickets are created Tuesday 1 December 2026 at 09:00Z.

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"
#include "ticket/ticket_binary.hpp"

namespace {

using namespace aftersales;

constexpr std::string_view statuses =
    R"({"awaiting_warehouse": "on_hold", "awaiting_courier": "pending_customer", "refund_approved": "resolved"})";

std::shared_ptr<const Policy> policy(std::string_view sla, std::string_view custom = statuses) {
  return Policy::from_json(R"({"schema_version": 1, "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}}, )" +
                           std::string(custom.empty() ? "" : R"("statuses": )" + std::string(custom) + ", ") +
                           R"("sla": )" + std::string(sla) + "}");
}

// "09:10" -> 2026-12-01T09:10:00Z.
Instant at(std::string_view hhmm) { return parse_instant("2026-12-01T" + std::string(hhmm) + ":00Z"); }

using test::E;
using test::hhmm;
// Ticket "T-R1", created on Tuesday 1 December 2026 at 09:00Z.
Ticket ticket(std::initializer_list<E> events) { return test::ticket(events, "", "2026-12-01", "T-R1"); }

// "metric[cycle] Nm state" per reported instance.
std::vector<std::string> summary(const SlaReport& report) {
  std::vector<std::string> out;
  for (const SlaMetric& m : report.metrics)
    out.push_back(m.metric + "[" + std::to_string(m.cycle) + "] " + std::to_string(m.elapsed.count() / 60'000) + "m " +
                  std::string(to_string(m.state)));
  return out;
}

// The returns ticket of docs/sla.md: reply 09:30 (open), awaiting_warehouse 10:00, awaiting_courier
// 12:00, the customer writes 13:00 (open), refund_approved 14:00, open 15:00 (a reopen), resolved 16:00.
Ticket returns_ticket() {
  return ticket({{"09:30", "agent_reply", ""},
                 {"10:00", "status", R"("to": "awaiting_warehouse")"},
                 {"12:00", "status", R"("to": "awaiting_courier")"},
                 {"13:00", "customer_message", ""},
                 {"14:00", "status", R"("to": "refund_approved")"},
                 {"15:00", "status", R"("to": "open")"},
                 {"16:00", "resolved", ""}});
}
constexpr std::string_view returns_sla = R"({"policies": [{"id": "returns", "calendar": "always",
    "pause_on": ["awaiting_courier"], "targets": {"normal": {"resolution": "6h", "requester_wait_time": "6h",
    "agent_work_time": "4h", "on_hold_time": "1h", "follow_up": "48h"}}}]})";

TEST(SlaStatuses, EveryClockCountsACustomStatusAsItsCategory) {
  const SlaEngine sla(policy(returns_sla));
  const SlaReport report = sla.evaluate(returns_ticket(), at("17:00"));
  // resolution pauses only in awaiting_courier (12-13): 09-12 + 13-14, stopped by refund_approved
  //   (solved), resumed by the reopen 15-16: 3h + 1h + 1h = 5h of 6h, achieved.
  // follow_up: refund_approved started a visit at 14:00, cancelled by the reopen; resolved at
  //   16:00 starts cycle 0: 1h at 17:00.
  // requester_wait_time (new, open, on hold; awaiting_warehouse is on hold): 09-12, 13-14, 15-16 = 5h.
  // agent_work_time (new, open): 09-10, 13-14, 15-16 = 3h.
  // on_hold_time: awaiting_warehouse 10-12 = 2h of 1h, breached at 11:00.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"resolution[0] 300m achieved", "follow_up[0] 60m active",
                                                       "requester_wait_time[0] 300m achieved",
                                                       "agent_work_time[0] 180m achieved",
                                                       "on_hold_time[0] 120m breached"}));
  EXPECT_EQ(hhmm(*report.metrics[0].completed_at), "16:00");
  EXPECT_EQ(hhmm(report.metrics[1].started_at), "16:00");
  EXPECT_EQ(hhmm(*report.metrics[4].breached_at), "11:00");
  EXPECT_EQ(report.status, SlaTicketStatus::active_with_misses);  // the visit is open; on_hold_time missed

  // Evaluated at 14:30, refund_approved has solved it: resolution stopped at 14:00 (4h), the
  // status clocks with it, and the visit runs from 14:00 (30m).
  EXPECT_EQ(summary(sla.evaluate(returns_ticket(), at("14:30"))),
            (std::vector<std::string>{"resolution[0] 240m achieved", "follow_up[0] 30m active",
                                      "requester_wait_time[0] 240m achieved", "agent_work_time[0] 120m achieved",
                                      "on_hold_time[0] 120m breached"}));
}

TEST(SlaStatuses, ABuiltInPauseOnCoversItsCustomStatuses) {
  // pause_on ["on_hold"] pauses in awaiting_warehouse (10-12), not in awaiting_courier:
  // 09-10 + 12-14 + 15-16 = 4h.
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always", "pause_on": ["on_hold"],
      "targets": {"normal": {"resolution": "6h"}}}]})"));
  EXPECT_EQ(summary(sla.evaluate(returns_ticket(), at("17:00"))), (std::vector<std::string>{"resolution[0] 240m achieved"}));
}

TEST(SlaStatuses, ACustomPauseOnPausesInThatStatusOnly) {
  // pending_customer 09:10-09:30 (the customer answers), awaiting_courier 10:00-11:00 (an agent
  // sets open). A target pausing in awaiting_courier only: 09:00-10:00 + 11:00-12:00 = 2h; one
  // pausing in pending_customer, and so in awaiting_courier too: 10m + 30m + 1h = 1h40m.
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {
      "first_response": {"target": "8h", "pause_on": ["awaiting_courier"]},
      "resolution": {"target": "8h", "pause_on": ["pending_customer"]}}}}]})"));
  const Ticket t = ticket({{"09:10", "status", R"("to": "pending_customer")"},
                           {"09:30", "customer_message", ""},
                           {"10:00", "status", R"("to": "awaiting_courier")"},
                           {"11:00", "status", R"("to": "open")"}});
  EXPECT_EQ(summary(sla.evaluate(t, at("12:00"))),
            (std::vector<std::string>{"first_response[0] 120m active", "resolution[0] 100m active"}));
}

TEST(SlaStatuses, AStatusEventOnASolvedCategoryRenamesWithoutReopening) {
  // refund_approved at 10:00 solves (resolution 1h, a visit starts); `resolved` at 11:00 finds
  // it solved already: nothing stops or starts again, the visit runs on from 10:00 (2h at 12:00).
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"resolution": "8h", "follow_up": "48h"}}}]})"));
  const SlaReport report =
      sla.evaluate(ticket({{"10:00", "status", R"("to": "refund_approved")"}, {"11:00", "resolved", ""}}), at("12:00"));
  EXPECT_EQ(summary(report), (std::vector<std::string>{"resolution[0] 60m achieved", "follow_up[0] 120m active"}));
  EXPECT_EQ(hhmm(report.metrics[1].started_at), "10:00");
}

TEST(SlaStatuses, ConditionsSeeTheCustomName) {
  // warehouse: from creation until solved, paused while the status is awaiting_warehouse (10-12);
  // on_hold_watch: paused while the status is on_hold, which awaiting_warehouse is not by name.
  // At 13:00 (the courier awaited since 12:00): warehouse 1h + 1h = 2h, on_hold_watch 4h.
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always",
      "when": {"field": "status", "ne": "refund_approved"},
      "targets": {"normal": {"warehouse": "8h", "on_hold_watch": "8h"}}}],
    "metrics": {
      "warehouse": {"start_when": {"field": "status", "eq": "new"},
                    "stop_when": {"field": "status", "in": ["resolved", "refund_approved"]},
                    "pause_when": {"field": "status", "eq": "awaiting_warehouse"}},
      "on_hold_watch": {"start_when": {"field": "status", "eq": "new"}, "stop": "resolved",
                        "pause_when": {"field": "status", "eq": "on_hold"}}}})"));
  const Ticket t = returns_ticket();
  EXPECT_EQ(summary(sla.evaluate(t, at("13:00"))),
            (std::vector<std::string>{"warehouse[0] 120m active", "on_hold_watch[0] 240m active"}));
  // At 14:30 the ticket is in refund_approved: the policy's `when` sees the custom name and no
  // longer matches.
  EXPECT_FALSE(sla.evaluate(t, at("14:30")).policy);
}

TEST(SlaStatuses, TheTimelineNamesTheCustomStatus) {
  const SlaEngine sla(policy(returns_sla));
  const SlaReport report = sla.evaluate(returns_ticket(), at("17:00"), SlaOptions{.explain = true});
  // resolution's pauses: awaiting_courier 12-13, refund_approved 14-15.
  std::vector<std::string> reasons;
  for (const SlaPausedSpan& p : report.timelines[0].paused)
    reasons.push_back(hhmm(p.from) + "-" + hhmm(p.to) + " " + p.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{"12:00-13:00 awaiting_courier", "14:00-15:00 refund_approved"}));
}

TEST(SlaStatuses, AnUnknownStatusIsAnErrorAtItsEvent) {
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "targets": {"normal": {"resolution": "8h"}}}]})"));
  const Ticket t = ticket({{"09:30", "agent_reply", ""},
                           {"10:00", "status", R"("to": "awaiting_wharehouse")"},
                           {"11:00", "status", R"("to": "awaiting_wharehouse")"}});
  try {
    (void)sla.evaluate(t, at("12:00"));
    FAIL() << "an unknown status was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events[1].to");
    EXPECT_NE(std::string(e.what()).find("\"awaiting_wharehouse\" is neither a built-in status nor one of the "
                                         "policy's \"statuses\""),
              std::string::npos)
        << e.what();
  }
  // Before the event, nothing reads it; a policy without `statuses` knows none.
  EXPECT_NO_THROW((void)sla.evaluate(t, at("09:59")));
  const SlaEngine plain(policy(R"({"policies": [{"id": "p", "targets": {"normal": {"resolution": "8h"}}}]})", ""));
  EXPECT_THROW((void)plain.evaluate(returns_ticket(), at("17:00")), InputError);
}

TEST(SlaStatuses, ThePolicyChecksItsStatuses) {
  const auto problems = [](std::string_view custom, std::string_view sla) {
    try {
      (void)policy(sla, custom);
    } catch (const PolicyError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string_view plain = R"({"policies": []})";
  EXPECT_NE(problems(R"({"open": "on_hold"})", plain).find("statuses.open: \"open\" is a built-in status"),
            std::string::npos);
  EXPECT_NE(problems(R"({"awaiting": "closed"})", plain)
                .find("statuses.awaiting: \"closed\" is not a status category (open, pending_customer, on_hold, resolved)"),
            std::string::npos);
  EXPECT_NE(problems(statuses, R"({"policies": [{"id": "p", "pause_on": ["refund_approved"], "targets": {}}]})")
                .find("sla.policies[0].pause_on[0]: \"refund_approved\" counts as \"resolved\", which cannot pause a clock"),
            std::string::npos);
  EXPECT_NE(problems(statuses, R"({"policies": [{"id": "p", "pause_on": ["awaiting_parts"], "targets": {}}]})")
                .find("sla.policies[0].pause_on[0]: \"awaiting_parts\" cannot pause a clock"),
            std::string::npos);
  EXPECT_NE(problems(statuses, R"({"policies": [{"id": "p", "when": {"field": "status", "eq": "awaiting_parts"},
      "targets": {}}]})")
                .find("\"awaiting_parts\" is not a status"),
            std::string::npos);
  EXPECT_EQ(problems(statuses, R"({"policies": [{"id": "p", "pause_on": ["awaiting_courier", "on_hold"],
      "when": {"field": "status", "in": ["on_hold", "awaiting_warehouse"]}, "targets": {}}]})"),
            "");
}

TEST(SlaStatuses, EveryReaderKeepsTheName) {
  const Ticket t = returns_ticket();
  // Each custom status once, in order of first use; the built-in `open` is no custom status.
  EXPECT_EQ(t.custom_statuses, (std::vector<std::string>{"awaiting_warehouse", "awaiting_courier", "refund_approved"}));
  EXPECT_EQ(t.events[1].detail, 1U);
  EXPECT_EQ(t.events[5].detail, 0U);
  EXPECT_EQ(t.events[5].to_status, Status::open);
  EXPECT_THROW((void)ticket({{"10:00", "status", R"("to": "")"}}), InputError);
  EXPECT_THROW((void)ticket({{"10:00", "status", R"("to": "resolved")"}}), InputError);

  // Columns (a TicketBatch), and their binary form, give the same ticket and the same report.
  const SlaEngine sla(policy(returns_sla));
  const std::string expected = sla.evaluate(t, at("17:00")).to_json();
  const TicketBatch batch = TicketBatch::from_tickets(std::vector<Ticket>{t});
  EXPECT_EQ(batch.ticket(0).custom_statuses, t.custom_statuses);
  EXPECT_EQ(batch.ticket(0).events[4].detail, 3U);
  EXPECT_EQ(sla.evaluate(batch, 0, at("17:00")).to_json(), expected);
  const TicketBatch again = detail::read_tickets(detail::write_tickets(batch));
  EXPECT_EQ(sla.evaluate(again, 0, at("17:00")).to_json(), expected);
  EXPECT_EQ(again.ticket(0).custom_statuses, t.custom_statuses);
}

TEST(SlaStatuses, ABatchWithManyCustomStatusesKeepsEachApart) {
  // Twelve custom statuses, more than an event's nibble holds (10): each ticket sets one, on
  // hold from 10:00 to 11:00, and reports on_hold_time 1h, paused since (open, not solved); the
  // names come back as written.
  std::string custom = "{";
  std::vector<Ticket> tickets;
  for (int k = 1; k <= 12; ++k) {
    const std::string name = "awaiting_" + std::to_string(k);
    custom += (k == 1 ? "\"" : ", \"") + name + "\": \"on_hold\"";
    const std::string to = R"("to": ")" + name + "\"";
    tickets.push_back(ticket({{"10:00", "status", to}, {"11:00", "status", R"("to": "open")"}}));
  }
  custom += "}";
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"on_hold_time": "8h"}}}]})",
                             custom));
  const TicketBatch batch = detail::read_tickets(detail::write_tickets(TicketBatch::from_tickets(tickets)));
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    EXPECT_EQ(batch.ticket(i).custom_statuses, tickets[i].custom_statuses);
    EXPECT_EQ(summary(sla.evaluate(batch, i, at("12:00"))), (std::vector<std::string>{"on_hold_time[0] 60m paused"}));
  }
}

TEST(SlaStatuses, AHandBuiltTicketNamesItsCustomStatuses) {
  Ticket t;
  t.id = "T-H";
  t.created_at = at("09:00");
  t.custom_statuses = {"awaiting_warehouse"};
  Event status = Event::of(EventType::status, at("10:00"));
  status.detail = 1;
  t.events.push_back(status);
  const SlaEngine sla(policy(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"on_hold_time": "8h"}}}]})"));
  EXPECT_EQ(summary(sla.evaluate(t, at("11:00"))), (std::vector<std::string>{"on_hold_time[0] 60m active"}));
  t.events[0].detail = 2;  // no second name
  try {
    t.validate();
    FAIL() << "an out-of-range custom status was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events[0].to");
  }
  EXPECT_THROW((void)TicketBatch::from_tickets(std::vector<Ticket>{t}), InputError);
  // Unvalidated, the engine finds no name for it, which no policy maps.
  try {
    (void)sla.evaluate(t, at("11:00"));
    FAIL() << "an out-of-range custom status was evaluated";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events[0].to");
  }
}

TEST(SlaStatuses, KpisCountTheCategory) {
  // The returns ticket, solved at 16:00: resolved (its category), on hold 2h (awaiting_warehouse),
  // reopened once (refund_approved then open).
  const auto p = policy(returns_sla);
  const KpiResult r = KpiEngine(p).compute(std::vector<Ticket>{returns_ticket()}, at("17:00"), {});
  ASSERT_EQ(r.groups.size(), 1U);
  const KpiGroup& g = r.groups[0];
  EXPECT_EQ(g.resolved, 1);
  EXPECT_EQ(g.on_hold.mean_s, 7200.0);
  EXPECT_EQ(g.requester_wait.mean_s, 18000.0);
  EXPECT_EQ(g.agent_work.mean_s, 10800.0);
  EXPECT_EQ(g.reopen_rate, 1.0);
}

}  // namespace
