// The router's state as text and back.
//
// Version 3, the one written, is JSON Lines (version 2, still read, is the same but for two
// members a waiting ticket gained): a header line, then one small record a line — agents (by id), assignments (by ticket), waiting tickets (by arrival), round-robin cursors (by
// queue) and sticky customers (by customer) — and an end line with the count of each, so that a
// snapshot cut short is refused rather than restored without its tail. Restore reads one line at
// a time, so its memory is the router it builds, not a tree of the whole text. Version 1, one
// JSON document, is still read (hosts have them stored), within the limit of any input document.
//
// Loads are not written: they are recounted from the assignments, so a snapshot cannot hold a
// load that disagrees with its tickets. Restore accepts every state the router can reach (an
// agent over a capacity lowered below its load, a cursor or a waiting ticket's resolver naming
// an agent who left) and refuses what it can never reach (empty ids, a ticket listed twice or
// both assigned and waiting, levels beyond 100, records out of order), naming each problem with
// its path, and its line in version 2.

#include <aftersales/error.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>

#include "text/text.hpp"
#include "routing/agent_json.hpp"
#include "routing/router_state.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {
namespace {

constexpr std::string_view snapshot_format = "aftersales.router";
constexpr std::string_view invalid_snapshot = "invalid router snapshot";
// Version 3 adds an agent's optional "units" and a waiting ticket's ladder step and aging;
// version 4, written only for a policy with offers (others keep writing version 3, byte for
// byte), adds a waiting ticket's bars, its offer (an offered ticket is listed with the waiting
// ones, under its arrival, and its assignment with the others) and its return from an offer.
constexpr std::int64_t written_version = 3;
constexpr std::int64_t offers_version = 4;
// A list of problems a person can read; past it, reading stops.
constexpr std::size_t most_problems = 100;
// One line of version 2 is one record: the limit of any input document is plenty.
constexpr LoadLimits line_limits{16u << 20, 32};

// The record kinds of version 2, in the order their lines come, and the members of each: the
// keys of a version 1 object, the positions of a version 2 array.
enum Kind : std::size_t { agent_kind, assigned_kind, waiting_kind, cursor_kind, sticky_kind, end_kind };
constexpr std::array<std::string_view, 6> kinds{"agent", "assigned", "waiting", "cursor", "sticky", "end"};
constexpr std::array<std::string_view, 5> counted{"agents", "assigned", "waiting", "cursors", "sticky"};
constexpr std::array<std::string_view, 4> assigned_fields{"ticket", "agent", "queue", "channel"};
constexpr std::array<std::string_view, 15> waiting_fields{
    "ticket", "customer", "channel",  "language", "queue",           "rule",           "resolver", "priority",
    "due_at", "since",    "skills",   "preferred_skills", "relax_at", "overflow_stage", "notes"};
// Version 3 adds the ladder steps taken and the levels aging raised.
constexpr std::array<std::string_view, 17> waiting_fields_v3{
    "ticket", "customer", "channel",  "language", "queue",          "rule",           "resolver", "priority", "due_at",
    "since",  "skills",   "preferred_skills", "relax_at", "overflow_stage", "notes", "ladder_step", "aged"};
constexpr std::array<std::string_view, 20> waiting_fields_v4{
    "ticket", "customer", "channel",  "language", "queue",          "rule",  "resolver",    "priority", "due_at", "since",
    "skills", "preferred_skills", "relax_at", "overflow_stage", "notes", "ladder_step", "aged", "bars", "offer", "returned"};
constexpr std::array<std::string_view, 2> cursor_fields{"queue", "agent"};
constexpr std::array<std::string_view, 2> sticky_fields{"customer", "agent"};

template <std::size_t K>
using Fields = std::array<Node, K>;

template <std::size_t K>
std::string listed(const std::array<std::string_view, K>& names) {
  std::string text;
  for (const std::string_view name : names) text.append(text.empty() ? "" : ", ").append(name);
  return text;
}

// The members of a record, each as a node named by its field: from an object with exactly these
// keys (version 1) or an array of exactly these values (version 2).
template <std::size_t K>
std::optional<Fields<K>> fields_of(const Node& node, const std::array<std::string_view, K>& names, bool compact) {
  std::array<std::optional<Node>, K> found;
  if (compact) {
    const auto* values = node.array();
    if (values == nullptr) return std::nullopt;
    if (values->size() != K) {
      node.problem("expected " + std::to_string(K) + " values (" + listed(names) + "), found " +
                   std::to_string(values->size()));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < K; ++i) found[i] = node.child(names[i], (*values)[i]);
  } else {
    auto members = node.members(names);
    if (!members) return std::nullopt;
    found = *members;
    bool complete = true;
    for (std::size_t i = 0; i < K; ++i)
      if (!found[i]) {
        (void)node.required(names[i]);  // records it missing
        complete = false;
      }
    if (!complete) return std::nullopt;
  }
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return Fields<K>{*found[I]...}; }(std::make_index_sequence<K>{});
}

