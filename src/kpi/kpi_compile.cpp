#include "kpi/kpi_compile.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "calendar/calendar_compile.hpp"
#include "condition/condition_compile.hpp"
#include "text/text.hpp"
#include "kpi/kpi_metrics.hpp"

namespace aftersales::detail {
namespace {

std::optional<double> finite_number(const Node& node) {
  const auto& v = node.value();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double() && std::isfinite(v.get_double())) return v.get_double();
  node.problem("expected a number, found " + describe(v));
  return std::nullopt;
}

std::optional<ScorecardRule> compile_rule(const Node& node, std::string_view name, const SlaRules& sla) {
  if (!is_scorecard_metric(name, sla)) {
    node.problem("unknown metric " + quoted(name) +
                 " (tickets, resolved, backlog, a rate such as csat or fcr_rate, first_response_s.p50, "
                 "resolution_s.mean, or sla.<metric>.rate)");
    return std::nullopt;
  }
  if (!node.object({"weight", "target", "floor", "critical"})) return std::nullopt;
  ScorecardRule rule;
  rule.metric = std::string(name);
  bool ok = true;
  const auto read = [&](std::string_view key, double& into) {
    const auto member = node.required(key);
    const auto value = member ? finite_number(*member) : std::nullopt;
    if (value) into = *value;
    else ok = false;
  };
  read("weight", rule.weight);
  read("target", rule.target);
  read("floor", rule.floor);
  if (ok && rule.weight <= 0) {
    node.required("weight")->problem("the weight must be greater than 0");
    ok = false;
  }
  if (ok && rule.target == rule.floor) {
    node.required("floor")->problem("the floor must differ from the target (it sets the direction)");
    ok = false;
  }
  if (const auto critical = node.member("critical")) {
    const auto flag = critical->boolean();
    if (flag) rule.critical = *flag;
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return rule;
}

void compile_stars(const Node& node, Scorecard& card) {
  const auto* list = node.array();
  if (list == nullptr) return;
  if (list->size() != 4) {
    node.problem("expected 4 thresholds (the lowest scores for 2, 3, 4 and 5 stars), found " +
                 std::to_string(list->size()));
    return;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    const Node entry = node.element(i);
    const auto value = finite_number(entry);
    if (!value) return;
    if (*value < 0 || *value > 100 || (i > 0 && *value <= card.stars[i - 1])) {
      entry.problem("thresholds must rise strictly within 0-100");
      return;
    }
    card.stars[i] = *value;
  }
}

void compile_scorecard(const Node& node, const SlaRules& sla, std::set<std::string, std::less<>>& ids,
                       KpiRules& kpi) {
  if (!node.object({"id", "metrics", "stars"})) return;
  Scorecard card;
  card.id = unique_id(node, ids, "scorecard");
  if (const auto metrics = node.required("metrics")) {
    if (const auto* object = metrics->any_object()) {
      for (const auto& [key, value] : *object) {
        const std::string_view name(key.data(), key.size());
        if (auto rule = compile_rule(metrics->child(name, value), name, sla)) card.metrics.push_back(std::move(*rule));
      }
      if (object->empty()) metrics->problem("a scorecard needs at least one metric");
    }
  }
  if (const auto stars = node.member("stars")) compile_stars(*stars, card);
  kpi.scorecards.push_back(std::move(card));
}

}  // namespace

bool is_scorecard_metric(std::string_view name, const SlaRules& sla) {
  if (find_metric(count_metrics, name) != nullptr || find_metric(rate_metrics, name) != nullptr) return true;
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view head = name.substr(0, dot);
  const std::string_view tail = name.substr(dot + 1);
  if (find_metric(duration_metrics, head) != nullptr) return find_metric(duration_stats, tail) != nullptr;
  if (head != "sla" || !tail.ends_with(".rate")) return false;
  const std::string_view metric = tail.substr(0, tail.size() - 5);
  if (std::find(builtin_metric_names.begin(), builtin_metric_names.end(), metric) != builtin_metric_names.end())
    return true;
  return std::any_of(sla.metrics.begin(), sla.metrics.end(), [&](const CustomMetric& m) { return m.name == metric; });
}

KpiRules compile_kpi(const std::optional<Node>& section, SymbolTable& symbols, const SlaRules& sla,
                     const Calendars& calendars) {
  KpiRules kpi;
  kpi.symbols = &symbols;
  kpi.sla = &sla;
  kpi.calendars = &calendars;
  if (!section || !section->object({"complaints", "scorecards", "timezone"})) return kpi;
  if (const auto zone = section->member("timezone")) kpi.time_zone = read_time_zone(*zone);
  if (const auto complaints = section->member("complaints"))
    kpi.complaints = compile_condition(*complaints, ConditionContext::ticket, symbols);
  const auto scorecards = section->member("scorecards");
  if (!scorecards) return kpi;
  std::set<std::string, std::less<>> ids;
  scorecards->for_each_element([&](const Node& scorecard) { compile_scorecard(scorecard, sla, ids, kpi); });
  return kpi;
}

}  // namespace aftersales::detail
