// Scorecards (spec §7, docs/kpi.md "Scorecards"): each metric scores 0-1 along floor → target,
// the weighted mean of those with data is the score, a failed critical metric zeroes it.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "document/json_writer.hpp"
#include "text/text.hpp"
#include "kpi/kpi_rules.hpp"

namespace aftersales {
namespace {

const detail::Scorecard& find_scorecard(const detail::KpiRules& rules, std::string_view id) {
  const auto& cards = rules.scorecards;
  const auto it = std::find_if(cards.begin(), cards.end(), [&](const detail::Scorecard& c) { return c.id == id; });
  if (it != cards.end()) return *it;
  std::string known;
  for (const auto& c : cards) known += (known.empty() ? "" : ", ") + c.id;
  throw NotFoundError("no scorecard " + detail::quoted(id) + " in the policy (scorecards: " +
                      (known.empty() ? std::string("none") : known) + ")");
}

// A share of the way from floor to target, clamped: works whichever way is better. Rounded to
// 9 decimals, far finer than any rating, so that binary floating point's last-digit error does
// not move a score across the critical half: csat 0.6 between floor 0.3 and target 0.9 is
// 0.49999999999999994 unrounded, and must be 0.5.
double metric_score(double value, const detail::ScorecardRule& rule) {
  const double share = std::clamp((value - rule.floor) / (rule.target - rule.floor), 0.0, 1.0);
  return std::round(share * 1e9) / 1e9;
}

int stars_for(double score, const std::array<double, 4>& thresholds) {
  int stars = 1;
  for (const double t : thresholds)
    if (score >= t) ++stars;
  return stars;
}

ScorecardRow score_group(const KpiGroup& group, const detail::Scorecard& card) {
  ScorecardRow row;
  row.key = group.key;
  double weighted = 0;
  double weights = 0;
  for (const detail::ScorecardRule& rule : card.metrics) {
    ScorecardMetric m{rule.metric, group.metric(rule.metric), std::nullopt, rule.weight, rule.critical};
    if (m.value) {
      m.score = metric_score(*m.value, rule);
      weighted += rule.weight * *m.score;
      weights += rule.weight;
      if (rule.critical && *m.score < 0.5) row.critical_failed = true;
    }
    row.metrics.push_back(std::move(m));
  }
  if (weights > 0) {
    // Six decimals: 80 computed as 79.99999999999999 must still earn its star.
    const double score = row.critical_failed ? 0.0 : std::round(100 * weighted / weights * 1e6) / 1e6;
    row.score = score;
    row.stars = stars_for(score, card.stars);
  }
  return row;
}

std::vector<std::size_t> slots_of(std::span<const KpiDimension> rank_within, const std::vector<KpiDimension>& group_by) {
  std::vector<std::size_t> slots;
  for (std::size_t i = 0; i < rank_within.size(); ++i) {
    const auto it = std::find(group_by.begin(), group_by.end(), rank_within[i]);
    if (it == group_by.end())
      throw InputError("cannot rank within \"" + std::string(to_string(rank_within[i])) +
                       "\": the KPIs are not grouped by it", "rank_within[" + std::to_string(i) + "]");
    slots.push_back(static_cast<std::size_t>(it - group_by.begin()));
  }
  return slots;
}

void rank(std::vector<ScorecardRow>& rows, const std::vector<std::size_t>& slots) {
  std::map<std::vector<std::optional<std::string>>, std::vector<ScorecardRow*>> partitions;
  for (ScorecardRow& row : rows) {
    if (!row.score) continue;
    std::vector<std::optional<std::string>> part;
    for (const std::size_t s : slots) part.push_back(row.key[s]);
    partitions[part].push_back(&row);
  }
  for (auto& [part, members] : partitions) {
    std::sort(members.begin(), members.end(), [](const ScorecardRow* a, const ScorecardRow* b) {
      if (*a->score != *b->score) return *a->score > *b->score;
      return a->key < b->key;
    });
    for (std::size_t i = 0; i < members.size(); ++i) members[i]->rank = static_cast<int>(i + 1);
  }
}

void write_optional(detail::JsonWriter& w, std::optional<double> value) {
  if (value) w.number(*value);
  else w.null();
}

}  // namespace

ScorecardResult KpiEngine::score(std::string_view id, const KpiResult& kpis,
                                 std::span<const KpiDimension> rank_within) const {
  const detail::Scorecard& card = find_scorecard(*rules_, id);
  ScorecardResult result;
  result.scorecard = card.id;
  result.group_by = kpis.group_by;
  result.rank_within.assign(rank_within.begin(), rank_within.end());
  const auto slots = slots_of(rank_within, kpis.group_by);
  for (const KpiGroup& g : kpis.groups) result.rows.push_back(score_group(g, card));
  rank(result.rows, slots);
  return result;
}

std::string ScorecardResult::to_json() const {
  detail::JsonWriter w;
  w.begin_object();
  w.key("scorecard").value(scorecard);
  for (const auto& [name, dims] : {std::pair{"group_by", &group_by}, std::pair{"rank_within", &rank_within}}) {
    w.key(name).begin_array();
    for (const KpiDimension& d : *dims) w.value(to_string(d));
    w.end_array();
  }
  w.key("rows").begin_array();
  for (const ScorecardRow& row : rows) {
    w.begin_object();
    w.key("key").begin_object();
    for (std::size_t i = 0; i < group_by.size(); ++i) {
      w.key(to_string(group_by[i]));
      if (row.key[i]) w.value(*row.key[i]);
      else w.null();
    }
    w.end_object();
    w.key("score");
    write_optional(w, row.score);
    w.key("stars").value(row.stars);
    w.key("rank");
    if (row.rank) w.value(*row.rank);
    else w.null();
    w.key("critical_failed").boolean(row.critical_failed);
    w.key("metrics").begin_object();
    for (const ScorecardMetric& m : row.metrics) {
      w.key(m.name).begin_object();
      w.key("value");
      write_optional(w, m.value);
      w.key("score");
      write_optional(w, m.score);
      w.key("weight").number(m.weight);
      w.key("critical").boolean(m.critical);
      w.end_object();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace aftersales
