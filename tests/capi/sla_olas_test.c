/*
 * OLAs and due-date overrides through the C ABI (docs/sla.md, "OLAs" and "Overrides"),
 * compiled as C99: the report JSON carries each OLA instance's queue and an override's due
 * instant; a malformed sla_override event is an input error naming its path. The values are
 * those worked by hand in tests/cpp/sla_olas_test.cpp.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"calendars\": {"
    " \"shanghai\": {\"timezone\": \"Asia/Shanghai\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}},"
    " \"berlin-night\": {\"timezone\": \"Europe/Berlin\", \"hours\": {\"daily\": [\"22:00-06:00\"]}}},"
    " \"sla\": {\"policies\": [{\"id\": \"returns\", \"calendar\": \"shanghai\","
    "  \"targets\": {\"normal\": {\"resolution\": \"24h\"}},"
    "  \"olas\": {\"returns-cn\": {\"target\": \"8h\"},"
    "           \"returns-eu\": {\"calendar\": \"berlin-night\", \"target\": \"14h\"}}}]}}";

/* Shanghai desk Fri 2026-10-23 08:00Z, Berlin night desk from 09:30Z, with a due instant of
 * Sat 09:30Z set by hand on Berlin's ownership at 10:00Z. */
static const char ticket_json[] =
    "{\"id\": \"T-OLA\", \"created_at\": \"2026-10-23T08:00:00Z\", \"events\": ["
    " {\"at\": \"2026-10-23T08:00:00Z\", \"type\": \"assigned\", \"queue\": \"returns-cn\"},"
    " {\"at\": \"2026-10-23T09:30:00Z\", \"type\": \"assigned\", \"queue\": \"returns-eu\"},"
    " {\"at\": \"2026-10-23T10:00:00Z\", \"type\": \"sla_override\", \"metric\": \"ola\","
    "  \"due_at\": \"2026-10-24T09:30:00Z\"}]}";

/* 2026-10-25T00:00:00Z in ms: 2026-11-13T00:00Z (1794528000000, weekdays.h) less 19 days. */
#define AT_MS (INT64_C(1794528000000) - INT64_C(19) * 86400000)

int main(void) {
  aftersales_policy *policy = NULL;
  char *report = NULL;
  char *error = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_sla_evaluate(policy, ticket_json, strlen(ticket_json), AT_MS, &report, NULL));
  /* Shanghai: 16:00-17:30 local, 5400 s, achieved at the hand-over. */
  CHECK_HAS(report, "{\"metric\":\"ola\",\"queue\":\"returns-cn\",\"cycle\":0,\"target_s\":28800,\"elapsed_s\":5400,");
  /* Berlin, overridden: a 24 h span from 09:30Z, breached at Sat 09:30Z, 38.5 h by Sun 00:00Z. */
  CHECK_HAS(report, "{\"metric\":\"ola\",\"queue\":\"returns-eu\",\"cycle\":0,\"target_s\":86400,\"elapsed_s\":138600,");
  CHECK_HAS(report, "\"breached_at\":\"2026-10-24T09:30:00Z\",\"completed_at\":null,"
                    "\"override_due_at\":\"2026-10-24T09:30:00Z\"}");
  aftersales_free(report);
  report = NULL;

  {
    static const char bad[] =
        "{\"id\": \"T\", \"created_at\": \"2026-10-23T08:00:00Z\", \"events\": ["
        " {\"at\": \"2026-10-23T10:00:00Z\", \"type\": \"sla_override\", \"metric\": \"ola\"}]}";
    CHECK_ERROR(aftersales_sla_evaluate(policy, bad, strlen(bad), AT_MS, &report, &error), AFTERSALES_EINPUT,
                "events[0].due_at");
    CHECK(report == NULL);
    CHECK_HAS(error, "events[0].due_at");
    aftersales_free(error);
  }
  aftersales_policy_free(policy);
  return finish();
}
