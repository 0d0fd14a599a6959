#pragma once
// The router's state, unsynchronised: Router wraps it in one mutex. Names of channels and
// languages are interned to small integers as agents and tickets bring them, so a decision
// compares integers; agents of a queue are kept sorted by id so that ties go to the smallest id.

#include <aftersales/routing.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/position_set.hpp"
#include "routing/queue_room.hpp"
#include "routing/route_plan.hpp"
#include "routing/waiting_groups.hpp"
#include "text/names.hpp"

namespace aftersales::detail {

// What a decision reads comes first and inline, for the first 8 channels, 64 languages and 64
// skills: a queue's scan then touches about three cache lines an agent. Larger ids spill into
// the vectors behind.
struct AgentState {
  static constexpr std::uint32_t inline_channels = 8;
  static constexpr std::uint32_t inline_ids = 64;

  bool online = false;
  std::uint64_t language_mask = 0;  // bit per language id < 64
  std::uint64_t skill_mask = 0;     // bit per skill id < 64 the agent has (at any level)
  std::array<int, inline_channels> small_capacity{};
  std::array<int, inline_channels> small_load{};
  std::array<std::int8_t, inline_ids> small_levels{};  // -1: lacks it

  Agent spec;
  std::vector<std::uint32_t> queues;     // queue indexes
  std::vector<std::size_t> positions;    // by index of `queues`: the agent's place among that queue's members
  std::vector<std::int8_t> levels;       // skills from 64 on; -1: lacks it
  std::vector<std::uint32_t> languages;  // interned, all of them
  std::vector<int> capacity;             // channels from 8 on; -1: the default applies
  std::vector<int> load;                 // channels from 8 on
  int default_capacity = 0;              // "*"; 0 when not given
  int units = -1;                        // capacity in units; -1: no unit limit
  std::int64_t units_used = 0;           // what its tickets cost, kept whether or not it has a unit limit
  std::optional<Instant> last_assigned;  // never assigned sorts first for most_idle
  bool dirty = false;                    // freed or came online since the last dispatch
  bool lowered = false;                  // an upsert (or a snapshot) left it holding more than a capacity
  std::vector<std::string> held;         // the tickets assigned to it, as in RouterCore::assigned_
  // The customers made sticky to it (RouterCore::stick), some perhaps taken by another agent
  // since: what remove_agent drops, without reading every sticky customer.
  std::vector<std::string> customers;
  std::size_t customers_kept = 0;  // how many were left when the list was last compacted
  std::uint64_t rank = 0;                // agrees with the order of ids; compared instead of them

