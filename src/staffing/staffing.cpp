// Erlang C and Erlang A (formulas and their derivations in docs/staffing.md).
//
// Nothing here forms a factorial or a power: Erlang C comes from the Erlang B recurrence,
// which stays in (0, 1]; Erlang A works with logarithms of the birth-death chain's
// unnormalised probabilities, scaled by their maximum before they are exponentiated.
#include <aftersales/error.hpp>
#include <aftersales/staffing.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace aftersales {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
// Agents are counted in int; a queue needing more is outside any plan this serves.
constexpr int max_agents = 10'000'000;
constexpr std::size_t max_states = 10'000'000;
// Steps × states of the service-level computation: about a second.
constexpr double max_work = 1e9;

void require(bool ok, const std::string& name, const std::string& expected, double value) {
  if (!ok) throw InputError(name + " must be " + expected + ", not " + std::to_string(value), name);
}

void check_load(const QueueLoad& load) {
  require(std::isfinite(load.contacts) && load.contacts >= 0, "contacts", "a finite number >= 0", load.contacts);
  require(std::isfinite(load.interval_s) && load.interval_s > 0, "interval_s", "a finite number > 0", load.interval_s);
  require(std::isfinite(load.aht_s) && load.aht_s > 0, "aht_s", "a finite number > 0", load.aht_s);
}

void check_agents(int agents) {
  require(agents >= 0 && agents <= max_agents, "agents", "between 0 and 10000000", agents);
}

void check_answer_time(double answer_time_s) {
  require(std::isfinite(answer_time_s) && answer_time_s >= 0, "answer_time_s", "a finite number >= 0", answer_time_s);
}

void check_goal(const ServiceGoal& goal) {
  check_answer_time(goal.answer_time_s);
  require(goal.service_level > 0 && goal.service_level < 1, "service_level", "between 0 and 1 (exclusive)",
          goal.service_level);
  require(goal.max_occupancy > 0 && goal.max_occupancy <= 1, "max_occupancy", "in (0, 1]", goal.max_occupancy);
  require(goal.shrinkage >= 0 && goal.shrinkage < 1, "shrinkage", "in [0, 1)", goal.shrinkage);
}

void check_patience(const QueueLoad& load) {
  require(std::isfinite(load.patience_s) && load.patience_s > 0, "patience_s", "a finite number > 0",
          load.patience_s);
}

double traffic_of(const QueueLoad& load) { return load.contacts * load.aht_s / load.interval_s; }

int scheduled(int agents, double shrinkage) {
  // 14 / 0.7 is 20.000000000000004 in binary: a hair's tolerance keeps it 20.
  const double gross = std::ceil(static_cast<double>(agents) / (1 - shrinkage) - 1e-9);
  // A shrinkage a hair below 1 grosses up past any int: refused before the cast, not wrapped.
  if (!(gross <= max_agents))
    throw RangeError("too close to 1: more than 10,000,000 agents would have to be scheduled", "shrinkage");
  return static_cast<int>(gross);
}

// Erlang C from Erlang B: C = N·B / (N − A·(1 − B)).
StaffingResult erlang_c_from_b(double traffic, int agents, double erlang_b, double aht_s, double answer_time_s) {
  StaffingResult r;
  r.agents = agents;
  r.scheduled = agents;
  r.traffic = traffic;
  if (traffic == 0) return r;
  const double n = agents;
  if (n <= traffic) {
    r.service_level = 0;
    r.probability_wait = 1;
    r.asa_s = infinity;
    r.occupancy = 1;
    return r;
  }
  const double c = n * erlang_b / (n - traffic * (1 - erlang_b));
  r.probability_wait = c;
  r.service_level = 1 - c * std::exp(-(n - traffic) * answer_time_s / aht_s);
  r.asa_s = c * aht_s / (n - traffic);
  r.occupancy = traffic / n;
  return r;
}

// Erlang B(n, A) by B(m) = A·B(m−1) / (m + A·B(m−1)), B(0) = 1, continuing from `b` at `from`.
double erlang_b_step(double traffic, int from, int to, double b) {
  for (int m = from + 1; m <= to; ++m) b = traffic * b / (m + traffic * b);
  return b;
}

bool meets(const StaffingResult& r, const ServiceGoal& goal) {
  return r.service_level >= goal.service_level && r.occupancy <= goal.max_occupancy;
}

// log(e^a + e^b) without overflow.
double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -infinity) return a;
  return a + std::log1p(std::exp(b - a));
}

// Whether a customer with fewer than `k` ahead has surely left the queue (served or abandoned)
// by the answer time, given x = (Nμ + θ)·t. Each of its at most k stages ends at a rate of at
// least Nμ + θ, so it still waits with probability at most P(Poisson(x) < k), which for x ≥ k
// is at most k·e^−x·x^(k−1)/(k−1)!.
bool settled(double x, std::size_t k) {
  const auto stages = static_cast<double>(k);
  if (!(x >= stages)) return false;
  if (std::isinf(x)) return true;
  return std::log(stages) - x + (stages - 1) * std::log(x) - std::lgamma(stages) < std::log(1e-17);
}

