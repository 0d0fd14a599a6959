#pragma once
// SLA clocks (spec §4). A replay of the ticket's events up to the instant evaluated builds,
// for each metric instance, the stretches of time its clock ran; business time and threshold
// crossings then come from the target's calendar.
//
// One rule decides every threshold, the 100% breach included: a threshold is reached at the
// instant T its clock's elapsed time first equals it, and counts when T is at or before the
// instant evaluated and the metric had not completed at or before T. So a reply exactly at
// the due instant achieves the target, and a clock that is still running at its due instant
// is breached from then on.
//
// Included only by sla_evaluate.cpp and sla_evaluate_batch.cpp, each instantiating the
// replay for one ticket view: in one unit, GCC would stop inlining what each had called once.

#include "sla/sla_evaluate.hpp"

#include <aftersales/error.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <list>
#include <span>

#include "calendar/calendar_data.hpp"
#include "calendar/calendars.hpp"
#include "condition/ticket_subject.hpp"
#include "ticket/ticket_timeline.hpp"

namespace aftersales::detail {
namespace {

// Business time on a calendar, or plain elapsed time without one (between: BusinessTimes).
struct Clock {
  const Calendar* calendar;

  // nullopt when the result would lie beyond the supported range (not a coverage horizon).
  [[nodiscard]] std::optional<Instant> add(Instant t, Duration d) const {
    if (calendar == nullptr) {
      if (t + d > max_instant) return std::nullopt;
      return t + d;
    }
    try {
      return calendar->add(t, d);
    } catch (const BeyondCoverage&) {
      throw;  // not "never": the calendar does not know the dates the answer needs
    } catch (const RangeError&) {
      return std::nullopt;
    }
  }
};

struct Run {
  Instant start;
  Instant end;
};

// Business time of the stretches the clocks ran, worked out once a stretch and calendar for
// the whole report. Clocks run over the same stretches between status changes: the status
// clocks from creation, resolution, and the tail of a reply clock's cycle, so without this a
// report targeting the four status clocks did twice the calendar work of one that did not
// (docs/performance.md). A direct-mapped table: a lookup costs a hash and a compare and never
// allocates; a collision only recomputes. Only a report's first stretches go through it: a long
// ticket's thousands of stretches are mostly a reply clock's own, which no other clock shares,
// and looking them up cost it 10%.
class BusinessTimes {
 public:
  [[nodiscard]] Duration between(const Calendar* calendar, Instant from, Instant to) {
    if (calendar == nullptr) return to - from;
    if (++looked_up_ > max_looked_up) return calendar->between(from, to);
    const CalendarData* data = CalendarAccess::data(*calendar);  // targets hold copies of one calendar
    const auto hash = static_cast<std::uint64_t>(from.time_since_epoch().count()) * 0x9E3779B97F4A7C15ULL ^
                      static_cast<std::uint64_t>(to.time_since_epoch().count());
    Entry& e = entries_[(hash ^ hash >> 29) % entries_.size()];
    if (e.data == data && e.from == from && e.to == to) return e.length;
    e = {data, from, to, calendar->between(from, to)};
    return e.length;
  }

 private:
  struct Entry {
    const CalendarData* data = nullptr;
    Instant from{};
    Instant to{};
    Duration length{};
  };
  static constexpr int max_looked_up = 64;
  std::array<Entry, 16> entries_{};
  int looked_up_ = 0;
};

constexpr std::size_t no_instance = SIZE_MAX;

constexpr unsigned status_bit(Status s) { return 1U << static_cast<unsigned>(s); }

// A custom metric's conditions, as bits of what held at the last judgement: the edge-triggered
// ones, and pause_when, which pauses while it holds.
constexpr unsigned start_edge = 1U, stop_edge = 2U, reset_edge = 4U, pause_held = 8U;

// The status clocks, requester_wait_time to pausable_update, and the statuses each runs in
// (bits by Status), after Zendesk's definitions (docs/sla.md). None runs on a solved ticket.
constexpr std::array<unsigned, builtin_metric_count - first_status_clock> status_clock_runs{
    status_bit(Status::new_ticket) | status_bit(Status::open) | status_bit(Status::on_hold),  // requester_wait_time
    status_bit(Status::new_ticket) | status_bit(Status::open),                                // agent_work_time
    status_bit(Status::on_hold),                                                              // on_hold_time
    status_bit(Status::new_ticket) | status_bit(Status::open) | status_bit(Status::on_hold),  // pausable_update
};
// The status clocks that, like resolution, run from creation to resolved across reopens.
constexpr std::array<BuiltinMetric, 3> status_clocks_from_creation{
    BuiltinMetric::requester_wait_time, BuiltinMetric::agent_work_time, BuiltinMetric::on_hold_time};

// A custom metric's pause_when turning true or false, kept for the timeline's reasons.
struct ConditionPause {
  std::size_t metric;
  Instant at;
  bool holds;
};

// One metric instance while the events are replayed.
struct Instance {
  std::size_t target = 0;  // index into the policy's targets for the ticket's priority
  std::size_t previous = no_instance;  // the index of the metric's instance before this one
  int cycle = 0;
  Instant started_at{};
  std::optional<Instant> completed_at;
  boost::container::small_vector<Run, 2> runs;  // finished stretches of running time
  std::optional<Instant> running_since;
  std::optional<Instant> due_override;  // set by an sla_override event (docs/sla.md, "Overrides")
  bool cancelled = false;

