/* Uses the installed C ABI through <aftersales.h>: the same question as consumer.cpp,
 * 90 minutes after 2026-01-01T00:00Z on a 24x7 UTC calendar. */
#include <aftersales.h>

#include <stdio.h>
#include <string.h>

/* 2026-01-01T00:00:00Z = 20454 days * 86400 s; 90 min = 5400000 ms. */
#define START_MS 1767225600000LL
#define NINETY_MINUTES_MS 5400000LL
#define EXPECTED_MS 1767231000000LL

static int fail(const char *what) {
  fprintf(stderr, "%s: %s\n", what, aftersales_last_error());
  return 1;
}

int main(void) {
  static const char policy_json[] =
      "{\"schema_version\": 1, \"calendars\": {\"always\": {\"timezone\": \"UTC\", \"hours\": \"24x7\"}}}";
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int64_t due_ms = 0;
  int status = 0;

  if (strcmp(aftersales_version(), AFTERSALES_VERSION_STRING) != 0) {
    fprintf(stderr, "header version %s but library version %s\n", AFTERSALES_VERSION_STRING,
            aftersales_version());
    return 1;
  }
  if (aftersales_policy_load(policy_json, strlen(policy_json), &policy, NULL) != AFTERSALES_OK) {
    return fail("aftersales_policy_load");
  }
  if (aftersales_policy_calendar(policy, "always", &calendar, NULL) != AFTERSALES_OK) {
    status = fail("aftersales_policy_calendar");
  } else if (aftersales_calendar_add(calendar, START_MS, NINETY_MINUTES_MS, &due_ms, NULL) != AFTERSALES_OK) {
    status = fail("aftersales_calendar_add");
  } else if (due_ms != EXPECTED_MS) {
    fprintf(stderr, "expected %lld ms, got %lld ms\n", EXPECTED_MS, (long long)due_ms);
    status = 1;
  } else {
    printf("due at %lld ms\n", (long long)due_ms);
  }
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
  return status;
}
