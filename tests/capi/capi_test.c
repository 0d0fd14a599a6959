/*
 * Tests of the C ABI, compiled as C99 so that the header is proven to be C.
 *
 * Expected instants were worked out by hand (arithmetic in the comments), never copied from
 * the library's output. Prints one line per failed check and ends with "N passed, M failed";
 * exits non-zero when anything failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <aftersales.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* A minimal harness                                                                           */
/* ------------------------------------------------------------------------------------------ */

#include "harness.h"

/* A successful call returns AFTERSALES_OK and leaves the last error empty. */
static void check_ok(int rc, const char *what, int line) {
  check(rc == AFTERSALES_OK && aftersales_last_error()[0] == '\0', what, line);
}
#define CHECK_OK(call) check_ok((call), #call, __LINE__)

/* A failed call returns `expected` and its message mentions `fragment`. */
static void check_error(int rc, int expected, const char *fragment, const char *what, int line) {
  const char *message = aftersales_last_error();
  int ok = rc == expected && message[0] != '\0' && strstr(message, fragment) != NULL;
  if (!ok) {
    fprintf(stderr, "capi_test.c:%d: got status %d, expected %d mentioning \"%s\"\n", line, rc,
            expected, fragment);
  }
  check(ok, what, line);
}
#define CHECK_ERROR(call, expected, fragment) \
  check_error((call), (expected), (fragment), #call, __LINE__)

/* A successful call whose result (read after the call) equals `expected`. */
static void check_result(int rc, int64_t actual, int64_t expected, const char *what, int line) {
  if (rc == AFTERSALES_OK && actual != expected) {
    fprintf(stderr, "capi_test.c:%d: got %" PRId64 ", expected %" PRId64 "\n", line, actual,
            expected);
  }
  check(rc == AFTERSALES_OK && actual == expected, what, line);
}
#define CHECK_RESULT(call, result, expected)                           \
  do {                                                                 \
    int rc_ = (call);                                                  \
    check_result(rc_, (int64_t)(result), (expected), #call, __LINE__); \
  } while (0)

/* ------------------------------------------------------------------------------------------ */
/* The calendar under test and instants worked out by hand                                     */
/* ------------------------------------------------------------------------------------------ */

static const char weekdays_policy[] =
    "{\"schema_version\": 1, \"calendars\": {\"weekdays\": "
    "{\"timezone\": \"Asia/Shanghai\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}}}}";

/*
 * Days from 1970-01-01 to 2026-01-01: 56 years, 14 of them leap (1972, 1976, ..., 2024), so
 * 56 * 365 + 14 = 20454. Days from 2026-01-01 to 2026-11-13: Jan..Oct have
 * 31+28+31+30+31+30+31+31+30+31 = 304 days, plus 12 = 316. So 2026-11-13T00:00Z is day
 * 20454 + 316 = 20770, i.e. 20770 * 86400 = 1794528000 s. 20770 = 7 * 2967 + 1 and 1970-01-01
 * was a Thursday, so 2026-11-13 is a Friday. Asia/Shanghai is UTC+8 all year (no DST since
 * 1991): local 08:00 on Friday 13 November 2026 is 1794528000000 ms.
 */
#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)
/* Fri 13 Nov 00:00 +08:00 = Thu 16:00Z = 1794528000000 - 8 * 3600000 */
#define FRI_0000 INT64_C(1794499200000)
/* Fri 08:59:59.999 +08:00 = 1794528000000 + 3600000 - 1 */
#define FRI_0859_999 INT64_C(1794531599999)
/* Fri 09:00 +08:00 = 1794528000000 + 3600000 */
#define FRI_0900 INT64_C(1794531600000)
/* Fri 17:00 +08:00 = 1794528000000 + 9 * 3600000 */
#define FRI_1700 INT64_C(1794560400000)
/* Fri 18:00 +08:00 = 1794528000000 + 10 * 3600000 */
#define FRI_1800 INT64_C(1794564000000)
/* Sat 14 Nov 12:00 +08:00 = 1794528000000 + 86400000 + 4 * 3600000 */
#define SAT_1200 INT64_C(1794628800000)
/* Mon 16 Nov 00:00 +08:00 = 1794528000000 + 3 * 86400000 - 8 * 3600000 */
#define MON_0000 INT64_C(1794758400000)
/* Mon 16 Nov 09:00 +08:00 = 1794758400000 + 9 * 3600000 */
#define MON_0900 INT64_C(1794790800000)
/* Mon 16 Nov 10:00 +08:00 = 1794758400000 + 10 * 3600000 */
#define MON_1000 INT64_C(1794794400000)
/* Fri 20 Nov 18:00 +08:00 = 1794758400000 + 4 * 86400000 + 18 * 3600000 */
#define FRI20_1800 INT64_C(1795168800000)
/* Mon 23 Nov 00:00 +08:00 = 1794758400000 + 7 * 86400000 */
#define MON23_0000 INT64_C(1795363200000)
/* 2200-12-31T23:59:59.999Z, the last supported instant, plus 1 ms */
#define PAST_2200 INT64_C(7289654400000)

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void test_version(void) {
  CHECK(aftersales_version_number() == AFTERSALES_VERSION_NUMBER);
  CHECK(strcmp(aftersales_version(), AFTERSALES_VERSION_STRING) == 0);
}

/* A non-NULL value that is not a handle, to see that failures reset handle out-parameters. */
static char sentinel;

/* Zeroed memory the size of any handle, aligned like one, that holds no handle: the library
 * may read its tag. */
static uint64_t not_a_handle[16];

static void test_load_null_arguments(void) {
  aftersales_policy *policy = (aftersales_policy *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_load(NULL, 0, &policy), AFTERSALES_EINVALID_ARGUMENT, "json");
  CHECK(policy == NULL);
  CHECK_ERROR(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out");
  CHECK_ERROR(aftersales_policy_load_file(NULL, &policy), AFTERSALES_EINVALID_ARGUMENT, "path");
  CHECK_ERROR(aftersales_policy_load_file("policy.json", NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out");
}

/* Whether some line of `text` starts with `prefix`. */
static int has_line_starting(const char *text, const char *prefix) {
  size_t n = strlen(prefix);
  const char *line = text;
  while (line != NULL) {
    if (strncmp(line, prefix, n) == 0) return 1;
    line = strchr(line, '\n');
    if (line != NULL) ++line;
  }
  return 0;
}

static void test_load_reports_every_problem(void) {
  /* Three independent mistakes in three calendars. */
  static const char bad[] =
      "{\"schema_version\": 1, \"calendars\": {"
      "\"a\": {\"timezone\": \"Mars/Olympus_Mons\", \"hours\": {\"mon\": [\"09:00-18:00\"]}},"
      "\"b\": {\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"25:00-26:00\"], \"tue\": "
      "[\"09:00-18:00\"]}},"
      "\"c\": {\"timezone\": \"UTC\", \"hours\": \"24x7\", \"colour\": \"red\"}}}";
  aftersales_policy *policy = (aftersales_policy *)(void *)&sentinel;
  const char *message;
  CHECK_ERROR(aftersales_policy_load(bad, sizeof bad - 1, &policy), AFTERSALES_EPOLICY,
              "Mars/Olympus_Mons");
  CHECK(policy == NULL);
  message = aftersales_last_error();
  CHECK(has_line_starting(message, "calendars.a.timezone: "));
  CHECK(has_line_starting(message, "calendars.b.hours.mon[0]: "));
  CHECK(has_line_starting(message, "calendars.c.colour: "));

  CHECK_ERROR(aftersales_policy_load("{", 1, &policy), AFTERSALES_EPOLICY, "");
}

static void test_load_lists_at_most_100_problems(void) {
  /* Regression: the message listed every problem, megabytes for a broken document. 150 unknown
     keys k0..k149 in calendar "c": the first 100 are listed, one per line, then "and 50 more"
     (150 - 100); k100 is not listed. */
  enum { keys = 150 };
  char *doc = malloc(128 + keys * 16);
  size_t len;
  int i;
  aftersales_policy *policy = NULL;
  const char *message;
  const char *last_line;
  if (doc == NULL) {
    CHECK(doc != NULL);
    return;
  }
  len = (size_t)sprintf(doc, "{\"schema_version\": 1, \"calendars\": {\"c\": {\"timezone\": \"UTC\", \"hours\": \"24x7\"");
  for (i = 0; i < keys; ++i) len += (size_t)sprintf(doc + len, ", \"k%d\": 1", i);
  len += (size_t)sprintf(doc + len, "}}}");
  CHECK_ERROR(aftersales_policy_load(doc, len, &policy), AFTERSALES_EPOLICY, "calendars.c.k0: unknown key");
  message = aftersales_last_error();
  CHECK(has_line_starting(message, "calendars.c.k99: "));
  CHECK(!has_line_starting(message, "calendars.c.k100: "));
  last_line = strrchr(message, '\n');
  CHECK(last_line != NULL && strcmp(last_line, "\nand 50 more") == 0);
  free(doc);
}

static void test_load_honours_length(void) {
  /* The policy followed by bytes that are not JSON, and no NUL: only `len` bytes are read. */
  char buffer[sizeof weekdays_policy - 1 + 8];
  aftersales_policy *policy = NULL;
  memcpy(buffer, weekdays_policy, sizeof weekdays_policy - 1);
  memcpy(buffer + sizeof weekdays_policy - 1, "garbage!", 8);
  CHECK_OK(aftersales_policy_load(buffer, sizeof weekdays_policy - 1, &policy));
  aftersales_policy_free(policy);
  CHECK_ERROR(aftersales_policy_load(buffer, sizeof buffer, &policy), AFTERSALES_EPOLICY, "");
  CHECK_ERROR(aftersales_policy_load(buffer, 10, &policy), AFTERSALES_EPOLICY, "");
}

static void test_load_file(void) {
  static const char missing[] = "/nonexistent-aftersales-dir/missing-policy.json";
  static const char path[] = AFTERSALES_CAPI_TEST_DIR "/weekdays-policy.json";
  aftersales_policy *policy = (aftersales_policy *)(void *)&sentinel;
  aftersales_calendar *calendar = NULL;
  FILE *file;
  int open = -1;

  CHECK_ERROR(aftersales_policy_load_file(missing, &policy), AFTERSALES_EINPUT, missing);
  CHECK(policy == NULL);

  file = fopen(path, "wb");
  CHECK(file != NULL);
  if (file == NULL) return;
  CHECK(fwrite(weekdays_policy, 1, sizeof weekdays_policy - 1, file) == sizeof weekdays_policy - 1);
  CHECK(fclose(file) == 0);
  CHECK_OK(aftersales_policy_load_file(path, &policy));
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar));
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0900, &open), open, 1);
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
}

static void test_calendar_lookup(const aftersales_policy *policy) {
  aftersales_calendar *calendar = (aftersales_calendar *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_calendar(NULL, "weekdays", &calendar), AFTERSALES_EINVALID_ARGUMENT,
              "policy");
  CHECK(calendar == NULL);
  CHECK_ERROR(aftersales_policy_calendar(policy, NULL, &calendar), AFTERSALES_EINVALID_ARGUMENT,
              "name");
  CHECK_ERROR(aftersales_policy_calendar(policy, "weekdays", NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out");
  calendar = (aftersales_calendar *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_calendar(policy, "weekends", &calendar), AFTERSALES_ENOT_FOUND,
              "weekends");
  CHECK(strstr(aftersales_last_error(), "weekdays") != NULL);
  CHECK(calendar == NULL);
}

static void test_null_calendar_arguments(const aftersales_calendar *calendar) {
  int open = 0;
  int64_t ms = 0;
  CHECK_ERROR(aftersales_calendar_is_open(NULL, FRI_0900, &open), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_is_open(calendar, FRI_0900, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out");
  CHECK_ERROR(aftersales_calendar_next_open(NULL, FRI_0900, &ms), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_next_open(calendar, FRI_0900, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms");
  CHECK_ERROR(aftersales_calendar_add(NULL, FRI_0900, HOUR_MS, &ms), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, HOUR_MS, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_ms");
  CHECK_ERROR(aftersales_calendar_between(NULL, FRI_0900, FRI_1800, &ms),
              AFTERSALES_EINVALID_ARGUMENT, "calendar");
  CHECK_ERROR(aftersales_calendar_between(calendar, FRI_0900, FRI_1800, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_ms");
  /* Failures leave numeric results alone. */
  CHECK(open == 0 && ms == 0);
}

static void test_bad_handles(aftersales_policy *policy) {
  const aftersales_calendar *policy_as_calendar = (const aftersales_calendar *)(void *)policy;
  aftersales_calendar *calendar = NULL;
  int open = 0;
  int64_t ms = 0;

  CHECK_ERROR(aftersales_calendar_is_open(policy_as_calendar, FRI_0900, &open),
              AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_calendar");
  CHECK_ERROR(
      aftersales_calendar_add((const aftersales_calendar *)(void *)not_a_handle, FRI_0900, HOUR_MS, &ms),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_calendar");
  CHECK_ERROR(
      aftersales_policy_calendar((const aftersales_policy *)(void *)not_a_handle, "weekdays", &calendar),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");

  /* Freeing something that is not a live handle of that type does nothing: the policy
   * survives being passed to aftersales_calendar_free. */
  aftersales_calendar_free((aftersales_calendar *)(void *)policy);
  aftersales_policy_free((aftersales_policy *)(void *)not_a_handle);
  aftersales_policy_free(NULL);
  aftersales_calendar_free(NULL);
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar));
  aftersales_calendar_free(calendar);
}

static void test_is_open_and_next_open(const aftersales_calendar *calendar) {
  int open = -1;
  int64_t ms = 0;
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0859_999, &open), open, 0);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0900, &open), open, 1);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_1700, &open), open, 1);
  /* An interval's end is not inside it. */
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_1800, &open), open, 0);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, SAT_1200, &open), open, 0);

  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_0859_999, &ms), ms, FRI_0900);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_1700, &ms), ms, FRI_1700);
  /* Closed from Friday 18:00 over the weekend until Monday 09:00. */
  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_1800, &ms), ms, MON_0900);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, SAT_1200, &ms), ms, MON_0900);
}

