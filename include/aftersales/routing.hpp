#pragma once
/// @file
/// Routing (spec §5): rules send a ticket to a queue, and a `Router` holding the agents and
/// their load picks the agent, or keeps the ticket waiting until `dispatch` finds one.

#include <aftersales/export.h>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersales {

class Policy;

/// Whether an agent takes new work: only `online` agents are assigned tickets; `away` and
/// `offline` agents keep the tickets they hold until the host releases them.
enum class AgentStatus : std::uint8_t { online, away, offline };

/// `"online"`, `"away"`, `"offline"`.
AFTERSALES_EXPORT std::string_view to_string(AgentStatus status) noexcept;

/// The status named `name`.
/// @throws InputError for any other name.
AFTERSALES_EXPORT AgentStatus agent_status(std::string_view name);

/// An agent as the host describes it (spec §5). Lists keep the order given; skills and
/// capacity are sorted by name.
struct AFTERSALES_EXPORT Agent {
  std::string id;
  std::vector<std::string> queues;                     ///< queue ids of the policy
  std::vector<std::pair<std::string, int>> skills;     ///< name → level (≥ 0)
  std::vector<std::string> languages;                  ///< e.g. "zh", "en"
  std::vector<std::pair<std::string, int>> capacity;   ///< channel → tickets at once; "*" for any other channel
  AgentStatus status = AgentStatus::online;
  /// Total capacity in units, which each ticket held uses by its channel's cost (the routing
  /// section's `units`); both this and `capacity` hold at once. None: no unit limit.
  std::optional<int> units;

  /// Parses one agent object, `{"id": "A-7", "queues": [...], "skills": {...}, "languages": [...],
  /// "capacity": {"chat": 5, "*": 8}, "units": 10, "status": "online"}`; `capacity` is required,
  /// `units` optional, `status` defaults to online.
  /// @throws InputError listing every problem with its JSON path (`capacity.chat: ...`).
  static Agent from_json(std::string_view json);

  /// Parses an agents file: an array of agent objects, or `{"agents": [...]}`.
  /// @throws InputError listing every problem with its path (`agents[3].id`), including an
  ///         id given twice.
  static std::vector<Agent> list_from_json(std::string_view json);

  /// The JSON shape `from_json` reads.
  [[nodiscard]] std::string to_json() const;
};

/// Where one ticket went and why. `agent` is empty when the ticket waits or a bot answers.
struct AFTERSALES_EXPORT RoutingDecision {
  std::string ticket;
  std::string queue;                 ///< the queue whose agent took it (an overflow queue after overflow), else the queue it waits in
  std::optional<std::string> rule;   ///< the rule that matched; null when the default queue applied
  std::optional<std::string> agent;  ///< the agent assigned; null while waiting or for a bot
  bool bot = false;                  ///< a bot-first rule: the bot answers, no agent is counted
  Priority priority = Priority::normal;  ///< the ticket's priority, raised by the rule if it says so
  bool waiting = false;              ///< no agent was eligible: the ticket waits in `queue`
  std::vector<std::string> reasons;  ///< the decision explained, for a support lead
  /// With the routing section's `offers`: the ticket is offered to `agent`, who accepts or
  /// declines it (`Router::accept`, `Router::decline`) before this instant, when the next
  /// `dispatch` lets the offer lapse. Null for a direct assignment (docs/routing.md, "Offers").
  std::optional<Instant> offer_expires_at;

  /// `{"ticket", "queue", "rule", "agent", "bot", "priority", "waiting", "reasons"}`, and
  /// `"offer_expires_at"` (RFC 3339) for an offer (spec §5; also what the C ABI and Python's
  /// `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

/// One agent as a router holds it (`Router::agents()`): what the host said of it and the
/// tickets it holds. An agent that went away or offline still holds its tickets.
struct AFTERSALES_EXPORT AgentLoad {
  std::string id;
  AgentStatus status = AgentStatus::online;
  std::vector<std::string> queues;                    ///< as the Agent gives them
  std::vector<std::pair<std::string, int>> capacity;  ///< channel → tickets at once, as the Agent; sorted by channel
  std::vector<std::pair<std::string, int>> load;      ///< channel → tickets held, sorted by channel; channels with none left out
  std::size_t total = 0;                              ///< tickets held on every channel
  std::vector<std::string> tickets;                   ///< the ids of the tickets held, sorted
  std::optional<int> units;                           ///< the agent's capacity in units, as the Agent; none: no unit limit
  std::int64_t units_used = 0;                        ///< the units its tickets cost (the routing section's `units`)
  /// With the routing section's `offers`: the ids of those of `tickets` that are offered to the
  /// agent and not yet accepted, sorted (they count in `load`, `total` and `units_used` as the
  /// accepted ones do). None for a policy without offers.
  std::optional<std::vector<std::string>> offered;

