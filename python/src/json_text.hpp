#pragma once
// Python values of the JSON shape written as JSON text, for documents given as dicts whose one
// reader takes JSON: they are validated by that reader and every problem is reported with the
// same path as for JSON input. (Tickets, read by the million, have a reader of their own:
// ticket_dict.hpp.)

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

namespace aftersales::python {

/// Appends `value` (dict with str keys, list, tuple, str, int, float, bool, None, aware
/// datetime, nested) to `out` as compact JSON. Key order is kept; a dict member whose value is
/// missing (None, NaN, pd.NA, pd.NaT: is_missing) is left out, and a datetime written as RFC 3339.
/// @throws pybind11::type_error for anything else (a date, a set, an int key),
///         pybind11::value_error for a naive datetime, and InputError for NaN (in a list), an
///         infinity or a str that is not valid Unicode; the message
///         names the path of the value (`events[2].at`), behind `name` when given
///         (`tickets[7].events[2].at`).
void append_json(std::string& out, pybind11::handle value, std::string_view name);

/// `value`, a dict of the JSON shape of a `shape` ("refund request"), as JSON text (append_json).
/// @throws pybind11::type_error for anything but a dict, naming `caller` (the Python method) and
///         `name` ("requests[7]") when given, which also goes in front of a path.
[[nodiscard]] std::string dict_json(pybind11::handle value, std::string_view caller, std::string_view shape,
                                    std::string_view name = {});

/// The UTF-8 text of JSON Lines given as `str` or `bytes`: a view into `jsonl`, valid while the
/// caller holds it (also with the GIL released).
/// @throws pybind11::type_error for anything else, naming `caller` (the Python method).
[[nodiscard]] std::string_view json_lines_text(pybind11::handle jsonl, std::string_view caller);

/// A JSON path below `head`: ("tickets[7]", "events[2].at") -> "tickets[7].events[2].at",
/// ("events", "[2]") -> "events[2]"; either may be empty.
[[nodiscard]] std::string join_path(std::string_view head, const std::string& tail);

/// The Python value of JSON text, as json.loads gives it.
[[nodiscard]] pybind11::object json_loads(std::string_view text);

/// `to_dict()` of a result that writes itself as JSON: json.loads(result.to_json()), so the
/// dict and the JSON text every other surface gives cannot drift apart.
template <class Result>
[[nodiscard]] pybind11::object to_dict(const Result& result) {
  return json_loads(result.to_json());
}

}  // namespace aftersales::python