static void test_add(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  /* Friday 17:00 + 1 h lands on the 18:00 close: that end, not Monday's opening. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_1700, HOUR_MS, &ms), ms, FRI_1800);
  /* 1 h on Friday (17:00-18:00) + 1 h on Monday (09:00-10:00). */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_1700, 2 * HOUR_MS, &ms), ms, MON_1000);
  /* From a closed Saturday: adding 0 is the identity, 1 h is Monday 09:00-10:00. */
  CHECK_RESULT(aftersales_calendar_add(calendar, SAT_1200, 0, &ms), ms, SAT_1200);
  CHECK_RESULT(aftersales_calendar_add(calendar, SAT_1200, HOUR_MS, &ms), ms, MON_1000);
  /* Friday 00:00 + 9 h is all of Friday; one more millisecond is Monday 09:00:00.001. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_0000, 9 * HOUR_MS, &ms), ms, FRI_1800);
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_0000, 9 * HOUR_MS + 1, &ms), ms, MON_0900 + 1);
  /* A whole working week is 5 * 9 h = 45 h: Monday 00:00 + 45 h is Friday 20 Nov 18:00. */
  CHECK_RESULT(aftersales_calendar_add(calendar, MON_0000, 45 * HOUR_MS, &ms), ms, FRI20_1800);
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, -1, &ms), AFTERSALES_EINPUT, "");
}

