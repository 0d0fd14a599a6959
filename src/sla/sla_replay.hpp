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

#include "calendar/calendars.hpp"
#include "condition/ticket_subject.hpp"
#include "ticket/ticket_timeline.hpp"

namespace aftersales::detail {
namespace {

// Business time on a calendar, or plain elapsed time without one.
struct Clock {
  const Calendar* calendar;

  [[nodiscard]] Duration between(Instant from, Instant to) const {
    return calendar != nullptr ? calendar->between(from, to) : to - from;
  }
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

constexpr std::size_t no_instance = SIZE_MAX;

constexpr unsigned status_bit(Status s) { return 1U << static_cast<unsigned>(s); }

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

// One metric instance while the events are replayed.
struct Instance {
  std::size_t target = 0;  // index into the policy's targets for the ticket's priority
  std::size_t previous = no_instance;  // the index of the metric's instance before this one
  int cycle = 0;
  Instant started_at{};
  std::optional<Instant> completed_at;
  boost::container::small_vector<Run, 4> runs;  // finished stretches of running time
  std::optional<Instant> running_since;
  bool cancelled = false;

  [[nodiscard]] bool open() const { return !completed_at && !cancelled; }
};

class Replay {
 public:
  Replay(const SlaRules& sla, const SlaPolicy& policy, const std::vector<SlaTarget>& targets)
      : sla_(sla), policy_(policy), targets_(targets) {
    for (const SlaTarget& target : targets)
      if (target.metric < builtin_metric_count) builtins_targeted_ |= 1U << target.metric;
  }

  template <class T>
  void run(const T& ticket, const Timeline<T>& events, Instant at) {
    start(BuiltinMetric::first_response, ticket.created_at());
    start(BuiltinMetric::resolution, ticket.created_at());
    for (const BuiltinMetric m : status_clocks_from_creation) start(m, ticket.created_at());
    for_each_transition(ticket, events, [this](const auto& t) { this->apply(t); });
    for (Instance& i : instances_) {
      if (i.open() && i.running_since) i.runs.push_back({*i.running_since, at});
    }
  }

  [[nodiscard]] const auto& instances() const { return instances_; }

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
  // Index of the target for `metric`, if the ticket's priority has one.
  [[nodiscard]] std::optional<std::size_t> target_of(std::size_t metric) const {
    for (std::size_t i = 0; i < targets_.size(); ++i)
      if (targets_[i].metric == metric) return i;
    return std::nullopt;
  }
  [[nodiscard]] bool pausable(std::size_t metric) const {
    return metric == static_cast<std::size_t>(BuiltinMetric::resolution) || metric >= builtin_metric_count;
  }
  [[nodiscard]] bool clock_runs(std::size_t metric) const {
    if (metric >= first_status_clock && metric < builtin_metric_count)
      return (status_clock_runs[metric - first_status_clock] & status_bit(status_)) != 0;
    if (metric == static_cast<std::size_t>(BuiltinMetric::resolution) &&
        (status_ == Status::resolved || status_ == Status::closed))
      return false;
    return !(pausable(metric) && policy_.pauses[static_cast<std::size_t>(status_)]);
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
    // Most policies target few built-in metrics: those they don't are told apart at once.
    if (metric < builtin_metric_count && (builtins_targeted_ >> metric & 1U) == 0) return;
    const auto target = target_of(metric);
    if (!target || current(metric) != nullptr) return;
    Instance instance;
    instance.target = *target;
    instance.cycle = cycles_[metric]++;
    instance.started_at = t;
    if (clock_runs(metric)) instance.running_since = t;
    instance.previous = latest_[metric];
    latest_[metric] = instances_.size();
    instances_.push_back(std::move(instance));
  }
  void start(BuiltinMetric metric, Instant t) { start(static_cast<std::size_t>(metric), t); }

