// Refund decisions (spec §6) through the public API. Every expected amount and instant is
// worked out by hand in the comments (money in minor units: 8.59 CNY is 859).
//
// The main policy counts in Asia/Shanghai (UTC+8, no daylight saving):
//   no_reason         return_refund 7d from the day after delivery; buyer ships back; intact or
//                     opened_for_inspection; never "custom"/"perishable"; "hygiene_unsealed"
//                     only when the customer confirmed at purchase.
//   quality           return_refund 7d, exchange 15d, repair 365d from payment; seller ships back;
//                     the delivery fee is refunded with the last unit.
//   not_received      refund_only 30d from shipment; delivery fee refunded.
//   not_as_described  return_refund 15d from delivery; seller ships back.
//   refund_only_max 20.00; fast refund for credit >= 650, <= 2000.00, fewer than 3 refunds in
//   90 days; refund within 7 days of receiving the return; store credit 90 days after delivery.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace aftersales;

constexpr std::string_view cn_reasons = R"({
  "no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered", "count_from": "next_day",
                "return_shipping": "buyer", "conditions": ["intact", "opened_for_inspection"],
                "exclude_categories": ["custom", "perishable"], "exclude_if_confirmed": ["hygiene_unsealed"]},
  "quality": {"windows": {"return_refund": "7d", "exchange": "15d", "repair": "365d"}, "from": "paid",
              "return_shipping": "seller", "refund_shipping_fee": true},
  "not_received": {"windows": {"refund_only": "30d"}, "from": "shipped", "refund_shipping_fee": true},
  "not_as_described": {"windows": {"return_refund": "15d"}, "from": "delivered", "return_shipping": "seller"}})";

std::shared_ptr<const Policy> load(std::string_view policy_members) {
  std::string doc = R"({"schema_version": 1, "refunds": {"policies": [{"id": "cn", "timezone": "Asia/Shanghai", "reasons": )";
  doc += cn_reasons;
  if (!policy_members.empty()) doc += ", " + std::string(policy_members);
  doc += "}]}}";
  return Policy::from_json(doc);
}

std::shared_ptr<const Policy> cn_policy() {
  static const auto policy = load(R"("refund_only_max": "20.00",
      "fast_refund": {"min_credit_score": 650, "max_amount": "2000.00", "max_refunds_90d": 3},
      "refund_within": {"after": "return_received", "within": "7d"}, "store_credit_after": "90d",
      "window_extensions": [{"orders_from": "2026-11-01T00:00:00+08:00", "orders_to": "2026-11-12T00:00:00+08:00",
                             "until": "2026-11-30T00:00:00+08:00"}])");
  return policy;
}

// A request for one unit of a 100.00 CNY line "L1" (category `category`), with `extra` members.
std::string simple_request(std::string_view order_times, std::string_view rest, std::string_view category = "shoes",
                           std::string_view line_extra = {}) {
  std::string json = R"({"order": {"id": "O-1", "currency": "CNY", )" + std::string(order_times) +
                     R"(, "lines": [{"id": "L1", "sku": "S1", "category": ")" + std::string(category) +
                     R"(", "unit_price": "100.00", "quantity": 1)" + std::string(line_extra) + "}]}, ";
  json += rest;
  return json + "}";
}

RefundDecision decide(std::shared_ptr<const Policy> policy, const std::string& json) {
  return RefundEngine(std::move(policy)).check(RefundRequest::from_json(json));
}

std::vector<std::string> codes(const RefundDecision& d) {
  std::vector<std::string> out;
  for (const auto& r : d.reasons) out.emplace_back(to_string(r.code));
  return out;
}

// Delivered 2026-11-11 23:30 in Shanghai (15:30Z): the seven days run from 11-12 00:00 to
// 11-19 00:00 Shanghai time.
std::string no_reason_at(std::string_view requested, std::string_view delivered = "2026-11-11T23:30:00+08:00",
                         std::string_view placed = "2026-10-25T10:00:00+08:00") {
  return simple_request(R"("placed_at": ")" + std::string(placed) + R"(", "shipped_at": ")" + std::string(placed) +
                            R"(", "delivered_at": ")" + std::string(delivered) + "\"",
                        R"("items": [{"line": "L1", "quantity": 1, "condition": "intact"}], "reason": "no_reason",
                            "resolution": "return_refund", "requested_at": ")" +
                            std::string(requested) + "\"");
}

// ---- Windows ------------------------------------------------------------------------------------

TEST(RefundWindow, NextDayLastValidAndFirstInvalidMinute) {
  const auto policy = cn_policy();
  // 11-12 00:00 + 7 days = 11-19 00:00+08:00; the last valid minute starts at 11-18 23:59.
  const auto inside = decide(policy, no_reason_at("2026-11-18T23:59:00+08:00"));
  EXPECT_TRUE(inside.eligible);
  EXPECT_EQ(inside.refund.total.to_string(), "100.00");
  const auto outside = decide(policy, no_reason_at("2026-11-19T00:00:00+08:00"));
  EXPECT_FALSE(outside.eligible);
  ASSERT_EQ(codes(outside), std::vector<std::string>{"WINDOW_EXPIRED"});
  EXPECT_EQ(outside.reasons[0].message,
            "the 7-day return_refund window of the reason \"no_reason\" ended at 2026-11-19T00:00:00+08:00 (counted "
            "from the day after delivery at 2026-11-11T23:30:00+08:00); requested at 2026-11-19T00:00:00+08:00");
  EXPECT_EQ(outside.refund.total.to_string(), "0.00");
}

TEST(RefundWindow, NextDayIsTheNextDayInThePolicyTimeZoneNotInUtc) {
  const auto policy = cn_policy();
  // Delivered 11-11 16:30Z = 11-12 00:30 in Shanghai: counting starts 11-13 00:00+08:00 and ends
  // 11-20 00:00+08:00 = 11-19 16:00Z (in UTC the delivery day is still the 11th).
  const std::string delivered = "2026-11-11T16:30:00Z";
  EXPECT_TRUE(decide(policy, no_reason_at("2026-11-19T15:59:00Z", delivered)).eligible);
  EXPECT_FALSE(decide(policy, no_reason_at("2026-11-19T16:00:00Z", delivered)).eligible);
}

TEST(RefundWindow, RequestOnTheDeliveryDayIsInside) {
  // From the delivery instant itself, before the counted days start.
  EXPECT_TRUE(decide(cn_policy(), no_reason_at("2026-11-11T23:45:00+08:00")).eligible);
}

TEST(RefundWindow, InstantModeCountsFromTheInstant) {
  const auto policy = cn_policy();
  // quality: 7 days from payment at 11-01 10:00+08:00 -> ends 11-08 10:00+08:00; exchange 15
  // days -> 11-16 10:00+08:00.
  auto request = [](std::string_view at) {
    return simple_request(R"("placed_at": "2026-10-31T23:00:00+08:00", "paid_at": "2026-11-01T10:00:00+08:00",
                             "shipped_at": "2026-11-02T10:00:00+08:00", "delivered_at": "2026-11-03T10:00:00+08:00")",
                          R"("items": [{"line": "L1"}], "reason": "quality", "resolution": "return_refund",
                              "requested_at": ")" + std::string(at) + "\"");
  };
  const auto inside = decide(policy, request("2026-11-08T09:59:00+08:00"));
  EXPECT_TRUE(inside.eligible);
  EXPECT_EQ(inside.options, (std::vector<Resolution>{Resolution::return_refund, Resolution::exchange, Resolution::repair}));
  const auto outside = decide(policy, request("2026-11-08T10:00:00+08:00"));
  EXPECT_FALSE(outside.eligible);
  EXPECT_EQ(codes(outside), std::vector<std::string>{"WINDOW_EXPIRED"});
  // Exchange and repair are still open: the options say so.
  EXPECT_EQ(outside.options, (std::vector<Resolution>{Resolution::exchange, Resolution::repair}));
  EXPECT_EQ(outside.reasons[0].message,
            "the 7-day return_refund window of the reason \"quality\" ended at 2026-11-08T10:00:00+08:00 (counted from "
            "payment at 2026-11-01T10:00:00+08:00); requested at 2026-11-08T10:00:00+08:00");
}

TEST(RefundWindow, WholeDaysCountOnTheLocalCalendarAcrossDaylightSaving) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "uk",
      "timezone": "Europe/London", "reasons": {"faulty": {"windows": {"return_refund": "30d"},
      "from": "delivered", "count_from": "next_day", "return_shipping": "seller"}}}]}})");
  // Delivered 10-10 12:00 BST; days count from 10-11 00:00 BST; 30 days later is 11-10 00:00 GMT
  // (clocks went back on 10-25), i.e. 2026-11-10T00:00:00Z, not 30 x 24 h = 11-09 23:00Z.
  auto request = [](std::string_view at) {
    return R"({"order": {"id": "O", "currency": "GBP", "placed_at": "2026-10-08T09:00:00+01:00",
               "shipped_at": "2026-10-09T09:00:00+01:00", "delivered_at": "2026-10-10T12:00:00+01:00",
               "lines": [{"id": "L1", "unit_price": "20.00", "quantity": 1}]},
               "reason": "faulty", "requested_at": ")" + std::string(at) + "\"}";
  };
  EXPECT_TRUE(decide(policy, request("2026-11-09T23:59:00Z")).eligible);
  const auto late = decide(policy, request("2026-11-10T00:00:00Z"));
  EXPECT_FALSE(late.eligible);
  EXPECT_NE(late.reasons.at(0).message.find("ended at 2026-11-10T00:00:00+00:00"), std::string::npos);
}