// P(a customer who finds `ahead[i]`-weighted queues of i customers before it is served within
// t), in units of the mean patience (θ = 1, so nothing overflows however short it is): `np` is
// Nμ/θ and x = θt. With j ahead the line moves at rate np + j (a server frees or someone
// ahead abandons) and the customer abandons at rate 1; it is served only after moving up at
// every stage, with probability Π_{l=0..j} (np + l) / (np + l + 1) = np / (np + j + 1).
// Once every customer has surely left by t (`settled`: a patience or a handle time short
// against t), that is the answer; otherwise the pure-death chain is solved by uniformisation.
double served_within(const std::vector<double>& ahead, double np, double t, double patience) {
  const double x = t / patience;
  if (x == 0 || np == 0) return 0;
  const std::size_t k = ahead.size();
  if (settled((np + 1) * x, k)) {
    double served = 0;
    for (std::size_t i = 0; i < k; ++i) served += ahead[i] * np / (np + static_cast<double>(i) + 1);
    return served;
  }
  const double lambda = np + static_cast<double>(k);
  const double mean = lambda * x;
  // Not `settled`: (Nμ + θ)·t is about k at most, so the work is about k³, large only when
  // a very long queue still moves within the answer time.
  const double steps = mean + 12 * std::sqrt(mean) + 30;
  if (!(steps * static_cast<double>(k) <= max_work))
    throw RangeError("too long to follow a queue this long through (over 10^9 steps); a shorter answer time or patience fits",
                     "answer_time_s");
  std::vector<double> v = ahead;
  double served = 0;     // mass served after m jumps
  double result = 0;
  double mass_left = 1;  // Poisson mass not yet weighed
  const auto log_poisson = [&](double m) { return -mean + m * std::log(mean) - std::lgamma(m + 1); };
  const auto last = static_cast<std::size_t>(steps);
  for (std::size_t m = 0; m <= last; ++m) {
    const double weight = std::exp(log_poisson(static_cast<double>(m)));
    result += weight * served;
    mass_left -= weight;
    // One jump of the uniformised chain.
    served += v[0] * np / lambda;
    for (std::size_t j = 0; j < k; ++j) {
      const double rate_j = np + static_cast<double>(j);
      const double stay = 1 - (rate_j + 1) / lambda;
      const double from_above = j + 1 < k ? v[j + 1] * (rate_j + 1) / lambda : 0;
      v[j] = v[j] * stay + from_above;
    }
  }
  // The Poisson tail left unweighed would see at most everything served so far or later.
  return result + std::max(0.0, mass_left) * served;
}

}  // namespace

StaffingResult erlang_c(const QueueLoad& load, int agents, double answer_time_s) {
  check_load(load);
  check_agents(agents);
  check_answer_time(answer_time_s);
  const double traffic = traffic_of(load);
  return erlang_c_from_b(traffic, agents, erlang_b_step(traffic, 0, agents, 1.0), load.aht_s, answer_time_s);
}

StaffingResult erlang_c_required(const QueueLoad& load, const ServiceGoal& goal) {
  check_load(load);
  check_goal(goal);
  const double traffic = traffic_of(load);
  require(traffic < max_agents, "contacts", "a load below 10,000,000 Erlangs", load.contacts);
  if (traffic == 0) return erlang_c_from_b(0, 0, 1, load.aht_s, goal.answer_time_s);
  int n = static_cast<int>(std::floor(traffic)) + 1;  // the fewest agents with a stable queue
  double b = erlang_b_step(traffic, 0, n, 1.0);
  for (;; ++n, b = erlang_b_step(traffic, n - 1, n, b)) {
    StaffingResult r = erlang_c_from_b(traffic, n, b, load.aht_s, goal.answer_time_s);
    if (meets(r, goal)) {
      r.scheduled = scheduled(n, goal.shrinkage);
      return r;
    }
  }
}