  [[nodiscard]] bool open() const { return !completed_at && !cancelled; }
};

class Replay {
 public:
  Replay(const SlaRules& sla, const SlaPolicy& policy, Priority priority)
      : sla_(sla),
        policy_(policy),
        targets_(policy.targets[static_cast<std::size_t>(priority)]),
        lookup_(policy.lookups[static_cast<std::size_t>(priority)]) {}

  template <class T>
  void run(const T& ticket, const Timeline<T>& events, Instant at) {
    start(BuiltinMetric::first_response, ticket.created_at());
    start(BuiltinMetric::resolution, ticket.created_at());
    for (const BuiltinMetric m : status_clocks_from_creation) start(m, ticket.created_at());
    if (sla_.conditional_metrics) judge_at_creation(ticket);
    for_each_transition(ticket, events, *sla_.statuses, [this](const auto& t) { this->apply(t); });
    for (Instance& i : instances_) {
      if (i.open() && i.running_since) i.runs.push_back({*i.running_since, at});
    }
  }

  [[nodiscard]] const auto& instances() const { return instances_; }
  /// Where each custom metric's pause_when turned true or false, in time order.
  [[nodiscard]] std::span<const ConditionPause> condition_pauses() const { return condition_pauses_; }

  /// The instances by metric (targets are sorted by metric, built-ins first), then cycle.
  [[nodiscard]] boost::container::small_vector<const Instance*, 12> in_report_order() const {
    // A metric's instances are created in cycle order, so placing them by target, in creation
    // order, sorts them in linear time. (A cancelled follow-up shares its cycle with the next
    // one, but is never reported.)
    boost::container::small_vector<std::size_t, 12> first(targets_.size() + 1, 0);
    for (const Instance& i : instances_) ++first[i.target + 1];
    for (std::size_t t = 1; t < first.size(); ++t) first[t] += first[t - 1];
    boost::container::small_vector<const Instance*, 12> order(instances_.size());
    for (const Instance& i : instances_) order[first[i.target]++] = &i;
    return order;
  }

 private:
  // Whether the clock of `metric`, which has a target, runs now.
  [[nodiscard]] bool clock_runs(std::size_t metric) const {
    if (metric >= first_status_clock && metric < builtin_metric_count)
      return (status_clock_runs[metric - first_status_clock] & status_bit(status_)) != 0;
    if (metric == static_cast<std::size_t>(BuiltinMetric::resolution) &&
        (status_ == Status::resolved || status_ == Status::closed))
      return false;
    if ((lookup_.pauses[metric] & status_bit(status_)) != 0) return false;
    if (metric >= builtin_metric_count && metric < sla_.first_ola() &&
        (held_[metric - builtin_metric_count] & pause_held) != 0)
      return false;
    if (custom_ == 0) return true;
    // A custom status named in pause_on pauses in itself only.
    const Pauses* pauses = policy_.pauses_for(targets_[lookup_.by_metric[metric]]);
    return pauses == nullptr || std::find(pauses->custom.begin(), pauses->custom.end(), custom_ - 1) == pauses->custom.end();
  }
  // The latest instance of `metric`, if it has one: only that one can be open, since a new
  // instance starts only when the latest is not and a closed one reopens only as the latest.
  Instance* latest(std::size_t metric) {
    const std::size_t index = latest_[metric];
    return index == no_instance ? nullptr : &instances_[index];
  }
  // The open instance of `metric`, if any.
  Instance* current(std::size_t metric) {
    Instance* i = latest(metric);
    return i != nullptr && i->open() ? i : nullptr;
  }

  void start(std::size_t metric, Instant t) {
    const std::size_t target = lookup_.by_metric[metric];
    if (target == SIZE_MAX || current(metric) != nullptr) return;
    const std::size_t previous = latest_[metric];
    latest_[metric] = instances_.size();
    Instance& instance = instances_.emplace_back();  // in place: an Instance is large to move
    instance.target = target;
    instance.cycle = cycles_[metric]++;
    instance.started_at = t;
    if (clock_runs(metric)) instance.running_since = t;
    instance.previous = previous;
  }
  void start(BuiltinMetric metric, Instant t) { start(static_cast<std::size_t>(metric), t); }

  // Inlined by force: the condition rules call it too, and GCC would then stop inlining it into
  // the replay's every event (15% of a long ticket's replay).
  [[gnu::always_inline]] void complete(std::size_t metric, Instant t) {
    Instance* i = current(metric);
    if (i == nullptr) return;
    if (i->running_since) i->runs.push_back({*i->running_since, t});
    i->running_since.reset();
    i->completed_at = t;
  }
  // Inlined by force too: GCC called this one out of line at every event's completions.
  [[gnu::always_inline]] void complete(BuiltinMetric metric, Instant t) {
    complete(static_cast<std::size_t>(metric), t);
  }

  // After a status change, start or stop the clocks that depend on the status: those of the
  // open instances, one a metric at most.
  void update_running(Instant t) {
    for (const SlaTarget& target : targets_) {  // a metric without one has no instance
      const std::size_t metric = target.metric;
      Instance* open = current(metric);
      if (open == nullptr) continue;
      Instance& i = *open;
      const bool runs = clock_runs(metric);
      if (runs && !i.running_since) {
        i.running_since = t;
      } else if (!runs && i.running_since) {
        i.runs.push_back({*i.running_since, t});
        i.running_since.reset();
      }
    }
  }