TEST(RefundWindow, ExtensionForOrdersPlacedInsideThePromotionOnly) {
  const auto policy = cn_policy();
  // Placed 11-11 23:59+08:00, inside [11-01, 11-12): delivered 11-13 10:00, so the normal end
  // is 11-21 00:00+08:00; the extension moves it to 11-30 00:00+08:00.
  const std::string placed_inside = "2026-11-11T23:59:00+08:00";
  const std::string delivered = "2026-11-13T10:00:00+08:00";
  EXPECT_TRUE(decide(policy, no_reason_at("2026-11-29T23:59:00+08:00", delivered, placed_inside)).eligible);
  const auto late = decide(policy, no_reason_at("2026-11-30T00:00:00+08:00", delivered, placed_inside));
  EXPECT_FALSE(late.eligible);
  EXPECT_NE(late.reasons.at(0).message.find("extended for orders placed in a promotion period"), std::string::npos);
  // Placed a minute later, 11-12 00:00+08:00: the range's end is not inside it. The normal
  // window (ends 11-21 00:00+08:00) applies.
  const std::string placed_after = "2026-11-12T00:00:00+08:00";
  EXPECT_TRUE(decide(policy, no_reason_at("2026-11-20T23:59:00+08:00", delivered, placed_after)).eligible);
  EXPECT_FALSE(decide(policy, no_reason_at("2026-11-21T00:00:00+08:00", delivered, placed_after)).eligible);
}

TEST(RefundWindow, NotYetDelivered) {
  const auto d = decide(cn_policy(), simple_request(R"("placed_at": "2026-11-05T10:00:00+08:00",
                                                         "shipped_at": "2026-11-06T10:00:00+08:00")",
                                                     R"("reason": "no_reason", "items": [{"line": "L1", "condition": "intact"}],
                                                        "requested_at": "2026-11-07T10:00:00+08:00")"));
  EXPECT_FALSE(d.eligible);
  EXPECT_EQ(codes(d), std::vector<std::string>{"NOT_YET_DELIVERED"});
  EXPECT_FALSE(d.resolution.has_value());
}

// ---- Exclusions and conditions --------------------------------------------------------------------

std::string delivered_order = R"("placed_at": "2026-11-05T10:00:00+08:00", "shipped_at": "2026-11-06T10:00:00+08:00",
                                 "delivered_at": "2026-11-07T10:00:00+08:00")";

RefundDecision no_reason_for(std::string_view category, std::string_view condition, std::string_view line_extra = {}) {
  return decide(cn_policy(), simple_request(delivered_order,
                                             R"("reason": "no_reason", "items": [{"line": "L1", "condition": ")" +
                                                 std::string(condition) + R"("}], "requested_at": "2026-11-08T10:00:00+08:00")",
                                             category, line_extra));
}

TEST(RefundRules, ExcludedCategory) {
  const auto d = no_reason_for("custom", "intact");
  EXPECT_FALSE(d.eligible);
  ASSERT_EQ(codes(d), std::vector<std::string>{"EXCLUDED_CATEGORY"});
  EXPECT_EQ(d.reasons[0].line, "L1");
  EXPECT_EQ(d.reasons[0].message, "line \"L1\" is in the category \"custom\", which the reason \"no_reason\" never covers");
  EXPECT_FALSE(d.refund.lines.at(0).eligible);
  EXPECT_EQ(d.refund.lines.at(0).amount.to_string(), "0.00");
}

TEST(RefundRules, ConfirmedAndUnconfirmedExclusion) {
  const auto confirmed = no_reason_for("hygiene_unsealed", "intact", R"(, "no_return_confirmed": true)");
  EXPECT_FALSE(confirmed.eligible);
  EXPECT_EQ(codes(confirmed), std::vector<std::string>{"CONFIRMED_NON_RETURNABLE"});
  const auto unconfirmed = no_reason_for("hygiene_unsealed", "intact", R"(, "no_return_confirmed": false)");
  EXPECT_TRUE(unconfirmed.eligible);
  // Confirmation only matters for the listed categories.
  EXPECT_TRUE(no_reason_for("shoes", "intact", R"(, "no_return_confirmed": true)").eligible);
}

TEST(RefundRules, ItemConditions) {
  EXPECT_TRUE(no_reason_for("shoes", "opened_for_inspection").eligible);
  const auto damaged = no_reason_for("shoes", "damaged");
  EXPECT_FALSE(damaged.eligible);
  ASSERT_EQ(codes(damaged), std::vector<std::string>{"CONDITION_NOT_ALLOWED"});
  EXPECT_EQ(damaged.reasons[0].message,
            "the item's condition \"damaged\" is not accepted; the reason \"no_reason\" accepts intact, opened_for_inspection");
  // Quality claims accept any condition.
  const auto quality = decide(cn_policy(), simple_request(delivered_order, R"("reason": "quality",
      "items": [{"line": "L1", "condition": "damaged"}], "requested_at": "2026-11-08T10:00:00+08:00")"));
  EXPECT_TRUE(quality.eligible);
}

TEST(RefundRules, NotYetShippedOrderIsRefundedInFullWithoutReturn) {
  // Two units of 100.00 and a 12.00 delivery fee, not shipped; a custom item under no_reason
  // (which would otherwise be excluded): 200.00 + 12.00 = 212.00 back.
  const auto d = decide(cn_policy(), R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "shipping_fee": "12.00", "lines": [{"id": "L1", "category": "custom", "unit_price": "100.00", "quantity": 2}]},
      "reason": "no_reason", "requested_at": "2026-12-30T10:00:00+08:00"})");
  EXPECT_TRUE(d.eligible);
  EXPECT_EQ(d.resolution, Resolution::refund_only);
  EXPECT_EQ(d.options, std::vector<Resolution>{Resolution::refund_only});
  EXPECT_EQ(d.refund.total.to_string(), "212.00");
  EXPECT_EQ(d.refund.shipping.to_string(), "12.00");
  EXPECT_EQ(d.return_shipping, ReturnShipping::none);
  EXPECT_FALSE(d.ship_back_by.has_value());
  EXPECT_EQ(codes(d), std::vector<std::string>{"NOT_SHIPPED"});
  // Asking to return goods that never left is refused with the way out.
  const auto returned = decide(cn_policy(), R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "lines": [{"id": "L1", "unit_price": "100.00", "quantity": 2}]}, "reason": "quality", "resolution": "return_refund",
      "requested_at": "2026-11-06T10:00:00+08:00"})");
  EXPECT_FALSE(returned.eligible);
  EXPECT_EQ(codes(returned), (std::vector<std::string>{"NOT_SHIPPED", "RESOLUTION_NOT_ALLOWED"}));
}

TEST(RefundRules, ResolutionNotOfferedByTheReason) {
  const auto d = decide(cn_policy(), simple_request(delivered_order, R"("reason": "not_as_described",
      "resolution": "repair", "requested_at": "2026-11-08T10:00:00+08:00")"));
  EXPECT_FALSE(d.eligible);
  ASSERT_EQ(codes(d), std::vector<std::string>{"RESOLUTION_NOT_ALLOWED"});
  EXPECT_EQ(d.reasons[0].message, "the reason \"not_as_described\" offers return_refund, not repair");
}

TEST(RefundRules, UnknownReasonAndNoPolicy) {
  const auto d = decide(cn_policy(), simple_request(delivered_order, R"("reason": "changed_mind",
      "requested_at": "2026-11-08T10:00:00+08:00")"));
  EXPECT_FALSE(d.eligible);
  ASSERT_EQ(codes(d), std::vector<std::string>{"REASON_NOT_COVERED"});
  EXPECT_EQ(d.reasons[0].message, "refund policy \"cn\" has no rules for the reason \"changed_mind\" (it covers "
                                  "no_reason, quality, not_received, not_as_described)");
  const auto eur_only = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "eu",
      "when": {"field": "order.currency", "eq": "EUR"}, "timezone": "Europe/Berlin",
      "reasons": {"withdrawal": {"windows": {"return_refund": "14d"}, "from": "delivered"}}}]}})");
  const auto none = decide(eur_only, simple_request(delivered_order, R"("reason": "withdrawal",
      "requested_at": "2026-11-08T10:00:00+08:00")"));
  EXPECT_FALSE(none.eligible);
  EXPECT_EQ(codes(none), std::vector<std::string>{"NO_POLICY"});
  EXPECT_FALSE(none.policy.has_value());
}

