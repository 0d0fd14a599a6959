/*
 * The compensation KPIs through the C ABI's KPI options (docs/kpi.md, "Compensation"), compiled
 * as C99. Expected values are worked out by hand in the comments.
 */
#include <aftersales.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] = "{\"schema_version\": 1}";

/* Three tickets: 1 and 3 with A-1, 2 with A-2. */
static const char tickets[] =
    "{\"id\": \"1\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": ["
    "{\"at\": \"2026-11-11T00:05:00Z\", \"type\": \"assigned\", \"agent\": \"A-1\"}]}\n"
    "{\"id\": \"2\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": ["
    "{\"at\": \"2026-11-11T00:05:00Z\", \"type\": \"assigned\", \"agent\": \"A-2\"}]}\n"
    "{\"id\": \"3\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": ["
    "{\"at\": \"2026-11-11T00:05:00Z\", \"type\": \"assigned\", \"agent\": \"A-1\"}]}\n";

int main(void) {
  aftersales_policy *policy = NULL;
  char *json = NULL;
  /* 2026-11-12T00:00:00Z (as in kpi_test.c): 20,769 days after 1970-01-01. */
  const int64_t at = (int64_t)20769 * 86400000;

  CHECK_OK(aftersales_policy_load(policy_json, sizeof policy_json - 1, &policy, NULL));

  /* Ticket 1 gets 10.00 CNY, ticket 2 gets 5.00. A-1 (tickets 1, 3): 1 of 2 compensated,
   * 10.00 / 2 = 5.00 a ticket; A-2 (ticket 2): 5.00 / 1. */
  CHECK_OK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                                  "{\"group_by\": [\"agent\"], \"compensations\": ["
                                  "{\"ticket\": \"1\", \"currency\": \"CNY\", \"total\": \"10.00\"},"
                                  "{\"ticket\": \"2\", \"currency\": \"CNY\", \"total\": \"5.00\"}]}",
                                  1, 1, &json, NULL));
  CHECK_HAS(json, "\"compensation\":{\"currency\":\"CNY\",\"compensated\":1,\"total\":\"10.00\","
                  "\"cost_per_ticket\":\"5.00\",\"rate\":0.5}");
  CHECK_HAS(json, "\"compensation\":{\"currency\":\"CNY\",\"compensated\":1,\"total\":\"5.00\","
                  "\"cost_per_ticket\":\"5.00\",\"rate\":1}");
  aftersales_free(json);
  json = NULL;

  /* Without records, no compensation member. */
  CHECK_OK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at, NULL, 1, 1, &json, NULL));
  CHECK(json != NULL && strstr(json, "compensation") == NULL);
  aftersales_free(json);
  json = NULL;

  /* Errors name the record's path and never quote its ticket. */
  CHECK_ERROR(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                                     "{\"compensations\": [{\"ticket\": \"1\", \"currency\": \"CNY\", \"total\": \"1.005\"}]}",
                                     1, 1, &json, NULL),
              AFTERSALES_EINPUT, "compensations[0].total");
  CHECK_ERROR(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                                     "{\"compensations\": [{\"ticket\": \"1\", \"currency\": \"CNY\", \"total\": \"1.00\"},"
                                     " {\"ticket\": \"2\", \"currency\": \"JPY\", \"total\": \"100\"}]}",
                                     1, 1, &json, NULL),
              AFTERSALES_EINPUT, "compensations[1].currency");
  CHECK_ERROR(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                                     "{\"compensations\": [{\"ticket\": \"1\", \"total\": \"1.00\"}]}", 1, 1, &json, NULL),
              AFTERSALES_EINPUT, "compensations[0].currency");

  aftersales_policy_free(policy);
  return finish();
}
