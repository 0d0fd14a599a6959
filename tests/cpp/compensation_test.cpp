// Compensation decisions (docs/compensation.md) through the public API. Every expected amount
// is worked out by hand in the comments (money in minor units: 14.95 CNY is 1495).
//
// The CNY policy "cn" (Asia/Shanghai, UTC+8), best offer wins, a point is worth 0.01:
//   late-3d           delivery >= 3 days late       coupon 10.00, minimum spend 99.00
//   late-5d-pct       delivery >= 5 days late       coupon 5% of the order, capped at 30.00
//   sla-credit        resolution or first_response breached   store credit 8.00
//   quality-gift      quality fault, tier gold/platinum       gift GIFT-TOWEL worth 15.00
//   complaint-points  category starts "complaint/"            500 points (5.00)
//   limits[0] 3 compensations per customer in 90 days; limits[1] 50.00 per customer in 30 days;
//   limits[2] 1 compensation per order.

#include <aftersales/compensation.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
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

constexpr std::string_view cn_policy = R"({"schema_version": 1, "compensation": {"policies": [
 {"id": "cn", "currency": "CNY", "timezone": "Asia/Shanghai", "combine": "best", "point_value": "0.01",
  "rules": [
   {"id": "late-3d", "late_days": 3, "offer": {"type": "coupon", "amount": "10.00", "min_spend": "99.00"}},
   {"id": "late-5d-pct", "late_days": 5, "offer": {"type": "coupon", "percent": "5", "cap": "30.00"}},
   {"id": "sla-credit", "sla_breached": ["resolution", "first_response"],
    "offer": {"type": "store_credit", "amount": "8.00"}},
   {"id": "quality-gift", "quality_fault": true, "when": {"field": "customer.tier", "in": ["gold", "platinum"]},
    "offer": {"type": "gift", "sku": "GIFT-TOWEL", "value": "15.00"}},
   {"id": "complaint-points", "when": {"field": "category", "prefix": "complaint/"},
    "offer": {"type": "points", "points": 500}}],
  "limits": [{"per": "customer", "period": "90d", "max_count": 3},
             {"per": "customer", "period": "30d", "max_amount": "50.00"},
             {"per": "order", "max_count": 1}]},
 {"id": "jp", "currency": "JPY", "timezone": "Asia/Tokyo", "combine": "sum",
  "rules": [
   {"id": "late-2d", "late_days": 2, "offer": {"type": "coupon", "percent": "3", "cap": "1000"}},
   {"id": "complaint-credit", "when": {"field": "category", "eq": "complaint/logistics"},
    "offer": {"type": "store_credit", "amount": "500"}}],
  "limits": [{"per": "customer", "period": "30d", "max_amount": "1200"}]},
 {"id": "kw", "currency": "KWD", "timezone": "Asia/Kuwait",
  "rules": [
   {"id": "late-1d", "late_days": 1, "offer": {"type": "coupon", "percent": "2.5"}},
   {"id": "quality-gift", "quality_fault": true, "offer": {"type": "gift", "sku": "GIFT-KW", "value": "1.500"}}]}
]}})";

std::shared_ptr<const Policy> policy() {
  static const auto loaded = Policy::from_json(cn_policy);
  return loaded;
}

CompensationDecision decide(std::string_view request) {
  return CompensationEngine(policy()).decide(CompensationRequest::from_json(request));
}

// "CODE rule" for each reason, in order.
std::vector<std::string> codes(const CompensationDecision& d) {
  std::vector<std::string> out;
  for (const auto& note : d.reasons) out.push_back(std::string(to_string(note.code)) + " " + note.rule);
  return out;
}

std::string message(const CompensationDecision& d, CompensationCode code, std::string_view rule = {}) {
  for (const auto& note : d.reasons)
    if (note.code == code && (rule.empty() || note.rule == rule)) return note.message;
  return "(none)";
}