TEST(RefundRules, PolicyWhenSeesItemFields) {
  // The first policy covers electronics only; a line of another category falls to the second.
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [
      {"id": "electronics", "when": {"field": "item.category", "prefix": "electronics/"}, "timezone": "UTC",
       "reasons": {"quality": {"windows": {"repair": "365d"}, "from": "delivered"}}},
      {"id": "rest", "timezone": "UTC", "reasons": {"quality": {"windows": {"return_refund": "7d"}, "from": "delivered"}}}]}})");
  EXPECT_EQ(no_reason_for("x", "intact").policy, std::optional<std::string>("cn"));
  const auto phone = decide(policy, simple_request(delivered_order, R"("reason": "quality", "requested_at": "2026-11-08T10:00:00+08:00")",
                                                    "electronics/phone"));
  EXPECT_EQ(phone.policy, std::optional<std::string>("electronics"));
  EXPECT_EQ(phone.resolution, Resolution::repair);
  const auto shirt = decide(policy, simple_request(delivered_order, R"("reason": "quality", "requested_at": "2026-11-08T10:00:00+08:00")",
                                                    "apparel/shirt"));
  EXPECT_EQ(shirt.policy, std::optional<std::string>("rest"));
}

// ---- Allocation ---------------------------------------------------------------------------------------

// Lines A: 3 x 10.00 (3000), B: 1 x 25.00 (2500), C: 2 x 7.99 (1598); goods 7098; a 9.99 coupon
// (999) on the whole order; delivery 8.00 (800), paid.
// Coupon to lines, exact shares 999 x value / 7098:
//   A 2,997,000 / 7098 = 422 rest 1644;  B 2,497,500 / 7098 = 351 rest 6102;
//   C 1,596,402 / 7098 = 224 rest 6450.  422 + 351 + 224 = 997: 2 left over go to the largest
//   rests, C then B -> A 422, B 352, C 225 (sum 999).
// To units: A 422 / 3 = 140 rest 2 -> units 0, 1 get 141, unit 2 gets 140: paid 859, 859, 860.
//           B: 2500 - 352 = 2148.   C 225 / 2 = 112 rest 1 -> 113, 112: paid 686, 687.
// Goods paid 2578 + 2148 + 1373 = 6099 (= 7098 - 999); with delivery 6899.
struct CurrencyCase {
  std::string code;
  int exponent;
};

std::string amount(std::int64_t minor, int exponent) { return Money{minor, currency(exponent == 0 ? "JPY" : exponent == 3 ? "KWD" : "CNY")}.to_string(); }

class RefundAllocation : public ::testing::TestWithParam<CurrencyCase> {
 protected:
  [[nodiscard]] std::string a(std::int64_t minor) const { return amount(minor, GetParam().exponent); }

  [[nodiscard]] std::string request(std::string_view line, int quantity, const std::string& refunded) const {
    return R"({"order": {"id": "O-3", "currency": ")" + GetParam().code + R"(", "placed_at": "2026-11-01T10:00:00+08:00",
        "shipped_at": "2026-11-02T10:00:00+08:00", "delivered_at": "2026-11-03T10:00:00+08:00",
        "shipping_fee": ")" + a(800) + R"(",
        "lines": [{"id": "A", "unit_price": ")" + a(1000) + R"(", "quantity": 3},
                  {"id": "B", "unit_price": ")" + a(2500) + R"(", "quantity": 1},
                  {"id": "C", "unit_price": ")" + a(799) + R"(", "quantity": 2}],
        "discounts": [{"id": "coupon", "amount": ")" + a(999) + R"("}]},
        "items": [{"line": ")" + std::string(line) + R"(", "quantity": )" + std::to_string(quantity) + R"(}],
        "reason": "quality", "resolution": "return_refund", "requested_at": "2026-11-04T10:00:00+08:00",
        "refunded": [)" + refunded + "]}";
  }
};

TEST_P(RefundAllocation, UnitByUnitRefundsAddUpToWhatWasPaid) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "any", "timezone": "Asia/Shanghai",
      "reasons": )" + std::string(cn_reasons) + "}]}}");
  struct Step {
    const char* line;
    std::int64_t amount, discount;
  };
  // Returned in order A, A, A, B, C, C; the last one brings the delivery fee (800) back too.
  const Step steps[] = {{"A", 859, 141}, {"A", 859, 141}, {"A", 860, 140}, {"B", 2148, 352}, {"C", 686, 113}, {"C", 687, 112}};
  std::string refunded;
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    const auto d = decide(policy, request(steps[i].line, 1, refunded));
    ASSERT_TRUE(d.eligible) << i;
    ASSERT_EQ(d.refund.lines.size(), 1u);
    EXPECT_EQ(d.refund.lines[0].amount.to_string(), a(steps[i].amount)) << i;
    EXPECT_EQ(d.refund.lines[0].discount.to_string(), a(steps[i].discount)) << i;
    const std::int64_t shipping = i + 1 == std::size(steps) ? 800 : 0;
    EXPECT_EQ(d.refund.shipping.to_string(), a(shipping)) << i;
    EXPECT_EQ(d.refund.total.to_string(), a(steps[i].amount + shipping)) << i;
    EXPECT_EQ(d.refund.total.currency().code_view(), GetParam().code);
    sum += d.refund.total.minor_units();
    refunded += std::string(refunded.empty() ? "" : ",") + R"({"line": ")" + steps[i].line + R"(", "quantity": 1, "amount": ")" +
                d.refund.total.to_string() + "\"}";
  }
  EXPECT_EQ(sum, 6899);  // 6099 goods + 800 delivery: exactly what was paid
  // Nothing is left on A: one more unit is ALREADY_REFUNDED.
  const auto again = decide(policy, request("A", 1, refunded));
  EXPECT_FALSE(again.eligible);
  EXPECT_EQ(codes(again), std::vector<std::string>{"ALREADY_REFUNDED"});
  EXPECT_EQ(again.reasons[0].message, "all 3 units of line \"A\" have been refunded already");
}

TEST_P(RefundAllocation, MoreUnitsThanRemainIsQuantityExceeds) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "any", "timezone": "UTC",
      "reasons": )" + std::string(cn_reasons) + "}]}}");
  const auto d = decide(policy, request("A", 3, R"({"line": "A", "quantity": 1})"));
  EXPECT_FALSE(d.eligible);
  ASSERT_EQ(codes(d), std::vector<std::string>{"QUANTITY_EXCEEDS"});
  EXPECT_EQ(d.reasons[0].message, "3 units requested, but line \"A\" has 2 of its 3 units left to refund (1 refunded before)");
  // Two units after one: units 1 and 2, 859 + 860 = 1719.
  const auto two = decide(policy, request("A", 2, R"({"line": "A", "quantity": 1})"));
  EXPECT_EQ(two.refund.total.to_string(), a(1719));
}

INSTANTIATE_TEST_SUITE_P(Currencies, RefundAllocation,
                         ::testing::Values(CurrencyCase{"CNY", 2}, CurrencyCase{"JPY", 0}, CurrencyCase{"KWD", 3}),
                         [](const auto& test) { return test.param.code; });

TEST(RefundAllocationRule, TiesGoToTheEarlierLine) {
  // Two equal lines of 5.00 and a 0.01 coupon: shares 0.005 each, equal rests; the cent goes to
  // the first line. Returning line 2 alone refunds 5.00, line 1 alone 4.99.
  const auto policy = cn_policy();
  auto request = [](std::string_view line) {
    return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
        "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
        "lines": [{"id": "L1", "unit_price": "5.00", "quantity": 1}, {"id": "L2", "unit_price": "5.00", "quantity": 1}],
        "discounts": [{"amount": "0.01"}]}, "items": [{"line": ")" + std::string(line) + R"(", "condition": "intact"}],
        "reason": "no_reason", "requested_at": "2026-11-08T10:00:00+08:00"})";
  };
  EXPECT_EQ(decide(policy, request("L1")).refund.total.to_string(), "4.99");
  EXPECT_EQ(decide(policy, request("L2")).refund.total.to_string(), "5.00");
}

TEST(RefundAllocationRule, DiscountOnSomeLinesOnlyAndWholeOrderVoucher) {
  // A 30.00 voucher on line P only (2 x 50.00) and nothing on Q (1 x 80.00): returning Q gives its
  // full 80.00 (no share of a voucher it did not get); one unit of P gives 50.00 - 15.00 = 35.00.
  const auto policy = cn_policy();
  auto request = [](std::string_view line) {
    return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
        "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
        "lines": [{"id": "P", "unit_price": "50.00", "quantity": 2}, {"id": "Q", "unit_price": "80.00", "quantity": 1}],
        "discounts": [{"id": "v", "amount": "30.00", "lines": ["P"]}]},
        "items": [{"line": ")" + std::string(line) + R"(", "condition": "intact"}],
        "reason": "no_reason", "requested_at": "2026-11-08T10:00:00+08:00"})";
  };
  EXPECT_EQ(decide(policy, request("Q")).refund.total.to_string(), "80.00");
  const auto p = decide(policy, request("P"));
  EXPECT_EQ(p.refund.total.to_string(), "35.00");
  EXPECT_EQ(p.refund.lines.at(0).discount.to_string(), "15.00");
}

