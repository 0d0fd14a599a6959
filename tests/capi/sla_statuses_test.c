/*
 * Status categories through the C ABI (docs/sla.md, "Status categories"), compiled as C99: a
 * ticket's JSON names the host's own statuses, the policy's "statuses" says how each counts, and
 * a status the policy does not know is an input error naming its event. The values are those
 * worked by hand in tests/cpp/sla_statuses_test.cpp (the returns ticket of docs/sla.md).
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"calendars\": {\"always\": {\"timezone\": \"UTC\", \"hours\": \"24x7\"}},"
    " \"statuses\": {\"awaiting_warehouse\": \"on_hold\", \"awaiting_courier\": \"pending_customer\","
    "  \"refund_approved\": \"resolved\"},"
    " \"sla\": {\"policies\": [{\"id\": \"returns\", \"calendar\": \"always\", \"pause_on\": [\"awaiting_courier\"],"
    "  \"targets\": {\"normal\": {\"resolution\": \"6h\", \"requester_wait_time\": \"6h\","
    "   \"agent_work_time\": \"4h\", \"on_hold_time\": \"1h\", \"follow_up\": \"48h\"}}}]}}";

#define EVENT(hhmm, rest) " {\"at\": \"2026-12-01T" hhmm ":00Z\", \"type\": " rest "}"

static const char ticket_json[] =
    "{\"id\": \"T-R1\", \"created_at\": \"2026-12-01T09:00:00Z\", \"events\": ["
    EVENT("09:30", "\"agent_reply\"") ","
    EVENT("10:00", "\"status\", \"to\": \"awaiting_warehouse\"") ","
    EVENT("12:00", "\"status\", \"to\": \"awaiting_courier\"") ","
    EVENT("13:00", "\"customer_message\"") ","
    EVENT("14:00", "\"status\", \"to\": \"refund_approved\"") ","
    EVENT("15:00", "\"status\", \"to\": \"open\"") ","
    EVENT("16:00", "\"resolved\"") "]}";

/* 2026-12-01T17:00:00Z in ms: 2026-11-13T00:00Z (1794528000000, weekdays.h) plus 18 days 17 hours. */
#define AT_MS (INT64_C(1794528000000) + INT64_C(18) * 86400000 + INT64_C(17) * 3600000)

int main(void) {
  aftersales_policy *policy = NULL;
  char *report = NULL;
  char *error = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_sla_evaluate(policy, ticket_json, strlen(ticket_json), AT_MS, &report, NULL));
  /* resolution paused only in awaiting_courier (12-13), stopped by refund_approved at 14:00,
   * resumed 15-16: 5h of 6h. */
  CHECK_HAS(report, "{\"metric\":\"resolution\",\"cycle\":0,\"target_s\":21600,\"elapsed_s\":18000,");
  /* requester_wait_time counts awaiting_warehouse as on hold: 09-12, 13-14, 15-16. */
  CHECK_HAS(report, "{\"metric\":\"requester_wait_time\",\"cycle\":0,\"target_s\":21600,\"elapsed_s\":18000,");
  /* agent_work_time: 09-10, 13-14, 15-16. */
  CHECK_HAS(report, "{\"metric\":\"agent_work_time\",\"cycle\":0,\"target_s\":14400,\"elapsed_s\":10800,");
  /* on_hold_time: awaiting_warehouse 10-12, breached at 11:00. */
  CHECK_HAS(report, "{\"metric\":\"on_hold_time\",\"cycle\":0,\"target_s\":3600,\"elapsed_s\":7200,");
  CHECK_HAS(report, "\"breached_at\":\"2026-12-01T11:00:00Z\"");
  /* The visit refund_approved started was cancelled by the reopen; resolved at 16:00 starts cycle 0. */
  CHECK_HAS(report, "{\"metric\":\"follow_up\",\"cycle\":0,\"target_s\":172800,\"elapsed_s\":3600,");
  CHECK_HAS(report, "\"started_at\":\"2026-12-01T16:00:00Z\"");
  CHECK_HAS(report, "\"status\":\"active_with_misses\"");
  aftersales_free(report);
  report = NULL;

  {
    /* A misspelt status: an input error at the first event that sets it. */
    static const char bad[] =
        "{\"id\": \"T\", \"created_at\": \"2026-12-01T09:00:00Z\", \"events\": ["
        EVENT("09:30", "\"agent_reply\"") ","
        EVENT("10:00", "\"status\", \"to\": \"awaiting_wharehouse\"") "]}";
    CHECK_ERROR(aftersales_sla_evaluate(policy, bad, strlen(bad), AT_MS, &report, &error), AFTERSALES_EINPUT,
                "\"awaiting_wharehouse\" is neither a built-in status nor one of the policy's \"statuses\"");
    CHECK(report == NULL);
    CHECK_HAS(error, "events[1].to");
    aftersales_free(error);
    error = NULL;

    /* In JSON Lines the line gets an error record and the others their reports. */
    char lines[4096];
    snprintf(lines, sizeof lines, "%s\n%s\n", bad, ticket_json);
    CHECK_OK(aftersales_sla_evaluate_lines(policy, lines, strlen(lines), AT_MS, 1, 1, &report, NULL));
    CHECK_HAS(report, "{\"line\":1,\"error\":");
    CHECK_HAS(report, "events[1].to");
    CHECK_HAS(report, "{\"ticket\":\"T-R1\",\"policy\":\"returns\"");
    aftersales_free(report);
    report = NULL;
  }
  aftersales_policy_free(policy);
  return finish();
}
