// KPIs, scorecards and staffing from Python. Ticket dicts are read by the library's ticket reader
// (as for SlaEngine.evaluate_many), then counted on all cores without the GIL.

#include "bindings.hpp"
#include "convert.hpp"
#include "file_stream.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "progress.hpp"
#include "ticket_batch.hpp"
#include "ticket_dict.hpp"

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/staffing.hpp>

#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kpi/kpi_batch.hpp"

namespace aftersales::python {

namespace py = pybind11;

namespace {

std::vector<KpiDimension> dimensions(const std::vector<std::string>& names) {
  std::vector<KpiDimension> list;
  for (const std::string& name : names) list.push_back(kpi_dimension(name));
  return list;
}

KpiOptions options_of(const std::vector<std::string>& group_by, const std::optional<std::string>& time_zone) {
  return {dimensions(group_by), time_zone.value_or("")};
}

KpiOrders orders_of(const py::object& orders) {
  KpiOrders result;
  if (orders.is_none()) return result;
  if (py::isinstance<py::dict>(orders)) {
    for (const auto& [day, count] : orders.cast<py::dict>())
      result.by_day.emplace(day.cast<std::string>(), count.cast<std::int64_t>());
  } else {
    result.total = orders.cast<std::int64_t>();
  }
  return result;
}

// Compensation records as dicts (a CompensationDecision's dict will do: other keys are ignored).
std::vector<KpiCompensation> compensations_of(const py::object& records) {
  std::vector<KpiCompensation> list;
  if (records.is_none()) return list;
  for (const py::handle record : records) {
    const std::string path = "compensations[" + std::to_string(list.size()) + "]";
    const auto text = [&](const char* key) {
      const py::object value = py::isinstance<py::dict>(record) ? record.cast<py::dict>().attr("get")(key) : py::none();
      if (!py::isinstance<py::str>(value))
        throw InputError(std::string("a compensation record is a dict with \"") + key + "\" a string", path + "." + key);
      return value.cast<std::string>();
    };
    std::string ticket = text("ticket");
    try {
      const Currency code = currency(text("currency"));
      list.push_back({std::move(ticket), Money::parse(text("total"), code)});
    } catch (const InputError& e) {
      if (!e.path().empty()) throw;
      throw InputError(e.what(), path);
    }
  }
  return list;
}

// Adds tickets (dicts, read a chunk at a time with the GIL held, or a TicketBatch) to `target`:
// counted on up to `threads` threads without the GIL, as KpiEngine::compute_lines counts them.
void add_row(KpiAccumulator& part, const TicketRows& rows, std::size_t j, Instant at) { part.add(rows.tickets[j], at); }

void add_row(KpiAccumulator& part, const BatchRows& rows, std::size_t j, Instant at) { part.add(rows.batch, j, at); }

void add_tickets(KpiAccumulator& target, py::handle tickets, Instant at, unsigned threads, const BatchProgress& progress) {
  for_each_ticket_chunk(tickets, progress, [&](std::size_t begin, const auto& chunk, batch::Progress& counted) {
    target.merge(detail::add_sliced(target, chunk.size(), threads, counted, [&](KpiAccumulator& part, std::size_t j) {
      at_ticket(begin + j, [&] { add_row(part, chunk, j, at); });
    }));
  });
}

void add_many(KpiAccumulator& target, py::handle tickets, Instant at, unsigned threads, py::handle progress) {
  add_tickets(target, tickets, at, threads, python_progress(progress, "KpiAccumulator.add_many"));
}

// Python's KpiEngine: the C++ engine, and its policy for the accumulators that count ticket dicts
// a chunk at a time (a million dicts are never all read into tickets at once).
struct PythonKpiEngine {
  KpiEngine engine;
  std::shared_ptr<const Policy> policy;
};

// An accumulator with its policy: it pickles as the policy and its state JSON.
using PythonKpiAccumulator = WithPolicy<KpiAccumulator>;

PythonKpiAccumulator accumulator_from_json(const std::shared_ptr<Policy>& policy, const std::string& text) {
  return {KpiAccumulator::from_json(policy, text), policy};
}

PythonKpiEngine make_engine(const std::shared_ptr<Policy>& policy) { return {KpiEngine(policy), policy}; }

KpiResult compute(const PythonKpiEngine& kpi, py::handle tickets, Instant at, const std::vector<std::string>& group_by,
                  const std::optional<std::string>& time_zone, const py::object& orders, unsigned threads,
                  py::handle progress, const py::object& compensations) {
  const BatchProgress report = python_progress(progress, "KpiEngine.compute");
  KpiAccumulator accumulator(kpi.policy, options_of(group_by, time_zone), compensations_of(compensations));
  add_tickets(accumulator, tickets, at, threads, report);
  return accumulator.result(orders_of(orders));
}

KpiResult compute_lines(const PythonKpiEngine& kpi, const py::bytes& jsonl, Instant at,
                        const std::vector<std::string>& group_by, const std::optional<std::string>& time_zone,
                        const py::object& orders, unsigned threads, std::size_t first_line, py::handle progress,
                        const py::object& compensations) {
  const auto options = options_of(group_by, time_zone);
  auto counts = orders_of(orders);
  counts.compensations = compensations_of(compensations);
  const BatchProgress report = python_progress(progress, "KpiEngine.compute_lines");
  // A view into `jsonl`, which the caller's reference keeps alive while the GIL is released.
  const std::string_view text(PyBytes_AS_STRING(jsonl.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(jsonl.ptr())));
  const py::gil_scoped_release release;
  return kpi.engine.compute_lines(text, at, options, counts,
                                  {.threads = threads, .first_line = first_line, .progress = report});
}

KpiResult compute_file(const PythonKpiEngine& kpi, py::handle tickets, Instant at,
                       const std::vector<std::string>& group_by, const std::optional<std::string>& time_zone,
                       const py::object& orders, unsigned threads, py::handle progress, std::size_t block_bytes,
                       const py::object& compensations) {
  const auto options = options_of(group_by, time_zone);
  auto counts = orders_of(orders);
  counts.compensations = compensations_of(compensations);
  CallerFile in(tickets, std::ios::in, "KpiEngine.compute_file", "tickets");
  const BatchProgress report = python_progress(progress, "KpiEngine.compute_file");
  const py::gil_scoped_release release;
  return kpi.engine.compute_lines(in.stream(), at, options, counts,
                                  {.threads = threads, .progress = report, .block_bytes = block_bytes});
}

ScorecardResult score_kpis(const PythonKpiEngine& kpi, const std::string& id, const KpiResult& kpis,
                           const std::vector<std::string>& rank_within) {
  const auto within = dimensions(rank_within);
  return kpi.engine.score(id, kpis, within);
}

py::object frame(const char* builder, const std::string& json) {
  return py::module_::import("aftersales._frames").attr(builder)(json_loads(json));
}

py::dict group_key(const std::vector<KpiDimension>& group_by, const std::vector<std::optional<std::string>>& key) {
  py::dict d;
  for (std::size_t i = 0; i < group_by.size(); ++i) d[py::str(to_string(group_by[i]))] = py::cast(key[i]);
  return d;
}

void bind_results(py::module_& m) {
  py::class_<KpiResult> kpis(m, "KpiResult", "KPIs per group (docs/kpi.md). Read-only.");
  pickle_as_members<KpiResult>(m, kpis, "KpiResult");
  kpis.def_property_readonly("group_by",
                             [](const KpiResult& r) {
                               std::vector<std::string> names;
                               for (const KpiDimension& d : r.group_by) names.emplace_back(to_string(d));
                               return names;
                             })
      .def_readonly("time_zone", &KpiResult::time_zone,
                    "The IANA zone days, hours, weeks and months were read in; None without a time dimension.")
      .def_property_readonly("groups", [](const KpiResult& r) -> py::object { return json_loads(r.to_json())["groups"]; },
                             "The groups as dicts (key, tickets, resolved, ..., sorted by key).")
      .def_readonly("not_yet_created", &KpiResult::not_yet_created,
                    "Tickets left out because they were created after `at`: they did not exist yet.")
      .def(
          "metric",
          [](const KpiResult& r, const py::dict& key, const std::string& name) -> std::optional<double> {
            for (const KpiGroup& g : r.groups)
              if (group_key(r.group_by, g.key).equal(key)) return g.metric(name);
            throw py::key_error("no group with the key " + py::repr(key).cast<std::string>());
          },
          py::arg("key"), py::arg("name"),
          "One metric of the group with `key` (e.g. {'agent': 'A-7'}) by its scorecard name "
          "('csat', 'first_response_s.p50', 'sla.resolution.rate'); None when it has no data.")
      .def("to_json", &KpiResult::to_json, "The result as JSON text, as the C ABI gives it.")
      .def("to_dict", &to_dict<KpiResult>, "json.loads(self.to_json()).")
      .def("to_pandas", [](const KpiResult& r) { return frame("kpi_frame", r.to_json()); },
           "A pandas DataFrame, one row per group, the key as the index and nested metrics "
           "flattened ('first_response_s.p50', 'sla.resolution.rate'). Imports pandas.")
      .def("to_arrow", [](const KpiResult& r) { return frame("kpi_table", r.to_json()); },
           "to_pandas()'s rows as a pyarrow Table, the key members as its first columns. Imports pyarrow.")
      .def("__len__", [](const KpiResult& r) { return r.groups.size(); })
      .def("__repr__", [](const KpiResult& r) {
        return "<aftersales.KpiResult groups=" + std::to_string(r.groups.size()) +
               " not_yet_created=" + std::to_string(r.not_yet_created) + ">";
      });

  py::class_<ScorecardResult> scorecard(m, "ScorecardResult", "Scores, stars and ranks per group (docs/kpi.md).");
  pickle_as_members<ScorecardResult>(m, scorecard, "ScorecardResult");
  scorecard.def_readonly("scorecard", &ScorecardResult::scorecard)
      .def_property_readonly("rows", [](const ScorecardResult& r) -> py::object { return json_loads(r.to_json())["rows"]; },
                             "One dict per KPI group: key, score (0-100 or None), stars, rank, metrics.")
      .def("to_json", &ScorecardResult::to_json)
      .def("to_dict", &to_dict<ScorecardResult>)
      .def("to_pandas", [](const ScorecardResult& r) { return frame("scorecard_frame", r.to_json()); },
           "A pandas DataFrame, one row per group, the key as the index. Imports pandas.")
      .def("to_arrow", [](const ScorecardResult& r) { return frame("scorecard_table", r.to_json()); },
           "to_pandas()'s rows as a pyarrow Table. Imports pyarrow.")
      .def("__repr__", [](const ScorecardResult& r) {
        return "<aftersales.ScorecardResult " + py::repr(py::str(r.scorecard)).cast<std::string>() +
               " rows=" + std::to_string(r.rows.size()) + ">";
      });
}

void bind_accumulator(py::module_& m) {
  m.def("_unpickle_KpiAccumulator", &accumulator_from_json);
  py::class_<PythonKpiAccumulator> accumulator(
      m, "KpiAccumulator",
      "Mergeable KPI state for map/reduce jobs: add tickets, merge partials, ship them as JSON. One thread at "
      "a time per accumulator. Pickles as its policy and its state JSON.");
  pickle_as_policy_and(accumulator, "_unpickle_KpiAccumulator",
                       [](const PythonKpiAccumulator& a) { return a.to_json(); });
  accumulator
      .def(py::init([](const std::shared_ptr<Policy>& policy, const std::vector<std::string>& group_by,
                       const std::optional<std::string>& time_zone) {
             return PythonKpiAccumulator(policy, options_of(group_by, time_zone));
           }),
           py::arg("policy").none(false), py::arg("group_by") = std::vector<std::string>{}, py::arg("time_zone") = py::none())
      .def(
          "add",
          [](PythonKpiAccumulator& a, py::handle ticket, Instant at, const SlaReport* sla) {
            const Ticket read = TicketDictReader().read(ticket);
            const py::gil_scoped_release release;
            if (sla != nullptr) a.add(read, at, *sla);
            else a.add(read, at);
          },
          py::arg("ticket"), py::arg("at"), py::arg("sla") = py::none(),
          "Adds one ticket dict as it stood at `at`; one created after `at` is left out and counted in "
          "the result's not_yet_created. `sla`: its report from `SlaEngine(policy).evaluate(ticket, at)`, "
          "if the caller has it (the SLA is then not evaluated again).")
      .def("add_many",
           [](PythonKpiAccumulator& a, py::handle tickets, Instant at, unsigned threads, py::handle progress) {
             add_many(a, tickets, at, threads, progress);
           },
           py::arg("tickets"), py::arg("at"), py::arg("threads") = 0, py::kw_only(), py::arg("progress") = py::none(),
           "Adds ticket dicts, or a TicketBatch, on up to `threads` threads (0: one per core) with "
           "the GIL released. `progress`: called as progress(done, total) in tickets, throttled; "
           "what it raises stops the call (docs/threading.md, \"Progress\").")
      .def(
          "merge", [](PythonKpiAccumulator& a, const PythonKpiAccumulator& other) { a.merge(other); },
          py::arg("other"),
           "Adds everything `other` holds, or nothing: RangeError if a count would pass 2^63 - 1.")
      .def("to_json", &KpiAccumulator::to_json, "The partial state as JSON text.")
      .def_static("from_json", &accumulator_from_json, py::arg("policy").none(false), py::arg("text"),
                  "Reads a partial state written by to_json.")
      .def(
          "result", [](const PythonKpiAccumulator& a, const py::object& orders) { return a.result(orders_of(orders)); },
          py::arg("orders") = py::none(),
          "The KPIs so far; `orders` (an int, or a dict of day -> count) feeds complaint_rate.");
}

void bind_staffing(py::module_& m) {
  py::class_<StaffingResult> staffing(m, "StaffingResult",
                                     "How a queue performs with a number of agents (docs/staffing.md).");
  pickle_as_members<StaffingResult>(m, staffing, "StaffingResult");
  staffing.def_readonly("agents", &StaffingResult::agents)
      .def_readonly("scheduled", &StaffingResult::scheduled, "agents grossed up for shrinkage")
      .def_readonly("traffic", &StaffingResult::traffic, "offered load in Erlangs")
      .def_readonly("service_level", &StaffingResult::service_level)
      .def_readonly("probability_wait", &StaffingResult::probability_wait)
      .def_readonly("asa_s", &StaffingResult::asa_s, "average speed of answer, seconds")
      .def_readonly("occupancy", &StaffingResult::occupancy)
      .def_readonly("abandonment", &StaffingResult::abandonment, "Erlang A: share that abandon")
      .def("to_dict",
           [](const StaffingResult& r) {
             return py::dict(py::arg("agents") = r.agents, py::arg("scheduled") = r.scheduled,
                             py::arg("traffic") = r.traffic, py::arg("service_level") = r.service_level,
                             py::arg("probability_wait") = r.probability_wait, py::arg("asa_s") = r.asa_s,
                             py::arg("occupancy") = r.occupancy, py::arg("abandonment") = r.abandonment);
           })
      .def("__repr__", [](const StaffingResult& r) {
        return "<aftersales.StaffingResult agents=" + std::to_string(r.agents) +
               " service_level=" + py::repr(py::float_(r.service_level)).cast<std::string>() + ">";
      });
  // The one set of defaults (QueueLoad's and ServiceGoal's), read by the Python functions and so by
  // the CLI, which passes only what it is given: restating them in Python is how they drifted apart.
  const QueueLoad load;
  const ServiceGoal goal;
  m.attr("STAFFING_DEFAULTS") =
      py::dict(py::arg("interval_s") = load.interval_s, py::arg("aht_s") = load.aht_s,
               py::arg("answer_time_s") = goal.answer_time_s, py::arg("service_level") = goal.service_level,
               py::arg("max_occupancy") = goal.max_occupancy, py::arg("shrinkage") = goal.shrinkage);
  m.def(
      "erlang_c",
      [](double contacts, double interval_s, double aht_s, int agents, double answer_time_s) {
        return erlang_c({contacts, interval_s, aht_s}, agents, answer_time_s);
      },
      py::arg("contacts"), py::arg("interval_s"), py::arg("aht_s"), py::arg("agents"), py::arg("answer_time_s"));
  m.def(
      "erlang_c_required",
      [](double contacts, double interval_s, double aht_s, double answer_time_s, double service_level,
         double max_occupancy, double shrinkage) {
        return erlang_c_required({contacts, interval_s, aht_s}, {answer_time_s, service_level, max_occupancy, shrinkage});
      },
      py::arg("contacts"), py::arg("interval_s"), py::arg("aht_s"), py::arg("answer_time_s"), py::arg("service_level"),
      py::arg("max_occupancy"), py::arg("shrinkage"));
  m.def(
      "erlang_a",
      [](double contacts, double interval_s, double aht_s, double patience_s, int agents, double answer_time_s) {
        return erlang_a({contacts, interval_s, aht_s, patience_s}, agents, answer_time_s);
      },
      py::arg("contacts"), py::arg("interval_s"), py::arg("aht_s"), py::arg("patience_s"), py::arg("agents"),
      py::arg("answer_time_s"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "erlang_a_required",
      [](double contacts, double interval_s, double aht_s, double patience_s, double answer_time_s,
         double service_level, double max_occupancy, double shrinkage) {
        return erlang_a_required({contacts, interval_s, aht_s, patience_s},
                                 {answer_time_s, service_level, max_occupancy, shrinkage});
      },
      py::arg("contacts"), py::arg("interval_s"), py::arg("aht_s"), py::arg("patience_s"), py::arg("answer_time_s"),
      py::arg("service_level"), py::arg("max_occupancy"), py::arg("shrinkage"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "staffing_plan",
      [](double daily_orders, double contact_rate, const std::vector<double>& profile, double interval_s, double aht_s,
         double patience_s, double answer_time_s, double service_level, double max_occupancy, double shrinkage) {
        const StaffingPlanInput input{daily_orders, contact_rate, profile, interval_s, aht_s, patience_s,
                                      {answer_time_s, service_level, max_occupancy, shrinkage}};
        const py::gil_scoped_release release;
        std::vector<std::tuple<double, double, StaffingResult>> rows;
        for (const StaffingPlanRow& row : staffing_plan(input)) rows.emplace_back(row.start_s, row.contacts, row.staffing);
        return rows;
      },
      py::arg("daily_orders"), py::arg("contact_rate"), py::arg("profile"), py::arg("interval_s"), py::arg("aht_s"),
      py::arg("patience_s"), py::arg("answer_time_s"), py::arg("service_level"), py::arg("max_occupancy"),
      py::arg("shrinkage"));
}

}  // namespace

void bind_kpi(py::module_& m) {
  bind_results(m);
  bind_accumulator(m);
  bind_staffing(m);
  py::class_<PythonKpiEngine> engine(m, "KpiEngine",
                                     "The KPIs and scorecards of a policy. Keeps the policy alive; immutable, so "
                                     "share it freely across threads. Pickles as its policy.");
  pickle_as_policy(engine);
  engine.def(py::init(&make_engine), py::arg("policy").none(false))
      .def("compute", &compute, py::arg("tickets"), py::arg("at"), py::arg("group_by") = std::vector<std::string>{},
           py::arg("time_zone") = py::none(), py::arg("orders") = py::none(), py::arg("threads") = 0,
           py::kw_only(), py::arg("progress") = py::none(), py::arg("compensations") = py::none(),
           "KPIs of the ticket dicts (or a TicketBatch) as of the aware datetime `at`, grouped by any of agent, "
           "queue, channel, category, priority, day, hour, week, month, tier, tag and 'fields.<name>'. "
           "Days, hours, weeks and months are read in `time_zone` (an IANA name); without it the policy's "
           "kpi.timezone, else the zone all its calendars share, else an InputError. `orders` (int, or "
           "dict of day -> count) feeds complaint_rate. Tickets created after `at` are left out and counted "
           "in the result's not_yet_created. `progress`: called as progress(done, total) in tickets, "
           "throttled; what it raises stops the call. `compensations`: dicts with `ticket`, `currency` and "
           "`total` (a compensation decision's dict will do), all in one currency: every group then has its "
           "`compensation` (docs/kpi.md, \"Compensation\").")
      .def("compute_lines", &compute_lines, py::arg("jsonl"), py::arg("at"),
           py::arg("group_by") = std::vector<std::string>{}, py::arg("time_zone") = py::none(),
           py::arg("orders") = py::none(), py::arg("threads") = 0, py::kw_only(), py::arg("first_line") = 1,
           py::arg("progress") = py::none(), py::arg("compensations") = py::none(),
           "compute over JSON Lines bytes (one ticket per line, blank lines skipped); raises "
           "InputError naming the line of a ticket that cannot be read, counting lines from "
           "`first_line` (the number of the text's first line in its file). `progress` and `compensations` as "
           "for compute, `progress` in non-blank lines.")
      .def("compute_file", &compute_file, py::arg("tickets"), py::arg("at"),
           py::arg("group_by") = std::vector<std::string>{}, py::arg("time_zone") = py::none(),
           py::arg("orders") = py::none(), py::arg("threads") = 0, py::kw_only(), py::arg("progress") = py::none(),
           py::arg("block_bytes") = BatchOptions{}.block_bytes, py::arg("compensations") = py::none(),
           "compute_lines over a file of any size, in bounded memory: `tickets` (a path, or a binary "
           "file object such as sys.stdin.buffer) is read and counted `block_bytes` (16 MiB) at a time; the result "
           "equals compute_lines on the whole text, lines numbered through the whole file. "
           "`progress`: progress(done, total) in bytes of `tickets`, total its size (0 while "
           "unknown: a pipe, a file object), throttled; what it raises (Ctrl-C's "
           "KeyboardInterrupt too) stops the call.")
      .def("score", &score_kpis, py::arg("id"), py::arg("kpis"), py::arg("rank_within") = std::vector<std::string>{},
           "Scores each group of `kpis` on the scorecard `id`; ranks within groups sharing the "
           "`rank_within` dimensions (all groups when empty).");
}

}  // namespace aftersales::python