TEST(RefundAllocationRule, MoneyOnlyPriorRefundLowersWhatALineCanReturn) {
  // Line of 1 x 100.00; 30.00 was paid back as compensation (quantity 0). Returning the unit now
  // refunds the 70.00 left; after that, another money-only refund would find nothing left.
  const auto policy = cn_policy();
  const auto d = decide(policy, simple_request(delivered_order, R"("reason": "quality",
      "requested_at": "2026-11-08T10:00:00+08:00", "refunded": [{"line": "L1", "amount": "30.00"}])"));
  EXPECT_TRUE(d.eligible);
  EXPECT_EQ(d.refund.total.to_string(), "70.00");
  const auto none = decide(policy, simple_request(delivered_order, R"("reason": "quality",
      "requested_at": "2026-11-08T10:00:00+08:00", "refunded": [{"line": "L1", "amount": "100.00"}])"));
  EXPECT_FALSE(none.eligible);
  EXPECT_EQ(codes(none), std::vector<std::string>{"ALREADY_REFUNDED"});
}

// ---- Deductions, shipping, method, fast refund --------------------------------------------------------------

std::string threshold_request(std::string_view items, std::string_view refunded = {}) {
  // X 60.00 + Y 50.00 = 110.00 >= 99.00: the 10.00 delivery fee was waived.
  return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
      "shipping_fee": "10.00", "free_shipping_threshold": "99.00",
      "lines": [{"id": "X", "unit_price": "60.00", "quantity": 1}, {"id": "Y", "unit_price": "50.00", "quantity": 1}]},
      "items": )" + std::string(items) + R"(, "reason": "no_reason", "requested_at": "2026-11-08T10:00:00+08:00",
      "refunded": [)" + std::string(refunded) + "]}";
}

// Without fast refunds, whose denial notes would join the reasons.
std::shared_ptr<const Policy> plain_policy() {
  static const auto policy = load({});
  return policy;
}

TEST(RefundDeductions, ConditionalFreeShippingBrokenByAPartialReturn) {
  const auto policy = plain_policy();
  // Returning Y keeps X: 60.00 < 99.00, so the waived 10.00 is deducted: 50.00 - 10.00 = 40.00.
  const auto y = decide(policy, threshold_request(R"([{"line": "Y", "condition": "intact"}])"));
  EXPECT_TRUE(y.eligible);
  EXPECT_EQ(y.refund.total.to_string(), "40.00");
  ASSERT_EQ(y.refund.deductions.size(), 1u);
  EXPECT_EQ(y.refund.deductions[0].type, "waived_shipping");
  EXPECT_EQ(y.refund.deductions[0].amount.to_string(), "10.00");
  EXPECT_EQ(codes(y), std::vector<std::string>{"FREE_SHIPPING_LOST"});
  EXPECT_EQ(y.reasons[0].message, "the goods kept are worth 60.00 CNY, below the 99.00 CNY that made delivery free: "
                                  "the waived delivery fee of 10.00 CNY is deducted");
  // Then X: the fee was deducted already (kept goods were below the threshold before): 60.00.
  const auto x = decide(policy, threshold_request(R"([{"line": "X", "condition": "intact"}])",
                                                   R"({"line": "Y", "quantity": 1, "amount": "40.00"})"));
  EXPECT_EQ(x.refund.total.to_string(), "60.00");
  EXPECT_TRUE(x.refund.deductions.empty());
  // Both at once keep nothing: no deduction, 110.00.
  const auto both = decide(policy, threshold_request(R"([{"line": "X", "condition": "intact"}, {"line": "Y", "condition": "intact"}])"));
  EXPECT_EQ(both.refund.total.to_string(), "110.00");
}

TEST(RefundDeductions, RestockingFeeRoundsHalfUp) {
  const auto policy = load(R"("restocking_fee_rate": "0.15")");
  // 15% of 33.33 = 4.9995 -> 5.00 (half a cent and more rounds up); 33.33 - 5.00 = 28.33.
  auto request = [](std::string_view reason) {
    return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
        "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
        "lines": [{"id": "L1", "unit_price": "33.33", "quantity": 1}]}, "items": [{"line": "L1", "condition": "intact"}],
        "reason": ")" + std::string(reason) + R"(", "resolution": "return_refund", "requested_at": "2026-11-08T10:00:00+08:00"})";
  };
  const auto d = decide(policy, request("no_reason"));
  EXPECT_EQ(d.refund.total.to_string(), "28.33");
  ASSERT_EQ(d.refund.deductions.size(), 1u);
  EXPECT_EQ(d.refund.deductions[0].type, "restocking_fee");
  EXPECT_EQ(d.refund.deductions[0].amount.to_string(), "5.00");
  // The seller's fault (seller pays the return): no restocking fee.
  EXPECT_EQ(decide(policy, request("quality")).refund.total.to_string(), "33.33");
  // 15% of 33.32 = 4.998 -> 5.00; 15% of 33.30 = 4.995 -> 5.00 (half up); 15% of 33.29 = 4.9935 -> 4.99.
  const auto fee = [&](std::string_view price) {
    std::string json = request("no_reason");
    json.replace(json.find("33.33"), 5, price);
    return decide(policy, json).refund.deductions.at(0).amount.to_string();
  };
  EXPECT_EQ(fee("33.30"), "5.00");
  EXPECT_EQ(fee("33.29"), "4.99");
}

TEST(RefundMethod, StoreCreditAfterThePeriod) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "p", "timezone": "Asia/Shanghai",
      "store_credit_after": "90d", "reasons": {"not_received": {"windows": {"refund_only": "365d"}, "from": "shipped"}}}]}})");
  auto request = [](std::string_view at) {
    return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-01-01T09:00:00+08:00",
        "shipped_at": "2026-01-01T09:30:00+08:00", "delivered_at": "2026-01-01T10:00:00+08:00",
        "lines": [{"id": "L1", "unit_price": "100.00", "quantity": 1}]},
        "reason": "not_received", "requested_at": ")" + std::string(at) + "\"}";
  };
  // Delivered 01-01 10:00+08:00; + 90 days (31 + 28 + 31) = 04-01 10:00+08:00.
  const auto early = decide(policy, request("2026-04-01T09:59:00+08:00"));
  EXPECT_EQ(early.method, RefundMethod::original_payment);
  EXPECT_TRUE(early.reasons.empty());
  const auto late = decide(policy, request("2026-04-01T10:00:00+08:00"));
  EXPECT_EQ(late.method, RefundMethod::store_credit);
  ASSERT_EQ(codes(late), std::vector<std::string>{"STORE_CREDIT"});
  EXPECT_EQ(late.reasons[0].message, "requested at 2026-04-01T10:00:00+08:00, 90d or more after delivery at "
                                     "2026-01-01T10:00:00+08:00: refunded as store credit");
  EXPECT_EQ(late.refund.total.to_string(), "100.00");
}

std::string fast_request(std::string_view price, std::string_view customer) {
  return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
      "lines": [{"id": "L1", "unit_price": ")" + std::string(price) + R"(", "quantity": 1}]},
      "reason": "quality", "resolution": "return_refund", "requested_at": "2026-11-08T10:00:00+08:00",
      "customer": )" + std::string(customer) + "}";
}

TEST(RefundFast, GrantedWhenEveryConditionHolds) {
  const auto d = decide(cn_policy(), fast_request("100.00", R"({"id": "C", "credit_score": 650, "refunds_90d": 2})"));
  EXPECT_TRUE(d.eligible);
  EXPECT_TRUE(d.fast_refund);
  EXPECT_TRUE(d.reasons.empty());
  // Paid without waiting for the return: due 7 days after the request, 11-15 10:00+08:00.
  EXPECT_EQ(d.refund_due_by, parse_instant("2026-11-15T10:00:00+08:00"));
  // Goods go back by request + 7 days (the default ship_back_within).
  EXPECT_EQ(d.ship_back_by, parse_instant("2026-11-15T10:00:00+08:00"));
  EXPECT_EQ(d.return_shipping, ReturnShipping::seller);
}

TEST(RefundFast, DeniedForEachCondition) {
  const auto policy = cn_policy();
  const auto low = decide(policy, fast_request("100.00", R"({"credit_score": 649, "refunds_90d": 0})"));
  EXPECT_TRUE(low.eligible);
  EXPECT_FALSE(low.fast_refund);
  ASSERT_EQ(codes(low), std::vector<std::string>{"FAST_REFUND_DENIED"});
  EXPECT_EQ(low.reasons[0].message, "no refund before the return arrives: the customer's credit score 649 is below 650");
  // Waiting for the return, with no return_received_at yet: no deadline known.
  EXPECT_FALSE(low.refund_due_by.has_value());

  const auto unknown = decide(policy, fast_request("100.00", R"({"refunds_90d": 0})"));
  EXPECT_FALSE(unknown.fast_refund);
  EXPECT_EQ(codes(unknown), std::vector<std::string>{"FAST_REFUND_DENIED"});

  const auto big = decide(policy, fast_request("2000.01", R"({"credit_score": 800})"));
  EXPECT_FALSE(big.fast_refund);
  ASSERT_EQ(codes(big), std::vector<std::string>{"FAST_REFUND_DENIED"});
  EXPECT_EQ(big.reasons[0].message, "no refund before the return arrives: the refund of 2000.01 CNY is over the 2000.00 CNY limit");
  EXPECT_TRUE(decide(policy, fast_request("2000.00", R"({"credit_score": 800})")).fast_refund);

  const auto frequent = decide(policy, fast_request("100.00", R"({"credit_score": 800, "refunds_90d": 3})"));
  EXPECT_FALSE(frequent.fast_refund);
  EXPECT_EQ(frequent.reasons.at(0).message,
            "no refund before the return arrives: the customer had 3 refunds in the last 90 days (fewer than 3 are allowed)");
}

