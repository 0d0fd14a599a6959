#pragma once
/// @file
/// SLA evaluation (spec §4): where each of a ticket's SLA clocks stands at an instant, which
/// escalations it has reached, and when the host should look again. `SlaEngine` evaluates.

#include <aftersales/batch.hpp>
#include <aftersales/export.h>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>
#include <aftersales/values.hpp>

#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

class Policy;

namespace detail {
struct SlaRules;
}

enum class SlaState : std::uint8_t { active, paused, achieved, breached };

AFTERSALES_EXPORT std::string_view to_string(SlaState state) noexcept;

/// Where a ticket stands on its SLA as a whole (docs/sla.md, "Ticket SLA status"), from its
/// reported metric instances: `active` while one is open (running or paused, breached or not)
/// and none has breached; `active_with_misses` while one is open and one has breached;
/// `fulfilled` when none is open and none breached (a policy with no target at the ticket's
/// priority included); `failed` when none is open and one breached.
enum class SlaTicketStatus : std::uint8_t { fulfilled, failed, active, active_with_misses };

/// `"fulfilled"`, `"failed"`, `"active"`, `"active_with_misses"`.
AFTERSALES_EXPORT std::string_view to_string(SlaTicketStatus status) noexcept;

/// A metric instance's breach, as an event at its instant: a host that remembers the instant
/// it last evaluated notifies each miss once (docs/sla.md, "Misses").
struct SlaMiss {
  std::string metric;
  std::string queue;  ///< an OLA's queue (metric `ola`); empty for other metrics
  int cycle = 0;
  Instant breached_at{};
};

/// One instance of one metric: `next_response` and `periodic_update` have one per cycle.
struct AFTERSALES_EXPORT SlaMetric {
  std::string metric;   ///< `first_response`, ..., a custom metric's name, or `ola`
  std::string queue;    ///< an OLA's: the queue whose ownership it times; empty for other metrics
  int cycle = 0;        ///< 0-based; an OLA's count the ownerships of its queue
  SlaState state = SlaState::active;  // beside cycle: in the padding after it
  Duration target{};
  Duration elapsed{};   ///< business time on the target's calendar (elapsed time without one)
  Instant started_at{};
  std::optional<Instant> due_at;        ///< when the clock will reach the target; null while paused or once completed
  std::optional<Instant> breached_at;   ///< the instant the clock reached the target, if it has
  std::optional<Instant> completed_at;  ///< when the metric's stop event came
  /// The due instant an `sla_override` event set; with it, `target` is the span from
  /// `started_at` to it in elapsed time, which the clock counts without pauses (docs/sla.md,
  /// "Overrides").
  std::optional<Instant> override_due_at;

  [[nodiscard]] Duration remaining() const noexcept { return target - elapsed; }
  /// 100 × elapsed / target.
  [[nodiscard]] double percent() const noexcept;
};

/// A threshold of the policy's `escalations` that a metric's clock has reached.
struct SlaEscalation {
  std::string metric;
  std::string queue;     ///< an OLA's queue; empty for other metrics
  int cycle = 0;
  int percent = 0;       ///< the threshold, e.g. 80 for "80%"; 0 for an offset
  std::string action;
  std::string to;        ///< empty when the threshold names no one
  Instant reached_at{};
  /// An offset threshold: business time after the due instant, e.g. -15 min for "-15m".
  std::optional<Duration> offset;
  std::string calendar;  ///< the calendar it is delivered on; empty: delivered when reached
  Instant deliver_at{};  ///< reached_at, or the calendar's next opening if closed then

  /// The threshold as the policy writes it: `"80%"`, `"-15m"`, `"+1h"`.
  [[nodiscard]] std::string at() const {
    // Inline: to_json calls it for every escalation.
    if (!offset) return std::to_string(percent) + "%";
    return (*offset < Duration::zero() ? "" : "+") + format_duration(*offset);
  }
};

