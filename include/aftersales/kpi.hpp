#pragma once
/// @file
/// KPIs and scorecards (spec §7): how a team is doing, per agent, queue, channel, category,
/// priority, day, hour, week, month, customer tier, tag or custom field, from tickets at an instant. Every metric is defined in docs/kpi.md.
///
/// `KpiEngine` computes KPIs over a batch of tickets and scores them on a scorecard;
/// `KpiAccumulator` is its stateful form: add tickets one by one (or in parts on many
/// machines), merge the parts, serialise a part to JSON and back. Counts and rates are exact after any
/// merge; quantiles are exact for groups of at most 32 values and within 1% relative error
/// beyond (a DDSketch, Masson, Rim and Lee, VLDB 2019), with memory bounded per group.

#include <aftersales/batch.hpp>
#include <aftersales/export.h>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>
#include <aftersales/values.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

class Policy;

namespace detail {
struct KpiRules;
struct KpiState;
}

/// A dimension tickets can be grouped by: a kind, and for `field` the custom field's name.
/// `KpiDimension::agent` (a Kind) converts to the dimension; `KpiDimension::of_field("region")`
/// is `fields.region` (a bare `KpiDimension::field` has no name, and no accumulator takes it).
/// Small and regular: compared by kind and field name.
class AFTERSALES_EXPORT KpiDimension {
 public:
  enum class Kind : std::uint8_t { agent, queue, channel, category, priority, day, hour, week, month, tier, tag, field };
  using enum Kind;

  KpiDimension(Kind kind) noexcept : kind_(kind) {}  // implicit, so that `KpiDimension::agent` is one

  /// `fields.<name>`: the ticket's custom field `name` as text.
  /// @throws InputError if `name` is empty.
  static KpiDimension of_field(std::string name);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  /// The custom field's name for `field`; empty for every other kind.
  [[nodiscard]] const std::string& field_name() const noexcept { return field_; }
  /// day, hour, week or month: read in a time zone (KpiOptions::time_zone).
  [[nodiscard]] bool is_time() const noexcept { return kind_ >= day && kind_ <= month; }

  friend bool operator==(const KpiDimension&, const KpiDimension&) = default;

 private:
  Kind kind_;
  std::string field_;
};

/// `"agent"`, `"queue"`, ..., `"fields.region"`: the name `kpi_dimension` reads.
AFTERSALES_EXPORT std::string to_string(const KpiDimension& dimension);

/// One compensation granted on a ticket: what the host recorded of a CompensationDecision
/// that compensated (its `ticket` and `total`).
struct KpiCompensation {
  std::string ticket;
  Money total{0, Currency{}};  ///< more than zero
};

/// How to group, and in which time zone days, hours, weeks and months begin (an IANA name).
/// An empty `time_zone` means the policy's `kpi.timezone`, else the zone every calendar of the
/// policy shares; when there is neither and a time dimension is asked for, constructing the
/// accumulator fails rather than count in UTC (docs/kpi.md, "Time zone").
struct KpiOptions {
  std::vector<KpiDimension> group_by;
  std::string time_zone;
};

/// What the host counts beside the tickets. Order counts, for `complaint_rate`: a total for the
/// whole period, or orders per day (`"2026-11-11"`) used when tickets are grouped by day.
/// Compensations granted on tickets, for the compensation KPIs (KpiEngine's calls; an
/// accumulator takes them in its constructor).
struct KpiOrders {
  std::optional<std::int64_t> total;
  std::map<std::string, std::int64_t, std::less<>> by_day;
  /// All in one currency; when given, every group gets its `compensation`
  /// (docs/kpi.md, "Compensation"). Records of tickets not counted count nothing.
  std::vector<KpiCompensation> compensations;
};

/// Mean and quantiles of a duration over the tickets that have it (seconds, business time).
struct KpiDurationStats {
  std::int64_t count = 0;
  std::optional<double> mean_s;  ///< null when count is 0
  std::optional<double> p50_s;   ///< the value of rank floor(0.5 × (count − 1)) in ascending order
  std::optional<double> p90_s;   ///< rank floor(0.9 × (count − 1))
};