  [[nodiscard]] int capacity_on(std::uint32_t channel) const noexcept {
    if (channel < inline_channels) return small_capacity[channel];
    const auto i = channel - inline_channels;
    return i < capacity.size() && capacity[i] >= 0 ? capacity[i] : default_capacity;
  }
  [[nodiscard]] int load_on(std::uint32_t channel) const noexcept {
    if (channel < inline_channels) return small_load[channel];
    const auto i = channel - inline_channels;
    return i < load.size() ? load[i] : 0;
  }
  [[nodiscard]] int level(std::uint32_t skill) const noexcept {
    return skill < inline_ids ? small_levels[skill] : levels[skill - inline_ids];
  }
  /// Whether one more ticket costing `cost` units fits the agent's unit capacity.
  [[nodiscard]] bool fits_units(int cost) const noexcept { return units < 0 || units_used + cost <= units; }
  /// Room for one more ticket on the channel, costing `cost` units: both limits hold at once.
  [[nodiscard]] bool has_room(std::uint32_t channel, int cost) const noexcept {
    return load_on(channel) < capacity_on(channel) && fits_units(cost);
  }
  [[nodiscard]] bool speaks(std::uint32_t language) const noexcept {
    if (language < inline_ids) return (language_mask >> language & 1u) != 0;
    return std::find(languages.begin(), languages.end(), language) != languages.end();
  }
  void add_load(std::uint32_t channel, int delta);
  void set_capacity(std::uint32_t channel, int count);
  [[nodiscard]] bool in_queue(std::uint32_t queue) const noexcept;
};

inline constexpr std::uint32_t any_language = 0xffffffffu;
inline constexpr std::uint32_t nobody_speaks = 0xfffffffeu;

/// What an agent must offer to take one ticket.
struct Need {
  std::uint32_t channel = 0;
  std::uint32_t language = any_language;
  Needs skills;
  int units = 0;  // what a ticket of the channel costs of an agent's units
  // The agents who declined an offer of the ticket, or let it lapse, while their bar lasts.
  boost::container::small_vector<const AgentState*, 2> barred;
};

/// Why an agent could not take a ticket; counted per scan for the "waiting" reason.
enum class Block : std::uint8_t { none, status, capacity, language, skill, units, barred };

/// An agent's place in a queue's least_loaded order on one channel: load/capacity, then id
/// (by rank). The key carries what it is ordered by, so comparing two touches no agent.
struct LoadKey {
  std::int64_t load = 0;
  std::int64_t capacity = 1;  // ≥ 1: agents without room on the channel are not indexed
  std::uint64_t rank = 0;
  std::uint32_t slot = 0;
  friend bool operator<(const LoadKey& a, const LoadKey& b) noexcept {
    const auto lhs = a.load * b.capacity;  // a.load / a.capacity < b.load / b.capacity
    const auto rhs = b.load * a.capacity;
    return lhs != rhs ? lhs < rhs : a.rank < b.rank;
  }
};

/// An agent's place in a queue's most_idle order: never assigned first, then the earliest last
/// assignment, then id (by rank).
struct IdleKey {
  std::int64_t last = 0;  // epoch ms; INT64_MIN when never assigned
  std::uint64_t rank = 0;
  std::uint32_t slot = 0;
  friend bool operator<(const IdleKey& a, const IdleKey& b) noexcept {
    return a.last != b.last ? a.last < b.last : a.rank < b.rank;
  }
};

/// A member of a queue, in the queue's order of ids (ranks ascending).
struct QueueMember {
  std::uint64_t rank = 0;
  std::uint32_t slot = 0;
};

/// Which members of a queue have each of the first 64 skills (at any level) and speak each of
/// the first 32 languages: a least_loaded walk intersects them with a bucket, so agents without
/// the ticket's language or skills are passed 64 at a time, without reading their records.
struct QueueColumns {
  std::array<PositionSet, AgentState::inline_ids> skills;
  std::array<PositionSet, 32> languages;
};

/// A queue's online agents on one channel in least_loaded order: buckets of equal load ratio,
/// lowest ratio first, each a set of the queue's member positions, so that it lists its agents
/// by rank. One ticket more or less moves an agent to a neighbouring bucket by clearing one bit
/// and setting another, however many agents share its load (with equal capacities, most of the
/// queue).
class LoadBuckets {
 public:
  struct Bucket {
    std::int64_t load = 0;  // a ratio: load / capacity, capacity ≥ 1
    std::int64_t capacity = 1;
    PositionSet agents;
    std::size_t count = 0;
  };
  void insert(std::int64_t load, std::int64_t capacity, std::size_t position) {
    auto bucket = find(load, capacity);
    if (bucket == buckets_.end() || !same_ratio(*bucket, load, capacity)) {
      PositionSet agents;  // an emptied bucket's words: all zero
      if (!spare_.empty()) {
        agents = std::move(spare_.back());
        spare_.pop_back();
      }
      bucket = buckets_.insert(bucket, Bucket{load, capacity, std::move(agents), 0});
    }
    bucket->agents.insert(position);
    ++bucket->count;
  }
  /// Removes the member at `position` from the bucket of load / capacity; false if it is not
  /// there.
  bool erase(std::int64_t load, std::int64_t capacity, std::size_t position) {
    const auto bucket = find(load, capacity);
    if (bucket == buckets_.end() || !same_ratio(*bucket, load, capacity) || !bucket->agents.erase(position)) return false;
    if (--bucket->count == 0) {  // empty: its storage serves the next new ratio
      spare_.push_back(std::move(bucket->agents));
      buckets_.erase(bucket);
    }
    return true;
  }
  void open(std::size_t position) {
    for (Bucket& bucket : buckets_) bucket.agents.open(position);
  }
  void close(std::size_t position) {
    for (Bucket& bucket : buckets_) bucket.agents.close(position);
  }
  [[nodiscard]] const std::vector<Bucket>& buckets() const noexcept { return buckets_; }

 private:
  static bool same_ratio(const Bucket& b, std::int64_t load, std::int64_t capacity) noexcept {
    return b.load * capacity == load * b.capacity;
  }
  // The first bucket whose ratio is not below load / capacity.
  std::vector<Bucket>::iterator find(std::int64_t load, std::int64_t capacity) {
    return std::lower_bound(buckets_.begin(), buckets_.end(), std::pair{load, capacity},
                            [](const Bucket& b, const std::pair<std::int64_t, std::int64_t>& r) {
                              return b.load * r.second < r.first * b.capacity;
                            });
  }

