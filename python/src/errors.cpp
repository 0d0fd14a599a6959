// The one place where the library's exception hierarchy meets Python's: the classes are
// created here and every aftersales::Error crossing into Python is translated here.

#include "bindings.hpp"

#include <aftersales/error.hpp>

#include <exception>
#include <initializer_list>
#include <string>
#include <vector>

namespace aftersales::python {

namespace py = pybind11;

namespace {

struct ExceptionTypes {
  py::object error;
  py::object policy;
  py::object input;
  py::object range;
  py::object not_found;
};

// Created at import and never destroyed (see convert.cpp).
const ExceptionTypes* types = nullptr;

py::object new_exception(py::module_& m, const char* name, const py::tuple& bases, const char* doc,
                         const py::dict& attributes = {}) {
  // Named "aftersales.X" so tracebacks show the public spelling, not the private module.
  const std::string qualified = std::string("aftersales.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), attributes.ptr());
  if (type == nullptr) {
    throw py::error_already_set();
  }
  auto result = py::reinterpret_steal<py::object>(type);
  m.attr(name) = result;
  return result;
}

struct Attribute {
  const char* name;
  py::object value;
};

void raise(const py::object& type, const char* message, std::initializer_list<Attribute> attributes = {}) {
  const py::object exception = type(message);
  for (const Attribute& attribute : attributes) {
    exception.attr(attribute.name) = attribute.value;
  }
  PyErr_SetObject(type.ptr(), exception.ptr());
}

py::list problem_list(const std::vector<Problem>& list) {
  py::list problems;
  for (const Problem& problem : list) {
    problems.append(py::make_tuple(problem.path, problem.message));
  }
  return problems;
}

void translate(std::exception_ptr thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const PolicyError& e) {
    raise(types->policy, e.what(), {{"problems", problem_list(e.problems())}});
  } catch (const InputError& e) {
    raise(e.code() == ErrorCode::out_of_range ? types->range : types->input, e.what(),
          {{"path", py::str(e.path())}, {"problems", problem_list(e.problems())}});
  } catch (const NotFoundError& e) {
    raise(types->not_found, e.what());
  } catch (const Error& e) {
    raise(types->error, e.what());
  }
  // Anything else propagates to pybind11's own translators.
}

}  // namespace

void bind_errors(py::module_& m) {
  const py::object value_error = py::reinterpret_borrow<py::object>(PyExc_ValueError);
  const py::object key_error = py::reinterpret_borrow<py::object>(PyExc_KeyError);
  const py::object base_exception = py::reinterpret_borrow<py::object>(PyExc_BaseException);

  const py::object error = new_exception(
      m, "Error", py::make_tuple(py::reinterpret_borrow<py::object>(PyExc_Exception)),
      "Base of every exception aftersales raises.");
  const py::object policy = new_exception(
      m, "PolicyError", py::make_tuple(error, value_error),
      "The policy document was rejected. `problems` lists every problem found as "
      "(path, message) pairs; the message lists them all too.");
  const py::object input = new_exception(
      m, "InputError", py::make_tuple(error, value_error),
      "A value given at run time is malformed. `path` names where it came from (a JSON path "
      "or a parameter such as 'times[3]'), or is empty. For a document (a ticket), "
      "`problems` lists every problem as (path, message) pairs and `path` is the first one's; "
      "it is empty for an error about a single value.");
  const py::object range = new_exception(
      m, "RangeError", py::make_tuple(input),
      "An instant, amount or result outside what aftersales supports (years 1970-2200).");
  // KeyError's own __str__ would show the message in quotes, as if it were a missing key.
  py::dict plain_str;
  plain_str["__str__"] = base_exception.attr("__str__");
  const py::object not_found = new_exception(m, "NotFoundError", py::make_tuple(error, key_error),
                                             "A named thing (a calendar, ...) does not exist.",
                                             plain_str);

  types = new ExceptionTypes{error, policy, input, range, not_found};
  py::register_exception_translator(&translate);
}

}  // namespace aftersales::python
