// Any byte string as a compensation request: parsing either succeeds or throws aftersales::Error,
// and a parsed request is decided under a policy using every rule and limit without anything
// else escaping, keeping the decision's own promises: its total is the sum of its offers' values,
// it compensates exactly when it offers something, and no offer is worth less than nothing.
#include <aftersales/compensation.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1, "compensation": {"policies": [
    {"id": "cn", "currency": "CNY", "timezone": "Asia/Shanghai", "combine": "best", "point_value": "0.01",
     "when": {"field": "customer.tier", "ne": "blocked"},
     "rules": [
       {"id": "late", "late_days": 3, "when": {"field": "tags", "contains": "double11"},
        "offer": {"type": "coupon", "amount": "10.00", "min_spend": "99.00"}},
       {"id": "pct", "late_days": 1, "offer": {"type": "coupon", "percent": "12.5", "cap": "30.00"}},
       {"id": "sla", "sla_breached": ["resolution"], "offer": {"type": "store_credit", "percent": "3"}},
       {"id": "gift", "quality_fault": true, "offer": {"type": "gift", "sku": "G", "value": "15.00"}},
       {"id": "pts", "when": {"field": "category", "prefix": "complaint"}, "offer": {"type": "points", "points": 700}}],
     "limits": [{"per": "customer", "period": "90d", "max_count": 3},
                {"per": "customer", "period": "30d", "max_amount": "50.00"},
                {"per": "order", "max_count": 2, "max_amount": "40.00"}]},
    {"id": "any", "currency": "JPY", "timezone": "Asia/Tokyo", "combine": "sum",
     "rules": [{"id": "a", "offer": {"type": "coupon", "percent": "100"}},
               {"id": "b", "late_days": 2, "offer": {"type": "store_credit", "amount": "500"}}],
     "limits": [{"per": "customer", "period": "7d", "max_amount": "1200"}]}]}})");
  return loaded;
}

// Aborts (a finding) when a decision breaks one of its promises.
void keep_promises(const aftersales::CompensationDecision& decision) {
  std::int64_t sum = 0;
  for (const auto& offer : decision.offers) {
    if (offer.value.minor_units() <= 0) std::abort();
    sum += offer.value.minor_units();
  }
  if (sum != decision.total.minor_units() || decision.compensate == decision.offers.empty()) std::abort();
  if (decision.late_days && *decision.late_days < 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto request =
        aftersales::CompensationRequest::from_json(std::string_view(reinterpret_cast<const char*>(data), size));
    const auto decision = aftersales::CompensationEngine(policy()).decide(request);
    keep_promises(decision);
    (void)decision.to_json();
  } catch (const aftersales::Error&) {
    // Rejected with a reason: what malformed input should get.
  }
  return 0;
}
