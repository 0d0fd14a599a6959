#pragma once
// The `progress=` argument of every Python batch call, as the library's BatchProgress.

#include <aftersales/batch.hpp>

#include <pybind11/pybind11.h>

#include <string_view>

namespace aftersales::python {

/// The BatchProgress of a batch call given `callback` (a callable `(done, total)`, or None) as its
/// `progress=` argument. At each throttled report (docs/threading.md, "Progress") it takes the GIL,
/// lets Python run a pending signal's handler (so that Ctrl-C raises KeyboardInterrupt in the middle
/// of a long batch, callback or not), then calls `callback`; what either raises stops the batch and
/// propagates. `callback` is borrowed: the call's own argument keeps it alive.
/// @throws pybind11::type_error naming `caller` if `callback` is neither callable nor None.
[[nodiscard]] BatchProgress python_progress(pybind11::handle callback, std::string_view caller);

/// Runs the handler of a pending signal (Ctrl-C: KeyboardInterrupt), for the long stretches of a
/// batch call that hold the GIL without running Python code. Needs the GIL.
/// @throws pybind11::error_already_set with what the handler raised.
void check_signals();

}  // namespace aftersales::python