// A CNY request for order O-1 of 299.00 promised by 2026-11-14, with the given delivery, ticket
// and extra members.
std::string cn_request(std::string_view delivered, std::string_view extra = "",
                       std::string_view amount = "299.00") {
  return std::string(R"({"requested_at": "2026-11-20T10:00:00+08:00", "order": {"id": "O-1", "currency": "CNY", "amount": ")") +
         std::string(amount) + R"(", "promised_by": "2026-11-14", "delivered_at": ")" + std::string(delivered) +
         R"("}, "customer": {"id": "C-1", "tier": "silver"}, "ticket": {"id": "T-1", "category": "complaint/logistics", "agent": "A-7"})" +
         std::string(extra) + "}";
}

TEST(Compensation, ThreeDaysLateBestOfferWinsWithEveryRuleExplained) {
  // Delivered 11-17 (Shanghai), promised by 11-14: 17 - 14 = 3 days late. late-3d gives 10.00;
  // late-5d-pct needs 5; no SLA breach; tier silver is not gold/platinum; complaint-points gives
  // 500 x 0.01 = 5.00 < 10.00.
  const auto d = decide(cn_request("2026-11-17T15:00:00+08:00"));
  EXPECT_TRUE(d.compensate);
  EXPECT_EQ(d.policy, "cn");
  EXPECT_EQ(d.late_days, 3);
  ASSERT_EQ(d.offers.size(), 1u);
  EXPECT_EQ(d.offers[0].rule, "late-3d");
  EXPECT_EQ(d.offers[0].type, OfferType::coupon);
  EXPECT_EQ(d.offers[0].amount.minor_units(), 1000);
  EXPECT_EQ(d.offers[0].min_spend->minor_units(), 9900);
  EXPECT_EQ(d.total.to_string(), "10.00");
  EXPECT_EQ(codes(d), (std::vector<std::string>{"RULE_MATCHED late-3d", "NOT_LATE_ENOUGH late-5d-pct",
                                                "SLA_NOT_BREACHED sla-credit", "CONDITION_NOT_MET quality-gift",
                                                "RULE_MATCHED complaint-points", "NOT_BEST complaint-points"}));
  EXPECT_EQ(message(d, CompensationCode::rule_matched, "late-3d"),
            "rule \"late-3d\" applies (delivered 3 days late (promised by 2026-11-14), at least 3 days): offers a "
            "coupon of 10.00 CNY, for a spend of at least 99.00 CNY");
  EXPECT_EQ(message(d, CompensationCode::not_late_enough),
            "rule \"late-5d-pct\" needs a delivery at least 5 days late; delivered 3 days late (promised by 2026-11-14)");
  EXPECT_EQ(message(d, CompensationCode::sla_not_breached),
            "rule \"sla-credit\" needs one of the SLA metrics \"resolution\", \"first_response\" breached; no SLA "
            "metric was breached");
  EXPECT_EQ(message(d, CompensationCode::rule_matched, "complaint-points"),
            "rule \"complaint-points\" applies: offers 500 points worth 5.00 CNY (0.01 CNY a point)");
  EXPECT_EQ(message(d, CompensationCode::not_best),
            "rule \"complaint-points\"'s offer worth 5.00 CNY is less than rule \"late-3d\"'s 10.00 CNY: the best "
            "offer wins");
  EXPECT_EQ(d.ticket, "T-1");
  EXPECT_EQ(d.agent, "A-7");
  EXPECT_EQ(d.category, "complaint/logistics");
}

TEST(Compensation, LateDaysCountLocalDatesInThePolicyZone) {
  // 2026-11-16T17:30Z is 2026-11-17 01:30 in Shanghai: 3 local days after 11-14 (2 in UTC).
  EXPECT_EQ(decide(cn_request("2026-11-16T17:30:00Z")).late_days, 3);
  // 2026-11-16T15:59:59Z is 23:59:59 on 11-16 in Shanghai: 2 days, late-3d does not apply.
  const auto d = decide(cn_request("2026-11-16T15:59:59Z"));
  EXPECT_EQ(d.late_days, 2);
  EXPECT_EQ(d.offers.at(0).rule, "complaint-points");
  // Delivered before the promise: 0 days, never negative.
  EXPECT_EQ(decide(cn_request("2026-11-12T10:00:00+08:00")).late_days, 0);
}