  std::vector<Bucket> buckets_;
  std::vector<PositionSet> spare_;
};

struct Scan {
  std::array<int, 7> blocked{};
};

struct Choice {
  enum class Why : std::uint8_t { resolver, sticky, strategy };
  std::uint32_t agent = 0;
  std::uint32_t queue = 0;
  Why why = Why::strategy;
};

using QueueList = boost::container::small_vector<std::uint32_t, 4>;

/// A waiting ticket's priority once aging raised it.
[[nodiscard]] inline Priority effective_priority(Priority routed, std::uint8_t aged) noexcept {
  return static_cast<Priority>(static_cast<int>(routed) + aged);
}

/// An agent who declined an offer of a ticket, or let it lapse: not offered it again before
/// `until`.
struct Bar {
  std::string agent;
  Instant until{};
  friend bool operator==(const Bar&, const Bar&) = default;
};

struct Waiting {
  std::string ticket, customer, channel, language, rule, resolver;
  std::uint32_t queue = 0;
  std::uint32_t channel_id = 0;
  std::uint32_t group = 0;  // its need's group in WaitingGroups
  Priority priority = Priority::normal;
  std::optional<Instant> due;
  Instant since{};
  std::uint64_t seq = 0;
  std::vector<SkillNeed> skills;
  std::vector<SkillNeed> preferred;  // emptied once relaxed
  std::optional<Instant> relax_at;
  std::uint32_t stages = 0;  // overflow queues reached
  const RoutingRule* ladder = nullptr;  // the rule whose steps apply, if it has any
  std::uint32_t step = 0;               // ladder steps taken
  std::uint8_t aged = 0;                // priority levels raised by aging
  std::optional<Instant> timer;
  std::vector<std::string> notes;  // overflow and relaxation, for the decision's reasons
  std::uint64_t tried = 0;         // the dispatch that last looked at it
  std::vector<Bar> bars;           // by when they were set; only those in force (one per agent at most)
  bool returned = false;           // back from an offer since the last dispatch, which tries it
};

/// A ticket offered to an agent (docs/routing.md, "Offers"): counted in the agent's load as an
/// assignment is, and kept as it waited, to wait again under its arrival if the agent declines
/// it or lets it lapse.
struct Offer {
  Waiting waiting;  // out of the waiting sets and timers
  std::uint32_t agent = 0;
  Instant expires{};
};

/// One agent's first failed criterion as explain() records it under the lock: numbers only,
/// spelled into text once the lock is released.
struct Failure {
  WaitReason reason = WaitReason::eligible;
  AgentStatus status = AgentStatus::online;  // not_online: away or offline
  std::int64_t have = 0;                     // at_capacity: the load; units: those used; skill: the level (-1: lacks it)
  int need = 0;                              // at_capacity: the capacity; units: the units; skill: the level needed
  int cost = 0;                              // units: what the ticket's channel costs
  std::uint32_t skill = 0;                   // skill: the first one failed
  std::optional<Instant> until;              // declined: when the bar ends
};

/// What explain() copies under the lock: the ticket's needs, the counts per reason and the
/// page of agents asked for.
struct ExplainCopy {
  WaitExplanation explanation;  // everything but the summary and the listed texts
  std::vector<SkillNeed> skills;
  std::array<std::size_t, 8> counts{};  // by WaitReason
  std::vector<std::pair<std::string, Failure>> listed;
};

inline constexpr std::uint64_t no_offer = ~std::uint64_t{0};

struct Assignment {
  std::uint32_t agent = 0;
  std::uint32_t queue = 0;
  std::uint32_t channel = 0;
  std::uint64_t offer = no_offer;  // an offer's arrival number (RouterCore::offers_) until accepted
};

class RouterCore {
 public:
  explicit RouterCore(std::shared_ptr<const RoutingRules> rules);

