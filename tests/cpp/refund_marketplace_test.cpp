// Refunds a marketplace meets every day (issue 18 part 2, issue 16's working-day promises): tax,
// exchanges with a price difference, split shipments, return shipping fees, minimum-spend
// coupons and promises in working days. Every expected amount and instant is worked out by hand
// in the comments (money in minor units: 9.99 CNY is 999).
//
// The policy counts in Asia/Shanghai (UTC+8, no daylight saving). `no_reason`: return_refund 7
// days from the day after delivery, buyer ships back. `quality`: return_refund 7d and exchange
// 15d from payment, seller ships back.

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

std::shared_ptr<const Policy> policy_with(std::string_view members) {
  std::string doc = R"({"schema_version": 1,
    "calendars": {"office": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
    "refunds": {"policies": [{"id": "cn", "timezone": "Asia/Shanghai", "reasons": {
      "no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered", "count_from": "next_day",
                    "return_shipping": "buyer"},
      "quality": {"windows": {"return_refund": "7d", "exchange": "15d"}, "from": "paid", "return_shipping": "seller"}})";
  if (!members.empty()) doc += ", " + std::string(members);
  doc += "}]}}";
  return Policy::from_json(doc);
}

std::shared_ptr<const Policy> plain_policy() {
  static const auto policy = policy_with("");
  return policy;
}

// An order of `currency` with `lines` (JSON array text) and `discounts`, shipped and delivered
// 2026-11-03 10:00 in Shanghai; a `no_reason` return asked for on 11-05 with `rest` members.
std::string request(std::string_view currency, std::string_view lines, std::string_view discounts,
                    std::string_view rest) {
  return R"({"order": {"id": "O", "currency": ")" + std::string(currency) +
         R"(", "placed_at": "2026-11-01T10:00:00+08:00",
      "shipped_at": "2026-11-02T10:00:00+08:00", "delivered_at": "2026-11-03T10:00:00+08:00",
      "lines": )" + std::string(lines) + R"(, "discounts": )" + std::string(discounts) + R"(},
    "reason": "no_reason", "requested_at": "2026-11-05T10:00:00+08:00")" +
         (rest.empty() ? "" : ", " + std::string(rest)) + "}";
}

RefundDecision decide(const std::shared_ptr<const Policy>& policy, const std::string& json) {
  return RefundEngine(policy).check(RefundRequest::from_json(json));
}

std::string units(const Money& m) { return m.to_string(); }

// -- tax -------------------------------------------------------------------------------------

// Three units of 9.99 CNY with 6% included: the line's tax is 2997 × 0.06 / 1.06 = 169.64 → 170.
// The first k units carry 170 × (999 k) / 2997 = 170 k / 3, rounded half up: 57 (56.67), 113
// (113.33), 170; so the units' taxes are 57, 56, 57 and their nets 942, 943, 942.
TEST(RefundTax, IncludedTaxSplitsUnitByUnit) {
  const std::string lines = R"([{"id": "A", "unit_price": "9.99", "quantity": 3, "tax_rate": "0.06"}])";
  std::vector<std::string> taxes, nets;
  std::string refunded;
  for (int k = 0; k < 3; ++k) {
    const auto d = decide(plain_policy(), request("CNY", lines, "[]",
                                                  R"("items": [{"line": "A"}], "refunded": [)" + refunded + "]"));
    ASSERT_TRUE(d.eligible);
    ASSERT_TRUE(d.refund.taxed);
    EXPECT_EQ(units(d.refund.total), "9.99");
    taxes.push_back(units(d.refund.lines.at(0).tax));
    nets.push_back(units(d.refund.lines.at(0).net));
    EXPECT_EQ(d.refund.tax, d.refund.lines[0].tax);
    EXPECT_EQ(d.refund.net, d.refund.lines[0].net);
    refunded += std::string(k ? ", " : "") + R"({"line": "A", "quantity": 1})";
  }
  EXPECT_EQ(taxes, (std::vector<std::string>{"0.57", "0.56", "0.57"}));
  EXPECT_EQ(nets, (std::vector<std::string>{"9.42", "9.43", "9.42"}));
  // All at once: 29.97, of which 1.70 tax.
  const auto all = decide(plain_policy(), request("CNY", lines, "[]", ""));
  EXPECT_EQ(units(all.refund.total), "29.97");
  EXPECT_EQ(units(all.refund.tax), "1.70");
  EXPECT_EQ(units(all.refund.net), "28.27");
}