  /// `{"id", "status", "queues", "capacity": {channel: n}, "load": {channel: n}, "total",
  /// "tickets"}`, `"units", "units_used"` when the agent has a unit capacity, and `"offered"`
  /// for a policy with offers (also what the C ABI and Python's `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

/// A ticket waiting for an agent (`Router::waiting()`).
struct AFTERSALES_EXPORT WaitingTicket {
  std::string ticket;
  std::string queue;                  ///< the queue it was routed to (after overflow, that queue's overflow queues may take it too)
  Priority priority = Priority::normal;  ///< as routed (raised by the rule if it says so), then by aging
  std::string channel;
  Instant waiting_since{};            ///< when it started waiting
  std::optional<Instant> due_at;      ///< its SLA due time when it started waiting; null with no running clock

  /// `{"ticket", "queue", "priority", "channel", "waiting_since", "due_at"}`, instants in RFC 3339
  /// (also what the C ABI and Python's `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

/// How many agents a router holds, by status, and how many tickets wait or are assigned.
struct AFTERSALES_EXPORT RouterCounts {
  std::size_t agents = 0;   ///< online + away + offline
  std::size_t online = 0;
  std::size_t away = 0;
  std::size_t offline = 0;
  std::size_t waiting = 0;   ///< tickets waiting in some queue
  std::size_t assigned = 0;  ///< tickets held by some agent (the sum of the agents' totals), offers included
  std::size_t offered = 0;   ///< of `assigned`, the tickets on offer, not yet accepted (0 without the routing section's `offers`)

  /// `{"agents", "online", "away", "offline", "waiting", "assigned", "offered"}`.
  [[nodiscard]] std::string to_json() const;
};

/// Why an agent does not take a waiting ticket (`Router::explain`): the first criterion it fails,
/// in the order the picker checks them, or `eligible` when it fails none.
enum class WaitReason : std::uint8_t {
  not_in_queue,  ///< in neither the ticket's queue nor an overflow queue the ticket has reached
  not_online,    ///< away or offline
  at_capacity,   ///< its load on the ticket's channel is at its capacity for the channel
  units,         ///< the ticket's channel costs more units than the agent has left (docs/routing.md, "Capacity in units")
  language,      ///< does not speak the customer's language (with `language_match`)
  skill,         ///< lacks a required skill, or has it below the level
  eligible,      ///< fails nothing: the next `dispatch` assigns it a ticket (this one unless a more urgent one comes first)
  declined,      ///< fails nothing else, but declined an offer of this ticket or let it lapse: not offered it again until the bar ends (docs/routing.md, "Offers")
};

/// `"not_in_queue"`, `"not_online"`, `"at_capacity"`, `"units"`, `"language"`, `"skill"`, `"eligible"`,
/// `"declined"`: stable codes, for programs (the texts beside them are for people).
AFTERSALES_EXPORT std::string_view to_string(WaitReason reason) noexcept;

/// What `Router::explain` looks at.
struct AFTERSALES_EXPORT ExplainOptions {
  /// The most agents one call lists (`limit`): a router of tens of thousands of agents is
  /// explained by the summary, and listed a page at a time.
  static constexpr std::size_t max_limit = 1000;

