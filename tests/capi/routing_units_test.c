/*
 * Capacity in units through the C ABI, compiled as C99 (docs/routing.md, "Capacity in units"):
 * the agent JSON carries its units, the routing section prices the channels, and the agents
 * listing shows the units used. Expected decisions are worked out by hand beside each check.
 */
#include <aftersales.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"routing\": {\"queues\": [{\"id\": \"desk\"}], \"default_queue\": \"desk\","
    " \"units\": {\"voice\": 5, \"chat\": 2}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms. */
static const int64_t t0 = 1772445600000;

/* Routes `ticket` and returns whether the decision names `agent` (or waits, for NULL); frees it. */
static int routed_to(aftersales_router *router, const char *ticket, const char *agent) {
  char *out = NULL;
  int ok = aftersales_router_route(router, ticket, strlen(ticket), t0, &out, NULL) == AFTERSALES_OK;
  ok = ok && out != NULL && strstr(out, agent != NULL ? agent : "\"waiting\":true") != NULL;
  aftersales_free(out);
  return ok;
}

static int upsert(aftersales_router *router, const char *agent, char **error) {
  return aftersales_router_upsert_agent(router, agent, strlen(agent), error);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  char *out = NULL;
  char *error = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_router_new(policy, &router, NULL));
  /* 6 units, 3 chats and 1 call at once. */
  CHECK_OK(upsert(router, "{\"id\": \"A-1\", \"queues\": [\"desk\"], \"capacity\": {\"chat\": 3, \"voice\": 1}, \"units\": 6}",
                  NULL));
  /* A call: 5 of 6 units. A chat then needs 5 + 2 = 7 > 6: it waits, though 0 of 3 chats are held. */
  CHECK(routed_to(router, "{\"id\": \"V-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"voice\"}",
                  "\"agent\":\"A-1\""));
  CHECK(routed_to(router, "{\"id\": \"C-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}", NULL));
  CHECK_OK(aftersales_router_agents(router, &out, NULL));
  CHECK_HAS(out, "\"units\":6,\"units_used\":5");
  aftersales_free(out);
  /* The call ends: the dispatch gives the chat to A-1 (0 + 2 = 2 of 6). */
  CHECK_OK(aftersales_router_release(router, "A-1", "V-1", NULL));
  CHECK_OK(aftersales_router_dispatch(router, t0 + 60000, &out, NULL));
  CHECK_HAS(out, "\"ticket\":\"C-1\",\"queue\":\"desk\",\"rule\":null,\"agent\":\"A-1\"");
  aftersales_free(out);
  /* The snapshot carries the units; units out of range are refused with their path. */
  CHECK_OK(aftersales_router_snapshot(router, &out, NULL));
  CHECK_HAS(out, "\"units\":6,\"status\":\"online\"");
  aftersales_free(out);
  CHECK(upsert(router, "{\"id\": \"A-2\", \"queues\": [\"desk\"], \"capacity\": {}, \"units\": -1}", &error) ==
        AFTERSALES_EINPUT);
  CHECK_HAS(error, "units: an agent's units must be a whole number from 0 to 1000000, not -1");
  aftersales_free(error);
  aftersales_router_free(router);
  aftersales_policy_free(policy);
  return finish();
}