// JPY, tax added: A 3 × 1000 at 10%, B 1 × 500 at 8%, a 100 coupon on the order. The coupon
// spreads 100 × 3000 / 3500 = 85 rest 2500 and 100 × 500 / 3500 = 14 rest 1000; the left-over
// yen goes to A: discounts 86 and 14, nets 2914 and 486. Taxes: 2914 × 0.10 = 291.4 → 291,
// 486 × 0.08 = 38.88 → 39. A's units are discounted 29, 29, 28 (86 = 3 × 28 + 2), nets 971, 971,
// 972; the first unit carries 291 × 971 / 2914 = 96.97 → 97, the first two 291 × 1942 / 2914 =
// 193.93 → 194: taxes 97, 97, 97, paid 1068, 1068, 1069 (3205 = 2914 + 291).
TEST(RefundTax, AddedTaxInYenWithACoupon) {
  const std::string lines = R"([{"id": "A", "unit_price": "1000", "quantity": 3, "tax_rate": "0.10", "tax_included": false},
                                {"id": "B", "unit_price": "500", "quantity": 1, "tax_rate": "0.08", "tax_included": false}])";
  const std::string coupon = R"([{"id": "C", "amount": "100"}])";
  const auto one = decide(plain_policy(), request("JPY", lines, coupon, R"("items": [{"line": "A"}])"));
  EXPECT_EQ(units(one.refund.total), "1068");
  EXPECT_EQ(units(one.refund.lines.at(0).tax), "97");
  EXPECT_EQ(units(one.refund.lines.at(0).net), "971");
  EXPECT_EQ(units(one.refund.lines.at(0).discount), "29");
  const auto all = decide(plain_policy(), request("JPY", lines, coupon, ""));
  // 3205 + 525 (486 + 39): what was paid.
  EXPECT_EQ(units(all.refund.total), "3730");
  EXPECT_EQ(units(all.refund.tax), "330");
  EXPECT_EQ(units(all.refund.net), "3400");
  EXPECT_EQ(units(all.refund.lines.at(1).amount), "525");
  const std::string json = all.to_json();
  EXPECT_NE(json.find(R"("amount":"3205","discount":"86","net":"2914","tax":"291")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("net":"3400","tax":"330"})"), std::string::npos) << json;
}

// KWD (3 decimals), 15% included: 2 × 0.999 is 1998 fils, tax 1998 × 0.15 / 1.15 = 260.61 → 261.
// The first unit carries 261 × 999 / 1998 = 130.5, half up to 131; the second 130.
TEST(RefundTax, HalfUpInFils) {
  const std::string lines = R"([{"id": "A", "unit_price": "0.999", "quantity": 2, "tax_rate": "0.15"}])";
  const auto first = decide(plain_policy(), request("KWD", lines, "[]", R"("items": [{"line": "A"}])"));
  EXPECT_EQ(units(first.refund.lines.at(0).tax), "0.131");
  EXPECT_EQ(units(first.refund.lines.at(0).net), "0.868");
  const auto second = decide(plain_policy(), request("KWD", lines, "[]",
                                                     R"("items": [{"line": "A"}], "refunded": [{"line": "A", "quantity": 1}])"));
  EXPECT_EQ(units(second.refund.lines.at(0).tax), "0.130");
  EXPECT_EQ(units(second.refund.total), "0.999");
}

TEST(RefundTax, UntaxedOrdersReadAsBefore) {
  const auto d = decide(plain_policy(),
                        request("CNY", R"([{"id": "A", "unit_price": "10.00", "quantity": 1}])", "[]", ""));
  EXPECT_FALSE(d.refund.taxed);
  EXPECT_EQ(d.to_json().find("\"tax\""), std::string::npos);
}

