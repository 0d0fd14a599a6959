/*
 * The SLA timeline through the C ABI (docs/sla.md, "The timeline: explain"): the *_with calls
 * and AFTERSALES_SLA_EXPLAIN, on the Berlin example of docs/sla.md (and
 * tests/cpp/sla_explain_test.cpp, where it is worked by hand). Compiled as C99.
 */
#define _POSIX_C_SOURCE 200809L

#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1,"
    " \"calendars\": {\"berlin\": {\"timezone\": \"Europe/Berlin\", \"hours\": {\"mon-fri\": [\"09:00-17:00\"]}}},"
    " \"sla\": {\"policies\": [{\"id\": \"eu\", \"calendar\": \"berlin\", \"pause_on\": [\"pending_customer\"],"
    " \"targets\": {\"normal\": {\"resolution\": \"16h\"}}}]}}";

static const char ticket_json[] =
    "{\"id\": \"T-EU-1\", \"created_at\": \"2026-10-23T16:00:00+02:00\", \"channel\": \"email\", \"events\": ["
    "{\"at\": \"2026-10-23T16:30:00+02:00\", \"type\": \"agent_reply\"},"
    "{\"at\": \"2026-10-26T10:00:00+01:00\", \"type\": \"status\", \"to\": \"pending_customer\"},"
    "{\"at\": \"2026-10-26T11:30:00+01:00\", \"type\": \"customer_message\"},"
    "{\"at\": \"2026-10-27T10:00:00+01:00\", \"type\": \"resolved\"}]}";

/* 2026-10-27T12:00:00+01:00 = 11:00Z: 21 days and 17 hours before 2026-11-18T04:00Z
 * (1794974400000, tests/capi/sla_test.c): 1794974400000 - 21 * 86400000 - 17 * 3600000. */
#define EXPLAIN_AT INT64_C(1793098800000)

/* The resolution clock's timeline, worked by hand in tests/cpp/sla_explain_test.cpp: 2 h then
 * 6 h 30 min of Berlin office time, paused while pending, the weekend and a night skipped. */
static const char resolution_timeline[] =
    "\"timeline\":{\"counted\":["
    "{\"from\":\"2026-10-23T14:00:00Z\",\"to\":\"2026-10-26T09:00:00Z\",\"business_s\":7200},"
    "{\"from\":\"2026-10-26T10:30:00Z\",\"to\":\"2026-10-27T09:00:00Z\",\"business_s\":23400}],"
    "\"paused\":[{\"from\":\"2026-10-26T09:00:00Z\",\"to\":\"2026-10-26T10:30:00Z\",\"reason\":\"pending_customer\"}],"
    "\"closed\":[{\"from\":\"2026-10-23T15:00:00Z\",\"to\":\"2026-10-26T08:00:00Z\"},"
    "{\"from\":\"2026-10-26T16:00:00Z\",\"to\":\"2026-10-27T08:00:00Z\"}]}";

int main(void) {
  aftersales_policy *policy = NULL;
  char *plain = NULL;
  char *with_zero = NULL;
  char *explained = NULL;
  char *lines = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_sla_evaluate(policy, ticket_json, strlen(ticket_json), EXPLAIN_AT, &plain, NULL));
  CHECK(plain != NULL && strstr(plain, "timeline") == NULL);
  /* No flag: exactly the call without flags. */
  CHECK_OK(aftersales_sla_evaluate_with(policy, ticket_json, strlen(ticket_json), EXPLAIN_AT, 0, &with_zero, NULL));
  CHECK(plain != NULL && with_zero != NULL && strcmp(plain, with_zero) == 0);
  CHECK_OK(aftersales_sla_evaluate_with(policy, ticket_json, strlen(ticket_json), EXPLAIN_AT, AFTERSALES_SLA_EXPLAIN,
                                        &explained, NULL));
  CHECK_HAS(explained, "\"elapsed_s\":30600");
  CHECK_HAS(explained, resolution_timeline);
  CHECK_OK(aftersales_sla_evaluate_lines_with(policy, ticket_json, strlen(ticket_json), EXPLAIN_AT, 1, 1,
                                              AFTERSALES_SLA_EXPLAIN, &lines, NULL));
  CHECK_HAS(lines, resolution_timeline);
  /* An unknown flag is refused, named. */
  {
    char *out = NULL;
    CHECK_ERROR(aftersales_sla_evaluate_with(policy, ticket_json, strlen(ticket_json), EXPLAIN_AT, 6u, &out, NULL),
                AFTERSALES_EINVALID_ARGUMENT, "flags has unknown bits 6");
    CHECK(out == NULL);
  }
  aftersales_free(plain);
  aftersales_free(with_zero);
  aftersales_free(explained);
  aftersales_free(lines);
  aftersales_policy_free(policy);
  return finish();
}