TEST(RefundDeadline, CountsFromTheReturnReceived) {
  std::string json = fast_request("100.00", R"({"credit_score": 100})");
  json.insert(json.size() - 1, R"(, "return_received_at": "2026-11-12T08:00:00+08:00")");
  const auto d = decide(cn_policy(), json);
  // 11-12 08:00 + 7 days.
  EXPECT_EQ(d.refund_due_by, parse_instant("2026-11-19T08:00:00+08:00"));
}

TEST(RefundOnlyMax, SmallSellerFaultClaimsNeedNoReturn) {
  const auto policy = cn_policy();
  auto request = [](std::string_view price) {
    return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
        "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
        "lines": [{"id": "L1", "unit_price": ")" + std::string(price) + R"(", "quantity": 1}]},
        "reason": "not_as_described", "resolution": "refund_only", "requested_at": "2026-11-08T10:00:00+08:00"})";
  };
  const auto small = decide(policy, request("20.00"));
  EXPECT_TRUE(small.eligible);
  EXPECT_EQ(small.options, (std::vector<Resolution>{Resolution::return_refund, Resolution::refund_only}));
  EXPECT_EQ(small.return_shipping, ReturnShipping::none);
  EXPECT_EQ(small.refund_due_by, parse_instant("2026-11-15T10:00:00+08:00"));
  const auto big = decide(policy, request("20.01"));
  EXPECT_FALSE(big.eligible);
  EXPECT_EQ(big.options, std::vector<Resolution>{Resolution::return_refund});
  ASSERT_EQ(codes(big), std::vector<std::string>{"RESOLUTION_NOT_ALLOWED"});
  EXPECT_EQ(big.reasons[0].message, "a refund without a return is for claims of at most 20.00 CNY; this one is 20.01 CNY");
}

// ---- Stacked discounts, units that paid nothing, partly refused requests ------------------------------

// A CNY order placed and paid 11-05, delivered 11-07, asked about on 11-08 for the reason
// `reason`; `lines`, `discounts` and `items` are JSON arrays, `extra` more members of the order.
std::string order_request(std::string_view lines, std::string_view discounts, std::string_view items,
                          std::string_view reason = "quality", std::string_view extra = {}) {
  return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00")" +
         std::string(extra) + R"(, "lines": )" + std::string(lines) + R"(, "discounts": )" + std::string(discounts) +
         R"(}, "items": )" + std::string(items) + R"(, "reason": ")" + std::string(reason) +
         R"(", "requested_at": "2026-11-08T10:00:00+08:00"})";
}

// One unit of each (id, unit price) line, as a JSON array.
std::string one_of_each(std::initializer_list<std::pair<std::string_view, std::string_view>> lines) {
  std::string list = "[";
  for (const auto& [id, price] : lines)
    list += std::string(list.size() > 1 ? "," : "") + R"({"id": ")" + std::string(id) + R"(", "unit_price": ")" +
            std::string(price) + R"(", "quantity": 1})";
  return list + "]";
}

// The decision's lines, in order, refund `paid` and carry `discount`.
void expect_lines(const RefundDecision& d, const std::vector<std::string>& paid, const std::vector<std::string>& discount) {
  ASSERT_EQ(d.refund.lines.size(), paid.size());
  for (std::size_t i = 0; i < paid.size(); ++i) {
    EXPECT_EQ(d.refund.lines[i].amount.to_string(), paid[i]) << i;
    EXPECT_EQ(d.refund.lines[i].discount.to_string(), discount[i]) << i;
  }
}

std::string coupons(int count, std::string_view amount) {
  std::string list = "[";
  for (int i = 0; i < count; ++i) list += std::string(i ? "," : "") + R"({"amount": ")" + std::string(amount) + "\"}";
  return list + "]";
}

TEST(RefundDiscountStack, ADoubleElevenCouponStackIsSpreadAsOneSum) {
  // Three lines of 1.00 (100 cents each, 300) and 200 coupons of 0.01 on the whole order: 200
  // cents spread together. Each line's exact share is 200 × 100 / 300 = 66 rest 200 (of 300);
  // 3 × 66 = 198, and the 2 cents left go to the largest rests, all equal, so to the earlier
  // lines A and B: discounts 67, 67, 66; paid 33, 33, 34 (sum 100 = 300 − 200).
  const std::string lines = one_of_each({{"A", "1.00"}, {"B", "1.00"}, {"C", "1.00"}});
  const auto d = decide(plain_policy(), order_request(lines, coupons(200, "0.01"), "[]"));
  ASSERT_TRUE(d.eligible);
  expect_lines(d, {"0.33", "0.33", "0.34"}, {"0.67", "0.67", "0.66"});
  EXPECT_EQ(d.refund.total.to_string(), "1.00");
  // Lines of 0.01 and 0.01 with two coupons of 0.01: shares 2 × 1 / 2 = 1 each, no rest. Both
  // lines are paid 0.00 and each comes back at 0.00.
  const auto cents =
      decide(plain_policy(), order_request(one_of_each({{"A", "0.01"}, {"B", "0.01"}}), coupons(2, "0.01"), "[]"));
  ASSERT_TRUE(cents.eligible);
  expect_lines(cents, {"0.00", "0.00"}, {"0.01", "0.01"});
}

TEST(RefundDiscountStack, NarrowerDiscountsFirstThenWhatTheLinesAreStillWorth) {
  const std::string lines = one_of_each({{"A", "100.00"}, {"B", "100.00"}});
  // A 30.00 coupon on the order, listed first, and a 50.00 coupon on A only. The coupon on one
  // line goes first: A is still worth 50.00. The 30.00 then splits 50.00 : 100.00, so A takes
  // 3000 × 5000 / 15000 = 1000 and B 2000: A's discount 60.00 (paid 40.00), B's 20.00 (paid 80.00).
  const std::string nested = R"([{"amount": "30.00"}, {"amount": "50.00", "lines": ["A"]}])";
  const auto a = decide(plain_policy(), order_request(lines, nested, "[]"));
  expect_lines(a, {"40.00", "80.00"}, {"60.00", "20.00"});
  EXPECT_EQ(a.refund.total.to_string(), "120.00");
  // 2.00 off goods of 2.00: 1.00 on A alone and 1.00 on the order. A is worth nothing after its
  // own coupon, so the order's coupon falls wholly on B: both lines paid 0.00.
  const std::string all_off = R"([{"amount": "1.00"}, {"amount": "1.00", "lines": ["A"]}])";
  const auto b = decide(plain_policy(), order_request(one_of_each({{"A", "1.00"}, {"B", "1.00"}}), all_off, "[]"));
  ASSERT_TRUE(b.eligible);
  expect_lines(b, {"0.00", "0.00"}, {"1.00", "1.00"});
}

TEST(RefundDiscountStack, CrossingLineSetsMoveEarlierSharesWhenALaterStackDoesNotFit) {
  // A 2.00, B 1.00, C 2.00; 1.50 off B and C (listed first; as many lines, so spread first) and
  // 2.80 off A and B: 4.30 off 5.00, and each coupon fits its own lines. The 1.50 splits by
  // worth 100 : 200 into B 50 and C 100. The 2.80 needs more than A and B are still worth
  // (200 + 50 = 250): 30 of the first coupon's share on B move to C (still worth 100), leaving
  // B 20 and C 130; A and B are then worth 200 + 80 = 280, all taken. Discounts A 2.00, B 1.00,
  // C 1.30; paid 0.00, 0.00, 0.70 (= 5.00 − 4.30).
  const std::string crossing = R"([{"amount": "1.50", "lines": ["B", "C"]}, {"amount": "2.80", "lines": ["A", "B"]}])";
  const auto d =
      decide(plain_policy(), order_request(one_of_each({{"A", "2.00"}, {"B", "1.00"}, {"C", "2.00"}}), crossing, "[]"));
  ASSERT_TRUE(d.eligible);
  expect_lines(d, {"0.00", "0.00", "0.70"}, {"2.00", "1.00", "1.30"});
  // 2.00 off A and B and 1.50 off B and C: 3.50 off 3.00 of goods, which no split fits.
  const std::string ones = one_of_each({{"A", "1.00"}, {"B", "1.00"}, {"C", "1.00"}});
  try {
    (void)decide(plain_policy(), order_request(ones, R"([{"amount": "2.00", "lines": ["A", "B"]},
                                                          {"amount": "1.50", "lines": ["B", "C"]}])", "[]"));
    ADD_FAILURE();
  } catch (const InputError& e) {
    // A and B are worth nothing after the first coupon; B and C are then worth 1.00.
    EXPECT_STREQ(e.what(), "order.discounts[1].amount: the discounts on the lines of this one add up to 1.50, more than "
                           "the 1.00 those lines are still worth after the discounts spread before it");
  }
}