/// SLA metric instances that completed or breached (active and paused ones are not counted).
struct KpiSlaStats {
  std::string metric;
  std::int64_t achieved = 0;
  std::int64_t breached = 0;
  /// achieved / (achieved + breached); null when both are 0.
  [[nodiscard]] std::optional<double> rate() const noexcept;
};

/// The compensation of a group's tickets (docs/kpi.md, "Compensation").
struct KpiCompensationStats {
  std::int64_t compensated = 0;  ///< tickets with at least one compensation
  Money total{0, Currency{}};    ///< the compensations' totals added up, exact
  /// total / tickets, rounded half up to the minor unit; null when the group has no ticket.
  std::optional<Money> cost_per_ticket;
  std::optional<double> rate;  ///< compensated / tickets; null when the group has no ticket
};

/// One group's KPIs. Rates are null when their denominator is 0 (docs/kpi.md).
struct AFTERSALES_EXPORT KpiGroup {
  /// One value per `group_by` dimension, in its order; null when the ticket has none (no agent).
  std::vector<std::optional<std::string>> key;
  std::int64_t tickets = 0;
  std::int64_t resolved = 0;
  std::int64_t backlog = 0;
  KpiDurationStats first_response;
  KpiDurationStats resolution;
  /// The SLA status clocks' elapsed time on solved tickets whose SLA policy tracks them
  /// (docs/kpi.md): requester_wait_time, agent_work_time, on_hold_time.
  KpiDurationStats requester_wait, agent_work, on_hold;
  std::vector<KpiSlaStats> sla;  ///< by metric, in the SLA report's order
  std::optional<double> fcr_rate, one_touch_rate, reopen_rate, csat, nps, escalation_rate, reassignment_rate,
      bot_resolution_rate, complaint_rate;
  std::int64_t complaints = 0;
  /// Present exactly when compensation records were given (KpiOrders::compensations).
  std::optional<KpiCompensationStats> compensation;

  /// A metric by its scorecard name (`"csat"`, `"first_response_s.p50"`,
  /// `"sla.resolution.rate"`, `"tickets"`...); null when it has no data or no such name.
  [[nodiscard]] std::optional<double> metric(std::string_view name) const;
};

struct AFTERSALES_EXPORT KpiResult {
  std::vector<KpiDimension> group_by;
  /// The zone days, hours, weeks and months were read in; null without a time dimension.
  std::optional<std::string> time_zone;
  std::vector<KpiGroup> groups;  ///< sorted by key (null first, then by text)
  /// Tickets left out because they were created after the instant counted at: they did not
  /// exist yet (spec §9, "Replay in batches").
  std::int64_t not_yet_created = 0;

  /// `{"group_by": [...], "time_zone": ..., "not_yet_created": N, "groups": [{"key": {...},
  /// "tickets": ..., ...}]}`
  /// (docs/kpi.md).
  [[nodiscard]] std::string to_json() const;
};

/// Accumulates KPIs over tickets; mergeable and serialisable (a map/reduce job's partial).
///
/// Thread-safety: one thread at a time per accumulator; give each thread its own and merge.
class AFTERSALES_EXPORT KpiAccumulator {
 public:
  /// @throws InputError for a dimension given twice, a field dimension without a name, an
  ///         unknown `options.time_zone`, or a time dimension with no zone to read it in.
  KpiAccumulator(std::shared_ptr<const Policy> policy, KpiOptions options);
  /// An accumulator that also counts `compensations` (as KpiOrders::compensations) for the
  /// tickets it adds; its copies share them. It merges only with one made with records of the
  /// same currency, and its state cannot be written (`to_json` throws InputError): version 2
  /// of the state has no place for them.
  /// @throws as the constructor above; InputError for records in several currencies, or a
  ///         total of zero, naming `compensations[i]`.
  KpiAccumulator(std::shared_ptr<const Policy> policy, KpiOptions options,
                 std::span<const KpiCompensation> compensations);
  ~KpiAccumulator();
  KpiAccumulator(KpiAccumulator&&) noexcept;
  KpiAccumulator& operator=(KpiAccumulator&&) noexcept;
  KpiAccumulator(const KpiAccumulator&);
  KpiAccumulator& operator=(const KpiAccumulator&);

