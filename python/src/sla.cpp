// SLA evaluation from Python: report objects, and the SlaEngine that makes them. Tickets come
// in as dicts of the spec §3 JSON shape, read by the library's ticket reader (ticket_dict.hpp),
// so a dict is validated exactly like JSON text and its problems carry the same paths.

#include "bindings.hpp"
#include "convert.hpp"
#include "file_stream.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "progress.hpp"
#include "ticket_batch.hpp"
#include "ticket_dict.hpp"

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>

#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/batch.hpp"
#include "sla/sla_batch.hpp"

namespace aftersales::python {

namespace py = pybind11;

namespace {

using PythonSlaEngine = WithPolicy<SlaEngine>;

SlaReport evaluate(const PythonSlaEngine& engine, py::handle ticket, Instant at, bool explain) {
  const Ticket read = TicketDictReader().read(ticket);
  const py::gil_scoped_release release;
  return engine.evaluate(read, at, {.explain = explain});
}

// Each row through the batch's rule: a ticket not yet created gets a report saying so.
SlaReport evaluate_row(const SlaEngine& engine, const TicketRows& rows, std::size_t j, Instant at,
                       const SlaOptions& options) {
  return detail::evaluate_in_batch(engine, rows.tickets[j], at, options);
}

SlaReport evaluate_row(const SlaEngine& engine, const BatchRows& rows, std::size_t j, Instant at,
                       const SlaOptions& options) {
  return engine.evaluate(rows.batch, j, at, options);
}

// The reports are made on the threads straight into the objects Python will own (pybind11 takes
// a unique_ptr without copying or moving the report). Wrapping them needs the GIL, which only the
// calling thread takes. On several threads it wraps each chunk of reports as soon as it and those
// before it are made (batch::for_each_folded), while the other threads still evaluate, so that
// wrapping is not a serial tail after the batch (docs/threading.md, "What limits two threads").
// Alone, it wraps them all after the batch: interleaving evaluating and wrapping on one thread
// cost 10-15% more (measured: 0.21 s against 0.18 s for 100,000 reports).
py::list evaluate_many(const PythonSlaEngine& engine, py::handle tickets, Instant at, unsigned threads,
                       py::handle progress, bool explain) {
  const SlaOptions options{.explain = explain};
  const BatchProgress report = python_progress(progress, "SlaEngine.evaluate_many");
  py::list wrapped;
  for_each_ticket_chunk(tickets, report, [&](std::size_t begin, const auto& chunk, batch::Progress& counted) {
    std::vector<std::unique_ptr<SlaReport>> reports(chunk.size());
    // The batch module's rule (the earliest failing ticket) over the whole chunk; each error
    // names its ticket's index in the whole list.
    const auto evaluate = [&](std::size_t j) {
      reports[j] = std::make_unique<SlaReport>(
          at_ticket(begin + j, [&] { return evaluate_row(engine, chunk, j, at, options); }));
    };
    const auto wrap = [&](std::size_t k) {
      const py::gil_scoped_acquire gil;
      const std::size_t end = std::min(chunk.size(), (k + 1) * batch::item_chunk);
      for (std::size_t j = k * batch::item_chunk; j < end; ++j) wrapped.append(py::cast(std::move(reports[j])));
    };
    if (batch::thread_count(threads) > 1) {
      batch::for_each_folded(chunk.size(), threads, batch::item_chunk, counted, evaluate, wrap);
      return;
    }
    batch::for_each(chunk.size(), 1, counted, evaluate);
    for (std::size_t k = 0; k * batch::item_chunk < chunk.size(); ++k) wrap(k);
  });
  return wrapped;
}

std::string evaluate_lines(const PythonSlaEngine& engine, py::handle jsonl, Instant at, unsigned threads,
                           std::size_t first_line, py::handle progress, bool explain) {
  // A view into `jsonl`, which the caller's reference keeps alive while the GIL is released.
  const std::string_view text = json_lines_text(jsonl, "SlaEngine.evaluate_lines");
  const BatchProgress report = python_progress(progress, "SlaEngine.evaluate_lines");
  const py::gil_scoped_release release;
  return engine.evaluate_lines(text, at, {.threads = threads, .first_line = first_line, .progress = report},
                               {.explain = explain});
}

void evaluate_file(const PythonSlaEngine& engine, py::handle tickets, py::handle reports, Instant at, unsigned threads,
                   py::handle progress, std::size_t block_bytes, bool explain) {
  CallerFile in(tickets, std::ios::in, "SlaEngine.evaluate_file", "tickets");
  CallerFile out(reports, std::ios::out | std::ios::trunc, "SlaEngine.evaluate_file", "reports");
  const BatchProgress report = python_progress(progress, "SlaEngine.evaluate_file");
  const py::gil_scoped_release release;
  engine.evaluate_lines(in.stream(), out.stream(), at,
                        {.threads = threads, .progress = report, .block_bytes = block_bytes},
                        {.explain = explain});
}

std::optional<std::string> escalation_to(const SlaEscalation& escalation) { return optional_text(escalation.to); }

std::optional<std::string> escalation_calendar(const SlaEscalation& escalation) {
  return optional_text(escalation.calendar);
}

std::string quoted(const std::string& text) { return py::repr(py::str(text)).cast<std::string>(); }

std::string metric_repr(const SlaMetric& metric) {
  return "<aftersales.SlaMetric " + quoted(metric.metric) + " cycle=" + std::to_string(metric.cycle) + " " +
         std::string(to_string(metric.state)) + ">";
}

std::string escalation_repr(const SlaEscalation& escalation) {
  return "<aftersales.SlaEscalation " + quoted(escalation.metric) + " cycle=" + std::to_string(escalation.cycle) +
         " " + escalation.at() + " " + quoted(escalation.action) + ">";
}

std::string report_repr(const SlaReport& report) {
  if (report.not_yet_created)
    return "<aftersales.SlaReport ticket=" + quoted(report.ticket) + " not_yet_created=True>";
  return "<aftersales.SlaReport ticket=" + quoted(report.ticket) +
         " policy=" + (report.policy ? quoted(*report.policy) : std::string("None")) + " priority=" +
         std::string(to_string(report.priority)) + " metrics=" + std::to_string(report.metrics.size()) +
         " escalations=" + std::to_string(report.escalations.size()) + ">";
}

void bind_metric(py::module_& m) {
  py::class_<SlaMetric> metric_class(m, "SlaMetric",
                        "One instance of one SLA metric in a report (next_response and "
                        "periodic_update have one per cycle). Read-only.");
  pickle_as_members<SlaMetric>(m, metric_class, "SlaMetric");
  metric_class.def_readonly("metric", &SlaMetric::metric, "'first_response', ..., or a custom metric's name.")
      .def_readonly("cycle", &SlaMetric::cycle, "0-based cycle number.")
      .def_readonly("target", &SlaMetric::target, "The target for the ticket's current priority.")
      .def_readonly("elapsed", &SlaMetric::elapsed,
                    "Time the clock has run: business time on the target's calendar.")
      .def_property_readonly("remaining", &SlaMetric::remaining, "target - elapsed; negative once breached.")
      .def_property_readonly("percent", &SlaMetric::percent,
                             "100 * elapsed / target, unrounded (to_dict() has it to 2 decimals).")
      .def_readonly("started_at", &SlaMetric::started_at)
      .def_readonly("due_at", &SlaMetric::due_at,
                    "When the clock reaches its target if nothing changes; None while paused or "
                    "once completed.")
      .def_readonly("breached_at", &SlaMetric::breached_at, "When the clock reached its target, or None.")
      .def_readonly("completed_at", &SlaMetric::completed_at, "When the stop event came, or None.")
      .def_property_readonly(
          "state", [](const SlaMetric& metric) { return to_string(metric.state); },
          "'active', 'paused', 'achieved' or 'breached' (which it stays after completing).")
      .def_property_readonly("queue", [](const SlaMetric& metric) { return optional_text(metric.queue); },
                             "An OLA's queue (metric 'ola'), or None.")
      .def_readonly("override_due_at", &SlaMetric::override_due_at,
                    "The due instant an sla_override event set, or None (docs/sla.md, \"Overrides\").")
      .def("__repr__", &metric_repr);
}

void bind_escalation(py::module_& m) {
  py::class_<SlaEscalation> escalation(m, "SlaEscalation",
                            "An escalation threshold of the SLA policy that a metric's clock has reached.");
  pickle_as_members<SlaEscalation>(m, escalation, "SlaEscalation");
  escalation.def_readonly("metric", &SlaEscalation::metric)
      .def_readonly("cycle", &SlaEscalation::cycle)
      .def_property_readonly("at", &SlaEscalation::at, "The threshold as the policy writes it: \"80%\", \"-15m\", \"+1h\".")
      .def_readonly("percent", &SlaEscalation::percent, "A percentage threshold: 80 for \"80%\"; 0 for an offset.")
      .def_readonly("offset", &SlaEscalation::offset,
                    "An offset threshold from the due instant, in the metric's business time: -15 minutes for "
                    "\"-15m\"; None for a percentage.")
      .def_readonly("action", &SlaEscalation::action)
      .def_property_readonly("to", &escalation_to, "Whom the threshold names, or None.")
      .def_readonly("reached_at", &SlaEscalation::reached_at)
      .def_property_readonly("calendar", &escalation_calendar,
                             "The calendar it is delivered on (a team lead's hours), or None.")
      .def_readonly("deliver_at", &SlaEscalation::deliver_at,
                    "reached_at, or with a calendar closed then, the calendar's next opening.")
      .def_property_readonly("queue", [](const SlaEscalation& e) { return optional_text(e.queue); },
                             "An OLA's queue, or None.")
      .def("__repr__", &escalation_repr);
}

std::string miss_repr(const SlaMiss& miss) {
  return "<aftersales.SlaMiss " + quoted(miss.metric) + " cycle=" + std::to_string(miss.cycle) + " breached_at=" +
         format_instant(miss.breached_at) + ">";
}

void bind_miss(py::module_& m) {
  py::class_<SlaMiss> miss(m, "SlaMiss",
                           "A metric instance's breach as an event: notify the misses whose breached_at "
                           "lies after the instant last evaluated (docs/sla.md, \"Misses\").");
  pickle_as_members<SlaMiss>(m, miss, "SlaMiss");
  miss.def_readonly("metric", &SlaMiss::metric)
      .def_readonly("cycle", &SlaMiss::cycle)
      .def_readonly("breached_at", &SlaMiss::breached_at)
      .def_property_readonly("queue", [](const SlaMiss& self) { return optional_text(self.queue); },
                             "An OLA's queue, or None.")
      .def("__repr__", &miss_repr);
}

std::optional<std::string_view> ticket_status(const SlaReport& report) {
  if (!report.status) return std::nullopt;
  return to_string(*report.status);
}

void bind_report(py::module_& m) {
  py::class_<SlaReport> report_class(m, "SlaReport",
                        "Where every SLA clock of a ticket stands at an instant. Read-only; "
                        "datetimes are aware UTC, durations timedelta.");
  pickle_as_members<SlaReport>(m, report_class, "SlaReport");
  report_class.def_readonly("ticket", &SlaReport::ticket, "The ticket's id.")
      .def_readonly("policy", &SlaReport::policy, "The id of the SLA policy that applied, or None.")
      .def_property_readonly(
          "priority", [](const SlaReport& report) { return to_string(report.priority); },
          "The ticket's priority at the instant evaluated.")
      .def_readonly("metrics", &SlaReport::metrics,
                    "By metric (built-ins first, then custom ones as defined), then cycle.")
      .def_readonly("escalations", &SlaReport::escalations, "Thresholds reached, by reached_at.")
      .def_readonly("next_check_at", &SlaReport::next_check_at,
                    "The earliest later instant at which a state or escalation changes by "
                    "itself, or None: when to evaluate again if no event arrives.")
      .def_property_readonly("status", &ticket_status,
                             "The ticket's SLA status: 'fulfilled', 'failed', 'active' or "
                             "'active_with_misses'; None when no policy applied.")
      .def_property_readonly("misses", &SlaReport::misses,
                             "Every breach of a reported metric instance, by breached_at (made on each read).")
      .def_readonly("not_yet_created", &SlaReport::not_yet_created,
                    "True only in a batch (evaluate_many, evaluate_lines) for a ticket created "
                    "after `at`: it did not exist yet, so the report has no policy, metrics or "
                    "escalations.")
      .def("to_json", &SlaReport::to_json, "The report as JSON text (spec §4), as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<SlaReport>, "json.loads(self.to_json()).")
      .def("__repr__", &report_repr);
}

void bind_engine(py::module_& m) {
  py::class_<PythonSlaEngine> engine(m, "SlaEngine",
                                     "The SLA clocks of a policy's tickets. Keeps the policy alive; immutable, so "
                                     "share it freely across threads. Pickles as its policy.");
  pickle_as_policy(engine);
  engine.def(py::init<const std::shared_ptr<Policy>&>(), py::arg("policy").none(false))
      .def("evaluate", &evaluate, py::arg("ticket"), py::arg("at"), py::kw_only(), py::arg("explain") = false,
           "Every SLA clock of `ticket` (a dict of the ticket JSON shape, instants as RFC 3339 "
           "text, epoch milliseconds or aware datetimes) as of the aware datetime `at`; events "
           "after `at` are ignored. Raises InputError naming the path of a problem in the "
           "ticket, or if `at` is before the ticket was created. `explain`: each metric of "
           "to_dict()/to_json() carries its \"timeline\" (counted, paused and closed stretches; "
           "docs/sla.md, \"The timeline: explain\"); every call below takes it too.")
      .def("evaluate_many", &evaluate_many, py::arg("tickets"), py::arg("at"), py::arg("threads") = 0,
           py::kw_only(), py::arg("progress") = py::none(), py::arg("explain") = false,
           "evaluate for each ticket dict, or each ticket of a TicketBatch (read once, "
           "evaluated without reading dicts again), on up to `threads` threads (0: one per "
           "core) with the GIL released; reports in input order. A ticket created after `at` "
           "gets a report with not_yet_created True instead of an error. Raises for the first "
           "ticket (in input order) that fails, its index in the path: 'tickets[7].events[2].at'. "
           "`progress`: called as progress(done, total) in tickets, throttled; what it raises "
           "stops the batch (docs/threading.md, \"Progress\").")
      .def("evaluate_lines", &evaluate_lines, py::arg("jsonl"), py::arg("at"), py::arg("threads") = 0,
           py::kw_only(), py::arg("first_line") = 1, py::arg("progress") = py::none(), py::arg("explain") = false,
           "evaluate over JSON Lines (str or bytes): one ticket per line in, one report "
           "JSON per line out, same order, blank lines skipped; a ticket created after `at` "
           "gives a report with \"not_yet_created\": true. A bad line gives "
           "{\"line\": N, \"error\": \"...\"} and the batch goes on; N counts lines, blank ones "
           "included, from `first_line` (the number of the text's first line in its file). Runs "
           "on up to `threads` threads with the GIL released; `progress` as for evaluate_many, in "
           "non-blank lines.")
      .def("evaluate_file", &evaluate_file, py::arg("tickets"), py::arg("reports"), py::arg("at"),
           py::arg("threads") = 0, py::kw_only(), py::arg("progress") = py::none(),
           py::arg("block_bytes") = BatchOptions{}.block_bytes, py::arg("explain") = false,
           "evaluate_lines over a file of any size, in bounded memory: `tickets` (a path, or a "
           "binary file object such as sys.stdin.buffer) is read `block_bytes` (16 MiB) at a time and each "
           "block's reports are written to `reports` (a path, truncated, or a binary file object) "
           "before the next is read; what is written equals evaluate_lines on the whole text, "
           "lines numbered through the whole file. `progress`: progress(done, total) in bytes of "
           "`tickets`, total its size (0 while unknown: a pipe, a file object), throttled; what "
           "it raises (Ctrl-C's KeyboardInterrupt too) stops the call.");
}

}  // namespace

void bind_sla(py::module_& m) {
  bind_metric(m);
  bind_escalation(m);
  bind_miss(m);
  bind_report(m);
  bind_engine(m);
}

}  // namespace aftersales::python
