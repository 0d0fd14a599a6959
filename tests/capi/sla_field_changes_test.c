/*
 * Events that change a ticket's fields and tags through the C ABI (docs/sla.md, "Events that
 * change fields and tags"), compiled as C99: the ticket JSON carries field_changed and tag_added
 * events, which start and stop a custom metric; a malformed one is an input error naming its
 * path, never its value. The values are those worked by hand in tests/cpp/sla_field_changes_test.cpp.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1,"
    " \"calendars\": {\"shanghai\": {\"timezone\": \"Asia/Shanghai\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}}},"
    " \"sla\": {\"policies\": [{\"id\": \"p\", \"calendar\": \"shanghai\","
    "   \"targets\": {\"normal\": {\"warehouse_wait\": \"4h\"}}}],"
    "  \"metrics\": {\"warehouse_wait\": {"
    "   \"start_when\": {\"field\": \"fields.warehouse_status\", \"eq\": \"delayed\"},"
    "   \"stop_when\": {\"field\": \"tags\", \"contains\": \"warehouse_done\"}}}}}";

/* Created Monday 2 March 2026 10:00 Shanghai (02:00Z), "ok"; "delayed" at 16:00 (08:00Z);
 * warehouse_done added Tuesday 14:00 (06:00Z). */
static const char ticket_json[] =
    "{\"id\": \"T-W\", \"created_at\": \"2026-03-02T10:00:00+08:00\", \"fields\": {\"warehouse_status\": \"ok\"},"
    " \"events\": ["
    "  {\"at\": \"2026-03-02T16:00:00+08:00\", \"type\": \"field_changed\", \"field\": \"warehouse_status\","
    "   \"value\": \"delayed\"},"
    "  {\"at\": \"2026-03-03T14:00:00+08:00\", \"type\": \"tag_added\", \"tag\": \"warehouse_done\"}]}";

/* Tuesday 2026-03-03T07:00:00Z (15:00 in Shanghai), in ms. */
#define AT_MS INT64_C(1772521200000)

int main(void) {
  aftersales_policy *policy = NULL;
  char *report = NULL;
  char *error = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_sla_evaluate(policy, ticket_json, strlen(ticket_json), AT_MS, &report, NULL));
  /* Monday 16:00-18:00 (2h) and Tuesday 09:00-14:00 (5h): 7h = 25200 s of 4h = 14400 s; 4h reached
   * Tuesday 11:00 (03:00Z), stopped 14:00 (06:00Z). */
  CHECK_HAS(report, "\"metric\":\"warehouse_wait\",\"cycle\":0,\"target_s\":14400,\"elapsed_s\":25200,");
  CHECK_HAS(report, "\"started_at\":\"2026-03-02T08:00:00Z\"");
  CHECK_HAS(report, "\"breached_at\":\"2026-03-03T03:00:00Z\",\"completed_at\":\"2026-03-03T06:00:00Z\"");
  aftersales_free(report);
  report = NULL;

  {
    static const char bad[] =
        "{\"id\": \"T\", \"created_at\": \"2026-03-02T08:00:00Z\", \"events\": ["
        " {\"at\": \"2026-03-02T10:00:00Z\", \"type\": \"field_changed\", \"field\": \"courier\","
        "  \"value\": {\"secret\": 1}}]}";
    CHECK_ERROR(aftersales_sla_evaluate(policy, bad, strlen(bad), AT_MS, &report, &error), AFTERSALES_EINPUT,
                "events[0].value");
    CHECK(report == NULL);
    CHECK_HAS(error, "events[0].value: a field's value must be text, a number, true, false or null");
    CHECK(strstr(error, "secret") == NULL);
    aftersales_free(error);
  }
  aftersales_policy_free(policy);
  return finish();
}
