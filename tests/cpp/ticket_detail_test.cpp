// An event's rare members as side records of its ticket (Event::detail): an sla_override's
// metric and due instant in Ticket::overrides, a change event's field or tag in
// Ticket::changes, a custom status in Ticket::custom_statuses (docs/performance.md, "Issues
// 16-18").

#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace aftersales;
using aftersales::test::at;

// The size an event had at 85e4fc1, before the override's members were added to it: a batch of
// 10,000 tickets replays from fewer cache lines and pages (BM_SlaBatchOneCore).
static_assert(sizeof(Event) == 120);

std::string path_of(const Ticket& t) {
  try {
    t.validate();
  } catch (const InputError& e) {
    return e.what();  // the path, a colon, the problem
  }
  return "valid";
}

// Ticket T-1 with one custom event named `name` whose detail is 1.
Ticket with_custom_event(std::string_view name) {
  Ticket t;
  t.id = "T-1";
  t.created_at = at("2026-03-02T09:00:00Z");
  Event e = Event::of(EventType::custom, at("2026-03-02T10:00:00Z"));
  e.name = name;
  e.detail = 1;
  t.events.push_back(e);
  return t;
}

Ticket overridden() {
  Ticket t = with_custom_event("sla_override");
  t.overrides.push_back({"resolution", at("2026-03-03T10:00:00Z")});
  return t;
}

TEST(EventDetail, AHandBuiltOverrideIsChecked) {
  EXPECT_EQ(path_of(overridden()), "valid");
  Ticket t = overridden();
  t.events[0].detail = 2;  // only one override
  EXPECT_EQ(path_of(t), "events[0].detail: detail 2 is not one of the ticket's 1 overrides");
  t = overridden();
  t.overrides[0].metric.clear();
  EXPECT_EQ(path_of(t), "events[0].metric: the metric is empty");
  t = overridden();
  t.overrides[0].due_at = t.events[0].at;  // due when set: not after it
  EXPECT_EQ(path_of(t),
            "events[0].due_at: the due instant 2026-03-02T10:00:00Z must be after the event's own "
            "(2026-03-02T10:00:00Z)");
  t = overridden();
  t.events[0].name = "note";  // a custom event with no side record
  EXPECT_EQ(path_of(t), "events[0].detail: only a status, an sla_override or a change event has a detail");
  EXPECT_THROW((void)TicketBatch::from_tickets(std::vector<Ticket>{t}), InputError);
}

TEST(EventDetail, AHandBuiltChangeIsChecked) {
  Ticket t = with_custom_event("tag_added");
  EXPECT_EQ(path_of(t), "events[0].detail: detail 1 is not one of the ticket's 0 changes");
  t.changes.push_back({"", std::nullopt});
  EXPECT_EQ(path_of(t), "events[0].tag: the tag is empty");
  t.changes[0].name = "vip";
  EXPECT_EQ(path_of(t), "valid");
}

TEST(EventDetail, TheReaderIndexesOverridesInOrder) {
  const Ticket t = Ticket::from_json(R"({"id": "T-2", "created_at": "2026-03-02T09:00:00Z", "events": [
      {"at": "2026-03-02T09:10:00Z", "type": "agent_reply", "agent": "a"},
      {"at": "2026-03-02T09:20:00Z", "type": "sla_override", "metric": "resolution", "due_at": "2026-03-02T12:00:00Z"},
      {"at": "2026-03-02T09:30:00Z", "type": "sla_override", "metric": "ola", "due_at": "2026-03-02T11:00:00Z"}]})");
  // The reply has none; the overrides are the first and second records, in event order.
  EXPECT_EQ(t.events[0].detail, 0U);
  EXPECT_EQ(t.events[1].detail, 1U);
  EXPECT_EQ(t.events[2].detail, 2U);
  ASSERT_EQ(t.overrides.size(), 2U);
  EXPECT_EQ(t.overrides[1].metric, "ola");
  EXPECT_EQ(t.overrides[1].due_at, at("2026-03-02T11:00:00Z"));
  // Through a batch's columns the ticket comes back the same.
  const Ticket back = TicketBatch::from_tickets(std::vector<Ticket>{t}).ticket(0);
  EXPECT_EQ(back.events[2].detail, 2U);
  ASSERT_EQ(back.overrides.size(), 2U);
  EXPECT_EQ(back.overrides[0].metric, "resolution");
  EXPECT_EQ(back.overrides[0].due_at, at("2026-03-02T12:00:00Z"));
}

}  // namespace