  // The ticket became resolved or closed at `t`: the reply clocks stop (nobody owes a reply on
  // a solved ticket), and if it was not solved already, so do resolution and the status clocks,
  // and a resolution (not a closing) starts the return visit.
  void solve(Instant t, bool newly, bool resolution) {
    complete(BuiltinMetric::first_response, t);
    complete(BuiltinMetric::next_response, t);
    complete(BuiltinMetric::periodic_update, t);
    complete(BuiltinMetric::pausable_update, t);
    if (!newly) return;
    complete(BuiltinMetric::resolution, t);
    for (const BuiltinMetric m : status_clocks_from_creation) complete(m, t);
    if (resolution) start(BuiltinMetric::follow_up, t);
  }

  template <class E>
  void apply(const Transition<E>& transition) {
    const E& e = transition.event;
    const Status before = transition.before;
    const std::uint32_t custom_before = custom_;
    status_ = transition.after;
    custom_ = transition.custom;
    const Instant t = e.at();
    switch (e.type()) {
      case EventType::customer_message:
        // A "thank you" on a solved ticket starts no reply clock.
        if (awaiting_customer_ && status_ != Status::resolved && status_ != Status::closed) {
          start(BuiltinMetric::next_response, t);
          awaiting_customer_ = false;
        }
        break;
      case EventType::agent_reply:
        if (!is_public_human_reply(e)) break;
        complete(BuiltinMetric::first_response, t);
        complete(BuiltinMetric::next_response, t);
        complete(BuiltinMetric::periodic_update, t);
        complete(BuiltinMetric::pausable_update, t);
        awaiting_customer_ = true;
        if (status_ != Status::resolved && status_ != Status::closed) {
          start(BuiltinMetric::periodic_update, t);
          start(BuiltinMetric::pausable_update, t);
        }
        break;
      case EventType::resolved:
      case EventType::closed:
        // Only a resolution owes the customer a return visit; closing spam does not.
        solve(t, transition.solves(), e.type() == EventType::resolved);
        break;
      case EventType::reopened:
        reopen();
        break;
      case EventType::status:
        // Setting a solved ticket back to a working status reopens it, as in Zendesk; a custom
        // status of the solved category solves it as `resolved` does.
        if (transition.unsolves()) reopen();
        else if (transition.solves()) solve(t, true, true);
        break;
      case EventType::follow_up:
        complete(BuiltinMetric::follow_up, t);
        break;
      case EventType::custom:
        if (e.due_at()) apply_override(e);
        break;
      default:
        break;
    }
    // Most policies have no custom metric: skip naming the event.
    const bool paused_by_condition_changed = !sla_.metrics.empty() && apply_custom(e);
    if (!sla_.ola_queues.empty()) apply_ownership(transition);
    if (status_ != before || custom_ != custom_before || paused_by_condition_changed) update_running(t);
  }

  // The custom metrics' rules at one event. True if a pause_when changed, so clocks must be
  // started or stopped.
  template <class E>
  bool apply_custom(const E& e) {
    // A built-in event is known by its type (a hand-built one may have no name).
    const EventType type = e.type();
    const std::string_view name = type == EventType::custom ? e.name() : std::string_view();
    if (sla_.conditional_metrics) {
      if (type == EventType::priority) priority_ = e.to_priority();
      // An `assigned` event naming no queue leaves the ticket with the queue holding it.
      if (type == EventType::assigned && !e.queue().empty()) subject_->set_queue(e.queue());
      // A field or tag event changes what the conditions see from now on.
      if (type == EventType::custom)
        if (const auto change = e.change()) subject_->apply(*change);
      return apply_conditions(type, name, e.at());
    }
    std::size_t metric = builtin_metric_count;  // counted, not divided out of the iterator
    for (const CustomMetric& custom : sla_.metrics) {
      if (custom.stop.matches(type, name)) complete(metric, e.at());
      if (custom.start.matches(type, name)) start(metric, e.at());
      ++metric;
    }
    return false;
  }

  // apply_custom when some custom metric has a condition; out of line, so that the replay of
  // the usual policy, without any, is inlined as before.
  [[gnu::noinline]] bool apply_conditions(EventType type, std::string_view name, Instant t) {
    subject_->set_state(priority_, status_name({priority_, status_, custom_}, *sla_.statuses));
    bool pause_changed = false;
    for (std::size_t m = 0; m < sla_.metrics.size(); ++m) {
      const CustomMetric& custom = sla_.metrics[m];
      pause_changed = step_custom(m, t, custom.stop.matches(type, name), custom.start.matches(type, name)) || pause_changed;
    }
    return pause_changed;
  }

  // Conditions see the ticket as created before any event: a start_when that holds then starts
  // the clock at created_at.
  template <class T>
  void judge_at_creation(const T& ticket) {
    priority_ = ticket.priority();
    subject_.emplace(ticket, priority_, to_string(status_), *sla_.symbols);
    for (std::size_t m = 0; m < sla_.metrics.size(); ++m) step_custom(m, ticket.created_at(), false, false);
  }

