#pragma once
// Helpers shared by the C++ test files.

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/monotonic_resource.hpp>

#include "document/json_reader.hpp"

namespace aftersales::test {

/// Loads a policy holding one calendar, "c", and keeps only the calendar: a Calendar must
/// outlive the Policy it came from.
inline Calendar make_calendar(std::string_view calendar_json) {
  std::string doc = R"({"schema_version": 1, "calendars": {"c": )";
  doc += calendar_json;
  doc += "}}";
  return Policy::from_json(doc)->calendar("c");
}

inline Instant at(std::string_view rfc3339) { return parse_instant(rfc3339); }

/// The JSON parser's own problems with a document (syntax, limits, duplicate keys), before any
/// policy section reads it: every section now checks its keys, so free-form JSON lives here.
inline std::vector<Problem> parse_problems(std::string_view json, const LoadLimits& limits = {}) {
  detail::Problems problems;
  boost::json::monotonic_resource scratch;
  (void)detail::parse_json(json, limits, problems, &scratch);
  try {
    problems.throw_if_any();
  } catch (const PolicyError& e) {
    return e.problems();
  }
  return {};
}

/// The message of the `E` that `make()` throws, or "" when it throws none: for tests that look
/// for a path or a fact in it.
template <class E, class Make>
std::string error_of(Make make) {
  try {
    (void)make();
  } catch (const E& e) {
    return e.what();
  }
  return {};
}

/// An event of `type` at `at` by "A-1" when `first` is true, else by "A-2".
inline Event by_agent(bool first, EventType type, Instant at) {
  Event e = Event::of(type, at);
  e.agent = first ? "A-1" : "A-2";
  return e;
}

/// Ticket "T-1" created at `created` whose events are `rounds` rounds 10 minutes apart, each
/// added by `round(i, start, events)` with round i's start at `created` + 10i minutes.
template <class Round>
Ticket ticket_of_rounds(Instant created, int rounds, Round round) {
  using namespace std::chrono_literals;
  Ticket t;
  t.id = "T-1";
  t.created_at = created;
  for (int i = 0; i < rounds; ++i) round(i, created + i * 10min, t.events);
  return t;
}

/// Pair i is a customer message at `created` + 10i minutes and a public reply 1 minute later
/// by "A-1" (i even) or 3 minutes later by "A-2" (i odd).
inline Ticket alternating_ticket(Instant created, int pairs) {
  using namespace std::chrono_literals;
  return ticket_of_rounds(created, pairs, [](int i, Instant start, std::vector<Event>& events) {
    events.push_back(Event::of(EventType::customer_message, start));
    events.push_back(by_agent(i % 2 == 0, EventType::agent_reply, start + (i % 2 ? 3min : 1min)));
  });
}

/// Round i assigns the ticket to "A-1" (i even) or "A-2" (i odd) at `created` + 10i minutes,
/// resolves it 7 minutes later and reopens it 3 minutes after that.
inline Ticket reopening_ticket(Instant created, int rounds) {
  using namespace std::chrono_literals;
  return ticket_of_rounds(created, rounds, [](int i, Instant start, std::vector<Event>& events) {
    events.push_back(by_agent(i % 2 == 0, EventType::assigned, start));
    events.push_back(Event::of(EventType::resolved, start + 7min));
    events.push_back(Event::of(EventType::reopened, start + 10min));
  });
}

/// An SLA engine for the `sla` section `sla` of a policy whose one calendar is "always" (UTC,
/// 24x7: business time is wall time).
inline SlaEngine engine(std::string_view sla) {
  return SlaEngine(Policy::from_json(
      R"({"schema_version": 1, "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}}, "sla": )" +
      std::string(sla) + "}"));
}

/// "09:10" of an instant (UTC).
inline std::string hhmm(Instant t) { return format_instant(t).substr(11, 5); }

/// "09:10" on ticket()'s day, Monday 2 March 2026 (UTC).
inline Instant on_march_2(std::string_view hhmm) { return parse_instant("2026-03-02T" + std::string(hhmm) + ":00Z"); }

/// An event of ticket(): at "09:10" on Monday 2 March 2026 (UTC), of `type`, with more members.
struct E {
  std::string_view when, type, extra;
};

/// Ticket `id` created on `day` (by default Monday 2 March 2026) at 09:00Z, with `extra` members
/// (none when empty) and `events` at times of that day.
inline Ticket ticket(std::initializer_list<E> events, std::string_view extra = R"("channel": "chat")",
                     std::string_view day = "2026-03-02", std::string_view id = "T-1") {
  std::string json = R"({"id": ")" + std::string(id) + R"(", "created_at": ")" + std::string(day) + R"(T09:00:00Z", )";
  if (!extra.empty()) json += std::string(extra) + ", ";
  json += R"("events": [)";
  bool first = true;
  for (const E& e : events) {
    json += first ? "" : ", ";
    first = false;
    json += R"({"at": ")" + std::string(day) + "T" + std::string(e.when) + R"(:00Z", "type": ")" + std::string(e.type) + "\"";
    if (!e.extra.empty()) json += ", " + std::string(e.extra);
    json += "}";
  }
  return Ticket::from_json(json + "]}");
}

}  // namespace aftersales::test
