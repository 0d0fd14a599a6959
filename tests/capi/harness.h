/*
 * The minimal check harness shared by the C tests: CHECK counts a passed or failed condition,
 * printing the file, line and last error of each failure.
 */
#ifndef AFTERSALES_TEST_HARNESS_H
#define AFTERSALES_TEST_HARNESS_H

#include <aftersales.h>

#include <stdio.h>

static int passed;
static int failed;

static void check_at(int ok, const char *what, const char *file, int line) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  fprintf(stderr, "%s:%d: FAILED: %s (last error: \"%s\")\n", file, line, what, aftersales_last_error());
}
#define check(ok, what, line) check_at((ok), (what), __FILE__, (line))
#define CHECK(cond) check((cond) != 0, #cond, __LINE__)

#endif
