// C ABI shims for staffing (docs/staffing.md): Erlang C and Erlang A, plain numbers in and out.

#include "capi_support.hpp"

using namespace aftersales::capi;

namespace {

// The header's defaults restate C++'s for C, which has no default arguments: they cannot drift.
constexpr aftersales::QueueLoad default_load{};
constexpr aftersales::ServiceGoal default_goal{};
static_assert(default_load.interval_s == AFTERSALES_STAFFING_DEFAULT_INTERVAL_S);
static_assert(default_load.aht_s == AFTERSALES_STAFFING_DEFAULT_AHT_S);
static_assert(default_goal.answer_time_s == AFTERSALES_STAFFING_DEFAULT_ANSWER_TIME_S);
static_assert(default_goal.service_level == AFTERSALES_STAFFING_DEFAULT_SERVICE_LEVEL);
static_assert(default_goal.max_occupancy == AFTERSALES_STAFFING_DEFAULT_MAX_OCCUPANCY);
static_assert(default_goal.shrinkage == AFTERSALES_STAFFING_DEFAULT_SHRINKAGE);

void fill(const aftersales::StaffingResult& r, aftersales_staffing_result* out) {
  *out = {r.agents, r.scheduled, r.traffic, r.service_level, r.probability_wait, r.asa_s, r.occupancy, r.abandonment};
}

}  // namespace

extern "C" {

int aftersales_staffing_erlang_c(double contacts, double interval_s, double aht_s, int agents, double answer_time_s,
                                 aftersales_staffing_result* out, char** out_error) {
  return guarded(out_error, [&] {
    fill(aftersales::erlang_c({contacts, interval_s, aht_s}, agents, answer_time_s), non_null(out, "out"));
  });
}

int aftersales_staffing_erlang_c_required(double contacts, double interval_s, double aht_s, double answer_time_s,
                                          double service_level, double max_occupancy, double shrinkage,
                                          aftersales_staffing_result* out, char** out_error) {
  return guarded(out_error, [&] {
    fill(aftersales::erlang_c_required({contacts, interval_s, aht_s},
                                       {answer_time_s, service_level, max_occupancy, shrinkage}),
         non_null(out, "out"));
  });
}

int aftersales_staffing_erlang_a(double contacts, double interval_s, double aht_s, double patience_s, int agents,
                                 double answer_time_s, aftersales_staffing_result* out, char** out_error) {
  return guarded(out_error, [&] {
    fill(aftersales::erlang_a({contacts, interval_s, aht_s, patience_s}, agents, answer_time_s), non_null(out, "out"));
  });
}

int aftersales_staffing_erlang_a_required(double contacts, double interval_s, double aht_s, double patience_s,
                                          double answer_time_s, double service_level, double max_occupancy,
                                          double shrinkage, aftersales_staffing_result* out, char** out_error) {
  return guarded(out_error, [&] {
    fill(aftersales::erlang_a_required({contacts, interval_s, aht_s, patience_s},
                                       {answer_time_s, service_level, max_occupancy, shrinkage}),
         non_null(out, "out"));
  });
}

}  // extern "C"
