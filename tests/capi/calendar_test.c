/*
 * Calendars through the C ABI, with the conventions every handle keeps (bad handles, the
 * per-thread last error), compiled as C99.
 *
 * Expected instants were worked out by hand (arithmetic in the comments), never copied from
 * the library's output. Prints one line per failed check and ends with "N passed, M failed";
 * exits non-zero when anything failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <aftersales.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "weekdays.h"

static void test_calendar_lookup(const aftersales_policy *policy) {
  aftersales_calendar *calendar = (aftersales_calendar *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_calendar(NULL, "weekdays", &calendar, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "policy");
  CHECK(calendar == NULL);
  CHECK_ERROR(aftersales_policy_calendar(policy, NULL, &calendar, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "name");
  CHECK_ERROR(aftersales_policy_calendar(policy, "weekdays", NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out");
  calendar = (aftersales_calendar *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_calendar(policy, "weekends", &calendar, NULL), AFTERSALES_ENOT_FOUND,
              "weekends");
  CHECK(strstr(aftersales_last_error(), "weekdays") != NULL);
  CHECK(calendar == NULL);
}

static void test_null_calendar_arguments(const aftersales_calendar *calendar) {
  int open = 0;
  int64_t ms = 0;
  CHECK_ERROR(aftersales_calendar_is_open(NULL, FRI_0900, &open, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_is_open(calendar, FRI_0900, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out");
  CHECK_ERROR(aftersales_calendar_next_open(NULL, FRI_0900, &ms, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_next_open(calendar, FRI_0900, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms");
  CHECK_ERROR(aftersales_calendar_add(NULL, FRI_0900, HOUR_MS, &ms, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, HOUR_MS, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_ms");
  CHECK_ERROR(aftersales_calendar_between(NULL, FRI_0900, FRI_1800, &ms, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "calendar");
  CHECK_ERROR(aftersales_calendar_between(calendar, FRI_0900, FRI_1800, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_ms");
  CHECK_ERROR(aftersales_calendar_subtract(calendar, FRI_0900, HOUR_MS, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms");
  CHECK_ERROR(aftersales_calendar_next_close(NULL, FRI_0900, &ms, NULL), AFTERSALES_EINVALID_ARGUMENT, "calendar");
  CHECK_ERROR(aftersales_calendar_previous_close(calendar, FRI_0900, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms");
  CHECK_ERROR(aftersales_calendar_business_day_end(calendar, FRI_0900, 1, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms");
  CHECK_ERROR(aftersales_calendar_business_days_between(calendar, FRI_0900, FRI_1800, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out");
  /* Failures leave numeric results alone. */
  CHECK(open == 0 && ms == 0);
}

static void test_bad_handles(aftersales_policy *policy) {
  const aftersales_calendar *policy_as_calendar = (const aftersales_calendar *)(void *)policy;
  aftersales_calendar *calendar = NULL;
  int open = 0;
  int64_t ms = 0;

  CHECK_ERROR(aftersales_calendar_is_open(policy_as_calendar, FRI_0900, &open, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_calendar");
  CHECK_ERROR(
      aftersales_calendar_add((const aftersales_calendar *)(void *)not_a_handle, FRI_0900, HOUR_MS, &ms, NULL),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_calendar");
  CHECK_ERROR(
      aftersales_policy_calendar((const aftersales_policy *)(void *)not_a_handle, "weekdays", &calendar, NULL),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");

  /* Freeing something that is not a live handle of that type does nothing: the policy
   * survives being passed to aftersales_calendar_free. */
  aftersales_calendar_free((aftersales_calendar *)(void *)policy);
  aftersales_policy_free((aftersales_policy *)(void *)not_a_handle);
  aftersales_policy_free(NULL);
  aftersales_calendar_free(NULL);
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar, NULL));
  aftersales_calendar_free(calendar);
}

static void test_is_open_and_next_open(const aftersales_calendar *calendar) {
  int open = -1;
  int64_t ms = 0;
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0859_999, &open, NULL), open, 0);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0900, &open, NULL), open, 1);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_1700, &open, NULL), open, 1);
  /* An interval's end is not inside it. */
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_1800, &open, NULL), open, 0);
  CHECK_RESULT(aftersales_calendar_is_open(calendar, SAT_1200, &open, NULL), open, 0);

  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_0859_999, &ms, NULL), ms, FRI_0900);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_1700, &ms, NULL), ms, FRI_1700);
  /* Closed from Friday 18:00 over the weekend until Monday 09:00. */
  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_1800, &ms, NULL), ms, MON_0900);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, SAT_1200, &ms, NULL), ms, MON_0900);
}

