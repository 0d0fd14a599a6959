// Uses the installed C++ API: loads a policy, asks a 24x7 UTC calendar for 90 minutes after
// 2026-01-01T00:00Z, catches a PolicyError thrown inside the shared library, and reads a ticket
// (through simdjson, which the static library's users link: the package config finds it).
#include <aftersales/aftersales.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>

namespace {

// 2026-01-01T00:00:00Z is 20454 days after the epoch (56 years, 14 of them leap):
// 20454 * 86400 s = 1767225600 s; plus 90 min = 5400 s.
constexpr long long expected_ms = 1767231000000LL;

bool rejects_bad_policy() {
  try {
    (void)aftersales::Policy::from_json(R"({"schema_version": 1, "calendarz": {}})");
  } catch (const aftersales::PolicyError& e) {
    return !e.problems().empty();
  }
  return false;
}

}  // namespace

int main() {
  try {
    if (std::strcmp(aftersales::version(), AFTERSALES_VERSION_STRING) != 0) {
      std::fprintf(stderr, "header version %s but library version %s\n", AFTERSALES_VERSION_STRING,
                   aftersales::version());
      return 1;
    }
    const auto policy = aftersales::Policy::from_json(
        R"({"schema_version": 1, "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}}})");
    const aftersales::Calendar calendar = policy->calendar("always");
    const aftersales::Instant due =
        calendar.add(aftersales::parse_instant("2026-01-01T00:00:00Z"), std::chrono::minutes(90));
    std::printf("%s\n", aftersales::format_instant(due).c_str());
    if (due.time_since_epoch().count() != expected_ms) {
      std::fprintf(stderr, "expected %lld ms\n", expected_ms);
      return 1;
    }
    const auto ticket = aftersales::Ticket::from_json(
        R"({"id": "T-1", "created_at": "2026-01-01T00:00:00Z", "events": [{"at": "2026-01-01T00:05:00Z", "type": "x"}]})");
    if (ticket.id != "T-1" || ticket.created_at.time_since_epoch().count() != 1767225600000LL) {
      std::fprintf(stderr, "the ticket was not read as written\n");
      return 1;
    }
    if (!rejects_bad_policy()) {
      std::fprintf(stderr, "a misspelt key did not raise aftersales::PolicyError\n");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    return 1;
  }
  return 0;
}