  /// A new, empty accumulator on the same policy, grouping the same way (a worker's part).
  [[nodiscard]] KpiAccumulator empty_copy() const;

  /// Adds one ticket as it stood at `at` (events after `at` are ignored). A ticket created
  /// after `at` did not exist yet: it is left out of every group, its events not replayed, and
  /// counted in the result's `not_yet_created` (an accumulator is a batch built in parts, and
  /// counts as one).
  /// @throws InputError if a ticket it replays has more than max_ticket_events events.
  void add(const Ticket& ticket, Instant at);

  /// Adds one ticket as it stood at `at` with the SLA report the host already has for it
  /// (`SlaEngine(policy).evaluate(ticket, at)` under this accumulator's policy): the same counts as
  /// `add(ticket, at)` without evaluating the SLA again. The states are counted as the report
  /// gives them, so a report evaluated at another instant counts that instant's states.
  /// @throws InputError if the ticket has more than max_ticket_events events, or `sla` is
  ///         another ticket's report, is marked `not_yet_created` while the ticket existed at
  ///         `at`, or names an SLA policy or metric this policy does not have.
  void add(const Ticket& ticket, Instant at, const SlaReport& sla);

  /// `add(batch.ticket(index), at)`, reading the batch's columns in place.
  /// @throws NotFoundError if `index` is not below `batch.size()`; as `add`.
  void add(const TicketBatch& batch, std::size_t index, Instant at);

  /// Adds everything `other` accumulated (its `not_yet_created` count too), or nothing.
  /// @throws InputError if `other` groups differently (dimensions or time zone) or uses another
  ///         policy's metrics;
  ///         RangeError if a count or sum of a group, or `not_yet_created`, would pass 2^63 − 1.
  void merge(const KpiAccumulator& other);

  /// The KPIs so far; `orders` feeds `complaint_rate`.
  /// @throws InputError if `orders` has compensation records and this accumulator was made
  ///         without (they are counted as tickets are added: give them to the constructor).
  [[nodiscard]] KpiResult result(const KpiOrders& orders = {}) const;

  /// The partial state as JSON (docs/kpi.md), for `from_json` elsewhere.
  [[nodiscard]] std::string to_json() const;

  /// Reads a state written by `to_json` against the same policy.
  /// @throws InputError naming the JSON path of every problem, counts no accumulator could
  ///         reach included (`satisfied` above `rated`; docs/kpi.md).
  static KpiAccumulator from_json(std::shared_ptr<const Policy> policy, std::string_view json);

 private:
  friend class KpiEngine;
  explicit KpiAccumulator(std::unique_ptr<detail::KpiState> state) noexcept;
  void add_checked(const Ticket& ticket, Instant at, const SlaReport* sla);
  // T: a ticket view of src/ticket/ticket_view.hpp.
  template <class T>
  void add_viewed(const T& ticket, Instant at, const SlaReport* sla);

  std::unique_ptr<detail::KpiState> state_;
};

/// One metric's part in a group's score.
struct ScorecardMetric {
  std::string name;
  std::optional<double> value;  ///< null: no data, left out of the score
  std::optional<double> score;  ///< 0-1 along floor → target, clamped
  double weight = 0;
  bool critical = false;
};

struct ScorecardRow {
  std::vector<std::optional<std::string>> key;
  std::optional<double> score;  ///< 0-100; null when no metric has data
  int stars = 0;                ///< 1-5; 0 when there is no score
  std::optional<int> rank;      ///< 1 = best within its ranking partition; null without a score
  bool critical_failed = false; ///< a critical metric scored below 0.5, so the score is 0
  std::vector<ScorecardMetric> metrics;
};