static void test_between(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  /* Friday 17:00-18:00 and Monday 09:00-10:00. */
  CHECK_RESULT(aftersales_calendar_between(calendar, FRI_1700, MON_1000, &ms), ms, 2 * HOUR_MS);
  CHECK_RESULT(aftersales_calendar_between(calendar, MON_1000, FRI_1700, &ms), ms, -2 * HOUR_MS);
  /* Friday 09:00-18:00 only: the weekend adds nothing. */
  CHECK_RESULT(aftersales_calendar_between(calendar, FRI_0000, MON_0000, &ms), ms, 9 * HOUR_MS);
  /* Monday 16 to Monday 23 November: five days of 9 h. */
  CHECK_RESULT(aftersales_calendar_between(calendar, MON_0000, MON23_0000, &ms), ms, 45 * HOUR_MS);
  CHECK_RESULT(aftersales_calendar_between(calendar, SAT_1200, SAT_1200 + DAY_MS, &ms), ms, 0);
}

static void test_out_of_range(const aftersales_calendar *calendar) {
  int open = 0;
  int64_t ms = 0;
  CHECK_ERROR(aftersales_calendar_is_open(calendar, -1, &open), AFTERSALES_EOUT_OF_RANGE, "");
  CHECK_ERROR(aftersales_calendar_next_open(calendar, PAST_2200, &ms), AFTERSALES_EOUT_OF_RANGE,
              "");
  CHECK_ERROR(aftersales_calendar_between(calendar, FRI_0900, INT64_MAX, &ms),
              AFTERSALES_EOUT_OF_RANGE, "");
  CHECK_ERROR(aftersales_calendar_between(calendar, INT64_MIN, FRI_0900, &ms),
              AFTERSALES_EOUT_OF_RANGE, "");
  /* 1970-2200 holds about 231 years; 231 years of 45-hour weeks cannot fit. */
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, PAST_2200, &ms), AFTERSALES_EOUT_OF_RANGE,
              "");
  CHECK_ERROR(aftersales_calendar_add(calendar, PAST_2200, 0, &ms), AFTERSALES_EOUT_OF_RANGE, "");
  /* 1970-01-01T00:00Z, the first supported instant, is a Thursday 08:00 in Shanghai. */
  CHECK_RESULT(aftersales_calendar_is_open(calendar, 0, &open), open, 0);
  CHECK(ms == 0);
}

