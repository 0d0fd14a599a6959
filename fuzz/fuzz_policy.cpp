// Any byte string as a policy document: loading either succeeds or throws aftersales::Error
// (anything else escaping is a bug), and every calendar it yields keeps the spec's promises.
#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;

// Small limits keep each run fast; the limit checks themselves are part of what is fuzzed.
const aftersales::LoadLimits limits{.max_bytes = 64 * 1024, .max_depth = 16};

// New Year's Day 2026 (a holiday in the seeds), a Saturday noon and the last day of the range.
constexpr aftersales::Instant probes[] = {
    aftersales::Instant{1767225600000ms},  // 2026-01-01T00:00:00Z
    aftersales::Instant{1779537600000ms},  // 2026-05-23T12:00:00Z
    aftersales::Instant{7289568000000ms},  // 2200-12-31T00:00:00Z
};
constexpr aftersales::Duration steps[] = {0ms, 90min, 3 * 24h};

void check(bool promise) {
  if (!promise) std::abort();
}

void exercise(const aftersales::Calendar& calendar, aftersales::Instant t) {
  const aftersales::Instant open = calendar.next_open(t);
  check(open >= t && calendar.is_open(open));
  for (const aftersales::Duration d : steps) {
    const aftersales::Instant due = calendar.add(t, d);
    check(due >= t && calendar.between(t, due) == d && calendar.between(due, t) == -d);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const auto policy = aftersales::Policy::from_json(json, limits);
    for (const std::string& name : policy->calendar_names()) {
      const aftersales::Calendar calendar = policy->calendar(name);
      for (const aftersales::Instant t : probes) {
        try {
          exercise(calendar, t);
        } catch (const aftersales::RangeError&) {
          // Near 2200 a calendar may not open again, or a result may leave the range.
        }
      }
    }
  } catch (const aftersales::PolicyError&) {
  }
  return 0;
}
