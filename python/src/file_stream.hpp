#pragma once
// The files of the streamed JSON Lines calls (KpiEngine.compute_file, SlaEngine.evaluate_file): a
// path, opened and read here without the GIL, or a binary Python file object (sys.stdin.buffer,
// an open(..., "rb"), io.BytesIO), read and written through its read() and write() under the GIL.

#include <pybind11/pybind11.h>

#include <fstream>
#include <ios>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string_view>
#include <vector>

namespace aftersales::python {

/// A binary Python file object as a std::streambuf: read(n) fills the get area, write(bytes)
/// empties the put area, each under the GIL, a pending signal's handler run first (Ctrl-C).
/// What Python raises propagates (the stream over it rethrows, CallerFile sets that up).
class PythonFileBuffer : public std::streambuf {
 public:
  explicit PythonFileBuffer(pybind11::object file);
  PythonFileBuffer(const PythonFileBuffer&) = delete;
  PythonFileBuffer& operator=(const PythonFileBuffer&) = delete;
  ~PythonFileBuffer() override;

 protected:
  int_type underflow() override;
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  void write_out();

  pybind11::object file_;
  std::vector<char> get_;
  std::vector<char> put_;
};

/// The stream of a streamed call's argument: a path (str or os.PathLike), opened with `mode`, or
/// a binary file object. Destroy it with the GIL held.
class CallerFile {
 public:
  /// @throws OSError (FileNotFoundError, ...) if the path does not open; TypeError naming `caller`
  ///         and `what` (e.g. "tickets") for anything that is neither a path nor a file object.
  CallerFile(pybind11::handle file, std::ios::openmode mode, std::string_view caller, std::string_view what);

  std::iostream& stream() noexcept { return stream_; }

 private:
  std::filebuf file_;
  std::unique_ptr<PythonFileBuffer> python_;
  std::iostream stream_{nullptr};
};

}  // namespace aftersales::python
