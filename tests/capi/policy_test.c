/*
 * Loading policies through the C ABI, and the library version, compiled as C99 so that the
 * header is proven to be C.
 *
 * Expected instants were worked out by hand (arithmetic in the comments), never copied from
 * the library's output. Prints one line per failed check and ends with "N passed, M failed";
 * exits non-zero when anything failed.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "weekdays.h"

static void test_version(void) {
  CHECK(aftersales_version_number() == AFTERSALES_VERSION_NUMBER);
  CHECK(strcmp(aftersales_version(), AFTERSALES_VERSION_STRING) == 0);
}

static void test_load_null_arguments(void) {
  aftersales_policy *policy = (aftersales_policy *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_load(NULL, 0, &policy, NULL), AFTERSALES_EINVALID_ARGUMENT, "json");
  CHECK(policy == NULL);
  CHECK_ERROR(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, NULL, NULL),
              AFTERSALES_EINVALID_ARGUMENT, "out");
  CHECK_ERROR(aftersales_policy_load_file(NULL, &policy, NULL), AFTERSALES_EINVALID_ARGUMENT, "path");
  CHECK_ERROR(aftersales_policy_load_file("policy.json", NULL, NULL), AFTERSALES_EINVALID_ARGUMENT,
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
  CHECK_ERROR(aftersales_policy_load(bad, sizeof bad - 1, &policy, NULL), AFTERSALES_EPOLICY,
              "Mars/Olympus_Mons");
  CHECK(policy == NULL);
  message = aftersales_last_error();
  CHECK(has_line_starting(message, "calendars.a.timezone: "));
  CHECK(has_line_starting(message, "calendars.b.hours.mon[0]: "));
  CHECK(has_line_starting(message, "calendars.c.colour: "));

  CHECK_ERROR(aftersales_policy_load("{", 1, &policy, NULL), AFTERSALES_EPOLICY, "");
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
  CHECK_ERROR(aftersales_policy_load(doc, len, &policy, NULL), AFTERSALES_EPOLICY, "calendars.c.k0: unknown key");
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
  CHECK_OK(aftersales_policy_load(buffer, sizeof weekdays_policy - 1, &policy, NULL));
  aftersales_policy_free(policy);
  CHECK_ERROR(aftersales_policy_load(buffer, sizeof buffer, &policy, NULL), AFTERSALES_EPOLICY, "");
  CHECK_ERROR(aftersales_policy_load(buffer, 10, &policy, NULL), AFTERSALES_EPOLICY, "");
}

static void test_load_file(void) {
  static const char missing[] = "/nonexistent-aftersales-dir/missing-policy.json";
  static const char path[] = AFTERSALES_CAPI_TEST_DIR "/weekdays-policy.json";
  aftersales_policy *policy = (aftersales_policy *)(void *)&sentinel;
  aftersales_calendar *calendar = NULL;
  FILE *file;
  int open = -1;

  CHECK_ERROR(aftersales_policy_load_file(missing, &policy, NULL), AFTERSALES_EINPUT, missing);
  CHECK(policy == NULL);

  file = fopen(path, "wb");
  CHECK(file != NULL);
  if (file == NULL) return;
  CHECK(fwrite(weekdays_policy, 1, sizeof weekdays_policy - 1, file) == sizeof weekdays_policy - 1);
  CHECK(fclose(file) == 0);
  CHECK_OK(aftersales_policy_load_file(path, &policy, NULL));
  CHECK_OK(aftersales_policy_calendar(policy, "weekdays", &calendar, NULL));
  CHECK_RESULT(aftersales_calendar_is_open(calendar, FRI_0900, &open, NULL), open, 1);
  aftersales_calendar_free(calendar);
  aftersales_policy_free(policy);
}

static void test_to_json_gives_the_document_back(void) {
  aftersales_policy *policy = NULL;
  aftersales_policy *again = NULL;
  char *json = (char *)(void *)&sentinel;
  CHECK_OK(aftersales_policy_load(weekdays_policy, sizeof weekdays_policy - 1, &policy, NULL));
  CHECK_OK(aftersales_policy_to_json(policy, &json, NULL));
  /* Byte for byte what was loaded, NUL-terminated. */
  CHECK(json != NULL && strlen(json) == sizeof weekdays_policy - 1 && strcmp(json, weekdays_policy) == 0);
  CHECK_OK(aftersales_policy_load(json, strlen(json), &again, NULL));
  aftersales_free(json);
  json = (char *)(void *)&sentinel;
  CHECK_ERROR(aftersales_policy_to_json(NULL, &json, NULL), AFTERSALES_EINVALID_ARGUMENT, "policy");
  CHECK(json == NULL);
  CHECK_ERROR(aftersales_policy_to_json(policy, NULL, NULL), AFTERSALES_EINVALID_ARGUMENT, "out_json");
  aftersales_policy_free(again);
  aftersales_policy_free(policy);
}

int main(void) {
  CHECK(aftersales_last_error() != NULL && aftersales_last_error()[0] == '\0');
  test_version();
  test_load_null_arguments();
  test_load_reports_every_problem();
  test_load_lists_at_most_100_problems();
  test_load_honours_length();
  test_load_file();
  test_to_json_gives_the_document_back();
  return finish();
}