TEST(RefundTax, RateOutsideZeroToOneIsAnError) {
  try {
    (void)RefundRequest::from_json(
        request("CNY", R"([{"id": "A", "unit_price": "10.00", "quantity": 1, "tax_rate": "1.5"}])", "[]", ""));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("order.lines[0].tax_rate"), std::string::npos) << e.what();
  }
}

// Property: for random orders (random currencies, prices, quantities, rates, included or added,
// discounts on random line sets), refunding the units in random steps gives back exactly what
// was paid: the goods' list value less the discounts, plus each line's tax; and the steps' taxes
// add up to the lines' taxes, each within half a minor unit of the line's net × rate.
TEST(RefundTax, SuccessivePartialRefundsSumToWhatWasPaid) {
  std::mt19937_64 random(20261205);
  const std::array<std::pair<std::string_view, int>, 3> currencies{{{"CNY", 2}, {"JPY", 0}, {"KWD", 3}}};
  const auto amount_text = [](std::int64_t minor, int exponent) {
    std::string digits = std::to_string(minor);
    if (exponent == 0) return digits;
    while (static_cast<int>(digits.size()) <= exponent) digits.insert(0, "0");
    return digits.insert(digits.size() - static_cast<std::size_t>(exponent), ".");
  };
  for (int order = 0; order < 300; ++order) {
    const auto& [code, exponent] = currencies[random() % currencies.size()];
    const std::size_t n = 1 + random() % 4;
    std::vector<std::int64_t> quantity(n), price(n), rate(n);
    std::vector<bool> included(n);
    std::int64_t goods = 0;
    std::string lines = "[";
    for (std::size_t i = 0; i < n; ++i) {
      quantity[i] = 1 + static_cast<std::int64_t>(random() % 4);
      price[i] = static_cast<std::int64_t>(random() % 20000);
      rate[i] = static_cast<std::int64_t>(random() % 4) * 50000 + static_cast<std::int64_t>(random() % 3) * 1250;
      included[i] = random() % 2 == 0;
      goods += price[i] * quantity[i];
      lines += std::string(i ? ", " : "") + R"({"id": "L)" + std::to_string(i) + R"(", "unit_price": ")" +
               amount_text(price[i], exponent) + R"(", "quantity": )" + std::to_string(quantity[i]) +
               R"(, "tax_rate": "0.)" + std::to_string(1'000'000 + rate[i]).substr(1) + R"(", "tax_included": )" +
               (included[i] ? "true" : "false") + "}";
    }
    lines += "]";
    // A coupon on the whole order and one on the first line, within what they are worth.
    const std::int64_t whole = goods == 0 ? 0 : static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(goods / 2 + 1));
    const std::int64_t first = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>((price[0] * quantity[0]) / 2 + 1));
    const std::string discounts = R"([{"amount": ")" + amount_text(whole, exponent) + R"("}, {"amount": ")" +
                                  amount_text(first, exponent) + R"(", "lines": ["L0"]}])";
    // Units back in random steps until none is left.
    std::vector<std::int64_t> left = quantity;
    std::string refunded;
    std::int64_t back = 0;
    std::vector<std::int64_t> net(n), tax(n);
    while (std::any_of(left.begin(), left.end(), [](std::int64_t q) { return q > 0; })) {
      std::size_t i = random() % n;
      while (left[i] == 0) i = (i + 1) % n;
      const std::int64_t q = 1 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(left[i]));
      const std::string item = R"({"line": "L)" + std::to_string(i) + R"(", "quantity": )" + std::to_string(q) + "}";
      const auto d = decide(plain_policy(), request(code, lines, discounts,
                                                    R"("items": [)" + item + R"(], "refunded": [)" + refunded + "]"));
      ASSERT_TRUE(d.eligible) << d.to_json();
      const RefundLineAmount& line = d.refund.lines.at(0);
      EXPECT_GE(line.net.minor_units(), 0);
      EXPECT_GE(line.tax.minor_units(), 0);
      EXPECT_EQ(line.net.minor_units() + line.tax.minor_units(), line.amount.minor_units());
      back += d.refund.total.minor_units();
      net[i] += line.net.minor_units();
      tax[i] += line.tax.minor_units();
      left[i] -= q;
      refunded += std::string(refunded.empty() ? "" : ", ") + item;
    }
    // Paid: the goods less the discounts, with tax on top for lines whose tax is added.
    std::int64_t paid = goods - whole - first;
    for (std::size_t i = 0; i < n; ++i) {
      // A line's tax is within half a minor unit of its exact tax: net × rate.
      const std::int64_t exact_times_million = net[i] * rate[i];
      EXPECT_LE(std::abs(tax[i] * 1'000'000 - exact_times_million), 500'000 + rate[i]) << "order " << order;
      if (!included[i]) paid += tax[i];
    }
    EXPECT_EQ(back, paid) << "order " << order << " " << lines << " " << discounts;
    // One request for everything gives the same.
    EXPECT_EQ(decide(plain_policy(), request(code, lines, discounts, "")).refund.total.minor_units(), paid);
  }
}

