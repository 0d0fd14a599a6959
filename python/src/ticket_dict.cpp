#include "ticket_dict.hpp"

#include "convert.hpp"
#include "json_text.hpp"

#include <aftersales/error.hpp>

#include <boost/json/value.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "document/json_reader.hpp"
#include "text/text.hpp"
#include "ticket/ticket_reader.hpp"

namespace aftersales::python {

namespace py = pybind11;

namespace {

std::string type_name(PyObject* value) { return Py_TYPE(value)->tp_name; }

bool is_numpy_array(PyObject* value) { return std::string_view(Py_TYPE(value)->tp_name) == "numpy.ndarray"; }
}  // namespace

// What every node of one ticket shares: where problems go and the ticket's place in a batch.
struct TicketDictReader::Context {
  detail::Problems problems;
  std::optional<std::size_t> index;

  // "tickets[7]" in a batch, spelled out only for an exception.
  [[nodiscard]] std::string name() const { return index ? "tickets[" + std::to_string(*index) + "]" : std::string(); }
};

namespace {

using Context = TicketDictReader::Context;

// detail::Node's interface (see ticket_reader.hpp) over a Python value. The path is spelled out
// only when a problem is recorded: a child points to its parent, which outlives it.
class DictNode {
 public:
  DictNode(py::handle value, Context& context)
      : value_(py::reinterpret_borrow<py::object>(value)), context_(&context) {}

  [[nodiscard]] std::string path() const {
    if (parent_ == nullptr) return {};
    if (index_ != no_index) return parent_->path() + "[" + std::to_string(index_) + "]";
    return detail::Node::join(parent_->path(), key_);
  }

  void problem(std::string message) const { context_->problems.add(path(), std::move(message)); }

  // One pass over the dict. Each member found holds a reference to its value, and its key is
  // the entry of `keys`: a tzinfo's utcoffset() is Python code that may empty the dict while
  // the reader still reads what it held.
  template <std::size_t K>
  [[nodiscard]] std::optional<std::array<std::optional<DictNode>, K>> members(
      const std::array<std::string_view, K>& keys) const {
    if (!is_object()) return std::nullopt;
    std::optional<std::array<std::optional<DictNode>, K>> found(std::in_place);
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    while (PyDict_Next(ptr(), &position, &key, &value) != 0) {
      const std::string_view name = key_text(key);
      if (is_missing(value)) continue;
      if (const auto i = detail::key_index(keys, name); i < K) (*found)[i] = child(keys[i], value);
      else context_->problems.add(detail::Node::join(path(), name), detail::unknown_key_message(name, keys));
    }
    return found;
  }

  template <class Visit>
  void for_each_member(Visit visit) const {
    if (!is_object()) return;
    // The items hold every key and value while they are visited.
    const auto items = py::reinterpret_steal<py::object>(PyDict_Items(ptr()));
    if (!items) throw py::error_already_set();
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items.ptr()); ++i) {
      PyObject* item = PyList_GET_ITEM(items.ptr(), i);
      const std::string_view name = key_text(PyTuple_GET_ITEM(item, 0));
      if (is_missing(PyTuple_GET_ITEM(item, 1))) continue;
      visit(name, child(name, PyTuple_GET_ITEM(item, 1)));
    }
  }

  // Asked only for a key members() did not find. It records the key as missing without looking
  // again: a tzinfo may have added it since, and the reader, which goes by what members() saw,
  // would otherwise skip the member without a problem.
  [[nodiscard]] std::optional<DictNode> required(std::string_view key) const {
    if (PyDict_Check(ptr())) context_->problems.add(detail::Node::join(path(), key), "missing");
    return std::nullopt;
  }

  [[nodiscard]] std::optional<std::size_t> array_size() const {
    // A list column of pyarrow reaches a pandas frame as 1-d numpy arrays of its items.
    if (is_numpy_array(ptr())) value_ = value_.attr("tolist")();
    if (PyList_Check(ptr())) return static_cast<std::size_t>(PyList_GET_SIZE(ptr()));
    if (PyTuple_Check(ptr())) return static_cast<std::size_t>(PyTuple_GET_SIZE(ptr()));
    problem("expected an array, found " + describe());
    return std::nullopt;
  }