TEST(Compensation, NotDeliveredCountsToTheRequest) {
  // Not delivered; requested 11-20 (Shanghai), promised 11-14: 6 days past. 5% of 299.00 =
  // 29900 x 5 / 100 = 1495 -> 14.95, more than late-3d's 10.00.
  const std::string request =
      R"({"requested_at": "2026-11-20T10:00:00+08:00", "order": {"id": "O-1", "currency": "CNY", "amount": "299.00",
          "promised_by": "2026-11-14"}})";
  const auto d = decide(request);
  EXPECT_EQ(d.late_days, 6);
  ASSERT_EQ(d.offers.size(), 1u);
  EXPECT_EQ(d.offers[0].rule, "late-5d-pct");
  EXPECT_EQ(d.total.minor_units(), 1495);
  EXPECT_EQ(message(d, CompensationCode::rule_matched, "late-5d-pct"),
            "rule \"late-5d-pct\" applies (not delivered, 6 days past the promised 2026-11-14, at least 5 days): "
            "offers a coupon of 14.95 CNY (5% of 299.00 CNY)");
}

TEST(Compensation, PercentRoundsHalfUpThenTheCap) {
  // 5% of 999.99 = 99999 x 5 / 100 = 4999.95 -> 5000 (half up) = 50.00, capped at 30.00.
  const auto d = decide(cn_request("2026-11-20T09:00:00+08:00", "", "999.99"));
  EXPECT_EQ(d.total.minor_units(), 3000);
  EXPECT_EQ(message(d, CompensationCode::rule_matched, "late-5d-pct"),
            "rule \"late-5d-pct\" applies (delivered 6 days late (promised by 2026-11-14), at least 5 days): offers a "
            "coupon of 30.00 CNY (5% of 999.99 CNY = 50.00 CNY, capped at 30.00 CNY)");
  // 5% of 199.99 = 19999 x 5 / 100 = 999.95 -> 1000: half a fen rounds up to 10.00, a tie with
  // late-3d's 10.00 that the earlier rule wins.
  const auto tie = decide(cn_request("2026-11-20T09:00:00+08:00", "", "199.99"));
  EXPECT_EQ(tie.offers.at(0).rule, "late-3d");
  EXPECT_EQ(message(tie, CompensationCode::not_best, "late-5d-pct"),
            "rule \"late-5d-pct\"'s offer worth 10.00 CNY is no more than rule \"late-3d\"'s 10.00 CNY, which comes "
            "first: the best offer wins");
}

TEST(Compensation, AnOfferWorthNothingIsDropped) {
  // An order of 0.00 (fully paid by coupons), 6 days late: 5% of 0.00 is 0.00, dropped; the
  // fixed 10.00 coupon of late-3d is kept.
  const auto d = decide(cn_request("2026-11-20T09:00:00+08:00", "", "0.00"));
  EXPECT_EQ(d.total.minor_units(), 1000);
  EXPECT_EQ(message(d, CompensationCode::offer_dropped, "late-5d-pct"),
            "rule \"late-5d-pct\"'s offer comes to 0.00 CNY: nothing to offer");
}

