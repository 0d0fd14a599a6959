#pragma once
// The refund rules (spec §6): the policy's `refunds` section compiled (refund_compile.hpp), all
// the refund engine reads.

#include <aftersales/calendar.hpp>
#include <aftersales/refund.hpp>
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

/// Products of two 64-bit amounts (a discount times a line's value) need 128 bits.
__extension__ typedef __int128 wide;

/// The order instant a window counts from.
enum class OrderMoment : std::uint8_t { placed, paid, shipped, delivered };
inline constexpr std::array<std::string_view, 4> order_moment_names{"placed", "paid", "shipped", "delivered"};
inline constexpr std::array<std::string_view, 4> resolution_names{"return_refund", "refund_only", "exchange",
                                                                  "repair"};
inline constexpr std::array<std::string_view, 3> return_shipping_names{"buyer", "seller", "none"};

struct RefundReasonRule {
  std::string name;
  std::array<std::optional<Duration>, 4> windows;  // by Resolution
  OrderMoment from = OrderMoment::delivered;
  bool next_day = false;
  ReturnShipping return_shipping = ReturnShipping::buyer;
  bool refund_shipping_fee = false;
  std::vector<std::string> conditions;  // empty: any condition
  std::vector<std::string> exclude_categories;
  std::vector<std::string> exclude_if_confirmed;
  std::optional<std::int64_t> restocking_fee_rate;  // millionths; overrides the policy's
  std::optional<std::int64_t> return_shipping_fee;  // millionths; overrides the policy's
};

struct FastRefundRule {
  std::optional<std::int64_t> min_credit_score;
  std::optional<std::int64_t> max_amount;  // millionths of the order's currency
  std::optional<std::int64_t> max_refunds_90d;
};

/// A promised period: elapsed time, or working days on a calendar (China's 工作日): the end of
/// the `working_days`-th business day after the start's date (Calendar::business_day_end).
struct Promise {
  Duration within{};
  int working_days = 0;
  std::optional<Calendar> calendar;  // set: the period is in working days

  [[nodiscard]] Instant after(Instant start) const {
    return calendar ? calendar->business_day_end(start, working_days) : start + within;
  }
};

/// The merchant's deadline: `within` after the request (`after: requested`) or after the
/// returned goods arrive (`after: return_received`).
struct RefundDeadline {
  bool after_return_received = true;
  Promise within;
};

struct WindowExtension {
  Instant orders_from{}, orders_to{}, until{};
};

struct RefundPolicy {
  std::string id;
  Condition when;
  const date::time_zone* zone = nullptr;
  std::vector<RefundReasonRule> reasons;  // in document order
  std::optional<std::int64_t> refund_only_max;  // millionths
  std::optional<FastRefundRule> fast_refund;
  std::int64_t restocking_fee_rate = 0;  // millionths: 150000 is 15%
  std::optional<Duration> store_credit_after;
  std::optional<RefundDeadline> refund_within;
  Promise ship_back_within{std::chrono::hours(24 * 7), 0, std::nullopt};
  std::vector<WindowExtension> extensions;
  std::optional<std::int64_t> return_shipping_fee;  // millionths of the order's currency
  bool recompute_min_spend = false;
  // Split shipments: windows count from the last line's delivery instead of each line's own;
  // a shipped line without a delivery instant counts as delivered `transit_time` after shipment.
  bool windows_from_last_line = false;
  std::optional<Duration> transit_time;

  [[nodiscard]] const RefundReasonRule* reason(std::string_view name) const {
    for (const auto& r : reasons)
      if (r.name == name) return &r;
    return nullptr;
  }
};

struct RefundRules {
  std::vector<RefundPolicy> policies;
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against
};

}  // namespace aftersales::detail
