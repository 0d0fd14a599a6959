#pragma once
/// @file
/// Diagnostics. aftersales is silent by default; a host chooses a level and, if it likes,
/// receives the records itself. Customer identifiers and message content are never logged.

#include <aftersales/export.h>

#include <functional>
#include <string_view>

namespace aftersales {

/// Severity, in increasing order; `off` silences everything (the default).
enum class LogLevel : int { trace = 0, debug = 1, info = 2, warn = 3, error = 4, off = 6 };

/// Receives one record's message. Called on the thread that logged, one record at a time;
/// it must not throw and must not call back into aftersales.
using LogHandler = std::function<void(LogLevel level, std::string_view message)>;

/// Sets the lowest level that is emitted. Thread-safe.
AFTERSALES_EXPORT void set_log_level(LogLevel level);

/// The current level.
AFTERSALES_EXPORT LogLevel log_level() noexcept;

/// Sends records to `handler` instead of standard error; an empty handler restores standard
/// error. Thread-safe: it waits for a record being delivered to the previous handler.
AFTERSALES_EXPORT void set_log_handler(LogHandler handler);

}  // namespace aftersales
