// Any byte string as a KPI accumulator's partial state (a file shipped between map/reduce
// workers): reading it either succeeds or throws aftersales::Error, and a state that was read
// merges, yields a result, and writes back the same text it now holds.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1,
    "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": "24x7"}},
    "sla": {"policies": [{"id": "all", "targets": {"normal": {"first_response": "5m", "refund": "1d"}}}],
            "metrics": {"refund": {"start": "refund_requested", "stop": "refund_issued"}}}})");
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto state = aftersales::KpiAccumulator::from_json(policy(), text);
    const std::string written = state.to_json();
    auto again = aftersales::KpiAccumulator::from_json(policy(), written);
    if (again.to_json() != written) std::abort();
    again.merge(state);
    (void)again.result().to_json();
  } catch (const aftersales::Error&) {
    // Rejected with a reason: what malformed input should get.
  }
  return 0;
}
