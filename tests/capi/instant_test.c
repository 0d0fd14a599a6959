/*
 * RFC 3339 instants through the C ABI: aftersales_instant_parse and aftersales_instant_format,
 * their errors with status and message, compiled as C99.
 *
 * Expected values were worked out by hand and checked with Python's datetime (the expression
 * beside each), never copied from the library's output.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* 2026-11-11T00:05:00+08:00 is 2026-11-10T16:05:00Z. 1970-01-01 to 2026-01-01 is 56 years with
 * 14 leap days (1972-2024): 20454 days; Jan-Oct 2026 are 304 days, so Nov 10 is day 20454 + 304
 * + 9 = 20767, 1794268800000 ms, and 16:05 adds 57900000 ms.
 * Python: int(datetime.fromisoformat("2026-11-11T00:05:00+08:00").timestamp() * 1000) */
#define NOV10_1605Z INT64_C(1794326700000)

static int parse(const char *text, int64_t *out_ms) {
  return aftersales_instant_parse(text, strlen(text), out_ms, NULL);
}

static void test_parse(void) {
  int64_t ms = 0;
  CHECK_RESULT(parse("2026-11-11T00:05:00+08:00", &ms), ms, NOV10_1605Z);
  CHECK_RESULT(parse("2026-11-10T16:05:00Z", &ms), ms, NOV10_1605Z);
  /* Digits past the millisecond are truncated, not rounded: .1239 is 123 ms. */
  CHECK_RESULT(parse("2026-11-10T16:05:00.1239Z", &ms), ms, NOV10_1605Z + 123);
  /* A negative offset: 01:30 at -05:30 is 07:00Z; 2026-03-08 is day 20454 + 59 + 7 = 20520,
   * 1772928000000 ms, plus 7 h (25200000 ms).
   * Python: datetime.fromisoformat("2026-03-08T01:30:00-05:30").timestamp() * 1000 */
  CHECK_RESULT(parse("2026-03-08T01:30:00-05:30", &ms), ms, INT64_C(1772953200000));
  /* The ends of the supported range (harness.h: PAST_2200 is one past the last). */
  CHECK_RESULT(parse("1970-01-01T00:00:00Z", &ms), ms, 0);
  CHECK_RESULT(parse("2200-12-31T23:59:59.999Z", &ms), ms, PAST_2200 - 1);
}

static void test_parse_reads_only_len_bytes(void) {
  /* Not NUL-terminated at the instant's end: what follows the 20 bytes is not read. */
  static const char text[] = "2026-11-10T16:05:00Z and more";
  int64_t ms = 0;
  CHECK_RESULT(aftersales_instant_parse(text, 20, &ms, NULL), ms, NOV10_1605Z);
  CHECK_ERROR(aftersales_instant_parse(text, sizeof text - 1, &ms, NULL), AFTERSALES_EINPUT,
              "the offset must be Z or +HH:MM / -HH:MM at the end");
}

static void test_parse_errors(void) {
  int64_t ms = 42;
  CHECK_ERROR(parse("2026-11-11T00:05:00", &ms), AFTERSALES_EINPUT, "missing time zone offset");
  CHECK_ERROR(parse("2026-11-11T00:05:00", &ms), AFTERSALES_EINPUT,
              "\"2026-11-11T00:05:00\" is not an RFC 3339 instant");
  CHECK_ERROR(parse("2026-02-29T00:00:00Z", &ms), AFTERSALES_EINPUT, "no such calendar date");
  CHECK_ERROR(parse("11/11/2026", &ms), AFTERSALES_EINPUT, "expected YYYY-MM-DDTHH:MM:SS");
  CHECK_ERROR(parse("", &ms), AFTERSALES_EINPUT, "is not an RFC 3339 instant");
  /* 07:59:59 at +08:00 is 1969-12-31T23:59:59Z, one second before the range. */
  CHECK_ERROR(parse("1970-01-01T07:59:59+08:00", &ms), AFTERSALES_EOUT_OF_RANGE,
              "is outside the supported range (years 1970-2200 UTC)");
  CHECK_ERROR(parse("2201-01-01T00:00:00Z", &ms), AFTERSALES_EOUT_OF_RANGE, "outside the supported range");
  CHECK(ms == 42); /* a numeric out-parameter is left unchanged on failure */
  CHECK_ERROR(aftersales_instant_parse(NULL, 0, &ms, NULL), AFTERSALES_EINVALID_ARGUMENT, "text is NULL");
  CHECK_ERROR(aftersales_instant_parse("2026-11-10T16:05:00Z", 20, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
              "out_ms is NULL");
}

/* Formats `ms` and checks the text, which it frees. */
static void check_format(int64_t ms, const char *expected, int line) {
  char *text = NULL;
  int rc = aftersales_instant_format(ms, &text, NULL);
  check(rc == AFTERSALES_OK && text != NULL && strcmp(text, expected) == 0, expected, line);
  aftersales_free(text);
}

static void test_format(void) {
  check_format(NOV10_1605Z, "2026-11-10T16:05:00Z", __LINE__);
  /* Milliseconds only when not zero, always three digits. */
  check_format(NOV10_1605Z + 250, "2026-11-10T16:05:00.250Z", __LINE__);
  check_format(NOV10_1605Z + 7, "2026-11-10T16:05:00.007Z", __LINE__);
  check_format(0, "1970-01-01T00:00:00Z", __LINE__);
  check_format(PAST_2200 - 1, "2200-12-31T23:59:59.999Z", __LINE__);
}

static void test_format_errors(void) {
  char *text = &sentinel;
  CHECK_ERROR(aftersales_instant_format(-1, &text, NULL), AFTERSALES_EOUT_OF_RANGE,
              "-1 ms since the epoch is outside the supported range (years 1970-2200)");
  CHECK(text == NULL);
  CHECK_ERROR(aftersales_instant_format(PAST_2200, &text, NULL), AFTERSALES_EOUT_OF_RANGE,
              "7289654400000 ms since the epoch");
  CHECK_ERROR(aftersales_instant_format(0, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT, "out_text is NULL");
}

/* What format writes, parse reads back to the same instant. */
static void test_round_trip(void) {
  static const int64_t instants[] = {0, NOV10_1605Z, NOV10_1605Z + 1, PAST_2200 - 1};
  size_t i;
  for (i = 0; i < sizeof instants / sizeof instants[0]; ++i) {
    char *text = NULL;
    int64_t back = -1;
    CHECK_OK(aftersales_instant_format(instants[i], &text, NULL));
    CHECK_RESULT(text != NULL ? parse(text, &back) : AFTERSALES_EINTERNAL, back, instants[i]);
    aftersales_free(text);
  }
}

int main(void) {
  test_parse();
  test_parse_reads_only_len_bytes();
  test_parse_errors();
  test_format();
  test_format_errors();
  test_round_trip();
  return finish();
}