TEST(Compensation, AmountLimitTrimsCouponsBeforeBestIsChosen) {
  // 45.00 in the 30 days before: 50.00 - 45.00 = 5.00 left. late-3d's 10.00 and late-5d-pct's
  // 14.95 are trimmed to 5.00; the points (5.00) fit as they are. All three are 5.00: the
  // earliest rule, late-3d, wins.
  const auto d = decide(cn_request("2026-11-20T09:00:00+08:00",
                                   R"(, "history": [{"at": "2026-11-01T10:00:00+08:00", "order": "O-0", "value": "45.00"}])"));
  ASSERT_TRUE(d.compensate);
  EXPECT_EQ(d.offers.at(0).rule, "late-3d");
  EXPECT_EQ(d.offers[0].amount.minor_units(), 500);
  EXPECT_EQ(d.total.minor_units(), 500);
  EXPECT_EQ(codes(d), (std::vector<std::string>{
                          "RULE_MATCHED late-3d", "RULE_MATCHED late-5d-pct", "SLA_NOT_BREACHED sla-credit",
                          "CONDITION_NOT_MET quality-gift", "RULE_MATCHED complaint-points", "OFFER_TRIMMED late-3d",
                          "OFFER_TRIMMED late-5d-pct", "NOT_BEST late-5d-pct", "NOT_BEST complaint-points"}));
  EXPECT_EQ(message(d, CompensationCode::offer_trimmed, "late-3d"),
            "rule \"late-3d\"'s coupon of 10.00 CNY is trimmed to 5.00 CNY: limits[1] (at most 50.00 CNY per "
            "customer in 30 days): 45.00 CNY used, 5.00 CNY left");
}

TEST(Compensation, GiftThatDoesNotFitIsDroppedAndNothingIsOffered) {
  // Gold customer, quality fault, on time, category "quality": only quality-gift applies (15.00);
  // 45.00 of 50.00 used leaves 5.00; a gift cannot be cut: dropped, nothing offered.
  const std::string request =
      R"({"requested_at": "2026-11-20T10:00:00+08:00", "order": {"id": "O-1", "currency": "CNY", "amount": "299.00"},
          "customer": {"id": "C-1", "tier": "gold"}, "ticket": {"category": "quality"}, "quality_fault": true,
          "history": [{"at": "2026-11-19T10:00:00+08:00", "value": "45.00"}]})";
  const auto d = decide(request);
  EXPECT_FALSE(d.compensate);
  EXPECT_TRUE(d.offers.empty());
  EXPECT_EQ(d.total.minor_units(), 0);
  EXPECT_FALSE(d.late_days.has_value());
  EXPECT_EQ(codes(d), (std::vector<std::string>{"NOT_LATE_ENOUGH late-3d", "NOT_LATE_ENOUGH late-5d-pct",
                                                "SLA_NOT_BREACHED sla-credit", "RULE_MATCHED quality-gift",
                                                "CONDITION_NOT_MET complaint-points", "OFFER_DROPPED quality-gift",
                                                "AMOUNT_LIMIT_REACHED "}));
  EXPECT_EQ(message(d, CompensationCode::not_late_enough, "late-3d"),
            "rule \"late-3d\" needs a delivery at least 3 days late; the order has no promised delivery date");
  EXPECT_EQ(message(d, CompensationCode::offer_dropped),
            "rule \"quality-gift\"'s gift worth 15.00 CNY is left out: limits[1] (at most 50.00 CNY per customer in "
            "30 days): 45.00 CNY used, 5.00 CNY left");
  // With 35.00 used, 15.00 is left: the gift fits exactly.
  std::string fits = request;
  fits.replace(fits.find("45.00"), 5, "35.00");
  const auto g = decide(fits);
  EXPECT_TRUE(g.compensate);
  EXPECT_EQ(g.offers.at(0).sku, "GIFT-TOWEL");
  EXPECT_EQ(g.total.minor_units(), 1500);
}