  [[nodiscard]] const RoutingRules& routing() const noexcept;
  void upsert(const Agent& agent);
  std::vector<std::string> remove(std::string_view agent_id);
  void set_status(std::string_view agent_id, AgentStatus status);
  /// Routes `ticket` into `decision` (which starts empty) and returns true; when it must wait
  /// and `due` (its SLA due time, which the caller works out outside the lock) is not given,
  /// returns false and changes nothing.
  bool route(const Ticket& ticket, Instant at, Plan& plan, const std::optional<std::optional<Instant>>& due,
             RoutingDecision& decision);
  void release(std::string_view agent_id, std::string_view ticket);
  bool withdraw(std::string_view ticket);
  // Offers (router_offers.cpp).
  void accept(std::string_view agent_id, std::string_view ticket, Instant at);
  void decline(std::string_view agent_id, std::string_view ticket, Instant at);
  std::vector<RoutingDecision> dispatch(Instant at);
  [[nodiscard]] std::size_t waiting_count() const noexcept;
  // Listings (router_listings.cpp): copies of the state in time linear in it, for the caller to
  // sort once it has released the lock.
  [[nodiscard]] std::vector<AgentLoad> agent_loads() const;
  [[nodiscard]] std::vector<std::pair<WaitKey, WaitingTicket>> waiting_tickets() const;
  [[nodiscard]] RouterCounts counts() const noexcept;
  /// The waiting ticket's needs as of `options.at` and every agent's first failed criterion
  /// (router_explain.cpp), in time linear in the agents; throws NotFoundError if it is not
  /// waiting.
  [[nodiscard]] ExplainCopy explain(std::string_view ticket, const ExplainOptions& options) const;
  [[nodiscard]] std::string snapshot() const;
  /// Fills an empty router from a snapshot; throws InputError without a partial state
  /// escaping (the caller discards the router).
  void restore(std::string_view snapshot);
  /// Throws std::logic_error naming the first broken invariant of the state and its indexes
  /// (router_invariants.cpp); linear in the state, for tests.
  void check_invariants() const;

 private:
  friend class SnapshotReader;

  // Queue membership and the agent registry (router_agents.cpp).
  [[nodiscard]] std::size_t position(std::uint32_t queue, std::uint64_t rank) const noexcept;
  void settle();
  void settle_queue(std::uint32_t queue);
  bool shift(std::uint32_t queue, std::size_t position, bool open);
  void set_columns(std::uint32_t queue, std::size_t position, const AgentState& agent, bool add);
  std::uint32_t intern_channel(std::string_view name);
  /// What a ticket of the (interned, or not yet seen) channel costs of an agent's units (inline:
  /// every decision and every change of load asks).
  [[nodiscard]] int unit_cost(std::uint32_t channel) const noexcept {
    return channel < unit_costs_.size() ? unit_costs_[channel] : rules_->default_units;
  }
  /// Whether the agent has room on the channel for one more ticket: below its capacity there
  /// and within its units.
  [[nodiscard]] bool room_on(const AgentState& agent, std::uint32_t channel) const noexcept;
  void rank_new_agent(std::map<std::string, std::uint32_t, std::less<>>::iterator it);
  void mark_dirty(std::uint32_t slot);
  void validate(const Agent& agent) const;
  void join_queue(std::uint32_t queue, std::uint32_t slot);
  void leave_queue(std::uint32_t queue, std::uint32_t slot);

  // The strategies' indexes (router_indexes.cpp).
  [[nodiscard]] bool indexed(std::uint32_t channel) const noexcept;
  [[nodiscard]] LoadKey load_key(std::uint32_t slot, std::uint32_t channel) const noexcept;
  /// Whether the agent can ever take a ticket of the channel: a capacity there, and units for
  /// one ticket of it.
  [[nodiscard]] bool takes(const AgentState& agent, std::uint32_t channel) const noexcept;
  [[nodiscard]] IdleKey idle_key(std::uint32_t slot) const noexcept;
  void index_channel(std::uint32_t slot, std::uint32_t channel, bool add);
  void index(std::uint32_t slot, bool add);
  void index_in_queue(std::uint32_t slot, std::size_t i, bool add);
  void index_load(std::uint32_t slot, std::size_t i, std::uint32_t channel, bool add);
  void change_load(std::uint32_t slot, std::uint32_t channel, int delta);
  void set_last_assigned(std::uint32_t slot, std::optional<Instant> at);