/// What an evaluation returns besides the report (docs/sla.md, "The timeline: explain").
struct SlaOptions {
  /// Each metric instance's timeline in `SlaReport::timelines`. Off by default: a report
  /// without it costs nothing more than before the option existed.
  bool explain = false;
};

/// A stretch a metric's clock counted, `[from, to)`, and the business time in it on the
/// target's calendar (all of it without one).
struct SlaCountedSpan {
  Instant from{};
  Instant to{};
  Duration business{};
};

/// A stretch a started metric's clock was paused, and why: the ticket's status then (one in
/// which the clock does not run, one of the policy's `pause_on`, or resolved/closed), or
/// `pause_when` while a custom metric's pause_when condition held.
struct SlaPausedSpan {
  Instant from{};
  Instant to{};
  std::string reason;
};

/// Closed time of the target's calendar inside a counted stretch, which the clock skipped.
struct SlaClosedSpan {
  Instant from{};
  Instant to{};
};

/// How one metric instance's `elapsed` came about, to reconcile it by hand: the business time
/// of `counted` sums to `elapsed`, and each counted stretch's length less the `closed` spans
/// inside it is its business time. Spans are in time order and never empty.
struct SlaTimeline {
  std::vector<SlaCountedSpan> counted;
  std::vector<SlaPausedSpan> paused;  ///< from started_at to completed_at (or the instant evaluated)
  std::vector<SlaClosedSpan> closed;
};

struct AFTERSALES_EXPORT SlaReport {
  std::string ticket;
  std::optional<std::string> policy;  ///< the SLA policy that applied; null if none matched
  std::vector<SlaMetric> metrics;
  /// Ordered by reached_at; ties by metric (report order), cycle, then threshold level
  /// (docs/sla.md, "Escalations").
  std::vector<SlaEscalation> escalations;
  /// The earliest instant after the one evaluated when a state or escalation changes by
  /// itself (a breach, a threshold) or an escalation becomes deliverable (its deliver_at),
  /// assuming no new events; null if nothing is pending.
  std::optional<Instant> next_check_at;
  /// With SlaOptions::explain: one timeline per entry of `metrics`, in the same order; else empty.
  std::vector<SlaTimeline> timelines;
  // The three one-byte members side by side, after the others: 16 bytes less a report than
  // when each took a word (docs/performance.md, "Issues 16-18").
  Priority priority = Priority::normal;  ///< the ticket's priority at the instant evaluated
  /// The ticket's SLA status; null when no policy applied (and so in JSON only when one did).
  std::optional<SlaTicketStatus> status;
  /// Only in batches: the ticket was created after the instant evaluated, so it did not exist
  /// yet. Such a report has no policy, metrics, escalations or next check, and the priority the
  /// ticket was created with (spec §9, "Replay in batches").
  bool not_yet_created = false;

  /// Every reported instance that breached, as a miss, by breached_at; ties in report order
  /// (metric, cycle). Derived from `metrics` on each call, so that a report costs nothing more
  /// to make; in JSON as `misses`, only when a policy applied.
  [[nodiscard]] std::vector<SlaMiss> misses() const;

  /// The spec §4 JSON shape (also what the C ABI and Python's `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

/// Evaluates tickets' SLA clocks under a policy's `sla` section (spec §4).
///
/// Thread-safety: immutable; one engine serves any number of threads at once. It keeps its
/// policy alive, and copies are cheap (they share the policy).
class AFTERSALES_EXPORT SlaEngine {
 public:
  /// @throws InputError if `policy` is null.
  explicit SlaEngine(std::shared_ptr<const Policy> policy);

  /// Every SLA clock of `ticket` as of `at`: events after `at` are ignored, so an earlier `at`
  /// replays the past.
  /// @throws InputError if `at` is before the ticket was created, or the ticket has more than
  ///         max_ticket_events events.
  [[nodiscard]] SlaReport evaluate(const Ticket& ticket, Instant at) const;
  /// `evaluate` with `options` (an explain timeline).
  [[nodiscard]] SlaReport evaluate(const Ticket& ticket, Instant at, const SlaOptions& options) const;