TEST(Compensation, CountLimitCountsTheNinetyDaysBeforeTheRequest) {
  // Requested 2026-11-20T10:00+08:00; 90 days before is 2026-08-22T10:00+08:00 (Aug 22 + 9 = 31,
  // + 30 (Sep) + 31 (Oct) + 20 = 90). An entry exactly then is outside (the period is
  // (requested - 90d, requested]); two more inside make 2 < 3: allowed.
  const std::string two_inside =
      R"(, "history": [{"at": "2026-08-22T10:00:00+08:00", "value": "1.00"}, {"at": "2026-09-01T00:00:00+08:00", "value": "1.00"},
                       {"at": "2026-10-01T00:00:00+08:00", "value": "1.00"}])";
  EXPECT_TRUE(decide(cn_request("2026-11-17T15:00:00+08:00", two_inside)).compensate);
  // One millisecond later the first is inside: 3 compensations, the limit of 3 is reached.
  std::string three = two_inside;
  three.replace(three.find("10:00:00+08:00"), 14, "10:00:00.001+08:00");
  const auto d = decide(cn_request("2026-11-17T15:00:00+08:00", three));
  EXPECT_FALSE(d.compensate);
  EXPECT_TRUE(d.offers.empty());
  EXPECT_EQ(d.reasons.back().code, CompensationCode::count_limit_reached);
  EXPECT_EQ(d.reasons.back().message,
            "limits[0] (at most 3 compensations per customer in 90 days): 3 compensations counted already");
  // Entries after the request are not counted (a replay of the past decides as it did then).
  std::string later = three;
  later.replace(later.find("2026-10-01"), 10, "2026-11-21");
  EXPECT_TRUE(decide(cn_request("2026-11-17T15:00:00+08:00", later)).compensate);
}

TEST(Compensation, PerOrderLimit) {
  const auto d = decide(cn_request("2026-11-17T15:00:00+08:00",
                                   R"(, "history": [{"at": "2026-01-01T00:00:00Z", "order": "O-1", "value": "0.00"}])"));
  EXPECT_FALSE(d.compensate);
  EXPECT_EQ(d.reasons.back().message, "limits[2] (at most 1 compensation per order): 1 compensation counted already");
  // Another order's compensation does not count for this order.
  EXPECT_TRUE(decide(cn_request("2026-11-17T15:00:00+08:00",
                                R"(, "history": [{"at": "2026-01-01T00:00:00Z", "order": "O-9", "value": "0.00"}])"))
                  .compensate);
}

TEST(Compensation, JpySumAddsOffersAndTrimsTheLast) {
  // Tokyo (UTC+9): delivered 11-16, promised 11-14: 2 days. 3% of 12345 = 370.35 -> 370 yen;
  // complaint-credit 500. Sum: 870.
  const std::string base =
      R"({"requested_at": "2026-11-20T10:00:00+09:00", "order": {"id": "J-1", "currency": "JPY", "amount": "12345",
          "promised_by": "2026-11-14", "delivered_at": "2026-11-16T12:00:00+09:00"},
          "ticket": {"category": "complaint/logistics"})";
  const auto d = decide(base + "}");
  ASSERT_EQ(d.offers.size(), 2u);
  EXPECT_EQ(d.offers[0].amount.to_string(), "370");
  EXPECT_EQ(d.offers[1].type, OfferType::store_credit);
  EXPECT_EQ(d.total.to_string(), "870");
  // 500 used in 30 days leaves 700: 370 fits (330 left), the credit of 500 is trimmed to 330.
  const auto t = decide(base + R"(, "history": [{"at": "2026-11-10T00:00:00+09:00", "value": "500"}]})");
  ASSERT_EQ(t.offers.size(), 2u);
  EXPECT_EQ(t.offers[1].amount.to_string(), "330");
  EXPECT_EQ(t.total.to_string(), "700");
  EXPECT_EQ(message(t, CompensationCode::offer_trimmed),
            "rule \"complaint-credit\"'s store_credit of 500 JPY is trimmed to 330 JPY: limits[0] (at most 1200 JPY "
            "per customer in 30 days): 500 JPY used, 700 JPY left, 330 JPY after the offers before it");
  // 3% of 12350 = 370.5 -> 371 (half up).
  std::string half = base + "}";
  half.replace(half.find("12345"), 5, "12350");
  EXPECT_EQ(decide(half).offers.at(0).amount.minor_units(), 371);
}

