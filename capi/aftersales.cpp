// The C ABI: each function is one guarded call into the C++ API. The only code here turns C
// arguments into C++ values (checking pointers and handles) and exceptions into status codes.

#include "aftersales.h"
#include "capi_support.hpp"

#include <aftersales/aftersales.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "error/problem_list.hpp"

namespace {
using namespace aftersales::capi;
}  // namespace

struct aftersales_calendar : aftersales::capi::Handle<aftersales::Calendar, 0x617343616c6e6472> {
  using Handle::Handle;
  static constexpr const char* type_name = "aftersales_calendar";
};

namespace aftersales::capi {

namespace {

// The last error points either into `last_error_text` or at a string literal, so that recording
// an error never needs memory it may not get.
thread_local std::string last_error_text;
thread_local const char* last_error = "";

}  // namespace

int fail(int status, std::string_view message) noexcept {
  try {
    last_error_text.assign(message);
    last_error = last_error_text.c_str();
  } catch (...) {
    last_error = "out of memory while recording an error message";
  }
  return status;
}

void clear_last_error() noexcept { last_error = ""; }

namespace {

char* copy_last_error() noexcept {
  const std::size_t size = std::strlen(last_error) + 1;
  auto* copy = static_cast<char*>(std::malloc(size));
  if (copy != nullptr) std::memcpy(copy, last_error, size);
  return copy;
}

int record_current() noexcept {
  try {
    throw;
  } catch (const aftersales::PolicyError& e) {
    return fail(AFTERSALES_EPOLICY, aftersales::detail::problem_lines(e.problems(), "\n"));
  } catch (const aftersales::Error& e) {
    return fail(status_of(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return fail(AFTERSALES_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return fail(AFTERSALES_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(AFTERSALES_EINTERNAL, "internal error: an unknown exception");
  }
}

}  // namespace

int fail_current(char** out_error) noexcept {
  const int status = record_current();
  if (out_error != nullptr) *out_error = copy_last_error();
  return status;
}

int status_of(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return AFTERSALES_EINVALID_ARGUMENT;
    case ErrorCode::policy: return AFTERSALES_EPOLICY;
    case ErrorCode::input: return AFTERSALES_EINPUT;
    case ErrorCode::out_of_range: return AFTERSALES_EOUT_OF_RANGE;
    case ErrorCode::not_found: return AFTERSALES_ENOT_FOUND;
    case ErrorCode::internal: return AFTERSALES_EINTERNAL;
  }
  return AFTERSALES_EINTERNAL;
}

}  // namespace aftersales::capi

namespace {

static_assert(std::is_standard_layout_v<aftersales_calendar>);

static_assert(AFTERSALES_LOG_TRACE == static_cast<int>(aftersales::LogLevel::trace));
static_assert(AFTERSALES_LOG_DEBUG == static_cast<int>(aftersales::LogLevel::debug));
static_assert(AFTERSALES_LOG_INFO == static_cast<int>(aftersales::LogLevel::info));
static_assert(AFTERSALES_LOG_WARN == static_cast<int>(aftersales::LogLevel::warn));
static_assert(AFTERSALES_LOG_ERROR == static_cast<int>(aftersales::LogLevel::error));
static_assert(AFTERSALES_LOG_OFF == static_cast<int>(aftersales::LogLevel::off));

aftersales::LogLevel log_level_of(int level) {
  switch (level) {
    case AFTERSALES_LOG_TRACE:
    case AFTERSALES_LOG_DEBUG:
    case AFTERSALES_LOG_INFO:
    case AFTERSALES_LOG_WARN:
    case AFTERSALES_LOG_ERROR:
    case AFTERSALES_LOG_OFF: return static_cast<aftersales::LogLevel>(level);
    default:
      invalid_argument("level " + std::to_string(level) +
                       " is not a log level; expected an AFTERSALES_LOG_* value (0-4 or 6)");
  }
}

// The C callback gets a NUL-terminated copy: the C++ handler's view may point into a
// formatting buffer that ends without one.
aftersales::LogHandler c_log_handler(aftersales_log_fn fn, void* user) {
  if (fn == nullptr) return {};
  return [fn, user](aftersales::LogLevel level, std::string_view message) {
    try {
      const std::string text(message);
      fn(static_cast<int>(level), text.c_str(), text.size(), user);
    } catch (...) {
      // A record that cannot be copied is dropped; logging must never fail the caller.
    }
  };
}

// next_close and previous_close: an instant in, an instant out.
template <aftersales::Instant (aftersales::Calendar::*operation)(aftersales::Instant) const>
int calendar_close(const aftersales_calendar* calendar, int64_t at_ms, int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms((cal.*operation)(aftersales::instant_from_ms(at_ms)));
  });
}

}  // namespace

extern "C" {

const char* aftersales_last_error(void) { return last_error; }

void aftersales_free(void* ptr) { std::free(ptr); }

const char* aftersales_version(void) { return aftersales::version(); }

int aftersales_version_number(void) { return AFTERSALES_VERSION_NUMBER; }

int aftersales_instant_parse(const char* text, size_t len, int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const std::string_view view(non_null(text, "text"), len);
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms(aftersales::parse_instant(view));
  });
}

