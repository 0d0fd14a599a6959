/*
 * Tests of the compensation part of the C ABI, compiled as C99. Expected amounts were worked
 * out by hand (arithmetic in the comments). Prints one line per failed check and ends with
 * "N passed, M failed"; exits non-zero when anything failed.
 */
#include <aftersales.h>

#include <string.h>

#include "harness.h"
#include "json_calls.h"

/* KWD has 3 decimals (fils). A coupon of 10% of the order, capped at 5.000, for a delivery at
 * least 2 days late; at most 6.000 per customer in 30 days. */
static const char policy_json[] =
    "{\"schema_version\": 1, \"compensation\": {\"policies\": [{\"id\": \"kw\", \"currency\": \"KWD\","
    " \"timezone\": \"Asia/Kuwait\", \"rules\": [{\"id\": \"late\", \"late_days\": 2,"
    " \"offer\": {\"type\": \"coupon\", \"percent\": \"10\", \"cap\": \"5.000\", \"min_spend\": \"20.000\"}}],"
    " \"limits\": [{\"per\": \"customer\", \"period\": \"30d\", \"max_amount\": \"6.000\"}]}]}}";

/* Promised by 11-14, delivered 11-16 23:30 in Kuwait (UTC+3): 2 days late. 10% of 33.335 =
 * 33335 fils x 10 / 100 = 3333.5, half up 3334: a coupon of 3.334, below the 5.000 cap. */
static const char request_json[] =
    "{\"requested_at\": \"2026-11-20T10:00:00+03:00\", \"order\": {\"id\": \"K-1\", \"currency\": \"KWD\","
    " \"amount\": \"33.335\", \"promised_by\": \"2026-11-14\", \"delivered_at\": \"2026-11-16T23:30:00+03:00\"},"
    " \"ticket\": {\"id\": \"T-1\", \"category\": \"complaint/logistics\", \"agent\": \"A-1\"}}";

static void test_decision(const aftersales_policy *policy) {
  char *out = NULL;
  char *error = (char *)1;
  CHECK(aftersales_compensation_decide(policy, request_json, sizeof request_json - 1, &out, &error) ==
        AFTERSALES_OK);
  CHECK(error == NULL);
  CHECK_HAS(out, "\"compensate\":true");
  CHECK_HAS(out, "\"total\":\"3.334\"");
  CHECK_HAS(out, "\"late_days\":2");
  CHECK_HAS(out, "{\"rule\":\"late\",\"type\":\"coupon\",\"amount\":\"3.334\",\"min_spend\":\"20.000\"");
  CHECK_HAS(out, "\"agent\":\"A-1\"");
  CHECK_HAS(out, "10% of 33.335 KWD");
  aftersales_free(out);
}

/* 4.000 given in the 30 days before leaves 6.000 - 4.000 = 2.000: the coupon is trimmed. */
static void test_trimmed(const aftersales_policy *policy) {
  static const char text[] =
      "{\"requested_at\": \"2026-11-20T10:00:00+03:00\", \"order\": {\"id\": \"K-1\", \"currency\": \"KWD\","
      " \"amount\": \"33.335\", \"promised_by\": \"2026-11-14\"},"
      " \"history\": [{\"at\": \"2026-11-01T00:00:00Z\", \"order\": \"K-0\", \"value\": \"4.000\"}]}";
  char *out = NULL;
  CHECK(aftersales_compensation_decide(policy, text, sizeof text - 1, &out, NULL) == AFTERSALES_OK);
  CHECK_HAS(out, "\"total\":\"2.000\"");
  CHECK_HAS(out, "\"code\":\"OFFER_TRIMMED\"");
  CHECK_HAS(out, "4.000 KWD used, 2.000 KWD left");
  aftersales_free(out);
}

static void test_errors(const aftersales_policy *policy) {
  static const char bad[] =
      "{\"requested_at\": \"2026-11-20T10:00:00Z\", \"order\": {\"currency\": \"KWD\", \"amount\": \"1.0005\"}}";
  char *error = NULL;
  CHECK_INPUT_REFUSED(aftersales_compensation_decide, policy, bad, "order.amount", &error);
  CHECK_HAS(error, "order.amount");
  aftersales_free(error);
  CHECK_NULL_ARGUMENTS_REFUSED(aftersales_compensation_decide, policy, request_json, sizeof request_json - 1);
}

static void test_lines(const aftersales_policy *policy) {
  char *out = LINES_WITH_A_BAD_ONE(aftersales_compensation_decide_lines, policy, request_json, 1);
  CHECK(out != NULL && strncmp(out, "{\"compensate\":true", 18) == 0);
  CHECK_HAS(out, "\n{\"line\":3,\"error\":");
  aftersales_free(out);
}

int main(void) {
  static const policy_test tests[] = {test_decision, test_trimmed, test_errors, test_lines, NULL};
  return RUN_ON_POLICY(policy_json, sizeof policy_json - 1, tests);
}
