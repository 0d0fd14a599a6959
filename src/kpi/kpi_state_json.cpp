// The accumulator's partial state as JSON (docs/kpi.md, "Partial state"): everything a
// map/reduce job ships between workers. Reading it validates every value with its path: a
// state file is input like any other.
#include <aftersales/error.hpp>

#include <boost/json/monotonic_resource.hpp>

#include "document/json_reader.hpp"
#include "document/json_writer.hpp"
#include "text/text.hpp"
#include "kpi/kpi_request.hpp"
#include "kpi/kpi_state.hpp"

namespace aftersales::detail {
namespace {

// 2: `time_zone` (the zone of the time dimensions) replaced `day_calendar`.
constexpr int state_version = 2;

void write_sketch(JsonWriter& w, const QuantileSketch& s) {
  w.begin_object();
  w.key("sum_ms").value(s.sum());
  if (s.exact()) {
    w.key("values").begin_array();
    for (const std::int64_t v : s.values()) w.value(v);
    w.end_array();
  } else {
    w.key("min_ms").value(s.min()).key("max_ms").value(s.max()).key("zeros").value(s.zeros());
    w.key("offset").value(static_cast<std::int64_t>(s.offset()));
    w.key("buckets").begin_array();
    for (const std::int64_t b : s.buckets()) w.value(b);
    w.end_array();
  }
  w.end_object();
}

// Any 64-bit count the accumulator can hold: merging checks its sums (merge_overflow), so
// whatever it writes reads back.
std::optional<std::int64_t> count(const Node& node) {
  const auto value = node.integer();
  if (value && *value < 0) {
    node.problem("expected a count (an integer from 0 to 2^63 - 1), found " + std::to_string(*value));
    return std::nullopt;
  }
  return value;
}

// What counting a ticket (Adder::count_ticket) adds to its group keeps these between the
// counters of every state the accumulator can reach: `parts` sum to at most `whole`, or to
// exactly `whole`. A state breaking one was not written by it, and would report rates above 1.
constexpr std::size_t no_counter = counter_count;
struct Relation {
  std::array<std::size_t, 2> parts;
  std::size_t whole;
  bool equal;
};
constexpr std::array<Relation, 13> relations{{
    {{resolved, backlog}, tickets, true},  // every ticket is solved or not
    {{ever_resolved, no_counter}, tickets, false},
    {{resolved, no_counter}, ever_resolved, false},  // a solved ticket became solved
    {{reopened, no_counter}, ever_resolved, false},  // only a solved ticket reopens
    {{one_touch, no_counter}, resolved, false},
    {{fcr, bot_resolved}, one_touch, false},  // one human reply, or none
    {{escalated, no_counter}, tickets, false},
    {{reassigned, no_counter}, tickets, false},
    {{rated, no_counter}, tickets, false},
    {{satisfied, no_counter}, rated, false},
    {{nps_rated, no_counter}, tickets, false},
    {{promoters, detractors}, nps_rated, false},
    {{complaints, no_counter}, tickets, false},
}};

void check_relations(const Node& counts_node, const GroupState& g) {
  for (const Relation& r : relations) {
    // Counts are never negative: the sum of two fits 64 unsigned bits.
    std::string parts(counter_names[r.parts[0]]);
    auto sum = static_cast<std::uint64_t>(g.counts[r.parts[0]]);
    if (r.parts[1] != no_counter) {
      parts += " + " + std::string(counter_names[r.parts[1]]);
      sum += static_cast<std::uint64_t>(g.counts[r.parts[1]]);
    }
    const auto whole = static_cast<std::uint64_t>(g.counts[r.whole]);
    if (r.equal ? sum == whole : sum <= whole) continue;
    if (const auto first = counts_node.member(counter_names[r.parts[0]]))
      first->problem(parts + " (" + std::to_string(sum) + ") must " + (r.equal ? "equal " : "be at most ") +
                     std::string(counter_names[r.whole]) + " (" + std::to_string(whole) +
                     "): no accumulator counts a ticket so");
  }
}

std::optional<std::vector<std::int64_t>> counts(const Node& node) {
  const auto* list = node.array();
  if (list == nullptr) return std::nullopt;
  std::vector<std::int64_t> out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto v = count(node.element(i));
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

std::optional<QuantileSketch> read_sketch(const Node& node) {
  if (!node.object({"sum_ms", "values", "min_ms", "max_ms", "zeros", "offset", "buckets"})) return std::nullopt;
  if (const auto values_node = node.member("values")) {
    const auto values = counts(*values_node);
    if (!values) return std::nullopt;
    auto sketch = QuantileSketch::exact_from(*values);
    if (!sketch) values_node->problem("at most " + std::to_string(QuantileSketch::exact_limit) + " exact values");
    return sketch;
  }
  std::array<std::int64_t, 5> parts{};
  constexpr std::array<std::string_view, 5> names{"sum_ms", "min_ms", "max_ms", "zeros", "offset"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto member = node.required(names[i]);
    const auto value = member ? count(*member) : std::nullopt;
    if (!value) return std::nullopt;
    parts[i] = *value;
  }
  const auto buckets_node = node.required("buckets");
  const auto buckets = buckets_node ? counts(*buckets_node) : std::nullopt;
  if (!buckets) return std::nullopt;
  std::optional<QuantileSketch> sketch;
  // Bucket 0 holds 1 ms and bucket 4,400 already lies beyond 2^63 ms.
  if (parts[4] <= 4'400)
    sketch = QuantileSketch::bucketed_from(parts[0], parts[1], parts[2], parts[3], static_cast<std::int32_t>(parts[4]),
                                           *buckets);
  if (!sketch) node.problem("the sketch's parts contradict each other (negative or out-of-range values, "
                            "more than 4096 buckets, or too few values to be bucketed)");
  return sketch;
}

GroupKey read_key(const Node& node, std::size_t dimensions) {
  GroupKey key;
  const auto* list = node.array();
  if (list == nullptr) return key;
  if (list->size() != dimensions) {
    node.problem("expected " + std::to_string(dimensions) + " values, one per group_by dimension");
    return key;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Node part = node.element(i);
    if (part.value().is_null()) key.emplace_back();
    else if (const auto text = part.string()) key.emplace_back(std::string(*text));
  }
  return key;
}

void read_group(const Node& node, KpiState& state) {
  if (!node.object({"key", "counts", "first_response", "resolution", "requester_wait", "agent_work", "on_hold", "sla"}))
    return;
  const auto key_node = node.required("key");
  GroupState g;
  GroupKey key;
  if (key_node) key = read_key(*key_node, state.options.group_by.size());
  std::optional<Node> counts_node = node.required("counts");
  if (counts_node && counts_node->any_object() != nullptr) {
    std::size_t read = 0;
    for (std::size_t i = 0; i < counter_count; ++i)
      if (const auto member = counts_node->required(counter_names[i]))
        if (const auto v = count(*member)) {
          g.counts[i] = *v;
          ++read;
        }
    if (read == counter_count) check_relations(*counts_node, g);
    else counts_node.reset();  // its problems are reported; relations between the rest would mislead
  }
  for (std::size_t i = 0; i < group_sketches.size(); ++i) {
    const std::string_view name = group_sketches[i].name;
    if (const auto member = i < first_optional_sketch ? node.required(name) : node.member(name))
      if (auto s = read_sketch(*member)) {
        QuantileSketch* sketch = &group_sketches[i].make(g);
        *sketch = std::move(*s);
        // Each solved ticket adds its resolution time: that sketch holds one value per resolved.
        if (sketch == &g.resolution && counts_node && sketch->count() != g.counts[resolved])
          member->problem("holds " + std::to_string(sketch->count()) + " values, not one per resolved ticket (" +
                          std::to_string(g.counts[resolved]) + ")");
      }
  }
  if (const auto sla_node = node.member("sla")) {
    if (const auto* object = sla_node->any_object()) {
      const SlaRules& sla = *state.rules->sla;
      g.sla.resize(state.sla_metric_count);
      for (const auto& [k, v] : *object) {
        const std::string_view name(k.data(), k.size());
        const Node entry = sla_node->child(name, v);
        std::size_t id = 0;
        while (id < state.sla_metric_count && sla.metric_name(id) != name) ++id;
        if (id == state.sla_metric_count) {
          entry.problem("the policy has no SLA metric " + quoted(name));
          continue;
        }
        const auto pair = counts(entry);
        if (pair && pair->size() == 2) g.sla[id] = {(*pair)[0], (*pair)[1]};
        else if (pair) entry.problem("expected [achieved, breached]");
      }
    }
  }
  if (!key_node || key.size() != state.options.group_by.size()) return;
  GroupState& target = state.group(key);
  // A key listed twice adds up, as a merge would: checked the same way.
  if (const auto tally = merge_overflow(state, target, g)) {
    node.problem("this group's key came before, and together their " + *tally + " count passes 2^63 - 1");
    return;
  }
  target.merge(g);
}

}  // namespace

std::string state_to_json(const KpiState& state) {
  // Version 2 has no place for them, and a state read back without them would count wrong.
  if (state.compensations)
    throw InputError("the partial state of KPIs counted with compensation records cannot be written; count them "
                     "in one accumulator or merge accumulators in memory");
  JsonWriter w;
  w.begin_object();
  w.key("kpi_state").value(state_version);
  w.key("group_by").begin_array();
  for (const KpiDimension& d : state.options.group_by) w.value(to_string(d));
  w.end_array();
  w.key("time_zone");
  if (state.options.time_zone.empty()) w.null();
  else w.value(state.options.time_zone);
  w.key("not_yet_created").value(state.not_yet_created);
  w.key("groups").begin_array();
  for (const auto& [key, g] : state.sorted()) {
    w.begin_object();
    w.key("key").begin_array();
    for (const auto& part : key) {
      if (part) w.value(*part);
      else w.null();
    }
    w.end_array();
    w.key("counts").begin_object();
    for (std::size_t i = 0; i < counter_count; ++i) w.key(counter_names[i]).value(g->counts[i]);
    w.end_object();
    for (const GroupSketch& sketch : group_sketches) {
      w.key(sketch.name);
      write_sketch(w, sketch.get(*g));
    }
    w.key("sla").begin_object();
    const SlaRules& sla = *state.rules->sla;
    for (std::size_t id = 0; id < g->sla.size(); ++id) {
      if (g->sla[id][0] == 0 && g->sla[id][1] == 0) continue;
      w.key(sla.metric_name(id)).begin_array().value(g->sla[id][0]).value(g->sla[id][1]).end_array();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

void state_from_json(KpiState& state, std::string_view json) {
  Problems problems;
  boost::json::monotonic_resource scratch;
  const LoadLimits limits{std::size_t{1} << 30, 16};
  const auto document = parse_json(json, limits, problems, &scratch);
  if (!document) problems.throw_input("invalid KPI state");
  const Node root(*document, problems);
  if (!root.object({"kpi_state", "group_by", "time_zone", "not_yet_created", "groups"}))
    problems.throw_input("invalid KPI state");
  if (const auto version = root.required("kpi_state")) {
    const auto v = version->integer();
    if (v && *v != state_version) version->problem("this library reads KPI state version " + std::to_string(state_version));
  }
  KpiOptions options;
  if (const auto group_by = root.required("group_by")) options.group_by = read_dimensions(*group_by);
  if (const auto zone = root.member("time_zone"); zone && !zone->value().is_null())
    if (const auto name = zone->string()) options.time_zone = std::string(*name);
  if (!problems.empty()) problems.throw_input("invalid KPI state");
  try {
    state = KpiState(state.rules, std::move(options));
  } catch (const Error& e) {
    root.problem(e.what());
    problems.throw_input("invalid KPI state");
  }
  // Optional: a version 2 state written before the count was kept reads as none left out.
  if (const auto left_out = root.member("not_yet_created"))
    if (const auto n = count(*left_out)) state.not_yet_created = *n;
  if (const auto groups = root.required("groups")) {
    groups->for_each_element([&](const Node& group) { read_group(group, state); });
  }
  if (!problems.empty()) problems.throw_input("invalid KPI state");
}

}  // namespace aftersales::detail