  // The strategies' picks (router_picks.cpp).
  [[nodiscard]] Block check(const AgentState& agent, const Need& need) const noexcept;
  /// The first criterion of select() the agent fails for a ticket that its queues `reached`
  /// may take (router_explain.cpp): check()'s verdict, with the figures that explain it.
  [[nodiscard]] Failure failure(const AgentState& agent, const Need& need, std::span<const std::uint32_t> reached) const;
  [[nodiscard]] std::optional<std::uint32_t> pick(std::uint32_t queue, const Need& need) const;
  [[nodiscard]] std::optional<std::uint32_t> least_loaded_pick(std::uint32_t queue, const LoadBuckets& index,
                                                               const Need& need) const;
  [[nodiscard]] std::optional<std::uint32_t> least_loaded_scan(std::uint32_t queue, const Need& need) const;
  [[nodiscard]] Scan scan(std::uint32_t queue, const Need& need) const;
  [[nodiscard]] Scan count_blocked(std::uint32_t queue, const Need& need) const;
  template <class Visit>
  bool walk_room(std::uint32_t queue, const Need& need, std::size_t from, Visit visit) const;
  [[nodiscard]] std::uint64_t qualified(std::uint32_t queue, const Need& need, std::size_t word) const noexcept;
  [[nodiscard]] std::optional<std::uint32_t> round_robin_pick(std::uint32_t queue, const Need& need) const;
  [[nodiscard]] std::optional<std::uint32_t> most_idle_pick(std::uint32_t queue, const Need& need) const;

  // The waiting queue and its timers (router_waiting.cpp).
  /// What a waiting ticket needs of an agent: what its group in WaitingGroups stands for.
  [[nodiscard]] NeedKey need_key(const Waiting& w) const;
  [[nodiscard]] std::uint32_t group_of(const Waiting& w);
  [[nodiscard]] Need need_of_group(std::uint32_t group) const;
  static WaitKey key_of(const Waiting& w) noexcept;
  [[nodiscard]] std::optional<Instant> next_overflow(const Waiting& w) const;
  /// When the ticket reaches overflow stage `stage + 1`; nullopt if its chain ends before.
  [[nodiscard]] std::optional<Instant> overflow_at(const Waiting& w, std::uint32_t stage) const;
  [[nodiscard]] std::optional<Instant> next_step(const Waiting& w) const;
  [[nodiscard]] std::optional<Instant> next_aging(const Waiting& w) const;
  [[nodiscard]] std::optional<Instant> next_timer(const Waiting& w) const;
  /// The queues whose agents may take the ticket, its own first, then its overflow chain as
  /// far as it reached, then the queues its ladder steps added; each once.
  [[nodiscard]] QueueList queues_of(const Waiting& w) const;
  /// Files a ticket that carries its arrival number (next_seq_ for a new one).
  void enqueue(Waiting waiting);
  void schedule(Waiting& w);
  /// Takes the ticket out of the waiting queue and its timers, and hands its record back.
  Waiting unqueue(std::uint64_t seq);
  /// Refiles the ticket in every queue it is in after `change` altered its need or its rank.
  template <class Change>
  void refile(Waiting& w, Change change);
  void take_steps(Waiting& w, Instant now);
  /// What a ladder step does to a ticket's need (not to the waiting sets); returns the names of
  /// the skills it dropped.
  std::string apply_step(Waiting& w, const LadderStep& step) const;
  /// The aging levels due to a ticket that has waited until `now`.
  [[nodiscard]] std::uint8_t aging_levels(const Waiting& w, Instant now) const;
  void age(Waiting& w, Instant now);
  std::vector<std::uint64_t> fire_timers(Instant at);

  // Reasons (routing_reasons.cpp).
  [[nodiscard]] std::string skills_reason(const RoutingRule* rule, const Needs& needs) const;
  [[nodiscard]] std::string choice_reason(const Choice& choice, const Need& need, std::string_view channel) const;
  [[nodiscard]] std::string waiting_reason(std::uint32_t queue, const Need& need, std::string_view language) const;

  // Invariants (router_invariants.cpp).
  /// Whether the agent holds more than its capacity on some channel.
  [[nodiscard]] bool over_capacity(const AgentState& agent) const noexcept;

  // Decisions (router.cpp).
  [[nodiscard]] std::uint32_t reachable_queue(std::uint32_t queue, std::uint32_t stage) const noexcept;
  [[nodiscard]] std::optional<Choice> select(const Need& need, std::span<const std::uint32_t> queues,
                                             std::string_view resolver, std::string_view customer) const;
  [[nodiscard]] Need need_of(std::string_view channel, std::string_view language) const;
  void assign(const Choice& choice, const Need& need, std::string_view ticket, std::string_view customer, std::string_view channel,
              Instant at);
  void hold(std::uint32_t slot, std::string_view ticket, const Assignment& assignment);
  void stick(std::uint32_t slot, std::string_view customer);
  std::optional<RoutingDecision> try_assign(Waiting& w, Instant at);
  /// A route's ticket as it waits: the record a wait starts with, and an offer keeps.
  Waiting waiting_of(const Ticket& ticket, const Plan& plan, Instant at, std::optional<Instant> due);
  /// What a ticket needs of an agent at `at`, the agents barred from it included.
  [[nodiscard]] Need need_of(const Waiting& w, Instant at) const;
  /// Frees the agent's hold on an assigned or offered ticket (not the offer's record).
  void unhold(TextMap<Assignment>::iterator it);