struct AFTERSALES_EXPORT ScorecardResult {
  std::string scorecard;
  std::vector<KpiDimension> group_by;
  std::vector<KpiDimension> rank_within;
  std::vector<ScorecardRow> rows;  ///< in the KPI result's group order

  [[nodiscard]] std::string to_json() const;
};

/// Computes KPIs over batches of tickets and scores them on the policy's scorecards.
///
/// Thread-safety: immutable; one engine serves any number of threads at once. It keeps its
/// policy alive, and copies are cheap (they share the policy).
class AFTERSALES_EXPORT KpiEngine {
 public:
  /// @throws InputError if `policy` is null.
  explicit KpiEngine(std::shared_ptr<const Policy> policy);

  /// The KPIs of `tickets` as they stood at `at`, counted on up to `options.threads` threads;
  /// the result does not depend on them. `orders` feeds `complaint_rate`. Tickets created after
  /// `at` are left out and counted in `not_yet_created`.
  /// @throws as `KpiAccumulator` and its `add`, for the first ticket (by index) that cannot be
  ///         counted, whatever the timing of the threads.
  [[nodiscard]] KpiResult compute(std::span<const Ticket> tickets, Instant at, const KpiOptions& kpi,
                                  const KpiOrders& orders = {}, const BatchOptions& options = {}) const;

  /// `compute` over the tickets of `batch`, read in place: the same result and errors as the
  /// span overload given `batch`'s tickets.
  [[nodiscard]] KpiResult compute(const TicketBatch& batch, Instant at, const KpiOptions& kpi,
                                  const KpiOrders& orders = {}, const BatchOptions& options = {}) const;

  /// `compute` over JSON Lines (one spec §3 ticket per line; blank lines skipped), tickets
  /// created after `at` left out and counted as in `compute`.
  /// @throws InputError naming the line of the first ticket (by line) that cannot be read or
  ///         counted, lines counted from `options.first_line` (blank ones included).
  [[nodiscard]] KpiResult compute_lines(std::string_view tickets, Instant at, const KpiOptions& kpi,
                                        const KpiOrders& orders = {}, const BatchOptions& options = {}) const;

  /// `compute_lines` over a stream (a file, standard input) of any size: read a block of
  /// `options.block_bytes` at a time and counted block by block, so that memory holds one block
  /// and the groups (docs/performance.md, "Streaming JSON Lines"). The result equals
  /// `compute_lines` on the whole text: tickets are sliced and merged as there. Lines are
  /// numbered through the whole stream from `options.first_line`; a line over a ticket's 4 MiB
  /// limit is refused unread. `options.progress` counts bytes as `SlaEngine::evaluate_lines`
  /// over a stream does.
  /// @throws InputError if `tickets` cannot be read (not open, failed), and as `compute_lines`.
  [[nodiscard]] KpiResult compute_lines(std::istream& tickets, Instant at, const KpiOptions& kpi,
                                        const KpiOrders& orders = {}, const BatchOptions& options = {}) const;

  /// Scores every group of `kpis` on the policy's scorecard `scorecard` (spec §7, docs/kpi.md)
  /// and ranks groups that share their `rank_within` key values (all groups when empty) by
  /// score, ties by group key.
  /// @throws NotFoundError for an unknown scorecard; InputError when `rank_within` names a
  ///         dimension the KPIs are not grouped by.
  [[nodiscard]] ScorecardResult score(std::string_view scorecard, const KpiResult& kpis,
                                      std::span<const KpiDimension> rank_within = {}) const;

 private:
  static KpiAccumulator start(const std::shared_ptr<const detail::KpiRules>& rules, const KpiOptions& kpi,
                              const KpiOrders& orders);

  std::shared_ptr<const detail::KpiRules> rules_;  // the policy's, sharing its ownership
};

/// The dimension named `name`: `"agent"`, ..., `"tag"`, or `"fields.<name>"`.
/// @throws InputError naming the dimensions there are.
AFTERSALES_EXPORT KpiDimension kpi_dimension(std::string_view name);

}  // namespace aftersales