TEST(Compensation, KwdThreeDecimals) {
  // Kuwait (UTC+3): 1 day late. 2.5% of 45.678 = 45678 x 2.5 / 100 = 1141.95 -> 1142 fils =
  // 1.142, less than the gift's 1.500: the gift wins.
  const std::string request =
      R"({"requested_at": "2026-11-20T10:00:00+03:00", "order": {"id": "K-1", "currency": "KWD", "amount": "45.678",
          "promised_by": "2026-11-14", "delivered_at": "2026-11-15T08:00:00+03:00"}, "quality_fault": true})";
  const auto d = decide(request);
  EXPECT_EQ(d.offers.at(0).rule, "quality-gift");
  EXPECT_EQ(d.total.to_string(), "1.500");
  EXPECT_EQ(message(d, CompensationCode::not_best),
            "rule \"late-1d\"'s offer worth 1.142 KWD is less than rule \"quality-gift\"'s 1.500 KWD: the best offer wins");
  // 2.5% of 75.000 = 1875 fils = 1.875 > 1.500: the coupon wins.
  std::string larger = request;
  larger.replace(larger.find("45.678"), 6, "75.000");
  EXPECT_EQ(decide(larger).total.to_string(), "1.875");
}

TEST(Compensation, NoPolicyForTheCurrency) {
  const auto d = decide(R"({"requested_at": "2026-11-20T10:00:00Z", "order": {"currency": "EUR", "amount": "10.00"}})");
  EXPECT_FALSE(d.compensate);
  EXPECT_FALSE(d.policy.has_value());
  EXPECT_EQ(codes(d), std::vector<std::string>{"NO_POLICY "});
  EXPECT_EQ(d.reasons[0].message, "no compensation policy applies to this EUR order");
  EXPECT_EQ(d.total.to_string(), "0.00");
}

TEST(Compensation, NoRuleMatched) {
  const auto d = decide(R"({"requested_at": "2026-11-20T10:00:00Z", "order": {"currency": "CNY", "amount": "10.00"}})");
  EXPECT_FALSE(d.compensate);
  EXPECT_EQ(d.reasons.back().code, CompensationCode::no_rule_matched);
  EXPECT_EQ(d.reasons.back().message, "no rule of compensation policy \"cn\" applies");
}

TEST(Compensation, SlaBreachAndJson) {
  const auto d = decide(
      R"({"requested_at": "2026-11-20T10:00:00Z", "order": {"currency": "CNY", "amount": "10.00"},
          "customer": {"tier": "gold"}, "sla_breached": ["first_response"]})");
  EXPECT_EQ(d.to_json(),
            R"j({"compensate":true,"policy":"cn","currency":"CNY","total":"8.00","offers":[{"rule":"sla-credit",)j"
            R"j("type":"store_credit","amount":"8.00","min_spend":null,"points":null,"sku":null,"value":"8.00"}],)j"
            R"j("late_days":null,"ticket":null,"category":null,"agent":null,"reasons":[{"code":"NOT_LATE_ENOUGH",)j"
            R"j("message":"rule \"late-3d\" needs a delivery at least 3 days late; the order has no promised delivery date","rule":"late-3d"},)j"
            R"j({"code":"NOT_LATE_ENOUGH","message":"rule \"late-5d-pct\" needs a delivery at least 5 days late; the order has no promised delivery date","rule":"late-5d-pct"},)j"
            R"j({"code":"RULE_MATCHED","message":"rule \"sla-credit\" applies (SLA metric \"first_response\" breached): offers store credit of 8.00 CNY","rule":"sla-credit"},)j"
            R"j({"code":"QUALITY_FAULT_NOT_CONFIRMED","message":"rule \"quality-gift\" needs a confirmed quality fault","rule":"quality-gift"},)j"
            R"j({"code":"CONDITION_NOT_MET","message":"rule \"complaint-points\": the ticket does not meet its condition (when)","rule":"complaint-points"}]})j");
}

