// The router's state as JSON and back. Loads are not written: they are recounted from the
// assignments, so a snapshot cannot hold a load that disagrees with its tickets.

#include <aftersales/error.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>

#include "detail/text.hpp"
#include "routing/agent_json.hpp"
#include "routing/router_state.hpp"

namespace aftersales::detail {
namespace {

constexpr std::string_view snapshot_format = "aftersales.router";
constexpr std::string_view invalid_snapshot = "invalid router snapshot";

void write_skills(JsonWriter& out, const RoutingSection& routing, std::span<const SkillNeed> needs) {
  out.begin_object();
  for (const SkillNeed& need : needs) out.key_text(routing.skill_names[need.skill]).value(need.level);
  out.end_object();
}

template <class Map>
std::vector<const typename Map::value_type*> sorted(const Map& map) {
  std::vector<const typename Map::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return entries;
}

std::string text_of(const Node& parent, std::string_view key) {
  const auto node = parent.required(key);
  const auto text = node ? node->string() : std::nullopt;
  return text ? std::string(*text) : std::string();
}

std::optional<Instant> optional_instant(const Node& parent, std::string_view key) {
  const auto node = parent.member(key);
  if (!node || node->value().is_null()) return std::nullopt;
  return node->instant();
}

// Each array member of the snapshot, as a node, if the member is an array.
template <class Read>
void each(const Node& root, std::string_view key, Read&& read) {
  if (const auto node = root.required(key)) node->for_each_element(read);
}

}  // namespace

std::string RouterCore::snapshot() const {
  const RoutingSection& r = routing();
  JsonWriter out;
  out.begin_object();
  out.key("format").value(snapshot_format);
  out.key("version").value(1);
  out.key("routing").begin_object().key("fingerprint").value(r.fingerprint).key("queues").begin_array();
  for (const auto& queue : r.queues) out.value(queue.id);
  out.end_array().end_object();

  out.key("agents").begin_array();
  for (const auto& [id, slot] : agent_ids_) {
    const AgentState& agent = agents_[slot];
    out.begin_object();
    write_agent_members(out, agent.spec);
    out.key("last_assigned_at").instant(agent.last_assigned);
    out.key("dirty").boolean(agent.dirty);
    out.end_object();
  }
  out.end_array();

  out.key("assigned").begin_array();
  for (const auto* entry : sorted(assigned_)) {
    const Assignment& a = entry->second;
    out.begin_object().key("ticket").value(entry->first).key("agent").value(agents_[a.agent].spec.id);
    out.key("queue").value(r.queues[a.queue].id).key("channel").value(channels_.name_or(a.channel, ""));
    out.end_object();
  }
  out.end_array();

  out.key("waiting").begin_array();
  for (const auto& [seq, w] : waiting_) {
    out.begin_object();
    out.key("ticket").value(w.ticket).key("customer").value(w.customer).key("channel").value(w.channel);
    out.key("language").value(w.language).key("queue").value(r.queues[w.queue].id);
    out.key("rule").value(w.rule).key("resolver").value(w.resolver);
    out.key("priority").value(to_string(w.priority)).key("due_at").instant(w.due).key("since").instant(w.since);
    out.key("skills");
    write_skills(out, r, w.skills);
    out.key("preferred_skills");
    write_skills(out, r, w.preferred);
    out.key("relax_at").instant(w.relax_at).key("overflow_stage").value(static_cast<std::int64_t>(w.stages));
    out.key("notes").begin_array();
    for (const auto& note : w.notes) out.value(note);
    out.end_array().end_object();
  }
  out.end_array();

  out.key("cursors").begin_array();
  for (std::size_t q = 0; q < cursors_.size(); ++q)
    if (!cursors_[q].agent.empty())
      out.begin_object().key("queue").value(r.queues[q].id).key("agent").value(cursors_[q].agent).end_object();
  out.end_array();

  out.key("sticky").begin_array();
  for (const auto* entry : sorted(sticky_))
    out.begin_object().key("customer").value(entry->first).key("agent").value(entry->second).end_object();
  out.end_array();
  out.end_object();
  return out.take();
}

namespace {

// Every queue the snapshot names, so that a policy that dropped some is refused naming them all.
std::set<std::string, std::less<>> queues_named(const boost::json::value& document) {
  std::set<std::string, std::less<>> names;
  const auto* root = document.if_object();
  if (root == nullptr) return names;
  const auto add = [&](const boost::json::value& v) {
    if (const auto* s = v.if_string()) names.emplace(s->data(), s->size());
  };
  for (const std::string_view key : {"agents", "assigned", "waiting", "cursors"}) {
    const auto* list = root->if_contains(key) ? root->at(key).if_array() : nullptr;
    if (list == nullptr) continue;
    for (const auto& entry : *list) {
      const auto* object = entry.if_object();
      if (object == nullptr) continue;
      if (const auto* queue = object->if_contains("queue")) add(*queue);
      if (const auto* queues = object->if_contains("queues"); queues != nullptr && queues->is_array())
        for (const auto& q : queues->get_array()) add(q);
    }
  }
  return names;
}

}  // namespace

void RouterCore::restore(std::string_view text) {
  Problems problems;
  boost::json::monotonic_resource scratch;
  const auto document = parse_input(text, invalid_snapshot, problems, &scratch);
  const Node root(document, problems);
  if (!root.object({"format", "version", "routing", "agents", "assigned", "waiting", "cursors", "sticky"}))
    problems.throw_input(invalid_snapshot);
  if (const auto format = root.required("format"); format && format->string() != snapshot_format)
    format->problem("expected \"aftersales.router\"");
  if (const auto version = root.required("version"); version && version->integer() != 1)
    version->problem("this library reads router snapshots of version 1");
  if (!problems.empty()) problems.throw_input(invalid_snapshot);

  std::string missing;
  for (const auto& name : queues_named(document))
    if (!routing().queue_index(name)) missing += (missing.empty() ? "" : ", ") + detail::quoted(name);
  if (!missing.empty())
    throw InputError("the router snapshot refers to queues the policy no longer has: " + missing +
                     " (the policy's queues: " + routing().queue_list() + ")");

  const auto queue_of = [&](const Node& parent) -> std::uint32_t {
    return routing().queue_index(text_of(parent, "queue")).value_or(0);
  };
  const auto agent_slot = [&](const Node& parent) -> std::optional<std::uint32_t> {
    const auto node = parent.required("agent");
    const auto id = node ? node->string() : std::nullopt;
    if (!id) return std::nullopt;
    const auto it = agent_ids_.find(*id);
    if (it != agent_ids_.end()) return it->second;
    node->problem("no agent " + detail::quoted(*id) + " in the snapshot's \"agents\"");
    return std::nullopt;
  };

  each(root, "agents", [&](const Node& node) {
    auto agent = read_agent(node, {"last_assigned_at", "dirty"});
    if (!agent) return;
    if (agent_ids_.contains(agent->id)) {
      node.problem("agent " + detail::quoted(agent->id) + " is listed twice");
      return;
    }
    upsert(*agent);
    AgentState& state = agents_[agent_ids_.at(agent->id)];
    set_last_assigned(agent_ids_.at(agent->id), optional_instant(node, "last_assigned_at"));
    const auto dirty = node.member("dirty");
    if (!(dirty && dirty->boolean().value_or(false))) {
      state.dirty = false;
      dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), agent_ids_.at(agent->id)), dirty_.end());
    }
  });
  if (!problems.empty()) problems.throw_input(invalid_snapshot);

  each(root, "assigned", [&](const Node& node) {
    if (!node.object({"ticket", "agent", "queue", "channel"})) return;
    const std::string ticket = text_of(node, "ticket");
    const auto slot = agent_slot(node);
    if (!slot || ticket.empty()) return;
    if (assigned_.contains(ticket)) {
      node.problem("ticket " + detail::quoted(ticket) + " is assigned twice");
      return;
    }
    const std::uint32_t channel = intern_channel(text_of(node, "channel"));
    change_load(*slot, channel, 1);
    hold(*slot, ticket, Assignment{*slot, queue_of(node), channel});
  });

  const auto read_needs = [&](const Node& parent, std::string_view key) {
    std::vector<SkillNeed> needs;
    const auto node = parent.required(key);
    const auto* object = node ? node->any_object() : nullptr;
    if (object == nullptr) return needs;
    for (const auto& [name, value] : *object) {
      const Node entry = node->child(std::string_view(name.data(), name.size()), value);
      const auto skill = routing().skill_index(std::string_view(name.data(), name.size()));
      const auto level = entry.integer();
      if (!skill) entry.problem("no skill " + detail::quoted(std::string_view(name.data(), name.size())) +
                                " in the policy's routing section any more");
      else if (level) needs.push_back({*skill, static_cast<int>(*level)});
    }
    return needs;
  };

  each(root, "waiting", [&](const Node& node) {
    if (!node.object({"ticket", "customer", "channel", "language", "rule", "resolver", "queue", "priority", "due_at",
                      "since", "skills", "preferred_skills", "relax_at", "overflow_stage", "notes"}))
      return;
    Waiting w;
    w.ticket = text_of(node, "ticket");
    if (w.ticket.empty() || waiting_ids_.contains(w.ticket) || assigned_.contains(w.ticket)) {
      node.problem("ticket " + detail::quoted(w.ticket) + " is missing an id, or is listed twice");
      return;
    }
    w.customer = text_of(node, "customer");
    w.channel = text_of(node, "channel");
    w.language = text_of(node, "language");
    w.rule = text_of(node, "rule");
    w.resolver = text_of(node, "resolver");
    w.queue = queue_of(node);
    const std::string priority = text_of(node, "priority");
    const auto p = priority_named(priority);
    if (!p) node.problem("priority " + detail::quoted(priority) + " is not low, normal, high or urgent");
    w.due = optional_instant(node, "due_at");
    const auto since = optional_instant(node, "since");
    w.skills = read_needs(node, "skills");
    w.preferred = read_needs(node, "preferred_skills");
    w.relax_at = optional_instant(node, "relax_at");
    const auto stage_node = node.required("overflow_stage");
    const auto stage = stage_node ? stage_node->integer() : std::nullopt;
    // A stage beyond the queue's overflow chain would name no queue.
    const auto deepest = static_cast<std::int64_t>(routing().queues.size());
    const std::int64_t depth = stage.value_or(0);
    if (depth < 0 || depth >= deepest || reachable_queue(w.queue, static_cast<std::uint32_t>(depth)) == no_queue) {
      stage_node->problem("queue " + detail::quoted(routing().queues[w.queue].id) + " has no overflow " +
                          std::to_string(depth) + " deep");
      return;
    }
    if (const auto notes = node.member("notes"))
      notes->for_each_element([&](const Node& note) {
        if (const auto written = note.string()) w.notes.emplace_back(*written);
      });
    if (!p || !since || !stage) return;
    w.priority = *p;
    w.since = *since;
    w.stages = static_cast<std::uint32_t>(depth);
    enqueue(std::move(w));
  });

  each(root, "cursors", [&](const Node& node) {
    if (!node.object({"queue", "agent"})) return;
    cursors_[queue_of(node)].agent = text_of(node, "agent");
  });
  each(root, "sticky", [&](const Node& node) {
    if (!node.object({"customer", "agent"})) return;
    if (const auto slot = agent_slot(node)) sticky_.insert_or_assign(text_of(node, "customer"), agents_[*slot].spec.id);
  });
  if (!problems.empty()) problems.throw_input(invalid_snapshot);
}

}  // namespace aftersales::detail