TEST(RefundDiscountStack, AStackWorthMoreThanItsGoodsIsAnInputError) {
  const std::string small = one_of_each({{"A", "1.00"}, {"B", "1.00"}});
  const auto error_of = [&](std::string_view discounts) -> std::pair<std::string, std::string> {
    try {
      (void)decide(plain_policy(), order_request(small, discounts, R"([{"line": "A"}])"));
    } catch (const InputError& e) {
      return {e.path(), e.what()};
    }
    return {};
  };
  // 150 coupons of 0.01 (1.50 in all) on goods of 2.00 fit; 201 (2.01) do not.
  EXPECT_EQ(decide(plain_policy(), order_request(small, coupons(150, "0.01"), R"([{"line": "A"}])")).refund.total.to_string(),
            "0.25");  // 150 × 100 / 200 = 75 each: 1.00 − 0.75
  EXPECT_EQ(error_of(coupons(201, "0.01")),
            (std::pair<std::string, std::string>{"order.discounts[0].amount",
                                                 "order.discounts[0].amount: the discounts on the lines of this one add up to 2.01, more than the "
                                                 "2.00 those lines are worth"}));
  // 1.00 on A leaves A worth nothing: 1.50 on the order is more than the 1.00 that B is worth.
  EXPECT_EQ(error_of(R"([{"amount": "1.50"}, {"amount": "1.00", "lines": ["A"]}])"),
            (std::pair<std::string, std::string>{"order.discounts[0].amount",
                                                 "order.discounts[0].amount: the discounts on the lines of this one add up to 1.50, more than the "
                                                 "1.00 those lines are still worth after the discounts spread before it"}));
}

TEST(RefundDiscountStack, RandomStacksThatFitAreAlwaysAccepted) {
  // Random orders (some lines free) and up to 40 coupons, each on the whole order or on a random
  // set of lines, its amount made of pieces taken from what its lines are still worth: a split
  // that fits exists by construction, so the stack must be accepted, whatever the sets (nested,
  // apart or crossing), and the whole order comes back for exactly goods − discounts, no line
  // below zero.
  std::mt19937_64 random(1111);
  auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(random); };
  const Currency cny = currency("CNY");
  for (int order = 0; order < 300; ++order) {
    std::string lines = "[", discounts = "[";
    std::vector<std::int64_t> worth;
    const auto count = pick(1, 5);
    for (std::int64_t i = 0; i < count; ++i) {
      const auto price = pick(0, 3) == 0 ? 0 : pick(1, 2000), quantity = pick(1, 3);
      worth.push_back(price * quantity);
      lines += std::string(i ? "," : "") + R"({"id": "L)" + std::to_string(i) + R"(", "unit_price": ")" +
               Money{price, cny}.to_string() + R"(", "quantity": )" + std::to_string(quantity) + "}";
    }
    for (auto n = pick(0, 40); n > 0; --n) {
      std::vector<std::size_t> set;
      const bool whole_order = pick(0, 2) == 0;
      for (std::size_t i = 0; i < worth.size(); ++i)
        if (whole_order || pick(0, 1)) set.push_back(i);
      if (set.empty()) set.push_back(static_cast<std::size_t>(pick(0, count - 1)));
      std::int64_t amount = 0;
      std::string ids;
      for (const std::size_t i : set) {
        // Now and then all a line is still worth, so that stacks are tight.
        const auto kind = pick(0, 5);
        const auto piece = kind == 0 ? worth[i] : pick(0, kind == 1 ? worth[i] : worth[i] / 8);
        worth[i] -= piece;
        amount += piece;
        ids += std::string(ids.empty() ? "" : ",") + "\"L" + std::to_string(i) + "\"";
      }
      discounts += std::string(discounts.size() > 1 ? "," : "") + R"({"amount": ")" + Money{amount, cny}.to_string() +
                   "\"" + (whole_order ? "" : R"(, "lines": [)" + ids + "]") + "}";
    }
    std::int64_t paid = 0;
    for (const auto w : worth) paid += w;
    const std::string json = order_request(lines + "]", discounts + "]", "[]");
    const auto d = decide(plain_policy(), json);
    ASSERT_TRUE(d.eligible) << json;
    EXPECT_EQ(d.refund.lines.size(), static_cast<std::size_t>(count)) << json;
    for (const auto& line : d.refund.lines) ASSERT_GE(line.amount.minor_units(), 0) << json;
    EXPECT_EQ(d.refund.total.minor_units(), paid) << json;
  }
}

TEST(RefundUnpaidUnits, AFreeGiftGoesBackWithItsItemAtZero) {
  // A coat of 399.00 and its free gift (0.00); delivery 8.00 paid. Quality: the seller refunds
  // delivery with the last unit. Both back: 399.00 + 0.00 + 8.00 = 407.00.
  const std::string lines = one_of_each({{"coat", "399.00"}, {"gift", "0.00"}});
  const std::string fee = R"(, "shipping_fee": "8.00")";
  const auto both = decide(plain_policy(), order_request(lines, "[]", R"([{"line": "coat"}, {"line": "gift"}])", "quality", fee));
  ASSERT_TRUE(both.eligible) << both.to_json();
  EXPECT_TRUE(both.reasons.empty());
  ASSERT_EQ(both.refund.lines.size(), 2u);
  EXPECT_EQ(both.refund.lines[1].line, "gift");
  EXPECT_TRUE(both.refund.lines[1].eligible);
  EXPECT_EQ(both.refund.lines[1].amount.to_string(), "0.00");
  EXPECT_EQ(both.refund.total.to_string(), "407.00");
  // No items: every unit not refunded yet, the gift included, so delivery comes back too.
  const auto everything = decide(plain_policy(), order_request(lines, "[]", "[]", "quality", fee));
  EXPECT_EQ(everything.refund.lines.size(), 2u);
  EXPECT_EQ(everything.refund.total.to_string(), "407.00");
  // The gift returned a second time is a genuine double refund.
  std::string again = order_request(lines, "[]", R"([{"line": "gift"}])", "quality", fee);
  again.insert(again.size() - 1, R"(, "refunded": [{"line": "coat", "quantity": 1}, {"line": "gift", "quantity": 1}])");
  const auto twice = decide(plain_policy(), again);
  EXPECT_FALSE(twice.eligible);
  ASSERT_EQ(codes(twice), std::vector<std::string>{"ALREADY_REFUNDED"});
  EXPECT_EQ(twice.reasons[0].message, "all 1 units of line \"gift\" have been refunded already");
}

TEST(RefundUnpaidUnits, AFullyDiscountedLineComesBackAtZero) {
  // X 10.00 with a 10.00 coupon on X alone (paid 0.00), Y 5.00.
  const auto d = decide(plain_policy(), order_request(one_of_each({{"X", "10.00"}, {"Y", "5.00"}}),
                                                       R"([{"amount": "10.00", "lines": ["X"]}])", R"([{"line": "X"}])"));
  ASSERT_TRUE(d.eligible) << d.to_json();
  EXPECT_EQ(d.refund.lines.at(0).amount.to_string(), "0.00");
  EXPECT_EQ(d.refund.lines.at(0).discount.to_string(), "10.00");
  EXPECT_EQ(d.refund.total.to_string(), "0.00");
}

TEST(RefundPartlyRefused, TheOtherLinesKeepTheirAmounts) {
  // Shoes 100.00 and a custom-made 50.00 with a 15.00 coupon: shares 1500 × 10000 / 15000 =
  // 1000 and 500, no rest. Shoes are paid 90.00. "custom" never qualifies for no_reason, so the
  // request is refused: the custom line shows zeros, the shoes keep 90.00 (what a request
  // without the custom line would give), and nothing is paid: total 0.00.
  const auto d = decide(plain_policy(),
                        order_request(R"([{"id": "S", "category": "shoes", "unit_price": "100.00", "quantity": 1},
                                          {"id": "K", "category": "custom", "unit_price": "50.00", "quantity": 1}])",
                                      R"([{"amount": "15.00"}])",
                                      R"([{"line": "S", "condition": "intact"}, {"line": "K", "condition": "intact"}])",
                                      "no_reason"));
  EXPECT_FALSE(d.eligible);
  EXPECT_EQ(codes(d), std::vector<std::string>{"EXCLUDED_CATEGORY"});
  ASSERT_EQ(d.refund.lines.size(), 2u);
  EXPECT_TRUE(d.refund.lines[0].eligible);
  EXPECT_EQ(d.refund.lines[0].amount.to_string(), "90.00");
  EXPECT_EQ(d.refund.lines[0].discount.to_string(), "10.00");
  EXPECT_FALSE(d.refund.lines[1].eligible);
  EXPECT_EQ(d.refund.lines[1].amount.to_string(), "0.00");
  EXPECT_EQ(d.refund.lines[1].discount.to_string(), "0.00");
  EXPECT_EQ(d.refund.total.to_string(), "0.00");
  EXPECT_TRUE(d.refund.deductions.empty());
}

// ---- Property: random orders, refunded piece by piece ---------------------------------------------------------

