// Any byte string as a refund request: parsing either succeeds or throws aftersales::Error, and
// a parsed request is decided under a policy using every rule without anything else escaping,
// keeping the decision's own promises: an eligible decision's total is lines + shipping -
// deductions and never negative, and its resolution is one of its options; a refused one pays
// nothing (total, shipping and deductions zero) and shows zeros on its refused lines.
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/refund.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [
    {"id": "vip", "when": {"all": [{"field": "customer.tier", "eq": "vip"}, {"field": "item.category", "ne": "x"}]},
     "timezone": "Europe/London",
     "reasons": {"faulty": {"windows": {"return_refund": "30d", "repair": "2h"}, "from": "delivered",
                            "count_from": "next_day", "return_shipping": "seller", "refund_shipping_fee": true}},
     "refund_within": {"after": "requested", "within": "14d"}},
    {"id": "cn", "timezone": "Asia/Shanghai",
     "reasons": {
       "no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered", "count_from": "next_day",
                     "return_shipping": "buyer", "conditions": ["intact"], "exclude_categories": ["custom"],
                     "exclude_if_confirmed": ["hygiene"], "restocking_fee_rate": "0.1"},
       "quality": {"windows": {"return_refund": "7d", "exchange": "15d", "repair": "365d"}, "from": "paid",
                   "return_shipping": "seller", "refund_shipping_fee": true},
       "not_received": {"windows": {"refund_only": "30d"}, "from": "shipped"}},
     "refund_only_max": "20.00", "fast_refund": {"min_credit_score": 650, "max_amount": "2000", "max_refunds_90d": 3},
     "restocking_fee_rate": "0.15", "store_credit_after": "90d",
     "refund_within": {"after": "return_received", "within": "7d"},
     "window_extensions": [{"orders_from": "2026-11-01T00:00:00+08:00", "orders_to": "2026-11-12T00:00:00+08:00",
                            "until": "2026-11-30T00:00:00+08:00"}]}]}})");
  return loaded;
}

// Aborts (a finding) when a decision breaks one of its promises.
void keep_promises(const aftersales::RefundDecision& decision) {
  const auto& refund = decision.refund;
  for (const auto& line : refund.lines)
    if (line.amount.minor_units() < 0 ||
        (!line.eligible && (line.amount.minor_units() != 0 || line.discount.minor_units() != 0)))
      std::abort();
  if (!decision.eligible) {
    if (refund.total.minor_units() != 0 || refund.shipping.minor_units() != 0 || !refund.deductions.empty())
      std::abort();
    return;
  }
  std::int64_t sum = refund.shipping.minor_units();
  for (const auto& line : refund.lines) sum += line.amount.minor_units();
  for (const auto& d : refund.deductions) sum -= d.amount.minor_units();
  const bool resolution_offered =
      std::find(decision.options.begin(), decision.options.end(), *decision.resolution) != decision.options.end();
  if (sum != refund.total.minor_units() || refund.total.minor_units() < 0 || !resolution_offered) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto request =
        aftersales::RefundRequest::from_json(std::string_view(reinterpret_cast<const char*>(data), size));
    const auto decision = aftersales::RefundEngine(policy()).check(request);
    keep_promises(decision);
    (void)decision.to_json();
  } catch (const aftersales::Error&) {
    // Rejected with a reason: what malformed input should get.
  }
  return 0;
}
