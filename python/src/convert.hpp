#pragma once
// Exact conversions between Python's datetime/timedelta and the library's millisecond values,
// and the pybind11 casters that apply them to every bound signature; money as Decimal, and
// empty text as None. (pybind11/chrono.h is
// deliberately not used: it reads naive datetimes as local time and rounds through floats.)

#include <aftersales/values.hpp>

#include <pybind11/pybind11.h>

#include <optional>
#include <string>

namespace aftersales::python {

/// Looks up the datetime types once; called when the module is imported.
void init_conversions();

[[nodiscard]] bool is_datetime(pybind11::handle value);

/// A numpy.datetime64 scalar: naive, whatever column it came from.
[[nodiscard]] bool is_datetime64(pybind11::handle value);

/// None, a float NaN, pandas' NA or NaT: what pandas and pyarrow put where a record has no
/// value, read as if the key were absent. Runs no Python code (a dict being walked cannot
/// change under it), so numpy's NaT, a datetime64 to compare, is left to the instant readers.
[[nodiscard]] bool is_missing(PyObject* value);
[[nodiscard]] bool is_timedelta(pybind11::handle value);

/// An aware datetime as an Instant, exactly: microseconds are floored to the millisecond.
/// @throws pybind11::value_error for a naive datetime; RangeError outside 1970-2200.
[[nodiscard]] Instant to_instant(pybind11::handle datetime);

/// The instant as an aware datetime in UTC.
[[nodiscard]] pybind11::object to_datetime(Instant t);

/// A timedelta as a Duration; sub-millisecond parts are truncated toward zero.
[[nodiscard]] Duration to_duration(pybind11::handle timedelta);

[[nodiscard]] pybind11::object to_timedelta(Duration d);

/// An amount as decimal.Decimal, exact like the library's minor units: "9.09", "1999", "1.005".
[[nodiscard]] pybind11::object decimal(const Money& amount);

/// None for the empty text: how Python tells "no queue", "no one", "no calendar".
[[nodiscard]] std::optional<std::string> optional_text(const std::string& text);

}  // namespace aftersales::python

namespace pybind11::detail {

template <>
struct type_caster<aftersales::Instant> {
  PYBIND11_TYPE_CASTER(aftersales::Instant, const_name("datetime.datetime"));

  bool load(handle src, bool /*convert*/) {
    if (!aftersales::python::is_datetime(src)) {
      return false;
    }
    value = aftersales::python::to_instant(src);
    return true;
  }

  static handle cast(aftersales::Instant t, return_value_policy /*policy*/, handle /*parent*/) {
    return aftersales::python::to_datetime(t).release();
  }
};

template <>
struct type_caster<aftersales::Duration> {
  PYBIND11_TYPE_CASTER(aftersales::Duration, const_name("datetime.timedelta"));

  bool load(handle src, bool /*convert*/) {
    if (!aftersales::python::is_timedelta(src)) {
      return false;
    }
    value = aftersales::python::to_duration(src);
    return true;
  }

  static handle cast(aftersales::Duration d, return_value_policy /*policy*/, handle /*parent*/) {
    return aftersales::python::to_timedelta(d).release();
  }
};

}  // namespace pybind11::detail
