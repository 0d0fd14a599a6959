/*
 * The optional `char **out_error` every fallible function ends with: on failure a copy of the
 * message aftersales_last_error() gives, NULL on success, and a NULL out_error costs nothing.
 * The message belongs to the call, not to the OS thread, which is what a caller that changes
 * threads between calls (a Go goroutine) needs. Compiled as C99.
 */
#define _POSIX_C_SOURCE 200809L

#include <aftersales.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "weekdays.h"

/* A failed call returned `expected`, and `error` (which this frees) is its own copy of the
 * thread's last error, mentioning `fragment`. */
static void check_out_error(int rc, char *error, int expected, const char *fragment, int line) {
  int ok = rc == expected && error != NULL && error != aftersales_last_error() &&
           strcmp(error, aftersales_last_error()) == 0 && strstr(error, fragment) != NULL;
  if (!ok) {
    fprintf(stderr, "%s:%d: status %d, out_error \"%s\"; expected %d mentioning \"%s\"\n", __FILE__, line, rc,
            error != NULL ? error : "(NULL)", expected, fragment);
  }
  check(ok, fragment, line);
  aftersales_free(error);
}

/* One failure of each status, through the shims of every capi/ source file. */
static void test_out_error_is_the_last_error(const aftersales_policy *policy, const aftersales_calendar *calendar) {
  static const char not_json[] = "{\"schema_version\": 1,";
  aftersales_policy *loaded = NULL;
  aftersales_calendar *found = NULL;
  aftersales_router *router = NULL;
  aftersales_staffing_result staffing;
  char *report = NULL;
  char *error = NULL;
  int open = 0;
  int64_t ms = 0;
  int rc;

  rc = aftersales_policy_load(not_json, sizeof not_json - 1, &loaded, &error);
  check_out_error(rc, error, AFTERSALES_EPOLICY, "(document)", __LINE__);
  rc = aftersales_policy_calendar(policy, "weekends", &found, &error);
  check_out_error(rc, error, AFTERSALES_ENOT_FOUND, "weekdays", __LINE__);
  rc = aftersales_calendar_is_open(calendar, PAST_2200, &open, &error);
  check_out_error(rc, error, AFTERSALES_EOUT_OF_RANGE, "7289654400000", __LINE__);
  rc = aftersales_instant_parse("2026-11-11", 10, &ms, &error);
  check_out_error(rc, error, AFTERSALES_EINPUT, "\"2026-11-11\" is not an RFC 3339 instant", __LINE__);
  rc = aftersales_log_set_level(42, &error);
  check_out_error(rc, error, AFTERSALES_EINVALID_ARGUMENT, "level 42", __LINE__);
  rc = aftersales_sla_evaluate(policy, "{}", 2, FRI_0900, &report, &error);
  check_out_error(rc, error, AFTERSALES_EINPUT, "invalid ticket", __LINE__);
  rc = aftersales_router_new(policy, &router, &error); /* weekdays_policy has no routing section */
  check_out_error(rc, error, AFTERSALES_ENOT_FOUND, "routing", __LINE__);
  rc = aftersales_staffing_erlang_c(-1.0, 1800.0, 300.0, 10, 20.0, &staffing, &error);
  check_out_error(rc, error, AFTERSALES_EINPUT, "contacts", __LINE__);
  rc = aftersales_kpi_compute(NULL, "", 0, FRI_0900, NULL, 1, 1, &report, &error);
  check_out_error(rc, error, AFTERSALES_EINVALID_ARGUMENT, "policy is NULL", __LINE__);
  rc = aftersales_refund_check(policy, NULL, 0, &report, &error);
  check_out_error(rc, error, AFTERSALES_EINVALID_ARGUMENT, "request_json is NULL", __LINE__);
}

static void test_out_error_is_null_on_success(const aftersales_calendar *calendar) {
  char *error = &sentinel;
  char *text = NULL;
  int open = 0;
  CHECK_OK(aftersales_calendar_is_open(calendar, FRI_0900, &open, &error));
  CHECK(error == NULL);
  /* A success after a failure: the caller freed the failure's message, the success sets NULL. */
  CHECK(aftersales_instant_format(-1, &text, &error) == AFTERSALES_EOUT_OF_RANGE && error != NULL);
  aftersales_free(error);
  error = &sentinel;
  CHECK_OK(aftersales_instant_format(0, &text, &error));
  CHECK(error == NULL);
  aftersales_free(text);
}

