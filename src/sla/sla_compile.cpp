#include "sla/sla_compile.hpp"

#include <aftersales/error.hpp>

#include <algorithm>
#include <set>

#include "condition/condition_compile.hpp"
#include "text/text.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {
namespace {

struct Context {
  SlaRules& sla;
  SymbolTable& symbols;
  const StatusCategories& statuses;
  const Calendars& calendars;
  const std::set<std::string, std::less<>>& invalid_calendars;
};

std::optional<Calendar> find_calendar(const Node& node, const Context& context) {
  const auto name = node.string();
  if (!name) return std::nullopt;
  const auto it = context.calendars.find(*name);
  if (it != context.calendars.end()) return it->second;
  // A calendar that failed its own validation was reported there; don't pile on.
  if (!context.invalid_calendars.contains(*name))
    node.problem("no calendar named " + quoted(*name) + " in \"calendars\"");
  return std::nullopt;
}

// A century bounds every target and offset, so percentages and sums of them cannot overflow.
constexpr Duration longest_target = std::chrono::hours(24 * 36'525);

std::optional<Duration> positive_duration(const Node& node) {
  const auto d = node.duration();
  if (d && (*d <= Duration::zero() || *d > longest_target)) {
    node.problem("a target must be longer than zero and at most 100 years, not " + format_duration(*d));
    return std::nullopt;
  }
  return d;
}

// A custom metric starts on an event or a condition and stops on an event or a condition;
// pause_when and reset_when are optional. Conditions see the ticket as of each event.
void compile_custom_metrics(const Node& node, SlaRules& sla, SymbolTable& symbols) {
  const auto* object = node.any_object();
  if (object == nullptr) return;
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    const Node entry = node.child(name, value);
    if (index_of(builtin_metric_names, name)) {
      entry.problem(quoted(name) + " is a built-in metric; give the custom metric another name");
      continue;
    }
    if (!entry.object({"start", "stop", "start_when", "stop_when", "pause_when", "reset_when"})) continue;
    CustomMetric metric{std::string(name), {}, {}, {}, {}, {}, {}};
    bool ok = true;
    const auto event_name = [&](std::string_view member, EventMatch& out) {
      if (const auto event = entry.member(member)) {
        const auto text = event->string();
        ok = ok && text;
        if (text) out = {std::string(*text), event_type(*text)};
      }
    };
    const auto condition = [&](std::string_view member, std::optional<Condition>& out) {
      if (const auto when = entry.member(member)) {
        out = compile_condition(*when, ConditionContext::sla_metric, symbols);
        ok = ok && out;
      }
    };
    event_name("start", metric.start);
    event_name("stop", metric.stop);
    condition("start_when", metric.start_when);
    condition("stop_when", metric.stop_when);
    condition("pause_when", metric.pause_when);
    condition("reset_when", metric.reset_when);
    if (!ok) continue;
    if (!entry.member("start") && !entry.member("start_when")) {
      entry.problem("a custom metric needs \"start\" (an event) or \"start_when\" (a condition)");
      continue;
    }
    if (!entry.member("stop") && !entry.member("stop_when")) {
      entry.problem("a custom metric needs \"stop\" (an event) or \"stop_when\" (a condition)");
      continue;
    }
    if (!metric.start.name.empty() && metric.start.name == metric.stop.name) {
      entry.member("stop")->problem("the stop event must differ from the start event");
      continue;
    }
    sla.conditional_metrics = sla.conditional_metrics || metric.conditional();
    sla.metrics.push_back(std::move(metric));
  }
}

std::optional<std::size_t> metric_index(const Node& node, std::string_view name, const SlaRules& sla) {
  if (const auto builtin = index_of(builtin_metric_names, name)) return builtin;
  for (std::size_t i = 0; i < sla.metrics.size(); ++i)
    if (sla.metrics[i].name == name) return builtin_metric_count + i;
  node.problem("unknown metric " + quoted(name) + " (" + listed(builtin_metric_names) +
               ", or one defined in \"sla.metrics\"; OLAs are set in a policy's \"olas\")");
  return std::nullopt;
}

// A `pause_on` list (the policy's, or a target's own): built-in statuses, or custom ones of the
// same two categories.
Pauses pauses_of(const Node& node, const StatusCategories& statuses) {
  Pauses pauses;
  node.for_each_element([&](const Node& entry) {
    const auto name = entry.string();
    if (!name) return;
    const auto custom = statuses.find(*name);
    const auto status = custom ? statuses.categories[*custom] : status_named(*name);
    if (status != Status::pending_customer && status != Status::on_hold) {
      entry.problem(quoted(*name) +
                    (custom ? " counts as " + quoted(to_string(*status)) + ", which" : std::string()) +
                    " cannot pause a clock (use pending_customer, on_hold, or a custom status of theirs)");
    } else if (custom) {
      pauses.custom.push_back(*custom);
    } else {
      pauses.statuses |= 1U << static_cast<unsigned>(*status);
    }
  });
  return pauses;
}

void compile_targets(const Node& node, SlaPolicy& policy, const Context& context,
                     const std::optional<Calendar>& policy_calendar) {
  const SlaRules& sla = context.sla;
  const auto* by_priority = node.any_object();
  if (by_priority == nullptr) return;
  for (const auto& [key, value] : *by_priority) {
    const std::string_view priority(key.data(), key.size());
    const Node targets_node = node.child(priority, value);
    const auto p = index_of(priority_names, priority);
    if (!p) {
      targets_node.problem("unknown priority " + quoted(priority) + " (" + listed(priority_names) + ")");
      continue;
    }
    const auto* metrics = targets_node.any_object();
    if (metrics == nullptr) continue;
    for (const auto& [metric_key, target_value] : *metrics) {
      const std::string_view metric(metric_key.data(), metric_key.size());
      const Node target_node = targets_node.child(metric, target_value);
      const auto index = metric_index(target_node, metric, sla);
      if (!index) continue;
      SlaTarget target{*index, {}, policy_calendar, std::nullopt};
      if (target_value.is_object()) {
        if (!target_node.object({"target", "calendar", "pause_on"})) continue;
        const auto duration_node = target_node.required("target");
        const auto duration = duration_node ? positive_duration(*duration_node) : std::nullopt;
        if (!duration) continue;
        target.target = *duration;
        if (const auto calendar_node = target_node.member("calendar")) {
          target.calendar = find_calendar(*calendar_node, context);
          if (!target.calendar) continue;
        }
        if (const auto pause_on = target_node.member("pause_on")) {
          if (*index >= first_status_clock && *index < builtin_metric_count) {
            pause_on->problem(quoted(metric) + " runs in the statuses of its definition and cannot take \"pause_on\"");
            continue;
          }
          target.pauses = pauses_of(*pause_on, context.statuses);
        }
      } else {
        const auto duration = positive_duration(target_node);
        if (!duration) continue;
        target.target = *duration;
      }
      policy.targets[*p].push_back(std::move(target));
    }
    std::sort(policy.targets[*p].begin(), policy.targets[*p].end(),
              [](const SlaTarget& a, const SlaTarget& b) { return a.metric < b.metric; });
  }
}

// A target for every priority ("8h"), or by priority ({"urgent": "2h", "normal": "8h"}).
void compile_ola_targets(const Node& node, std::size_t metric, const std::optional<Calendar>& calendar,
                         SlaPolicy& policy) {
  if (!node.value().is_object()) {
    if (const auto duration = positive_duration(node))
      for (auto& targets : policy.targets) targets.push_back({metric, *duration, calendar, std::nullopt});
    return;
  }
  node.for_each_member([&](std::string_view priority, const Node& target_node) {
    const auto p = index_of(priority_names, priority);
    if (!p) {
      target_node.problem("unknown priority " + quoted(priority) + " (" + listed(priority_names) + ")");
      return;
    }
    if (const auto duration = positive_duration(target_node))
      policy.targets[*p].push_back({metric, *duration, calendar, std::nullopt});
  });
}

// `olas`: queue -> {"calendar", "target"}, each queue's ownership of a ticket timed on the
// queue's calendar (docs/sla.md, "OLAs"). Runs after the targets, which it then re-sorts.
void compile_olas(const Node& node, SlaPolicy& policy, const Context& context,
                  const std::optional<Calendar>& policy_calendar) {
  SlaRules& sla = context.sla;
  node.for_each_member([&](std::string_view queue, const Node& entry) {
    if (!entry.object({"calendar", "target"})) return;
    if (queue.empty()) {
      entry.problem("the queue name is empty");
      return;
    }
    std::optional<Calendar> calendar = policy_calendar;
    if (const auto calendar_node = entry.member("calendar")) {
      calendar = find_calendar(*calendar_node, context);
      if (!calendar) return;
    }
    const auto target = entry.required("target");
    if (!target) return;
    auto known = std::find(sla.ola_queues.begin(), sla.ola_queues.end(), queue);
    if (known == sla.ola_queues.end()) known = sla.ola_queues.emplace(known, queue);
    const std::size_t metric = sla.first_ola() + static_cast<std::size_t>(known - sla.ola_queues.begin());
    compile_ola_targets(*target, metric, calendar, policy);
  });
  for (auto& targets : policy.targets)
    std::sort(targets.begin(), targets.end(), [](const SlaTarget& a, const SlaTarget& b) { return a.metric < b.metric; });
}

// A threshold's `at`: a whole percentage of the target ("80%"), or an offset from the due instant
// in the metric's business time ("-15m" before it, "+1h" after it). False after a problem.
bool parse_threshold(const Node& at, SlaThreshold& threshold) {
  const auto text = at.string();
  if (!text) return false;
  if (!text->empty() && (text->front() == '-' || text->front() == '+')) {
    const std::string_view magnitude = text->substr(1);
    Duration d{};
    try {
      d = parse_duration(magnitude);
    } catch (const Error& e) {
      at.problem(quoted(*text) + " is not an offset (a sign and a duration like \"-15m\" or \"+1h\"): " + e.what());
      return false;
    }
    if (d <= Duration::zero() || d > longest_target) {
      at.problem("an offset must be longer than zero and at most 100 years, not " + quoted(*text) +
                 (d == Duration::zero() ? " (\"100%\" is the due instant)" : ""));
      return false;
    }
    threshold.offset = text->front() == '-' ? -d : d;
    return true;
  }
  int percent = 0;
  bool valid = text->size() >= 2 && text->size() <= 5 && text->back() == '%';
  if (valid) {
    percent = fixed_digits(*text, 0, text->size() - 1);
    valid = percent > 0;
  }
  if (!valid)
    at.problem(quoted(*text) + " is not a threshold (a whole percentage like \"80%\", 1% to 9999%, or an offset from the due instant like \"-15m\" or \"+1h\")");
  threshold.percent = percent;
  return valid;
}

void compile_escalations(const Node& node, SlaPolicy& policy, const Context& context) {
  node.for_each_element([&](const Node& entry) {
    if (!entry.object({"at", "action", "to", "metrics", "calendar"})) return;
    SlaThreshold threshold{};
    threshold.first_ola = context.sla.first_ola();
    bool ok = true;
    if (const auto at = entry.required("at")) ok = parse_threshold(*at, threshold);
    else ok = false;
    if (const auto action = entry.required("action")) {
      const auto text = action->string();
      if (text && text->empty()) action->problem("the action is empty");
      ok = ok && text && !text->empty();
      if (text) threshold.action = std::string(*text);
    } else {
      ok = false;
    }
    if (const auto to = entry.member("to")) {
      const auto text = to->string();
      ok = ok && text;
      if (text) threshold.to = std::string(*text);
    }
    if (const auto metrics = entry.member("metrics")) {
      if (const auto* names = metrics->array()) {
        for (std::size_t m = 0; m < names->size(); ++m) {
          const Node name_node = metrics->element(m);
          const auto name = name_node.string();
          if (name == ola_metric_name) {  // every queue's OLA
            threshold.olas = true;
            continue;
          }
          const auto index = name ? metric_index(name_node, *name, context.sla) : std::nullopt;
          if (index) threshold.metrics.push_back(*index);
          else ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (const auto calendar = entry.member("calendar")) {
      threshold.calendar = find_calendar(*calendar, context);
      ok = ok && threshold.calendar;
    }
    if (ok) {
      policy.offsets = policy.offsets || threshold.percent == 0;
      policy.escalations.push_back(std::move(threshold));
    }
  });
  // Percentages reach in ascending order on every target; with offsets the order depends on
  // the target, so reach_order orders them for each target.
  if (!policy.offsets)
    std::stable_sort(policy.escalations.begin(), policy.escalations.end(),
                     [](const SlaThreshold& a, const SlaThreshold& b) { return a.percent < b.percent; });
}

void compile_policy(const Node& node, const Context& context, std::set<std::string, std::less<>>& ids) {
  if (!node.object({"id", "when", "valid", "calendar", "targets", "olas", "pause_on", "escalations"})) return;
  SlaPolicy policy;
  policy.id = unique_id(node, ids, "SLA policy");
  const ConditionCalendars calendars{context.calendars, context.invalid_calendars};
  if (const auto when = node.member("when")) {
    if (auto condition = compile_condition(*when, ConditionContext::ticket, context.symbols, &calendars))
      policy.when = std::move(*condition);
  }
  std::optional<Calendar> calendar;
  if (const auto calendar_node = node.member("calendar")) calendar = find_calendar(*calendar_node, context);
  if (const auto valid = node.member("valid")) {
    const auto* zone = calendar ? date::locate_zone(calendar->time_zone()) : nullptr;
    if (auto range = compile_validity(*valid, zone)) policy.valid = *range;
  }
  if (const auto targets = node.required("targets")) compile_targets(*targets, policy, context, calendar);
  if (const auto olas = node.member("olas")) compile_olas(*olas, policy, context, calendar);
  policy.calendar = calendar;
  if (const auto pause_on = node.member("pause_on")) policy.pauses = pauses_of(*pause_on, context.statuses);
  if (const auto escalations = node.member("escalations")) compile_escalations(*escalations, policy, context);
  context.sla.timed = context.sla.timed || policy.when.timed() || node.member("valid");
  context.sla.policies.push_back(std::move(policy));
}

// Each priority's lookup by metric and each target's thresholds in order, once every policy is
// compiled: only then is the number of metrics (the OLAs' included) known.
void index_targets(SlaRules& sla) {
  for (SlaPolicy& policy : sla.policies) {
    for (std::size_t p = 0; p < policy.targets.size(); ++p) {
      SlaTargetLookup& lookup = policy.lookups[p];
      lookup.by_metric.assign(sla.metric_count(), SIZE_MAX);
      lookup.pauses.assign(sla.metric_count(), 0U);
      for (std::size_t i = 0; i < policy.targets[p].size(); ++i) {
        SlaTarget& target = policy.targets[p][i];
        lookup.by_metric[target.metric] = i;
        if (const Pauses* pauses = policy.pauses_for(target)) lookup.pauses[target.metric] = pauses->statuses;
        target.reaches = reach_order(policy, target.metric, target.target);
      }
    }
  }
}

}  // namespace

std::vector<SlaReach> reach_order(const SlaPolicy& policy, std::size_t metric, Duration target) {
  struct Keyed {
    std::int64_t exact;  // the level in hundredths of a millisecond, where percentages are exact
    SlaReach reach;
  };
  std::vector<Keyed> keyed;
  for (std::size_t i = 0; i < policy.escalations.size(); ++i) {
    const SlaThreshold& t = policy.escalations[i];
    if (!t.applies(metric)) continue;
    // Rounded up to the millisecond: a clock at 79.99% has not reached 80%. An offset before a
    // due instant nearer than the offset is reached as the clock starts (level zero).
    const Duration level = t.percent != 0 ? Duration{(target.count() * t.percent + 99) / 100}
                                          : std::max(target + t.offset, Duration::zero());
    keyed.push_back({t.percent != 0 ? target.count() * t.percent : level.count() * 100, {i, level}});
  }
  // `escalations` is as listed when it has an offset, else sorted by percent already.
  if (policy.offsets)
    std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return a.exact < b.exact; });
  std::vector<SlaReach> reaches;
  reaches.reserve(keyed.size());
  for (const Keyed& k : keyed) reaches.push_back(k.reach);
  return reaches;
}

SlaRules compile_sla(const std::optional<Node>& section, SymbolTable& symbols, const Calendars& calendars,
                     const std::set<std::string, std::less<>>& invalid_calendars, const StatusCategories& statuses) {
  SlaRules sla;
  sla.symbols = &symbols;
  sla.statuses = &statuses;
  const Context context{sla, symbols, statuses, calendars, invalid_calendars};
  if (!section || !section->object({"policies", "metrics"})) return sla;
  if (const auto metrics = section->member("metrics")) compile_custom_metrics(*metrics, sla, symbols);
  const auto policies = section->required("policies");
  if (!policies) return sla;
  std::set<std::string, std::less<>> ids;
  policies->for_each_element([&](const Node& policy) { compile_policy(policy, context, ids); });
  index_targets(sla);
  return sla;
}

}  // namespace aftersales::detail
