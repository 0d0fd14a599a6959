#include "sla/sla_timeline_json.hpp"

namespace aftersales::detail {

void write_timeline(JsonWriter& w, const SlaTimeline& timeline) {
  // Each span opens an object with its bounds; the caller adds what else it has and closes it.
  const auto open_span = [&w](Instant from, Instant to) -> JsonWriter& {
    w.begin_object();
    w.key("from").instant(from);
    return w.key("to").instant(to);
  };
  w.key("timeline").begin_object();
  w.key("counted").begin_array();
  for (const SlaCountedSpan& c : timeline.counted) open_span(c.from, c.to).key("business_s").seconds(c.business).end_object();
  w.end_array();
  w.key("paused").begin_array();
  for (const SlaPausedSpan& p : timeline.paused) open_span(p.from, p.to).key("reason").value(p.reason).end_object();
  w.end_array();
  w.key("closed").begin_array();
  for (const SlaClosedSpan& c : timeline.closed) open_span(c.from, c.to).end_object();
  w.end_array();
  w.end_object();
}

}  // namespace aftersales::detail