int aftersales_instant_format(int64_t ms, char** out_text, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_text, "out_text");
    result = malloc_copy(aftersales::format_instant(aftersales::instant_from_ms(ms)));
  });
}

int aftersales_policy_load(const char* json, size_t len, aftersales_policy** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const std::string_view text(non_null(json, "json"), len);
    result = new aftersales_policy(aftersales::Policy::from_json(text));
  });
}

int aftersales_policy_load_file(const char* path, aftersales_policy** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const char* file = non_null(path, "path");
    result = new aftersales_policy(aftersales::Policy::from_file(file));
  });
}

void aftersales_policy_free(aftersales_policy* policy) { release(policy); }

int aftersales_policy_to_json(const aftersales_policy* policy, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(unwrap(policy, "policy")->to_json());
  });
}

int aftersales_policy_calendar(const aftersales_policy* policy, const char* name,
                               aftersales_calendar** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const auto& source = unwrap(policy, "policy");
    const char* wanted = non_null(name, "name");
    result = new aftersales_calendar(source->calendar(wanted));
  });
}

void aftersales_calendar_free(aftersales_calendar* calendar) { release(calendar); }

int aftersales_calendar_is_open(const aftersales_calendar* calendar, int64_t at_ms, int* out, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int& result = *non_null(out, "out");
    result = cal.is_open(aftersales::instant_from_ms(at_ms)) ? 1 : 0;
  });
}

int aftersales_calendar_next_open(const aftersales_calendar* calendar, int64_t at_ms,
                                  int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms(cal.next_open(aftersales::instant_from_ms(at_ms)));
  });
}

int aftersales_calendar_add(const aftersales_calendar* calendar, int64_t at_ms, int64_t duration_ms,
                            int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms(cal.add(aftersales::instant_from_ms(at_ms), aftersales::Duration{duration_ms}));
  });
}

int aftersales_calendar_between(const aftersales_calendar* calendar, int64_t from_ms, int64_t to_ms,
                                int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = cal.between(aftersales::instant_from_ms(from_ms), aftersales::instant_from_ms(to_ms))
                 .count();
  });
}

int aftersales_calendar_subtract(const aftersales_calendar* calendar, int64_t at_ms, int64_t duration_ms,
                                 int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms(cal.subtract(aftersales::instant_from_ms(at_ms), aftersales::Duration{duration_ms}));
  });
}

int aftersales_calendar_next_close(const aftersales_calendar* calendar, int64_t at_ms, int64_t* out_ms,
                                   char** out_error) {
  return calendar_close<&aftersales::Calendar::next_close>(calendar, at_ms, out_ms, out_error);
}

int aftersales_calendar_previous_close(const aftersales_calendar* calendar, int64_t at_ms, int64_t* out_ms,
                                       char** out_error) {
  return calendar_close<&aftersales::Calendar::previous_close>(calendar, at_ms, out_ms, out_error);
}

int aftersales_calendar_business_day_end(const aftersales_calendar* calendar, int64_t at_ms, int n,
                                         int64_t* out_ms, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out_ms, "out_ms");
    result = to_ms(cal.business_day_end(aftersales::instant_from_ms(at_ms), n));
  });
}