static void test_error_is_cleared_by_success(const aftersales_calendar *calendar) {
  int open = 0;
  CHECK_ERROR(aftersales_calendar_is_open(NULL, FRI_0900, &open), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_OK(aftersales_calendar_is_open(calendar, FRI_0900, &open));
}

static void test_calendar_outlives_policy(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int64_t ms = 0;
  CHECK_OK(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, &policy));
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar));
  aftersales_policy_free(policy);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, SAT_1200, &ms), ms, MON_0900);
  aftersales_calendar_free(calendar);
}

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
  CHECK_OK(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, &policy));
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar));
  CHECK_OK(aftersales_calendar_add(calendar, FRI_1700, 2 * HOUR_MS, &ms));
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
}

static void test_logging(void) {
  struct log_record seen = {0, 1};
  CHECK_ERROR(aftersales_log_set_level(5), AFTERSALES_EINVALID_ARGUMENT, "level");
  CHECK_ERROR(aftersales_log_set_level(-1), AFTERSALES_EINVALID_ARGUMENT, "level");
  CHECK_ERROR(aftersales_log_set_level(7), AFTERSALES_EINVALID_ARGUMENT, "level");

  CHECK_OK(aftersales_log_set_callback(on_log, &seen));
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_TRACE));
  do_some_work();
  CHECK(seen.count > 0);
  CHECK(seen.well_formed);

  /* Work that succeeds has nothing to warn about. */
  seen.count = 0;
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_WARN));
  do_some_work();
  CHECK(seen.count == 0);

  seen.count = 0;
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_OFF));
  do_some_work();
  CHECK(seen.count == 0);

  CHECK_OK(aftersales_log_set_callback(NULL, NULL));
}

