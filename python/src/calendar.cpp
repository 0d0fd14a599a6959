#include "bindings.hpp"
#include "convert.hpp"

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>

#include <pybind11/numpy.h>

#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// NumPy's NaT is the smallest int64 in both datetime64 and timedelta64 arrays.
constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();

// Batch operands and results: int64 milliseconds in C order, viewed as datetime64[ms] or
// timedelta64[ms] on the Python side.
using MsArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

enum class Kind { instants, durations };

py::object milliseconds(py::handle values, Kind kind, const char* name) {
  const py::module_ numpy = py::module_::import("numpy");
  const bool instants = kind == Kind::instants;
  // np.asarray turns a lone timedelta into an object array; timedelta64 keeps its microseconds.
  const py::object array = numpy.attr("asarray")(
      !instants && is_timedelta(values) ? numpy.attr("timedelta64")(values) : py::reinterpret_borrow<py::object>(values));
  const py::object dtype = array.attr("dtype");
  if (dtype.attr("kind").cast<std::string>() != (instants ? "M" : "m")) {
    throw py::type_error(std::string(name) + ": expected numpy." +
                         (instants ? "datetime64 values (read as UTC)" : "timedelta64 values") +
                         ", got dtype " + py::str(dtype).cast<std::string>());
  }
  const char* const target = instants ? "datetime64[ms]" : "timedelta64[ms]";
  if (py::str(dtype).cast<std::string>() == target) {
    return array.attr("view")("int64");  // no copy, nothing to round
  }
  if (instants) {
    // Flooring puts an instant in the millisecond it lies in.
    return array.attr("astype")(target).attr("view")("int64");
  }
  // astype floors; durations truncate toward zero, as timedelta arguments do.
  const py::object negative = array.attr("__lt__")(numpy.attr("timedelta64")(0));
  const py::object truncated = numpy.attr("where")(
      negative, array.attr("__neg__")().attr("astype")(target).attr("__neg__")(),
      array.attr("astype")(target));
  return truncated.attr("view")("int64");
}

MsArray instants_of(py::handle values, const char* name) {
  return MsArray(milliseconds(values, Kind::instants, name));
}

// Two operands broadcast against each other, as NumPy's binary operations do.
std::pair<MsArray, MsArray> broadcast(const py::object& first, const py::object& second) {
  const py::sequence both = py::module_::import("numpy").attr("broadcast_arrays")(first, second);
  return {MsArray(both[0]), MsArray(both[1])};
}

std::vector<py::ssize_t> shape_of(const py::array& array) {
  return {array.shape(), array.shape() + array.ndim()};
}

std::int64_t ms(Instant t) { return t.time_since_epoch().count(); }

py::object as_datetimes(const py::array& values) { return values.attr("view")("datetime64[ms]"); }

py::object as_timedeltas(const py::array& values) { return values.attr("view")("timedelta64[ms]"); }

// Re-raises an element's error with its place, e.g. "times[3]" (flat index in C order).
template <class Function>
auto at(const char* name, py::ssize_t index, Function&& function) -> decltype(function()) {
  try {
    return function();
  } catch (const InputError& e) {
    // The error's constructor puts the path in front of the message.
    std::string path = std::string(name) + "[" + std::to_string(index) + "]";
    if (e.code() == ErrorCode::out_of_range) {
      throw RangeError(e.what(), std::move(path));
    }
    throw InputError(e.what(), std::move(path));
  }
}

Instant instant_at(const char* name, std::int64_t value, py::ssize_t index) {
  return at(name, index, [&] { return instant_from_ms(value); });
}

// result[i] = element(i, operands[i]...), or `if_nat` where any operand is NaT. The loop runs
// with the GIL released: it touches only C++ data, and the operands outlive it.
template <class Out, class Element, class... Operands>
py::array_t<Out> elementwise(Out if_nat, Element&& element, const Operands&... operands) {
  const MsArray& first = std::get<0>(std::forward_as_tuple(operands...));
  py::array_t<Out> result(shape_of(first));
  Out* const out = result.mutable_data();
  const py::ssize_t size = first.size();
  const py::gil_scoped_release release;
  for (py::ssize_t i = 0; i < size; ++i) {
    out[i] = ((operands.data()[i] == nat) || ...) ? if_nat : element(i, operands.data()[i]...);
  }
  return result;
}

