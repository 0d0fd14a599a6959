/*
 * SLA evaluation through the C ABI on the shared fixture set (tests/fixtures/sla, worked by
 * hand in its README.md), compiled as C99. Prints one line per failed check and ends with
 * "N passed, M failed"; exits non-zero when anything failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <aftersales.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SLA_FIXTURES AFTERSALES_FIXTURES_DIR "/sla/"
/* at.txt holds 2026-11-18T12:00:00+08:00 = 2026-11-18T04:00Z: five days and four hours after
 * 2026-11-13T00:00Z (1794528000000, worked out in weekdays.h), so
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
  if (text == NULL) fprintf(stderr, "%s: cannot read %s\n", __FILE__, path);
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
    CHECK_OK(aftersales_sla_evaluate(policy, ticket, line_length(ticket), SLA_AT, &json, NULL));
    if (json != NULL && (strlen(json) != want || memcmp(json, expected, want) != 0)) {
      fprintf(stderr, "%s: report %d differs\n  got:      %s\n  expected: %.*s\n", __FILE__,
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
                                           &jsonl, NULL));
    CHECK(jsonl != NULL && strcmp(jsonl, f->expected) == 0);
    aftersales_free(jsonl);
  }
}

/* The fixture file streamed to a reports file gives exactly expected.jsonl; a file that does not
 * open is named. */
static void test_sla_evaluate_file(const aftersales_policy *policy, const struct sla_fixtures *f) {
  const char *reports = AFTERSALES_CAPI_TEST_DIR "/sla_reports.jsonl";
  size_t len = 0;
  char *written = NULL;
  CHECK_OK(aftersales_sla_evaluate_file(policy, SLA_FIXTURES "tickets.jsonl", reports, SLA_AT, 2, NULL));
  written = read_file(reports, &len);
  CHECK(written != NULL && strcmp(written, f->expected) == 0);
  free(written);
  CHECK_ERROR(aftersales_sla_evaluate_file(policy, SLA_FIXTURES "none.jsonl", reports, SLA_AT, 1, NULL),
              AFTERSALES_EINPUT, "none.jsonl\": No such file");
  CHECK_ERROR(aftersales_sla_evaluate_file(policy, SLA_FIXTURES "tickets.jsonl", NULL, SLA_AT, 1, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "reports_path");
}

static void test_sla_evaluate_errors(const aftersales_policy *policy,
                                     const struct sla_fixtures *f) {
  static const char bad_event[] =
      "{\"id\": \"B-1\", \"created_at\": \"2026-11-18T09:00:00+08:00\", \"events\": "
      "[{\"at\": \"2026-11-18T08:59:00+08:00\", \"type\": \"customer_message\"}]}";
  const aftersales_policy *not_a_policy = (const aftersales_policy *)(void *)not_a_handle;
  size_t t1 = line_length(f->tickets);
  char *json = &sentinel;

  CHECK_ERROR(aftersales_sla_evaluate(NULL, f->tickets, t1, SLA_AT, &json, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "policy");
  CHECK(json == NULL);
  json = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate(not_a_policy, f->tickets, t1, SLA_AT, &json, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");
  CHECK(json == NULL);
  CHECK_ERROR(aftersales_sla_evaluate(policy, NULL, 0, SLA_AT, &json, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "ticket_json");
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_AT, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_json");

  /* Every problem of the ticket is listed with its JSON path. */
  json = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate(policy, bad_event, sizeof bad_event - 1, SLA_AT, &json, NULL),
              AFTERSALES_EINPUT, "events[0].at");
  CHECK(strstr(aftersales_last_error(), "before the ticket was created") != NULL);
  CHECK(json == NULL);
  CHECK_ERROR(aftersales_sla_evaluate(policy, "{\"id\": ", 7, SLA_AT, &json, NULL), AFTERSALES_EINPUT,
              "invalid JSON");
  /* Only `len` bytes are read: two more take in the newline and the next ticket's first brace. */
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1 + 2, SLA_AT, &json, NULL),
              AFTERSALES_EINPUT, "invalid JSON");

  /* T-1 cannot be evaluated before it existed; its creation instant itself is fine. */
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_T1_CREATED - 1, &json, NULL),
              AFTERSALES_EINPUT, "before it was created");
  CHECK_OK(aftersales_sla_evaluate(policy, f->tickets, t1, SLA_T1_CREATED, &json, NULL));
  aftersales_free(json);
  CHECK_ERROR(aftersales_sla_evaluate(policy, f->tickets, t1, PAST_2200, &json, NULL),
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

  CHECK(aftersales_sla_evaluate(policy, ticket, len, SLA_AT, &json, NULL) == AFTERSALES_EINPUT);
  CHECK(strcmp(aftersales_last_error(),
               "invalid ticket: 1 problem\n"
               "  events: a ticket may have at most 100000 events, and this one has 100001") == 0);
  CHECK(json == NULL);
  /* One event fewer: the 100,000th event's comma closes the list. */
  len -= sizeof event - 1;
  ticket[len - 2] = ']';
  ticket[len - 1] = '}';
  CHECK_OK(aftersales_sla_evaluate(policy, ticket, len, SLA_AT, &json, NULL));
  aftersales_free(json);
  free(ticket);
}