/* What the second thread observed. */
struct thread_view {
  const aftersales_calendar *calendar;
  int empty_at_start;
  int own_error_seen;
  int calendar_answered;
};

static void *other_thread(void *arg) {
  struct thread_view *view = (struct thread_view *)arg;
  int open = 0;
  view->empty_at_start = aftersales_last_error()[0] == '\0';
  view->own_error_seen = aftersales_log_set_level(42) == AFTERSALES_EINVALID_ARGUMENT &&
                         strstr(aftersales_last_error(), "level 42") != NULL;
  /* The calendar is shared with the main thread: handles are immutable. */
  view->calendar_answered =
      aftersales_calendar_is_open(view->calendar, FRI_1700, &open) == AFTERSALES_OK && open == 1;
  return NULL;
}

static void test_last_error_is_per_thread(const aftersales_calendar *calendar) {
  struct thread_view view = {NULL, 0, 0, 0};
  pthread_t thread;
  aftersales_policy *policy = NULL;
  view.calendar = calendar;
  CHECK_ERROR(aftersales_policy_load(NULL, 0, &policy), AFTERSALES_EINVALID_ARGUMENT, "json");
  CHECK(pthread_create(&thread, NULL, other_thread, &view) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(view.empty_at_start);
  CHECK(view.own_error_seen);
  CHECK(view.calendar_answered);
  /* Neither the other thread's error nor its success touched this thread's message. */
  CHECK(strstr(aftersales_last_error(), "json") != NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* SLA: the shared fixture set (tests/fixtures/sla, worked by hand in its README.md)           */
/* ------------------------------------------------------------------------------------------ */

#define SLA_FIXTURES AFTERSALES_FIXTURES_DIR "/sla/"
/* at.txt holds 2026-11-18T12:00:00+08:00 = 2026-11-18T04:00Z: five days and four hours after
 * 2026-11-13T00:00Z (1794528000000, worked out above), so
 * 1794528000000 + 5 * 86400000 + 4 * 3600000. */
#define SLA_AT INT64_C(1794974400000)
/* Ticket T-1 of the fixtures was created at 2026-11-16T10:00:00+08:00 = 2026-11-16T02:00Z, two
 * days and two hours before SLA_AT: 1794974400000 - 2 * 86400000 - 2 * 3600000. */
#define SLA_T1_CREATED INT64_C(1794794400000)

/* The whole file at `path`, NUL-terminated, in memory the caller frees; NULL if unreadable. */
static char *read_file(const char *path, size_t *len) {
  FILE *file = fopen(path, "rb");
  char *text = NULL;
  long size;
  if (file == NULL) return NULL;
  if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0) {
    text = (char *)malloc((size_t)size + 1);
    if (text != NULL && fread(text, 1, (size_t)size, file) == (size_t)size) {
      text[size] = '\0';
      *len = (size_t)size;
    } else {
      free(text);
      text = NULL;
    }
  }
  fclose(file);
  if (text == NULL) fprintf(stderr, "capi_test.c: cannot read %s\n", path);
  return text;
}

/* The fixture texts, read once. */
struct sla_fixtures {
  char *tickets;
  size_t tickets_len;
  char *expected;
  size_t expected_len;
};

/* The length of the line starting at `line` (without its newline). */
static size_t line_length(const char *line) {
  const char *end = strchr(line, '\n');
  return end != NULL ? (size_t)(end - line) : strlen(line);
}

/* The start of the line after `line`, or NULL after the last one. */
static const char *next_line(const char *line) {
  const char *end = strchr(line, '\n');
  return end != NULL && end[1] != '\0' ? end + 1 : NULL;
}

static void test_sla_at_matches_fixture(void) {
  size_t len = 0;
  char *at = read_file(SLA_FIXTURES "at.txt", &len);
  CHECK(at != NULL && strncmp(at, "2026-11-18T12:00:00+08:00", 25) == 0);
  free(at);
}

/* Each ticket alone, passed without its newline (so without a NUL right after it), gives
 * exactly its line of expected.jsonl. */
static void test_sla_evaluate_each(const aftersales_policy *policy, const struct sla_fixtures *f) {
  const char *ticket = f->tickets;
  const char *expected = f->expected;
  int count = 0;
  while (ticket != NULL && expected != NULL) {
    char *json = NULL;
    size_t want = line_length(expected);
    CHECK_OK(aftersales_sla_evaluate(policy, ticket, line_length(ticket), SLA_AT, &json));
    if (json != NULL && (strlen(json) != want || memcmp(json, expected, want) != 0)) {
      fprintf(stderr, "capi_test.c: report %d differs\n  got:      %s\n  expected: %.*s\n",
              count + 1, json, (int)want, expected);
      check(0, "aftersales_sla_evaluate output equals expected.jsonl", __LINE__);
    }
    aftersales_free(json);
    ticket = next_line(ticket);
    expected = next_line(expected);
    ++count;
  }
  CHECK(ticket == NULL && expected == NULL);
  CHECK(count == 9);
}

/* The whole file at once, on one thread and on several, gives exactly expected.jsonl. */
static void test_sla_evaluate_lines(const aftersales_policy *policy, const struct sla_fixtures *f) {
  static const unsigned threads[] = {1, 3, 0};
  size_t i;
  for (i = 0; i < sizeof threads / sizeof threads[0]; ++i) {
    char *jsonl = NULL;
    CHECK_OK(aftersales_sla_evaluate_lines(policy, f->tickets, f->tickets_len, SLA_AT, threads[i], 1,
                                           &jsonl));
    CHECK(jsonl != NULL && strcmp(jsonl, f->expected) == 0);
    aftersales_free(jsonl);
  }
}

static void test_sla_evaluate_errors(const aftersales_policy *policy,
                                     const struct sla_fixtures *f) {
  static const char bad_event[] =
      "{\"id\": \"B-1\", \"created_at\": \"2026-11-18T09:00:00+08:00\", \"events\": "
      "[{\"at\": \"2026-11-18T08:59:00+08:00\", \"type\": \"customer_message\"}]}";
  const aftersales_policy *not_a_policy = (const aftersales_policy *)(void *)not_a_handle;
  size_t t1 = line_length(f->tickets);
  char *json = &sentinel;

  CHECK_ERROR(aftersales_sla_evaluate(NULL, f->tickets, t1, SLA_AT, &json),
              AFTERSALES_EINVALID_ARGUMENT, "policy");
  CHECK(json == NULL);
  json = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate(not_a_policy, f->tickets, t1, SLA_AT, &json),
              AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");
  CHECK(json == NULL);
  CHECK_ERROR(aftersales_sla_evaluate(policy, NULL, 0, SLA_AT, &json),
              AFTERSALES_EINVALID_ARGUMENT, "ticket_json");
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_AT, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_json");

  /* Every problem of the ticket is listed with its JSON path. */
  json = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate(policy, bad_event, sizeof bad_event - 1, SLA_AT, &json),
              AFTERSALES_EINPUT, "events[0].at");
  CHECK(strstr(aftersales_last_error(), "before the ticket was created") != NULL);
  CHECK(json == NULL);
  CHECK_ERROR(aftersales_sla_evaluate(policy, "{\"id\": ", 7, SLA_AT, &json), AFTERSALES_EINPUT,
              "invalid JSON");
  /* Only `len` bytes are read: two more take in the newline and the next ticket's first brace. */
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1 + 2, SLA_AT, &json),
              AFTERSALES_EINPUT, "invalid JSON");

  /* T-1 cannot be evaluated before it existed; its creation instant itself is fine. */
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_T1_CREATED - 1, &json),
              AFTERSALES_EINPUT, "before it was created");
  CHECK_OK(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_T1_CREATED, &json));
  aftersales_free(json);
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, PAST_2200, &json),
              AFTERSALES_EOUT_OF_RANGE, "");
  CHECK(json == NULL);
}

