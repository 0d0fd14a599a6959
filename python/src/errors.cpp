// The one place where the library's exception hierarchy meets Python's: the classes are
// created here and every aftersales::Error crossing into Python is translated here, as is
// pybind11's own TypeError for arguments of the wrong type.

#include "bindings.hpp"

#include <aftersales/error.hpp>

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "error/problem_list.hpp"

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

// pybind11 reports arguments that fit no signature of a function with a TypeError that ends in
// "Invoked with: " and the repr of every argument: a whole ticket, customer ids included, when
// only the instant beside it had the wrong type. Every function of the module therefore calls
// pybind11's dispatcher through one of the two entry points below (pybind11 2 calls it with
// METH_VARARGS, 3 with METH_FASTCALL), which keep pybind11's message up to that point (the
// function and the signatures it accepts) and name the types received instead of the values.
using VarargsFunction = PyObject* (*)(PyObject*, PyObject*, PyObject*);
using FastcallFunction = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);
using AnyFunction = void (*)();  // what function pointers pass through between casts

PyCFunction pybind11_dispatcher = nullptr;

void append_type(std::string& received, PyObject* value, PyObject* keyword = nullptr) {
  if (!received.empty()) received += ", ";
  if (keyword != nullptr) received += py::str(keyword).cast<std::string>() + "=";
  received += Py_TYPE(value)->tp_name;
}

// Replaces the "Invoked with" part of the TypeError being raised, if it has one, by the types
// that `describe(received)` appends.
template <class Describe>
void name_types_not_values(Describe describe) {
  if (!PyErr_ExceptionMatches(PyExc_TypeError)) return;
  py::error_already_set error;
  try {
    const std::string message = py::str(error.value());
    const std::size_t cut = message.find("\nInvoked with: ");
    if (cut == std::string::npos) {
      error.restore();
      return;
    }
    std::string received;
    describe(received);
    PyErr_SetString(PyExc_TypeError, (message.substr(0, cut) + "\nInvoked with types: " + received).c_str());
  } catch (...) {
    // The message could not be rewritten; still, the values must not be shown.
    PyErr_SetString(PyExc_TypeError, "incompatible function arguments");
  }
}

PyObject* guarded_varargs(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* result = reinterpret_cast<VarargsFunction>(reinterpret_cast<AnyFunction>(pybind11_dispatcher))(
      self, args, kwargs);
  if (result == nullptr) {
    name_types_not_values([&](std::string& received) {
      for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); ++i) append_type(received, PyTuple_GET_ITEM(args, i));
      PyObject* keyword = nullptr;
      PyObject* value = nullptr;
      for (Py_ssize_t pos = 0; kwargs != nullptr && PyDict_Next(kwargs, &pos, &keyword, &value);)
        append_type(received, value, keyword);
    });
  }
  return result;
}

// CPython passes the number of positional arguments, without PY_VECTORCALL_ARGUMENTS_OFFSET.
PyObject* guarded_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t positional, PyObject* kwnames) {
  PyObject* result = reinterpret_cast<FastcallFunction>(reinterpret_cast<AnyFunction>(pybind11_dispatcher))(
      self, args, positional, kwnames);
  if (result == nullptr) {
    name_types_not_values([&](std::string& received) {
      for (Py_ssize_t i = 0; i < positional; ++i) append_type(received, args[i]);
      for (Py_ssize_t k = 0; kwnames != nullptr && k < PyTuple_GET_SIZE(kwnames); ++k)
        append_type(received, args[positional + k], PyTuple_GET_ITEM(kwnames, k));
    });
  }
  return result;
}

// Points `callable` at the guarded entry point if pybind11 dispatches it; looks inside methods,
// static methods, properties and classes.
void guard(py::handle callable, std::vector<PyObject*>& seen_types) {
  PyObject* object = callable.ptr();
  if (PyCFunction_Check(object)) {
    PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(object)->m_ml;
    if (def->ml_meth != pybind11_dispatcher) return;
    def->ml_meth = (def->ml_flags & METH_FASTCALL) != 0
                       ? reinterpret_cast<PyCFunction>(reinterpret_cast<AnyFunction>(&guarded_fastcall))
                       : reinterpret_cast<PyCFunction>(reinterpret_cast<AnyFunction>(&guarded_varargs));
  } else if (PyInstanceMethod_Check(object)) {
    guard(PyInstanceMethod_Function(object), seen_types);
  } else if (PyObject_TypeCheck(object, &PyStaticMethod_Type) != 0) {
    guard(callable.attr("__func__"), seen_types);
  } else if (PyObject_TypeCheck(object, &PyProperty_Type) != 0) {
    guard(callable.attr("fget"), seen_types);
    guard(callable.attr("fset"), seen_types);
  } else if (PyType_Check(object) && std::find(seen_types.begin(), seen_types.end(), object) == seen_types.end()) {
    seen_types.push_back(object);
    for (const py::handle member : callable.attr("__dict__").attr("values")()) guard(member, seen_types);
  }
}

}  // namespace

void guard_arguments(py::module_& m) {
  // A function pybind11 makes shows which dispatcher it uses, and with which calling convention.
  const py::cpp_function probe([] {});
  PyMethodDef* probe_def = reinterpret_cast<PyCFunctionObject*>(probe.ptr())->m_ml;
  pybind11_dispatcher = probe_def->ml_meth;
  std::vector<PyObject*> seen_types;
  for (const py::handle member : m.attr("__dict__").attr("values")()) guard(member, seen_types);
}

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
  // The command line prints each error on one line; the library renders it, as it renders the
  // problem lists it folds.
  m.def(
      "one_line", [](std::string_view message) { return detail::one_line(message); }, py::arg("message"),
      "The message on one line: its first line, then ': ' and the others joined by '; '.");
}

}  // namespace aftersales::python