  [[nodiscard]] DictNode element(std::size_t index) const {
    const auto i = static_cast<Py_ssize_t>(index);
    // A datetime's tzinfo runs Python code while the walk reads, which may shrink the list.
    const Py_ssize_t size = PyList_Check(ptr()) ? PyList_GET_SIZE(ptr()) : PyTuple_GET_SIZE(ptr());
    if (i >= size) throw py::value_error(where() + ": the list changed while it was read");
    DictNode node(PyList_Check(ptr()) ? PyList_GET_ITEM(ptr(), i) : PyTuple_GET_ITEM(ptr(), i), *context_);
    node.parent_ = this;
    node.index_ = index;
    return node;
  }

  [[nodiscard]] std::optional<std::string_view> string() const {
    if (PyUnicode_Check(ptr())) return utf8(ptr());
    problem("expected a string, found " + describe());
    return std::nullopt;
  }

  [[nodiscard]] std::optional<bool> boolean() const {
    if (PyBool_Check(ptr())) return ptr() == Py_True;
    problem("expected true or false, found " + describe());
    return std::nullopt;
  }

  [[nodiscard]] std::optional<std::int64_t> integer() const {
    if (PyLong_Check(ptr()) && !PyBool_Check(ptr())) {
      int overflow = 0;
      const long long number = PyLong_AsLongLongAndOverflow(ptr(), &overflow);
      if (number == -1 && PyErr_Occurred() != nullptr) throw py::error_already_set();
      if (overflow == 0) return number;
    }
    // pandas makes an int column with missing values float64 (a score of 5 becomes 5.0), and
    // pyarrow's lists of structs come out of to_pandas() the same way: a whole float is that int.
    if (PyFloat_Check(ptr())) {
      const double number = PyFloat_AS_DOUBLE(ptr());
      if (std::trunc(number) == number && std::abs(number) < 0x1p53) return static_cast<std::int64_t>(number);
    }
    problem("expected a whole number, found " + describe());
    return std::nullopt;
  }

  [[nodiscard]] std::optional<Instant> instant() const {
    try {
      if (PyUnicode_Check(ptr())) return parse_instant(utf8(ptr()));
      if (PyLong_Check(ptr()) && !PyBool_Check(ptr())) {
        const auto ms = integer();
        if (ms) return instant_from_ms(*ms);
        return std::nullopt;
      }
      if (is_datetime(ptr())) return to_instant(ptr());
      if (is_datetime64(ptr())) {
        // Every instant of a ticket is required: numpy's NaT (unequal to itself) is one missing.
        // (PyObject_RichCompareBool would take the object's identity for equality.)
        const auto unequal = py::reinterpret_steal<py::object>(PyObject_RichCompare(ptr(), ptr(), Py_NE));
        if (!unequal) throw py::error_already_set();
        const int nat = PyObject_IsTrue(unequal.ptr());
        if (nat < 0) throw py::error_already_set();
        problem(nat == 1 ? "missing"
                         : "a numpy.datetime64 has no time zone: pass aware datetimes or a tz-aware pandas column");
        return std::nullopt;
      }
      problem(describe() + " is not an instant (RFC 3339 with an offset, or epoch milliseconds)");
    } catch (const Error& e) {
      problem(e.what());
    } catch (const py::value_error& e) {  // a naive datetime
      problem(e.what());
    }
    return std::nullopt;
  }

  [[nodiscard]] bool is_null() const noexcept { return ptr() == Py_None; }

