/*
 * The fairness guarantee through the C ABI, compiled as C99 (issue 17 point 7; docs/routing.md,
 * "What `least_loaded` guarantees"): with equal capacities, the loads of the eligible online
 * agents differ by at most one ticket after every operation. The scenario is the one of
 * tests/python/test_routing_fairness.py; expected loads are worked out by hand beside each step.
 */
#include <aftersales.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"routing\": {\"queues\": [{\"id\": \"desk\"}], \"default_queue\": \"desk\","
    " \"assignment\": {\"strategy\": \"least_loaded\"}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms. */
static const int64_t t0 = 1772445600000;

/* The `total` of agent `id` in the agents listing, or -1 when it is not listed. */
static int total_of(const char *agents, const char *id) {
  char key[32];
  snprintf(key, sizeof key, "{\"id\":\"%s\",", id);
  const char *agent = strstr(agents, key);
  const char *total = agent != NULL ? strstr(agent, "\"total\":") : NULL;
  return total != NULL ? atoi(total + strlen("\"total\":")) : -1;
}

/* Largest minus smallest `total` of the online agents among A to D. */
static int online_spread(aftersales_router *router) {
  char *agents = NULL;
  int low = 1 << 30, high = -1;
  if (aftersales_router_agents(router, &agents, NULL) != AFTERSALES_OK) return 1 << 30;
  for (const char *id = "ABCD"; *id != '\0'; ++id) {
    char key[32];
    snprintf(key, sizeof key, "{\"id\":\"%c\",\"status\":\"online\"", *id);
    if (strstr(agents, key) == NULL) continue;
    const char name[2] = {*id, '\0'};
    const int total = total_of(agents, name);
    if (total < low) low = total;
    if (total > high) high = total;
  }
  aftersales_free(agents);
  return high - low;
}

static void route(aftersales_router *router, int n) {
  char ticket[128];
  char *out = NULL;
  snprintf(ticket, sizeof ticket, "{\"id\": \"T-%d\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}", n);
  CHECK_OK(aftersales_router_route(router, ticket, strlen(ticket), t0, &out, NULL));
  aftersales_free(out);
}

static void check_loads(aftersales_router *router, int a, int b, int c, int d) {
  char *agents = NULL;
  CHECK_OK(aftersales_router_agents(router, &agents, NULL));
  CHECK(total_of(agents, "A") == a);
  CHECK(total_of(agents, "B") == b);
  CHECK(total_of(agents, "C") == c);
  CHECK(total_of(agents, "D") == d);
  aftersales_free(agents);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_router_new(policy, &router, NULL));
  for (const char *id = "ABCD"; *id != '\0'; ++id) {
    char agent[96];
    snprintf(agent, sizeof agent, "{\"id\": \"%c\", \"queues\": [\"desk\"], \"capacity\": {\"chat\": 3}}", *id);
    CHECK_OK(aftersales_router_upsert_agent(router, agent, strlen(agent), NULL));
  }
  for (int n = 1; n <= 7; ++n) {
    route(router, n);
    CHECK(online_spread(router) <= 1);
  }
  /* Lowest load first, ties to the smaller id: T-1..T-4 -> A, B, C, D; T-5..T-7 -> A, B, C. */
  check_loads(router, 2, 2, 2, 1);
  CHECK_OK(aftersales_router_release(router, "A", "T-1", NULL)); /* A 1 */
  CHECK(online_spread(router) <= 1);
  CHECK_OK(aftersales_router_set_status(router, "B", "away", NULL)); /* B keeps 2, not eligible */
  CHECK(online_spread(router) <= 1);                                  /* online: A 1, C 2, D 1 */
  route(router, 8); /* A and D at 1 of 3, the tie to A: A 2, C 2, D 1 */
  check_loads(router, 2, 2, 2, 1);
  CHECK(online_spread(router) <= 1);
  aftersales_router_free(router);
  aftersales_policy_free(policy);
  return finish();
}