// ---------------------------------------------------------------------------------------------
// Property: over random histories, a granted compensation never takes a customer past a limit.

TEST(CompensationProperty, LimitsHoldOverRandomHistories) {
  // A sum policy whose rules all apply (two coupons, a gift, points), with count and amount
  // limits per customer and per order. A customer's requests arrive at random instants; each
  // granted decision is added to the history as the host would. At every request the windows
  // are recounted independently here.
  const auto limited = Policy::from_json(R"({"schema_version": 1, "compensation": {"policies": [
    {"id": "p", "currency": "CNY", "timezone": "UTC", "combine": "sum", "point_value": "0.01",
     "rules": [{"id": "a", "offer": {"type": "coupon", "percent": "7", "cap": "25.00"}},
               {"id": "b", "offer": {"type": "store_credit", "amount": "6.50"}},
               {"id": "c", "offer": {"type": "gift", "sku": "G", "value": "9.99"}},
               {"id": "d", "offer": {"type": "points", "points": 333}}],
     "limits": [{"per": "customer", "period": "90d", "max_count": 3},
                {"per": "customer", "period": "30d", "max_amount": "50.00"},
                {"per": "customer", "period": "7d", "max_amount": "20.00"},
                {"per": "order", "max_count": 2, "max_amount": "30.00"}]}]}})");
  const CompensationEngine engine(limited);
  const Currency cny = currency("CNY");
  std::mt19937_64 random(20261111);
  constexpr std::int64_t day_ms = 86'400'000;
  for (int run = 0; run < 200; ++run) {
    CompensationRequest request;
    request.order.currency = cny;
    std::int64_t now = parse_instant("2026-01-01T00:00:00Z").time_since_epoch().count();
    for (int step = 0; step < 40; ++step) {
      now += static_cast<std::int64_t>(random() % (10 * day_ms));
      request.requested_at = Instant{Duration{now}};
      request.order.id = "O-" + std::to_string(random() % 4);
      request.order.amount = Money{static_cast<std::int64_t>(random() % 100'000), cny};
      const auto d = engine.decide(request);
      std::int64_t total = 0;
      for (const auto& offer : d.offers) total += offer.value.minor_units();
      ASSERT_EQ(total, d.total.minor_units());
      ASSERT_EQ(d.compensate, !d.offers.empty());
      if (!d.compensate) continue;
      const auto in = [&](std::int64_t period_days) {
        std::int64_t count = 0, amount = 0;
        for (const auto& p : request.history)
          if (p.at.time_since_epoch().count() > now - period_days * day_ms) ++count, amount += p.value.minor_units();
        return std::pair{count, amount};
      };
      ASSERT_LT(in(90).first, 3) << "run " << run << " step " << step;
      ASSERT_LE(in(30).second + total, 5000) << "run " << run << " step " << step;
      ASSERT_LE(in(7).second + total, 2000) << "run " << run << " step " << step;
      std::int64_t order_count = 0, order_amount = 0;
      for (const auto& p : request.history)
        if (p.order == request.order.id) ++order_count, order_amount += p.value.minor_units();
      ASSERT_LT(order_count, 2);
      ASSERT_LE(order_amount + total, 3000);
      request.history.push_back({request.requested_at, request.order.id, d.total});
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors: every problem with its path, never the customer's data.

std::string policy_error(std::string_view compensation) {
  try {
    (void)Policy::from_json(std::string(R"({"schema_version": 1, "compensation": )") + std::string(compensation) + "}");
  } catch (const PolicyError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.path + ": " + p.message + "\n";
    return all;
  }
  return "(loaded)";
}

TEST(CompensationPolicy, ProblemsNameTheirPaths) {
  EXPECT_EQ(policy_error(R"({"policies": [{"id": "x", "currency": "CNY", "timezone": "UTC",
      "rules": [{"id": "r", "late_days": 0, "offer": {"type": "coupon", "amount": "1.005"}}]}]})"),
            "compensation.policies[0].rules[0].late_days: late_days is 1 to 3650, not 0\n"
            "compensation.policies[0].rules[0].offer.amount: \"1.005\" is not an amount of CNY: more decimals than "
            "the currency's 2\n");
  EXPECT_EQ(policy_error(R"({"policies": [{"id": "x", "currency": "CNY", "timezone": "UTC",
      "rules": [{"id": "r", "offer": {"type": "points", "points": 5, "cap": "1.00"}}],
      "limits": [{"per": "order", "period": "30d"}]}]})"),
            "compensation.policies[0].rules[0].offer.cap: a points offer has no \"cap\"\n"
            "compensation.policies[0]: a policy that offers points needs \"point_value\" (what a point is worth), to "
            "compare and limit them\n"
            "compensation.policies[0].limits[0].period: a per-order limit counts the order's whole history; it has no "
            "period\n"
            "compensation.policies[0].limits[0]: a limit needs \"max_count\", \"max_amount\" or both\n");
  EXPECT_EQ(policy_error(R"({"policies": [{"id": "x", "currency": "CNY", "timezone": "UTC", "combine": "all",
      "rules": [{"id": "r", "offer": {"type": "coupon", "amount": "1.00", "percent": "5"}}]}]})"),
            "compensation.policies[0].combine: \"all\" is not a way to combine offers (best, sum)\n"
            "compensation.policies[0].rules[0].offer: a coupon offer takes either \"amount\" or \"percent\" (of the "
            "order)\n");
}

