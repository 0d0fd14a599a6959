/*
 * Asks the "cn-service" calendar of a policy a few questions around Double 11, through the C ABI.
 *
 *   calendar_example_c examples/policies/cn-marketplace.json
 *
 * Exits non-zero, with the library's message, on any error.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Asia/Shanghai has been UTC+8 all year since 1991, so a fixed offset is enough to print
 * local times here; the library itself converts with the system's time-zone database. */
#define SHANGHAI_OFFSET_S (8 * 3600)
#define HOUR_MS INT64_C(3600000)

/* Instants used below in epoch milliseconds: days since 1970-01-01 (20767 for 2026-11-10)
 * times 86400000, plus the local time of day, minus 8 hours for the offset. */
#define NOV11_0300 INT64_C(1794337200000) /* Wed 2026-11-11 03:00 +08:00, Double 11 */
#define NOV12_2300 INT64_C(1794495600000) /* Thu 2026-11-12 23:00 +08:00, last Double 11 hour */
#define NOV13_0300 INT64_C(1794510000000) /* Fri 2026-11-13 03:00 +08:00, normal hours again */
#define NOV10_0000 INT64_C(1794240000000) /* Tue 2026-11-10 00:00 +08:00 */
#define NOV14_0000 INT64_C(1794585600000) /* Sat 2026-11-14 00:00 +08:00 */

/* Prints `before`, the instant as Shanghai local time ("Fri 2026-11-13 09:00"), then `after`. */
static void print_local(const char *before, int64_t ms, const char *after) {
  char text[32];
  time_t seconds = (time_t)(ms / 1000 + SHANGHAI_OFFSET_S);
  const struct tm *fields = gmtime(&seconds);
  if (fields == NULL || strftime(text, sizeof text, "%a %Y-%m-%d %H:%M", fields) == 0) {
    strcpy(text, "(unprintable time)");
  }
  printf("%s%s%s", before, text, after);
}

/* Prints the library's message for a failed call; returns whether the call succeeded. */
static int succeeded(int status, const char *what) {
  if (status != AFTERSALES_OK) {
    fprintf(stderr, "calendar_example_c: %s failed (status %d): %s\n", what, status,
            aftersales_last_error());
  }
  return status == AFTERSALES_OK;
}

static int show_open(const aftersales_calendar *calendar, int64_t at) {
  int open = 0;
  int64_t next = 0;
  if (!succeeded(aftersales_calendar_is_open(calendar, at, &open, NULL), "is_open")) return 0;
  if (open) {
    print_local("", at, ": open\n");
    return 1;
  }
  if (!succeeded(aftersales_calendar_next_open(calendar, at, &next, NULL), "next_open")) return 0;
  print_local("", at, ": closed, ");
  print_local("opens ", next, "\n");
  return 1;
}

static int show_due(const aftersales_calendar *calendar, int64_t created, int64_t target_ms) {
  int64_t due = 0;
  if (!succeeded(aftersales_calendar_add(calendar, created, target_ms, &due, NULL), "add")) return 0;
  print_local("a ticket created ", created, "");
  printf(" with a %d h target", (int)(target_ms / HOUR_MS));
  print_local(" is due ", due, "\n");
  return 1;
}

static int show_between(const aftersales_calendar *calendar, int64_t from, int64_t to) {
  int64_t open_ms = 0;
  if (!succeeded(aftersales_calendar_between(calendar, from, to, &open_ms, NULL), "between")) return 0;
  print_local("service hours from ", from, "");
  print_local(" to ", to, "");
  printf(": %.1f h\n", (double)open_ms / (double)HOUR_MS);
  return 1;
}

static int answer_questions(const aftersales_calendar *calendar) {
  return show_open(calendar, NOV11_0300) && show_open(calendar, NOV13_0300) &&
         show_due(calendar, NOV12_2300, 4 * HOUR_MS) &&
         show_between(calendar, NOV10_0000, NOV14_0000);
}

int main(int argc, char **argv) {
  aftersales_policy *policy = NULL;
  aftersales_calendar *calendar = NULL;
  int ok;

  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY.json\n", argv[0]);
    return EXIT_FAILURE;
  }
  printf("aftersales %s\n", aftersales_version());
  ok = succeeded(aftersales_policy_load_file(argv[1], &policy, NULL), "loading the policy") &&
       succeeded(aftersales_policy_calendar(policy, "cn-service", &calendar, NULL),
                 "finding calendar cn-service") &&
       answer_questions(calendar);
  /* Both accept NULL, so one cleanup path serves success and every failure. */
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
