#include <aftersales/error.hpp>
#include <aftersales/sla.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <thread>

#include "batch/batch.hpp"
#include "document/json_writer.hpp"
#include "sla/sla_batch.hpp"
#include "sla/sla_evaluate.hpp"
#include "sla/sla_timeline_json.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales {

std::string_view to_string(SlaState state) noexcept {
  constexpr std::array<std::string_view, 4> names{"active", "paused", "achieved", "breached"};
  return names[static_cast<std::size_t>(state)];
}

std::string_view to_string(SlaTicketStatus status) noexcept {
  constexpr std::array<std::string_view, 4> names{"fulfilled", "failed", "active", "active_with_misses"};
  return names[static_cast<std::size_t>(status)];
}

// A batch's reports are most of its bytes (docs/performance.md, "Issues 16-18"): the report's
// one-byte members (priority, status, not_yet_created) share one word after the others.
static_assert(sizeof(SlaReport) == sizeof(std::string) + sizeof(std::optional<std::string>) +
                                       3 * sizeof(std::vector<SlaMetric>) + sizeof(std::optional<Instant>) +
                                       alignof(SlaReport));

double SlaMetric::percent() const noexcept {
  return 100.0 * static_cast<double>(elapsed.count()) / static_cast<double>(target.count());
}

namespace {

// The metrics that breached, by breached_at; ties in report order. On the stack for a report's
// usual few: to_json calls it for every report (BM_SlaReportToJson).
boost::container::small_vector<const SlaMetric*, 8> breached(const std::vector<SlaMetric>& metrics) {
  boost::container::small_vector<const SlaMetric*, 8> out;
  for (const SlaMetric& m : metrics)
    if (m.breached_at) out.push_back(&m);
  // Each metric's cycles breach in order: one metric's (the usual case) are sorted already.
  const auto earlier = [](const SlaMetric* a, const SlaMetric* b) { return *a->breached_at < *b->breached_at; };
  if (!std::is_sorted(out.begin(), out.end(), earlier)) std::stable_sort(out.begin(), out.end(), earlier);
  return out;
}

}  // namespace

std::vector<SlaMiss> SlaReport::misses() const {
  std::vector<SlaMiss> out;
  for (const SlaMetric* m : breached(metrics)) out.push_back({m->metric, m->queue, m->cycle, *m->breached_at});
  return out;
}

