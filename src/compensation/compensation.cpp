#include <aftersales/compensation.hpp>

#include <array>

#include "batch/batch.hpp"
#include "compensation/compensation_decide.hpp"
#include "document/json_writer.hpp"

namespace aftersales {
namespace {

constexpr std::array<std::string_view, 12> code_names{
    "NO_POLICY",        "NO_RULE_MATCHED",     "RULE_MATCHED",        "CONDITION_NOT_MET",
    "NOT_LATE_ENOUGH",  "SLA_NOT_BREACHED",    "QUALITY_FAULT_NOT_CONFIRMED", "NOT_BEST",
    "COUNT_LIMIT_REACHED", "AMOUNT_LIMIT_REACHED", "OFFER_TRIMMED",    "OFFER_DROPPED"};
static_assert(code_names.size() == static_cast<std::size_t>(CompensationCode::offer_dropped) + 1);

// A text the host gave, or null when it gave none.
void text_or_null(detail::JsonWriter& w, std::string_view text) {
  if (text.empty()) w.null();
  else w.value(text);
}

void write_offer(detail::JsonWriter& w, const CompensationOffer& offer) {
  const bool money_offer = offer.type == OfferType::coupon || offer.type == OfferType::store_credit;
  w.begin_object();
  w.key("rule").value(offer.rule);
  w.key("type").value(to_string(offer.type));
  w.key("amount");
  if (money_offer) w.value(offer.amount.to_string());
  else w.null();
  w.key("min_spend");
  if (offer.min_spend) w.value(offer.min_spend->to_string());
  else w.null();
  w.key("points");
  if (offer.type == OfferType::points) w.value(offer.points);
  else w.null();
  w.key("sku");
  text_or_null(w, offer.sku);
  w.key("value").value(offer.value.to_string());
  w.end_object();
}

}  // namespace

std::string_view to_string(OfferType type) noexcept { return detail::offer_type_names[static_cast<std::size_t>(type)]; }
std::string_view to_string(CompensationCode code) noexcept { return code_names[static_cast<std::size_t>(code)]; }

std::string CompensationDecision::to_json() const {
  detail::JsonWriter w;
  w.begin_object();
  w.key("compensate").boolean(compensate);
  w.key("policy");
  if (policy) w.value(*policy);
  else w.null();
  w.key("currency").value(total.currency().code_view());
  w.key("total").value(total.to_string());
  w.key("offers").begin_array();
  for (const CompensationOffer& offer : offers) write_offer(w, offer);
  w.end_array();
  w.key("late_days");
  if (late_days) w.value(*late_days);
  else w.null();
  w.key("ticket");
  text_or_null(w, ticket);
  w.key("category");
  text_or_null(w, category);
  w.key("agent");
  text_or_null(w, agent);
  w.key("reasons").begin_array();
  for (const CompensationNote& note : reasons) {
    w.begin_object();
    w.key("code").value(to_string(note.code));
    w.key("message").value(note.message);
    w.key("rule");
    text_or_null(w, note.rule);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

CompensationDecision CompensationEngine::decide(const CompensationRequest& request) const {
  return detail::decide_compensation(*rules_, request);
}

std::vector<CompensationDecision> CompensationEngine::decide(std::span<const CompensationRequest> requests,
                                                             const BatchOptions& options) const {
  std::vector<CompensationDecision> decisions(requests.size());
  batch::for_each(requests.size(), options,
                  [&](std::size_t i) { decisions[i] = detail::decide_compensation(*rules_, requests[i]); });
  return decisions;
}

std::string CompensationEngine::decide_json(std::string_view request) const {
  return decide(CompensationRequest::from_json(request)).to_json();
}

std::string CompensationEngine::decide_lines(std::string_view requests, const BatchOptions& options) const {
  return batch::map_lines(requests, options, [&](std::string_view line) { return decide_json(line); });
}

}  // namespace aftersales
