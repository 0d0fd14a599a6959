#include "json_text.hpp"

#include <aftersales/error.hpp>

#include "convert.hpp"
#include "document/json_reader.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// Far deeper than any ticket (the parser stops at 32 levels and says so itself); the limit only
// keeps a list that contains itself from overflowing the stack.
constexpr int max_depth = 256;

// Thrown where a value cannot be written. Each enclosing container puts its key or index in
// front of `path` on the way out, so that writing a good document builds no paths at all.
struct Unwritable {
  enum Kind { input, wrong_type, naive };  // InputError, TypeError, ValueError
  Kind kind;
  std::string message;
  std::string path;
};

std::string type_name(PyObject* value) { return Py_TYPE(value)->tp_name; }

std::string_view utf8(PyObject* text) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text, &size);
  if (data == nullptr) {
    PyErr_Clear();
    throw Unwritable{Unwritable::input, "a str that cannot be encoded as UTF-8 (a lone surrogate?)", {}};
  }
  return {data, static_cast<std::size_t>(size)};
}

void write_text(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters that need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(text.substr(plain, i - plain));
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
    plain = i + 1;
  }
  out.append(text.substr(plain));
  out += '"';
}

void write_int(std::string& out, PyObject* value) {
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (number == -1 && PyErr_Occurred() != nullptr) {
    throw py::error_already_set();
  }
  if (overflow != 0) {
    // JSON numbers have no size limit: the ticket parser decides what it accepts. int's own
    // repr, because an IntEnum's str() is its name.
    out += py::reinterpret_steal<py::str>(PyLong_Type.tp_repr(value)).cast<std::string>();
    return;
  }
  char digits[24];
  const char* const end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void write_float(std::string& out, double number) {
  if (!std::isfinite(number)) {
    throw Unwritable{Unwritable::input, "NaN and infinities have no JSON form", {}};
  }
  char digits[32];
  const std::string_view text(digits, static_cast<std::size_t>(
                                          std::to_chars(digits, digits + sizeof digits, number).ptr - digits));
  out.append(text);
  // As json.dumps does, a float stays a float (5.0, not 5), so that both read the same.
  if (text.find_first_of(".e") == std::string_view::npos) {
    out += ".0";
  }
}

// An aware datetime (pandas' Timestamp too) as the RFC 3339 text the readers take.
void write_instant(std::string& out, PyObject* datetime) {
  Instant t;
  try {
    t = to_instant(datetime);
  } catch (const py::value_error& e) {
    throw Unwritable{Unwritable::naive, e.what(), {}};
  }
  write_text(out, format_instant(t));
}

void write(std::string& out, PyObject* value, int depth);

void write_dict(std::string& out, PyObject* dict, int depth) {
  out += '{';
  Py_ssize_t position = 0;
  PyObject* key = nullptr;
  PyObject* item = nullptr;
  while (PyDict_Next(dict, &position, &key, &item) != 0) {
    if (is_missing(item)) {  // a record's empty cell: as if the key were absent
      continue;
    }
    if (out.back() != '{') {
      out += ',';
    }
    if (!PyUnicode_Check(key)) {
      throw Unwritable{Unwritable::wrong_type, "a key must be a str, not " + type_name(key), {}};
    }
    const std::string_view name = utf8(key);
    write_text(out, name);
    out += ':';
    try {
      write(out, item, depth + 1);
    } catch (Unwritable& e) {
      // Spelt and cut as the library's own paths are (a 1 MB key makes no 1 MB message).
      e.path = join_path(detail::Node::join({}, name), e.path);
      throw;
    }
  }
  out += '}';
}

void write_list(std::string& out, PyObject* list, int depth) {
  out += '[';
  const Py_ssize_t size = PySequence_Fast_GET_SIZE(list);
  PyObject** items = PySequence_Fast_ITEMS(list);
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (i != 0) {
      out += ',';
    }
    try {
      write(out, items[i], depth + 1);
    } catch (Unwritable& e) {
      e.path = join_path("[" + std::to_string(i) + "]", e.path);
      throw;
    }
  }
  out += ']';
}

void write(std::string& out, PyObject* value, int depth) {
  if (PyUnicode_Check(value)) {
    write_text(out, utf8(value));
  } else if (value == Py_True || value == Py_False) {  // before int: bool is an int
    out += value == Py_True ? "true" : "false";
  } else if (value == Py_None) {
    out += "null";
  } else if (PyLong_Check(value)) {
    write_int(out, value);
  } else if (PyFloat_Check(value)) {
    write_float(out, PyFloat_AS_DOUBLE(value));
  } else if (is_datetime(value)) {
    write_instant(out, value);
  } else if (depth >= max_depth && (PyDict_Check(value) || PyList_Check(value) || PyTuple_Check(value))) {
    throw Unwritable{Unwritable::input, "nested more than " + std::to_string(max_depth) +
                                " levels deep (does a list or dict contain itself?)",
                     {}};
  } else if (PyDict_Check(value)) {
    write_dict(out, value, depth);
  } else if (PyList_Check(value) || PyTuple_Check(value)) {
    write_list(out, value, depth);
  } else {
    throw Unwritable{Unwritable::wrong_type,
                     type_name(value) +
                         " is not a JSON value (expected dict, list, str, int, float, bool or "
                         "None; write instants as RFC 3339 text, epoch milliseconds or aware datetimes)",
                     {}};
  }
}

}  // namespace

std::string join_path(std::string_view head, const std::string& tail) {
  if (head.empty()) {
    return tail;
  }
  if (tail.empty()) {
    return std::string(head);
  }
  return std::string(head) + (tail.front() == '[' ? "" : ".") + tail;
}

void append_json(std::string& out, py::handle value, std::string_view name) {
  try {
    write(out, value.ptr(), 0);
  } catch (Unwritable& e) {
    const std::string path = join_path(name, e.path);
    if (e.kind != Unwritable::input) {
      const std::string message = path.empty() ? e.message : path + ": " + e.message;
      if (e.kind == Unwritable::naive) throw py::value_error(message);
      throw py::type_error(message);
    }
    throw InputError(e.message, path);
  }
}

std::string dict_json(py::handle value, std::string_view caller, std::string_view shape, std::string_view name) {
  if (!PyDict_Check(value.ptr())) {
    throw py::type_error(std::string(caller) + ": expected " + (name.empty() ? "" : std::string(name) + " to be ") +
                         "a dict of the " + std::string(shape) + " JSON shape, got " + type_name(value.ptr()));
  }
  std::string json;
  append_json(json, value, name);
  return json;
}

std::string_view json_lines_text(py::handle jsonl, std::string_view caller) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  if (PyUnicode_Check(jsonl.ptr())) {
    data = const_cast<char*>(PyUnicode_AsUTF8AndSize(jsonl.ptr(), &size));
  } else if (PyBytes_Check(jsonl.ptr())) {
    PyBytes_AsStringAndSize(jsonl.ptr(), &data, &size);
  } else {
    throw py::type_error(std::string(caller) + ": expected the JSON Lines as str or bytes, got " + type_name(jsonl.ptr()));
  }
  if (data == nullptr) {
    throw py::error_already_set();
  }
  return {data, static_cast<std::size_t>(size)};
}

py::object json_loads(std::string_view text) { return py::module_::import("json").attr("loads")(text); }

}  // namespace aftersales::python
