/*
 * Logging through the C ABI: levels and the callback, compiled as C99. Prints one line per
 * failed check and ends with "N passed, M failed"; exits non-zero when anything failed.
 */
#include <aftersales.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "weekdays.h"

/* What the log callback saw. */
struct log_record {
  int count;
  int well_formed; /* every level known, every message non-empty and NUL-terminated */
};

static void on_log(int level, const char *message, size_t len, void *user) {
  struct log_record *seen = (struct log_record *)user;
  ++seen->count;
  if (level < AFTERSALES_LOG_TRACE || level > AFTERSALES_LOG_ERROR || len == 0 ||
      message[len] != '\0' || strlen(message) != len) {
    seen->well_formed = 0;
  }
}

/* Loads a policy and queries it: enough work to produce log records at the lower levels. */
static void do_some_work(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int64_t ms = 0;
  load_weekdays(&policy, &calendar);
  CHECK_OK(aftersales_calendar_add(calendar, FRI_1700, 2 * HOUR_MS, &ms, NULL));
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
}

static void test_logging(void) {
  struct log_record seen = {0, 1};
  CHECK_ERROR(aftersales_log_set_level(5, NULL), AFTERSALES_EINVALID_ARGUMENT, "level");
  CHECK_ERROR(aftersales_log_set_level(-1, NULL), AFTERSALES_EINVALID_ARGUMENT, "level");
  CHECK_ERROR(aftersales_log_set_level(7, NULL), AFTERSALES_EINVALID_ARGUMENT, "level");

  CHECK_OK(aftersales_log_set_callback(on_log, &seen, NULL));
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_TRACE, NULL));
  do_some_work();
  CHECK(seen.count > 0);
  CHECK(seen.well_formed);

  /* Work that succeeds has nothing to warn about. */
  seen.count = 0;
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_WARN, NULL));
  do_some_work();
  CHECK(seen.count == 0);

  seen.count = 0;
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_OFF, NULL));
  do_some_work();
  CHECK(seen.count == 0);

  CHECK_OK(aftersales_log_set_callback(NULL, NULL, NULL));
}

int main(void) {
  test_logging();
  return finish();
}