  /// Judge overflow and the dropping of preferred skills as a `dispatch(at)` would; without it,
  /// as the last `dispatch` left them.
  std::optional<Instant> at;
  std::size_t offset = 0;  ///< list the agents from this place in id order
  std::size_t limit = 0;   ///< list at most this many agents (0: the summary only); at most max_limit
};

/// How many agents fail first on one criterion.
struct AFTERSALES_EXPORT WaitReasonCount {
  WaitReason reason = WaitReason::eligible;
  std::size_t agents = 0;
  std::string text;  ///< `2 at capacity on "chat"`
};

/// One agent's first failed criterion.
struct AFTERSALES_EXPORT AgentWaitReason {
  std::string agent;
  WaitReason reason = WaitReason::eligible;
  std::string text;  ///< `at capacity on "chat" (3 of 3)`, `skill "returns" at level 1, needs 2`
  std::optional<Instant> barred_until;  ///< `declined`: when the agent may be offered the ticket again
};

/// Why a waiting ticket waits (`Router::explain`): what it needs of an agent, and for each agent
/// of the router the first criterion it fails.
struct AFTERSALES_EXPORT WaitExplanation {
  std::string ticket;
  std::string queue;                                ///< the queue it waits in
  std::vector<std::string> queues;                  ///< whose agents may take it: `queue`, then the overflow queues reached
  Priority priority = Priority::normal;             ///< as routed
  std::string channel;
  std::optional<std::string> language;              ///< the language an agent must speak; null when none is required
  std::vector<std::pair<std::string, int>> skills;  ///< skill → minimum level, the preferred skills included until dropped
  Instant waiting_since{};
  std::size_t agents = 0;                           ///< the router's agents; the summary's counts add up to it
  std::vector<WaitReasonCount> summary;             ///< one per reason, in the order of WaitReason, zero counts included (`declined` only with offers)
  std::size_t offset = 0;                           ///< the place of `listed[0]` among the agents in id order
  std::vector<AgentWaitReason> listed;              ///< the page of agents asked for, by id