  [[nodiscard]] std::optional<FieldScalar> scalar() const {
    if (PyUnicode_Check(ptr())) return std::string(utf8(ptr()));
    if (PyBool_Check(ptr())) return ptr() == Py_True;
    if (PyFloat_Check(ptr())) return finite(PyFloat_AS_DOUBLE(ptr()));
    if (PyLong_Check(ptr())) {
      const double number = PyLong_AsDouble(ptr());
      if (number == -1.0 && PyErr_Occurred() != nullptr) {
        PyErr_Clear();
        throw InputError(describe() + " is too large for a number", path());
      }
      return number;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t no_index = static_cast<std::size_t>(-1);

  [[nodiscard]] PyObject* ptr() const noexcept { return value_.ptr(); }

  // The full path, behind the ticket's place in a batch, for an exception other than InputError
  // raised at once. (An InputError carries path(): the batch puts the place in front of it.)
  [[nodiscard]] std::string where() const {
    return join_path(context_->name(), path());
  }

  [[nodiscard]] DictNode child(std::string_view key, PyObject* value) const {
    DictNode node(value, *context_);
    node.parent_ = this;
    node.key_ = key;
    return node;
  }

  [[nodiscard]] bool is_object() const {
    if (PyDict_Check(ptr())) return true;
    problem("expected an object, found " + describe());
    return false;
  }

  [[nodiscard]] std::string_view key_text(PyObject* key) const {
    if (!PyUnicode_Check(key)) throw py::type_error(where() + ": a key must be a str, not " + type_name(key));
    return utf8(key);
  }

  [[nodiscard]] std::string_view utf8(PyObject* text) const {
    // Nearly every key and value is ASCII, whose characters are their UTF-8: read them in place.
    if (PyUnicode_IS_COMPACT_ASCII(text))
      return {static_cast<const char*>(PyUnicode_DATA(text)), static_cast<std::size_t>(PyUnicode_GET_LENGTH(text))};
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text, &size);
    if (data == nullptr) {
      PyErr_Clear();
      throw InputError("a str that cannot be encoded as UTF-8 (a lone surrogate?)", path());
    }
    return {data, static_cast<std::size_t>(size)};
  }

  [[nodiscard]] double finite(double number) const {
    if (!std::isfinite(number)) throw InputError("NaN and infinities have no JSON form", path());
    return number;
  }

  // The value as detail::describe renders the JSON it stands for (`"3x"`, `42`, `an object`).
  [[nodiscard]] std::string describe() const {
    if (PyUnicode_Check(ptr())) return detail::quoted(utf8(ptr()));
    if (PyBool_Check(ptr())) return ptr() == Py_True ? "true" : "false";
    if (ptr() == Py_None) return "null";
    if (is_missing(ptr())) return "a missing value (NaN, pd.NA or NaT)";
    if (PyLong_Check(ptr())) return py::reinterpret_steal<py::str>(PyLong_Type.tp_repr(ptr())).cast<std::string>();
    if (PyFloat_Check(ptr())) return detail::describe(boost::json::value(finite(PyFloat_AS_DOUBLE(ptr()))));
    if (PyDict_Check(ptr())) return "an object";
    if (PyList_Check(ptr()) || PyTuple_Check(ptr())) return "an array";
    if (is_datetime(ptr())) return "a datetime";
    throw py::type_error(where() + (where().empty() ? "" : ": ") + type_name(ptr()) +
                         " is not a JSON value (expected dict, list, str, int, float, bool or None; "
                         "write instants as RFC 3339 text, epoch milliseconds or aware datetimes)");
  }

  mutable py::object value_;  // a numpy array becomes a list when read as an array
  Context* context_;
  const DictNode* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = no_index;
};

}  // namespace

TicketDictReader::TicketDictReader() : context_(std::make_unique<Context>()) {}
TicketDictReader::~TicketDictReader() = default;

Ticket TicketDictReader::read(py::handle ticket, std::optional<std::size_t> index) {
  context_->index = index;
  if (!PyDict_Check(ticket.ptr())) {
    throw py::type_error((index ? context_->name() : std::string("ticket")) +
                         ": expected a dict of the ticket JSON shape, got " + type_name(ticket.ptr()));
  }
  context_->problems = {};
  return detail::read_ticket(DictNode(ticket, *context_), context_->problems);
}

}  // namespace aftersales::python