static void test_sla_evaluate_lines_errors(const aftersales_policy *policy,
                                           const struct sla_fixtures *f) {
  const aftersales_policy *not_a_policy = (const aftersales_policy *)(void *)not_a_handle;
  char *jsonl = &sentinel;

  CHECK_ERROR(aftersales_sla_evaluate_lines(NULL, f->tickets, f->tickets_len, SLA_AT, 1, 1, &jsonl, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "policy");
  CHECK(jsonl == NULL);
  CHECK_ERROR(
      aftersales_sla_evaluate_lines(not_a_policy, f->tickets, f->tickets_len, SLA_AT, 1, 1, &jsonl, NULL),
      AFTERSALES_EINVALID_ARGUMENT, "not a live aftersales_policy");
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, NULL, 0, SLA_AT, 1, 1, &jsonl, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "tickets_jsonl");
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, f->tickets, f->tickets_len, SLA_AT, 1, 1, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out_jsonl");
  jsonl = &sentinel;
  CHECK_ERROR(aftersales_sla_evaluate_lines(policy, f->tickets, f->tickets_len, -1, 1, 1, &jsonl, NULL),
              AFTERSALES_EOUT_OF_RANGE, "");
  CHECK(jsonl == NULL);

  /* No tickets, no reports. */
  CHECK_OK(aftersales_sla_evaluate_lines(policy, "", 0, SLA_AT, 1, 1, &jsonl, NULL));
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
  CHECK_OK(aftersales_sla_evaluate_lines(policy, input, strlen(input), SLA_AT, 2, 1, &jsonl, NULL));
  snprintf(want, sizeof want, "%.*s\n{\"line\":3,\"error\":\"", (int)r1, f->expected);
  CHECK(jsonl != NULL && strncmp(jsonl, want, strlen(want)) == 0);
  aftersales_free(jsonl);
  /* The same text as lines 41 to 45 of a file: the broken line is 41 + 2 = 43. */
  CHECK_OK(aftersales_sla_evaluate_lines(policy, input, strlen(input), SLA_AT, 2, 41, &jsonl, NULL));
  snprintf(want, sizeof want, "%.*s\n{\"line\":43,\"error\":\"", (int)r1, f->expected);
  CHECK(jsonl != NULL && strncmp(jsonl, want, strlen(want)) == 0);
  CHECK(jsonl != NULL && strstr(jsonl, "invalid JSON") != NULL);
  snprintf(want, sizeof want, "\"}\n%.*s\n", (int)line_length(r9), r9);
  CHECK(jsonl != NULL && strlen(jsonl) > strlen(want) &&
        strcmp(jsonl + strlen(jsonl) - strlen(want), want) == 0);
  aftersales_free(jsonl);
}

/* Replay in batches (spec section 9): "later" is created 1 ms after SLA_AT (1794974400001), so
 * at SLA_AT it did not exist yet. Alone it is an error; in a batch, between two copies of T-1,
 * the second report is marked not_yet_created, with the priority it was created with and
 * nothing else (before 0.2 that line was an error record). */
