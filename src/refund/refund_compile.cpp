#include "refund/refund_compile.hpp"

#include <date/tz.h>

#include <algorithm>
#include <set>

#include "calendar/calendar_compile.hpp"
#include "condition/condition_compile.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

// A century bounds every window, so that adding one to any supported instant cannot overflow.
constexpr Duration longest_window = std::chrono::hours(24 * 36'525);

// One of `names`, recording a problem that lists them otherwise.
template <std::size_t N>
std::optional<std::size_t> read_name(const Node& node, const std::array<std::string_view, N>& names,
                                     std::string_view what) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  const auto index = index_of(names, *text);
  if (!index) node.problem(quoted(*text) + " is not " + std::string(what) + " (" + listed(names) + ")");
  return index;
}

std::optional<Duration> read_window(const Node& node, std::string_view what) {
  const auto d = node.duration();
  if (d && (*d <= Duration::zero() || *d > longest_window)) {
    node.problem(std::string(what) + " must be longer than zero and at most 100 years, not " + format_duration(*d));
    return std::nullopt;
  }
  return d;
}

// A non-negative decimal (`"20.00"`, `650`, `"0.15"`) as millionths, at most `max` when given.
std::optional<std::int64_t> read_decimal(const Node& node, std::string_view what,
                                         std::optional<std::int64_t> max = std::nullopt) {
  const auto value = parse_millionths(node.value());
  if (!value || *value < 0 || (max && *value > *max)) {
    node.problem(describe(node.value()) + " is not " + std::string(what));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> read_rate(const Node& node) {
  return read_decimal(node, "a rate from 0 to 1 (like \"0.15\" for 15%)", number_scale);
}

std::optional<std::int64_t> read_count(const Node& node, std::string_view what) {
  const auto value = node.integer();
  if (value && *value < 0) {
    node.problem(std::string(what) + " cannot be negative, not " + std::to_string(*value));
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> read_names(const Node& node) {
  std::vector<std::string> names;
  node.for_each_element([&](const Node& entry) {
    if (const auto text = entry.string()) {
      if (std::find(names.begin(), names.end(), *text) != names.end())
        entry.problem(quoted(*text) + " is listed twice");
      else names.emplace_back(*text);
    }
  });
  return names;
}

void compile_windows(const Node& node, RefundReasonRule& reason) {
  const auto* object = node.any_object();
  if (object == nullptr) return;
  if (object->empty())
    node.problem("a reason needs at least one window (return_refund, refund_only, exchange, repair)");
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    const Node entry = node.child(name, value);
    const auto resolution = index_of(resolution_names, name);
    if (!resolution) {
      entry.problem("unknown resolution " + quoted(name) + " (" + listed(resolution_names) + ")");
      continue;
    }
    reason.windows[*resolution] = read_window(entry, "a window");
  }
}

std::optional<std::int64_t> read_amount(const Node& node) {
  return read_decimal(node, "an amount (a decimal string like \"20.00\")");
}

void compile_reason(const Node& node, std::string_view name, RefundPolicy& policy) {
  if (!node.object({"windows", "from", "count_from", "return_shipping", "refund_shipping_fee", "conditions",
                    "exclude_categories", "exclude_if_confirmed", "restocking_fee_rate", "return_shipping_fee"}))
    return;
  RefundReasonRule reason;
  reason.name = std::string(name);
  if (const auto windows = node.required("windows")) compile_windows(*windows, reason);
  if (const auto from = node.required("from")) {
    if (const auto moment = read_name(*from, order_moment_names, "an order instant"))
      reason.from = static_cast<OrderMoment>(*moment);
  }
  if (const auto count_from = node.member("count_from")) {
    constexpr std::array<std::string_view, 2> modes{"instant", "next_day"};
    if (const auto mode = read_name(*count_from, modes, "a way to count")) reason.next_day = *mode == 1;
  }
  if (const auto payer = node.member("return_shipping")) {
    if (const auto who = read_name(*payer, return_shipping_names, "a return shipping payer"))
      reason.return_shipping = static_cast<ReturnShipping>(*who);
  }
  if (const auto flag = node.member("refund_shipping_fee"))
    reason.refund_shipping_fee = flag->boolean().value_or(false);
  if (const auto list = node.member("conditions")) {
    reason.conditions = read_names(*list);
    if (reason.conditions.empty() && list->value().is_array())
      list->problem("an empty list allows no item at all; leave \"conditions\" out to allow any condition");
  }
  if (const auto list = node.member("exclude_categories")) reason.exclude_categories = read_names(*list);
  if (const auto list = node.member("exclude_if_confirmed")) reason.exclude_if_confirmed = read_names(*list);
  if (const auto rate = node.member("restocking_fee_rate")) reason.restocking_fee_rate = read_rate(*rate);
  if (const auto fee = node.member("return_shipping_fee")) reason.return_shipping_fee = read_amount(*fee);
  policy.reasons.push_back(std::move(reason));
}

void compile_reasons(const Node& node, RefundPolicy& policy) {
  const auto* object = node.any_object();
  if (object == nullptr) return;
  if (object->empty()) node.problem("a refund policy needs at least one reason");
  // The keys are the policy's own reason names ("no_reason", "quality", ...): any name goes.
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    compile_reason(node.child(name, value), name, policy);
  }
}

void compile_fast_refund(const Node& node, RefundPolicy& policy) {
  if (!node.object({"min_credit_score", "max_amount", "max_refunds_90d"})) return;
  FastRefundRule rule;
  if (const auto score = node.member("min_credit_score")) rule.min_credit_score = read_count(*score, "a credit score");
  if (const auto amount = node.member("max_amount"))
    rule.max_amount = read_amount(*amount);
  if (const auto count = node.member("max_refunds_90d")) rule.max_refunds_90d = read_count(*count, "a count");
  policy.fast_refund = rule;
}

// The policy's calendars, for promises in working days.
struct CalendarsSeen {
  const Calendars& all;
  const std::set<std::string, std::less<>>& invalid;
};

// Promises in working days are bounded like windows: a few years of business days at most.
constexpr std::int64_t most_working_days = 1000;

// A period: a duration (`"7d"`), or `{"working_days": N, "calendar": "NAME"}`.
std::optional<Promise> read_promise(const Node& node, std::string_view what, const CalendarsSeen& calendars) {
  if (!node.value().is_object()) {
    const auto d = read_window(node, what);
    if (!d) return std::nullopt;
    return Promise{*d, 0, std::nullopt};
  }
  if (!node.object({"working_days", "calendar"})) return std::nullopt;
  Promise promise;
  bool ok = true;
  if (const auto days = node.required("working_days")) {
    const auto n = days->integer();
    if (n && (*n < 0 || *n > most_working_days))
      days->problem("working days are 0 to " + std::to_string(most_working_days) + ", not " + std::to_string(*n));
    ok = n && *n >= 0 && *n <= most_working_days;
    if (ok) promise.working_days = static_cast<int>(*n);
  } else {
    ok = false;
  }
  if (const auto name_node = node.required("calendar")) {
    if (const auto name = name_node->string()) {
      const auto it = calendars.all.find(*name);
      if (it != calendars.all.end()) promise.calendar = it->second;
      else if (!calendars.invalid.contains(*name))  // a broken calendar was reported where it is
        name_node->problem("no calendar named " + quoted(*name) + " in \"calendars\"");
    }
  }
  if (!ok || !promise.calendar) return std::nullopt;
  return promise;
}

void compile_refund_within(const Node& node, RefundPolicy& policy, const CalendarsSeen& calendars) {
  if (!node.object({"after", "within"})) return;
  RefundDeadline deadline;
  bool ok = true;
  if (const auto after = node.required("after")) {
    constexpr std::array<std::string_view, 2> starts{"requested", "return_received"};
    const auto start = read_name(*after, starts, "when the deadline starts");
    ok = start.has_value();
    deadline.after_return_received = start == 1u;
  } else {
    ok = false;
  }
  const auto within = node.required("within");
  const auto d = within ? read_promise(*within, "a deadline", calendars) : std::nullopt;
  if (ok && d) {
    deadline.within = *d;
    policy.refund_within = deadline;
  }
}

void compile_extensions(const Node& node, RefundPolicy& policy) {
  node.for_each_element([&](const Node& entry) {
    if (!entry.object({"orders_from", "orders_to", "until"})) return;
    std::array<std::optional<Instant>, 3> at;
    const std::array<std::string_view, 3> keys{"orders_from", "orders_to", "until"};
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (const auto member = entry.required(keys[k])) at[k] = member->instant();
    if (!at[0] || !at[1] || !at[2]) return;
    if (*at[1] <= *at[0]) {
      entry.child("orders_to", entry.value().as_object().at("orders_to"))
          .problem("the range is empty: orders_to (" + format_instant(*at[1]) + ") must be after orders_from (" +
                   format_instant(*at[0]) + ")");
      return;
    }
    policy.extensions.push_back({*at[0], *at[1], *at[2]});
  });
}

void compile_split_shipments(const Node& node, RefundPolicy& policy) {
  if (!node.object({"count_from", "transit_time"})) return;
  if (const auto count_from = node.member("count_from")) {
    constexpr std::array<std::string_view, 2> modes{"each_line", "last_line"};
    if (const auto mode = read_name(*count_from, modes, "a way to count split shipments"))
      policy.windows_from_last_line = *mode == 1;
  }
  if (const auto transit = node.member("transit_time")) policy.transit_time = read_window(*transit, "a transit time");
}

void compile_money_rules(const Node& node, RefundPolicy& policy, const CalendarsSeen& calendars) {
  if (const auto max = node.member("refund_only_max")) policy.refund_only_max = read_amount(*max);
  if (const auto fast = node.member("fast_refund")) compile_fast_refund(*fast, policy);
  if (const auto rate = node.member("restocking_fee_rate")) policy.restocking_fee_rate = read_rate(*rate).value_or(0);
  if (const auto after = node.member("store_credit_after")) policy.store_credit_after = read_window(*after, "a period");
  if (const auto within = node.member("refund_within")) compile_refund_within(*within, policy, calendars);
  if (const auto ship_back = node.member("ship_back_within")) {
    if (const auto d = read_promise(*ship_back, "a period", calendars)) policy.ship_back_within = *d;
  }
  if (const auto fee = node.member("return_shipping_fee")) policy.return_shipping_fee = read_amount(*fee);
  if (const auto flag = node.member("recompute_min_spend"))
    policy.recompute_min_spend = flag->boolean().value_or(false);
}

void compile_policy(const Node& node, RefundRules& refunds, SymbolTable& symbols, std::set<std::string, std::less<>>& ids,
                    const CalendarsSeen& calendars) {
  if (!node.object({"id", "when", "timezone", "reasons", "refund_only_max", "fast_refund", "restocking_fee_rate",
                    "store_credit_after", "refund_within", "ship_back_within", "window_extensions",
                    "return_shipping_fee", "recompute_min_spend", "split_shipments"}))
    return;
  RefundPolicy policy;
  policy.id = unique_id(node, ids, "refund policy");
  if (const auto when = node.member("when")) {
    if (auto condition = compile_condition(*when, ConditionContext::refund, symbols))
      policy.when = std::move(*condition);
  }
  if (const auto zone = node.required("timezone")) policy.zone = read_time_zone(*zone);
  if (const auto reasons = node.required("reasons")) compile_reasons(*reasons, policy);
  compile_money_rules(node, policy, calendars);
  if (const auto extensions = node.member("window_extensions")) compile_extensions(*extensions, policy);
  if (const auto split = node.member("split_shipments")) compile_split_shipments(*split, policy);
  refunds.policies.push_back(std::move(policy));
}

}  // namespace

RefundRules compile_refunds(const std::optional<Node>& section, SymbolTable& symbols, const Calendars& calendars,
                            const std::set<std::string, std::less<>>& invalid_calendars) {
  RefundRules refunds;
  refunds.symbols = &symbols;
  if (!section || !section->object({"policies"})) return refunds;
  const auto policies = section->required("policies");
  if (!policies) return refunds;
  std::set<std::string, std::less<>> ids;
  const CalendarsSeen seen{calendars, invalid_calendars};
  policies->for_each_element([&](const Node& policy) { compile_policy(policy, refunds, symbols, ids, seen); });
  return refunds;
}

}  // namespace aftersales::detail
