#include <aftersales/error.hpp>
#include <aftersales/staffing.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace aftersales {
namespace {

// Slow references written straight from the textbook formulas, in long double, with
// factorials and powers: independent of the library's recurrences and logarithms.
long double erlang_c_reference(int n, long double a) {
  long double below = 0;
  for (int k = 0; k < n; ++k) below += std::pow(a, static_cast<long double>(k)) / std::tgamma(static_cast<long double>(k + 1));
  const long double top = std::pow(a, static_cast<long double>(n)) / std::tgamma(static_cast<long double>(n + 1)) * n / (n - a);
  return top / (below + top);
}

struct ReferenceA {
  long double p_wait = 0, p_abandon = 0, service_level = 0;
};

// M/M/n+M: stationary distribution truncated far out, then the answered-within-t share by
// integrating the waiting customer's pure-death chain with fourth-order Runge-Kutta.
ReferenceA erlang_a_reference(int n, long double lambda, long double mu, long double theta, long double t) {
  constexpr int extra = 400;
  std::vector<long double> p(static_cast<std::size_t>(n + extra));
  const long double a = lambda / mu;
  for (int k = 0; k <= n; ++k) p[static_cast<std::size_t>(k)] = std::pow(a, static_cast<long double>(k)) / std::tgamma(static_cast<long double>(k + 1));
  for (int k = n + 1; k < n + extra; ++k) p[static_cast<std::size_t>(k)] = p[static_cast<std::size_t>(k - 1)] * lambda / (n * mu + (k - n) * theta);
  long double total = 0;
  for (long double x : p) total += x;
  ReferenceA r;
  long double queue = 0;
  std::vector<long double> v(extra);  // v[j]: waiting with j ahead
  for (int j = 0; j < extra; ++j) {
    v[static_cast<std::size_t>(j)] = p[static_cast<std::size_t>(n + j)] / total;
    r.p_wait += v[static_cast<std::size_t>(j)];
    queue += j * v[static_cast<std::size_t>(j)];
  }
  r.p_abandon = theta * queue / lambda;
  const auto rate = [&](int j) { return n * mu + j * theta; };
  const auto derivative = [&](const std::vector<long double>& x, std::vector<long double>& dx, long double& ds) {
    for (int j = 0; j < extra; ++j) {
      const long double in = j + 1 < extra ? rate(j + 1) * x[static_cast<std::size_t>(j + 1)] : 0;
      dx[static_cast<std::size_t>(j)] = -(rate(j) + theta) * x[static_cast<std::size_t>(j)] + in;
    }
    ds = rate(0) * x[0];
  };
  const int steps = 4000;
  const long double h = t / steps;
  long double served = 0;
  std::vector<long double> k1(extra), k2(extra), k3(extra), k4(extra), tmp(extra);
  long double s1, s2, s3, s4;
  for (int step = 0; step < steps; ++step) {
    derivative(v, k1, s1);
    for (std::size_t j = 0; j < v.size(); ++j) tmp[j] = v[j] + h / 2 * k1[j];
    derivative(tmp, k2, s2);
    for (std::size_t j = 0; j < v.size(); ++j) tmp[j] = v[j] + h / 2 * k2[j];
    derivative(tmp, k3, s3);
    for (std::size_t j = 0; j < v.size(); ++j) tmp[j] = v[j] + h * k3[j];
    derivative(tmp, k4, s4);
    for (std::size_t j = 0; j < v.size(); ++j) v[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    served += h / 6 * (s1 + 2 * s2 + 2 * s3 + s4);
  }
  r.service_level = 1 - r.p_wait + served;
  return r;
}

// The worked example of callcentrehelper.com's "Erlang C Formula - Made Simple With an Easy
// Worked Example": 100 calls in 30 minutes, AHT 180 s, 80% answered within 20 s, maximum
// occupancy 85%, shrinkage 30%. Its answer: 14 agents on the phones, 20 scheduled.
//   A = 100 × 180 / 1800 = 10 Erlangs.
//   N = 13: Σ_{k<13} 10^k/k! = 17,435.19; 10^13/13! × 13/(13 − 10) = 1,605.90 × 4.3333 = 6,958.92;
//           C = 6,958.92 / (17,435.19 + 6,958.92) = 0.28527,
//           SL = 1 − 0.28527 × e^{−3·20/180} = 1 − 0.28527 × 0.71653 = 0.7956 < 0.8: not enough.
//   N = 14: C = 0.17413, SL = 1 − 0.17413 × e^{−4·20/180} = 1 − 0.17413 × 0.64118 = 0.88835,
//           ASA = 0.17413 × 180 / 4 = 7.836 s, occupancy 10/14 = 0.7143 ≤ 0.85.
//   Shrinkage: 14 / (1 − 0.3) = 20 agents scheduled.
TEST(Staffing, ErlangCPublishedExample) {
  const QueueLoad load{100, 1800, 180};
  const ServiceGoal goal{20, 0.8, 0.85, 0.3};
  const StaffingResult r = erlang_c_required(load, goal);
  EXPECT_EQ(r.agents, 14);
  EXPECT_EQ(r.scheduled, 20);
  EXPECT_DOUBLE_EQ(r.traffic, 10.0);
  EXPECT_NEAR(r.probability_wait, 0.17413, 5e-6);
  EXPECT_NEAR(r.service_level, 0.88835, 5e-6);
  EXPECT_NEAR(r.asa_s, 7.836, 5e-4);
  EXPECT_NEAR(r.occupancy, 10.0 / 14, 1e-12);
  EXPECT_LT(erlang_c(load, 13, 20).service_level, 0.8);
  EXPECT_NEAR(erlang_c(load, 13, 20).probability_wait, 0.28527, 5e-6);
}

// The Erlang-C page of Westbay Engineers (also in Wikipedia's "Erlang (unit)" references):
// 360 calls per half hour, 4-minute calls, 55 agents, 15-second target. A = 360 × 240 / 1800
// = 48 Erlangs, occupancy 48/55 = 0.8727; published E_C = 0.2387, service level 84.6%
// (1 − 0.2387 × e^{−7 × 15/240} = 1 − 0.2387 × 0.64565 = 0.8459), ASA 0.2387 × 240 / 7 = 8.18 s.
TEST(Staffing, ErlangCSecondPublishedExample) {
  const StaffingResult r = erlang_c({360, 1800, 240}, 55, 15);
  EXPECT_NEAR(r.probability_wait, 0.2387, 5e-5);
  EXPECT_NEAR(r.service_level, 0.8459, 5e-5);
  EXPECT_NEAR(r.asa_s, 8.184, 5e-4);
  EXPECT_NEAR(r.occupancy, 48.0 / 55, 1e-12);
}

TEST(Staffing, ErlangCMatchesTheFactorialFormula) {
  for (const double a : {0.5, 3.7, 10.0, 42.0, 120.0}) {
    for (int n = static_cast<int>(a) + 1; n < static_cast<int>(a) + 25; ++n) {
      const long double c = erlang_c_reference(n, a);
      const StaffingResult r = erlang_c({a, 1, 1}, n, 0.25);
      EXPECT_NEAR(r.probability_wait, static_cast<double>(c), 1e-12 * std::max(1.0, static_cast<double>(c))) << a << " " << n;
      EXPECT_NEAR(r.service_level, static_cast<double>(1 - c * std::exp(-(n - a) * 0.25L)), 1e-12);
    }
  }
}

// Thousands of agents: 10,000 contacts an hour of 300 s is 833.3 Erlangs. The factorials
// (900! ≈ 10^2269) still fit a long double, so the reference can check the recurrence there.
TEST(Staffing, ErlangCStableForThousandsOfAgents) {
  const QueueLoad load{10'000, 3600, 300};
  const StaffingResult r = erlang_c_required(load, {20, 0.8});
  const long double a = 10'000.0L * 300 / 3600;
  const auto sl = [&](int n) { return 1 - erlang_c_reference(n, a) * std::exp(-(n - a) * 20 / 300); };
  EXPECT_GE(sl(r.agents), 0.8L);
  EXPECT_LT(sl(r.agents - 1), 0.8L);
  EXPECT_NEAR(r.probability_wait, static_cast<double>(erlang_c_reference(r.agents, a)), 1e-10);
  // 50,000 Erlangs: no overflow, a sensible answer just above the load.
  const StaffingResult huge = erlang_c_required({600'000, 3600, 300}, {20, 0.8});
  EXPECT_GT(huge.agents, 50'000);
  EXPECT_LT(huge.agents, 50'400);
  EXPECT_GE(huge.service_level, 0.8);
}

TEST(Staffing, ErlangCOverloadedAndEmptyQueues) {
  const StaffingResult over = erlang_c({100, 1800, 180}, 10, 20);  // N = A
  EXPECT_EQ(over.service_level, 0);
  EXPECT_EQ(over.probability_wait, 1);
  EXPECT_TRUE(std::isinf(over.asa_s));
  const StaffingResult none = erlang_c_required({0, 1800, 180}, {20, 0.8});
  EXPECT_EQ(none.agents, 0);
  EXPECT_EQ(none.service_level, 1);
}

TEST(Staffing, MaximumOccupancyBinds) {
  // A = 10: 14 agents meet 80/20, but 85% occupancy at most allows ... 14 (71%); at most 60%
  // needs ceil(10 / 0.6) = 17.
  EXPECT_EQ(erlang_c_required({100, 1800, 180}, {20, 0.8, 0.6}).agents, 17);
}

TEST(Staffing, ErlangAMatchesTheReference) {
  // 120 contacts an hour, 4-minute handle time, 2-minute mean patience: A = 8 Erlangs.
  const double lambda = 120.0 / 3600, mu = 1.0 / 240, theta = 1.0 / 120;
  for (int n = 4; n <= 12; ++n) {
    const ReferenceA ref = erlang_a_reference(n, lambda, mu, theta, 30);
    const StaffingResult r = erlang_a({120, 3600, 240, 120}, n, 30);
    EXPECT_NEAR(r.probability_wait, static_cast<double>(ref.p_wait), 1e-9) << n;
    EXPECT_NEAR(r.abandonment, static_cast<double>(ref.p_abandon), 1e-9) << n;
    EXPECT_NEAR(r.service_level, static_cast<double>(ref.service_level), 1e-6) << n;
  }
}

TEST(Staffing, ErlangAWithEndlessPatienceIsErlangC) {
  const StaffingResult a = erlang_a({100, 1800, 180, 1e9}, 14, 20);
  const StaffingResult c = erlang_c({100, 1800, 180}, 14, 20);
  EXPECT_NEAR(a.probability_wait, c.probability_wait, 1e-6);
  EXPECT_NEAR(a.service_level, c.service_level, 1e-5);
  EXPECT_NEAR(a.asa_s, c.asa_s, 1e-3);
  EXPECT_LT(a.abandonment, 1e-6);
}

// Patience → 0: a caller who finds all N agents busy abandons at once, so Erlang A tends to
// Erlang B's loss system (patience → ∞ gives Erlang C, above). A = 100 × 180 / 1800 = 10
// Erlangs; with the sums of the worked example in docs/staffing.md, Σ_{k<13} 10^k/k! =
// 17,435.19 and 10^13/13! = 1,605.904, so B(13, 10) = 1,605.904 / 19,041.10 = 0.0843389.
// Before, 1e-9 s ran for hours (2·10^10 uniformisation steps), the denormal never returned and
// 1e-100 gave abandonment 0 (the one state kept, times θ = 10^100, was cut off).
TEST(Staffing, ErlangAWithTinyPatienceIsErlangB) {
  constexpr double b13 = 0.0843389;
  for (const double patience : {1e-9, 1e-100, std::numeric_limits<double>::denorm_min()}) {
    const StaffingResult r = erlang_a({100, 1800, 180, patience}, 13, 20);
    EXPECT_NEAR(r.probability_wait, b13, 1e-6) << patience;
    EXPECT_NEAR(r.abandonment, b13, 1e-6) << patience;          // all who wait abandon
    EXPECT_NEAR(r.service_level, 1 - b13, 1e-6) << patience;    // 0.9156611: the rest at once
    EXPECT_NEAR(r.asa_s, 0, 1e-6) << patience;
    EXPECT_NEAR(r.occupancy, 10 * (1 - b13) / 13, 1e-6) << patience;  // 0.7043547
  }
  // A millisecond is already within 10^-4 of the limit: nothing jumps on the way there.
  const StaffingResult ms = erlang_a({100, 1800, 180, 1e-3}, 13, 20);
  EXPECT_NEAR(ms.abandonment, b13, 1e-4);
  EXPECT_NEAR(ms.service_level, 1 - b13, 1e-4);
}

TEST(Staffing, ErlangARequiredWithTinyPatienceStaffsErlangB) {
  // 80% answered needs B(N, 10) <= 0.2: B(10) = 2,755.73 / 12,842.31 = 0.2146 is too much,
  // B(11) = 10 × 0.2146 / (11 + 10 × 0.2146) = 0.1632 is enough. 11 agents, occupancy
  // 10 × (1 − 0.1632) / 11 = 0.761, scheduled ⌈11 / 0.7⌉ = 16; the answer time does not
  // matter (a day here, which used to take minutes).
  for (const double answer_time : {20.0, 86'400.0}) {
    const StaffingResult r = erlang_a_required({100, 1800, 180, 1e-9}, {answer_time, 0.8, 0.85, 0.3});
    EXPECT_EQ(r.agents, 11) << answer_time;
    EXPECT_EQ(r.scheduled, 16) << answer_time;
    EXPECT_NEAR(r.abandonment, 0.1632323, 1e-6) << answer_time;
    EXPECT_NEAR(r.occupancy, 0.7606979, 1e-6) << answer_time;
  }
}

TEST(Staffing, ErlangAWorkIsBounded) {
  // A handle time of a microsecond against an answer time of 10^6 s settles every waiting
  // customer long before t: answered at once (no work), not 1.3·10^13 steps.
  const StaffingResult fast = erlang_a({100, 1800, 1e-6, 60}, 13, 1e6);
  EXPECT_NEAR(fast.service_level, 1, 1e-9);
  // A queue of about λ/θ = 10^7 × 0.01 = 10^5 impatient customers that still moves within the
  // answer time needs ~10^5 steps over 10^5 states: refused, naming the answer time, instead of
  // running for minutes.
  try {
    (void)erlang_a({1e7, 1, 1e-3, 0.01}, 1, 0.01);
    ADD_FAILURE() << "no RangeError";
  } catch (const RangeError& e) {
    EXPECT_EQ(e.path(), "answer_time_s");
  }
}

TEST(Staffing, ErlangANeedsNoMoreThanErlangC) {
  // Impatient customers leave the queue: fewer agents reach the same answered-in-time share.
  const QueueLoad load{10'000, 3600, 300, 60};
  const StaffingResult a = erlang_a_required(load, {20, 0.8});
  const StaffingResult c = erlang_c_required(load, {20, 0.8});
  EXPECT_LE(a.agents, c.agents);
  EXPECT_GE(a.service_level, 0.8);
  EXPECT_LT(erlang_a(load, a.agents - 1, 20).service_level, 0.8);
  EXPECT_GT(a.abandonment, 0);
}

TEST(Staffing, PlanSplitsOrdersByProfile) {
  // 900,000 orders × 0.004 contacts an order = 3,600 contacts, weights 1:2:1 over three
  // half hours: 900, 1800, 900 contacts. The middle interval at AHT 180 s carries
  // 1800 × 180 / 1800 = 180 Erlangs.
  StaffingPlanInput input;
  input.daily_orders = 900'000;
  input.contact_rate = 0.004;
  input.profile = {1, 2, 1};
  const auto rows = staffing_plan(input);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[0].contacts, 900);
  EXPECT_DOUBLE_EQ(rows[1].contacts, 1800);
  EXPECT_DOUBLE_EQ(rows[1].start_s, 1800);
  EXPECT_DOUBLE_EQ(rows[1].staffing.traffic, 180);
  EXPECT_EQ(rows[0].staffing.agents, rows[2].staffing.agents);
  EXPECT_EQ(rows[1].staffing.agents, erlang_c_required({1800, 1800, 180}, input.goal).agents);
}

TEST(Staffing, BadInputNamesTheParameter) {
  try {
    (void)erlang_c_required({100, 1800, -1}, {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "aht_s");
    EXPECT_NE(std::string(e.what()).find("aht_s must be a finite number > 0"), std::string::npos);
  }
  EXPECT_THROW((void)erlang_c_required({100, 1800, 180}, {20, 1.0}), InputError);
  EXPECT_THROW((void)erlang_c_required({100, 1800, 180}, {20, 0.8, 1, 1.0}), InputError);
  // 14 agents / 10^-12 is 1.4·10^13 scheduled: past an int, which the cast used to wrap (UB).
  EXPECT_THROW((void)erlang_c_required({100, 1800, 180}, {20, 0.8, 1, 1 - 1e-12}), RangeError);
  EXPECT_THROW((void)erlang_a({100, 1800, 180, 0}, 5, 20), InputError);
  EXPECT_THROW((void)staffing_plan({}), InputError);
}

}  // namespace
}  // namespace aftersales
