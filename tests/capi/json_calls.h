/*
 * The checks the C tests of the policy's JSON-in, JSON-out calls share (aftersales_refund_check,
 * aftersales_compensation_decide and their *_lines forms). Failures are reported at the line of
 * the test that calls them.
 */
#ifndef AFTERSALES_TEST_JSON_CALLS_H
#define AFTERSALES_TEST_JSON_CALLS_H

#include <aftersales.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* `call` refuses a NULL policy, a NULL request and a NULL out-parameter; `request` (`len` bytes)
 * is a valid request. */
#define CHECK_NULL_ARGUMENTS_REFUSED(call, policy, request, len)                           \
  do {                                                                                     \
    char *out_ = NULL;                                                                     \
    CHECK(call(NULL, (request), (len), &out_, NULL) == AFTERSALES_EINVALID_ARGUMENT);     \
    CHECK(call((policy), NULL, 0, &out_, NULL) == AFTERSALES_EINVALID_ARGUMENT);          \
    CHECK(call((policy), (request), (len), NULL, NULL) == AFTERSALES_EINVALID_ARGUMENT);   \
  } while (0)

/* `call` refuses the request `bad` (a char array) as AFTERSALES_EINPUT, leaves its out-parameter
 * NULL and names `path` in the last error; its message goes to `out_error` (may be NULL). */
#define CHECK_INPUT_REFUSED(call, policy, bad, path, out_error)                             \
  do {                                                                                     \
    char *out_ = (char *)1;                                                                \
    CHECK(call((policy), (bad), sizeof(bad) - 1, &out_, (out_error)) == AFTERSALES_EINPUT); \
    CHECK(out_ == NULL);                                                                   \
    CHECK_HAS(aftersales_last_error(), (path));                                            \
  } while (0)

/* The *_lines form of a JSON call. */
typedef int (*json_lines_call)(const aftersales_policy *, const char *, size_t, unsigned, size_t, char **, char **);

/* Runs `call` on one thread over `request`, a blank line and a line that is not JSON, as lines
 * `first_line` to `first_line` + 2 of a file, checks that it succeeds and returns its output for
 * the caller to check and free. */
static inline char *lines_with_a_bad_one(json_lines_call call, const aftersales_policy *policy, const char *request,
                                         size_t first_line, const char *file, int line) {
  static const char tail[] = "\n\nnot json\n";
  char *text = (char *)malloc(strlen(request) + sizeof tail);
  char *out = NULL;
  if (text == NULL) {
    check_at(0, "allocating the JSON Lines text", file, line);
    return NULL;
  }
  sprintf(text, "%s%s", request, tail);
  check_at(call(policy, text, strlen(text), 1, first_line, &out, NULL) == AFTERSALES_OK,
           "the *_lines call returns AFTERSALES_OK", file, line);
  free(text);
  return out;
}
#define LINES_WITH_A_BAD_ONE(call, policy, request, first_line) \
  lines_with_a_bad_one((call), (policy), (request), (first_line), __FILE__, __LINE__)

/* A test of a policy's calls. */
typedef void (*policy_test)(const aftersales_policy *policy);

/* Loads the policy `policy_json` (`len` bytes), checking that it loads, runs each of `tests` (up
 * to a NULL) on it and frees it; the test program's exit status. */
static inline int run_on_policy(const char *policy_json, size_t len, const policy_test *tests, const char *file,
                                int line) {
  aftersales_policy *policy = NULL;
  check_at(aftersales_policy_load(policy_json, len, &policy, NULL) == AFTERSALES_OK, "the policy loads", file, line);
  if (policy != NULL) {
    for (; *tests != NULL; ++tests) (*tests)(policy);
  }
  aftersales_policy_free(policy);
  return finish();
}
#define RUN_ON_POLICY(policy_json, len, tests) run_on_policy((policy_json), (len), (tests), __FILE__, __LINE__)

#endif
