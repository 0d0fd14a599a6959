#include "pickling.hpp"

#include <utility>

namespace aftersales::python {

pybind11::tuple reduce_with(const char* function, const pybind11::tuple& args) {
  namespace py = pybind11;
  // Interned: the name of every object of a type is one str, which a pickle writes once.
  py::tuple call(args.size() + 1);
  call[0] = py::reinterpret_steal<py::str>(PyUnicode_InternFromString(function));
  for (std::size_t i = 0; i < args.size(); ++i) call[i + 1] = args[i];
  return py::make_tuple(py::module_::import("aftersales._pickling").attr("rebuild"), std::move(call));
}

}  // namespace aftersales::python