  // One custom metric at one instant, in the documented order (docs/sla.md): pause_when is
  // judged first, so a clock started now starts paused if it holds; then a stop (its event or
  // stop_when becoming true), a reset (reset_when becoming true: the open instance is dropped
  // and a new one starts), a start (its event or start_when becoming true; nothing if one is
  // open). True if pause_when changed.
  bool step_custom(std::size_t m, Instant t, bool stop_event, bool start_event) {
    const std::size_t metric = builtin_metric_count + m;
    const CustomMetric& custom = sla_.metrics[m];
    unsigned edges = 0;
    bool pause_changed = false;
    if (custom.conditional()) {
      const Subject& subject = subject_->subject();
      unsigned holds = 0;
      if (custom.start_when && custom.start_when->matches(subject)) holds |= start_edge;
      if (custom.stop_when && custom.stop_when->matches(subject)) holds |= stop_edge;
      if (custom.reset_when && custom.reset_when->matches(subject)) holds |= reset_edge;
      edges = holds & ~held_[m];
      if (custom.pause_when && custom.pause_when->matches(subject)) holds |= pause_held;
      pause_changed = ((holds ^ held_[m]) & pause_held) != 0;
      held_[m] = holds;
      if (pause_changed) condition_pauses_.push_back({metric, t, (holds & pause_held) != 0});
    }
    if (stop_event || (edges & stop_edge) != 0) complete(metric, t);
    if ((edges & reset_edge) != 0) {
      discard(metric);
      start(metric, t);
    }
    if (start_event || (edges & start_edge) != 0) start(metric, t);
    return pause_changed;
  }

  // Drops the open instance of `metric` as if it had never started: never reported, and its
  // cycle number is used again by the next one.
  void discard(std::size_t metric) {
    Instance* open = current(metric);
    if (open == nullptr) return;
    --cycles_[metric];
    // Dropped when no instance has started since (the usual case), lest a ticket reopened or
    // reset again and again pile them up; marked otherwise.
    if (open == &instances_.back()) {
      latest_[metric] = open->previous;
      instances_.pop_back();
    } else {
      open->cancelled = true;
    }
  }

  // OLAs (docs/sla.md, "OLAs"): the queue named by the latest `assigned` event holds the
  // ticket, and its clock runs from that event to a reassignment to another queue or a
  // resolution; a reopen resumes the holder's ownership, as resolution time accumulates.
  // Out of line, as apply_override: rare events that would otherwise grow the loop every
  // event goes through (bench/sla_bench measured it).
  template <class E>
  [[gnu::noinline]] void apply_ownership(const Transition<E>& transition) {
    const E& e = transition.event;
    const Instant t = e.at();
    if (e.type() == EventType::assigned) {
      if (e.queue().empty()) return;  // an agent of whichever queue holds it
      const std::size_t owner = ola_of(e.queue());
      if (owner == owner_) return;  // within the same queue: the ownership goes on
      if (owner_ != no_instance) complete(owner_, t);
      owner_ = owner;
      ownership_ = no_instance;
      // A solved ticket's new holder owes nothing until it reopens.
      if (status_ != Status::resolved && status_ != Status::closed) begin_ownership(t);
      return;
    }
    // Resolving (a custom status of the solved category too) completes the holder's ownership;
    // reopening resumes it.
    if (owner_ == no_instance) return;
    if (transition.solves()) {
      complete(owner_, t);
    } else if (transition.unsolves()) {
      if (ownership_ != no_instance) instances_[ownership_].completed_at.reset();
      else begin_ownership(t);
    }
  }
  // The OLA metric of `queue`, or no_instance for a queue without one.
  [[nodiscard]] std::size_t ola_of(std::string_view queue) const {
    const auto& queues = sla_.ola_queues;
    const auto it = std::find(queues.begin(), queues.end(), queue);
    return it == queues.end() ? no_instance : sla_.first_ola() + static_cast<std::size_t>(it - queues.begin());
  }
  void begin_ownership(Instant t) {
    if (owner_ == no_instance) return;
    start(owner_, t);
    if (current(owner_) != nullptr) ownership_ = latest_[owner_];
  }

  // An sla_override event (docs/sla.md, "Overrides") fixes the due instant of the named
  // metric's open instance; an OLA is named "ola" and means the holding queue's.
  template <class E>
  [[gnu::noinline]] void apply_override(const E& e) {
    const std::string_view name = e.metric();
    std::size_t metric = no_instance;
    if (name == ola_metric_name) {
      metric = owner_;
    } else {
      for (std::size_t m = 0; m < sla_.first_ola(); ++m)
        if (sla_.metric_name(m) == name) metric = m;
    }
    if (metric == no_instance) return;
    if (Instance* i = current(metric)) i->due_override = *e.due_at();
  }

  // Resolution time, and the status clocks', accumulate across a reopen; a pending follow-up
  // visit is moot.
  void reopen() {
    if (Instance* resolution = latest(static_cast<std::size_t>(BuiltinMetric::resolution)))
      resolution->completed_at.reset();
    for (const BuiltinMetric m : status_clocks_from_creation)
      if (Instance* clock = latest(static_cast<std::size_t>(m))) clock->completed_at.reset();
    discard(static_cast<std::size_t>(BuiltinMetric::follow_up));
  }