TEST(CompensationRequest, ProblemsNameTheirPathsNotTheData) {
  try {
    (void)CompensationRequest::from_json(
        R"({"requested_at": "2026-11-20T10:00:00Z", "order": {"id": "SECRET-ORDER", "currency": "JPY", "amount": "10.5",
            "promised_by": "2026-02-30"}, "history": [{"at": "2026-11-01T00:00:00Z"}]})");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("order.amount"), std::string::npos) << text;
    EXPECT_NE(text.find("order.promised_by: \"2026-02-30\" is not a date"), std::string::npos) << text;
    EXPECT_NE(text.find("history[0]"), std::string::npos) << text;
    EXPECT_EQ(text.find("SECRET-ORDER"), std::string::npos) << text;
    EXPECT_EQ(e.path(), "order.amount");
  }
}

TEST(CompensationRequest, HandBuiltCurrenciesMustAgree) {
  CompensationRequest request;
  request.order.currency = currency("CNY");
  request.order.amount = Money{100, currency("CNY")};
  request.history.push_back({parse_instant("2026-01-01T00:00:00Z"), "", Money{5, currency("JPY")}});
  try {
    (void)CompensationEngine(policy()).decide(request);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "history[0].value: the amount is in JPY; the order is in CNY");
    EXPECT_EQ(e.path(), "history[0].value");
  }
}

TEST(CompensationEngineTest, LinesAndBatchKeepOrder) {
  const CompensationEngine engine(policy());
  const std::string out = engine.decide_lines(
      cn_request("2026-11-17T15:00:00+08:00") + "\n{\"order\": 1}\n", {1, 1});
  EXPECT_EQ(out.substr(0, 30), R"({"compensate":true,"policy":"c)");
  EXPECT_NE(out.find(R"({"line":2,"error":)"), std::string::npos) << out;
  std::vector<CompensationRequest> many(50, CompensationRequest::from_json(cn_request("2026-11-17T15:00:00+08:00")));
  for (const auto& d : engine.decide(many, {2, 1})) EXPECT_EQ(d.total.minor_units(), 1000);
}

}  // namespace
