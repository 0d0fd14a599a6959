// Refund decision speed (issue 5): under 1 us per decision for an order with 5 lines and 2
// discounts, the request already parsed; and the same with JSON parsing and output included.
// Large orders (issue 11): reading and deciding grow in proportion to the lines and coupons, so
// twice the lines take about twice the time. Compensation decisions (issue 18) on the same
// example policy, parsed and from JSON to JSON.
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using aftersales::Policy;
using aftersales::RefundOrder;
using aftersales::RefundRequest;

const aftersales::RefundEngine& refunds() {
  static const aftersales::RefundEngine engine(Policy::from_file(AFTERSALES_EXAMPLES_DIR "/policies/cn-marketplace.json"));
  return engine;
}

// Five lines, a whole-order coupon and a voucher on two lines; two units of one line come back
// after one was refunded before, under the seven-day no-reason rule with a fast-refund check.
constexpr const char* request_text = R"({"order": {"id": "O-1111", "currency": "CNY",
  "placed_at": "2026-11-11T00:10:00+08:00", "shipped_at": "2026-11-11T10:00:00+08:00",
  "delivered_at": "2026-11-13T15:00:00+08:00", "shipping_fee": "10.00", "free_shipping_threshold": "99.00",
  "lines": [{"id": "L1", "sku": "coat", "category": "apparel", "unit_price": "399.00", "quantity": 1},
            {"id": "L2", "sku": "socks", "category": "apparel", "unit_price": "19.90", "quantity": 6},
            {"id": "L3", "sku": "scarf", "category": "apparel", "unit_price": "89.00", "quantity": 2},
            {"id": "L4", "sku": "mask", "category": "hygiene_unsealed", "unit_price": "59.00", "quantity": 1,
             "no_return_confirmed": true},
            {"id": "L5", "sku": "gloves", "category": "apparel", "unit_price": "45.50", "quantity": 3}],
  "discounts": [{"id": "D11", "amount": "50.00"}, {"id": "V", "amount": "12.34", "lines": ["L2", "L5"]}]},
  "items": [{"line": "L2", "quantity": 2, "condition": "intact"}],
  "reason": "no_reason", "resolution": "return_refund", "requested_at": "2026-11-20T20:00:00+08:00",
  "customer": {"id": "C-9", "tier": "vip", "credit_score": 700, "refunds_90d": 1},
  "refunded": [{"line": "L2", "quantity": 1}]})";