static void test_add(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  /* Friday 17:00 + 1 h lands on the 18:00 close: that end, not Monday's opening. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_1700, HOUR_MS, &ms, NULL), ms, FRI_1800);
  /* 1 h on Friday (17:00-18:00) + 1 h on Monday (09:00-10:00). */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_1700, 2 * HOUR_MS, &ms, NULL), ms, MON_1000);
  /* From a closed Saturday: adding 0 is the identity, 1 h is Monday 09:00-10:00. */
  CHECK_RESULT(aftersales_calendar_add(calendar, SAT_1200, 0, &ms, NULL), ms, SAT_1200);
  CHECK_RESULT(aftersales_calendar_add(calendar, SAT_1200, HOUR_MS, &ms, NULL), ms, MON_1000);
  /* Friday 00:00 + 9 h is all of Friday; one more millisecond is Monday 09:00:00.001. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_0000, 9 * HOUR_MS, &ms, NULL), ms, FRI_1800);
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_0000, 9 * HOUR_MS + 1, &ms, NULL), ms, MON_0900 + 1);
  /* A whole working week is 5 * 9 h = 45 h: Monday 00:00 + 45 h is Friday 20 Nov 18:00. */
  CHECK_RESULT(aftersales_calendar_add(calendar, MON_0000, 45 * HOUR_MS, &ms, NULL), ms, FRI20_1800);
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, -1, &ms, NULL), AFTERSALES_EINPUT, "");
}

static void test_between(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  /* Friday 17:00-18:00 and Monday 09:00-10:00. */
  CHECK_RESULT(aftersales_calendar_between(calendar, FRI_1700, MON_1000, &ms, NULL), ms, 2 * HOUR_MS);
  CHECK_RESULT(aftersales_calendar_between(calendar, MON_1000, FRI_1700, &ms, NULL), ms, -2 * HOUR_MS);
  /* Friday 09:00-18:00 only: the weekend adds nothing. */
  CHECK_RESULT(aftersales_calendar_between(calendar, FRI_0000, MON_0000, &ms, NULL), ms, 9 * HOUR_MS);
  /* Monday 16 to Monday 23 November: five days of 9 h. */
  CHECK_RESULT(aftersales_calendar_between(calendar, MON_0000, MON23_0000, &ms, NULL), ms, 45 * HOUR_MS);
  CHECK_RESULT(aftersales_calendar_between(calendar, SAT_1200, SAT_1200 + DAY_MS, &ms, NULL), ms, 0);
}

/* Mon 16 Nov 18:00 +08:00 = MON_0000 + 18 h */
#define MON_1800 (MON_0000 + 18 * HOUR_MS)

static void test_backwards_and_closes(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  /* Monday 09:00-10:00 is exactly 1 h: the latest start is 09:00, not Friday's 18:00 close. */
  CHECK_RESULT(aftersales_calendar_subtract(calendar, MON_1000, HOUR_MS, &ms, NULL), ms, MON_0900);
  /* 1 h on Monday, the weekend is closed, 1 h of Friday 17:00-18:00. */
  CHECK_RESULT(aftersales_calendar_subtract(calendar, MON_1000, 2 * HOUR_MS, &ms, NULL), ms, FRI_1700);
  /* From a closed Saturday: Friday's last hour. */
  CHECK_RESULT(aftersales_calendar_subtract(calendar, SAT_1200, HOUR_MS, &ms, NULL), ms, FRI_1700);
  CHECK_RESULT(aftersales_calendar_subtract(calendar, FRI_1800, 9 * HOUR_MS, &ms, NULL), ms, FRI_0900);
  CHECK_RESULT(aftersales_calendar_subtract(calendar, SAT_1200, 0, &ms, NULL), ms, SAT_1200);
  CHECK_ERROR(aftersales_calendar_subtract(calendar, FRI_0900, -1, &ms, NULL), AFTERSALES_EINPUT, "use add");
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, -1, &ms, NULL), AFTERSALES_EINPUT, "use subtract");
  /* Before 1970-01-01 there is nothing to subtract from. */
  CHECK_ERROR(aftersales_calendar_subtract(calendar, FRI_0900, FRI_0900, &ms, NULL), AFTERSALES_EOUT_OF_RANGE,
              "before the supported range");

  CHECK_RESULT(aftersales_calendar_next_close(calendar, FRI_1700, &ms, NULL), ms, FRI_1800);
  /* Exactly at the close it is closed: the next close is Monday's. */
  CHECK_RESULT(aftersales_calendar_next_close(calendar, FRI_1800, &ms, NULL), ms, MON_1800);
  CHECK_RESULT(aftersales_calendar_next_close(calendar, SAT_1200, &ms, NULL), ms, MON_1800);
  CHECK_RESULT(aftersales_calendar_previous_close(calendar, FRI_1800, &ms, NULL), ms, FRI_1800);
  CHECK_RESULT(aftersales_calendar_previous_close(calendar, MON_1000, &ms, NULL), ms, FRI_1800);
  CHECK_ERROR(aftersales_calendar_previous_close(calendar, PAST_2200, &ms, NULL), AFTERSALES_EOUT_OF_RANGE,
              "");
}

