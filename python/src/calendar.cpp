#include "bindings.hpp"
#include "convert.hpp"
#include "pickling.hpp"

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>

#include <pybind11/numpy.h>

#include <date/date.h>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// NumPy's NaT is the smallest int64 in both datetime64 and timedelta64 arrays.
constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();

// Batch operands: int64 counts of their own unit in C order, converted to milliseconds one
// element at a time (with the index for errors); results: int64 milliseconds viewed as
// datetime64[ms] or timedelta64[ms] on the Python side.
using Int64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

enum class Kind { instants, durations };

__extension__ typedef __int128 wide;

// How a value of one datetime64/timedelta64 unit becomes milliseconds: × num / den, floored
// for an instant (the millisecond it lies in), truncated toward zero for a duration (as
// timedelta arguments are). NumPy's own astype wraps around silently past 64 bits, so the
// arithmetic is done here, in 128 bits, and anything past int64 milliseconds is a RangeError.
struct Unit {
  Kind kind;
  wide num = 1;  // count × the unit's milliseconds, or
  wide den = 1;  // ... the unit's parts of a millisecond
  std::int64_t months = 0;  // a calendar unit of datetime64 (M or Y): this many months each
  std::string dtype;        // e.g. "datetime64[D]", for messages

  [[nodiscard]] std::int64_t ms(std::int64_t value) const {
    if (months != 0) return month_ms(value);
    if (num == 1 && den == 1) return value;
    wide scaled = 0;
    if (__builtin_mul_overflow(wide{value}, num, &scaled)) beyond();
    wide q = scaled / den;
    if (kind == Kind::instants && scaled % den != 0 && scaled < 0) --q;
    // INT64_MIN is NaT in every unit: a value converting to it is out of range too.
    if (q <= std::numeric_limits<std::int64_t>::min() || q > std::numeric_limits<std::int64_t>::max()) beyond();
    return static_cast<std::int64_t>(q);
  }

 private:
  // Months since 1970-01 to the first instant of that month. Only years 1970-2200 are
  // supported: a window around them keeps the date arithmetic in its range.
  [[nodiscard]] std::int64_t month_ms(std::int64_t value) const {
    wide total = 0;
    if (__builtin_mul_overflow(wide{value}, wide{months}, &total) || total < -12 * 100 || total > 12 * 400) beyond();
    const auto index = static_cast<int>(total) + 1970 * 12;
    const date::sys_days day = date::year{index / 12} / date::month{static_cast<unsigned>(index % 12 + 1)} / 1;
    return std::int64_t{day.time_since_epoch().count()} * 86'400'000;
  }

  [[noreturn]] void beyond() const {
    throw RangeError(kind == Kind::instants
                         ? "a " + dtype + " value outside the supported range (years 1970-2200)"
                         : "a " + dtype + " value beyond 64-bit milliseconds (about 292 million years)");
  }
};

struct UnitScale {
  std::string_view name;
  std::int64_t num;
  std::int64_t den;
};

