#include "bindings.hpp"
#include "pickling.hpp"

#include <aftersales/policy.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>
#include <string>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// pybind11 cannot hold a pointer to const; every method bound below is const, so the
// policy stays immutable all the same.
std::shared_ptr<Policy> held(std::shared_ptr<const Policy> policy) {
  return std::const_pointer_cast<Policy>(std::move(policy));
}

std::string document_text(const py::object& document) {
  if (py::isinstance<py::str>(document)) {
    return document.cast<std::string>();
  }
  if (py::isinstance<py::dict>(document)) {
    return py::module_::import("json").attr("dumps")(document).cast<std::string>();
  }
  throw py::type_error("Policy.from_json: expected the document as a str or a dict, got " +
                       py::type::of(document).attr("__name__").cast<std::string>());
}

std::shared_ptr<Policy> from_json(const py::object& document) {
  const std::string text = document_text(document);
  const py::gil_scoped_release release;
  return held(Policy::from_json(text));
}

std::shared_ptr<Policy> from_file(const std::filesystem::path& path) {
  const py::gil_scoped_release release;
  return held(Policy::from_file(path));
}

std::string repr(const Policy& policy) {
  return "<aftersales.Policy calendars=" + py::repr(py::cast(policy.calendar_names())).cast<std::string>() +
         ">";
}

}  // namespace

PythonCalendar calendar_of(const std::shared_ptr<Policy>& policy, const std::string& name) {
  const py::gil_scoped_release release;
  return {policy->calendar(name), policy};
}

void bind_policy(py::module_& m) {
  m.def("_unpickle_Policy", &from_json);
  py::class_<Policy, std::shared_ptr<Policy>>(
      m, "Policy",
      "A validated, compiled policy document. Immutable; share it freely across threads. Ask "
      "its engines: SlaEngine(policy), RefundEngine(policy), KpiEngine(policy), Router(policy).")
      .def_static("from_json", &from_json, py::arg("document"),
                  "Loads a policy from JSON text or from a dict (serialised with json.dumps). "
                  "Raises PolicyError listing every problem with its JSON path.")
      .def_static("from_file", &from_file, py::arg("path"),
                  "Loads a policy from a JSON file. Raises InputError if it cannot be read and "
                  "PolicyError if it is invalid.")
      .def_property_readonly("schema_version", &Policy::schema_version,
                             "The document's schema_version (1).")
      .def_property_readonly("calendar_names", &Policy::calendar_names,
                             "Names of all calendars, sorted.")
      .def("to_json", &Policy::to_json,
           "The document this policy was loaded from, byte for byte (a dict given to from_json "
           "as json.dumps wrote it): Policy.from_json(policy.to_json()) is the same policy.")
      .def(
          "__reduce__",
          [](const Policy& policy) { return reduce_with("_unpickle_Policy", py::make_tuple(policy.to_json())); },
          "A policy pickles as its document (to_json) and is compiled again when unpickled.")
      .def("calendar", &calendar_of, py::arg("name"),
           "The calendar named `name`; raises NotFoundError naming the calendars that exist.")
      .def("__repr__", &repr);
}

}  // namespace aftersales::python
