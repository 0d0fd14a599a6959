/*
 * The one check harness of the C tests. CHECK counts a passed or failed condition, printing
 * the file, line and last error of each failure; finish() prints "N passed, M failed" and
 * gives the exit status (non-zero when anything failed).
 */
#ifndef AFTERSALES_TEST_HARNESS_H
#define AFTERSALES_TEST_HARNESS_H

#include <aftersales.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed;
static int failed;

static inline void check_at(int ok, const char *what, const char *file, int line) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  fprintf(stderr, "%s:%d: FAILED: %s (last error: \"%s\")\n", file, line, what, aftersales_last_error());
}
#define check(ok, what, line) check_at((ok), (what), __FILE__, (line))
#define CHECK(cond) check((cond) != 0, #cond, __LINE__)

/* `text` is not NULL and contains `fragment`. */
#define CHECK_HAS(text, fragment) CHECK((text) != NULL && strstr((text), (fragment)) != NULL)

/* `text` contains `fragment`; frees `text` (the library's JSON). Says what was missing where. */
static inline int contains_and_free(char *text, const char *fragment) {
  int found = text != NULL && strstr(text, fragment) != NULL;
  if (!found) fprintf(stderr, "  in: %s\n  missing: %s\n", text ? text : "(null)", fragment);
  aftersales_free(text);
  return found;
}

/* A successful call returns AFTERSALES_OK and leaves the last error empty. */
static inline void check_ok(int rc, const char *what, const char *file, int line) {
  check_at(rc == AFTERSALES_OK && aftersales_last_error()[0] == '\0', what, file, line);
}
#define CHECK_OK(call) check_ok((call), #call, __FILE__, __LINE__)

/* A failed call returns `expected` and its message mentions `fragment`. */
static inline void check_error(int rc, int expected, const char *fragment, const char *what, const char *file,
                               int line) {
  const char *message = aftersales_last_error();
  int ok = rc == expected && message[0] != '\0' && strstr(message, fragment) != NULL;
  if (!ok) {
    fprintf(stderr, "%s:%d: got status %d, expected %d mentioning \"%s\"\n", file, line, rc, expected, fragment);
  }
  check_at(ok, what, file, line);
}
#define CHECK_ERROR(call, expected, fragment) check_error((call), (expected), (fragment), #call, __FILE__, __LINE__)

/* A successful call whose result (read after the call) equals `expected`. */
static inline void check_result(int rc, int64_t actual, int64_t expected, const char *what, const char *file,
                                int line) {
  if (rc == AFTERSALES_OK && actual != expected) {
    fprintf(stderr, "%s:%d: got %" PRId64 ", expected %" PRId64 "\n", file, line, actual, expected);
  }
  check_at(rc == AFTERSALES_OK && actual == expected, what, file, line);
}
#define CHECK_RESULT(call, result, expected)                                       \
  do {                                                                             \
    int rc_ = (call);                                                              \
    check_result(rc_, (int64_t)(result), (expected), #call, __FILE__, __LINE__); \
  } while (0)

/* 2200-12-31T23:59:59.999Z, the last supported instant, plus 1 ms */
#define PAST_2200 INT64_C(7289654400000)

/* A non-NULL value that is not a handle, to see that failures reset handle out-parameters.
 * Like not_a_handle, not static: a test that does not need it is not warned about it. */
char sentinel;

/* Zeroed memory the size of any handle, aligned like one, that holds no handle: the library
 * may read its tag. */
uint64_t not_a_handle[16];

/* Prints the tally; the test's exit status. */
static inline int finish(void) {
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

#endif