StaffingResult erlang_a(const QueueLoad& load, int agents, double answer_time_s) {
  check_load(load);
  check_agents(agents);
  check_answer_time(answer_time_s);
  check_patience(load);
  StaffingResult r;
  r.agents = agents;
  r.scheduled = agents;
  r.traffic = traffic_of(load);
  if (r.traffic == 0) return r;
  const double lambda = load.contacts / load.interval_s;
  const double patience = load.patience_s;
  // Nμ/θ: θ = 1/patience is never formed, so a denormal patience cannot overflow it.
  const double np = agents / load.aht_s * patience;

  // States 0..n relative to state n: their sum is 1 / ErlangB(n, A), kept as a logarithm
  // by 1/B(m) = 1 + (m/A)·1/B(m−1).
  double log_low = 0;
  for (int m = 1; m <= agents; ++m) log_low = log_add(0, std::log(m / r.traffic) + log_low);

  // States n+i relative to state n: log of Π_{j=1..i} λ / (nμ + jθ) = Π λ·patience / (np + j),
  // until they are negligible and falling.
  std::vector<double> log_tail{0.0};
  double peak = 0;
  for (std::size_t i = 1;; ++i) {
    require(i < max_states, "patience_s", "short enough for the arrivals (the queue would exceed 10 million)",
            load.patience_s);
    const double step = std::log(lambda * patience / (np + static_cast<double>(i)));
    const double next = log_tail.back() + step;
    if (step < 0 && next < peak - 50) break;
    log_tail.push_back(next);
    peak = std::max(peak, next);
  }
  const double scale = std::max(peak, log_low);
  double total = std::exp(log_low - scale);
  for (std::size_t i = 1; i < log_tail.size(); ++i) total += std::exp(log_tail[i] - scale);

  // Abandonment θ·Lq/λ summed as Σ π_{n+i}·(i+1)θ / (nμ + (i+1)θ), by the balance
  // π_{n+i+1}·(nμ + (i+1)θ) = λ·π_{n+i}: weights below 1 on the states kept. Summing θ·i·π_{n+i}
  // instead multiplies the states cut off as negligible by a θ that may be huge: a short
  // patience then lost every abandonment.
  std::vector<double> waiting(log_tail.size());  // π_{n+i}: an arrival finds i customers ahead
  double p_wait = 0;
  double abandoning = 0;
  for (std::size_t i = 0; i < log_tail.size(); ++i) {
    waiting[i] = std::exp(log_tail[i] - scale) / total;
    p_wait += waiting[i];
    const double ahead_and_self = static_cast<double>(i) + 1;
    abandoning += waiting[i] * ahead_and_self / (np + ahead_and_self);
  }
  r.probability_wait = std::min(1.0, p_wait);
  r.abandonment = std::min(1.0, abandoning);
  r.asa_s = abandoning * patience;  // Lq / λ = (θ·Lq / λ) / θ
  r.occupancy = agents == 0 ? 0 : std::min(1.0, r.traffic * (1 - r.abandonment) / agents);
  r.service_level =
      std::clamp(1 - r.probability_wait + served_within(waiting, np, answer_time_s, patience), 0.0, 1.0);
  return r;
}

StaffingResult erlang_a_required(const QueueLoad& load, const ServiceGoal& goal) {
  check_load(load);
  check_goal(goal);
  check_patience(load);
  if (traffic_of(load) == 0) return erlang_a(load, 0, goal.answer_time_s);
  // Both the service level and the occupancy improve with every agent added: search the
  // smallest count that meets the goal between a failing and a passing one.
  int low = -1;
  int high = static_cast<int>(std::clamp(std::ceil(traffic_of(load)), 1.0, double{max_agents / 2}));
  while (!meets(erlang_a(load, high, goal.answer_time_s), goal)) {
    require(high < max_agents / 2, "contacts", "a load that 10 million agents can serve", load.contacts);
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const int mid = low + (high - low) / 2;
    if (meets(erlang_a(load, mid, goal.answer_time_s), goal)) high = mid;
    else low = mid;
  }
  StaffingResult r = erlang_a(load, high, goal.answer_time_s);
  r.scheduled = scheduled(high, goal.shrinkage);
  return r;
}

std::vector<StaffingPlanRow> staffing_plan(const StaffingPlanInput& input) {
  if (input.profile.empty()) throw InputError("profile must list at least one interval's weight", "profile");
  double weights = 0;
  for (const double w : input.profile) {
    require(std::isfinite(w) && w >= 0, "profile", "weights that are finite and >= 0", w);
    weights += w;
  }
  require(weights > 0, "profile", "weights with a positive sum", weights);
  require(std::isfinite(input.daily_orders) && input.daily_orders >= 0, "daily_orders", "a finite number >= 0",
          input.daily_orders);
  require(std::isfinite(input.contact_rate) && input.contact_rate >= 0, "contact_rate", "a finite number >= 0",
          input.contact_rate);
  const double daily_contacts = input.daily_orders * input.contact_rate;
  std::vector<StaffingPlanRow> rows;
  rows.reserve(input.profile.size());
  for (std::size_t i = 0; i < input.profile.size(); ++i) {
    StaffingPlanRow row;
    row.start_s = static_cast<double>(i) * input.interval_s;
    row.contacts = daily_contacts * input.profile[i] / weights;
    const QueueLoad load{row.contacts, input.interval_s, input.aht_s, input.patience_s};
    row.staffing = input.patience_s > 0 ? erlang_a_required(load, input.goal) : erlang_c_required(load, input.goal);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace aftersales
