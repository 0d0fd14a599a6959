#include <aftersales/logging.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "logging/log.hpp"

namespace aftersales {
namespace {

LogLevel to_log_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return LogLevel::trace;
    case spdlog::level::debug: return LogLevel::debug;
    case spdlog::level::info: return LogLevel::info;
    case spdlog::level::warn: return LogLevel::warn;
    case spdlog::level::err:
    case spdlog::level::critical: return LogLevel::error;
    default: return LogLevel::off;
  }
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace: return spdlog::level::trace;
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
    case LogLevel::off: return spdlog::level::off;
  }
  return spdlog::level::off;
}

// Hands each record to the host's handler, or to standard error when there is none. The
// handler is swapped under the sink's own mutex, which spdlog also holds while delivering.
class HandlerSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_handler(LogHandler handler) {
    const std::lock_guard<std::mutex> lock(mutex_);
    handler_ = std::move(handler);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (handler_) {
      handler_(to_log_level(msg.level), std::string_view(msg.payload.data(), msg.payload.size()));
      return;
    }
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  LogHandler handler_;
};

struct Logging {
  std::shared_ptr<HandlerSink> sink = std::make_shared<HandlerSink>();
  spdlog::logger logger{"aftersales", sink};
  Logging() {
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>("[%Y-%m-%d %H:%M:%S.%e] [aftersales] [%l] %v"));
    logger.set_level(spdlog::level::off);
  }
};

Logging& logging() {
  static Logging instance;
  return instance;
}

}  // namespace

namespace detail {
spdlog::logger* log() { return &logging().logger; }
}  // namespace detail

void set_log_level(LogLevel level) { logging().logger.set_level(to_spdlog(level)); }

LogLevel log_level() noexcept { return to_log_level(logging().logger.level()); }

void set_log_handler(LogHandler handler) { logging().sink->set_handler(std::move(handler)); }

}  // namespace aftersales