py::array_t<bool> is_open_many(const Calendar& calendar, py::handle times) {
  const auto is_open = [&](py::ssize_t i, std::int64_t t) {
    return calendar.is_open(instant_at("times", t, i));
  };
  return elementwise(false, is_open, instants_of(times, "times"));
}

py::object next_open_many(const Calendar& calendar, py::handle times) {
  const auto next_open = [&](py::ssize_t i, std::int64_t t) {
    const Instant start = instant_at("times", t, i);
    return at("times", i, [&] { return ms(calendar.next_open(start)); });
  };
  return as_datetimes(elementwise(nat, next_open, instants_of(times, "times")));
}

py::object add_many(const Calendar& calendar, py::handle times, py::handle durations) {
  const auto add = [&](py::ssize_t i, std::int64_t t, std::int64_t d) {
    const Instant start = instant_at("times", t, i);
    return at("durations", i, [&] { return ms(calendar.add(start, Duration{d})); });
  };
  const auto [t, d] = broadcast(milliseconds(times, Kind::instants, "times"),
                                milliseconds(durations, Kind::durations, "durations"));
  return as_datetimes(elementwise(nat, add, t, d));
}

py::object between_many(const Calendar& calendar, py::handle starts, py::handle ends) {
  const auto between = [&](py::ssize_t i, std::int64_t start, std::int64_t end) {
    return calendar.between(instant_at("starts", start, i), instant_at("ends", end, i)).count();
  };
  const auto [s, e] = broadcast(milliseconds(starts, Kind::instants, "starts"),
                                milliseconds(ends, Kind::instants, "ends"));
  return as_timedeltas(elementwise(nat, between, s, e));
}

std::string repr(const Calendar& calendar) {
  return "<aftersales.Calendar " + py::repr(py::str(calendar.name())).cast<std::string>() + " " +
         calendar.time_zone() + ">";
}

}  // namespace

void bind_calendar(py::module_& m) {
  using release_gil = py::call_guard<py::gil_scoped_release>;
  py::class_<Calendar>(
      m, "Calendar",
      "Business hours in an IANA time zone with holidays, make-up working days and special "
      "hours. Get one from Policy.calendar(name). Immutable and safe to share across threads; "
      "datetimes must be aware and results are aware UTC datetimes.")
      .def_property_readonly("name", &Calendar::name, "The calendar's name in the policy.")
      .def_property_readonly("time_zone", &Calendar::time_zone,
                             "The IANA time zone its hours are written in.")
      .def("is_open", &Calendar::is_open, py::arg("t"), release_gil(),
           "True when t lies inside an open interval (start inclusive, end exclusive).")
      .def("next_open", &Calendar::next_open, py::arg("t"), release_gil(),
           "t itself if open, else the start of the next open interval.")
      .def("add", &Calendar::add, py::arg("t"), py::arg("duration"), release_gil(),
           "The earliest instant u >= t with exactly `duration` of open time in [t, u).")
      .def("between", &Calendar::between, py::arg("start"), py::arg("end"), release_gil(),
           "Open time in [start, end); negative when end < start.")
      .def("is_open_many", &is_open_many, py::arg("times"),
           "is_open for each datetime64 in `times` (NaT gives False).")
      .def("next_open_many", &next_open_many, py::arg("times"),
           "next_open for each datetime64 in `times`, as datetime64[ms] (NaT stays NaT).")
      .def("add_many", &add_many, py::arg("times"), py::arg("durations"),
           "add for each pair, `durations` (timedelta64 or one timedelta) broadcast against "
           "`times`; datetime64[ms] with NaT where either operand is NaT.")
      .def("between_many", &between_many, py::arg("starts"), py::arg("ends"),
           "between for each pair, broadcast; timedelta64[ms] with NaT where either is NaT.")
      .def("__repr__", &repr);
}

}  // namespace aftersales::python
