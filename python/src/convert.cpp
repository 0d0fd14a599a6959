#include "convert.hpp"

#include <aftersales/error.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersales::python {

namespace py = pybind11;

namespace {

struct DatetimeTypes {
  py::object datetime;
  py::object timedelta;
  py::object epoch;  // 1970-01-01T00:00:00+00:00
};

// Created at import and never destroyed: Python objects must not be released by static
// destructors that run after the interpreter has finalised.
const DatetimeTypes* types = nullptr;

constexpr std::int64_t ms_per_day = 86'400'000;

// A timedelta as Python normalises it: only `days` may be negative, 0 <= seconds < 86400,
// 0 <= microseconds < 1000000. Integer fields keep the conversion exact (timestamp() would
// round through a double).
struct TimedeltaParts {
  std::int64_t days;
  std::int64_t seconds;
  std::int64_t microseconds;
};

TimedeltaParts parts_of(py::handle timedelta) {
  return {timedelta.attr("days").cast<std::int64_t>(), timedelta.attr("seconds").cast<std::int64_t>(),
          timedelta.attr("microseconds").cast<std::int64_t>()};
}

std::int64_t floor_ms(const TimedeltaParts& p) {
  return p.days * ms_per_day + p.seconds * 1000 + p.microseconds / 1000;
}

}  // namespace

void init_conversions() {
  const py::module_ datetime = py::module_::import("datetime");
  const py::object utc = datetime.attr("timezone").attr("utc");
  types = new DatetimeTypes{datetime.attr("datetime"), datetime.attr("timedelta"),
                            datetime.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = utc)};
}

bool is_datetime(py::handle value) { return py::isinstance(value, types->datetime); }

bool is_datetime64(py::handle value) { return std::string_view(Py_TYPE(value.ptr())->tp_name) == "numpy.datetime64"; }

bool is_missing(PyObject* value) {
  if (value == Py_None) return true;
  if (PyFloat_Check(value)) return std::isnan(PyFloat_AS_DOUBLE(value));  // numpy.float64 too
  // The types of nearly every value first: a name is compared only for the rare others.
  if (PyUnicode_Check(value) || PyDict_Check(value) || PyLong_Check(value) || PyList_Check(value)) return false;
  PyTypeObject* const type = Py_TYPE(value);
  const std::string_view name = type->tp_name;
  if (name == "pandas._libs.missing.NAType" || name == "pandas._libs.tslibs.nattype.NaTType") return true;
  if (name != "NAType" && name != "NaTType") return false;
  // Recent pandas builds them as heap types, whose tp_name is the bare name: their module, read
  // from the type's own dict (no Python code runs), tells them from a namesake.
  PyObject* const module = type->tp_dict == nullptr ? nullptr : PyDict_GetItemString(type->tp_dict, "__module__");
  if (module == nullptr || !PyUnicode_Check(module)) return false;
  const char* const text = PyUnicode_AsUTF8(module);
  if (text == nullptr) {
    PyErr_Clear();
    return false;
  }
  return std::string_view(text).starts_with("pandas.");
}

bool is_timedelta(py::handle value) { return py::isinstance(value, types->timedelta); }

Instant to_instant(py::handle datetime) {
  if (datetime.attr("utcoffset")().is_none()) {
    throw py::value_error("naive datetime " + py::repr(datetime).cast<std::string>() +
                          ": expected an aware datetime with tzinfo, e.g. "
                          "datetime(2026, 11, 11, 0, 5, tzinfo=timezone.utc)");
  }
  const std::int64_t ms = floor_ms(parts_of(datetime - types->epoch));
  try {
    return instant_from_ms(ms);
  } catch (const RangeError& e) {
    throw RangeError(datetime.attr("isoformat")().cast<std::string>() + ": " + e.what());
  }
}

py::object to_datetime(Instant t) {
  return types->epoch + types->timedelta(py::arg("milliseconds") = t.time_since_epoch().count());
}

Duration to_duration(py::handle timedelta) {
  const TimedeltaParts parts = parts_of(timedelta);
  std::int64_t ms = floor_ms(parts);
  // Only a negative timedelta has negative days; flooring it went one millisecond too far.
  if (parts.days < 0 && parts.microseconds % 1000 != 0) {
    ++ms;
  }
  return Duration{ms};
}

py::object to_timedelta(Duration d) { return types->timedelta(py::arg("milliseconds") = d.count()); }

py::object decimal(const Money& amount) { return py::module_::import("decimal").attr("Decimal")(amount.to_string()); }

std::optional<std::string> optional_text(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace aftersales::python
