// Any byte string as one or two KPI accumulator partial states (files shipped between
// map/reduce workers), split at the first NUL byte; without one, the state is merged with
// itself. Reading either succeeds or throws aftersales::Error; a state that was read writes
// back the same text it holds; and two that were read either merge, into a state that reads
// back to the same text and yields a result, or the merge is refused with a RangeError (a
// count past 2^63 - 1) and leaves the target as it was.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1,
    "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": "24x7"}},
    "sla": {"policies": [{"id": "all", "targets": {"normal": {"first_response": "5m", "refund": "1d"}}}],
            "metrics": {"refund": {"start": "refund_requested", "stop": "refund_issued"}}}})");
  return loaded;
}

// The state `text` holds, checked to write back as it now reads; nullopt if it is refused.
std::optional<aftersales::KpiAccumulator> read(std::string_view text) {
  std::optional<aftersales::KpiAccumulator> state;
  try {
    state = aftersales::KpiAccumulator::from_json(policy(), text);
  } catch (const aftersales::Error&) {
    return std::nullopt;  // rejected with a reason: what malformed input should get
  }
  const std::string written = state->to_json();
  // What the library wrote, it must read back unchanged: any error here is a bug.
  if (aftersales::KpiAccumulator::from_json(policy(), written).to_json() != written) std::abort();
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  auto first = read(input.substr(0, nul));
  if (!first) return 0;
  const auto second = nul == std::string_view::npos ? first : read(input.substr(nul + 1));
  if (!second) return 0;
  const std::string before = first->to_json();
  try {
    first->merge(*second);
  } catch (const aftersales::RangeError&) {
    if (first->to_json() != before) std::abort();  // a refused merge changes nothing
    return 0;
  } catch (const aftersales::InputError&) {
    return 0;  // the two group differently
  }
  const std::string merged = first->to_json();
  const auto again = aftersales::KpiAccumulator::from_json(policy(), merged);
  if (again.to_json() != merged) std::abort();
  (void)again.result().to_json();
  return 0;
}