static void test_sla_evaluate_lines_not_yet_created(const aftersales_policy *policy,
                                                    const struct sla_fixtures *f) {
  static const char later[] =
      "{\"id\": \"later\", \"created_at\": 1794974400001, \"priority\": \"high\", \"events\": []}";
  static const char marked[] =
      "{\"ticket\":\"later\",\"not_yet_created\":true,\"policy\":null,\"priority\":\"high\","
      "\"metrics\":[],\"escalations\":[],\"next_check_at\":null}";
  char input[4096];
  char want[8192];
  char *json = &sentinel;
  char *jsonl = NULL;
  size_t t1 = line_length(f->tickets);
  size_t r1 = line_length(f->expected);
  if (2 * t1 + sizeof later + 3 > sizeof input || 2 * r1 + sizeof marked + 3 > sizeof want) {
    check(0, "fixture lines fit the buffers", __LINE__);
    return;
  }
  CHECK_ERROR(aftersales_sla_evaluate(policy, later, sizeof later - 1, SLA_AT, &json, NULL), AFTERSALES_EINPUT,
              "before it was created");
  CHECK(json == NULL);
  snprintf(input, sizeof input, "%.*s\n%s\n%.*s\n", (int)t1, f->tickets, later, (int)t1, f->tickets);
  snprintf(want, sizeof want, "%.*s\n%s\n%.*s\n", (int)r1, f->expected, marked, (int)r1, f->expected);
  CHECK_OK(aftersales_sla_evaluate_lines(policy, input, strlen(input), SLA_AT, 2, 1, &jsonl, NULL));
  CHECK(jsonl != NULL && strcmp(jsonl, want) == 0);
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
                                           worker->fixtures->tickets_len, SLA_AT, 1, 1, &jsonl, NULL);
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

/* An escalation 15 minutes before breach, held until a team lead's calendar opens, and the
 * breach itself while the lead is in: the whole report, worked out by hand (UTC calendars).
 * Created Mon 2026-03-02 17:10; office Mon-Fri 09:00-18:00: 50m on Monday, 10m on Tuesday, so
 * first_response (1h) is due Tue 09:10. -15m = 45m of office time: Mon 17:55, after the lead's
 * hours (Mon-Fri 08:00-12:00), so delivered Tue 08:00. Evaluated at Tue 09:10: 2026-01-01T00:00Z
 * is 1767225600000, + 61 days (Jan 31, Feb 28, 2) = 2026-03-03T00:00Z, + 9h10m. */
static void test_sla_escalation_on_a_calendar(void) {
  static const char policy_json[] =
      "{\"schema_version\": 1, \"calendars\": {"
      "\"office\": {\"timezone\": \"UTC\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}},"
      "\"lead\": {\"timezone\": \"UTC\", \"hours\": {\"mon-fri\": [\"08:00-12:00\"]}}},"
      "\"sla\": {\"policies\": [{\"id\": \"p\", \"calendar\": \"office\","
      "\"targets\": {\"normal\": {\"first_response\": \"1h\"}},"
      "\"escalations\": [{\"at\": \"-15m\", \"action\": \"nudge\", \"to\": \"lead\", \"calendar\": \"lead\"},"
      "{\"at\": \"100%\", \"action\": \"escalate\", \"to\": \"lead\", \"calendar\": \"lead\"}]}]}}";
  static const char ticket[] = "{\"id\": \"T-1\", \"created_at\": \"2026-03-02T17:10:00Z\", \"events\": []}";
  static const char want[] =
      "{\"ticket\":\"T-1\",\"policy\":\"p\",\"priority\":\"normal\",\"status\":\"active_with_misses\","
      "\"metrics\":[{\"metric\":\"first_response\","
      "\"cycle\":0,\"target_s\":3600,\"elapsed_s\":3600,\"remaining_s\":0,\"percent\":100,"
      "\"started_at\":\"2026-03-02T17:10:00Z\",\"due_at\":\"2026-03-03T09:10:00Z\",\"state\":\"breached\","
      "\"breached_at\":\"2026-03-03T09:10:00Z\",\"completed_at\":null}],\"escalations\":["
      "{\"metric\":\"first_response\",\"cycle\":0,\"at\":\"-15m\",\"action\":\"nudge\",\"to\":\"lead\","
      "\"reached_at\":\"2026-03-02T17:55:00Z\",\"calendar\":\"lead\",\"deliver_at\":\"2026-03-03T08:00:00Z\"},"
      "{\"metric\":\"first_response\",\"cycle\":0,\"at\":\"100%\",\"action\":\"escalate\",\"to\":\"lead\","
      "\"reached_at\":\"2026-03-03T09:10:00Z\",\"calendar\":\"lead\",\"deliver_at\":\"2026-03-03T09:10:00Z\"}],"
      /* breached at 09:10 and still running: one miss, the ticket active with it */
      "\"misses\":[{\"metric\":\"first_response\",\"cycle\":0,\"breached_at\":\"2026-03-03T09:10:00Z\"}],"
      "\"next_check_at\":null}";
  const int64_t at = INT64_C(1767225600000) + 61 * INT64_C(86400000) + (9 * 60 + 10) * INT64_C(60000);
  aftersales_policy *policy = NULL;
  char *json = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, sizeof policy_json - 1, &policy, NULL));
  if (policy == NULL) return;
  CHECK_OK(aftersales_sla_evaluate(policy, ticket, sizeof ticket - 1, at, &json, NULL));
  if (json != NULL && strcmp(json, want) != 0) fprintf(stderr, "got:  %s\nwant: %s\n", json, want);
  CHECK(json != NULL && strcmp(json, want) == 0);
  aftersales_free(json);
  aftersales_policy_free(policy);
}