  void complete(std::size_t metric, Instant t) {
    Instance* i = current(metric);
    if (i == nullptr) return;
    if (i->running_since) i->runs.push_back({*i->running_since, t});
    i->running_since.reset();
    i->completed_at = t;
  }
  void complete(BuiltinMetric metric, Instant t) { complete(static_cast<std::size_t>(metric), t); }

  // After a status change, start or stop the clocks that depend on the status: those of the
  // open instances, one a metric at most.
  void update_running(Instant t) {
    for (std::size_t metric = 0; metric < latest_.size(); ++metric) {
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

  template <class E>
  void apply(const Transition<E>& transition) {
    const E& e = transition.event;
    const Status before = transition.before;
    status_ = transition.after;
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
        // Resolving ends the reply clocks: nobody owes a reply on a solved ticket.
        complete(BuiltinMetric::first_response, t);
        complete(BuiltinMetric::next_response, t);
        complete(BuiltinMetric::periodic_update, t);
        complete(BuiltinMetric::pausable_update, t);
        if (before != Status::resolved && before != Status::closed) {
          complete(BuiltinMetric::resolution, t);
          for (const BuiltinMetric m : status_clocks_from_creation) complete(m, t);
          // Only a resolution owes the customer a return visit; closing spam does not.
          if (e.type() == EventType::resolved) start(BuiltinMetric::follow_up, t);
        }
        break;
      case EventType::reopened:
        reopen();
        break;
      case EventType::status:
        // Setting a solved ticket back to a working status reopens it, as in Zendesk.
        if (before == Status::resolved || before == Status::closed) reopen();
        break;
      case EventType::follow_up:
        complete(BuiltinMetric::follow_up, t);
        break;
      default:
        break;
    }
    if (!sla_.metrics.empty()) apply_custom(e);  // most policies have none: skip naming the event
    if (status_ != before) update_running(t);
  }

  template <class E>
  void apply_custom(const E& e) {
    // A built-in event is known by its type (a hand-built one may have no name).
    const std::string_view name = e.type() == EventType::custom ? e.name() : to_string(e.type());
    for (std::size_t m = 0; m < sla_.metrics.size(); ++m) {
      const CustomMetric& custom = sla_.metrics[m];
      if (name == custom.stop) complete(builtin_metric_count + m, e.at());
      if (name == custom.start) start(builtin_metric_count + m, e.at());
    }
  }

  // Resolution time, and the status clocks', accumulate across a reopen; a pending follow-up
  // visit is moot.
  void reopen() {
    if (Instance* resolution = latest(static_cast<std::size_t>(BuiltinMetric::resolution)))
      resolution->completed_at.reset();
    for (const BuiltinMetric m : status_clocks_from_creation)
      if (Instance* clock = latest(static_cast<std::size_t>(m))) clock->completed_at.reset();
    const auto metric = static_cast<std::size_t>(BuiltinMetric::follow_up);
    if (Instance* follow_up = current(metric)) {
      --cycles_[metric];
      // Never reported, so dropped when no instance has started since (the usual case), lest
      // a ticket reopened again and again pile them up; marked otherwise.
      if (follow_up == &instances_.back()) {
        latest_[metric] = follow_up->previous;
        instances_.pop_back();
      } else {
        follow_up->cancelled = true;
      }
    }
  }

  const SlaRules& sla_;
  const SlaPolicy& policy_;
  const std::vector<SlaTarget>& targets_;
  boost::container::small_vector<Instance, 8> instances_;
  // By metric: instances started, but for cancelled follow-ups, and the index of the latest.
  boost::container::small_vector<int, 12> cycles_ =
      boost::container::small_vector<int, 12>(builtin_metric_count + sla_.metrics.size(), 0);
  boost::container::small_vector<std::size_t, 12> latest_ =
      boost::container::small_vector<std::size_t, 12>(builtin_metric_count + sla_.metrics.size(), no_instance);
  Status status_ = Status::new_ticket;
  bool awaiting_customer_ = false;
  unsigned builtins_targeted_ = 0;  // bits by BuiltinMetric
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

// The elapsed time at which a clock with `target` reaches `threshold`. An offset before a due
// instant nearer than the offset is reached as the clock starts (level zero).
Duration level_of(const SlaThreshold& threshold, Duration target) {
  // Rounded up to the millisecond: a clock at 79.99% has not reached 80%.
  if (threshold.percent != 0) return Duration{(target.count() * threshold.percent + 99) / 100};
  return std::max(target + threshold.offset, Duration::zero());
}

// Calls `f` on the thresholds that apply to `metric` in the order a clock with `target` reaches
// them: by level, compared exactly (80% of 999ms, 799.2ms, comes before "-199ms", 800ms, though
// both are reached at 800ms), then as listed.
template <class F>
void for_each_threshold(const SlaPolicy& policy, std::size_t metric, Duration target, F f) {
  const auto applies = [metric](const SlaThreshold& t) {
    return t.metrics.empty() || std::find(t.metrics.begin(), t.metrics.end(), metric) != t.metrics.end();
  };
  if (!policy.offsets) {  // sorted by percent once and for all
    for (const SlaThreshold& t : policy.escalations)
      if (applies(t)) f(t);
    return;
  }
  // Hundredths of a millisecond, where percentages are exact: at most 9999 × 100 years.
  const auto exact = [target](const SlaThreshold& t) {
    return t.percent != 0 ? target.count() * t.percent : level_of(t, target).count() * 100;
  };
  boost::container::small_vector<const SlaThreshold*, 8> order;
  for (const SlaThreshold& t : policy.escalations)
    if (applies(t)) order.push_back(&t);
  std::sort(order.begin(), order.end(), [&](const SlaThreshold* a, const SlaThreshold* b) {
    const auto ka = exact(*a);
    const auto kb = exact(*b);
    return ka != kb ? ka < kb : a->position < b->position;
  });
  for (const SlaThreshold* t : order) f(*t);
}

// Where one instance's clock stands at the instant evaluated: what the report and the KPI
// counts both start from.
class Standing {
 public:
  Standing(const Instance& instance, const SlaTarget& target)
      : instance_(instance), clock_{target.calendar ? &*target.calendar : nullptr} {
    for (const Run& run : instance.runs) elapsed_ += lengths_.emplace_back(clock_.between(run.start, run.end));
    breached_at_ = reached(target.target);
    if (breached_at_) state_ = SlaState::breached;
    else if (instance.completed_at) state_ = SlaState::achieved;
    else if (!instance.running_since) state_ = SlaState::paused;
    else state_ = SlaState::active;
  }

  // The instant T the clock reached `threshold`, if it has; T counts only if the metric had
  // not completed by T.
  [[nodiscard]] std::optional<Instant> reached(Duration threshold) const {
    if (elapsed_ < threshold) return std::nullopt;
    // Zero is reached as the clock starts, even paused or in closed time.
    const auto t = threshold == Duration::zero() ? std::optional(instance_.started_at)
                                                 : crossing(clock_, instance_.runs, lengths_, threshold);
    if (!t || (instance_.completed_at && *t >= *instance_.completed_at)) return std::nullopt;
    return t;
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
  const Instance& instance_;
  Clock clock_;
  RunLengths lengths_;
  Duration elapsed_{0};
  std::optional<Instant> breached_at_;
  SlaState state_;
};

// Adds one metric instance to `report`: its state, its escalations, and what it contributes
// to next_check_at.
void report_instance(const Instance& instance, const SlaTarget& target, const SlaPolicy& policy,
                   const SlaRules& sla, Instant at, SlaReport& report) {
  const Standing standing(instance, target);
  SlaMetric metric;
  metric.metric = std::string(sla.metric_name(target.metric));
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
  bool next_threshold_seen = false;  // thresholds come in order: only the first one ahead can be next
  for_each_threshold(policy, target.metric, metric.target, [&](const SlaThreshold& threshold) {
    const Duration level = level_of(threshold, metric.target);
    if (const auto t = standing.reached(level)) {
      SlaEscalation& e = report.escalations.emplace_back();
      e.metric = metric.metric;
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
    } else if (metric.elapsed < level && !next_threshold_seen) {
      consider_next(standing.ahead(at, level));
      next_threshold_seen = true;
    }
  });
  report.metrics.push_back(std::move(metric));
}

template <class T>
void require_created_by(const T& ticket, Instant at) {
  if (at < ticket.created_at())
    throw InputError("cannot evaluate ticket \"" + std::string(ticket.id()) + "\" at " + format_instant(at) +
                     ", before it was created (" + format_instant(ticket.created_at()) + ")");
}

// The first SLA policy whose `when` matches the ticket as it stands, if any.
template <class T>
const SlaPolicy* applying_policy(const SlaRules& sla, const T& ticket, Priority priority, Status status) {
  const TicketSubject subject(ticket, priority, status, *sla.symbols);
  for (const SlaPolicy& p : sla.policies)
    if (p.when.matches(subject.subject())) return &p;
  return nullptr;
}

}  // namespace

template <class T>
SlaReport evaluate_sla(const SlaRules& sla, const T& ticket, Instant at) {
  require_created_by(ticket, at);
  const auto events = timeline(ticket, at);
  const auto [priority, status] = ticket_state(ticket, events);

  SlaReport report;
  report.ticket = ticket.id();
  report.priority = priority;
  const SlaPolicy* policy = applying_policy(sla, ticket, priority, status);
  if (policy == nullptr) return report;
  report.policy = policy->id;

  const auto& targets = policy->targets[static_cast<std::size_t>(priority)];
  Replay replay(sla, *policy, targets);
  replay.run(ticket, events, at);

  const auto instances = replay.in_report_order();
  report.metrics.reserve(instances.size());
  // Escalations are listed by reached_at; equal instants keep metric and threshold order. A
  // metric's come in that order already (a cycle escalates only before it completes, and the
  // next starts after), so each metric's run is merged into those before it: linear in the
  // escalations for a given policy, where inserting each in place was quadratic.
  const auto earlier = [](const SlaEscalation& a, const SlaEscalation& b) { return a.reached_at < b.reached_at; };
  std::size_t metric_escalations = 0;  // where the current metric's run began
  for (std::size_t k = 0; k < instances.size(); ++k) {
    const Instance& instance = *instances[k];
    if (!instance.cancelled) report_instance(instance, targets[instance.target], *policy, sla, at, report);
    if (k + 1 == instances.size() || instances[k + 1]->target != instance.target) {
      const auto run = report.escalations.begin() + static_cast<std::ptrdiff_t>(metric_escalations);
      std::inplace_merge(report.escalations.begin(), run, report.escalations.end(), earlier);
      metric_escalations = report.escalations.size();
    }
  }
  return report;
}

template <class T>
SlaOutcomes sla_outcomes(const SlaRules& sla, const T& ticket, const Timeline<T>& events, Priority priority,
                         Status status, Instant at) {
  require_created_by(ticket, at);
  SlaOutcomes outcomes;
  outcomes.policy = applying_policy(sla, ticket, priority, status);
  if (outcomes.policy == nullptr) return outcomes;
  const auto& targets = outcomes.policy->targets[static_cast<std::size_t>(priority)];
  Replay replay(sla, *outcomes.policy, targets);
  replay.run(ticket, events, at);
  for (const Instance& instance : replay.instances()) {
    if (instance.cancelled) continue;
    const SlaTarget& target = targets[instance.target];
    const Standing standing(instance, target);
    outcomes.instances.push_back({target.metric, standing.state(), standing.elapsed(), instance.completed_at});
  }
  return outcomes;
}

}  // namespace aftersales::detail
