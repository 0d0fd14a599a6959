/*
 * The weekdays calendar the C tests of policies, calendars and logging share, and instants on
 * it worked out by hand.
 */
#ifndef AFTERSALES_TEST_WEEKDAYS_H
#define AFTERSALES_TEST_WEEKDAYS_H

#include <aftersales.h>
#include <stdint.h>

#include "harness.h"

static const char weekdays_policy[] =
    "{\"schema_version\": 1, \"calendars\": {\"weekdays\": "
    "{\"timezone\": \"Asia/Shanghai\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}}}}";

/*
 * Days from 1970-01-01 to 2026-01-01: 56 years, 14 of them leap (1972, 1976, ..., 2024), so
 * 56 * 365 + 14 = 20454. Days from 2026-01-01 to 2026-11-13: Jan..Oct have
 * 31+28+31+30+31+30+31+31+30+31 = 304 days, plus 12 = 316. So 2026-11-13T00:00Z is day
 * 20454 + 316 = 20770, i.e. 20770 * 86400 = 1794528000 s. 20770 = 7 * 2967 + 1 and 1970-01-01
 * was a Thursday, so 2026-11-13 is a Friday. Asia/Shanghai is UTC+8 all year (no DST since
 * 1991): local 08:00 on Friday 13 November 2026 is 1794528000000 ms.
 */
#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)
/* Fri 13 Nov 00:00 +08:00 = Thu 16:00Z = 1794528000000 - 8 * 3600000 */
#define FRI_0000 INT64_C(1794499200000)
/* Fri 08:59:59.999 +08:00 = 1794528000000 + 3600000 - 1 */
#define FRI_0859_999 INT64_C(1794531599999)
/* Fri 09:00 +08:00 = 1794528000000 + 3600000 */
#define FRI_0900 INT64_C(1794531600000)
/* Fri 17:00 +08:00 = 1794528000000 + 9 * 3600000 */
#define FRI_1700 INT64_C(1794560400000)
/* Fri 18:00 +08:00 = 1794528000000 + 10 * 3600000 */
#define FRI_1800 INT64_C(1794564000000)
/* Sat 14 Nov 12:00 +08:00 = 1794528000000 + 86400000 + 4 * 3600000 */
#define SAT_1200 INT64_C(1794628800000)
/* Mon 16 Nov 00:00 +08:00 = 1794528000000 + 3 * 86400000 - 8 * 3600000 */
#define MON_0000 INT64_C(1794758400000)
/* Mon 16 Nov 09:00 +08:00 = 1794758400000 + 9 * 3600000 */
#define MON_0900 INT64_C(1794790800000)
/* Mon 16 Nov 10:00 +08:00 = 1794758400000 + 10 * 3600000 */
#define MON_1000 INT64_C(1794794400000)
/* Fri 20 Nov 18:00 +08:00 = 1794758400000 + 4 * 86400000 + 18 * 3600000 */
#define FRI20_1800 INT64_C(1795168800000)
/* Mon 23 Nov 00:00 +08:00 = 1794758400000 + 7 * 86400000 */
#define MON23_0000 INT64_C(1795363200000)

/* Loads weekdays_policy and its "weekdays" calendar; each stays NULL if its step fails. */
static inline void load_weekdays(aftersales_policy **policy, aftersales_calendar **calendar) {
  CHECK_OK(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, policy, NULL));
  CHECK_OK(aftersales_policy_calendar(*policy, "weekdays", calendar, NULL));
}

#endif
