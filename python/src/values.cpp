#include "bindings.hpp"
#include "convert.hpp"

#include <aftersales/values.hpp>

namespace aftersales::python {

namespace py = pybind11;

void bind_values(py::module_& m) {
  using release_gil = py::call_guard<py::gil_scoped_release>;
  m.def("parse_instant", &parse_instant, py::arg("text"), release_gil(),
        "Parses RFC 3339 with an offset or 'Z' into an aware UTC datetime. Digits beyond "
        "milliseconds are truncated. Raises InputError (no offset, malformed) or RangeError.");
  m.def("format_instant", &format_instant, py::arg("t"), release_gil(),
        "Formats an aware datetime as RFC 3339 UTC, with '.mmm' only when the milliseconds "
        "are not zero: '2026-11-10T16:05:00Z'.");
  m.def("parse_duration", &parse_duration, py::arg("text"), release_gil(),
        "Parses '90s', '15m', '4h', '1h30m', '2d', '500ms' (a leading '-' negates) into a "
        "timedelta. Raises InputError.");
  m.def("format_duration", &format_duration, py::arg("d"), release_gil(),
        "Formats a timedelta compactly, largest units first: '1h30m', '500ms', '-2d', '0s'. "
        "Sub-millisecond parts are truncated toward zero.");
}

}  // namespace aftersales::python