static void test_null_out_error_still_reports(void) {
  CHECK_ERROR(aftersales_log_set_level(42, NULL), AFTERSALES_EINVALID_ARGUMENT, "level 42");
}

/* Two calls on one thread, as two goroutines sharing an OS thread would make them: the first
 * call's message survives the second failure, which replaced the thread's last error. */
static void test_message_belongs_to_the_call(void) {
  char *first = NULL;
  char *second = NULL;
  int64_t ms = 0;
  CHECK(aftersales_instant_parse("first", 5, &ms, &first) == AFTERSALES_EINPUT);
  CHECK(aftersales_instant_format(-1, NULL, &second) == AFTERSALES_EINVALID_ARGUMENT);
  CHECK_HAS(first, "\"first\" is not an RFC 3339 instant");
  CHECK_HAS(second, "out_text is NULL");
  CHECK(strcmp(aftersales_last_error(), second) == 0);
  aftersales_free(first);
  aftersales_free(second);
}

/* A call that failed on another OS thread, its message read back on this one (a goroutine
 * resumed elsewhere): out_error has it, this thread's last error does not. */
static void *fail_elsewhere(void *arg) {
  int64_t ms = 0;
  char **error = (char **)arg;
  (void)aftersales_instant_parse("elsewhere", 9, &ms, error);
  return NULL;
}

static void test_message_crosses_threads(void) {
  pthread_t thread;
  char *error = NULL;
  CHECK_OK(aftersales_log_set_level(AFTERSALES_LOG_OFF, NULL)); /* this thread's last error: empty */
  CHECK(pthread_create(&thread, NULL, fail_elsewhere, &error) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK_HAS(error, "\"elsewhere\" is not an RFC 3339 instant");
  CHECK(aftersales_last_error()[0] == '\0');
  aftersales_free(error);
}

enum { rounds = 2000 };

/* One thread's part in test_threads_fail_differently: each round a failure of its own kind,
 * whose message must be its own, never the other thread's. */
struct failing_thread {
  const aftersales_calendar *calendar; /* shared, immutable */
  int kind;                            /* 0: bad instant text; 1: calendar instant out of range */
  int wrong;                           /* rounds whose status or message was not this thread's */
};

static int fail_once(const struct failing_thread *self, char **error) {
  int64_t ms = 0;
  if (self->kind == 0) {
    return aftersales_instant_parse("thread zero", 11, &ms, error) == AFTERSALES_EINPUT && *error != NULL &&
           strstr(*error, "\"thread zero\" is not an RFC 3339 instant") != NULL;
  }
  return aftersales_calendar_next_open(self->calendar, PAST_2200, &ms, error) == AFTERSALES_EOUT_OF_RANGE &&
         *error != NULL && strstr(*error, "7289654400000 ms since the epoch") != NULL;
}

static void *fail_repeatedly(void *arg) {
  struct failing_thread *self = (struct failing_thread *)arg;
  int round;
  for (round = 0; round < rounds; ++round) {
    char *error = NULL;
    if (!fail_once(self, &error) || strcmp(error, aftersales_last_error()) != 0) ++self->wrong;
    aftersales_free(error);
  }
  return NULL;
}

static void test_threads_fail_differently(const aftersales_calendar *calendar) {
  struct failing_thread workers[2] = {{NULL, 0, 0}, {NULL, 1, 0}};
  pthread_t threads[2];
  int i;
  for (i = 0; i < 2; ++i) {
    workers[i].calendar = calendar;
    CHECK(pthread_create(&threads[i], NULL, fail_repeatedly, &workers[i]) == 0);
  }
  for (i = 0; i < 2; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].wrong == 0);
  }
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  load_weekdays(&policy, &calendar);
  if (policy != NULL && calendar != NULL) {
    test_out_error_is_the_last_error(policy, calendar);
    test_out_error_is_null_on_success(calendar);
    test_null_out_error_still_reports();
    test_message_belongs_to_the_call();
    test_message_crosses_threads();
    test_threads_fail_differently(calendar);
  }
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
  return finish();
}