  /// `evaluate` for many tickets on up to `options.threads` threads; the reports come back in
  /// input order and equal one-by-one evaluation, except that a ticket created after `at` (one
  /// that did not exist yet) gets a report marked `not_yet_created` instead of an error.
  /// @throws InputError for the first ticket (by index) that cannot be evaluated, whatever the
  ///         timing of the threads.
  [[nodiscard]] std::vector<SlaReport> evaluate(std::span<const Ticket> tickets, Instant at,
                                                const BatchOptions& options = {}) const;
  /// The batch above with `sla_options` (an explain timeline) for every report.
  [[nodiscard]] std::vector<SlaReport> evaluate(std::span<const Ticket> tickets, Instant at, const BatchOptions& options,
                                                const SlaOptions& sla_options) const;

  /// `evaluate` for the tickets of `batch`, read in place: the same reports and errors as the
  /// span overload given `batch`'s tickets.
  [[nodiscard]] std::vector<SlaReport> evaluate(const TicketBatch& batch, Instant at,
                                                const BatchOptions& options = {}) const;
  /// The batch above with `sla_options` (an explain timeline) for every report.
  [[nodiscard]] std::vector<SlaReport> evaluate(const TicketBatch& batch, Instant at, const BatchOptions& options,
                                                const SlaOptions& sla_options) const;

  /// The report the batch call above gives ticket `index` of `batch`, alone (how a host places
  /// an error at its ticket).
  /// @throws NotFoundError if `index` is not below `batch.size()`; as the batch call.
  [[nodiscard]] SlaReport evaluate(const TicketBatch& batch, std::size_t index, Instant at) const;
  /// The report above with `options` (an explain timeline).
  [[nodiscard]] SlaReport evaluate(const TicketBatch& batch, std::size_t index, Instant at,
                                   const SlaOptions& options) const;

  /// `evaluate` over JSON Lines: one spec §3 ticket per line in, one report per line out (same
  /// order; blank lines skipped), a ticket created after `at` getting a report marked
  /// `not_yet_created` as in the batch above. A line that cannot be evaluated yields
  /// `{"line": N, "error": "..."}` instead of stopping the batch; N counts every line, blank ones
  /// included, from `options.first_line` (the number of the text's first line: a block cut from
  /// the middle of a file keeps the file's numbering).
  /// @throws RangeError if a line's number would pass 2^63 - 1.
  [[nodiscard]] std::string evaluate_lines(std::string_view tickets, Instant at, const BatchOptions& options = {}) const;
  /// `evaluate_lines` with `sla_options` (an explain timeline in every report).
  [[nodiscard]] std::string evaluate_lines(std::string_view tickets, Instant at, const BatchOptions& options,
                                           const SlaOptions& sla_options) const;

  /// `evaluate_lines` over a stream (a file, standard input) of any size: read a block of
  /// `options.block_bytes` at a time, each block's reports written to `reports` before the next
  /// block is read, so that memory holds one block and its reports (docs/performance.md,
  /// "Streaming JSON Lines"). Writes what `evaluate_lines` on the whole text returns; lines are
  /// numbered through the whole stream from `options.first_line`, and a line over a ticket's
  /// 4 MiB limit gets its error record unread. `options.progress` counts bytes of `tickets`: of
  /// its size when it can seek (a file), else of 0 until done == total at the end.
  /// @throws InputError if `tickets` cannot be read (not open, failed) or `reports` fails;
  ///         RangeError as `evaluate_lines`. Reports written before then stay written.
  void evaluate_lines(std::istream& tickets, std::ostream& reports, Instant at, const BatchOptions& options = {}) const;
  /// The stream `evaluate_lines` with `sla_options` (an explain timeline in every report).
  void evaluate_lines(std::istream& tickets, std::ostream& reports, Instant at, const BatchOptions& options,
                      const SlaOptions& sla_options) const;

 private:
  std::shared_ptr<const detail::SlaRules> rules_;  // the policy's, sharing its ownership
};

}  // namespace aftersales
