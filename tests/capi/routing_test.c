/*
 * The routing part of the C ABI, compiled as C99: a router handle driven with JSON text.
 * Expected decisions were worked out by hand from the policy below. Prints one line per failed
 * check and ends with "N passed, M failed"; exits non-zero when anything failed.
 */
#include <aftersales.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* `text` is exactly `expected`; frees `text`. */
static int equals_and_free(char *text, const char *expected) {
  int same = text != NULL && strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "  got:      %s\n  expected: %s\n", text ? text : "(null)", expected);
  aftersales_free(text);
  return same;
}

static const char policy_json[] =
    "{\"schema_version\": 1, \"routing\": {"
    " \"queues\": [{\"id\": \"returns\"}, {\"id\": \"general\"}],"
    " \"rules\": [{\"id\": \"returns\", \"when\": {\"field\": \"category\", \"prefix\": \"after_sales/\"},"
    "              \"queue\": \"returns\"}],"
    " \"default_queue\": \"general\", \"assignment\": {\"strategy\": \"least_loaded\"}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms (20514 days × 86400000 + 10 × 3600000). */
static const int64_t t0 = 1772445600000;

static int route(aftersales_router *router, const char *ticket, int64_t at, char **out) {
  return aftersales_router_route(router, ticket, strlen(ticket), at, out, NULL);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  aftersales_router *restored = NULL;
  char *out = NULL;
  const char *agent = "{\"id\": \"A-1\", \"queues\": [\"returns\"], \"capacity\": {\"chat\": 1}}";
  const char *bad_agent = "{\"id\": \"A-2\", \"queues\": [\"nowhere\"], \"capacity\": {\"chat\": 1}}";
  const char *t1 = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\","
                   " \"category\": \"after_sales/return\"}";
  const char *t2 = "{\"id\": \"T-2\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\","
                   " \"category\": \"after_sales/return\"}";
  const char *t3 = "{\"id\": \"T-3\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\","
                   " \"priority\": \"urgent\"}";
  int withdrawn = -1;
  char *error = NULL;
  aftersales_router_totals totals;

  CHECK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL) == AFTERSALES_OK);
  CHECK(aftersales_router_new(policy, &router, NULL) == AFTERSALES_OK);
  aftersales_policy_free(policy); /* the router keeps its own reference */

  CHECK(aftersales_router_upsert_agent(router, agent, strlen(agent), NULL) == AFTERSALES_OK);
  CHECK(aftersales_router_upsert_agent(router, bad_agent, strlen(bad_agent), NULL) == AFTERSALES_EINPUT);
  CHECK(strstr(aftersales_last_error(), "queues[0]: no queue \"nowhere\"") != NULL);

  /* T-1 takes A-1's one chat place; T-2 waits. */
  CHECK(route(router, t1, t0, &out) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"ticket\":\"T-1\",\"queue\":\"returns\",\"rule\":\"returns\",\"agent\":\"A-1\""));
  CHECK(route(router, t2, t0, &out) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"agent\":null,\"bot\":false,\"priority\":\"normal\",\"waiting\":true"));
  CHECK(route(router, t1, t0, &out) == AFTERSALES_EINPUT);
  CHECK(out == NULL);
  CHECK(strstr(aftersales_last_error(), "already assigned to A-1") != NULL);

  /* A snapshot restored into a second router continues the same way. */
  CHECK(aftersales_router_snapshot(router, &out, NULL) == AFTERSALES_OK);
  /* JSON Lines, version 3: the header line first. */
  CHECK(strncmp(out, "{\"format\":\"aftersales.router\",\"version\":3,", 42) == 0);
  CHECK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL) == AFTERSALES_OK);
  CHECK(aftersales_router_restore(policy, out, strlen(out), &restored, NULL) == AFTERSALES_OK);
  aftersales_free(out);
  aftersales_policy_free(policy);

  /* Releasing T-1 and dispatching a minute later gives A-1 the waiting T-2. */
  CHECK(aftersales_router_release(restored, "A-1", "T-1", NULL) == AFTERSALES_OK);
  CHECK(aftersales_router_release(restored, "A-1", "T-1", NULL) == AFTERSALES_ENOT_FOUND);
  CHECK(aftersales_router_dispatch(restored, t0 + 60000, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "[{\"ticket\":\"T-2\",\"queue\":\"returns\",\"rule\":\"returns\",\"agent\":\"A-1\""));
  CHECK(aftersales_router_dispatch(restored, t0 + 60000, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "[]"));
  aftersales_router_free(restored);

  /* Listings of the first router: A-1 holds T-1 on chat, T-2 waits (no SLA section: no due
   * time). T-3, urgent, waits in general (nobody is in it): listed first, before T-2. */
  CHECK(route(router, t3, t0 + 60000, &out) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"waiting\":true"));
  error = &sentinel;
  CHECK(aftersales_router_agents(router, &out, &error) == AFTERSALES_OK && error == NULL);
  CHECK(equals_and_free(out, "[{\"id\":\"A-1\",\"status\":\"online\",\"queues\":[\"returns\"],\"capacity\":{\"chat\":1},"
                             "\"load\":{\"chat\":1},\"total\":1,\"tickets\":[\"T-1\"]}]"));
  CHECK(aftersales_router_waiting(router, &out, NULL) == AFTERSALES_OK);
  CHECK(equals_and_free(out, "[{\"ticket\":\"T-3\",\"queue\":\"general\",\"priority\":\"urgent\",\"channel\":\"chat\","
                             "\"waiting_since\":\"2026-03-02T10:01:00Z\",\"due_at\":null},"
                             "{\"ticket\":\"T-2\",\"queue\":\"returns\",\"priority\":\"normal\",\"channel\":\"chat\","
                             "\"waiting_since\":\"2026-03-02T10:00:00Z\",\"due_at\":null}]"));
  /* 1 agent, online; T-2 and T-3 waiting; T-1 assigned. */
  CHECK(aftersales_router_counts(router, &totals, NULL) == AFTERSALES_OK);
  CHECK(totals.agents == 1 && totals.online == 1 && totals.away == 0 && totals.offline == 0 && totals.waiting == 2 &&
        totals.assigned == 1);
  CHECK(aftersales_router_withdraw(router, "T-3", &withdrawn, NULL) == AFTERSALES_OK && withdrawn == 1);

  /* Status, withdrawal, removal on the first router. */
  CHECK(aftersales_router_set_status(router, "A-1", "away", NULL) == AFTERSALES_OK);
  /* Away, A-1 keeps T-1. */
  CHECK(aftersales_router_agents(router, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "{\"id\":\"A-1\",\"status\":\"away\",\"queues\":[\"returns\"],\"capacity\":{\"chat\":1},"
                               "\"load\":{\"chat\":1},\"total\":1,\"tickets\":[\"T-1\"]}"));
  CHECK(aftersales_router_counts(router, &totals, NULL) == AFTERSALES_OK);
  CHECK(totals.agents == 1 && totals.online == 0 && totals.away == 1 && totals.waiting == 1 && totals.assigned == 1);
  CHECK(aftersales_router_set_status(router, "A-1", "asleep", NULL) == AFTERSALES_EINPUT);
  CHECK(aftersales_router_set_status(router, "A-9", "online", NULL) == AFTERSALES_ENOT_FOUND);
  CHECK(aftersales_router_withdraw(router, "T-2", &withdrawn, NULL) == AFTERSALES_OK && withdrawn == 1);
  CHECK(aftersales_router_remove_agent(router, "A-1", &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "[\"T-1\"]"));
  /* Nobody left, nothing waiting. */
  CHECK(aftersales_router_agents(router, &out, NULL) == AFTERSALES_OK);
  CHECK(equals_and_free(out, "[]"));
  CHECK(aftersales_router_waiting(router, &out, NULL) == AFTERSALES_OK);
  CHECK(equals_and_free(out, "[]"));
  CHECK(aftersales_router_counts(router, &totals, NULL) == AFTERSALES_OK);
  CHECK(totals.agents == 0 && totals.waiting == 0 && totals.assigned == 0);

  /* Bad handles and pointers. */
  CHECK(aftersales_router_route(NULL, t1, strlen(t1), t0, &out, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(aftersales_router_snapshot(router, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(aftersales_router_restore(NULL, "{}", 2, &restored, NULL) == AFTERSALES_EINVALID_ARGUMENT && restored == NULL);
  /* The listings' errors come back through out_error, tied to the call; the counts are left as
   * they were. */
  out = &sentinel;
  CHECK(aftersales_router_agents(NULL, &out, &error) == AFTERSALES_EINVALID_ARGUMENT && out == NULL);
  CHECK(contains_and_free(error, "router is NULL"));
  CHECK(aftersales_router_waiting((const aftersales_router *)not_a_handle, &out, &error) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK(contains_and_free(error, "router is not a live aftersales_router"));
  CHECK(aftersales_router_waiting(router, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);
  totals.agents = 7;
  CHECK(aftersales_router_counts(NULL, &totals, &error) == AFTERSALES_EINVALID_ARGUMENT && totals.agents == 7);
  CHECK(contains_and_free(error, "router is NULL"));
  CHECK(aftersales_router_counts(router, NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);

  aftersales_router_free(router);
  aftersales_router_free(NULL);
  return finish();
}
