/*
 * "Why is this waiting?" through the C ABI, compiled as C99: aftersales_router_explain's JSON,
 * its paging, its instant and its errors. Expected texts worked out by hand from the policy
 * and agents below.
 */
#include <aftersales.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Returns overflow to general after 3 minutes. */
static const char policy_json[] =
    "{\"schema_version\": 1, \"routing\": {"
    " \"queues\": [{\"id\": \"returns\", \"overflow\": {\"after\": \"3m\", \"to\": \"general\"}}, {\"id\": \"general\"}],"
    " \"rules\": [{\"id\": \"returns\", \"when\": {\"field\": \"category\", \"prefix\": \"after_sales/\"},"
    "              \"queue\": \"returns\", \"skills\": {\"returns\": 2}}],"
    " \"default_queue\": \"general\", \"assignment\": {\"strategy\": \"least_loaded\"}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms (20514 days × 86400000 + 10 × 3600000). */
static const int64_t t0 = 1772445600000;

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  char *out = NULL;
  char *error = NULL;
  const char *g1 = "{\"id\": \"G-1\", \"queues\": [\"general\"], \"skills\": {\"returns\": 2}, \"capacity\": {\"chat\": 1}}";
  const char *r1 = "{\"id\": \"R-1\", \"queues\": [\"returns\"], \"skills\": {\"returns\": 1}, \"capacity\": {\"chat\": 1}}";
  const char *t1 = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\","
                   " \"category\": \"after_sales/return\"}";
  int64_t at = t0 + 3 * 60000;

  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_router_new(policy, &router, NULL));
  aftersales_policy_free(policy);
  CHECK_OK(aftersales_router_upsert_agent(router, g1, strlen(g1), NULL));
  CHECK_OK(aftersales_router_upsert_agent(router, r1, strlen(r1), NULL));
  CHECK_OK(aftersales_router_dispatch(router, t0, &out, NULL));
  aftersales_free(out);
  CHECK_OK(aftersales_router_route(router, t1, strlen(t1), t0, &out, NULL));
  CHECK_HAS(out, "\"waiting\":true");
  aftersales_free(out);

  /* As the last dispatch left it: G-1 is not in "returns"; R-1 has returns at 1 < 2. */
  CHECK_OK(aftersales_router_explain(router, "T-1", NULL, 0, 10, &out, NULL));
  CHECK(out != NULL && strcmp(out,
        "{\"ticket\":\"T-1\",\"queue\":\"returns\",\"queues\":[\"returns\"],\"priority\":\"normal\",\"channel\":\"chat\","
        "\"language\":null,\"skills\":{\"returns\":2},\"waiting_since\":\"2026-03-02T10:00:00Z\",\"agents\":2,\"eligible\":0,"
        "\"summary\":[{\"reason\":\"not_in_queue\",\"agents\":1,\"text\":\"1 not in queue \\\"returns\\\"\"},"
        "{\"reason\":\"not_online\",\"agents\":0,\"text\":\"0 not online\"},"
        "{\"reason\":\"at_capacity\",\"agents\":0,\"text\":\"0 at capacity on \\\"chat\\\"\"},"
        "{\"reason\":\"units\",\"agents\":0,\"text\":\"0 without the units for \\\"chat\\\"\"},"
        "{\"reason\":\"language\",\"agents\":0,\"text\":\"0 not speaking the language (none required)\"},"
        "{\"reason\":\"skill\",\"agents\":1,\"text\":\"1 without the skills (returns >= 2)\"},"
        "{\"reason\":\"eligible\",\"agents\":0,\"text\":\"0 eligible: the next dispatch assigns them waiting tickets\"}],"
        "\"offset\":0,\"listed\":[{\"agent\":\"G-1\",\"reason\":\"not_in_queue\",\"text\":\"not in queue \\\"returns\\\"\"},"
        "{\"agent\":\"R-1\",\"reason\":\"skill\",\"text\":\"skill \\\"returns\\\" at level 1, needs 2\"}]}") == 0);
  aftersales_free(out);

  /* At 10:03 the overflow to "general" is due: G-1 (returns 2) qualifies; page of one from 0. */
  CHECK_OK(aftersales_router_explain(router, "T-1", &at, 0, 1, &out, NULL));
  CHECK_HAS(out, "\"queues\":[\"returns\",\"general\"]");
  CHECK_HAS(out, "\"eligible\":1,");
  CHECK_HAS(out, "\"listed\":[{\"agent\":\"G-1\",\"reason\":\"eligible\",");
  aftersales_free(out);

  /* Errors: too many at once, an unknown ticket, an assigned one (after the dispatch). */
  CHECK(aftersales_router_explain(router, "T-1", NULL, 0, 1001, &out, &error) == AFTERSALES_EINPUT && out == NULL);
  CHECK_HAS(error, "at most 1000 agents");
  aftersales_free(error);
  CHECK(aftersales_router_explain(router, "T-9", NULL, 0, 0, &out, NULL) == AFTERSALES_ENOT_FOUND);
  CHECK_OK(aftersales_router_dispatch(router, at, &out, NULL));
  CHECK_HAS(out, "\"agent\":\"G-1\"");
  aftersales_free(out);
  CHECK(aftersales_router_explain(router, "T-1", NULL, 0, 0, &out, NULL) == AFTERSALES_ENOT_FOUND);
  CHECK(strstr(aftersales_last_error(), "is not waiting: it is assigned to G-1") != NULL);
  CHECK(aftersales_router_explain(NULL, "T-1", NULL, 0, 0, &out, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(aftersales_router_explain(router, NULL, NULL, 0, 0, &out, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(aftersales_router_explain(router, "T-1", NULL, 0, 0, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);

  aftersales_router_free(router);
  return finish();
}