// -- exchanges -------------------------------------------------------------------------------

// One unit of 100.00 with 13% included and 10.00 off it, exchanged under `quality`. Returned:
// 90.00, tax 9000 × 0.13 / 1.13 = 1035.40 → 10.35. A 120.00 variant keeps the same share of
// discount: 1000 × 12000 / 10000 = 12.00 off, 108.00, tax 10800 × 0.13 / 1.13 = 1242.48 → 12.42;
// the customer pays 18.00. An 80.00 variant: 8.00 off, 72.00 (tax 828.32 → 8.28); 18.00 back.
TEST(RefundExchange, PriceDifferenceKeepsTheDiscountShare) {
  const auto exchange = [](std::string_view price) {
    std::string json = request("CNY", R"([{"id": "A", "unit_price": "100.00", "quantity": 1, "tax_rate": "0.13"}])",
                               R"([{"amount": "10.00", "lines": ["A"]}])",
                               R"("items": [{"line": "A", "exchange_for": {"sku": "A-XL", "unit_price": ")" +
                                   std::string(price) + R"("}}], "resolution": "exchange")");
    json.replace(json.find("no_reason"), 9, "quality");
    return decide(plain_policy(), json);
  };
  const auto dearer = exchange("120.00");
  ASSERT_TRUE(dearer.eligible) << dearer.to_json();
  ASSERT_TRUE(dearer.exchange.has_value());
  EXPECT_EQ(units(dearer.exchange->returned), "90.00");
  EXPECT_EQ(units(dearer.exchange->returned_tax), "10.35");
  EXPECT_EQ(units(dearer.exchange->replacement), "108.00");
  EXPECT_EQ(units(dearer.exchange->replacement_tax), "12.42");
  EXPECT_EQ(units(dearer.exchange->customer_pays), "18.00");
  EXPECT_EQ(units(dearer.exchange->customer_receives), "0.00");
  EXPECT_EQ(units(dearer.refund.total), "0.00");  // an exchange moves no refund
  const auto cheaper = exchange("80.00");
  EXPECT_EQ(units(cheaper.exchange->replacement), "72.00");
  EXPECT_EQ(units(cheaper.exchange->replacement_tax), "8.28");
  EXPECT_EQ(units(cheaper.exchange->customer_pays), "0.00");
  EXPECT_EQ(units(cheaper.exchange->customer_receives), "18.00");
  EXPECT_NE(cheaper.to_json().find(R"("exchange":{"returned":"90.00","replacement":"72.00",)"), std::string::npos);
}

// -- split shipments -------------------------------------------------------------------------