std::string SlaReport::to_json() const {
  detail::JsonWriter w;
  w.begin_object();
  w.key("ticket").value(ticket);
  // Only when true: every report of a ticket that existed keeps its JSON of before 0.2.
  if (not_yet_created) w.key("not_yet_created").boolean(true);
  w.key("policy");
  if (policy) w.value(*policy);
  else w.null();
  w.key("priority").value(to_string(priority));
  // Only when a policy applied: a report without one keeps the JSON it had before statuses.
  if (status) w.key("status").value(to_string(*status));
  w.key("metrics").begin_array();
  for (const SlaMetric& m : metrics) {
    w.begin_object();
    w.key("metric").value(m.metric);
    // Only on OLAs and overrides, so that the reports of policies without them stay as they were.
    if (!m.queue.empty()) w.key("queue").value(m.queue);
    w.key("cycle").value(m.cycle);
    w.key("target_s").seconds(m.target);
    w.key("elapsed_s").seconds(m.elapsed);
    w.key("remaining_s").seconds(m.remaining());
    // Hundredths of a percent, exactly: 100 * elapsed / target rounded half away from zero.
    const std::int64_t hundredths = (m.elapsed.count() * 10'000 + m.target.count() / 2) / m.target.count();
    w.key("percent").thousandths(hundredths * 10);
    w.key("started_at").instant(m.started_at);
    w.key("due_at").instant(m.due_at);
    w.key("state").value(to_string(m.state));
    w.key("breached_at").instant(m.breached_at);
    w.key("completed_at").instant(m.completed_at);
    if (m.override_due_at) w.key("override_due_at").instant(m.override_due_at);
    if (!timelines.empty()) detail::write_timeline(w, timelines[static_cast<std::size_t>(&m - metrics.data())]);
    w.end_object();
  }
  w.end_array();
  w.key("escalations").begin_array();
  for (const SlaEscalation& e : escalations) {
    w.begin_object();
    w.key("metric").value(e.metric);
    if (!e.queue.empty()) w.key("queue").value(e.queue);
    w.key("cycle").value(e.cycle);
    w.key("at").value(e.at());
    w.key("action").value(e.action);
    w.key("to");
    if (e.to.empty()) w.null();
    else w.value(e.to);
    w.key("reached_at").instant(e.reached_at);
    // Only with a calendar, so that the reports of policies without one stay as they were.
    if (!e.calendar.empty()) {
      w.key("calendar").value(e.calendar);
      w.key("deliver_at").instant(e.deliver_at);
    }
    w.end_object();
  }
  w.end_array();
  if (status) {
    w.key("misses").begin_array();
    for (const SlaMetric* m : breached(metrics)) {
      w.begin_object();
      w.key("metric").value(m->metric);
      if (!m->queue.empty()) w.key("queue").value(m->queue);  // an OLA's, as on its metric
      w.key("cycle").value(m->cycle);
      w.key("breached_at").instant(m->breached_at);
      w.end_object();
    }
    w.end_array();
  }
  w.key("next_check_at").instant(next_check_at);
  w.end_object();
  return w.take();
}

namespace {

// A batch replays a whole set of tickets at one instant (spec §9, "Replay in batches"): a ticket
// created after it did not exist yet, which its report says, where evaluating that one ticket
// alone is a mistake of the caller's.
SlaReport not_yet_created(std::string_view id, Priority priority) {
  SlaReport report;
  report.ticket = id;
  report.priority = priority;
  report.not_yet_created = true;
  return report;
}

template <class T>
SlaReport replay_in_batch(const detail::SlaRules& rules, const T& ticket, Instant at, const SlaOptions& options = {}) {
  if (at >= ticket.created_at()) return detail::evaluate_sla(rules, ticket, at, options);
  return not_yet_created(ticket.id(), ticket.priority());
}

}  // namespace

SlaReport detail::evaluate_in_batch(const SlaEngine& engine, const Ticket& ticket, Instant at,
                                    const SlaOptions& options) {
  if (at >= ticket.created_at) return engine.evaluate(ticket, at, options);
  return not_yet_created(ticket.id, ticket.priority);
}

SlaReport SlaEngine::evaluate(const Ticket& ticket, Instant at) const {
  return detail::evaluate_sla(*rules_, detail::TicketRef(ticket), at);
}

SlaReport SlaEngine::evaluate(const Ticket& ticket, Instant at, const SlaOptions& options) const {
  return detail::evaluate_sla(*rules_, detail::TicketRef(ticket), at, options);
}

std::vector<SlaReport> SlaEngine::evaluate(std::span<const Ticket> tickets, Instant at, const BatchOptions& options) const {
  return evaluate(tickets, at, options, {});
}

std::vector<SlaReport> SlaEngine::evaluate(std::span<const Ticket> tickets, Instant at, const BatchOptions& options,
                                           const SlaOptions& sla_options) const {
  std::vector<SlaReport> reports(tickets.size());
  batch::for_each(tickets.size(), options, [&](std::size_t i) {
    reports[i] = replay_in_batch(*rules_, detail::TicketRef(tickets[i]), at, sla_options);
  });
  return reports;
}

std::vector<SlaReport> SlaEngine::evaluate(const TicketBatch& batch, Instant at, const BatchOptions& options) const {
  return evaluate(batch, at, options, {});
}

std::vector<SlaReport> SlaEngine::evaluate(const TicketBatch& batch, Instant at, const BatchOptions& options,
                                           const SlaOptions& sla_options) const {
  const detail::TicketColumns& columns = detail::columns_of(batch);
  std::vector<SlaReport> reports(batch.size());
  batch::for_each(batch.size(), options, [&](std::size_t i) {
    reports[i] = replay_in_batch(*rules_, detail::BatchRow(columns, i), at, sla_options);
  });
  return reports;
}

SlaReport SlaEngine::evaluate(const TicketBatch& batch, std::size_t index, Instant at) const {
  return evaluate(batch, index, at, {});
}

SlaReport SlaEngine::evaluate(const TicketBatch& batch, std::size_t index, Instant at, const SlaOptions& options) const {
  detail::require_row(batch, index);
  return replay_in_batch(*rules_, detail::BatchRow(detail::columns_of(batch), index), at, options);
}

std::string SlaEngine::evaluate_lines(std::string_view tickets, Instant at, const BatchOptions& options) const {
  return evaluate_lines(tickets, at, options, {});
}

std::string SlaEngine::evaluate_lines(std::string_view tickets, Instant at, const BatchOptions& options,
                                      const SlaOptions& sla_options) const {
  return batch::map_lines(tickets, options, [&](std::string_view line) {
    return replay_in_batch(*rules_, detail::TicketRef(Ticket::from_json(line)), at, sla_options).to_json();
  });
}

void SlaEngine::evaluate_lines(std::istream& tickets, std::ostream& reports, Instant at,
                               const BatchOptions& options) const {
  evaluate_lines(tickets, reports, at, options, {});
}

void SlaEngine::evaluate_lines(std::istream& tickets, std::ostream& reports, Instant at, const BatchOptions& options,
                               const SlaOptions& sla_options) const {
  batch::map_line_stream(tickets, reports, detail::max_ticket_bytes, options, [&](const batch::Line& line) {
    if (line.oversized != 0) detail::refuse_ticket_size(line.oversized);
    return replay_in_batch(*rules_, detail::TicketRef(Ticket::from_json(line.text)), at, sla_options).to_json();
  });
}

}  // namespace aftersales
