// The fast path's rules mirror src/ticket/ticket.cpp exactly for what they accept; whatever
// they do not recognise with certainty is refused and read through JSON instead.

#include "ticket_dict.hpp"

#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>

namespace aftersales::python {
namespace {

// A ticket document over 4 MiB is refused by the JSON path; stay far below it.
constexpr std::size_t max_text = 1u << 20;

struct Refused {};  // thrown inside the reader when a value falls outside the fast path

class Reader {
 public:
  Ticket ticket(PyObject* dict) {
    Ticket t;
    bool has_id = false;
    bool has_created = false;
    for_each(dict, {"id", "created_at", "channel", "category", "priority", "customer", "order", "tags", "fields",
                    "events"},
             [&](std::string_view key, PyObject* value) {
               if (key == "id") t.id = text(value), has_id = true;
               else if (key == "created_at") t.created_at = instant(value), has_created = true;
               else if (key == "channel") t.channel = text(value);
               else if (key == "category") t.category = text(value);
               else if (key == "priority") t.priority = priority(value);
               else if (key == "customer") customer(value, t.customer);
               else if (key == "order") order(value, t.order);
               else if (key == "tags") for_each_item(value, [&](PyObject* tag) { t.tags.push_back(text(tag)); });
               else if (key == "fields") fields(value, t.fields);
               else for_each_item(value, [&](PyObject* e) { t.events.push_back(event(e)); });
             });
    if (!has_id || !has_created) throw Refused{};
    for (const Event& e : t.events)
      if (e.at < t.created_at) throw Refused{};
    return t;
  }

 private:
  template <class Visit>
  void for_each(PyObject* dict, std::initializer_list<std::string_view> allowed, Visit&& visit) {
    if (!PyDict_Check(dict)) throw Refused{};
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &key, &value)) {
      const std::string_view name = view(key);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) throw Refused{};
      visit(name, value);
    }
  }

  template <class Visit>
  void for_each_item(PyObject* sequence, Visit&& visit) {
    if (!PyList_Check(sequence) && !PyTuple_Check(sequence)) throw Refused{};
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(sequence);
    PyObject** items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t i = 0; i < n; ++i) visit(items[i]);
  }

  std::string_view view(PyObject* value) {
    if (!PyUnicode_Check(value)) throw Refused{};
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(value, &size);
    if (data == nullptr) {
      PyErr_Clear();  // not valid Unicode (a lone surrogate): the JSON path says so
      throw Refused{};
    }
    text_bytes_ += static_cast<std::size_t>(size) + 16;
    if (text_bytes_ > max_text) throw Refused{};
    return {data, static_cast<std::size_t>(size)};
  }
  std::string text(PyObject* value) { return std::string(view(value)); }

  static std::int64_t integer(PyObject* value) {
    if (!PyLong_Check(value) || PyBool_Check(value)) throw Refused{};
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow != 0 || (n == -1 && PyErr_Occurred() != nullptr)) {
      PyErr_Clear();
      throw Refused{};
    }
    return n;
  }
  static bool boolean(PyObject* value) {
    if (!PyBool_Check(value)) throw Refused{};
    return value == Py_True;
  }

  Instant instant(PyObject* value) {
    try {
      if (PyUnicode_Check(value)) return parse_instant(view(value));
      return instant_from_ms(integer(value));
    } catch (const Error&) {
      throw Refused{};
    }
  }

  Priority priority(PyObject* value) {
    constexpr std::array<std::string_view, 4> names{"low", "normal", "high", "urgent"};
    const auto it = std::find(names.begin(), names.end(), view(value));
    if (it == names.end()) throw Refused{};
    return static_cast<Priority>(it - names.begin());
  }

  void customer(PyObject* value, Customer& c) {
    for_each(value, {"id", "tier", "language"}, [&](std::string_view key, PyObject* v) {
      (key == "id" ? c.id : key == "tier" ? c.tier : c.language) = text(v);
    });
  }

  void order(PyObject* value, Order& o) {
    PyObject* amount = nullptr;
    PyObject* code = nullptr;
    for_each(value, {"id", "amount", "currency"}, [&](std::string_view key, PyObject* v) {
      if (key == "id") o.id = text(v);
      else if (key == "amount") amount = v;
      else code = v;
    });
    // As in the JSON path: the currency is read only with an amount.
    if (amount == nullptr) return;
    if (code == nullptr) throw Refused{};
    try {
      o.amount = Money::parse(view(amount), currency(view(code)));
    } catch (const Error&) {
      throw Refused{};
    }
  }

  void fields(PyObject* value, std::vector<std::pair<std::string, FieldScalar>>& out) {
    if (!PyDict_Check(value)) throw Refused{};
    PyObject* key = nullptr;
    PyObject* v = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(value, &pos, &key, &v)) {
      std::string name = text(key);
      if (PyUnicode_Check(v)) out.emplace_back(std::move(name), text(v));
      else if (PyBool_Check(v)) out.emplace_back(std::move(name), v == Py_True);
      else if (PyLong_Check(v)) out.emplace_back(std::move(name), static_cast<double>(integer(v)));
      else if (PyFloat_Check(v) && std::isfinite(PyFloat_AS_DOUBLE(v))) out.emplace_back(std::move(name), PyFloat_AS_DOUBLE(v));
      else throw Refused{};
    }
  }

  Event event(PyObject* value) {
    Event e;
    PyObject* to = nullptr;
    PyObject* score = nullptr;
    bool has_at = false;
    for_each(value, {"at", "type", "agent", "queue", "public", "bot", "to", "score"},
             [&](std::string_view key, PyObject* v) {
               if (key == "at") e.at = instant(v), has_at = true;
               else if (key == "type") e.name = text(v);
               else if (key == "agent") e.agent = text(v);
               else if (key == "queue") e.queue = text(v);
               else if (key == "public") e.is_public = boolean(v);
               else if (key == "bot") e.bot = boolean(v);
               else if (key == "to") to = v;
               else score = v;
             });
    if (!has_at || e.name.empty()) throw Refused{};
    e.type = event_type(e.name);
    if (e.type == EventType::status || e.type == EventType::priority) {
      if (to == nullptr) throw Refused{};
      if (e.type == EventType::priority) {
        e.to_priority = priority(to);
      } else {
        const std::string_view status = view(to);
        if (status == "open") e.to_status = Status::open;
        else if (status == "pending_customer") e.to_status = Status::pending_customer;
        else if (status == "on_hold") e.to_status = Status::on_hold;
        else throw Refused{};
      }
    } else if (to != nullptr) {
      throw Refused{};
    }
    if (e.type == EventType::satisfaction || e.type == EventType::nps) {
      if (score == nullptr) throw Refused{};
      const std::int64_t n = integer(score);
      if (n < (e.type == EventType::satisfaction ? 1 : 0) || n > (e.type == EventType::satisfaction ? 5 : 10))
        throw Refused{};
      e.score = static_cast<int>(n);
    } else if (score != nullptr) {
      throw Refused{};
    }
    return e;
  }

  std::size_t text_bytes_ = 0;
};

}  // namespace

std::optional<Ticket> read_ticket_dict(pybind11::handle dict) noexcept {
  try {
    return Reader().ticket(dict.ptr());
  } catch (...) {
    // Refused, or out of memory on the way: the JSON path will answer either.
    return std::nullopt;
  }
}

}  // namespace aftersales::python