  const SlaRules& sla_;
  const SlaPolicy& policy_;
  const std::vector<SlaTarget>& targets_;  // the ticket's priority's
  const SlaTargetLookup& lookup_;          // of targets_
  // Room for every built-in metric and a few cycles or custom metrics without the heap.
  boost::container::small_vector<Instance, 12> instances_;
  // By metric: instances started, but for cancelled follow-ups, and the index of the latest.
  boost::container::small_vector<int, 12> cycles_ = boost::container::small_vector<int, 12>(sla_.metric_count(), 0);
  boost::container::small_vector<std::size_t, 12> latest_ =
      boost::container::small_vector<std::size_t, 12>(sla_.metric_count(), no_instance);
  std::size_t owner_ = no_instance;      // the OLA metric of the queue holding the ticket, if it has one
  std::size_t ownership_ = no_instance;  // the instance of the current ownership, once started
  // Only with conditional custom metrics: the ticket as the conditions see it, and by custom
  // metric which conditions held at the last judgement.
  std::optional<TicketSubject> subject_;
  std::vector<ConditionPause> condition_pauses_;
  boost::container::small_vector<unsigned, 4> held_ = boost::container::small_vector<unsigned, 4>(sla_.metrics.size(), 0U);
  Status status_ = Status::new_ticket;
  std::uint32_t custom_ = 0;  // as TicketState's
  Priority priority_ = Priority::normal;
  bool awaiting_customer_ = false;
};

using RunLengths = boost::container::small_vector<Duration, 4>;

// The instant a clock reaches `threshold` of elapsed time within `runs` (whose lengths on the
// clock are `lengths`), if it does.
template <class Runs>
std::optional<Instant> crossing(const Clock& clock, const Runs& runs, const RunLengths& lengths, Duration threshold) {
  Duration before{0};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (before + lengths[i] >= threshold) return clock.add(runs[i].start, threshold - before);
    before += lengths[i];
  }
  return std::nullopt;
}

// Where one instance's clock stands at the instant evaluated: what the report and the KPI
// counts both start from.
class Standing {
 public:
  Standing(const Instance& instance, const SlaTarget& target, BusinessTimes& times)
      : instance_(instance), clock_{target.calendar ? &*target.calendar : nullptr}, target_(target.target) {
    for (const Run& run : instance.runs)
      elapsed_ += lengths_.emplace_back(times.between(clock_.calendar, run.start, run.end));
    breached_at_ = crossed(target_);
    if (breached_at_) state_ = SlaState::breached;
    else if (instance.completed_at) state_ = SlaState::achieved;
    else if (!instance.running_since) state_ = SlaState::paused;
    else state_ = SlaState::active;
  }

  // The instant T the clock reached `threshold`, if it has; T counts only if the metric had
  // not completed by T.
  [[nodiscard]] std::optional<Instant> reached(Duration threshold) const {
    return threshold == target_ ? breached_at_ : crossed(threshold);  // 100%: the breach, known
  }
  // When a running clock will reach `threshold`, if no event intervenes.
  [[nodiscard]] std::optional<Instant> ahead(Instant at, Duration threshold) const {
    if (!instance_.running_since || !instance_.open()) return std::nullopt;
    return clock_.add(at, threshold - elapsed_);
  }

  [[nodiscard]] Duration elapsed() const { return elapsed_; }
  [[nodiscard]] std::optional<Instant> breached_at() const { return breached_at_; }
  [[nodiscard]] SlaState state() const { return state_; }

 private:
  [[nodiscard]] std::optional<Instant> crossed(Duration threshold) const {
    if (elapsed_ < threshold) return std::nullopt;
    // Zero is reached as the clock starts, even paused or in closed time.
    const auto t = threshold == Duration::zero() ? std::optional(instance_.started_at)
                                                 : crossing(clock_, instance_.runs, lengths_, threshold);
    if (!t || (instance_.completed_at && *t >= *instance_.completed_at)) return std::nullopt;
    return t;
  }

