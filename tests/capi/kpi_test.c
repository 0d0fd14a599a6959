/*
 * The C ABI's KPI and scorecard calls, compiled as C99. Expected values are worked
 * out by hand in the comments. Prints one line per failed check and "N passed, M failed".
 */
#include <aftersales.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

/* 24x7 in UTC, a 10-minute first-response target, and a one-metric scorecard. */
static const char policy_json[] =
    "{\"schema_version\": 1,"
    " \"calendars\": {\"utc\": {\"timezone\": \"UTC\", \"hours\": \"24x7\"}},"
    " \"sla\": {\"policies\": [{\"id\": \"all\", \"calendar\": \"utc\","
    "   \"targets\": {\"normal\": {\"first_response\": \"10m\"}}}]},"
    " \"kpi\": {\"scorecards\": [{\"id\": \"speed\", \"metrics\":"
    "   {\"first_response_s.mean\": {\"weight\": 1, \"target\": 60, \"floor\": 600}}}]}}";

/* A-1 answers in 5 minutes (300 s, achieved); A-2 in 20 minutes (1200 s, breached). */
static const char tickets[] =
    "{\"id\": \"1\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": ["
    "{\"at\": \"2026-11-11T00:05:00Z\", \"type\": \"agent_reply\", \"agent\": \"A-1\"}]}\n"
    "\n"
    "{\"id\": \"2\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": ["
    "{\"at\": \"2026-11-11T00:20:00Z\", \"type\": \"agent_reply\", \"agent\": \"A-2\"}]}\n";

/* A critical csat at exactly half: 3 of 5 rated tickets satisfied (scores 5, 4, 5, 2, 1) is csat
 * 0.6; between floor 0.3 and target 0.9 that is (0.6 - 0.3) / (0.9 - 0.3) = 0.5, not below the
 * critical 0.5 (binary floating point computes 0.49999999999999994): score 100 x 0.5 = 50. */
static void test_critical_half(int64_t at) {
  static const char card[] =
      "{\"schema_version\": 1, \"kpi\": {\"scorecards\": [{\"id\": \"care\", \"metrics\":"
      " {\"csat\": {\"weight\": 1, \"target\": 0.9, \"floor\": 0.3, \"critical\": true}}}]}}";
#define RATED(id, score)                                                                        \
  "{\"id\": \"" id "\", \"created_at\": \"2026-11-11T00:00:00Z\", \"events\": [{\"at\":"        \
  " \"2026-11-11T01:00:00Z\", \"type\": \"satisfaction\", \"score\": " score "}]}\n"
  static const char rated[] = RATED("1", "5") RATED("2", "4") RATED("3", "5") RATED("4", "2") RATED("5", "1");
#undef RATED
  aftersales_policy *policy = NULL;
  char *json = NULL;
  CHECK(aftersales_policy_load(card, sizeof card - 1, &policy, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_scorecard(policy, "care", rated, sizeof rated - 1, at, NULL, 1, 1, &json, NULL) == AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "\"score\":50,\"stars\":1,\"rank\":1,\"critical_failed\":false") != NULL);
  CHECK(json != NULL && strstr(json, "\"csat\":{\"value\":0.6,\"score\":0.5,") != NULL);
  aftersales_free(json);
  aftersales_policy_free(policy);
}

/* Replay in batches (spec section 9): at `at` (2026-11-12T00:00Z) ticket "2" of these three is
 * yet to be created (on the 12th at 08:00). The KPIs count tickets 1 and 3 (backlog 2: neither
 * is resolved) and leave out 1; an accumulator fed the three one by one says the same, and its
 * state carries the count. Before 0.2 both calls failed on ticket 2. */
static void test_not_yet_created(const aftersales_policy *policy, int64_t at) {
  static const char three[] =
      "{\"id\": \"1\", \"created_at\": \"2026-11-11T00:00:00Z\"}\n"
      "{\"id\": \"2\", \"created_at\": \"2026-11-12T08:00:00Z\"}\n"
      "{\"id\": \"3\", \"created_at\": \"2026-11-11T00:00:00Z\"}\n";
  aftersales_kpi_accumulator *a = NULL;
  const char *line = three;
  char *json = NULL;
  CHECK(aftersales_kpi_compute(policy, three, sizeof three - 1, at, NULL, 2, 1, &json, NULL) == AFTERSALES_OK);
  CHECK_HAS(json, "{\"group_by\":[],\"time_zone\":null,\"not_yet_created\":1,\"groups\":[{\"key\":{},\"tickets\":2,\"resolved\":0,"
                  "\"backlog\":2,");
  aftersales_free(json);
  CHECK(aftersales_kpi_accumulator_new(policy, NULL, &a, NULL) == AFTERSALES_OK);
  for (; *line != '\0'; line = strchr(line, '\n') + 1)
    CHECK(aftersales_kpi_accumulator_add(a, line, (size_t)(strchr(line, '\n') - line), at, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_accumulator_result(a, NULL, &json, NULL) == AFTERSALES_OK);
  CHECK_HAS(json, "\"not_yet_created\":1,\"groups\":[{\"key\":{},\"tickets\":2,");
  aftersales_free(json);
  CHECK(aftersales_kpi_accumulator_to_json(a, &json, NULL) == AFTERSALES_OK);
  CHECK_HAS(json, "\"not_yet_created\":1,");
  aftersales_free(json);
  aftersales_kpi_accumulator_free(a);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_kpi_accumulator *a = NULL, *b = NULL, *c = NULL;
  char *json = NULL;
  char *state = NULL;
  /* 2026-11-12T00:00:00Z: 56 years of 365 days (20,440) + 14 leap days (1972-2024) + 315 days
   * into 2026 (Jan-Oct 304 + 11) = 20,769 days after 1970-01-01, times 86,400,000 ms. */
  const int64_t at = (int64_t)20769 * 86400000;

  CHECK(aftersales_policy_load(policy_json, sizeof policy_json - 1, &policy, NULL) == AFTERSALES_OK);

  /* Both tickets in one group: first responses 300 and 1200 s, mean 750; SLA 1 of 2. */
  CHECK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at, NULL, 1, 1, &json, NULL) == AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "\"first_response_s\":{\"count\":2,\"mean\":750,\"p50\":300,\"p90\":300}") != NULL);
  CHECK(json != NULL && strstr(json, "\"first_response\":{\"achieved\":1,\"breached\":1,\"rate\":0.5}") != NULL);
  aftersales_free(json);

  /* Scorecard by agent: A-1 mean 300 s → (300 − 600)/(60 − 600) = 0.5556 → 55.5556;
   * A-2 1200 s → below the floor → 0. A-1 ranks first. */
  CHECK(aftersales_kpi_scorecard(policy, "speed", tickets, sizeof tickets - 1, at, "{\"group_by\": [\"agent\"]}", 0, 1,
                                 &json, NULL) == AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "{\"key\":{\"agent\":\"A-1\"},\"score\":55.555556,\"stars\":1,\"rank\":1") != NULL);
  CHECK(json != NULL && strstr(json, "{\"key\":{\"agent\":\"A-2\"},\"score\":0,\"stars\":1,\"rank\":2") != NULL);
  aftersales_free(json);
  test_critical_half(at);
  test_not_yet_created(policy, at);

  /* Both tickets were created at 00:00 UTC on the 11th: 08:00 that day in Shanghai (UTC+8).
   * Without a zone, the one the policy's only calendar uses: UTC. */
  CHECK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                               "{\"group_by\": [\"hour\"], \"time_zone\": \"Asia/Shanghai\"}", 1, 1,
                               &json, NULL) == AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "\"group_by\":[\"hour\"],\"time_zone\":\"Asia/Shanghai\",") != NULL);
  CHECK(json != NULL && strstr(json, "{\"key\":{\"hour\":\"2026-11-11T08\"},\"tickets\":2,") != NULL);
  aftersales_free(json);
  CHECK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at, "{\"group_by\": [\"day\"]}", 1, 1, &json, NULL) ==
        AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "\"time_zone\":\"UTC\",") != NULL);
  aftersales_free(json);
  CHECK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at,
                               "{\"group_by\": [\"week\"], \"time_zone\": \"Mars/Olympus\"}", 1, 1,
                               &json, NULL) == AFTERSALES_EINPUT &&
        json == NULL && strstr(aftersales_last_error(), "time_zone") != NULL);

  /* Accumulators: one ticket each, shipped as JSON, merged: the same KPIs as one pass. */
  CHECK(aftersales_kpi_accumulator_new(policy, NULL, &a, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_accumulator_new(policy, "", &b, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_accumulator_add(a, tickets, strchr(tickets, '\n') - tickets, at, NULL) == AFTERSALES_OK);
  {
    const char *second = strstr(tickets, "{\"id\": \"2\"");
    CHECK(aftersales_kpi_accumulator_add(b, second, strlen(second), at, NULL) == AFTERSALES_OK);
  }
  CHECK(aftersales_kpi_accumulator_to_json(b, &state, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_accumulator_from_json(policy, state, strlen(state), &c, NULL) == AFTERSALES_OK);
  aftersales_free(state);
  CHECK(aftersales_kpi_accumulator_merge(a, c, NULL) == AFTERSALES_OK);
  CHECK(aftersales_kpi_accumulator_result(a, "{\"orders\": 4}", &json, NULL) == AFTERSALES_OK);
  CHECK(json != NULL && strstr(json, "\"mean\":750") != NULL);
  CHECK(json != NULL && strstr(json, "\"complaint_rate\":0}") != NULL); /* 0 complaints / 4 orders */
  aftersales_free(json);

  aftersales_kpi_accumulator_free(b);

  /* A merge past 64 bits (5e18 + 5e18 tickets > 2^63 - 1) is refused as out of range; a
   * state with more satisfied than rated customers is refused when read, naming the path. */
  {
    static const char big[] =
        "{\"kpi_state\": 2, \"group_by\": [], \"groups\": [{\"key\": [], \"counts\": {"
        "\"tickets\": 5000000000000000000, \"resolved\": 0, \"backlog\": 5000000000000000000, "
        "\"ever_resolved\": 0, \"reopened\": 0, \"fcr\": 0, \"one_touch\": 0, \"bot_resolved\": 0, "
        "\"escalated\": 0, \"reassigned\": 0, \"rated\": 1, \"satisfied\": 0, \"nps_rated\": 0, "
        "\"promoters\": 0, \"detractors\": 0, \"complaints\": 0}, "
        "\"first_response\": {\"sum_ms\": 0, \"values\": []}, \"resolution\": {\"sum_ms\": 0, \"values\": []}}]}";
    char impossible[sizeof big];
    CHECK(aftersales_kpi_accumulator_from_json(policy, big, sizeof big - 1, &b, NULL) == AFTERSALES_OK);
    CHECK(aftersales_kpi_accumulator_merge(b, b, NULL) == AFTERSALES_EOUT_OF_RANGE &&
          strstr(aftersales_last_error(), "tickets") != NULL);
    aftersales_kpi_accumulator_free(b);
    memcpy(impossible, big, sizeof big);
    memcpy(strstr(impossible, "\"satisfied\": 0") + 13, "7", 1); /* satisfied 7 of 1 rated */
    CHECK(aftersales_kpi_accumulator_from_json(policy, impossible, sizeof big - 1, &b, NULL) == AFTERSALES_EINPUT &&
          b == NULL && strstr(aftersales_last_error(), "groups[0].counts.satisfied") != NULL);
  }

  /* Errors: a bad dimension names its path; a bad ticket; NULL handles. */
  CHECK(aftersales_kpi_accumulator_new(policy, "{\"group_by\": [\"team\"]}", &b, NULL) == AFTERSALES_EINPUT &&
        strstr(aftersales_last_error(), "group_by[0]") != NULL && b == NULL);
  CHECK(aftersales_kpi_accumulator_add(a, "{}", 2, at, NULL) == AFTERSALES_EINPUT);
  CHECK(aftersales_kpi_accumulator_merge(a, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(aftersales_kpi_compute(policy, "x", 1, at, NULL, 1, 1, &json, NULL) == AFTERSALES_EINPUT && json == NULL &&
        strstr(aftersales_last_error(), "line 1") != NULL);
  /* A block that starts at line 41 of its file: the blank first line is 41, the bad one 42. */
  CHECK(aftersales_kpi_compute(policy, "\nx", 2, at, NULL, 1, 41, &json, NULL) == AFTERSALES_EINPUT && json == NULL &&
        strstr(aftersales_last_error(), "line 42:") != NULL);
  CHECK(aftersales_kpi_scorecard(policy, "nope", tickets, sizeof tickets - 1, at, NULL, 1, 1, &json, NULL) ==
        AFTERSALES_ENOT_FOUND);

  /* The same tickets from a file, read in blocks: the same KPIs to the byte; a file that does not
   * open is named. */
  {
    const char *path = AFTERSALES_CAPI_TEST_DIR "/kpi_tickets.jsonl";
    FILE *file = fopen(path, "wb");
    char *whole = NULL;
    CHECK(file != NULL && fwrite(tickets, 1, sizeof tickets - 1, file) == sizeof tickets - 1 && fclose(file) == 0);
    CHECK(aftersales_kpi_compute(policy, tickets, sizeof tickets - 1, at, NULL, 2, 1, &whole, NULL) == AFTERSALES_OK);
    CHECK(aftersales_kpi_compute_file(policy, path, at, NULL, 2, &json, NULL) == AFTERSALES_OK);
    CHECK(json != NULL && whole != NULL && strcmp(json, whole) == 0);
    aftersales_free(json);
    aftersales_free(whole);
    CHECK(aftersales_kpi_compute_file(policy, AFTERSALES_CAPI_TEST_DIR "/none.jsonl", at, NULL, 1, &json, NULL) ==
              AFTERSALES_EINPUT &&
          json == NULL && strstr(aftersales_last_error(), "none.jsonl\": No such file") != NULL);
    CHECK(aftersales_kpi_compute_file(policy, NULL, at, NULL, 1, &json, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  }

  aftersales_kpi_accumulator_free(a);
  aftersales_kpi_accumulator_free(c);
  aftersales_kpi_accumulator_free(NULL);
  aftersales_policy_free(policy);
  return finish();
}