// A delivered 11-03 10:00, B 11-06 10:00 (Shanghai); C shipped 11-02 10:00 with no delivery
// known. Each line's 7 days start the next day: A's end 11-11 00:00, B's 11-14 00:00; C counts as
// delivered 3 days after shipment (11-05 10:00), so its end is 11-13 00:00.
std::string split_request(std::string_view item, std::string_view at) {
  return R"({"order": {"id": "O", "currency": "CNY", "placed_at": "2026-11-01T10:00:00+08:00",
      "shipped_at": "2026-11-02T10:00:00+08:00",
      "lines": [{"id": "A", "unit_price": "10.00", "quantity": 1, "delivered_at": "2026-11-03T10:00:00+08:00"},
                {"id": "B", "unit_price": "20.00", "quantity": 1, "shipped_at": "2026-11-04T10:00:00+08:00",
                 "delivered_at": "2026-11-06T10:00:00+08:00"},
                {"id": "C", "unit_price": "30.00", "quantity": 1, "shipped_at": "2026-11-02T10:00:00+08:00"}]},
    "items": [{"line": ")" + std::string(item) + R"("}], "reason": "no_reason", "requested_at": ")" +
         std::string(at) + "\"}";
}

TEST(RefundSplitShipments, EachLineCountsFromItsOwnDelivery) {
  const auto policy = policy_with(R"("split_shipments": {"count_from": "each_line", "transit_time": "3d"})");
  EXPECT_TRUE(decide(policy, split_request("A", "2026-11-10T23:59:00+08:00")).eligible);
  const auto late = decide(policy, split_request("A", "2026-11-11T00:00:00+08:00"));
  EXPECT_FALSE(late.eligible);
  ASSERT_EQ(late.reasons.size(), 1u);
  EXPECT_EQ(to_string(late.reasons[0].code), "WINDOW_EXPIRED");
  EXPECT_EQ(late.reasons[0].line, "A");
  EXPECT_TRUE(decide(policy, split_request("B", "2026-11-13T23:59:00+08:00")).eligible);
  EXPECT_TRUE(decide(policy, split_request("C", "2026-11-12T23:59:00+08:00")).eligible);
  const auto c = decide(policy, split_request("C", "2026-11-13T00:00:00+08:00"));
  EXPECT_FALSE(c.eligible);
  EXPECT_EQ(c.reasons.at(0).message,
            "the 7-day return_refund window of the reason \"no_reason\" ended at 2026-11-13T00:00:00+08:00 (counted from "
            "the day after delivery at 2026-11-05T10:00:00+08:00); requested at 2026-11-13T00:00:00+08:00");
  // Without a transit time, C is not delivered.
  const auto no_transit = decide(plain_policy(), split_request("C", "2026-11-05T10:00:00+08:00"));
  EXPECT_EQ(to_string(no_transit.reasons.at(0).code), "NOT_YET_DELIVERED");
  EXPECT_EQ(no_transit.reasons.at(0).line, "C");
}

TEST(RefundSplitShipments, OrFromTheLastLine) {
  // The last delivery is B's 11-06 10:00 (C's 11-05 10:00 is earlier): every window ends 11-14 00:00.
  const auto policy = policy_with(R"("split_shipments": {"count_from": "last_line", "transit_time": "3d"})");
  EXPECT_TRUE(decide(policy, split_request("A", "2026-11-13T23:59:00+08:00")).eligible);
  EXPECT_FALSE(decide(policy, split_request("A", "2026-11-14T00:00:00+08:00")).eligible);
}

// -- return shipping fees --------------------------------------------------------------------

TEST(RefundReturnShippingFee, FlatPerReturnTheBuyerShips) {
  const auto policy = policy_with(R"("return_shipping_fee": "8.00")");
  const std::string lines = R"([{"id": "A", "unit_price": "30.00", "quantity": 2}])";
  // 30.00 - 8.00.
  const auto d = decide(policy, request("CNY", lines, "[]", R"("items": [{"line": "A"}])"));
  EXPECT_EQ(units(d.refund.total), "22.00");
  ASSERT_EQ(d.refund.deductions.size(), 1u);
  EXPECT_EQ(d.refund.deductions[0].type, "return_shipping");
  EXPECT_EQ(to_string(d.reasons.at(0).code), "RETURN_SHIPPING_CHARGED");
  // The seller ships back for `quality`: nothing is charged.
  std::string quality = request("CNY", lines, "[]", R"("items": [{"line": "A"}])");
  quality.replace(quality.find("no_reason"), 9, "quality");
  EXPECT_EQ(units(decide(policy, quality).refund.total), "30.00");
  // In yen the same "8.00" is 8 yen: 3000 - 8.
  const auto yen = decide(policy, request("JPY", R"([{"id": "A", "unit_price": "3000", "quantity": 1}])", "[]", ""));
  EXPECT_EQ(units(yen.refund.total), "2992");
}