  // Offers (router_offers.cpp).
  /// Offers the assigned ticket `w` to the agent holding it, until `at` plus the push timeout.
  void offer(Waiting w, Instant at, RoutingDecision& decision);
  /// The offer of `ticket` that `agent_id` holds; throws NotFoundError saying where it is.
  std::uint64_t offer_held(std::string_view agent_id, std::string_view ticket) const;
  /// offer_held(), refusing an `answer` ("accept", "decline") at an instant before the offer.
  std::uint64_t answerable(std::string_view agent_id, std::string_view ticket, Instant at, std::string_view answer) const;
  /// Frees the offer's agent and files the ticket as waiting again, under its arrival, with
  /// `note` for its next decision; if it was `declined` (or lapsed) at an instant, the agent is
  /// barred until then plus `no_reoffer`, and bars over by then are dropped.
  void return_offer(std::uint64_t seq, std::string note, std::optional<Instant> declined);
  /// The offers of the agent in `slot`, back to waiting unbarred (it left or went offline).
  void return_offers_of(std::uint32_t slot, std::string_view why);
  /// Offers whose push timeout passed by `at` lapse, as declines at their expiry.
  void lapse_offers(Instant at);

  std::shared_ptr<const RoutingRules> rules_;  // the policy's, sharing its ownership
  std::vector<AgentState> agents_;  // by slot; removed agents' slots are reused
  std::vector<std::uint32_t> free_slots_;
  std::map<std::string, std::uint32_t, std::less<>> agent_ids_;
  std::vector<std::vector<QueueMember>> queue_agents_;  // by queue: its agents sorted by id
  std::vector<QueueColumns> columns_;                    // by queue
  std::vector<QueueRoom> room_;                          // by queue
  // by queue: members joined or left out of order since the last settle(): the members are
  // unsorted and their positions, columns, room and load buckets are out of date.
  std::vector<std::uint8_t> stale_;
  std::vector<std::uint32_t> shifts_;  // by queue: members joined or left in place since the last read
  // by queue: the agent round_robin chose last, and its slot while the slot still holds it
  struct Cursor {
    std::string agent;
    std::uint32_t slot = 0xffffffffu;
  };
  std::vector<Cursor> cursors_;
  // The active strategy's order of each queue's online agents (least_loaded: per channel < 8).
  std::vector<std::array<LoadBuckets, AgentState::inline_channels>> by_load_;
  // most_idle: a tree, as an assignment moves an agent from anywhere to the end of the order
  std::vector<std::set<IdleKey>> by_idle_;
  std::vector<std::pair<std::vector<SkillNeed>, std::string>> rule_skills_;  // by rule: its skills and their reason
  Names channels_;
  std::vector<std::string> channel_quoted_;  // by channel: its name as reasons show it
  std::vector<int> unit_costs_;              // by channel: what a ticket of it costs of an agent's units
  Names languages_;
  TextMap<Assignment> assigned_;  // by ticket id
  TextMap<std::string> sticky_;   // customer id → the agent who served them last
  std::map<std::uint64_t, Waiting> waiting_;  // by arrival
  TextMap<std::uint64_t> waiting_ids_;
  // by queue, then need: the waiting tickets that queue's agents may take, in queue order
  WaitingGroups waiting_sets_;
  std::set<std::pair<std::int64_t, std::uint64_t>> timers_;  // (instant ms, ticket seq)
  std::map<std::uint64_t, Offer> offers_;                     // by arrival
  std::set<std::pair<std::int64_t, std::uint64_t>> lapses_;  // (expiry ms, offer seq)
  std::vector<std::uint64_t> returned_;  // tickets back from an offer since the last dispatch
  std::vector<std::uint32_t> dirty_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t epoch_ = 0;
};

}  // namespace aftersales::detail

namespace aftersales {

// The lock around RouterCore (Router's one member).
struct Router::State {
  explicit State(std::shared_ptr<const detail::RoutingRules> rules) : core(std::move(rules)) {}
  mutable std::mutex mutex;
  detail::RouterCore core;
};

}  // namespace aftersales
