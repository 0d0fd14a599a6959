// The columns of aftersales.sla_frame / sla_table, filled in C++: reading a million reports'
// metrics attribute by attribute from Python made a datetime or timedelta object per cell and
// took minutes. Here each column is one NumPy array (or one list of str), which pandas and
// pyarrow take as they are.

#include "bindings.hpp"
#include "ticket_batch.hpp"

#include <aftersales/sla.hpp>

#include <pybind11/numpy.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// NumPy's NaT: the int64 minimum, in every unit.
constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();

std::int64_t ms(std::optional<Instant> t) { return t ? t->time_since_epoch().count() : nat; }

double seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

// Shaped explicitly: pybind11 2.10's array_t(count) leaves NumPy an empty strides list, and
// NumPy then gives the array stride 0, so every row would read the last row's value.
template <class T>
py::array_t<T> column(std::size_t rows) {
  return py::array_t<T>(py::array::ShapeContainer{static_cast<py::ssize_t>(rows)});
}

py::object text(const std::optional<std::string>& value) {
  return value ? py::object(py::str(*value)) : py::object(py::none());
}

// One row per metric instance, one row of nulls for a report without any (no SLA policy
// matched, or the ticket did not exist yet at a replay's instant).
py::dict sla_columns(py::handle reports) {
  const py::tuple items = ticket_tuple(reports);
  std::size_t rows = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!py::isinstance<SlaReport>(items[i]))
      throw py::type_error("sla_frame: expected reports[" + std::to_string(i) +
                           "] to be an aftersales.SlaReport, got " + Py_TYPE(items[i].ptr())->tp_name);
    const auto& report = items[i].cast<const SlaReport&>();
    rows += report.metrics.empty() ? 1 : report.metrics.size();
  }
  py::list ticket(rows), policy(rows), priority(rows), metric(rows), state(rows), ticket_status(rows), queue(rows);
  auto cycle = column<std::int64_t>(rows);
  auto has_metric = column<bool>(rows);
  auto not_yet_created = column<bool>(rows);
  auto target = column<double>(rows), elapsed = column<double>(rows), remaining = column<double>(rows);
  auto started = column<std::int64_t>(rows), due = column<std::int64_t>(rows);
  auto breached = column<std::int64_t>(rows), completed = column<std::int64_t>(rows);
  auto override_due = column<std::int64_t>(rows);
  std::size_t row = 0;
  for (const py::handle item : items) {
    const auto& report = item.cast<const SlaReport&>();
    // Read by name: the flag of a replay's report (issue 13), False for any other.
    const bool late = py::getattr(item, "not_yet_created", py::bool_(false)).cast<bool>();
    const py::str id(report.ticket);
    const py::object policy_id = text(report.policy);
    const py::str priority_name(std::string(to_string(report.priority)));
    // The ticket's, on each of its rows (a report with a policy and no metric has one too).
    const py::object status = report.status ? py::object(py::str(std::string(to_string(*report.status)))) : py::none();
    const std::size_t count = report.metrics.empty() ? 1 : report.metrics.size();
    for (std::size_t i = 0; i < count; ++i, ++row) {
      const auto r = static_cast<py::ssize_t>(row);
      ticket[row] = id;
      policy[row] = policy_id;
      priority[row] = priority_name;
      ticket_status[row] = status;
      not_yet_created.mutable_at(r) = late;
      has_metric.mutable_at(r) = !report.metrics.empty();
      if (report.metrics.empty()) {
        metric[row] = py::none();
        state[row] = py::none();
        queue[row] = py::none();
        cycle.mutable_at(r) = 0;
        target.mutable_at(r) = elapsed.mutable_at(r) = remaining.mutable_at(r) = std::nan("");
        started.mutable_at(r) = due.mutable_at(r) = breached.mutable_at(r) = completed.mutable_at(r) = nat;
        override_due.mutable_at(r) = nat;
        continue;
      }
      const SlaMetric& m = report.metrics[i];
      metric[row] = py::str(m.metric);
      state[row] = py::str(std::string(to_string(m.state)));
      queue[row] = m.queue.empty() ? py::object(py::none()) : py::object(py::str(m.queue));  // an OLA's
      cycle.mutable_at(r) = m.cycle;
      target.mutable_at(r) = seconds(m.target);
      elapsed.mutable_at(r) = seconds(m.elapsed);
      remaining.mutable_at(r) = seconds(m.remaining());
      started.mutable_at(r) = ms(m.started_at);
      due.mutable_at(r) = ms(m.due_at);
      breached.mutable_at(r) = ms(m.breached_at);
      completed.mutable_at(r) = ms(m.completed_at);
      override_due.mutable_at(r) = ms(m.override_due_at);
    }
  }
  py::dict columns;
  columns["ticket"] = ticket;
  columns["policy"] = policy;
  columns["priority"] = priority;
  columns["metric"] = metric;
  columns["cycle"] = cycle;
  columns["has_metric"] = has_metric;
  columns["state"] = state;
  columns["target_s"] = target;
  columns["elapsed_s"] = elapsed;
  columns["remaining_s"] = remaining;
  columns["started_at"] = started;
  columns["due_at"] = due;
  columns["breached_at"] = breached;
  columns["completed_at"] = completed;
  columns["ticket_status"] = ticket_status;
  columns["queue"] = queue;
  columns["override_due_at"] = override_due;
  columns["not_yet_created"] = not_yet_created;
  return columns;
}

}  // namespace

void bind_sla_columns(py::module_& m) {
  m.def("_sla_columns", &sla_columns, py::arg("reports"),
        "The columns of aftersales.sla_frame as NumPy arrays (instants int64 milliseconds, NaT for "
        "null; `has_metric` False where a report has no metric) and lists of str.");
}

}  // namespace aftersales::python
