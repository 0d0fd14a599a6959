#include <aftersales/refund.hpp>

#include <array>

#include "batch/batch.hpp"
#include "document/json_writer.hpp"
#include "refund/refund_check.hpp"

namespace aftersales {
namespace {

constexpr std::array<std::string_view, 17> code_names{
    "NO_POLICY", "REASON_NOT_COVERED", "WINDOW_EXPIRED", "WINDOW_NOT_STARTED", "NOT_YET_DELIVERED",
    "EXCLUDED_CATEGORY", "CONFIRMED_NON_RETURNABLE", "CONDITION_NOT_ALLOWED", "RESOLUTION_NOT_ALLOWED",
    "QUANTITY_EXCEEDS", "ALREADY_REFUNDED", "FAST_REFUND_DENIED", "NOT_SHIPPED", "STORE_CREDIT",
    "FREE_SHIPPING_LOST", "PROMOTION_LOST", "RETURN_SHIPPING_CHARGED"};
static_assert(code_names.size() == static_cast<std::size_t>(RefundCode::return_shipping_charged) + 1);

void write_money(detail::JsonWriter& w, const Money& amount) { w.value(amount.to_string()); }

// A taxed order's split of an amount; an untaxed order's decision reads as it always has.
void write_net_tax(detail::JsonWriter& w, bool taxed, const Money& net, const Money& tax) {
  if (!taxed) return;
  w.key("net");
  write_money(w, net);
  w.key("tax");
  write_money(w, tax);
}

void write_amounts(detail::JsonWriter& w, const RefundAmounts& refund) {
  w.begin_object();
  w.key("currency").value(refund.total.currency().code_view());
  w.key("total");
  write_money(w, refund.total);
  w.key("lines").begin_array();
  for (const RefundLineAmount& line : refund.lines) {
    w.begin_object();
    w.key("line").value(line.line);
    w.key("quantity").value(line.quantity);
    w.key("eligible").boolean(line.eligible);
    w.key("amount");
    write_money(w, line.amount);
    w.key("discount");
    write_money(w, line.discount);
    write_net_tax(w, refund.taxed, line.net, line.tax);
    w.end_object();
  }
  w.end_array();
  w.key("shipping");
  write_money(w, refund.shipping);
  w.key("deductions").begin_array();
  for (const RefundDeduction& d : refund.deductions) {
    w.begin_object().key("type").value(d.type).key("amount");
    write_money(w, d.amount);
    w.end_object();
  }
  w.end_array();
  write_net_tax(w, refund.taxed, refund.net, refund.tax);
  w.end_object();
}

void write_exchange(detail::JsonWriter& w, const RefundExchange& exchange) {
  w.begin_object();
  const std::array<std::pair<std::string_view, const Money*>, 6> amounts{
      {{"returned", &exchange.returned},
       {"replacement", &exchange.replacement},
       {"returned_tax", &exchange.returned_tax},
       {"replacement_tax", &exchange.replacement_tax},
       {"customer_pays", &exchange.customer_pays},
       {"customer_receives", &exchange.customer_receives}}};
  for (const auto& [key, amount] : amounts) {
    w.key(key);
    write_money(w, *amount);
  }
  w.end_object();
}

}  // namespace

std::string_view to_string(Resolution resolution) noexcept {
  return detail::resolution_names[static_cast<std::size_t>(resolution)];
}
std::string_view to_string(ReturnShipping payer) noexcept {
  return detail::return_shipping_names[static_cast<std::size_t>(payer)];
}
std::string_view to_string(RefundMethod method) noexcept {
  return method == RefundMethod::original_payment ? "original_payment" : "store_credit";
}
std::string_view to_string(RefundCode code) noexcept { return code_names[static_cast<std::size_t>(code)]; }

std::string RefundDecision::to_json() const {
  detail::JsonWriter w;
  w.begin_object();
  w.key("eligible").boolean(eligible);
  w.key("resolution");
  if (resolution) w.value(to_string(*resolution));
  else w.null();
  w.key("options").begin_array();
  for (Resolution r : options) w.value(to_string(r));
  w.end_array();
  w.key("refund");
  write_amounts(w, refund);
  w.key("method").value(to_string(method));
  w.key("return_shipping").value(to_string(return_shipping));
  w.key("fast_refund").boolean(fast_refund);
  w.key("ship_back_by").instant(ship_back_by);
  w.key("refund_due_by").instant(refund_due_by);
  w.key("policy");
  if (policy) w.value(*policy);
  else w.null();
  w.key("reasons").begin_array();
  for (const RefundNote& note : reasons) {
    w.begin_object();
    w.key("code").value(to_string(note.code));
    w.key("message").value(note.message);
    w.key("line");
    if (note.line.empty()) w.null();
    else w.value(note.line);
    w.end_object();
  }
  w.end_array();
  if (exchange) {
    w.key("exchange");
    write_exchange(w, *exchange);
  }
  w.end_object();
  return w.take();
}

RefundDecision RefundEngine::check(const RefundRequest& request) const { return detail::check_refund(*rules_, request); }

std::vector<RefundDecision> RefundEngine::check(std::span<const RefundRequest> requests,
                                                const BatchOptions& options) const {
  std::vector<RefundDecision> decisions(requests.size());
  batch::for_each(requests.size(), options,
                  [&](std::size_t i) { decisions[i] = detail::check_refund(*rules_, requests[i]); });
  return decisions;
}

std::string RefundEngine::check_json(std::string_view request) const {
  return check(RefundRequest::from_json(request)).to_json();
}

std::string RefundEngine::check_lines(std::string_view requests, const BatchOptions& options) const {
  return batch::map_lines(requests, options, [&](std::string_view line) { return check_json(line); });
}

}  // namespace aftersales