void write_instant(JsonWriter& out, const std::optional<Instant>& at) {
  if (at) out.value(static_cast<std::int64_t>(at->time_since_epoch().count()));
  else out.null();
}

void write_skills(JsonWriter& out, const RoutingRules& routing, std::span<const SkillNeed> needs) {
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

// The agent's members as they read back: skills and capacities by name (a host may give them in
// any order; reading sorts them).
void write_agent(JsonWriter& out, const Agent& agent) {
  if (std::is_sorted(agent.skills.begin(), agent.skills.end()) && std::is_sorted(agent.capacity.begin(), agent.capacity.end())) {
    write_agent_members(out, agent);
    return;
  }
  Agent sorted = agent;
  std::sort(sorted.skills.begin(), sorted.skills.end());
  std::sort(sorted.capacity.begin(), sorted.capacity.end());
  write_agent_members(out, sorted);
}

// A null or an instant.
std::optional<std::optional<Instant>> optional_instant(const Node& node) {
  if (node.value().is_null()) return std::optional<Instant>();
  if (const auto at = node.instant()) return std::optional<Instant>(*at);
  return std::nullopt;
}

// One line of a text and its number, counting every line from 1.
struct Line {
  std::size_t number = 0;
  std::string_view text;
};

// The non-blank lines of a text, one at a time.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  std::optional<Line> next() {
    while (pos_ < text_.size()) {
      const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
      const Line line{++number_, text_.substr(pos_, end - pos_)};
      pos_ = end + 1;
      if (line.text.find_first_not_of(" \t\r") != std::string_view::npos) return line;
    }
    return std::nullopt;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

std::optional<std::int64_t> version_of(const boost::json::value& document) {
  const auto* root = document.if_object();
  const auto* version = root != nullptr ? root->if_contains("version") : nullptr;
  if (version != nullptr && version->is_int64()) return version->get_int64();
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writing (version 3)

std::string RouterCore::snapshot() const {
  const RoutingRules& r = routing();
  JsonWriter out;
  const bool offers = r.offers.has_value();
  out.begin_object().key("format").value(snapshot_format).key("version").value(offers ? offers_version : written_version);
  out.key("routing").begin_object().key("fingerprint").value(r.fingerprint).key("queues").begin_array();
  for (const auto& queue : r.queues) out.value(queue.id);
  out.end_array().end_object().end_object().newline();

  for (const auto& [id, slot] : agent_ids_) {
    const AgentState& agent = agents_[slot];
    out.begin_object().key("agent").begin_object();
    write_agent(out, agent.spec);
    out.key("last_assigned_at");
    write_instant(out, agent.last_assigned);
    out.key("dirty").boolean(agent.dirty);
    out.end_object().end_object().newline();
  }

  for (const auto* entry : sorted(assigned_)) {
    const Assignment& a = entry->second;
    out.begin_object().key("assigned").begin_array().value(entry->first).value(agents_[a.agent].spec.id);
    out.value(r.queues[a.queue].id).value(channels_.name_or(a.channel, "")).end_array().end_object().newline();
  }

  // Waiting and offered tickets, merged by arrival.
  const auto write_waiting = [&](const Waiting& w, const Offer* offer) {
    out.begin_object().key("waiting").begin_array();
    out.value(w.ticket).value(w.customer).value(w.channel).value(w.language).value(r.queues[w.queue].id);
    out.value(w.rule).value(w.resolver).value(to_string(w.priority));
    write_instant(out, w.due);
    write_instant(out, w.since);
    write_skills(out, r, w.skills);
    write_skills(out, r, w.preferred);
    write_instant(out, w.relax_at);
    out.value(static_cast<std::int64_t>(w.stages)).begin_array();
    for (const auto& note : w.notes) out.value(note);
    out.end_array().value(static_cast<std::int64_t>(w.step)).value(static_cast<std::int64_t>(w.aged));
    if (offers) {
      out.begin_array();
      for (const Bar& bar : w.bars) out.begin_array().value(bar.agent).value(static_cast<std::int64_t>(bar.until.time_since_epoch().count())).end_array();
      out.end_array();
      if (offer != nullptr) {
        out.begin_array().value(agents_[offer->agent].spec.id);
        out.value(static_cast<std::int64_t>(offer->expires.time_since_epoch().count())).end_array();
      } else {
        out.null();
      }
      out.boolean(w.returned);
    }
    out.end_array().end_object().newline();
  };
  auto offer = offers_.begin();
  for (const auto& [seq, w] : waiting_) {
    for (; offer != offers_.end() && offer->first < seq; ++offer) write_waiting(offer->second.waiting, &offer->second);
    write_waiting(w, nullptr);
  }
  for (; offer != offers_.end(); ++offer) write_waiting(offer->second.waiting, &offer->second);

  std::int64_t cursor_count = 0;
  for (std::size_t q = 0; q < cursors_.size(); ++q)
    if (!cursors_[q].agent.empty()) {
      out.begin_object().key("cursor").begin_array().value(r.queues[q].id).value(cursors_[q].agent).end_array().end_object();
      out.newline();
      ++cursor_count;
    }

  for (const auto* entry : sorted(sticky_))
    out.begin_object().key("sticky").begin_array().value(entry->first).value(entry->second).end_array().end_object().newline();

  const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
  out.begin_object().key("end").begin_object();
  out.key("agents").value(count(agent_ids_.size())).key("assigned").value(count(assigned_.size()));
  out.key("waiting").value(count(waiting_.size() + offers_.size())).key("cursors").value(cursor_count).key("sticky").value(count(sticky_.size()));
  out.end_object().end_object().newline();
  return out.take();
}

// ---------------------------------------------------------------------------------------------
// Reading (both versions): one record at a time into an empty router

class SnapshotReader {
 public:
  SnapshotReader(RouterCore& core, Problems& problems, int version)
      : core_(core), problems_(problems), compact_(version >= 2), version_(version) {}

  void read(Kind kind, const Node& node) {
    if (problems_.size() >= most_problems) stop();
    ++counts_[kind];
    switch (kind) {
      case agent_kind: return agent(node);
      case assigned_kind: return read_fields(node, assigned_fields, &SnapshotReader::assignment);
      case waiting_kind:
        if (version_ >= 4) return read_fields(node, waiting_fields_v4, &SnapshotReader::waiting_v4);
        if (version_ >= 3) return read_fields(node, waiting_fields_v3, &SnapshotReader::waiting_v3);
        return read_fields(node, waiting_fields, &SnapshotReader::waiting_v2);
      case cursor_kind: return read_fields(node, cursor_fields, &SnapshotReader::cursor);
      case sticky_kind: return read_fields(node, sticky_fields, &SnapshotReader::sticky);
      case end_kind: return end(node);
    }
  }

  /// The end line (version 2) checks the records read against the counts written.
  void end(const Node& node) {
    const auto fields = node.members(counted);
    if (!fields) return;
    for (std::size_t k = 0; k < counted.size(); ++k) {
      const auto& field = (*fields)[k];
      if (!field) {
        (void)node.required(counted[k]);  // records it missing
        continue;
      }
      const auto written = field->integer();
      if (written && *written != static_cast<std::int64_t>(counts_[k]))
        field->problem("the snapshot was written with " + std::to_string(*written) + " " + std::string(kinds[k]) +
                       " lines, but has " + std::to_string(counts_[k]));
    }
    ended_ = true;
  }

  [[nodiscard]] bool ended() const noexcept { return ended_; }

  /// Throws what was found, once every record is read.
  void finish() {
    // The changed-since-dispatch list, from each agent's mark as written (upsert marks only
    // online agents, but an agent freed and then gone away is marked too).
    core_.dirty_.clear();
    for (const auto& [id, slot] : core_.agent_ids_)
      if (core_.agents_[slot].dirty) core_.dirty_.push_back(slot);
    if (!missing_.empty() || !problems_.empty()) stop();
  }

  /// Throws with what was found so far.
  [[noreturn]] void stop() {
    if (!missing_.empty()) {
      std::string names;
      for (const auto& name : missing_) names += (names.empty() ? "" : ", ") + detail::quoted(name);
      throw InputError("the router snapshot refers to queues the policy no longer has: " + names +
                       " (the policy's queues: " + routing().queue_list() + ")");
    }
    if (problems_.size() >= most_problems) problems_.add("", "reading stopped after " + std::to_string(most_problems) + " problems");
    problems_.throw_input(invalid_snapshot);
  }

 private:
  [[nodiscard]] const RoutingRules& routing() const noexcept { return core_.routing(); }

  template <std::size_t K>
  void read_fields(const Node& node, const std::array<std::string_view, K>& names, void (SnapshotReader::*take)(const Fields<K>&)) {
    if (const auto fields = fields_of(node, names, compact_)) (this->*take)(*fields);
  }

  // Text, recording a problem when it must not be empty.
  static std::optional<std::string_view> text(const Node& node, std::string_view what = {}) {
    const auto value = node.string();
    if (value && value->empty() && !what.empty()) {
      node.problem(std::string(what) + " must not be empty");
      return std::nullopt;
    }
    return value;
  }

  // A queue of the policy; one it no longer has is reported with the others, all at once.
  std::optional<std::uint32_t> queue(const Node& node) {
    const auto name = text(node);
    if (!name) return std::nullopt;
    if (const auto q = routing().queue_index(*name)) return *q;
    missing_.emplace(*name);
    return std::nullopt;
  }

  std::optional<std::uint32_t> agent_slot(const Node& node) {
    const auto id = text(node, "an agent id");
    if (!id) return std::nullopt;
    if (const auto it = core_.agent_ids_.find(*id); it != core_.agent_ids_.end()) return it->second;
    node.problem("no agent " + detail::quoted(*id) + " among the snapshot's agents");
    return std::nullopt;
  }

  // Records of a kind come in strictly ascending order of their key: equal states give equal
  // text, and a key listed twice is refused. `shown` false keeps the key out of the message.
  bool in_order(Kind kind, std::string_view key, const Node& node, std::string_view what, bool shown = true) {
    std::optional<std::string>& last = last_[kind];
    if (last && key <= *last) {
      const std::string named = std::string(what) + (shown ? " " + detail::quoted(key) : std::string());
      node.problem(key == *last ? named + " is listed twice" : named + " is out of order: the records are sorted by it");
      return false;
    }
    last = std::string(key);
    return true;
  }

  void agent(const Node& node) {
    auto spec = read_agent(node, {"last_assigned_at", "dirty"});
    const auto last = node.required("last_assigned_at");
    const auto at = last ? optional_instant(*last) : std::nullopt;
    const auto dirty_node = node.required("dirty");
    const auto dirty = dirty_node ? dirty_node->boolean() : std::nullopt;
    if (!spec || !at || !dirty) return;
    bool known = true;
    for (const auto& name : spec->queues)
      if (!routing().queue_index(name)) {
        missing_.emplace(name);
        known = false;
      }
    if (!known || !in_order(agent_kind, spec->id, *node.required("id"), "agent")) return;
    core_.upsert(*spec);
    const std::uint32_t slot = core_.agent_ids_.at(spec->id);
    core_.set_last_assigned(slot, *at);
    core_.agents_[slot].dirty = *dirty;
  }

  void assignment(const Fields<4>& f) {
    const auto ticket = text(f[0], "a ticket id");
    const auto slot = agent_slot(f[1]);
    const auto q = queue(f[2]);
    const auto channel = text(f[3]);
    if (!ticket || !slot || !q || !channel || !in_order(assigned_kind, *ticket, f[0], "ticket")) return;
    // Over capacity is accepted: lowering an agent's capacity leaves it holding what it holds.
    const std::uint32_t c = core_.intern_channel(*channel);
    core_.change_load(*slot, c, 1);
    AgentState& agent = core_.agents_[*slot];
    agent.lowered = agent.lowered || agent.load_on(c) > agent.capacity_on(c) || (agent.units >= 0 && agent.units_used > agent.units);
    // Through hold(): the agent's own list of what it holds is what remove_agent frees.
    core_.hold(*slot, *ticket, Assignment{*slot, *q, c});
  }

  std::optional<std::vector<SkillNeed>> needs(const Node& node) {
    const auto* object = node.any_object();
    if (object == nullptr) return std::nullopt;
    std::vector<SkillNeed> result;
    bool good = true;
    node.for_each_member([&](std::string_view name, const Node& entry) {
      const auto skill = routing().skill_index(name);
      const auto level = entry.integer();
      auto problem = level ? count_problem("a skill level", max_skill_level, *level) : std::string();
      if (!skill) problem = "no skill " + detail::quoted(name) + " in the policy's routing section any more";
      if (skill && level && problem.empty()) {
        result.push_back({*skill, static_cast<int>(*level)});
        return;
      }
      if (!problem.empty()) entry.problem(std::move(problem));
      good = false;
    });
    if (!good) return std::nullopt;
    return result;
  }

  void waiting_v2(const Fields<15>& f) { waiting(f); }
  void waiting_v3(const Fields<17>& f) { waiting(f); }
  void waiting_v4(const Fields<20>& f) { waiting(f); }

  // Versions 1 and 2 have the first 15 fields: no ladder step taken, no aging.
  void waiting(std::span<const Node> f) {
    Waiting w;
    const auto ticket = text(f[0], "a ticket id");
    const bool offered = f.size() > waiting_fields_v3.size() && !f[18].value().is_null();
    if (ticket && (core_.waiting_ids_.contains(*ticket) || (!offered && core_.assigned_.contains(*ticket)))) {
      f[0].problem("ticket " + detail::quoted(*ticket) +
                   (core_.assigned_.contains(*ticket) ? " is assigned and waiting at once" : " is listed twice"));
      return;
    }
    const auto customer = text(f[1]), channel = text(f[2]), language = text(f[3]);
    const auto q = queue(f[4]);
    const auto rule = text(f[5]), resolver = text(f[6]), priority_name = text(f[7]);
    const auto priority = priority_name ? priority_named(*priority_name) : std::nullopt;
    if (priority_name && !priority) f[7].problem(detail::quoted(*priority_name) + " is not " + listed(priority_names, " or "));
    const auto due = optional_instant(f[8]);
    const auto since = f[9].instant();
    auto skills = needs(f[10]);
    auto preferred = needs(f[11]);
    const auto relax_at = optional_instant(f[12]);
    const auto stage = f[13].integer();
    bool bad_note = false;
    const bool notes_read = f[14].for_each_element([&](const Node& note) {
      if (const auto written = note.string()) w.notes.emplace_back(*written);
      else bad_note = true;
    }) && !bad_note;
    if (!ticket || !customer || !channel || !language || !q || !rule || !resolver || !priority || !due || !since ||
        !skills || !preferred || !relax_at || !stage || !notes_read)
      return;
    // Preferred skills and the instant they are dropped come and go together.
    if (preferred->empty() == relax_at->has_value()) {
      f[12].problem(preferred->empty() ? "set, though the ticket has no preferred skills left to drop"
                                       : "missing: the ticket's preferred skills are dropped at an instant");
      return;
    }
    // A stage beyond the queue's overflow chain would name no queue.
    if (*stage < 0 || *stage >= static_cast<std::int64_t>(routing().queues.size()) ||
        core_.reachable_queue(*q, static_cast<std::uint32_t>(*stage)) == no_queue) {
      f[13].problem("queue " + detail::quoted(routing().queues[*q].id) + " has no overflow " + std::to_string(*stage) + " deep");
      return;
    }
    w.ticket = *ticket;
    w.customer = *customer;
    w.channel = *channel;
    w.language = *language;
    w.rule = *rule;
    w.resolver = *resolver;  // the agent may have left: the ticket then goes to whoever the strategy picks
    w.queue = *q;
    w.priority = *priority;
    w.due = *due;
    w.since = *since;
    w.skills = std::move(*skills);
    w.preferred = std::move(*preferred);
    w.relax_at = *relax_at;
    w.stages = static_cast<std::uint32_t>(*stage);
    // Tickets of older versions start the ladder their rule now has.
    if (const RoutingRule* own = routing().rule(w.rule); own != nullptr && !own->steps.empty()) w.ladder = own;
    if (f.size() > waiting_fields.size() && !ladder_and_aging(f, w)) return;
    w.seq = core_.next_seq_++;
    if (f.size() > waiting_fields_v3.size() && !offer_fields(f, w)) return;
    if (!offered) {
      if (w.returned) core_.returned_.push_back(w.seq);
      core_.enqueue(std::move(w));
    }
  }

  // Version 4: the bars on the ticket, its offer (filed here) and its return from one.
  bool offer_fields(std::span<const Node> f, Waiting& w) {
    bool good = f[17].for_each_element([&](const Node& bar) {
      const auto* pair = bar.array();
      const auto agent = pair != nullptr && pair->size() == 2 ? text(bar.element(0), "an agent id") : std::nullopt;
      const auto until = agent ? bar.element(1).instant() : std::nullopt;
      if (pair != nullptr && pair->size() != 2) bar.problem("expected [agent, until]");
      if (until) w.bars.push_back({std::string(*agent), *until});
      else good = false;
    });
    const auto returned = f[19].boolean();
    if (!good || !returned) return false;
    w.returned = *returned;
    if (f[18].value().is_null()) return true;
    if (!core_.routing().offers) {
      f[18].problem("an offer, though the policy's routing section has no offers");
      return false;
    }
    const auto* pair = f[18].array();
    if (pair == nullptr) return false;
    if (pair->size() != 2) {
      f[18].problem("expected [agent, expires_at]");
      return false;
    }
    const std::optional<std::uint32_t> found = agent_slot(f[18].element(0));
    const auto expires = f[18].element(1).instant();
    if (!found || !expires) return false;
    const std::uint32_t slot = *found;
    const auto it = core_.assigned_.find(w.ticket);
    if (it == core_.assigned_.end() || it->second.agent != slot || it->second.offer != no_offer || !core_.agents_[slot].online) {
      f[18].problem("ticket " + detail::quoted(w.ticket) + " is offered to an agent that does not hold it, or is not online");
      return false;
    }
    const Instant made = *expires - core_.routing().offers->push_timeout;
    const std::string& agent = core_.agents_[slot].spec.id;
    if (std::any_of(w.bars.begin(), w.bars.end(), [&](const Bar& bar) { return bar.agent == agent && bar.until > made; })) {
      f[18].problem("ticket " + detail::quoted(w.ticket) + " is offered to " + agent + ", who is barred from it");
      return false;
    }
    it->second.offer = w.seq;
    core_.lapses_.emplace(expires->time_since_epoch().count(), w.seq);
    core_.offers_.emplace(w.seq, Offer{std::move(w), slot, *expires});
    return true;
  }

  // The ladder steps taken (of the rule the ticket names, as the policy has it now) and the
  // levels aging raised (up to aging's cap).
  bool ladder_and_aging(std::span<const Node> f, Waiting& w) {
    const auto step = f[15].integer();
    const auto aged = f[16].integer();
    if (!step || !aged) return false;
    const RoutingRule* rule = routing().rule(w.rule);
    const auto steps = rule != nullptr ? static_cast<std::int64_t>(rule->steps.size()) : 0;
    if (*step < 0 || *step > steps) {
      f[15].problem("rule " + detail::quoted(w.rule) + " has " + std::to_string(steps) + " ladder steps, not " +
                    std::to_string(*step));
      return false;
    }
    const auto& aging = routing().aging;
    const auto most = aging ? std::max(0, static_cast<int>(aging->up_to) - static_cast<int>(w.priority)) : 0;
    if (*aged < 0 || *aged > most) {
      f[16].problem("aging raises this ticket at most " + std::to_string(most) + " levels, not " + std::to_string(*aged));
      return false;
    }
    w.step = static_cast<std::uint32_t>(*step);
    w.aged = static_cast<std::uint8_t>(*aged);
    return true;
  }

  void cursor(const Fields<2>& f) {
    const auto q = queue(f[0]);
    // The agent may have left: the cursor still marks a place in the order of ids.
    const auto agent = text(f[1], "an agent id");
    if (!q || !agent) return;
    // Queues in the policy's order, each once.
    if (last_cursor_ && *q <= *last_cursor_) {
      f[0].problem("queue " + detail::quoted(routing().queues[*q].id) +
                   (*q == *last_cursor_ ? " has two cursors" : " is out of order: cursors follow the order of the policy's queues"));
      return;
    }
    last_cursor_ = *q;
    core_.cursors_[*q].agent = std::string(*agent);
  }

  void sticky(const Fields<2>& f) {
    const auto customer = text(f[0], "a customer id");
    if (!customer || !in_order(sticky_kind, *customer, f[0], "a customer", false)) return;
    // Version 1 was written with the customers of agents who had left, and such snapshots are
    // stored: those customers are dropped, as remove_agent now does.
    const auto id = f[1].string();
    if (version_ == 1 && id && !id->empty() && !core_.agent_ids_.contains(*id)) return;
    if (const auto slot = agent_slot(f[1])) core_.stick(*slot, *customer);
  }

  RouterCore& core_;
  Problems& problems_;
  bool compact_;
  int version_;
  bool ended_ = false;
  std::array<std::size_t, 6> counts_{};
  std::array<std::optional<std::string>, 6> last_;  // by kind: the key of the last record read
  std::optional<std::uint32_t> last_cursor_;
  std::set<std::string, std::less<>> missing_;
};

namespace {

// Version 1: one document of arrays.
void read_document(SnapshotReader& reader, const boost::json::value& document, Problems& problems) {
  const Node root(document, problems);
  if (!root.object({"format", "version", "routing", "agents", "assigned", "waiting", "cursors", "sticky"}))
    problems.throw_input(invalid_snapshot);
  if (const auto format = root.required("format"); format && format->string() != snapshot_format)
    format->problem("expected \"aftersales.router\"");
  if (const auto version = root.required("version"); version && version->integer() != 1)
    version->problem("this library reads router snapshots of versions 1 to 4");
  (void)root.required("routing");
  if (!problems.empty()) problems.throw_input(invalid_snapshot);
  for (std::size_t k = 0; k < counted.size(); ++k)
    if (const auto list = root.required(counted[k]))
      list->for_each_element([&](const Node& node) { reader.read(static_cast<Kind>(k), node); });
  reader.finish();
}

// Version 2: the header (already parsed), then one record a line.
void read_lines(SnapshotReader& reader, const boost::json::value& header, Lines& lines, Problems& problems) {
  {
    const Node root(header, problems);
    if (root.object({"format", "version", "routing"})) {
      if (const auto format = root.required("format"); format && format->string() != snapshot_format)
        format->problem("expected \"aftersales.router\"");
      (void)root.required("routing");
    }
    problems.locate(0, "line 1");
    if (!problems.empty()) problems.throw_input(invalid_snapshot);
  }
  std::size_t next_kind = agent_kind;
  std::size_t last_line = 1;
  while (const auto line = lines.next()) {
    if (problems.size() >= most_problems) reader.stop();
    last_line = line->number;
    const std::size_t before = problems.size();
    if (reader.ended()) {
      problems.add("line " + std::to_string(line->number), "nothing may follow the \"end\" line");
      break;
    }
    // Each line's tree lives on the stack, or in blocks freed with it.
    unsigned char buffer[4096];
    boost::json::monotonic_resource scratch(buffer, sizeof buffer);
    const auto document = parse_json(line->text, line_limits, problems, &scratch);
    if (document) {
      const Node root(*document, problems);
      const auto* object = root.any_object();
      if (object != nullptr && object->size() != 1) {
        root.problem("expected one record: an object with one of the keys agent, assigned, waiting, cursor, sticky, end");
      } else if (object != nullptr) {
        const auto& member = *object->begin();
        const std::string_view key(member.key().data(), member.key().size());
        const std::size_t kind = key_index(kinds, key);
        if (kind == kinds.size()) {
          root.child(key, member.value()).problem(unknown_key_message(key, kinds));
        } else if (kind < next_kind) {
          root.child(key, member.value()).problem(std::string("out of order: \"") + std::string(kinds[kind]) +
                                                   "\" lines come before \"" + std::string(kinds[next_kind]) + "\" lines");
        } else {
          next_kind = kind;
          reader.read(static_cast<Kind>(kind), root.child(kinds[kind], member.value()));
        }
      }
    }
    problems.locate(before, "line " + std::to_string(line->number));
  }
  if (!reader.ended())
    problems.add("line " + std::to_string(last_line), "the snapshot ends without its \"end\" line: it was cut short");
  reader.finish();
}

}  // namespace

void RouterCore::restore(std::string_view text) {
  Problems problems;
  boost::json::monotonic_resource scratch;
  Lines lines(text);
  const auto first = lines.next();
  // The first line tells the version: version 2's header, or (usually all of) a version 1
  // document.
  Problems probe;
  auto document = first ? parse_json(first->text, line_limits, probe, &scratch) : std::nullopt;
  const auto version = document ? version_of(*document) : std::nullopt;
  if (version == 2 || version == written_version || version == offers_version) {
    SnapshotReader reader(*this, problems, static_cast<int>(*version));
    read_lines(reader, *document, lines, problems);
    return;
  }
  Lines rest = lines;
  if (!document || !probe.empty() || rest.next()) document = parse_input(text, invalid_snapshot, problems, &scratch);
  SnapshotReader reader(*this, problems, 1);
  read_document(reader, *document, problems);
}

}  // namespace aftersales::detail
