#include <aftersales/error.hpp>
#include <aftersales/routing.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <array>
#include <set>

#include "text/text.hpp"
#include "routing/agent_json.hpp"

namespace aftersales {
namespace {

constexpr std::array<std::string_view, 3> status_names{"online", "away", "offline"};

std::string not_an_agent_status(std::string_view name) {
  return detail::quoted(name) + " is not an agent status (" + detail::listed(status_names) + ")";
}

// Agents files hold thousands of agents; a policy's limits fit them.
constexpr LoadLimits agent_limits{16u << 20, 32};

// `{"returns": 3}` → sorted (name, count) pairs, each a whole number ≥ 0.
std::vector<std::pair<std::string, int>> read_counts(const detail::Node& node, std::string_view what,
                                                     std::int64_t most) {
  std::vector<std::pair<std::string, int>> counts;
  const auto* object = node.any_object();
  if (object == nullptr) return counts;
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    const detail::Node entry = node.child(name, value);
    const auto count = entry.integer();
    if (!count) continue;
    if (auto problem = detail::count_problem(what, most, *count); !problem.empty()) {
      entry.problem(std::move(problem));
      continue;
    }
    counts.emplace_back(std::string(name), static_cast<int>(*count));
  }
  std::sort(counts.begin(), counts.end());
  return counts;
}

std::vector<std::string> read_names(const detail::Node& node) {
  std::vector<std::string> names;
  node.for_each_element([&](const detail::Node& entry) {
    const auto name = entry.string();
    if (!name) return;
    if (std::find(names.begin(), names.end(), *name) != names.end()) entry.problem(detail::quoted(*name) + " is listed twice");
    else names.emplace_back(*name);
  });
  return names;
}

}  // namespace

std::string_view to_string(AgentStatus status) noexcept { return status_names[static_cast<std::size_t>(status)]; }

AgentStatus agent_status(std::string_view name) {
  if (const auto index = detail::index_of(status_names, name)) return static_cast<AgentStatus>(*index);
  throw InputError(not_an_agent_status(name), "status");
}

namespace detail {

std::string count_problem(std::string_view what, std::int64_t most, std::int64_t value) {
  if (value >= 0 && value <= most) return {};
  return std::string(what) + " must be a whole number from 0 to " + std::to_string(most) + ", not " + std::to_string(value);
}

std::optional<Agent> read_agent(const Node& node, std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> allowed{"id", "queues", "skills", "languages", "capacity", "units", "status"};
  allowed.insert(allowed.end(), extra.begin(), extra.end());
  const auto* object = node.any_object();
  if (object == nullptr) return std::nullopt;
  const std::size_t before = node.problems().size();
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      node.child(name, value).problem("unknown key " + quoted(name) +
                                      " (an agent has id, queues, skills, languages, capacity, units, status)");
  }
  Agent agent;
  if (const auto id = node.required("id")) {
    const auto text = id->string();
    if (text && text->empty()) id->problem("an agent id must not be empty");
    else if (text) agent.id = std::string(*text);
  }
  if (const auto queues = node.member("queues")) agent.queues = read_names(*queues);
  if (const auto skills = node.member("skills")) agent.skills = read_counts(*skills, "a skill level", max_skill_level);
  if (const auto languages = node.member("languages")) agent.languages = read_names(*languages);
  if (const auto capacity = node.required("capacity")) agent.capacity = read_counts(*capacity, "a capacity", max_capacity);
  if (const auto units = node.member("units")) {
    if (const auto count = units->integer()) {
      if (auto problem = count_problem("an agent's units", max_capacity, *count); !problem.empty()) units->problem(std::move(problem));
      else agent.units = static_cast<int>(*count);
    }
  }
  if (const auto status = node.member("status")) {
    if (const auto text = status->string()) {
      if (const auto index = index_of(status_names, *text)) agent.status = static_cast<AgentStatus>(*index);
      else status->problem(not_an_agent_status(*text));
    }
  }
  if (node.problems().size() != before) return std::nullopt;
  return agent;
}

void write_agent_members(JsonWriter& out, const Agent& agent) {
  out.key("id").value(agent.id);
  out.key("queues").begin_array();
  for (const auto& queue : agent.queues) out.value(queue);
  out.end_array();
  out.key("skills").begin_object();
  for (const auto& [name, level] : agent.skills) out.key_text(name).value(level);
  out.end_object();
  out.key("languages").begin_array();
  for (const auto& language : agent.languages) out.value(language);
  out.end_array();
  out.key("capacity").begin_object();
  for (const auto& [channel, count] : agent.capacity) out.key_text(channel).value(count);
  out.end_object();
  if (agent.units) out.key("units").value(*agent.units);
  out.key("status").value(to_string(agent.status));
}

boost::json::value parse_input(std::string_view json, std::string_view title, Problems& problems,
                               boost::json::storage_ptr storage) {
  auto document = parse_json(json, agent_limits, problems, std::move(storage));
  if (!document || !problems.empty()) problems.throw_input(title);
  return std::move(*document);
}

void write_decision(JsonWriter& out, const RoutingDecision& decision) {
  out.begin_object();
  out.key("ticket").value(decision.ticket);
  out.key("queue").value(decision.queue);
  out.key("rule");
  if (decision.rule) out.value(*decision.rule);
  else out.null();
  out.key("agent");
  if (decision.agent) out.value(*decision.agent);
  else out.null();
  out.key("bot").boolean(decision.bot);
  out.key("priority").value(to_string(decision.priority));
  out.key("waiting").boolean(decision.waiting);
  out.key("reasons").begin_array();
  for (const auto& reason : decision.reasons) out.value(reason);
  out.end_array();
  if (decision.offer_expires_at) out.key("offer_expires_at").instant(*decision.offer_expires_at);
  out.end_object();
}

}  // namespace detail

Agent Agent::from_json(std::string_view json) {
  detail::Problems problems;
  boost::json::monotonic_resource scratch;
  const auto document = detail::parse_input(json, "invalid agent", problems, &scratch);
  const detail::Node root(document, problems);
  auto agent = detail::read_agent(root);
  if (!agent) problems.throw_input("invalid agent");
  return std::move(*agent);
}

std::vector<Agent> Agent::list_from_json(std::string_view json) {
  detail::Problems problems;
  boost::json::monotonic_resource scratch;
  const auto document = detail::parse_input(json, "invalid agents", problems, &scratch);
  const detail::Node root(document, problems);
  std::optional<detail::Node> list = root;
  if (document.is_object()) {
    if (root.object({"agents"})) list = root.required("agents");
    else list.reset();
  }
  std::vector<Agent> agents;
  std::set<std::string, std::less<>> ids;
  const auto read = [&](const detail::Node& entry) {
    auto agent = detail::read_agent(entry);
    if (!agent) return;
    if (!ids.insert(agent->id).second) {
      entry.required("id")->problem("agent " + detail::quoted(agent->id) + " is listed twice");
      return;
    }
    agents.push_back(std::move(*agent));
  };
  if (!list || !list->for_each_element(read) || !problems.empty()) problems.throw_input("invalid agents");
  return agents;
}

std::string Agent::to_json() const {
  detail::JsonWriter out;
  out.begin_object();
  detail::write_agent_members(out, *this);
  out.end_object();
  return out.take();
}

std::string RoutingDecision::to_json() const {
  detail::JsonWriter out;
  detail::write_decision(out, *this);
  return out.take();
}

}  // namespace aftersales
