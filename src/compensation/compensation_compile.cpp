#include "compensation/compensation_compile.hpp"

#include <algorithm>
#include <set>

#include "calendar/calendar_compile.hpp"
#include "condition/condition_compile.hpp"
#include "document/json_amounts.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

constexpr std::int64_t max_late_days = 3650;  // ten years: any promise a desk would still honour
constexpr std::int64_t max_points = 1'000'000'000;
constexpr std::int64_t hundred_percent = 100 * number_scale;
// A century bounds every period, so that subtracting one from any supported instant is safe.
constexpr Duration longest_period = std::chrono::hours(24 * 36'525);

// An amount of the policy's currency, exact to its minor unit: `"10.005"` is a problem in CNY.
// Zero is allowed only where `zero_ok` says so.
std::optional<std::int64_t> read_amount(const Node& node, const std::optional<Currency>& currency, bool zero_ok) {
  const auto amount = read_money(node, currency);
  if (!amount) return std::nullopt;
  if (amount->minor_units() == 0 && !zero_ok) {
    node.problem("the amount must be more than zero");
    return std::nullopt;
  }
  return amount->minor_units();
}

std::optional<std::int64_t> read_bounded(const Node& node, std::int64_t min, std::int64_t max, std::string_view what) {
  const auto value = node.integer();
  if (value && (*value < min || *value > max)) {
    node.problem(std::string(what) + " is " + std::to_string(min) + " to " + std::to_string(max) + ", not " +
                 std::to_string(*value));
    return std::nullopt;
  }
  return value;
}

// Keys that only some offer types take, and the types that take each.
struct OfferKey {
  std::string_view key;
  bool coupon, store_credit, points, gift;
};
constexpr std::array<OfferKey, 7> offer_keys{{{"amount", true, true, false, false},
                                              {"percent", true, true, false, false},
                                              {"cap", true, true, false, false},
                                              {"min_spend", true, false, false, false},
                                              {"points", false, false, true, false},
                                              {"sku", false, false, false, true},
                                              {"value", false, false, false, true}}};

bool takes(const OfferKey& key, OfferType type) {
  const std::array<bool, 4> by_type{key.coupon, key.store_credit, key.points, key.gift};
  return by_type[static_cast<std::size_t>(type)];
}

void compile_money_offer(const Node& node, const std::optional<Currency>& currency, OfferRule& offer) {
  const auto amount = node.member("amount");
  const auto percent = node.member("percent");
  if (amount.has_value() == percent.has_value()) {
    node.problem("a " + std::string(offer_type_names[static_cast<std::size_t>(offer.type)]) +
                 " offer takes either \"amount\" or \"percent\" (of the order)");
    return;
  }
  if (amount) offer.amount = read_amount(*amount, currency, false);
  if (percent) {
    const auto value = parse_millionths(percent->value());
    if (!value || *value <= 0 || *value > hundred_percent)
      percent->problem(describe(percent->value()) + " is not a percentage above 0 and at most 100 (like \"5\" for 5%)");
    else offer.percent = value;
  }
  if (const auto cap = node.member("cap")) {
    if (!percent) cap->problem("\"cap\" limits a percentage; a fixed amount needs none");
    else offer.cap = read_amount(*cap, currency, false);
  }
  if (const auto min_spend = node.member("min_spend")) offer.min_spend = read_amount(*min_spend, currency, true);
}

void compile_offer(const Node& node, const std::optional<Currency>& currency, OfferRule& offer) {
  if (!node.object({"type", "amount", "percent", "cap", "min_spend", "points", "sku", "value"})) return;
  const auto type_node = node.required("type");
  const auto text = type_node ? type_node->string() : std::nullopt;
  if (!text) return;
  const auto type = index_of(offer_type_names, *text);
  if (!type) {
    type_node->problem(quoted(*text) + " is not an offer type (" + listed(offer_type_names) + ")");
    return;
  }
  offer.type = static_cast<OfferType>(*type);
  for (const OfferKey& key : offer_keys)
    if (const auto member = node.member(key.key); member && !takes(key, offer.type))
      member->problem("a " + std::string(*text) + " offer has no \"" + std::string(key.key) + "\"");
  switch (offer.type) {
    case OfferType::coupon:
    case OfferType::store_credit: compile_money_offer(node, currency, offer); break;
    case OfferType::points:
      if (const auto points = node.required("points"))
        offer.points = read_bounded(*points, 1, max_points, "a number of points").value_or(0);
      break;
    case OfferType::gift:
      if (const auto sku = node.required("sku")) {
        offer.sku = std::string(sku->string().value_or(""));
        if (offer.sku.empty() && sku->value().is_string()) sku->problem("the gift's SKU is empty");
      }
      if (const auto value = node.required("value")) offer.gift_value = read_amount(*value, currency, false).value_or(0);
      break;
  }
}

std::vector<std::string> read_metric_names(const Node& node) {
  std::vector<std::string> names;
  const bool array = node.for_each_element([&](const Node& entry) {
    const auto text = entry.string();
    if (!text) return;
    if (std::find(names.begin(), names.end(), *text) != names.end()) entry.problem(quoted(*text) + " is listed twice");
    else names.emplace_back(*text);
  });
  if (array && node.value().as_array().empty()) node.problem("name at least one SLA metric");
  return names;
}

void compile_rule(const Node& node, CompensationPolicy& policy, const std::optional<Currency>& currency,
                  SymbolTable& symbols, std::set<std::string, std::less<>>& ids) {
  if (!node.object({"id", "when", "late_days", "sla_breached", "quality_fault", "offer"})) return;
  CompensationRule rule;
  rule.id = unique_id(node, ids, "compensation rule");
  if (const auto when = node.member("when")) {
    if (auto condition = compile_condition(*when, ConditionContext::ticket, symbols)) rule.when = std::move(*condition);
  }
  if (const auto late = node.member("late_days")) rule.late_days = read_bounded(*late, 1, max_late_days, "late_days");
  if (const auto sla = node.member("sla_breached")) rule.sla_breached = read_metric_names(*sla);
  if (const auto fault = node.member("quality_fault")) rule.quality_fault = fault->boolean().value_or(false);
  if (const auto offer = node.required("offer")) compile_offer(*offer, currency, rule.offer);
  policy.rules.push_back(std::move(rule));
}

void compile_limit(const Node& node, CompensationPolicy& policy, const std::optional<Currency>& currency) {
  if (!node.object({"per", "period", "max_count", "max_amount"})) return;
  CompensationLimit limit;
  if (const auto per = node.required("per")) {
    constexpr std::array<std::string_view, 2> scopes{"customer", "order"};
    if (const auto text = per->string()) {
      if (const auto scope = index_of(scopes, *text)) limit.per = static_cast<LimitScope>(*scope);
      else per->problem(quoted(*text) + " is not what a limit counts per (" + listed(scopes) + ")");
    }
  }
  const auto period = node.member("period");
  if (limit.per == LimitScope::order && period)
    period->problem("a per-order limit counts the order's whole history; it has no period");
  if (limit.per == LimitScope::customer) {
    if (const auto p = node.required("period")) {
      limit.period = p->duration();
      if (limit.period && (*limit.period <= Duration::zero() || *limit.period > longest_period)) {
        p->problem("a period must be longer than zero and at most 100 years, not " + format_duration(*limit.period));
        limit.period.reset();
      }
    }
  }
  if (const auto count = node.member("max_count"))
    limit.max_count = read_bounded(*count, 0, INT32_MAX, "max_count");
  if (const auto amount = node.member("max_amount")) limit.max_amount = read_amount(*amount, currency, true);
  if (!node.member("max_count") && !node.member("max_amount"))
    node.problem("a limit needs \"max_count\", \"max_amount\" or both");
  policy.limits.push_back(limit);
}

void compile_policy(const Node& node, CompensationRules& rules, SymbolTable& symbols,
                    std::set<std::string, std::less<>>& ids) {
  if (!node.object({"id", "currency", "when", "timezone", "combine", "point_value", "rules", "limits"})) return;
  CompensationPolicy policy;
  policy.id = unique_id(node, ids, "compensation policy");
  std::optional<Currency> policy_currency;
  if (const auto code = node.required("currency")) policy_currency = read_currency(*code);
  if (policy_currency) policy.currency = *policy_currency;
  if (const auto when = node.member("when")) {
    if (auto condition = compile_condition(*when, ConditionContext::ticket, symbols)) policy.when = std::move(*condition);
  }
  if (const auto zone = node.required("timezone")) policy.zone = read_time_zone(*zone);
  if (const auto combine = node.member("combine")) {
    constexpr std::array<std::string_view, 2> modes{"best", "sum"};
    if (const auto text = combine->string()) {
      if (const auto mode = index_of(modes, *text)) policy.sum = *mode == 1;
      else combine->problem(quoted(*text) + " is not a way to combine offers (" + listed(modes) + ")");
    }
  }
  const auto point_value = node.member("point_value");
  if (point_value) policy.point_value = read_amount(*point_value, policy_currency, false);
  if (const auto list = node.required("rules")) {
    std::set<std::string, std::less<>> rule_ids;
    list->for_each_element([&](const Node& rule) { compile_rule(rule, policy, policy_currency, symbols, rule_ids); });
    if (list->value().is_array() && list->value().as_array().empty()) list->problem("a policy needs at least one rule");
  }
  const bool offers_points = std::any_of(policy.rules.begin(), policy.rules.end(),
                                         [](const CompensationRule& r) { return r.offer.type == OfferType::points; });
  if (offers_points && !point_value)
    node.problem("a policy that offers points needs \"point_value\" (what a point is worth), to compare and limit them");
  if (const auto limits = node.member("limits"))
    limits->for_each_element([&](const Node& limit) { compile_limit(limit, policy, policy_currency); });
  rules.policies.push_back(std::move(policy));
}

}  // namespace

CompensationRules compile_compensation(const std::optional<Node>& section, SymbolTable& symbols) {
  CompensationRules rules;
  rules.symbols = &symbols;
  if (!section || !section->object({"policies"})) return rules;
  const auto policies = section->required("policies");
  if (!policies) return rules;
  std::set<std::string, std::less<>> ids;
  policies->for_each_element([&](const Node& policy) { compile_policy(policy, rules, symbols, ids); });
  return rules;
}

}  // namespace aftersales::detail