  /// `{"ticket", "queue", "queues", "priority", "channel", "language", "skills", "waiting_since",
  /// "agents", "eligible", "summary": [{"reason", "agents", "text"}], "offset",
  /// "listed": [{"agent", "reason", "text"}]}` (also what the C ABI and Python's `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

/// Holds a policy's agents, their load, the waiting tickets and the cursors, and makes the
/// routing decisions of spec §5.
///
/// The host calls `route` when a ticket needs an agent (created, handed off by a bot,
/// reopened), `release` when the agent is done with it (resolved, transferred), `set_status`
/// and `upsert_agent` as agents come and go, and `dispatch` after releases and status changes
/// and on a timer (waiting tickets overflow and relax their skills as time passes). See
/// docs/routing.md.
///
/// Thread-safety: internally synchronised. Any member may be called from any thread at any
/// time; each call is atomic (it sees and leaves a consistent state) and an exception leaves
/// the state as it was before the call.
class AFTERSALES_EXPORT Router {
 public:
  /// An empty router (no agents) for `policy`'s routing section.
  /// @throws NotFoundError if the policy has no `routing` section.
  explicit Router(std::shared_ptr<const Policy> policy);
  ~Router();
  /// Moving transfers the whole state; a moved-from router may only be destroyed or assigned.
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Adds the agent, or replaces the one with the same id (keeping the tickets it holds, its
  /// idle time and the cursors that point at it). An agent whose capacity drops below its
  /// load keeps its tickets and takes no new ones until it is below capacity again.
  /// @throws InputError if the id is empty, a queue is not in the policy or listed twice, or a
  ///         level is outside 0-100 or a capacity outside 0-1,000,000.
  void upsert_agent(const Agent& agent);

  /// Removes the agent and frees the tickets it held; returns their ids, sorted, for the host
  /// to route again. Tickets only offered to it wait again under their original arrival
  /// instead (they are not returned).
  /// @throws NotFoundError if there is no such agent.
  std::vector<std::string> remove_agent(std::string_view agent_id);

  /// Changes an agent's status; going online makes its capacity available to `dispatch`.
  /// Going away or offline returns the tickets only offered to it to waiting, under their
  /// original arrival, without barring it from them.
  /// @throws NotFoundError if there is no such agent.
  void set_status(std::string_view agent_id, AgentStatus status);

  /// Routes `ticket` as of `at`: picks the queue by the first matching rule, then an eligible
  /// agent, counting the ticket against it; with no eligible agent the ticket waits. A bot
  /// rule's decision counts nothing: after the bot hands off (a `handoff` event) the host
  /// routes the ticket again and bot rules no longer match it.
  /// @throws InputError if the ticket is already assigned or waiting, `at` is before it was
  ///         created, or it has more than max_ticket_events events.
  RoutingDecision route(const Ticket& ticket, Instant at);

  /// The agent is done with the ticket: frees its capacity for `dispatch`. An offered ticket
  /// released is gone from the router, as if withdrawn.
  /// @throws NotFoundError if the agent does not hold the ticket.
  void release(std::string_view agent_id, std::string_view ticket_id);

  /// Takes a waiting or offered ticket out of the router (the customer left, the host solved
  /// it another way); an offered ticket's agent is freed. Returns false if the ticket was
  /// neither waiting nor offered.
  bool withdraw(std::string_view ticket_id);

  /// The agent accepts the ticket offered to it (docs/routing.md, "Offers"): the offer becomes
  /// an assignment, released with `release`.
  /// @throws NotFoundError if the agent holds no offer of the ticket (naming where the ticket
  ///         is: waiting again after a decline or a lapse, or held by another agent);
  ///         InputError if `at` is before the offer was made (its expiry less the push timeout),
  ///         or at or after its expiry (the next `dispatch` lets it lapse).
  void accept(std::string_view agent_id, std::string_view ticket_id, Instant at);

  /// The agent declines the ticket offered to it: the ticket waits again under its original
  /// arrival, the agent's load is freed, and the ticket is not offered to this agent before
  /// `at` plus the policy's `no_reoffer`. The next `dispatch` offers it to another agent.
  /// The ticket keeps only the bars still in force at `at` (at most one per agent).
  /// @throws NotFoundError as `accept`; InputError if `at` is before the offer was made.
  void decline(std::string_view agent_id, std::string_view ticket_id, Instant at);

  /// Assigns waiting tickets to agents freed since the last dispatch and to agents that
  /// waiting tickets reached by overflow or skill relaxation at `at`, most urgent first
  /// (priority, then SLA due time, then arrival). Returns the decisions made, in that order.
  /// With offers, first lets every offer that expired by `at` lapse (as a decline at its
  /// expiry), then offers instead of assigning.
  std::vector<RoutingDecision> dispatch(Instant at);

  /// The number of tickets waiting.
  [[nodiscard]] std::size_t waiting_count() const;

  /// Every agent with its load and the tickets it holds, sorted by id. One consistent state
  /// (taken under the router's lock, in time linear in the agents and the tickets they hold).
  [[nodiscard]] std::vector<AgentLoad> agents() const;

  /// Every waiting ticket, in the order `dispatch` serves them: priority (urgent first), then
  /// SLA due time (none last), then arrival (docs/routing.md). One consistent state (copied
  /// under the lock in time linear in the waiting tickets, sorted after it is released).
  [[nodiscard]] std::vector<WaitingTicket> waiting() const;

  /// The agents by status and the tickets waiting and assigned, in time linear in the agents.
  [[nodiscard]] RouterCounts counts() const;

  /// Why the waiting ticket `ticket_id` waits: for every agent, the first criterion of the
  /// picker it fails (docs/routing.md, "Why is this waiting?"): the summary counts them per
  /// reason, and `options.limit` agents from `options.offset` (in id order) are listed. An agent
  /// that fails nothing is `eligible`: the next `dispatch(at)` assigns it a ticket. Read-only;
  /// one consistent state, taken under the lock in time linear in the agents (the texts are
  /// spelled after it is released).
  /// @throws NotFoundError if the ticket is not waiting (naming its agent when it is assigned);
  ///         InputError if `options.limit` is above ExplainOptions::max_limit.
  [[nodiscard]] WaitExplanation explain(std::string_view ticket_id, const ExplainOptions& options = {}) const;

  /// The whole state as JSON Lines (snapshot format version 3, or 4 for a policy with offers:
  /// docs/routing.md): agents,
  /// assignments, waiting tickets, cursors, sticky customers, one a line. Equal states give
  /// equal text.
  [[nodiscard]] std::string snapshot() const;

  /// A router for `policy` in the state `snapshot` describes: version 3 or 4 as `snapshot()`
  /// writes it or version 2 (any size, read a line at a time), or version 1 (one JSON document of at
  /// most 16 MiB).
  /// `restore(policy, s).snapshot() == s` for every `s` that `snapshot()` wrote.
  /// @throws InputError if the snapshot is malformed or holds what no router can reach (each
  ///         problem with its path and, in versions 2 and 3, its line; at most 100 listed), or refers to
  ///         queues or skills that `policy` no longer has (naming them); NotFoundError as the
  ///         constructor.
  static Router restore(std::shared_ptr<const Policy> policy, std::string_view snapshot);

  /// Checks that the router's records and indexes agree (every assigned ticket counted once in
  /// its agent's load, every waiting ticket indexed once in each queue it can be taken from,
  /// no agent over capacity unless an upsert lowered it below its load, ...).
  /// @throws std::logic_error naming the first broken invariant. Costs time linear in the
  ///         state: meant for tests and debugging, not for every call.
  void check_invariants() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace aftersales