TEST(RefundProperty, PartialRefundsOfRandomOrdersSumExactlyToWhatWasPaid) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "p", "timezone": "UTC",
      "reasons": {"quality": {"windows": {"return_refund": "30d"}, "from": "paid", "refund_shipping_fee": true}}}]}})");
  std::mt19937_64 random(20261111);
  const char* codes_list[] = {"CNY", "JPY", "KWD"};
  for (int order = 0; order < 300; ++order) {
    const Currency cur = currency(codes_list[order % 3]);
    auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(random); };
    const auto lines = pick(1, 5);
    std::vector<std::int64_t> left(static_cast<std::size_t>(lines));
    std::int64_t goods = 0, l0_value = 0;
    std::string lines_json;
    for (std::int64_t i = 0; i < lines; ++i) {
      const auto price = pick(0, 200'000), quantity = pick(1, 7);
      left[static_cast<std::size_t>(i)] = quantity;
      goods += price * quantity;
      if (i == 0) l0_value = price * quantity;
      lines_json += std::string(i ? "," : "") + R"({"id": "L)" + std::to_string(i) + R"(", "unit_price": ")" +
                    Money{price, cur}.to_string() + R"(", "quantity": )" + std::to_string(quantity) + "}";
    }
    const auto shipping = pick(0, 2000);
    // Up to two discounts: one on the whole order, one on line L0 only, each at most half of
    // what its lines are worth (so together they never exceed the goods).
    std::string discounts_json;
    std::int64_t discount_total = 0;
    if (pick(0, 1)) {
      const auto d = pick(0, goods / 2);
      discount_total += d;
      discounts_json += R"({"amount": ")" + Money{d, cur}.to_string() + "\"}";
    }
    if (pick(0, 1)) {
      const auto d = pick(0, l0_value / 2);
      discount_total += d;
      discounts_json += std::string(discounts_json.empty() ? "" : ",") + R"({"amount": ")" +
                        Money{d, cur}.to_string() + R"(", "lines": ["L0"]})";
    }
    const auto paid = goods - discount_total + shipping;
    std::string refunded;
    std::int64_t sum = 0;
    int requests = 0;
    while (true) {
      std::vector<std::size_t> open;
      for (std::size_t i = 0; i < left.size(); ++i)
        if (left[i] > 0) open.push_back(i);
      if (open.empty()) break;
      const auto line = open[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(open.size()) - 1))];
      const auto quantity = pick(1, left[line]);
      const std::string json = R"({"order": {"id": "O", "currency": ")" + std::string(cur.code_view()) +
                               R"(", "placed_at": "2026-11-01T00:00:00Z", "paid_at": "2026-11-01T00:00:00Z",
          "shipped_at": "2026-11-02T00:00:00Z", "shipping_fee": ")" + Money{shipping, cur}.to_string() +
                               R"(", "lines": [)" + lines_json + R"(], "discounts": [)" + discounts_json +
                               R"(]}, "items": [{"line": "L)" + std::to_string(line) + R"(", "quantity": )" +
                               std::to_string(quantity) + R"(}], "reason": "quality", "requested_at": "2026-11-05T00:00:00Z",
          "refunded": [)" + refunded + "]}";
      const auto d = decide(policy, json);
      ASSERT_TRUE(d.eligible) << json;
      ASSERT_GE(d.refund.total.minor_units(), 0);
      sum += d.refund.total.minor_units();
      ASSERT_LE(sum, paid) << json;
      left[line] -= quantity;
      refunded += std::string(refunded.empty() ? "" : ",") + R"({"line": "L)" + std::to_string(line) +
                  R"(", "quantity": )" + std::to_string(quantity) + "}";
      ++requests;
    }
    EXPECT_EQ(sum, paid) << "order " << order << " in " << cur.code_view() << " after " << requests << " refunds";
  }
}

// ---- JSON: the decision's shape, and bad input with paths ------------------------------------------------------

TEST(RefundJson, DecisionShape) {
  const auto d = decide(plain_policy(), threshold_request(R"([{"line": "Y", "quantity": 1, "condition": "intact"}])"));
  EXPECT_EQ(d.to_json(),
            R"({"eligible":true,"resolution":"return_refund","options":["return_refund"],)"
            R"("refund":{"currency":"CNY","total":"40.00","lines":[{"line":"Y","quantity":1,"eligible":true,)"
            R"("amount":"50.00","discount":"0.00"}],"shipping":"0.00","deductions":[{"type":"waived_shipping",)"
            R"("amount":"10.00"}]},"method":"original_payment","return_shipping":"buyer","fast_refund":false,)"
            R"("ship_back_by":"2026-11-15T02:00:00Z","refund_due_by":null,"policy":"cn","reasons":[)"
            R"({"code":"FREE_SHIPPING_LOST","message":"the goods kept are worth 60.00 CNY, below the 99.00 CNY that )"
            R"(made delivery free: the waived delivery fee of 10.00 CNY is deducted","line":null}]})");
  EXPECT_EQ(RefundEngine(plain_policy()).check_json(threshold_request(R"([{"line": "Y", "condition": "intact"}])")), d.to_json());
}

std::vector<Problem> request_problems(const std::string& json) {
  try {
    (void)RefundRequest::from_json(json);
  } catch (const InputError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "accepted: " << json;
  return {};
}

TEST(RefundJson, EveryProblemWithItsPath) {
  const auto problems = request_problems(R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
      "shipped_at": "2026-11-04T10:00:00+08:00",
      "lines": [{"id": "L1", "unit_price": "1.005", "quantity": 0}, {"id": "L1", "unit_price": "-1.00", "quantity": 1}],
      "discounts": [{"amount": "5.00", "lines": ["L9"]}]},
      "items": [{"line": "L7"}], "reason": "no_reason", "resolution": "refund", "requested_at": "2026-11-01T00:00:00Z",
      "refunded": [{"line": "L1"}], "extra": 1})");
  std::vector<std::string> paths;
  for (const auto& p : problems) paths.push_back(p.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"extra", "order.shipped_at", "order.lines[0].unit_price",
                                             "order.lines[0].quantity", "order.lines[1].id",
                                             "order.lines[1].unit_price", "order.discounts[0].lines[0]", "items[0].line",
                                             "resolution", "requested_at", "refunded[0]"}));
  EXPECT_EQ(problems.at(2).message, "\"1.005\" is not an amount of CNY: more decimals than the currency's 2");
  EXPECT_EQ(problems.at(7).message, "the order has no line \"L7\"");
}

TEST(RefundJson, JpyAndKwdDecimals) {
  auto with_price = [](std::string_view code, std::string_view price) {
    return R"({"order": {"id": "O", "currency": ")" + std::string(code) + R"(", "placed_at": "2026-11-05T10:00:00Z",
        "lines": [{"id": "L1", "unit_price": ")" + std::string(price) + R"(", "quantity": 1}]},
        "reason": "x", "requested_at": "2026-11-06T10:00:00Z"})";
  };
  EXPECT_EQ(RefundRequest::from_json(with_price("JPY", "1999")).order.lines[0].unit_price.minor_units(), 1999);
  EXPECT_EQ(request_problems(with_price("JPY", "1999.5")).at(0).path, "order.lines[0].unit_price");
  EXPECT_EQ(RefundRequest::from_json(with_price("KWD", "1.005")).order.lines[0].unit_price.minor_units(), 1005);
  EXPECT_EQ(request_problems(with_price("KWD", "1.0005")).at(0).path, "order.lines[0].unit_price");
}

TEST(RefundJson, DiscountLargerThanItsGoods) {
  const auto problems = request_problems(R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-05T10:00:00Z",
      "lines": [{"id": "L1", "unit_price": "10.00", "quantity": 2}], "discounts": [{"amount": "20.01"}]},
      "reason": "x", "requested_at": "2026-11-06T10:00:00Z"})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "order.discounts[0].amount");
  EXPECT_EQ(problems[0].message, "20.01 is more than the goods it applies to are worth");
}

TEST(RefundJson, LinesBatch) {
  std::string good = no_reason_at("2026-11-18T23:59:00+08:00");
  std::replace(good.begin(), good.end(), '\n', ' ');  // one request per line
  const std::string out = RefundEngine(cn_policy()).check_lines(good + "\n\n{\"order\": 1}\n");
  const auto first_end = out.find('\n');
  EXPECT_EQ(out.substr(0, first_end), decide(cn_policy(), good).to_json());
  EXPECT_EQ(out.substr(first_end + 1, 10), R"({"line":3,)");
}

TEST(RefundHandBuilt, InconsistentRequestsAreInputErrors) {
  RefundRequest request;
  request.order.currency = currency("CNY");
  request.order.lines.push_back({"L1", "", "", Money{100, currency("CNY")}, 1, false});
  request.items.push_back({"L2", 1, ""});
  request.reason = "quality";
  try {
    (void)RefundEngine(cn_policy()).check(request);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "items[0].line");
  }
}