/* A ticket has at most 100,000 events: 100,001 of the shortest form (20 bytes each) are refused
 * by name and count, before any is read; 100,000 are evaluated. */
static void test_sla_evaluate_too_many_events(const aftersales_policy *policy) {
  static const char head[] = "{\"id\": \"T-7\", \"created_at\": 0, \"events\": [";
  static const char event[] = "{\"at\":1,\"type\":\"x\"},";
  const size_t most = 100000;
  size_t len = sizeof head - 1 + (most + 1) * (sizeof event - 1) + 1;
  char *ticket = malloc(len);
  char *json = &sentinel;
  size_t i;
  CHECK(ticket != NULL);
  if (ticket == NULL) return;
  memcpy(ticket, head, sizeof head - 1);
  for (i = 0; i <= most; ++i) {
    memcpy(ticket + sizeof head - 1 + i * (sizeof event - 1), event, sizeof event - 1);
  }
  ticket[len - 2] = ']'; /* the last event's comma */
  ticket[len - 1] = '}';

  CHECK(aftersales_sla_evaluate(policy, ticket, len, SLA_AT, &json) == AFTERSALES_EINPUT);
  CHECK(strcmp(aftersales_last_error(),
               "invalid ticket: 1 problem\n"
               "  events: a ticket may have at most 100000 events, and this one has 100001") == 0);
  CHECK(json == NULL);
  /* One event fewer: the 100,000th event's comma closes the list. */
  len -= sizeof event - 1;
  ticket[len - 2] = ']';
  ticket[len - 1] = '}';
  CHECK_OK(aftersales_sla_evaluate(policy, ticket, len, SLA_AT, &json));
  aftersales_free(json);
  free(ticket);
}