// Milliseconds per unit. NumPy's timedelta64 year and month are the mean Gregorian ones
// (365.2425 days and a twelfth of it); a datetime64 year or month is a calendar one.
constexpr std::array<UnitScale, 13> unit_scales{{
    {"Y", 31'556'952'000, 1}, {"M", 2'629'746'000, 1}, {"W", 604'800'000, 1}, {"D", 86'400'000, 1},
    {"h", 3'600'000, 1}, {"m", 60'000, 1}, {"s", 1'000, 1}, {"ms", 1, 1}, {"us", 1, 1'000},
    {"ns", 1, 1'000'000}, {"ps", 1, 1'000'000'000}, {"fs", 1, 1'000'000'000'000}, {"as", 1, 1'000'000'000'000'000},
}};

Unit unit_of(const py::object& dtype, Kind kind, const char* name) {
  const py::tuple data = py::module_::import("numpy").attr("datetime_data")(dtype);
  const auto unit = data[0].cast<std::string>();
  const auto count = data[1].cast<std::int64_t>();
  Unit u{.kind = kind, .dtype = py::str(dtype).cast<std::string>()};
  if (kind == Kind::instants && (unit == "Y" || unit == "M")) {
    u.months = unit == "Y" ? 12 * count : count;
    return u;
  }
  for (const UnitScale& scale : unit_scales) {
    if (scale.name != unit) continue;
    u.num = wide{scale.num} * count;
    u.den = scale.den;
    return u;
  }
  throw py::type_error(std::string(name) + ": " + u.dtype + " has no unit of time");
}

// The values as an array of int64 counts of their unit, and that unit.
struct Operand {
  py::object counts;
  Unit unit;
};

Operand operand(py::handle values, Kind kind, const char* name) {
  const py::module_ numpy = py::module_::import("numpy");
  const bool instants = kind == Kind::instants;
  py::object given = py::reinterpret_borrow<py::object>(values);
  // np.asarray turns a lone timedelta into an object array; timedelta64 keeps its microseconds.
  if (!instants && is_timedelta(values)) given = numpy.attr("timedelta64")(values);
  // np.asarray turns a tz-aware pandas column (datetime64[us, UTC]) into an object array too:
  // its instants as naive UTC datetime64 are what every other column gives.
  if (instants && !py::getattr(py::getattr(values, "dtype", py::none()), "tz", py::none()).is_none())
    given = py::module_::import("pandas").attr("array")(given).attr("tz_convert")(py::none());
  const py::object array = numpy.attr("asarray")(given);
  const py::object dtype = array.attr("dtype");
  if (dtype.attr("kind").cast<std::string>() != (instants ? "M" : "m")) {
    throw py::type_error(std::string(name) + ": expected numpy." +
                         (instants ? "datetime64 values (read as UTC)" : "timedelta64 values") +
                         ", got dtype " + py::str(dtype).cast<std::string>());
  }
  return {array.attr("view")("int64"), unit_of(dtype, kind, name)};  // a view: no copy
}

// Two operands broadcast against each other, as NumPy's binary operations do.
std::pair<Int64Array, Int64Array> broadcast(const py::object& first, const py::object& second) {
  const py::sequence both = py::module_::import("numpy").attr("broadcast_arrays")(first, second);
  return {Int64Array(both[0]), Int64Array(both[1])};
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

Instant instant_at(const char* name, const Unit& unit, std::int64_t value, py::ssize_t index) {
  return at(name, index, [&] { return instant_from_ms(unit.ms(value)); });
}

Duration duration_at(const char* name, const Unit& unit, std::int64_t value, py::ssize_t index) {
  return at(name, index, [&] { return Duration{unit.ms(value)}; });
}

// result[i] = element(i, operands[i]...), or `if_nat` where any operand is NaT. The loop runs
// with the GIL released: it touches only C++ data, and the operands outlive it.
template <class Out, class Element, class... Operands>
py::array_t<Out> elementwise(Out if_nat, Element&& element, const Operands&... operands) {
  const Int64Array& first = std::get<0>(std::forward_as_tuple(operands...));
  py::array_t<Out> result(shape_of(first));
  Out* const out = result.mutable_data();
  const py::ssize_t size = first.size();
  const py::gil_scoped_release release;
  for (py::ssize_t i = 0; i < size; ++i) {
    out[i] = ((operands.data()[i] == nat) || ...) ? if_nat : element(i, operands.data()[i]...);
  }
  return result;
}

py::array_t<bool> is_open_many(const PythonCalendar& calendar, py::handle times) {
  const Operand t = operand(times, Kind::instants, "times");
  const auto is_open = [&](py::ssize_t i, std::int64_t value) {
    return calendar.is_open(instant_at("times", t.unit, value, i));
  };
  return elementwise(false, is_open, Int64Array(t.counts));
}

// next_open, next_close and previous_close for each instant.
template <Instant (Calendar::*operation)(Instant) const>
py::object instants_many(const PythonCalendar& calendar, py::handle times) {
  const Operand t = operand(times, Kind::instants, "times");
  const auto answer = [&](py::ssize_t i, std::int64_t value) {
    const Instant start = instant_at("times", t.unit, value, i);
    return at("times", i, [&] { return ms(std::invoke(operation, static_cast<const Calendar&>(calendar), start)); });
  };
  return as_datetimes(elementwise(nat, answer, Int64Array(t.counts)));
}

// add and subtract for each pair.
template <Instant (Calendar::*operation)(Instant, Duration) const>
py::object shifted_many(const PythonCalendar& calendar, py::handle times, py::handle durations) {
  const Operand t = operand(times, Kind::instants, "times");
  const Operand d = operand(durations, Kind::durations, "durations");
  const auto shift = [&](py::ssize_t i, std::int64_t time, std::int64_t duration) {
    const Instant start = instant_at("times", t.unit, time, i);
    const Duration length = duration_at("durations", d.unit, duration, i);
    return at("durations", i, [&] { return ms(std::invoke(operation, static_cast<const Calendar&>(calendar), start, length)); });
  };
  const auto [time, duration] = broadcast(t.counts, d.counts);
  return as_datetimes(elementwise(nat, shift, time, duration));
}

py::object between_many(const PythonCalendar& calendar, py::handle starts, py::handle ends) {
  const Operand s = operand(starts, Kind::instants, "starts");
  const Operand e = operand(ends, Kind::instants, "ends");
  const auto between = [&](py::ssize_t i, std::int64_t start, std::int64_t end) {
    const Instant from = instant_at("starts", s.unit, start, i);  // reported before `ends`
    return calendar.between(from, instant_at("ends", e.unit, end, i)).count();
  };
  const auto [start, end] = broadcast(s.counts, e.counts);
  return as_timedeltas(elementwise(nat, between, start, end));
}

// business_day_end for each pair, `counts` (integers) broadcast against `times`.
py::object business_day_end_many(const PythonCalendar& calendar, py::handle times, py::handle counts) {
  const Operand t = operand(times, Kind::instants, "times");
  const py::object given = py::module_::import("numpy").attr("asarray")(counts);
  const auto kind = given.attr("dtype").attr("kind").cast<std::string>();
  if (kind != "i" && kind != "u")
    throw py::type_error("n: expected integers, got dtype " + py::str(given.attr("dtype")).cast<std::string>());
  const auto [time, n] = broadcast(t.counts, given);
  // Checked before the loop, where the smallest int64 would read as NaT.
  for (py::ssize_t i = 0; i < n.size(); ++i) {
    if (n.data()[i] < 0 || n.data()[i] > std::numeric_limits<int>::max())
      throw InputError("must be from 0 to " + std::to_string(std::numeric_limits<int>::max()),
                       "n[" + std::to_string(i) + "]");
  }
  const auto end = [&](py::ssize_t i, std::int64_t value, std::int64_t days) {
    const Instant start = instant_at("times", t.unit, value, i);
    return at("times", i, [&] { return ms(calendar.business_day_end(start, static_cast<int>(days))); });
  };
  return as_datetimes(elementwise(nat, end, time, n));
}

// business_days_between for each pair, as float64: NumPy's integers have no NaN for a NaT.
py::array_t<double> business_days_between_many(const PythonCalendar& calendar, py::handle starts, py::handle ends) {
  const Operand s = operand(starts, Kind::instants, "starts");
  const Operand e = operand(ends, Kind::instants, "ends");
  const auto days = [&](py::ssize_t i, std::int64_t start, std::int64_t end) {
    const Instant from = instant_at("starts", s.unit, start, i);  // reported before `ends`
    return static_cast<double>(calendar.business_days_between(from, instant_at("ends", e.unit, end, i)));
  };
  const auto [start, end] = broadcast(s.counts, e.counts);
  return elementwise(std::numeric_limits<double>::quiet_NaN(), days, start, end);
}

std::string repr(const PythonCalendar& calendar) {
  return "<aftersales.Calendar " + py::repr(py::str(calendar.name())).cast<std::string>() + " " +
         calendar.time_zone() + ">";
}

}  // namespace

void bind_calendar(py::module_& m) {
  using release_gil = py::call_guard<py::gil_scoped_release>;
  m.def("_unpickle_Calendar", &calendar_of);
  py::class_<PythonCalendar> calendar_class(
      m, "Calendar",
      "Business hours in an IANA time zone with holidays, make-up working days and special "
      "hours. Get one from Policy.calendar(name). Immutable and safe to share across threads; "
      "datetimes must be aware and results are aware UTC datetimes. Keeps its policy alive and "
      "pickles as it and its name.");
  pickle_as_policy_and(calendar_class, "_unpickle_Calendar", [](const PythonCalendar& c) { return c.name(); });
  calendar_class
      // Lambdas, not &Calendar::name: pybind11 2.10 binds a property getter of a base class as
      // taking the base, which is not a registered type.
      .def_property_readonly(
          "name", [](const PythonCalendar& calendar) { return calendar.name(); }, "The calendar's name in the policy.")
      .def_property_readonly(
          "time_zone", [](const PythonCalendar& calendar) { return calendar.time_zone(); },
                             "The IANA time zone its hours are written in.")
      .def("is_open", &Calendar::is_open, py::arg("t"), release_gil(),
           "True when t lies inside an open interval (start inclusive, end exclusive).")
      .def("next_open", &Calendar::next_open, py::arg("t"), release_gil(),
           "t itself if open, else the start of the next open interval.")
      .def("add", &Calendar::add, py::arg("t"), py::arg("duration"), release_gil(),
           "The earliest instant u >= t with exactly `duration` of open time in [t, u).")
      .def("between", &Calendar::between, py::arg("start"), py::arg("end"), release_gil(),
           "Open time in [start, end); negative when end < start.")
      .def("subtract", &Calendar::subtract, py::arg("t"), py::arg("duration"), release_gil(),
           "The latest instant u <= t with exactly `duration` of open time in [u, t).")
      .def("next_close", &Calendar::next_close, py::arg("t"), release_gil(),
           "The first close after t: the end of the open interval holding t, or of the next one "
           "(exactly at a close, the next interval's end). Touching intervals are one.")
      .def("previous_close", &Calendar::previous_close, py::arg("t"), release_gil(),
           "The last close at or before t (exactly at a close, t itself).")
      .def("business_day_end", &Calendar::business_day_end, py::arg("t"), py::arg("n"), release_gil(),
           "The end of the n-th business day after t's local date; n = 0: of t's date if it is a "
           "business day, else of the next one. A day ends where its last range ends.")
      .def("business_days_between", &Calendar::business_days_between, py::arg("start"), py::arg("end"),
           release_gil(),
           "Business days among the local dates after start's up to and including end's; negative "
           "when end < start.")
      .def("is_open_many", &is_open_many, py::arg("times"),
           "is_open for each datetime64 in `times` (NaT gives False).")
      .def("next_open_many", &instants_many<&Calendar::next_open>, py::arg("times"),
           "next_open for each datetime64 in `times`, as datetime64[ms] (NaT stays NaT).")
      .def("add_many", &shifted_many<&Calendar::add>, py::arg("times"), py::arg("durations"),
           "add for each pair, `durations` (timedelta64 or one timedelta) broadcast against "
           "`times`; datetime64[ms] with NaT where either operand is NaT.")
      .def("subtract_many", &shifted_many<&Calendar::subtract>, py::arg("times"), py::arg("durations"),
           "subtract for each pair, broadcast as add_many; NaT where either operand is NaT.")
      .def("next_close_many", &instants_many<&Calendar::next_close>, py::arg("times"),
           "next_close for each datetime64 in `times`, as datetime64[ms] (NaT stays NaT).")
      .def("previous_close_many", &instants_many<&Calendar::previous_close>, py::arg("times"),
           "previous_close for each datetime64 in `times`, as datetime64[ms] (NaT stays NaT).")
      .def("between_many", &between_many, py::arg("starts"), py::arg("ends"),
           "between for each pair, broadcast; timedelta64[ms] with NaT where either is NaT.")
      .def("business_day_end_many", &business_day_end_many, py::arg("times"), py::arg("n"),
           "business_day_end for each pair, `n` (integers) broadcast against `times`; "
           "datetime64[ms], NaT where `times` is NaT.")
      .def("business_days_between_many", &business_days_between_many, py::arg("starts"), py::arg("ends"),
           "business_days_between for each pair, broadcast; float64 (exact whole days), NaN where "
           "either is NaT.")
      .def("__repr__", &repr);
}

}  // namespace aftersales::python
