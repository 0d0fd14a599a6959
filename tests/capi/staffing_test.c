/*
 * The C ABI's staffing calls, compiled as C99. Expected values are worked out by hand in the
 * comments. Prints one line per failed check and "N passed, M failed".
 */
#include <aftersales.h>

#include <math.h>
#include <string.h>

#include "harness.h"

int main(void) {
  aftersales_staffing_result r;

  /* Erlang C, callcentrehelper.com's worked example: 100 calls / 30 min, AHT 180 s, 80% in
   * 20 s, occupancy <= 85%, shrinkage 30%: A = 10 Erlangs, 14 agents (SL 0.88835), 20
   * scheduled (14 / 0.7). */
  CHECK(aftersales_staffing_erlang_c_required(100, 1800, 180, 20, 0.8, 0.85, 0.3, &r, NULL) == AFTERSALES_OK);
  CHECK(r.agents == 14 && r.scheduled == 20 && fabs(r.service_level - 0.88835) < 1e-5 && r.abandonment == 0);
  CHECK(aftersales_staffing_erlang_c(100, 1800, 180, 13, 20, &r, NULL) == AFTERSALES_OK && r.service_level < 0.8);
  /* The defaults every surface shares (the same queue: 30 min, 180 s, 80% in 20 s), with no
   * occupancy cap (10 / 14 = 71% busy: the cap above did not bind) and no shrinkage: 14 agents,
   * 14 scheduled, as `aftersales staffing --contacts 100` and staffing.erlang_c(100) give. */
  CHECK(aftersales_staffing_erlang_c_required(100, AFTERSALES_STAFFING_DEFAULT_INTERVAL_S, AFTERSALES_STAFFING_DEFAULT_AHT_S,
                                              AFTERSALES_STAFFING_DEFAULT_ANSWER_TIME_S,
                                              AFTERSALES_STAFFING_DEFAULT_SERVICE_LEVEL,
                                              AFTERSALES_STAFFING_DEFAULT_MAX_OCCUPANCY,
                                              AFTERSALES_STAFFING_DEFAULT_SHRINKAGE, &r, NULL) == AFTERSALES_OK);
  CHECK(r.agents == 14 && r.scheduled == 14 && fabs(r.service_level - 0.88835) < 1e-5);
  CHECK(aftersales_staffing_erlang_a_required(100, 1800, 180, 60, 20, 0.8, 1, 0, &r, NULL) == AFTERSALES_OK &&
        r.agents <= 14 && r.abandonment > 0);
  CHECK(aftersales_staffing_erlang_a(100, 1800, 180, 0, 14, 20, &r, NULL) == AFTERSALES_EINPUT &&
        strstr(aftersales_last_error(), "patience_s") != NULL);
  CHECK(aftersales_staffing_erlang_c(100, 1800, 180, 14, 20, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  return finish();
}
