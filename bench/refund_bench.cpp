// Refund decision speed (issue 5): under 1 us per decision for an order with 5 lines and 2
// discounts, the request already parsed; and the same with JSON parsing and output included.
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

using aftersales::Policy;
using aftersales::RefundRequest;

const std::shared_ptr<const Policy>& policy() {
  static const auto loaded = Policy::from_file(AFTERSALES_EXAMPLES_DIR "/policies/cn-marketplace.json");
  return loaded;
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
  if (!policy()->check_refund(request).eligible) state.SkipWithError("the request should be eligible");
  for (auto _ : state) {
    auto decision = policy()->check_refund(request);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_RefundDecide);

void BM_RefundDecideToJson(benchmark::State& state) {
  const auto request = RefundRequest::from_json(request_text);
  for (auto _ : state) {
    auto json = policy()->check_refund(request).to_json();
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_RefundDecideToJson);

void BM_RefundJsonParseDecideWrite(benchmark::State& state) {
  for (auto _ : state) {
    auto json = policy()->check_refund_json(request_text);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_RefundJsonParseDecideWrite);

}  // namespace