static void test_sla_evaluate_lines_errors(const aftersales_policy *policy,
                                           const struct sla_fixtures *f) {
  const aftersales_policy *not_a_policy = (const aftersales_policy *)(void *)not_a_handle;
  char *jsonl = &sentinel;

  CHECK_ERROR(aftersales_sla_evaluate_lines(NULL, f->tickets, f->tickets_len, SLA_AT, 1, 1, &jsonl),
              AFTERSALES_EINVALID_ARGUMENT, "policy");
  CHECK(jsonl == NULL);
  CHECK_ERROR(
      aftersales_sla_evaluate_lines(not_a_policy, f->tickets, f->tickets_len, SLA_AT, 1, 1, &jsonl),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, NULL, 0, SLA_AT, 1, 1, &jsonl),
              AFTERSALES_EINVALID_ARGUMENT, "tickets_jsonl");
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, f->tickets, f->tickets_len, SLA_AT, 1, 1, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_jsonl");
  jsonl = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, f->tickets, f->tickets_len, -1, 1, 1, &jsonl),
              AFTERSALES_EOUT_OF_RANGE, "");
  CHECK(jsonl == NULL);

  /* No tickets, no reports. */
  CHECK_OK(aftersales_sla_evaluate_lines(policy, "", 0, SLA_AT, 1, 1, &jsonl));
  CHECK(jsonl != NULL && jsonl[0] == '\0');
  aftersales_free(jsonl);
}

/* Bad lines become error records numbered by input line, blank lines are skipped, and the
 * good lines around them are still reported. */
