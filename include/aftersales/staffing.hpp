#pragma once
/// @file
/// Staffing (spec §7): how many agents a queue needs to answer a share of its contacts within
/// a target time. Erlang C (M/M/N: customers wait as long as it takes) and Erlang A
/// (M/M/N+M, Palm's model as treated by Garnett, Mandelbaum and Reiman 2002: customers
/// abandon after an exponentially distributed patience). Formulas in docs/staffing.md.
///
/// Every function here is pure and thread-safe. Times are in seconds (double): handle times
/// such as 187.5 s are common and these are planning figures, not clocks.

#include <aftersales/export.h>

#include <vector>

namespace aftersales {

/// The work arriving in one interval.
struct QueueLoad {
  double contacts = 0;    ///< contacts offered in the interval
  double interval_s = 1800;  ///< length of the interval
  double aht_s = 180;     ///< average handle time (talk + wrap-up)
  double patience_s = 0;  ///< Erlang A only: mean time a customer waits before abandoning (> 0)
};

/// What the queue must achieve.
struct ServiceGoal {
  double answer_time_s = 20;   ///< answered within this many seconds ...
  double service_level = 0.8;  ///< ... for at least this share of contacts, in (0, 1)
  double max_occupancy = 1.0;  ///< at most this share of agents' time busy, in (0, 1]
  double shrinkage = 0.0;      ///< share of paid time not on the phones (breaks, training), in [0, 1)
};

/// How a queue performs with `agents` agents.
struct StaffingResult {
  int agents = 0;                ///< agents taking contacts
  int scheduled = 0;             ///< agents to schedule: ceil(agents / (1 - shrinkage))
  double traffic = 0;            ///< offered load in Erlangs: contacts × aht / interval
  double service_level = 1;      ///< share of contacts answered within the answer time
  double probability_wait = 0;   ///< share of contacts that find every agent busy
  double asa_s = 0;              ///< average speed of answer (mean wait; see docs/staffing.md for Erlang A)
  double occupancy = 0;          ///< share of the agents' time spent handling contacts
  double abandonment = 0;        ///< Erlang A: share of contacts that abandon; 0 for Erlang C
};

/// Erlang C performance of `agents` agents. With `agents` ≤ traffic the queue grows without
/// bound: service level 0, probability of waiting 1, infinite ASA, occupancy 1.
/// @throws InputError for a negative or non-finite load, a non-positive interval or handle
///         time, or negative agents.
AFTERSALES_EXPORT StaffingResult erlang_c(const QueueLoad& load, int agents, double answer_time_s);

/// The fewest agents meeting `goal` under Erlang C (service level and maximum occupancy),
/// grossed up for shrinkage in `scheduled`. Stable for tens of thousands of agents.
/// @throws InputError as for `erlang_c`, or for a goal outside its ranges.
AFTERSALES_EXPORT StaffingResult erlang_c_required(const QueueLoad& load, const ServiceGoal& goal);

/// Erlang A performance of `agents` agents (`load.patience_s` > 0). Service level counts a
/// contact as answered in time only if it is answered (not abandoned) within the answer time.
/// Any positive patience works: as it tends to 0 the results tend to Erlang B (callers who
/// would wait abandon at once), as it grows to Erlang C (docs/staffing.md).
/// @throws InputError as for `erlang_c`, or for a patience that is not positive, or when the
///         patience is so long against the arrivals that the queue would need more than 10
///         million states to describe; RangeError (on `answer_time_s`) when following such a
///         long queue through the answer time would take over 10^9 steps.
AFTERSALES_EXPORT StaffingResult erlang_a(const QueueLoad& load, int agents, double answer_time_s);

/// The fewest agents meeting `goal` under Erlang A, grossed up for shrinkage.
/// @throws as `erlang_a`, or for a goal outside its ranges.
AFTERSALES_EXPORT StaffingResult erlang_a_required(const QueueLoad& load, const ServiceGoal& goal);

/// A peak-day forecast: orders → contacts → contacts per interval → staff per interval.
struct StaffingPlanInput {
  double daily_orders = 0;
  double contact_rate = 0;         ///< contacts per order, e.g. 0.08
  std::vector<double> profile;     ///< relative weight of each interval of the day (normalised)
  double interval_s = 1800;
  double aht_s = 180;
  double patience_s = 0;           ///< > 0: size with Erlang A; 0: Erlang C
  ServiceGoal goal;
};

/// One interval of a plan: it starts `start_s` seconds after the day's start.
struct StaffingPlanRow {
  double start_s = 0;
  double contacts = 0;
  StaffingResult staffing;
};

/// Splits `daily_orders × contact_rate` contacts over the intervals in proportion to
/// `profile` and sizes each interval.
/// @throws InputError for an empty profile, a negative weight, weights summing to zero, or
///         any input `erlang_c_required` / `erlang_a_required` refuses.
AFTERSALES_EXPORT std::vector<StaffingPlanRow> staffing_plan(const StaffingPlanInput& input);

}  // namespace aftersales
