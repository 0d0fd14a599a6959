#include "file_stream.hpp"

#include "progress.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// Python calls cost little beside a MiB of JSON Lines.
constexpr std::size_t buffer_bytes = 1u << 20;

}  // namespace

PythonFileBuffer::PythonFileBuffer(py::object file) : file_(std::move(file)), get_(buffer_bytes), put_(buffer_bytes) {
  setp(put_.data(), put_.data() + put_.size());
}

// The caller flushes (SlaEngine's stream overload does): a failure here could not be reported.
PythonFileBuffer::~PythonFileBuffer() = default;

PythonFileBuffer::int_type PythonFileBuffer::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  const py::gil_scoped_acquire gil;
  check_signals();
  const py::object data = file_.attr("read")(get_.size());
  if (!PyBytes_Check(data.ptr()))
    throw py::type_error(std::string("expected a binary file object (open(..., \"rb\")), whose read() gives bytes, got ") +
                         Py_TYPE(data.ptr())->tp_name);
  const auto size = static_cast<std::size_t>(PyBytes_GET_SIZE(data.ptr()));
  if (size == 0) return traits_type::eof();
  std::memcpy(get_.data(), PyBytes_AS_STRING(data.ptr()), std::min(size, get_.size()));
  setg(get_.data(), get_.data(), get_.data() + std::min(size, get_.size()));
  return traits_type::to_int_type(*gptr());
}

PythonFileBuffer::int_type PythonFileBuffer::overflow(int_type c) {
  write_out();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int PythonFileBuffer::sync() {
  write_out();
  const py::gil_scoped_acquire gil;
  if (py::hasattr(file_, "flush")) file_.attr("flush")();
  return 0;
}

void PythonFileBuffer::write_out() {
  const auto size = static_cast<std::size_t>(pptr() - pbase());
  if (size == 0) return;
  const py::gil_scoped_acquire gil;
  check_signals();
  file_.attr("write")(py::bytes(pbase(), size));
  setp(put_.data(), put_.data() + put_.size());
}

CallerFile::CallerFile(py::handle file, std::ios::openmode mode, std::string_view caller, std::string_view what) {
  const py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(file) || py::isinstance(file, os.attr("PathLike"))) {
    const py::object path = os.attr("fspath")(file);
    if (file_.open(path.cast<std::string>(), mode | std::ios::binary) == nullptr) {
      PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path.ptr());
      throw py::error_already_set();
    }
    stream_.rdbuf(&file_);
  } else if (py::hasattr(file, (mode & std::ios::in) != 0 ? "read" : "write")) {
    python_ = std::make_unique<PythonFileBuffer>(py::reinterpret_borrow<py::object>(file));
    stream_.rdbuf(python_.get());
    // What Python raised (KeyboardInterrupt, an OSError) propagates rather than failing the stream.
    stream_.exceptions(std::ios::badbit);
  } else {
    throw py::type_error(std::string(caller) + ": expected " + std::string(what) +
                         " as a path or a binary file object, got " + Py_TYPE(file.ptr())->tp_name);
  }
}

}  // namespace aftersales::python