TEST(RefundHandBuilt, OverflowIsARangeErrorNotAWrap) {
  // Two lines of 5e18 minor units each: each fits in 64 bits, their sum does not.
  const auto policy = cn_policy();
  auto json = [](std::string_view second) {
    return R"({"order": {"id": "O", "currency": "JPY", "placed_at": "2026-11-05T10:00:00Z",
        "lines": [{"id": "A", "unit_price": "5000000000000000000", "quantity": 1},
                  {"id": "B", "unit_price": ")" + std::string(second) + R"(", "quantity": 1}]},
        "reason": "quality", "requested_at": "2026-11-06T10:00:00Z"})";
  };
  EXPECT_THROW((void)decide(policy, json("5000000000000000000")), RangeError);
  EXPECT_TRUE(decide(policy, json("1")).eligible);
}

// ---- Large orders: lines found by id, not by a search per reference ----------------------------------

// The JSON array of `count` entries `entry(i)`.
template <class Entry>
std::string json_list(std::size_t count, const Entry& entry) {
  std::string list = "[";
  for (std::size_t i = 0; i < count; ++i) list += (i ? "," : "") + entry(i);
  return list + "]";
}

TEST(RefundLargeOrders, TenThousandLinesWithCrossingCouponsAreReadAndDecidedExactly) {
  // 2,500 blocks of lines p, q, r, s (ids 4k .. 4k + 3): p 2.00, the others 1.00. In each block
  // 1.00 off p and q, 2.00 off r and s, then 1.00 off q and r (all as many lines: spread in
  // order). 1.00 off p and q splits 200 : 100 into 66 rest 200 and 33 rest 100, the cent left to
  // p: 67 and 33, q still worth 67. 2.00 off r and s takes both whole. 1.00 off q and r finds
  // them worth 67 + 0: the 33 on q move to p (worth 133), and q, worth 1.00 again, takes it all.
  // p: discount 1.00, paid 1.00; q, r and s paid nothing. Every p comes back: 1.00 each,
  // 2,500 × 1.00 = 2500.00, no delivery (q, r and s are kept).
  constexpr std::size_t lines = 10'000;
  const auto id = [](std::size_t i) { return "\"" + std::to_string(i) + "\""; };
  const std::string line_list = json_list(lines, [&](std::size_t i) {
    return R"({"id":)" + id(i) + R"(,"unit_price":")" + (i % 4 == 0 ? "2.00" : "1.00") + R"(","quantity":1})";
  });
  const std::string coupon_list = json_list(lines / 4 * 3, [&](std::size_t k) {
    const std::size_t p = k / 3 * 4;
    const std::size_t first[] = {p, p + 2, p + 1};
    return R"({"amount":")" + std::string(k % 3 == 1 ? "2.00" : "1.00") + R"(","lines":[)" + id(first[k % 3]) + "," +
           id(first[k % 3] + 1) + "]}";
  });
  const std::string items = json_list(lines / 4, [&](std::size_t k) { return R"({"line":)" + id(4 * k) + "}"; });
  const std::string json = order_request(line_list, coupon_list, items);
  ASSERT_LT(json.size(), std::size_t{1} << 20);  // within the request limit
  const auto d = decide(plain_policy(), json);
  ASSERT_TRUE(d.eligible);
  ASSERT_EQ(d.refund.lines.size(), lines / 4);
  for (std::size_t k = 0; k < lines / 4; ++k) {
    EXPECT_EQ(d.refund.lines[k].line, std::to_string(4 * k));
    EXPECT_EQ(d.refund.lines[k].amount.to_string(), "1.00") << k;
    EXPECT_EQ(d.refund.lines[k].discount.to_string(), "1.00") << k;
  }
  EXPECT_EQ(d.refund.total.to_string(), "2500.00");
  EXPECT_EQ(d.refund.shipping.to_string(), "0.00");
}

TEST(RefundLargeOrders, ProblemsOfALargeRequestInDocumentOrder) {
  // 20 lines, more than are searched one by one: ids are then found through a hash table, and
  // every problem is still reported once, at its path, in the order of the document.
  const std::string line_list = json_list(20, [](std::size_t i) {
    return R"({"id":"L)" + std::to_string(i == 19 ? 3 : i) + R"(","unit_price":"1.00","quantity":2})";
  });
  const auto problems = request_problems(order_request(
      line_list, R"([{"amount":"0.50","lines":["L5","L18","L5"]}, {"amount":"0.50","lines":["L5"]},
                     {"amount":"2.50","lines":["L6"]}, {"amount":"0.50","lines":["L99"]}])",
      R"([{"line":"L7"}, {"line":"L8"}, {"line":"L7"}, {"line":"L7"}])"));
  std::vector<std::string> found;
  for (const auto& p : problems) found.push_back(p.path + ": " + p.message);
  EXPECT_EQ(found, (std::vector<std::string>{
                       R"(order.lines[19].id: another line already has the id "L3")",
                       R"(order.discounts[0].lines[2]: line "L5" is listed twice)",
                       // Lines with problems have no value to compare with: no check of 2.50
                       // against L6's 2.00 (the order has two lines L3).
                       R"(order.discounts[3].lines[0]: the order has no line "L99")",
                       // once for each item that repeats a line
                       R"(items[2].line: line "L7" is requested twice)",
                       R"(items[3].line: line "L7" is requested twice)",
                   }));
}

TEST(RefundLargeOrders, HandBuiltLargeRequestsFindTheirLinesAndTheirMistakes) {
  // 20 lines, two of them with the id "L3": the first is the one meant.
  RefundRequest request;
  const Currency cny = currency("CNY");
  request.order.currency = cny;
  for (int i = 0; i < 20; ++i)
    request.order.lines.push_back({"L" + std::to_string(i == 19 ? 3 : i), "", "", Money{100 * (i + 1), cny}, 1, false});
  request.reason = "quality";
  request.items = {{"L3", 1, ""}, {"L18", 1, ""}};
  // Line 3 is the fourth: 4.00; line 18 is the nineteenth: 19.00.
  const auto d = RefundEngine(plain_policy()).check(request);
  ASSERT_TRUE(d.eligible);
  expect_lines(d, {"4.00", "19.00"}, {"0.00", "0.00"});
  request.items.push_back({"L18", 1, ""});
  try {
    (void)RefundEngine(plain_policy()).check(request);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), R"(items[2].line: line "L18" is requested twice)");
  }
  request.items = {{"L3", 1, ""}};
  request.refunded = {{"L20", 1, std::nullopt}};
  try {
    (void)RefundEngine(plain_policy()).check(request);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), R"(refunded[0].line: the order has no line "L20")");
  }
}

// ---- Policy validation ------------------------------------------------------------------------------------

TEST(RefundPolicyValidation, EveryProblemWithItsPath) {
  try {
    (void)Policy::from_json(R"({"schema_version": 1, "refunds": {"policies": [{"id": "p", "timezone": "Mars/Olympus",
        "when": {"field": "item.colour", "eq": "red"},
        "reasons": {"r": {"windows": {"return": "7d", "exchange": "3x", "repair": "0s"}, "from": "received",
                          "count_from": "tomorrow", "return_shipping": "nobody", "conditions": [],
                          "restocking_fee_rate": "1.5"}},
        "refund_only_max": "-1", "fast_refund": {"min_credit_score": -5, "max_amount": "lots"},
        "refund_within": {"after": "delivered", "within": "7d"},
        "window_extensions": [{"orders_from": "2026-11-12T00:00:00Z", "orders_to": "2026-11-01T00:00:00Z",
                               "until": "2026-11-30T00:00:00Z"}]},
      {"id": "p", "timezone": "UTC", "reasons": {}}]}})");
    FAIL();
  } catch (const PolicyError& e) {
    std::vector<std::string> paths;
    for (const auto& p : e.problems()) paths.push_back(p.path);
    EXPECT_EQ(paths, (std::vector<std::string>{
                         "refunds.policies[0].when.field", "refunds.policies[0].timezone",
                         "refunds.policies[0].reasons.r.windows.return", "refunds.policies[0].reasons.r.windows.exchange",
                         "refunds.policies[0].reasons.r.windows.repair", "refunds.policies[0].reasons.r.from",
                         "refunds.policies[0].reasons.r.count_from", "refunds.policies[0].reasons.r.return_shipping",
                         "refunds.policies[0].reasons.r.conditions", "refunds.policies[0].reasons.r.restocking_fee_rate",
                         "refunds.policies[0].refund_only_max", "refunds.policies[0].fast_refund.min_credit_score",
                         "refunds.policies[0].fast_refund.max_amount", "refunds.policies[0].refund_within.after",
                         "refunds.policies[0].window_extensions[0].orders_to", "refunds.policies[1].id",
                         "refunds.policies[1].reasons"}));
    EXPECT_EQ(e.problems()[2].message, "unknown resolution \"return\" (return_refund, refund_only, exchange, repair)");
    EXPECT_EQ(e.problems()[5].message, "\"received\" is not an order instant (placed, paid, shipped, delivered)");
    EXPECT_EQ(e.problems()[9].message, "\"1.5\" is not a rate from 0 to 1 (like \"0.15\" for 15%)");
  }
}

TEST(RefundPolicyValidation, ExamplePoliciesLoad) {
  for (const char* name : {"cn-marketplace.json", "eu-refunds.json", "uk-refunds.json"})
    EXPECT_NO_THROW((void)Policy::from_file(std::string(AFTERSALES_EXAMPLES_DIR) + "/policies/" + name)) << name;
}

}  // namespace