  const Instance& instance_;
  Clock clock_;
  Duration target_;
  RunLengths lengths_;
  Duration elapsed_{0};
  std::optional<Instant> breached_at_;
  SlaState state_;
};

// An instance under a manual due-date override (docs/sla.md, "Overrides") as its clock stands:
// a deadline on the wall clock, that is one run without pauses or calendar from its start to
// its completion (or `at`), whose target is the span from its start to the due instant, so
// that every threshold, 100% included, is that share of it.
struct Overridden {
  Instance instance;
  SlaTarget target;
};

// Out of line: rare, and the report's loop must stay small enough to inline report_instance.
[[gnu::noinline]] inline Overridden overridden(const Instance& instance, const SlaTarget& target,
                                               const SlaPolicy& policy, Instant at) {
  Overridden fixed{instance, {target.metric, *instance.due_override - instance.started_at, std::nullopt, std::nullopt}};
  fixed.target.reaches = reach_order(policy, target.metric, fixed.target.target);
  // The span is positive: the reader holds due_at after the event, which comes after the start.
  fixed.instance.runs.assign(1, Run{instance.started_at, instance.completed_at.value_or(at)});
  fixed.instance.running_since.reset();
  if (!instance.completed_at) fixed.instance.running_since = at;
  return fixed;
}

// The instance and target whose clock the report reads: `instance`'s own, or its override's,
// kept in `storage` (a list: the standings refer to what it holds as it grows; empty, as
// without overrides, it never allocates).
inline std::pair<const Instance*, const SlaTarget*> as_reported(const Instance& instance, const SlaTarget& target,
                                                                const SlaPolicy& policy, Instant at,
                                                                std::list<Overridden>& storage) {
  if (!instance.due_override) return {&instance, &target};
  const Overridden& fixed = storage.emplace_back(overridden(instance, target, policy, at));
  return {&fixed.instance, &fixed.target};
}

// Adds one metric instance to `report`: its state, its escalations, and what it contributes
// to next_check_at.
void report_instance(const Instance& instance, const Standing& standing, const SlaTarget& target,
                     const SlaPolicy& policy, const SlaRules& sla, Instant at, SlaReport& report) {
  // In place: room for every instance was reserved, and moving one in cost 4% of a report.
  SlaMetric& metric = report.metrics.emplace_back();
  metric.metric = std::string(sla.metric_name(target.metric));
  if (sla.is_ola(target.metric)) metric.queue = sla.queue_of(target.metric);
  metric.override_due_at = instance.due_override;
  metric.cycle = instance.cycle;
  metric.target = target.target;
  metric.started_at = instance.started_at;
  metric.completed_at = instance.completed_at;
  metric.elapsed = standing.elapsed();
  metric.breached_at = standing.breached_at();
  metric.state = standing.state();
  if (metric.state == SlaState::active) metric.due_at = standing.ahead(at, metric.target);
  else if (metric.state == SlaState::breached && instance.open() && instance.running_since) metric.due_at = metric.breached_at;

  const auto consider_next = [&](std::optional<Instant> t) {
    if (t && *t > at && (!report.next_check_at || *t < *report.next_check_at)) report.next_check_at = t;
  };
  if (metric.state == SlaState::active) consider_next(metric.due_at);
  for (const SlaReach& reach : target.reaches) {
    if (metric.elapsed < reach.level) {  // this one and those after it lie ahead: only it can be next
      consider_next(standing.ahead(at, reach.level));
      break;
    }
    const auto t = standing.reached(reach.level);
    if (!t) continue;  // reached after the metric completed
    const SlaThreshold& threshold = policy.escalations[reach.threshold];
    SlaEscalation& e = report.escalations.emplace_back();
    e.metric = metric.metric;
    if (!metric.queue.empty()) e.queue = metric.queue;
    e.cycle = metric.cycle;
    e.percent = threshold.percent;
    e.action = threshold.action;
    e.to = threshold.to;
    e.reached_at = *t;
    e.deliver_at = *t;
    if (threshold.percent == 0) e.offset = threshold.offset;
    if (threshold.calendar) {
      e.calendar = threshold.calendar->name();
      e.deliver_at = threshold.calendar->next_open(*t);
      consider_next(e.deliver_at);  // a delivery still to come
    }
  }
}

// The timeline (SlaOptions::explain): apart from the report, so that one without it costs
// nothing more.

// The ticket's status from each instant on, by name (a custom status's own): new at creation,
// then each change in order.
using StatusHistory = boost::container::small_vector<std::pair<Instant, std::string_view>, 8>;

template <class T>
StatusHistory status_history(const T& ticket, const Timeline<T>& events, const StatusCategories& statuses) {
  StatusHistory history{{ticket.created_at(), to_string(Status::new_ticket)}};
  TicketState state{ticket.priority(), Status::new_ticket};
  for_each_transition(ticket, events, statuses, [&](const auto& t) {
    if (t.after == state.status && t.custom == state.custom) return;
    state = {state.priority, t.after, t.custom};
    history.emplace_back(t.event.at(), status_name(state, statuses));
  });
  return history;
}

// `[from, to)` as paused spans, cut where the status changes: each span's reason is its status.
void add_paused(const StatusHistory& history, Instant from, Instant to, std::vector<SlaPausedSpan>& paused) {
  if (from >= to) return;
  // The first change after `from`; the one before it is the status at `from`.
  auto next = std::upper_bound(history.begin(), history.end(), from,
                               [](Instant t, const auto& change) { return t < change.first; });
  std::string_view status = std::prev(next)->second;  // history starts at creation, at or before `from`
  for (; next != history.end() && next->first < to; ++next) {
    if (next->first > from) {
      paused.push_back({from, next->first, std::string(status)});
      from = next->first;
    }
    status = next->second;  // several changes at one instant: the last one holds
  }
  paused.push_back({from, to, std::string(status)});
}

// The calendar's closed time within `[from, to)`.
void add_closed(const Calendar& calendar, Instant from, Instant to, std::vector<SlaClosedSpan>& closed) {
  // A calendar that never closes (or opens) again before 2201 throws: that runs to `to`.
  const auto or_to = [to](auto find) {
    try {
      return std::min(find(), to);
    } catch (const RangeError&) {
      return to;
    }
  };
  for (Instant t = from; t < to;) {
    if (calendar.is_open(t)) {
      t = or_to([&] { return calendar.next_close(t); });
    } else {
      const Instant open = or_to([&] { return calendar.next_open(t); });
      closed.push_back({t, open});
      t = open;
    }
  }
}

constexpr std::string_view pause_when_reason = "pause_when";

// Where a custom metric's pause_when held, its paused spans say so: their reason is
// "pause_when", not the status then (a status its pause_on names may hold too, but the
// condition is the metric's own rule). Spans are cut where it turned true or false, and
// neighbouring spans it covers become one. Linear: both lists are in time order.
void name_condition_pauses(std::span<const ConditionPause> changes, std::size_t metric,
                           std::vector<SlaPausedSpan>& paused) {
  boost::container::small_vector<Run, 4> held;  // where it held, [start, end)
  std::optional<Instant> since;
  for (const ConditionPause& change : changes) {
    if (change.metric != metric) continue;
    if (change.holds) {
      since = change.at;
    } else if (since) {
      if (*since < change.at) held.push_back({*since, change.at});  // not turned back at once
      since.reset();
    }
  }
  if (since) held.push_back({*since, max_instant});
  if (held.empty()) return;
  std::vector<SlaPausedSpan> named;
  const auto add = [&named](Instant from, Instant to, std::string_view reason) {
    if (!named.empty() && reason == pause_when_reason && named.back().to == from && named.back().reason == reason)
      named.back().to = to;
    else
      named.push_back({from, to, std::string(reason)});
  };
  auto h = held.begin();
  for (const SlaPausedSpan& span : paused) {
    for (Instant from = span.from; from < span.to;) {
      while (h != held.end() && h->end <= from) ++h;
      if (h == held.end() || h->start >= span.to) {
        add(from, span.to, span.reason);
        break;
      }
      if (h->start > from) add(from, h->start, span.reason);
      from = std::max(from, h->start);
      const Instant to = std::min(h->end, span.to);
      add(from, to, pause_when_reason);
      from = to;
    }
  }
  paused = std::move(named);
}

// Where `instance`'s elapsed time came from: its runs (with their business time, which sums to
// the report's elapsed exactly) and what lies between them.
SlaTimeline explain_instance(const Instance& instance, const SlaTarget& target, const StatusHistory& history,
                             std::span<const ConditionPause> condition_pauses, Instant at) {
  SlaTimeline timeline;
  const Calendar* calendar = target.calendar ? &*target.calendar : nullptr;
  Instant paused_from = instance.started_at;
  for (const Run& run : instance.runs) {
    add_paused(history, paused_from, run.start, timeline.paused);
    paused_from = run.end;
    if (run.start == run.end) continue;
    // The calendar's own answer, which BusinessTimes gave the report (not called here: a second
    // caller made GCC stop inlining it into the report's Standing, 8% of a report).
    timeline.counted.push_back({run.start, run.end, calendar != nullptr ? calendar->between(run.start, run.end)
                                                                        : run.end - run.start});
    if (calendar != nullptr) add_closed(*calendar, run.start, run.end, timeline.closed);
  }
  // A clock that is not running waits until it completes or the instant evaluated.
  add_paused(history, paused_from, instance.completed_at.value_or(at), timeline.paused);
  if (!condition_pauses.empty()) name_condition_pauses(condition_pauses, target.metric, timeline.paused);
  return timeline;
}

// The timelines of the instances reported, in report order. Never inlined: in the report's
// function its code made GCC inline less of what a report without it runs (measured: 10% on
// BM_SlaEvaluateOneTicket).
template <class T, class Instances>
[[gnu::noinline]] void add_timelines(const T& ticket, const Timeline<T>& events, const StatusCategories& statuses,
                                     const Instances& instances, std::span<const ConditionPause> condition_pauses,
                                     const SlaPolicy& policy, const std::vector<SlaTarget>& targets, Instant at,
                                     SlaReport& report) {
  const StatusHistory history = status_history(ticket, events, statuses);
  report.timelines.reserve(report.metrics.size());
  std::list<Overridden> overrides;
  for (const Instance* instance : instances) {
    if (instance->cancelled) continue;
    // As reported: an override's clock is one plain run to the due instant's span, and an
    // OLA's target carries its queue's calendar.
    const auto [reported, target] = as_reported(*instance, targets[instance->target], policy, at, overrides);
    report.timelines.push_back(explain_instance(*reported, *target, history, condition_pauses, at));
  }
}

// The ticket's SLA status, from its reported metrics (sla.hpp, SlaTicketStatus).
SlaTicketStatus ticket_status(const std::vector<SlaMetric>& metrics) {
  bool open = false;
  bool missed = false;
  for (const SlaMetric& m : metrics) {
    open = open || !m.completed_at;
    missed = missed || m.breached_at;
  }
  if (open) return missed ? SlaTicketStatus::active_with_misses : SlaTicketStatus::active;
  return missed ? SlaTicketStatus::failed : SlaTicketStatus::fulfilled;
}

template <class T>
void require_created_by(const T& ticket, Instant at) {
  if (at < ticket.created_at())
    throw InputError("cannot evaluate ticket \"" + std::string(ticket.id()) + "\" at " + format_instant(at) +
                     ", before it was created (" + format_instant(ticket.created_at()) + ")");
}

// The first SLA policy valid at the ticket's creation whose `when` matches the ticket as it
// stands, when some policy has dates or a calendar condition: judged at the creation, not at
// `at`, so that a ticket's SLA figures never change later. Out of line: the usual policy's
// path below stays as it was before time was known.
template <class T>
[[gnu::noinline]] const SlaPolicy* applying_timed_policy(const SlaRules& sla, const T& ticket, const TicketState& state) {
  TicketSubject subject(ticket, state.priority, status_name(state, *sla.statuses), *sla.symbols);
  const Instant created = ticket.created_at();
  subject.set_instant(created);
  for (const SlaPolicy& p : sla.policies)
    if (p.valid.contains(created) && p.when.matches(subject.subject())) return &p;
  return nullptr;
}

// The first SLA policy whose `when` matches the ticket as it stands, if any.
template <class T>
const SlaPolicy* applying_policy(const SlaRules& sla, const T& ticket, const TicketState& state) {
  if (sla.timed) return applying_timed_policy(sla, ticket, state);
  const TicketSubject subject(ticket, state.priority, status_name(state, *sla.statuses), *sla.symbols);
  for (const SlaPolicy& p : sla.policies)
    if (p.when.matches(subject.subject())) return &p;
  return nullptr;
}

}  // namespace