/* The status clocks (docs/sla.md) on an office calendar (UTC, Mon-Fri 09:00-18:00), Monday
 * 2026-03-02: created 08:00; new until the reply at 09:30, open, pending_customer 10:00-11:00,
 * open, on_hold 12:00-14:00, open, a reply at 15:00, resolved 16:00. Evaluated at 17:00Z:
 * 20514 days after 1970-01-01 (2026-03-02) and 17 hours: 20514 * 86400000 + 17 * 3600000.
 *   requester_wait_time: office time 09:00-10:00 + 11:00-16:00 = 6h of 8h, 75%.
 *   agent_work_time: that less on_hold's 2h = 4h of 3h30m (114.29%); 2h by 12:00, then 1h30m
 *     from 14:00: breached 15:30.
 *   on_hold_time: 2h of 1h (200%), breached 13:00.
 *   pausable_update: 09:30-10:00 + 11:00-15:00 = 4h30m of 4h (112.5%), breached 14:30; then
 *     15:00-16:00 = 1h (25%). */
static void test_sla_status_clocks(void) {
  static const char policy_json[] =
      "{\"schema_version\": 1, \"calendars\": {\"office\": {\"timezone\": \"UTC\", "
      "\"hours\": {\"mon-fri\": [\"09:00-18:00\"]}}}, \"sla\": {\"policies\": [{\"id\": \"p\", "
      "\"calendar\": \"office\", \"targets\": {\"normal\": {\"requester_wait_time\": \"8h\", "
      "\"agent_work_time\": \"3h30m\", \"on_hold_time\": \"1h\", \"pausable_update\": \"4h\"}}}]}}";
  static const char ticket[] =
      "{\"id\": \"T-C\", \"created_at\": \"2026-03-02T08:00:00Z\", \"events\": ["
      "{\"at\": \"2026-03-02T09:30:00Z\", \"type\": \"agent_reply\"},"
      "{\"at\": \"2026-03-02T10:00:00Z\", \"type\": \"status\", \"to\": \"pending_customer\"},"
      "{\"at\": \"2026-03-02T11:00:00Z\", \"type\": \"customer_message\"},"
      "{\"at\": \"2026-03-02T12:00:00Z\", \"type\": \"status\", \"to\": \"on_hold\"},"
      "{\"at\": \"2026-03-02T14:00:00Z\", \"type\": \"status\", \"to\": \"open\"},"
      "{\"at\": \"2026-03-02T15:00:00Z\", \"type\": \"agent_reply\"},"
      "{\"at\": \"2026-03-02T16:00:00Z\", \"type\": \"resolved\"}]}";
  static const char expected[] =
      "{\"ticket\":\"T-C\",\"policy\":\"p\",\"priority\":\"normal\",\"status\":\"failed\",\"metrics\":["
      "{\"metric\":\"requester_wait_time\",\"cycle\":0,\"target_s\":28800,\"elapsed_s\":21600,\"remaining_s\":7200,"
      "\"percent\":75,\"started_at\":\"2026-03-02T08:00:00Z\",\"due_at\":null,\"state\":\"achieved\","
      "\"breached_at\":null,\"completed_at\":\"2026-03-02T16:00:00Z\"},"
      "{\"metric\":\"agent_work_time\",\"cycle\":0,\"target_s\":12600,\"elapsed_s\":14400,\"remaining_s\":-1800,"
      "\"percent\":114.29,\"started_at\":\"2026-03-02T08:00:00Z\",\"due_at\":null,\"state\":\"breached\","
      "\"breached_at\":\"2026-03-02T15:30:00Z\",\"completed_at\":\"2026-03-02T16:00:00Z\"},"
      "{\"metric\":\"on_hold_time\",\"cycle\":0,\"target_s\":3600,\"elapsed_s\":7200,\"remaining_s\":-3600,"
      "\"percent\":200,\"started_at\":\"2026-03-02T08:00:00Z\",\"due_at\":null,\"state\":\"breached\","
      "\"breached_at\":\"2026-03-02T13:00:00Z\",\"completed_at\":\"2026-03-02T16:00:00Z\"},"
      "{\"metric\":\"pausable_update\",\"cycle\":0,\"target_s\":14400,\"elapsed_s\":16200,\"remaining_s\":-1800,"
      "\"percent\":112.5,\"started_at\":\"2026-03-02T09:30:00Z\",\"due_at\":null,\"state\":\"breached\","
      "\"breached_at\":\"2026-03-02T14:30:00Z\",\"completed_at\":\"2026-03-02T15:00:00Z\"},"
      "{\"metric\":\"pausable_update\",\"cycle\":1,\"target_s\":14400,\"elapsed_s\":3600,\"remaining_s\":10800,"
      "\"percent\":25,\"started_at\":\"2026-03-02T15:00:00Z\",\"due_at\":null,\"state\":\"achieved\","
      "\"breached_at\":null,\"completed_at\":\"2026-03-02T16:00:00Z\"}],"
      "\"escalations\":[],"
      /* all completed, three breached: failed; the misses by instant, 13:00, 14:30, 15:30 */
      "\"misses\":[{\"metric\":\"on_hold_time\",\"cycle\":0,\"breached_at\":\"2026-03-02T13:00:00Z\"},"
      "{\"metric\":\"pausable_update\",\"cycle\":0,\"breached_at\":\"2026-03-02T14:30:00Z\"},"
      "{\"metric\":\"agent_work_time\",\"cycle\":0,\"breached_at\":\"2026-03-02T15:30:00Z\"}],"
      "\"next_check_at\":null}";
  aftersales_policy *policy = NULL;
  char *json = NULL;
  CHECK_OK(aftersales_policy_load(policy_json, sizeof policy_json - 1, &policy, NULL));
  if (policy == NULL) return;
  CHECK_OK(aftersales_sla_evaluate(policy, ticket, sizeof ticket - 1, INT64_C(1772470800000), &json, NULL));
  CHECK(json != NULL && strcmp(json, expected) == 0);
  if (json != NULL && strcmp(json, expected) != 0) fprintf(stderr, "got %s\n", json);
  aftersales_free(json);
  aftersales_policy_free(policy);
}