static void test_sla_evaluate_lines_bad_line(const aftersales_policy *policy,
                                             const struct sla_fixtures *f) {
  const char *t9 = f->tickets;
  const char *r9 = f->expected;
  char input[4096];
  char want[4096];
  char *jsonl = NULL;
  size_t t1 = line_length(f->tickets);
  size_t r1 = line_length(f->expected);
  int i;
  for (i = 0; i < 8; ++i) {
    t9 = next_line(t9);
    r9 = next_line(r9);
  }
  if (t9 == NULL || r9 == NULL || t1 + strlen(t9) + 16 > sizeof input ||
      r1 + strlen(r9) + 32 > sizeof want) {
    check(0, "fixture lines fit the buffers", __LINE__);
    return;
  }
  /* Line 1: T-1; line 2 blank; line 3 broken; line 4 blank but for spaces; line 5: T-9 with a
   * CRLF ending and no final newline. */
  snprintf(input, sizeof input, "%.*s\n\n{\"id\": 3\n  \n%.*s\r", (int)t1, f->tickets,
           (int)line_length(t9), t9);
  CHECK_OK(aftersales_sla_evaluate_lines(policy, input, strlen(input), SLA_AT, 2, 1, &jsonl));
  snprintf(want, sizeof want, "%.*s\n{\"line\":3,\"error\":\"", (int)r1, f->expected);
  CHECK(jsonl != NULL && strncmp(jsonl, want, strlen(want)) == 0);
  aftersales_free(jsonl);
  /* The same text as lines 41 to 45 of a file: the broken line is 41 + 2 = 43. */
  CHECK_OK(aftersales_sla_evaluate_lines(policy, input, strlen(input), SLA_AT, 2, 41, &jsonl));
  snprintf(want, sizeof want, "%.*s\n{\"line\":43,\"error\":\"", (int)r1, f->expected);
  CHECK(jsonl != NULL && strncmp(jsonl, want, strlen(want)) == 0);
  CHECK(jsonl != NULL && strstr(jsonl, "invalid JSON") != NULL);
  snprintf(want, sizeof want, "\"}\n%.*s\n", (int)line_length(r9), r9);
  CHECK(jsonl != NULL && strlen(jsonl) > strlen(want) &&
        strcmp(jsonl + strlen(jsonl) - strlen(want), want) == 0);
  aftersales_free(jsonl);
}

/* What one of the threads sharing a policy computed. */
struct sla_worker {
  const aftersales_policy *policy;
  const struct sla_fixtures *fixtures;
  int same;
};

static void *sla_thread(void *arg) {
  struct sla_worker *worker = (struct sla_worker *)arg;
  int round;
  worker->same = 1;
  for (round = 0; round < 20; ++round) {
    char *jsonl = NULL;
    int rc = aftersales_sla_evaluate_lines(worker->policy, worker->fixtures->tickets,
                                           worker->fixtures->tickets_len, SLA_AT, 1, 1, &jsonl);
    worker->same = worker->same && rc == AFTERSALES_OK &&
                   strcmp(jsonl, worker->fixtures->expected) == 0;
    aftersales_free(jsonl);
  }
  return NULL;
}

static void test_sla_policy_shared_by_threads(const aftersales_policy *policy,
                                              const struct sla_fixtures *f) {
  struct sla_worker workers[4];
  pthread_t threads[4];
  int i;
  for (i = 0; i < 4; ++i) {
    workers[i].policy = policy;
    workers[i].fixtures = f;
    workers[i].same = 0;
    CHECK(pthread_create(&threads[i], NULL, sla_thread, &workers[i]) == 0);
  }
  for (i = 0; i < 4; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].same);
  }
}

static void test_sla(void) {
  struct sla_fixtures f = {NULL, 0, NULL, 0};
  aftersales_policy *policy = NULL;
  f.tickets = read_file(SLA_FIXTURES "tickets.jsonl", &f.tickets_len);
  f.expected = read_file(SLA_FIXTURES "expected.jsonl", &f.expected_len);
  CHECK_OK(aftersales_policy_load_file(SLA_FIXTURES "policy.json", &policy));
  CHECK(f.tickets != NULL && f.expected != NULL);
  if (policy != NULL && f.tickets != NULL && f.expected != NULL) {
    test_sla_at_matches_fixture();
    test_sla_evaluate_each(policy, &f);
    test_sla_evaluate_lines(policy, &f);
    test_sla_evaluate_errors(policy, &f);
    test_sla_evaluate_too_many_events(policy);
    test_sla_evaluate_lines_errors(policy, &f);
    test_sla_evaluate_lines_bad_line(policy, &f);
    test_sla_policy_shared_by_threads(policy, &f);
  }
  aftersales_policy_free(policy);
  free(f.tickets);
  free(f.expected);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;

  CHECK(aftersales_last_error() != NULL && aftersales_last_error()[0] == '\0');
  test_version();
  test_load_null_arguments();
  test_load_reports_every_problem();
  test_load_lists_at_most_100_problems();
  test_load_honours_length();
  test_load_file();
  test_calendar_outlives_policy();
  test_logging();

  CHECK_OK(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, &policy));
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar));
  if (policy != NULL && calendar != NULL) {
    test_calendar_lookup(policy);
    test_null_calendar_arguments(calendar);
    test_bad_handles(policy);
    test_is_open_and_next_open(calendar);
    test_add(calendar);
    test_between(calendar);
    test_out_of_range(calendar);
    test_error_is_cleared_by_success(calendar);
    test_last_error_is_per_thread(calendar);
  }
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
  test_sla();

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