static void test_business_days(const aftersales_calendar *calendar) {
  int64_t ms = 0;
  int64_t days = 0;
  /* n = 0 is the day itself when it is a business day, even after its close. */
  CHECK_RESULT(aftersales_calendar_business_day_end(calendar, FRI_1700, 0, &ms, NULL), ms, FRI_1800);
  /* Saturday (no hours) 20:00: the next business day, Monday. */
  CHECK_RESULT(aftersales_calendar_business_day_end(calendar, SAT_1200 + 8 * HOUR_MS, 0, &ms, NULL), ms, MON_1800);
  /* Friday + 1 is Monday; + 5 is Friday 20 (Mon 16 .. Fri 20). */
  CHECK_RESULT(aftersales_calendar_business_day_end(calendar, FRI_1700, 1, &ms, NULL), ms, MON_1800);
  CHECK_RESULT(aftersales_calendar_business_day_end(calendar, FRI_1700, 5, &ms, NULL), ms, FRI20_1800);
  CHECK_ERROR(aftersales_calendar_business_day_end(calendar, FRI_1700, -1, &ms, NULL), AFTERSALES_EINPUT,
              "negative");
  /* Dates in (Fri 13, Mon 23]: Mon 16 - Fri 20 and Mon 23 = 6. */
  CHECK_RESULT(aftersales_calendar_business_days_between(calendar, FRI_1700, MON23_0000, &days, NULL), days, 6);
  CHECK_RESULT(aftersales_calendar_business_days_between(calendar, MON23_0000, FRI_1700, &days, NULL), days, -6);
  CHECK_RESULT(aftersales_calendar_business_days_between(calendar, FRI_0000, FRI_1800, &days, NULL), days, 0);
  CHECK_ERROR(aftersales_calendar_business_days_between(calendar, FRI_0000, INT64_MAX, &days, NULL),
              AFTERSALES_EOUT_OF_RANGE, "");
}

static void test_out_of_range(const aftersales_calendar *calendar) {
  int open = 0;
  int64_t ms = 0;
  CHECK_ERROR(aftersales_calendar_is_open(calendar, -1, &open, NULL), AFTERSALES_EOUT_OF_RANGE, "");
  CHECK_ERROR(aftersales_calendar_next_open(calendar, PAST_2200, &ms, NULL), AFTERSALES_EOUT_OF_RANGE,
              "");
  CHECK_ERROR(aftersales_calendar_between(calendar, FRI_0900, INT64_MAX, &ms, NULL),
              AFTERSALES_EOUT_OF_RANGE, "");
  CHECK_ERROR(aftersales_calendar_between(calendar, INT64_MIN, FRI_0900, &ms, NULL),
              AFTERSALES_EOUT_OF_RANGE, "");
  /* 1970-2200 holds about 231 years; 231 years of 45-hour weeks cannot fit. */
  CHECK_ERROR(aftersales_calendar_add(calendar, FRI_0900, PAST_2200, &ms, NULL), AFTERSALES_EOUT_OF_RANGE,
              "");
  CHECK_ERROR(aftersales_calendar_add(calendar, PAST_2200, 0, &ms, NULL), AFTERSALES_EOUT_OF_RANGE, "");
  /* 1970-01-01T00:00Z, the first supported instant, is a Thursday 08:00 in Shanghai. */
  CHECK_RESULT(aftersales_calendar_is_open(calendar, 0, &open, NULL), open, 0);
  CHECK(ms == 0);
}

