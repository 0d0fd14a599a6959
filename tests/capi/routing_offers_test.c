/*
 * Offers through the C ABI, compiled as C99 (docs/routing.md, "Offers"): a decision made with
 * the routing section's `offers` carries its expiry, the agent accepts or declines, and a lapsed
 * or declined offer cannot be accepted. Expected decisions are worked out by hand beside each
 * check. The listings show offers apart (offers_in_the_listings).
 */
#include <aftersales.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"routing\": {\"queues\": [{\"id\": \"desk\"}], \"default_queue\": \"desk\","
    " \"offers\": {\"push_timeout\": \"30s\", \"no_reoffer\": \"10m\"}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms. */
static const int64_t t0 = 1772445600000;

/*
 * Offers in the listings (docs/routing.md, "Listings"): aftersales_router_counts() counts the
 * tickets on offer apart, aftersales_router_agents() lists each agent's offered tickets, and an
 * answer before the offer was made is AFTERSALES_EINPUT.
 */
static void offers_in_the_listings(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  aftersales_router_totals totals;
  char *out = NULL;
  char *error = NULL;
  static const char agent[] = "{\"id\": \"A\", \"queues\": [\"desk\"], \"capacity\": {\"chat\": 2}}";
  static const char t1[] = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}";
  static const char t2[] = "{\"id\": \"T-2\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}";
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_router_new(policy, &router, NULL));
  CHECK_OK(aftersales_router_upsert_agent(router, agent, strlen(agent), NULL));
  /* A, room for two chats: T-1 and T-2 are both offered to it; it accepts T-1 at 10:00:02. */
  CHECK_OK(aftersales_router_route(router, t1, strlen(t1), t0, &out, NULL));
  aftersales_free(out);
  CHECK_OK(aftersales_router_route(router, t2, strlen(t2), t0 + 1000, &out, NULL));
  CHECK_HAS(out, "\"agent\":\"A\"");
  aftersales_free(out);
  /* Accepting T-2 at 10:00:00.500, before its offer (made at 10:00:01), is refused. */
  CHECK(aftersales_router_accept(router, "A", "T-2", t0 + 500, &error) == AFTERSALES_EINPUT);
  CHECK_HAS(error, "it was made at 2026-03-02T10:00:01Z");
  aftersales_free(error);
  CHECK(aftersales_router_decline(router, "A", "T-2", t0 + 500, &error) == AFTERSALES_EINPUT);
  aftersales_free(error);
  CHECK_OK(aftersales_router_accept(router, "A", "T-1", t0 + 2000, NULL));
  /* Two tickets held, T-2 of them on offer. */
  CHECK_OK(aftersales_router_counts(router, &totals, NULL));
  CHECK(totals.agents == 1 && totals.waiting == 0 && totals.assigned == 2 && totals.offered == 1);
  CHECK_OK(aftersales_router_agents(router, &out, NULL));
  CHECK_HAS(out, "\"total\":2,\"tickets\":[\"T-1\",\"T-2\"],\"offered\":[\"T-2\"]}");
  aftersales_free(out);
  /* A declines T-2 at 10:00:03: it waits (A barred), nothing is on offer. */
  CHECK_OK(aftersales_router_decline(router, "A", "T-2", t0 + 3000, NULL));
  CHECK_OK(aftersales_router_counts(router, &totals, NULL));
  CHECK(totals.waiting == 1 && totals.assigned == 1 && totals.offered == 0);
  aftersales_router_free(router);
  aftersales_policy_free(policy);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  char *out = NULL;
  char *error = NULL;
  static const char *const agents[] = {"{\"id\": \"A\", \"queues\": [\"desk\"], \"capacity\": {\"chat\": 1}}",
                                       "{\"id\": \"B\", \"queues\": [\"desk\"], \"capacity\": {\"chat\": 1}}", NULL};
  static const char t1[] = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}";
  static const char t2[] = "{\"id\": \"T-2\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\"}";
  CHECK_OK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL));
  CHECK_OK(aftersales_router_new(policy, &router, NULL));
  for (const char *const *agent = agents; *agent != NULL; ++agent)
    CHECK_OK(aftersales_router_upsert_agent(router, *agent, strlen(*agent), NULL));
  /* 10:00:00 T-1: both 0 of 1, the tie to the smaller id: offered to A until 10:00:30. */
  CHECK_OK(aftersales_router_route(router, t1, strlen(t1), t0, &out, NULL));
  CHECK_HAS(out, "\"agent\":\"A\"");
  CHECK_HAS(out, "\"offer_expires_at\":\"2026-03-02T10:00:30Z\"");
  aftersales_free(out);
  /* A declines at 10:00:05: T-1 waits, A barred from it; the dispatch offers it to B until 10:00:36. */
  CHECK_OK(aftersales_router_decline(router, "A", "T-1", t0 + 5000, NULL));
  CHECK(aftersales_router_accept(router, "A", "T-1", t0 + 5000, &error) == AFTERSALES_ENOT_FOUND);
  CHECK_HAS(error, "agent \"A\" holds no offer of ticket \"T-1\" (the ticket waits");
  aftersales_free(error);
  CHECK_OK(aftersales_router_dispatch(router, t0 + 6000, &out, NULL));
  CHECK_HAS(out, "\"ticket\":\"T-1\",\"queue\":\"desk\",\"rule\":null,\"agent\":\"B\"");
  CHECK_HAS(out, "\"offer_expires_at\":\"2026-03-02T10:00:36Z\"");
  aftersales_free(out);
  /* Accepting at 10:00:36 is too late: the offer expired then. At 10:00:20 B accepts. */
  CHECK(aftersales_router_accept(router, "B", "T-1", t0 + 36000, &error) == AFTERSALES_EINPUT);
  CHECK_HAS(error, "expired at 2026-03-02T10:00:36Z");
  aftersales_free(error);
  CHECK_OK(aftersales_router_accept(router, "B", "T-1", t0 + 20000, NULL));
  /* T-2 goes to A (B holds T-1); A lets it lapse: the dispatch at 10:00:51 (expiry 10:00:50) finds
     B full and A barred, so T-2 waits. */
  CHECK_OK(aftersales_router_route(router, t2, strlen(t2), t0 + 20000, &out, NULL));
  CHECK_HAS(out, "\"agent\":\"A\"");
  aftersales_free(out);
  CHECK_OK(aftersales_router_dispatch(router, t0 + 51000, &out, NULL));
  CHECK(strcmp(out, "[]") == 0);
  aftersales_free(out);
  CHECK_OK(aftersales_router_explain(router, "T-2", NULL, 0, 1, &out, NULL));
  CHECK_HAS(out, "\"agent\":\"A\",\"reason\":\"declined\"");
  CHECK_HAS(out, "\"barred_until\":\"2026-03-02T10:10:50Z\"");
  aftersales_free(out);
  /* The snapshot of a policy with offers is version 4. */
  CHECK_OK(aftersales_router_snapshot(router, &out, NULL));
  CHECK_HAS(out, "\"version\":4");
  aftersales_free(out);
  aftersales_router_free(router);
  aftersales_policy_free(policy);
  offers_in_the_listings();
  return finish();
}
