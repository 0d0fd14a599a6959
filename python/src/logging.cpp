#include "bindings.hpp"

#include <aftersales/logging.hpp>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace aftersales::python {

namespace py = pybind11;

namespace {

struct NamedLevel {
  std::string_view name;
  LogLevel level;
};

constexpr std::array<NamedLevel, 6> levels{{{"trace", LogLevel::trace},
                                            {"debug", LogLevel::debug},
                                            {"info", LogLevel::info},
                                            {"warn", LogLevel::warn},
                                            {"error", LogLevel::error},
                                            {"off", LogLevel::off}}};

LogLevel level_named(std::string_view name) {
  for (const NamedLevel& named : levels) {
    if (named.name == name) {
      return named.level;
    }
  }
  throw py::value_error("set_log_level: unknown level '" + std::string(name) +
                        "', expected one of trace, debug, info, warn, error, off");
}

std::string_view name_of(LogLevel level) {
  for (const NamedLevel& named : levels) {
    if (named.level == level) {
      return named.name;
    }
  }
  return "unknown";
}

// The handler is released by whichever thread drops the library's last copy of it, so its
// reference to the Python callable must take the GIL to go away, and must simply leak once
// the interpreter is gone.
void release_callable(py::object* callable) {
  if (Py_IsInitialized() == 0) {
    return;
  }
  const py::gil_scoped_acquire gil;
  delete callable;
}

void deliver(const py::object& callable, LogLevel level, std::string_view message) {
  const py::gil_scoped_acquire gil;
  try {
    // "replace": a record is text for a human; one bad byte must not lose the whole record.
    const auto text = py::reinterpret_steal<py::str>(
        PyUnicode_DecodeUTF8(message.data(), static_cast<Py_ssize_t>(message.size()), "replace"));
    if (!text) {
      throw py::error_already_set();
    }
    callable(py::str(name_of(level).data(), name_of(level).size()), text);
  } catch (py::error_already_set& e) {
    // The library calls handlers that must not throw; Python reports it as it does for
    // exceptions in __del__.
    e.discard_as_unraisable("aftersales log handler");
  }
}

void set_handler(const py::object& handler) {
  LogHandler forward;
  if (!handler.is_none()) {
    if (!PyCallable_Check(handler.ptr())) {
      throw py::type_error("set_log_handler: expected a callable(level, message) or None, got " +
                           py::type::of(handler).attr("__name__").cast<std::string>());
    }
    std::shared_ptr<const py::object> callable(new py::object(handler), &release_callable);
    forward = [callable](LogLevel level, std::string_view message) {
      deliver(*callable, level, message);
    };
  }
  // Without the GIL: the previous handler may be delivering a record on another thread and
  // waiting for the GIL, while holding what set_log_handler needs.
  const py::gil_scoped_release release;
  aftersales::set_log_handler(std::move(forward));
}

void set_level(std::string_view name) {
  const LogLevel level = level_named(name);
  const py::gil_scoped_release release;
  aftersales::set_log_level(level);
}

std::string_view current_level() { return name_of(aftersales::log_level()); }

}  // namespace

void bind_logging(py::module_& m) {
  m.def("set_log_level", &set_level, py::arg("level"),
        "Sets the lowest level emitted: 'trace', 'debug', 'info', 'warn', 'error' or 'off' "
        "(the default: aftersales is silent).");
  m.def("log_level", &current_level, "The current log level's name.");
  m.def("set_log_handler", &set_handler, py::arg("handler"),
        "Sends each record to handler(level, message) instead of standard error; None "
        "restores standard error. The handler may be called from any thread; an exception it "
        "raises is reported as unraisable and otherwise ignored.");
  // Drop the Python handler while the interpreter can still release it.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { set_handler(py::none()); }));
}

}  // namespace aftersales::python