static void test_error_is_cleared_by_success(const aftersales_calendar *calendar) {
  int open = 0;
  CHECK_ERROR(aftersales_calendar_is_open(NULL, FRI_0900, &open, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "calendar");
  CHECK_OK(aftersales_calendar_is_open(calendar, FRI_0900, &open, NULL));
}

static void test_calendar_outlives_policy(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int64_t ms = 0;
  load_weekdays(&policy, &calendar);
  aftersales_policy_free(policy);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, SAT_1200, &ms, NULL), ms, MON_0900);
  aftersales_calendar_free(calendar);
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
  view->own_error_seen = aftersales_log_set_level(42, NULL) == AFTERSALES_EINVALID_ARGUMENT &&
                         strstr(aftersales_last_error(), "level 42") != NULL;
  /* The calendar is shared with the main thread: handles are immutable. */
  view->calendar_answered =
      aftersales_calendar_is_open(view->calendar, FRI_1700, &open, NULL) == AFTERSALES_OK && open == 1;
  return NULL;
}

static void test_last_error_is_per_thread(const aftersales_calendar *calendar) {
  struct thread_view view = {NULL, 0, 0, 0};
  pthread_t thread;
  aftersales_policy *policy = NULL;
  view.calendar = calendar;
  CHECK_ERROR(aftersales_policy_load(NULL, 0, &policy, NULL), AFTERSALES_EINVALID_ARGUMENT, "json");
  CHECK(pthread_create(&thread, NULL, other_thread, &view) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(view.empty_at_start);
  CHECK(view.own_error_seen);
  CHECK(view.calendar_answered);
  /* Neither the other thread's error nor its success touched this thread's message. */
  CHECK(strstr(aftersales_last_error(), "json") != NULL);
}

/*
 * Breaks and a yearly holiday (docs/calendars.md): weekdays 09:00-18:00 less 12:00-13:00, and
 * 16 November of every year from 2026 (Monday in 2026) closed. tests/python/test_calendar.py
 * asks the same questions of the same document and expects the same answers.
 */
static const char back_office_policy[] =
    "{\"schema_version\": 1, \"calendars\": {\"back-office\": {\"timezone\": \"Asia/Shanghai\", "
    "\"hours\": {\"mon-fri\": [\"09:00-18:00\"]}, \"breaks\": [\"12:00-13:00\"], "
    "\"holidays\": [{\"every_year\": \"11-16\", \"from_year\": 2026}]}}}";

static void test_breaks_and_yearly_holidays(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int open = -1;
  int64_t ms = 0;
  CHECK_OK(aftersales_policy_load(back_office_policy, sizeof back_office_policy - 1, &policy, NULL));
  CHECK_OK(aftersales_policy_calendar(policy, "back-office", &calendar, NULL));
  /* Fri 12:30 = 09:00 + 3.5 h, inside the break; it opens again at 13:00 = 09:00 + 4 h. */
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0900 + 7 * HOUR_MS / 2, &open, NULL), open, 0);
  CHECK_RESULT(aftersales_calendar_next_open(calendar, FRI_0900 + 7 * HOUR_MS / 2, &ms, NULL), ms, FRI_0900 + 4 * HOUR_MS);
  /* Fri 11:30 + 2 h: 30 min before the break, 1 h 30 min after it: 14:30 = 09:00 + 5.5 h. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_0900 + 5 * HOUR_MS / 2, 2 * HOUR_MS, &ms, NULL), ms,
               FRI_0900 + 11 * HOUR_MS / 2);
  /* Fri 17:00 + 2 h: 1 h on Friday, Monday 16 Nov is the holiday, 1 h on Tuesday 09:00-10:00. */
  CHECK_RESULT(aftersales_calendar_add(calendar, FRI_1700, 2 * HOUR_MS, &ms, NULL), ms, MON_1000 + DAY_MS);
  /* Fri 13 to Mon 23 Nov: Friday 8 h, Monday closed, Tuesday to Friday 4 * 8 h: 40 h. */
  CHECK_RESULT(aftersales_calendar_between(calendar, FRI_0000, MON23_0000, &ms, NULL), ms, 40 * HOUR_MS);
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
}

int main(void) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;

  test_calendar_outlives_policy();
  test_breaks_and_yearly_holidays();
  load_weekdays(&policy, &calendar);
  if (policy != NULL && calendar != NULL) {
    test_calendar_lookup(policy);
    test_null_calendar_arguments(calendar);
    test_bad_handles(policy);
    test_is_open_and_next_open(calendar);
    test_add(calendar);
    test_between(calendar);
    test_backwards_and_closes(calendar);
    test_business_days(calendar);
    test_out_of_range(calendar);
    test_error_is_cleared_by_success(calendar);
    test_last_error_is_per_thread(calendar);
  }
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
  return finish();
}