template <class T>
SlaReport evaluate_sla(const SlaRules& sla, const T& ticket, Instant at, const SlaOptions& options) {
  require_created_by(ticket, at);
  const auto events = timeline(ticket, at);
  const TicketState state = ticket_state(ticket, events, *sla.statuses);
  const Priority priority = state.priority;

  SlaReport report;
  report.ticket = ticket.id();
  report.priority = priority;
  const SlaPolicy* policy = applying_policy(sla, ticket, state);
  if (policy == nullptr) return report;
  report.policy = policy->id;

  const auto& targets = policy->targets[static_cast<std::size_t>(priority)];
  Replay replay(sla, *policy, priority);
  replay.run(ticket, events, at);

  const auto instances = replay.in_report_order();
  report.metrics.reserve(instances.size());
  // Escalations are listed by reached_at; equal instants keep metric and threshold order. A
  // metric's come in that order already (a cycle escalates only before it completes, and the
  // next starts after), so each metric's run is merged into those before it: linear in the
  // escalations for a given policy, where inserting each in place was quadratic.
  const auto earlier = [](const SlaEscalation& a, const SlaEscalation& b) { return a.reached_at < b.reached_at; };
  std::size_t metric_escalations = 0;  // where the current metric's run began
  BusinessTimes times;
  // The standings first, to make room for the escalations once: a clock reaches a threshold
  // only if its elapsed time has, so that count is at least theirs (and usually is theirs). A
  // long ticket reaches thousands, which growing the vector copied over and over.
  boost::container::small_vector<Standing, 12> standings;
  standings.reserve(instances.size());
  std::list<Overridden> overrides;  // the clocks of overridden instances, in report order
  std::size_t reachable = 0;
  for (const Instance* instance : instances) {
    if (instance->cancelled) continue;
    const auto [reported, target] = as_reported(*instance, targets[instance->target], *policy, at, overrides);
    const Duration elapsed = standings.emplace_back(*reported, *target, times).elapsed();
    for (const SlaReach& reach : target->reaches) {
      if (elapsed < reach.level) break;
      ++reachable;
    }
  }
  report.escalations.reserve(reachable);
  const Standing* standing = standings.data();
  auto next_override = overrides.begin();
  for (std::size_t k = 0; k < instances.size(); ++k) {
    const Instance& instance = *instances[k];
    if (!instance.cancelled && instance.due_override) {  // its clock as as_reported made it above
      const Overridden& fixed = *next_override++;
      report_instance(fixed.instance, *standing++, fixed.target, *policy, sla, at, report);
    } else if (!instance.cancelled) {
      report_instance(instance, *standing++, targets[instance.target], *policy, sla, at, report);
    }
    if (k + 1 == instances.size() || instances[k + 1]->target != instance.target) {
      const auto run = report.escalations.begin() + static_cast<std::ptrdiff_t>(metric_escalations);
      // inplace_merge allocates a buffer even when the run already comes after the others.
      if (run != report.escalations.begin() && run != report.escalations.end() && earlier(*run, run[-1]))
        std::inplace_merge(report.escalations.begin(), run, report.escalations.end(), earlier);
      metric_escalations = report.escalations.size();
    }
  }
  if (options.explain) {
    add_timelines(ticket, events, *sla.statuses, instances, replay.condition_pauses(), *policy, targets, at, report);
  }
  report.status = ticket_status(report.metrics);
  return report;
}

template <class T>
SlaOutcomes sla_outcomes(const SlaRules& sla, const T& ticket, const Timeline<T>& events, const TicketState& state,
                         Instant at) {
  require_created_by(ticket, at);
  SlaOutcomes outcomes;
  outcomes.policy = applying_policy(sla, ticket, state);
  if (outcomes.policy == nullptr) return outcomes;
  const auto& targets = outcomes.policy->targets[static_cast<std::size_t>(state.priority)];
  Replay replay(sla, *outcomes.policy, state.priority);
  replay.run(ticket, events, at);
  BusinessTimes times;
  std::list<Overridden> overrides;
  for (const Instance& instance : replay.instances()) {
    if (instance.cancelled) continue;
    const auto [reported, target] = as_reported(instance, targets[instance.target], *outcomes.policy, at, overrides);
    const Standing standing(*reported, *target, times);
    outcomes.instances.push_back({target->metric, standing.state(), standing.elapsed(), reported->completed_at});
  }
  return outcomes;
}

}  // namespace aftersales::detail
