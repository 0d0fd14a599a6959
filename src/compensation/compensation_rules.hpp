#pragma once
// The compensation rules: the policy's `compensation` section compiled
// (compensation_compile.hpp), all the compensation engine reads. Amounts are exact minor units
// of the policy's currency, checked when the policy loads.

#include <aftersales/compensation.hpp>
#include <aftersales/values.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "condition/condition_rules.hpp"

namespace date {
class time_zone;
}

namespace aftersales::detail {

inline constexpr std::array<std::string_view, 4> offer_type_names{"coupon", "store_credit", "points", "gift"};

/// What a rule offers. Coupons and store credit carry `amount`, or `percent` of the order
/// (millionths of a percent) with an optional `cap`.
struct OfferRule {
  OfferType type = OfferType::coupon;
  std::optional<std::int64_t> amount;   // minor units
  std::optional<std::int64_t> percent;  // millionths: 5'000'000 is 5%
  std::optional<std::int64_t> cap;      // minor units
  std::optional<std::int64_t> min_spend;
  std::int64_t points = 0;
  std::string sku;
  std::int64_t gift_value = 0;  // minor units
};

struct CompensationRule {
  std::string id;
  Condition when;
  std::optional<std::int64_t> late_days;  // at least this many days late
  std::vector<std::string> sla_breached;  // any of them breached
  bool quality_fault = false;             // a confirmed quality fault needed
  OfferRule offer;
};

enum class LimitScope : std::uint8_t { customer, order };

/// At most `max_count` compensations and at most `max_amount` worth, counted over the
/// customer's history in the `period` before the request, or over the order's history.
struct CompensationLimit {
  LimitScope per = LimitScope::customer;
  std::optional<Duration> period;  // customer limits only
  std::optional<std::int64_t> max_count;
  std::optional<std::int64_t> max_amount;  // minor units
};

struct CompensationPolicy {
  std::string id;
  Currency currency;
  Condition when;
  const date::time_zone* zone = nullptr;
  bool sum = false;  // combine: sum (every offer) or best (one offer)
  std::optional<std::int64_t> point_value;  // minor units a point is worth
  std::vector<CompensationRule> rules;
  std::vector<CompensationLimit> limits;
};

struct CompensationRules {
  std::vector<CompensationPolicy> policies;
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against
};

}  // namespace aftersales::detail
