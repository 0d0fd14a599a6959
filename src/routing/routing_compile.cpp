#include "routing/routing_compile.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>

#include "condition/condition_compile.hpp"
#include "text/text.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {
namespace {

constexpr std::array<std::string_view, 3> strategy_names{"least_loaded", "round_robin", "most_idle"};

// A skill's level is a small whole number; 100 bounds it so levels fit any counter.
constexpr std::int64_t max_skill_level = 100;
// A channel's cost in units is bounded as an agent's units are (agent_json.hpp's max_capacity).
constexpr std::int64_t max_unit_cost = 1'000'000;

std::uint32_t intern_skill(RoutingRules& routing, std::string_view name) {
  const auto it = routing.skill_ids.find(name);
  if (it != routing.skill_ids.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(routing.skill_names.size());
  routing.skill_names.emplace_back(name);
  routing.skill_ids.emplace(std::string(name), id);
  return id;
}

// `{"returns": 2, "senior": 1}` → needs, sorted by skill index so equal sets compare equal.
std::vector<SkillNeed> compile_skills(const Node& node, RoutingRules& routing) {
  std::vector<SkillNeed> needs;
  const auto* object = node.any_object();
  if (object == nullptr) return needs;
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    const Node entry = node.child(name, value);
    const auto level = entry.integer();
    if (!level) continue;
    if (*level < 0 || *level > max_skill_level) {
      entry.problem("a skill level must be a whole number from 0 to 100, not " + std::to_string(*level));
      continue;
    }
    needs.push_back({intern_skill(routing, name), static_cast<int>(*level)});
  }
  std::sort(needs.begin(), needs.end(), [](const SkillNeed& a, const SkillNeed& b) { return a.skill < b.skill; });
  return needs;
}

std::optional<Duration> positive_duration(const Node& node) {
  const auto d = node.duration();
  if (d && *d <= Duration::zero()) {
    node.problem("must be longer than zero, not " + format_duration(*d));
    return std::nullopt;
  }
  return d;
}

std::optional<std::uint32_t> queue_ref(const Node& node, const RoutingRules& routing) {
  const auto id = node.string();
  if (!id) return std::nullopt;
  if (const auto index = routing.queue_index(*id)) return index;
  node.problem("no queue " + detail::quoted(*id) + " in \"routing.queues\" (queues: " + routing.queue_list() + ")");
  return std::nullopt;
}

void compile_queue_ids(const Node& node, RoutingRules& routing) {
  node.for_each_element([&](const Node& entry) {
    if (!entry.object({"id", "overflow"})) return;
    const auto id_node = entry.required("id");
    const auto id = id_node ? id_node->string() : std::nullopt;
    if (!id) return;
    if (id->empty()) id_node->problem("a queue id must not be empty");
    else if (routing.queue_index(*id)) id_node->problem("queue " + detail::quoted(*id) + " is defined twice");
    else routing.queues.push_back({std::string(*id), detail::quoted(*id), std::nullopt, no_queue});
  });
}

// Overflow needs every queue id first: a queue may overflow into one defined after it.
void compile_overflow(const Node& node, RoutingRules& routing) {
  node.for_each_element([&](const Node& entry) {
    const auto overflow = entry.value().is_object() ? entry.member("overflow") : std::nullopt;
    const auto id = entry.value().is_object() ? entry.member("id") : std::nullopt;
    const auto id_text = id ? id->value().if_string() : nullptr;
    if (!overflow || id_text == nullptr) return;
    const auto self = routing.queue_index(std::string_view(id_text->data(), id_text->size()));
    if (!self || !overflow->object({"after", "to"})) return;
    const auto after_node = overflow->required("after");
    const auto to_node = overflow->required("to");
    const auto after = after_node ? positive_duration(*after_node) : std::nullopt;
    const auto to = to_node ? queue_ref(*to_node, routing) : std::nullopt;
    if (!after || !to) return;
    if (*to == *self) {
      to_node->problem("a queue cannot overflow into itself");
      return;
    }
    routing.queues[*self].overflow_after = after;
    routing.queues[*self].overflow_to = *to;
  });
}

// An overflow chain that comes back to a queue it passed would keep a ticket moving forever.
void check_overflow_cycles(const Node& node, const RoutingRules& routing) {
  const auto count = routing.queues.size();
  for (std::uint32_t start = 0; start < count; ++start) {
    std::string path = routing.queues[start].id;
    bool smallest = true;  // each cycle is reported once, from its first queue
    std::uint32_t q = routing.queues[start].overflow_to;
    for (std::size_t steps = 0; q != no_queue && steps < count; ++steps, q = routing.queues[q].overflow_to) {
      path += " -> " + routing.queues[q].id;
      if (q == start) break;
      smallest = smallest && q > start;
    }
    if (q == start && smallest) node.problem("overflow goes round in a cycle: " + path);
  }
}

std::optional<Priority> compile_priority(const Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  if (const auto p = priority_named(*text)) return p;
  node.problem(detail::quoted(*text) + " is not a priority (" + listed(priority_names) + ")");
  return std::nullopt;
}

// `[{"after": "1m", "drop": ["senior"]}, {"after": "3m", "queue": "after-sales"}, {"after": "10m",
// "any_language": true}]`: each step relaxes something; their waits rise strictly.
bool compile_steps(const Node& node, RoutingRules& routing, std::vector<LadderStep>& steps) {
  bool ok = node.array() != nullptr;
  node.for_each_element([&](const Node& entry) {
    if (!entry.object({"after", "drop", "queue", "any_language"})) return void(ok = false);
    LadderStep step;
    const auto after_node = entry.required("after");
    const auto after = after_node ? positive_duration(*after_node) : std::nullopt;
    if (!after) return void(ok = false);
    step.after = *after;
    if (!steps.empty() && step.after <= steps.back().after) {
      after_node->problem("must be longer than the step before's " + format_duration(steps.back().after) +
                          ": a ladder's steps come in the order of their waits");
      ok = false;
    }
    if (const auto drop = entry.member("drop")) {
      drop->for_each_element([&](const Node& name) {
        if (const auto text = name.string()) step.drop.push_back(intern_skill(routing, *text));
        else ok = false;
      });
      if (drop->array() != nullptr && drop->array()->empty()) drop->problem("name at least one skill to drop");
      ok = ok && drop->array() != nullptr && !drop->array()->empty();
    }
    if (const auto queue = entry.member("queue")) {
      if (const auto q = queue_ref(*queue, routing)) step.queue = *q;
      else ok = false;
    }
    if (const auto language = entry.member("any_language")) {
      const auto flag = language->boolean();
      if (flag) step.any_language = *flag;
      else ok = false;
    }
    if (step.drop.empty() && step.queue == no_queue && !step.any_language && entry.member("drop") == std::nullopt) {
      entry.problem("a step relaxes something: \"drop\", \"queue\" or \"any_language\": true");
      ok = false;
    }
    steps.push_back(std::move(step));
  });
  return ok;
}

void compile_rule(const Node& node, RoutingRules& routing, SymbolTable& symbols, const ConditionCalendars& calendars,
                  std::set<std::string, std::less<>>& ids) {
  if (!node.object({"id", "when", "valid", "queue", "priority", "skills", "preferred_skills", "relax_after", "steps", "bot"}))
    return;
  RoutingRule rule;
  bool ok = true;
  if (const auto id = node.required("id")) {
    const auto text = id->string();
    if (text && text->empty()) {
      id->problem("a rule id must not be empty");
      ok = false;
    } else if (text && !ids.emplace(*text).second) {
      id->problem("rule " + detail::quoted(*text) + " is defined twice");
      ok = false;
    } else if (text) {
      rule.id = std::string(*text);
      rule.quoted = detail::quoted(*text);
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const auto when = node.member("when")) {
    if (auto condition = compile_condition(*when, ConditionContext::ticket, symbols, &calendars))
      rule.when = std::move(*condition);
    else
      ok = false;
  }
  if (const auto valid = node.member("valid")) {
    if (const auto range = compile_validity(*valid, nullptr)) rule.valid = *range;
    else ok = false;
  }
  if (const auto queue = node.required("queue")) {
    if (const auto q = queue_ref(*queue, routing)) rule.queue = *q;
    else ok = false;
  } else {
    ok = false;
  }
  if (const auto priority = node.member("priority")) {
    rule.priority = compile_priority(*priority);
    ok = ok && rule.priority.has_value();
  }
  if (const auto bot = node.member("bot")) rule.bot = bot->boolean().value_or(false);
  if (const auto skills = node.member("skills")) rule.skills = compile_skills(*skills, routing);
  const auto preferred = node.member("preferred_skills");
  const auto relax = node.member("relax_after");
  if (preferred) rule.preferred_skills = compile_skills(*preferred, routing);
  if (relax) {
    if (const auto d = positive_duration(*relax)) rule.relax_after = *d;
    else ok = false;
  }
  if (preferred && !relax) preferred->problem("preferred skills need \"relax_after\", the wait after which they are dropped");
  if (relax && !preferred) relax->problem("\"relax_after\" needs \"preferred_skills\" to drop");
  if (const auto steps = node.member("steps")) ok = compile_steps(*steps, routing, rule.steps) && ok;
  if (rule.bot && (node.member("skills") || preferred || node.member("steps")))
    node.problem("a bot rule cannot require skills: the bot answers, no agent is chosen");
  routing.timed = routing.timed || rule.when.timed() || node.member("valid");
  if (ok) routing.rules.push_back(std::move(rule));
}

// `{"every": "10m", "up_to": "high"}`.
void compile_aging(const Node& node, RoutingRules& routing) {
  if (!node.object({"every", "up_to"})) return;
  Aging aging;
  const auto every_node = node.required("every");
  const auto every = every_node ? positive_duration(*every_node) : std::nullopt;
  if (!every) return;
  aging.every = *every;
  if (const auto up_to = node.member("up_to")) {
    const auto p = compile_priority(*up_to);
    if (!p) return;
    if (*p == Priority::low) {
      up_to->problem("aging raises priorities: \"low\" would raise none");
      return;
    }
    aging.up_to = *p;
  }
  routing.aging = aging;
}

// `{"push_timeout": "30s", "no_reoffer": "10m"}`.
void compile_offers(const Node& node, RoutingRules& routing) {
  if (!node.object({"push_timeout", "no_reoffer"})) return;
  const auto timeout_node = node.required("push_timeout");
  const auto timeout = timeout_node ? positive_duration(*timeout_node) : std::nullopt;
  const auto bar_node = node.required("no_reoffer");
  const auto bar = bar_node ? positive_duration(*bar_node) : std::nullopt;
  if (timeout && bar) routing.offers = Offers{*timeout, *bar};
}

void compile_assignment(const Node& node, RoutingRules& routing) {
  if (!node.object({"strategy", "language_match", "sticky", "tier_skills"})) return;
  if (const auto strategy = node.member("strategy")) {
    if (const auto name = strategy->string()) {
      const auto it = std::find(strategy_names.begin(), strategy_names.end(), *name);
      if (it == strategy_names.end())
        strategy->problem(detail::quoted(*name) + " is not a strategy (least_loaded, round_robin, most_idle)");
      else
        routing.strategy = static_cast<RoutingStrategy>(it - strategy_names.begin());
    }
  }
  if (const auto language = node.member("language_match")) routing.language_match = language->boolean().value_or(false);
  if (const auto sticky = node.member("sticky")) routing.sticky = sticky->boolean().value_or(false);
  if (const auto tiers = node.member("tier_skills")) {
    const auto* object = tiers->any_object();
    if (object == nullptr) return;
    for (const auto& [key, value] : *object) {
      const std::string_view tier(key.data(), key.size());
      routing.tier_skills.emplace_back(std::string(tier), compile_skills(tiers->child(tier, value), routing));
    }
    std::sort(routing.tier_skills.begin(), routing.tier_skills.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
}

// `{"voice": 5, "chat": 2, "*": 1}`: what a ticket of each channel costs of an agent's units.
void compile_units(const Node& node, RoutingRules& routing) {
  node.for_each_member([&](std::string_view channel, const Node& entry) {
    const auto cost = entry.integer();
    if (cost && (*cost < 0 || *cost > max_unit_cost))
      entry.problem("a channel's cost in units must be a whole number from 0 to " + std::to_string(max_unit_cost) + ", not " +
                    std::to_string(*cost));
    else if (cost && channel == "*") routing.default_units = static_cast<int>(*cost);
    else if (cost) routing.units.emplace_back(std::string(channel), static_cast<int>(*cost));
  });
  std::sort(routing.units.begin(), routing.units.end());
}

// FNV-1a over the queue ids and their overflow: what a snapshot's waiting tickets depend on.
std::string fingerprint(const RoutingRules& routing) {
  std::uint64_t hash = 14695981039346656037ull;
  const auto mix = [&hash](std::string_view text) {
    for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    hash = (hash ^ 0xffu) * 1099511628211ull;  // a separator no UTF-8 text contains
  };
  for (const RoutingQueue& queue : routing.queues) {
    mix(queue.id);
    mix(queue.overflow_to == no_queue ? std::string_view() : std::string_view(routing.queues[queue.overflow_to].id));
    mix(queue.overflow_after ? std::to_string(queue.overflow_after->count()) : std::string());
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) text[static_cast<std::size_t>(i)] = digits[hash & 0xfu];
  return text;
}

}  // namespace

std::optional<std::uint32_t> RoutingRules::queue_index(std::string_view id) const {
  for (std::uint32_t i = 0; i < queues.size(); ++i)
    if (queues[i].id == id) return i;
  return std::nullopt;
}

std::optional<std::uint32_t> RoutingRules::skill_index(std::string_view name) const {
  const auto it = skill_ids.find(name);
  if (it == skill_ids.end()) return std::nullopt;
  return it->second;
}

const std::vector<SkillNeed>* RoutingRules::tier(std::string_view name) const {
  const auto it = std::lower_bound(tier_skills.begin(), tier_skills.end(), name,
                                   [](const auto& entry, std::string_view t) { return entry.first < t; });
  return it != tier_skills.end() && it->first == name ? &it->second : nullptr;
}

int RoutingRules::unit_cost(std::string_view channel) const {
  const auto it = std::lower_bound(units.begin(), units.end(), channel,
                                   [](const auto& entry, std::string_view c) { return entry.first < c; });
  return it != units.end() && it->first == channel ? it->second : default_units;
}

const RoutingRule* RoutingRules::rule(std::string_view id) const {
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const RoutingRule& r) { return r.id == id; });
  return it != rules.end() ? &*it : nullptr;
}

std::string RoutingRules::queue_list() const {
  std::string text;
  for (const RoutingQueue& queue : queues) text += (text.empty() ? "" : ", ") + queue.id;
  return text.empty() ? std::string("none") : text;
}

RoutingRules compile_routing(const std::optional<Node>& section, SymbolTable& symbols, const SlaRules& sla,
                             const ConditionCalendars& calendars) {
  RoutingRules routing;
  routing.symbols = &symbols;
  routing.sla = &sla;
  if (!section || !section->object({"queues", "rules", "default_queue", "assignment", "units", "aging", "offers"}))
    return routing;
  const Node& node = *section;
  routing.present = true;
  if (const auto queues = node.required("queues")) {
    compile_queue_ids(*queues, routing);
    compile_overflow(*queues, routing);
    check_overflow_cycles(*queues, routing);
    if (queues->array() != nullptr && queues->array()->empty()) queues->problem("at least one queue is needed");
  }
  if (const auto rules = node.member("rules")) {
    std::set<std::string, std::less<>> ids;
    rules->for_each_element([&](const Node& rule) { compile_rule(rule, routing, symbols, calendars, ids); });
  }
  if (const auto default_queue = node.required("default_queue")) {
    if (const auto q = queue_ref(*default_queue, routing)) routing.default_queue = *q;
  }
  if (const auto assignment = node.member("assignment")) compile_assignment(*assignment, routing);
  if (const auto units = node.member("units")) compile_units(*units, routing);
  if (const auto aging = node.member("aging")) compile_aging(*aging, routing);
  if (const auto offers = node.member("offers")) compile_offers(*offers, routing);
  routing.fingerprint = fingerprint(routing);
  return routing;
}

}  // namespace aftersales::detail