// -- minimum-spend coupons -------------------------------------------------------------------

// X 60.00 + Y 50.00, 10.00 off for spending 100.00. The coupon spreads 545 rest 5000 on X and
// 454 rest 6000 on Y, the left-over cent to Y: X paid 54.55, Y 45.45. Returning Y keeps X's 60.00
// (list), below 100.00: X's share of the coupon, 1000 × 6000 / 11000 = 545.45 → 5.45, is
// deducted: 45.45 - 5.45 = 40.00, so X cost its list price 60.00 in the end.
TEST(RefundMinimumSpend, BrokenConditionDeductsTheKeptShare) {
  const std::string lines = R"([{"id": "X", "unit_price": "60.00", "quantity": 1},
                                {"id": "Y", "unit_price": "50.00", "quantity": 1}])";
  const std::string coupon = R"([{"id": "M100", "amount": "10.00", "min_spend": "100.00"}])";
  const auto policy = policy_with(R"("recompute_min_spend": true)");
  const auto d = decide(policy, request("CNY", lines, coupon, R"("items": [{"line": "Y"}])"));
  EXPECT_EQ(units(d.refund.total), "40.00");
  ASSERT_EQ(d.refund.deductions.size(), 1u);
  EXPECT_EQ(d.refund.deductions[0].type, "lost_promotion");
  EXPECT_EQ(units(d.refund.deductions[0].amount), "5.45");
  EXPECT_EQ(d.reasons.at(0).message,
            "the goods kept on the lines of order.discounts[0] are worth 60.00 CNY at list price, below its minimum "
            "spend of 100.00 CNY: its discount on them, 5.45 CNY, is deducted");
  // Once: returning X afterwards gives its 54.55.
  const auto later = decide(policy, request("CNY", lines, coupon,
                                            R"("items": [{"line": "X"}], "refunded": [{"line": "Y", "quantity": 1}])"));
  EXPECT_EQ(units(later.refund.total), "54.55");
  // Everything back, or a policy that keeps promotions: no deduction.
  EXPECT_EQ(units(decide(policy, request("CNY", lines, coupon, "")).refund.total), "100.00");
  EXPECT_EQ(units(decide(plain_policy(), request("CNY", lines, coupon, R"("items": [{"line": "Y"}])")).refund.total),
            "45.45");
}

// -- working-day promises --------------------------------------------------------------------

// The return arrives Friday 2026-11-13 15:00: 3 working days after are Mon 16, Tue 17, Wed 18,
// whose day ends at 18:00 (10:00Z). The request on Thursday 11-05 10:00 ships back within 5
// working days: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12, ending 11-12 18:00.
TEST(RefundWorkingDays, PromisesEndWithABusinessDay) {
  const auto policy = policy_with(
      R"("refund_within": {"after": "return_received", "within": {"working_days": 3, "calendar": "office"}},
         "ship_back_within": {"working_days": 5, "calendar": "office"})");
  const auto d = decide(policy, request("CNY", R"([{"id": "A", "unit_price": "10.00", "quantity": 1}])", "[]",
                                        R"("return_received_at": "2026-11-13T15:00:00+08:00")"));
  EXPECT_EQ(d.refund_due_by, parse_instant("2026-11-18T18:00:00+08:00"));
  EXPECT_EQ(d.ship_back_by, parse_instant("2026-11-12T18:00:00+08:00"));
}

TEST(RefundWorkingDays, UnknownCalendarIsNamed) {
  try {
    (void)policy_with(R"("refund_within": {"after": "requested", "within": {"working_days": 3, "calendar": "nope"}})");
    FAIL() << "expected a PolicyError";
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("refunds.policies[0].refund_within.within.calendar"), std::string::npos)
        << e.what();
  }
}

}  // namespace