static void test_sla(void) {
  struct sla_fixtures f = {NULL, 0, NULL, 0};
  aftersales_policy *policy = NULL;
  f.tickets = read_file(SLA_FIXTURES "tickets.jsonl", &f.tickets_len);
  f.expected = read_file(SLA_FIXTURES "expected.jsonl", &f.expected_len);
  CHECK_OK(aftersales_policy_load_file(SLA_FIXTURES "policy.json", &policy, NULL));
  CHECK(f.tickets != NULL && f.expected != NULL);
  if (policy != NULL && f.tickets != NULL && f.expected != NULL) {
    test_sla_at_matches_fixture();
    test_sla_evaluate_each(policy, &f);
    test_sla_evaluate_lines(policy, &f);
    test_sla_evaluate_file(policy, &f);
    test_sla_evaluate_errors(policy, &f);
    test_sla_evaluate_too_many_events(policy);
    test_sla_evaluate_lines_errors(policy, &f);
    test_sla_evaluate_lines_bad_line(policy, &f);
    test_sla_evaluate_lines_not_yet_created(policy, &f);
    test_sla_policy_shared_by_threads(policy, &f);
  }
  aftersales_policy_free(policy);
  test_sla_escalation_on_a_calendar();
  free(f.tickets);
  free(f.expected);
}

int main(void) {
  test_sla();
  test_sla_status_clocks();
  return finish();
}
