/*
 * Rules that know the time, ladders and aging through the C ABI (issue 17 points 1, 4, 5),
 * compiled as C99. Expected decisions are worked out by hand in the comments.
 */
#include <aftersales.h>

#include <string.h>

#include "harness.h"

/* cn-day is open 09:00-21:00 Shanghai time (UTC+8): 01:00-13:00 UTC. After hours, tickets go
 * to "night"; the "tech" rule's ladder adds "general" after 3 minutes; aging raises a waiting
 * ticket one level per 10 minutes. */
static const char policy_json[] =
    "{\"schema_version\": 1,"
    " \"calendars\": {\"cn-day\": {\"timezone\": \"Asia/Shanghai\", \"hours\": {\"daily\": [\"09:00-21:00\"]}}},"
    " \"routing\": {\"queues\": [{\"id\": \"day\"}, {\"id\": \"night\"}, {\"id\": \"general\"}],"
    "  \"rules\": [{\"id\": \"after-hours\", \"when\": {\"calendar\": \"cn-day\", \"open\": false}, \"queue\": \"night\"},"
    "            {\"id\": \"tech\", \"queue\": \"day\", \"steps\": [{\"after\": \"3m\", \"queue\": \"general\"}]}],"
    "  \"default_queue\": \"day\", \"aging\": {\"every\": \"10m\"}}}";

/* 2026-03-02T10:00:00Z = 1772445600000 ms: 18:00 in Shanghai, cn-day open. */
static const int64_t t0 = 1772445600000;

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_router *router = NULL;
  char *out = NULL;
  const char *agent = "{\"id\": \"A-1\", \"queues\": [\"general\"], \"capacity\": {\"chat\": 1}}";
  const char *late = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T13:00:00Z\", \"channel\": \"chat\"}";
  const char *day = "{\"id\": \"T-2\", \"created_at\": \"2026-03-02T10:00:00Z\", \"channel\": \"chat\","
                    " \"priority\": \"low\"}";

  CHECK(aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL) == AFTERSALES_OK);
  CHECK(aftersales_router_new(policy, &router, NULL) == AFTERSALES_OK);
  aftersales_policy_free(policy);

  /* 13:00Z is 21:00 in Shanghai: cn-day closed, the after-hours rule sends T-1 to "night". */
  CHECK(aftersales_router_route(router, late, strlen(late), t0 + 3 * 3600000, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"ticket\":\"T-1\",\"queue\":\"night\",\"rule\":\"after-hours\""));
  /* 18:00 Shanghai: open; the "tech" rule (no `when`) takes T-2, which waits in "day". */
  CHECK(aftersales_router_route(router, day, strlen(day), t0, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"queue\":\"day\",\"rule\":\"tech\",\"agent\":null,\"bot\":false,\"priority\":\"low\",\"waiting\":true"));
  CHECK(aftersales_router_upsert_agent(router, agent, strlen(agent), NULL) == AFTERSALES_OK);
  /* 10:02:59: "general" not yet added, A-1 cannot take T-2. */
  CHECK(aftersales_router_dispatch(router, t0 + 179000, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "[]"));
  /* 10:10 (the dispatch fires the ladder at 10:03 and aging at 10:10 before choosing): A-1 of
   * "general" takes T-2, now normal. */
  CHECK(aftersales_router_dispatch(router, t0 + 600000, &out, NULL) == AFTERSALES_OK);
  CHECK(contains_and_free(out, "\"ticket\":\"T-2\",\"queue\":\"general\",\"rule\":\"tech\",\"agent\":\"A-1\",\"bot\":false,"
                               "\"priority\":\"normal\""));
  aftersales_router_free(router);

  /* A calendar the policy does not have is a policy error naming the path. */
  {
    const char *bad = "{\"schema_version\": 1, \"routing\": {\"queues\": [{\"id\": \"q\"}], \"default_queue\": \"q\","
                      " \"rules\": [{\"id\": \"r\", \"when\": {\"calendar\": \"nope\", \"open\": true}, \"queue\": \"q\"}]}}";
    CHECK(aftersales_policy_load(bad, strlen(bad), &policy, NULL) == AFTERSALES_EPOLICY && policy == NULL);
    CHECK(strstr(aftersales_last_error(), "routing.rules[0].when.calendar: no calendar named \"nope\"") != NULL);
  }

  /* A rule valid from 10 to 12 November in Shanghai: from 2026-11-09T16:00:00Z (10 Nov 00:00
     there, 1794240000000 ms) to 2026-11-12T16:00:00Z (13 Nov 00:00 there, 1794499200000 ms),
     the end excluded. A ticket routed at its first instant goes to "surge", one at the end to
     the default queue. */
  {
    const char *surge = "{\"schema_version\": 1, \"routing\": {\"queues\": [{\"id\": \"day\"}, {\"id\": \"surge\"}],"
                        " \"default_queue\": \"day\", \"rules\": [{\"id\": \"double11\", \"valid\": {\"from\": \"2026-11-10\","
                        " \"to\": \"2026-11-12\", \"timezone\": \"Asia/Shanghai\"}, \"queue\": \"surge\"}]}}";
    const char *first = "{\"id\": \"T-1\", \"created_at\": \"2026-11-09T16:00:00Z\", \"channel\": \"chat\"}";
    const char *after = "{\"id\": \"T-2\", \"created_at\": \"2026-11-12T16:00:00Z\", \"channel\": \"chat\"}";
    CHECK(aftersales_policy_load(surge, strlen(surge), &policy, NULL) == AFTERSALES_OK);
    CHECK(aftersales_router_new(policy, &router, NULL) == AFTERSALES_OK);
    aftersales_policy_free(policy);
    CHECK(aftersales_router_route(router, first, strlen(first), 1794240000000, &out, NULL) == AFTERSALES_OK);
    CHECK(contains_and_free(out, "\"queue\":\"surge\",\"rule\":\"double11\""));
    CHECK(aftersales_router_route(router, after, strlen(after), 1794499200000, &out, NULL) == AFTERSALES_OK);
    CHECK(contains_and_free(out, "\"queue\":\"day\",\"rule\":null"));
    aftersales_router_free(router);
  }
  return finish();
}
