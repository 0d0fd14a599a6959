#include "progress.hpp"

#include <cstddef>
#include <string>

namespace aftersales::python {

namespace py = pybind11;

BatchProgress python_progress(py::handle callback, std::string_view caller) {
  if (!callback.is_none() && PyCallable_Check(callback.ptr()) == 0) {
    throw py::type_error(std::string(caller) + ": expected progress to be a callable (done, total) or None, got " +
                         Py_TYPE(callback.ptr())->tp_name);
  }
  return [callback](std::size_t done, std::size_t total) {
    const py::gil_scoped_acquire gil;
    check_signals();
    if (!callback.is_none()) callback(done, total);
  };
}

void check_signals() {
  // Handlers run only on the main thread; elsewhere this is a no-op, as it is for Python code.
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace aftersales::python