void BM_RefundDecide(benchmark::State& state) {
  const auto request = RefundRequest::from_json(request_text);
  if (!refunds().check(request).eligible) state.SkipWithError("the request should be eligible");
  for (auto _ : state) {
    auto decision = refunds().check(request);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_RefundDecide);

void BM_RefundDecideToJson(benchmark::State& state) {
  const auto request = RefundRequest::from_json(request_text);
  for (auto _ : state) {
    auto json = refunds().check(request).to_json();
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_RefundDecideToJson);

void BM_RefundJsonParseDecideWrite(benchmark::State& state) {
  for (auto _ : state) {
    auto json = refunds().check_json(request_text);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_RefundJsonParseDecideWrite);

const aftersales::CompensationEngine& compensations() {
  static const aftersales::CompensationEngine engine(
      Policy::from_file(AFTERSALES_EXAMPLES_DIR "/policies/cn-marketplace.json"));
  return engine;
}

// A Double 11 parcel four days late for a VIP who was compensated once before this quarter:
// every rule of the example policy is judged and the limits read the history (issue 18).
constexpr const char* compensation_text = R"({"requested_at": "2026-11-18T10:00:00+08:00",
  "order": {"id": "O-2611-0001", "currency": "CNY", "amount": "399.00", "promised_by": "2026-11-13",
            "delivered_at": "2026-11-17T16:20:00+08:00"},
  "customer": {"id": "C-1001", "tier": "vip"},
  "ticket": {"id": "T-1101", "category": "complaint/logistics", "channel": "chat", "agent": "A-07",
             "tags": ["double11"]},
  "sla_breached": [], "quality_fault": false,
  "history": [{"at": "2026-10-02T12:00:00+08:00", "order": "O-2609-0420", "value": "45.00"}]})";

void BM_CompensationDecide(benchmark::State& state) {
  const auto request = aftersales::CompensationRequest::from_json(compensation_text);
  if (compensations().decide(request).offers.empty()) state.SkipWithError("the request should be compensated");
  for (auto _ : state) {
    auto decision = compensations().decide(request);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_CompensationDecide);

void BM_CompensationJsonParseDecideWrite(benchmark::State& state) {
  for (auto _ : state) {
    auto json = compensations().decide_json(compensation_text);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_CompensationJsonParseDecideWrite);

// A Double 11 basket of `n` lines of 1.00, a 0.01 coupon on every pair of neighbouring lines (the
// last with the first: their line sets cross) and a quarter of the lines coming back.
std::string large_request_text(std::size_t n) {
  std::string text(request_text, std::string_view(request_text).find("\"lines\""));
  text += "\"lines\": [";
  for (std::size_t i = 0; i < n; ++i)
    text += (i ? "," : "") + std::string(R"({"id":")") + std::to_string(i) + R"(","unit_price":"1.00","quantity":1})";
  text += "], \"discounts\": [";
  for (std::size_t i = 0; i < n; ++i)
    text += (i ? "," : "") + std::string(R"({"amount":"0.01","lines":[")") + std::to_string(i) + R"(",")" +
            std::to_string((i + 1) % n) + "\"]}";
  text += "]}, \"items\": [";
  for (std::size_t i = 0; i < n; i += 4)
    text += (i ? "," : "") + std::string(R"({"line":")") + std::to_string(i) + R"(","condition":"intact"})";
  text += R"(], "reason": "no_reason", "resolution": "return_refund", "requested_at": "2026-11-20T20:00:00+08:00",
  "customer": {"id": "C-9", "tier": "vip", "credit_score": 700, "refunds_90d": 1}})";
  return text;
}

// The 1 MiB request limit holds about 10,000 such lines: read, decided and written.
void BM_RefundLargeJson(benchmark::State& state) {
  const auto text = large_request_text(static_cast<std::size_t>(state.range(0)));
  if (!refunds().check(RefundRequest::from_json(text)).eligible)
    state.SkipWithError("the request should be eligible");
  for (auto _ : state) {
    auto json = refunds().check_json(text);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_RefundLargeJson)->Arg(5'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

// Baskets built in C++, where no size limit applies, decided: `n` lines of 1.00 and `coupons(n,
// order)` on them, a quarter of the lines coming back.
template <class Coupons>
void decide_large(benchmark::State& state, const Coupons& coupons) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto request = RefundRequest::from_json(request_text);
  RefundOrder& order = request.order;
  order.lines.clear();
  order.discounts.clear();
  request.refunded.clear();
  request.items.clear();
  for (std::size_t i = 0; i < n; ++i)
    order.lines.push_back({std::to_string(i), "sku", "apparel", aftersales::Money{100, order.currency}, 1, false});
  coupons(n, order);
  for (std::size_t i = 0; i < n; i += 4) request.items.push_back({std::to_string(i), 1, "intact"});
  if (!refunds().check(request).eligible) state.SkipWithError("the request should be eligible");
  for (auto _ : state) {
    auto decision = refunds().check(request);
    benchmark::DoNotOptimize(decision);
  }
}

void add_coupon(RefundOrder& order, std::int64_t amount, std::size_t line, std::size_t other) {
  order.discounts.push_back(
      {"", aftersales::Money{amount, order.currency}, {std::to_string(line), std::to_string(other)}});
}

// The basket of BM_RefundLargeJson, twice as large as JSON can bring.
void BM_RefundLargeDecide(benchmark::State& state) {
  decide_large(state, [](std::size_t n, RefundOrder& order) {
    for (std::size_t i = 0; i < n; ++i) add_coupon(order, 1, i, (i + 1) % n);
  });
}
BENCHMARK(BM_RefundLargeDecide)->Arg(10'000)->Arg(20'000)->Unit(benchmark::kMillisecond);

// Coupons that take every line's whole price, on line sets that cross, so that one coupon in
// three fits only once an earlier one moves its share: for lines p, q, r, s, 1.00 on p and q
// (0.50 each), 2.00 on r and s, then 1.00 on q and r, which moves the 0.50 on q to p.
void BM_RefundCrossingCoupons(benchmark::State& state) {
  decide_large(state, [](std::size_t n, RefundOrder& order) {
    for (std::size_t p = 0; p + 3 < n; p += 4) {
      add_coupon(order, 100, p, p + 1);
      add_coupon(order, 200, p + 2, p + 3);
      add_coupon(order, 100, p + 1, p + 2);
    }
  });
}
BENCHMARK(BM_RefundCrossingCoupons)->Arg(10'000)->Arg(20'000)->Unit(benchmark::kMillisecond);

}  // namespace
