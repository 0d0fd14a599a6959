#pragma once
// What the C ABI shims (capi/*.cpp) share: tagged handles, the guarded wrapper that turns
// exceptions into status codes, pointer checks and the copy of returned text.

#include "aftersales.h"

#include <aftersales/aftersales.hpp>

#include <cstdint>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace aftersales::capi {

using aftersales::ErrorCode;

// A handle starts with a tag that says what it is, so that a NULL, a pointer to some other
// object or (often) a freed handle is rejected instead of being used.
template <class T, std::uint64_t Tag>
struct Handle {
  static constexpr std::uint64_t live_tag = Tag;
  explicit Handle(T v) : value(std::move(v)) {}
  std::uint64_t tag = Tag;
  T value;
};

}  // namespace aftersales::capi

// Tags spell the type in ASCII ("asPolicy"), recognisable in a debugger.
struct aftersales_policy : aftersales::capi::Handle<std::shared_ptr<const aftersales::Policy>, 0x6173506f6c696379> {
  using Handle::Handle;
  static constexpr const char* type_name = "aftersales_policy";
};

namespace aftersales::capi {

// Reading the tag as raw bytes from offset 0 is what lets a pointer of the wrong type be checked.
static_assert(std::is_standard_layout_v<aftersales_policy>);

/// Records `message` as this thread's last error and returns `status`.
int fail(int status, std::string_view message) noexcept;
/// Clears this thread's last error (at the start of every shim).
void clear_last_error() noexcept;
int status_of(ErrorCode code) noexcept;

// Turns the exception being handled into a status code and this thread's last error, and gives
// the caller a copy of the message through `out_error` when it is not NULL (NULL if the copy
// cannot be allocated: the status still says what happened). Out of line, so that the catch
// ladder is compiled once rather than in every shim's guarded().
int fail_current(char** out_error) noexcept;

// Runs one shim body: clears the last error, turns every exception into a status code and a
// message, and hands the message to the caller through `out_error` too (when not NULL; NULL on
// success). The out-parameter belongs to the call, not to the thread, so a caller that may
// change threads between calls (a Go goroutine) still reads its own error. Nothing escapes.
template <class Body>
int guarded(char** out_error, Body&& body) noexcept {
  clear_last_error();
  if (out_error != nullptr) *out_error = nullptr;
  try {
    std::forward<Body>(body)();
    return AFTERSALES_OK;
  } catch (...) {
    return fail_current(out_error);
  }
}

[[noreturn]] inline void invalid_argument(std::string message) {
  throw aftersales::Error(ErrorCode::invalid_argument, message);
}

template <class T>
T* non_null(T* pointer, const char* name) {
  if (pointer == nullptr) {
    invalid_argument(std::string(name) + " is NULL; expected a valid pointer");
  }
  return pointer;
}

template <class H>
bool is_live(const H* handle) noexcept {
  std::uint64_t tag = 0;
  std::memcpy(&tag, static_cast<const void*>(handle), sizeof tag);
  return tag == H::live_tag;
}

template <class H>
const auto& unwrap(const H* handle, const char* name) {
  if (handle == nullptr) {
    invalid_argument(std::string(name) + " is NULL; expected an " + H::type_name);
  }
  if (!is_live(handle)) {
    invalid_argument(std::string(name) + " is not a live " + H::type_name +
                     " (freed, never created, or a handle of another type)");
  }
  return handle->value;
}

// Nulls the caller's pointer first, so that it holds NULL (safe to free) on every failure.
template <class H>
H*& handle_out(H** out, const char* name = "out") {
  H*& slot = *non_null(out, name);
  slot = nullptr;
  return slot;
}

// The file at `path` (named `name` in errors) opened in binary with `mode`, for the streamed calls.
// @throws InputError naming the file and why it does not open.
template <class Stream>
Stream open_file(const char* path, std::ios::openmode mode, const char* name) {
  Stream file(non_null(path, name), mode | std::ios::binary);
  if (!file) {
    const int error = errno;
    throw InputError(std::string("cannot open ") + name + " \"" + path + "\"" +
                     (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
  }
  return file;
}

// Text handed to the caller, who releases it with aftersales_free (std::free).
inline char* malloc_copy(const std::string& text) {
  auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

// The body of the shims that run an engine built on the policy over caller text and hand back
// its text (refunds, compensation; one request or JSON Lines): `run(engine, text)`. The checks
// come in the order of every shim: the out-parameter, the policy, the text. `text_name` and
// `out_name` are the C parameters' names, for the errors.
template <class Engine, class Run>
int run_engine(const aftersales_policy* policy, const char* text, const char* text_name, std::size_t len, char** out,
               const char* out_name, char** out_error, Run run) noexcept {
  return guarded(out_error, [&] {
    auto& result = handle_out(out, out_name);
    const auto& source = unwrap(policy, "policy");
    const std::string_view view(non_null(text, text_name), len);
    result = malloc_copy(run(Engine(source), view));
  });
}

template <class H>
void release(H* handle) noexcept {
  if (handle == nullptr || !is_live(handle)) return;
  handle->tag = 0;
  delete handle;
}

inline std::int64_t to_ms(aftersales::Instant t) noexcept { return t.time_since_epoch().count(); }

}  // namespace aftersales::capi