int aftersales_calendar_business_days_between(const aftersales_calendar* calendar, int64_t from_ms, int64_t to_ms,
                                              int64_t* out, char** out_error) {
  return guarded(out_error, [&] {
    const auto& cal = unwrap(calendar, "calendar");
    int64_t& result = *non_null(out, "out");
    result = cal.business_days_between(aftersales::instant_from_ms(from_ms), aftersales::instant_from_ms(to_ms));
  });
}

namespace {

aftersales::SlaOptions sla_options(unsigned flags) {
  if ((flags & ~AFTERSALES_SLA_EXPLAIN) != 0)
    invalid_argument("flags has unknown bits " + std::to_string(flags & ~AFTERSALES_SLA_EXPLAIN) +
                     "; expected AFTERSALES_SLA_EXPLAIN or 0");
  return {.explain = (flags & AFTERSALES_SLA_EXPLAIN) != 0};
}

}  // namespace

int aftersales_sla_evaluate(const aftersales_policy* policy, const char* ticket_json, size_t len,
                            int64_t at_ms, char** out_json, char** out_error) {
  return aftersales_sla_evaluate_with(policy, ticket_json, len, at_ms, 0, out_json, out_error);
}

int aftersales_sla_evaluate_with(const aftersales_policy* policy, const char* ticket_json, size_t len, int64_t at_ms,
                                 unsigned flags, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const aftersales::SlaOptions options = sla_options(flags);
    const std::string_view text(non_null(ticket_json, "ticket_json"), len);
    const auto ticket = aftersales::Ticket::from_json(text);
    const auto at = aftersales::instant_from_ms(at_ms);
    result = malloc_copy(aftersales::SlaEngine(source).evaluate(ticket, at, options).to_json());
  });
}

int aftersales_sla_evaluate_lines(const aftersales_policy* policy, const char* tickets_jsonl,
                                  size_t len, int64_t at_ms, unsigned threads, size_t first_line,
                                  char** out_jsonl, char** out_error) {
  return aftersales_sla_evaluate_lines_with(policy, tickets_jsonl, len, at_ms, threads, first_line, 0, out_jsonl,
                                            out_error);
}

int aftersales_sla_evaluate_lines_with(const aftersales_policy* policy, const char* tickets_jsonl, size_t len,
                                       int64_t at_ms, unsigned threads, size_t first_line, unsigned flags,
                                       char** out_jsonl, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_jsonl, "out_jsonl");
    const auto& source = unwrap(policy, "policy");
    const aftersales::SlaOptions options = sla_options(flags);
    const std::string_view text(non_null(tickets_jsonl, "tickets_jsonl"), len);
    const auto at = aftersales::instant_from_ms(at_ms);
    result = malloc_copy(aftersales::SlaEngine(source).evaluate_lines(text, at, {threads, first_line}, options));
  });
}

int aftersales_sla_evaluate_file(const aftersales_policy* policy, const char* tickets_path, const char* reports_path,
                                 int64_t at_ms, unsigned threads, char** out_error) {
  return aftersales_sla_evaluate_file_with(policy, tickets_path, reports_path, at_ms, threads, 0, out_error);
}

int aftersales_sla_evaluate_file_with(const aftersales_policy* policy, const char* tickets_path,
                                      const char* reports_path, int64_t at_ms, unsigned threads, unsigned flags,
                                      char** out_error) {
  return guarded(out_error, [&] {
    const auto& source = unwrap(policy, "policy");
    const aftersales::SlaOptions options = sla_options(flags);
    const auto at = aftersales::instant_from_ms(at_ms);
    auto tickets = open_file<std::ifstream>(tickets_path, std::ios::in, "tickets_path");
    auto reports = open_file<std::ofstream>(reports_path, std::ios::out | std::ios::trunc, "reports_path");
    aftersales::SlaEngine(source).evaluate_lines(tickets, reports, at, {.threads = threads}, options);
  });
}

int aftersales_log_set_level(int level, char** out_error) {
  return guarded(out_error, [&] { aftersales::set_log_level(log_level_of(level)); });
}

int aftersales_log_set_callback(aftersales_log_fn fn, void* user, char** out_error) {
  return guarded(out_error, [&] { aftersales::set_log_handler(c_log_handler(fn, user)); });
}

}  // extern "C"
