/*
 * Tests of the refund part of the C ABI, compiled as C99. Expected amounts were worked out by
 * hand (arithmetic in the comments). Prints one line per failed check and ends with
 * "N passed, M failed"; exits non-zero when anything failed.
 */
#include <aftersales.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "json_calls.h"

static const char policy_json[] =
    "{\"schema_version\": 1, \"refunds\": {\"policies\": [{\"id\": \"cn\", \"timezone\": \"Asia/Shanghai\","
    " \"reasons\": {\"no_reason\": {\"windows\": {\"return_refund\": \"7d\"}, \"from\": \"delivered\","
    " \"count_from\": \"next_day\", \"return_shipping\": \"buyer\"}}}]}}";

/* Two lines, 3 x 10.00 and 1 x 25.00 (goods 55.00), and a 5.00 coupon. In cents: 500 x 3000 /
 * 5500 = 272 rest 4000 and 500 x 2500 / 5500 = 227 rest 1500; the 1 cent left goes to the larger
 * rest, line A: A 273, B 227. A's units: 273 / 3 = 91 each, paid 1000 - 91 = 909: one unit
 * refunds 9.09 with a 0.91 discount share.
 * Delivered 11-07 10:00+08:00; the 7 days end 11-15 00:00+08:00. */
static const char request_json[] =
    "{\"order\": {\"id\": \"O-1\", \"currency\": \"CNY\", \"placed_at\": \"2026-11-05T10:00:00+08:00\","
    " \"shipped_at\": \"2026-11-06T10:00:00+08:00\", \"delivered_at\": \"2026-11-07T10:00:00+08:00\","
    " \"lines\": [{\"id\": \"A\", \"unit_price\": \"10.00\", \"quantity\": 3},"
    " {\"id\": \"B\", \"unit_price\": \"25.00\", \"quantity\": 1}],"
    " \"discounts\": [{\"id\": \"coupon\", \"amount\": \"5.00\"}]},"
    " \"items\": [{\"line\": \"A\", \"quantity\": 1}], \"reason\": \"no_reason\","
    " \"requested_at\": \"2026-11-14T23:59:00+08:00\"}";

static void test_decision(const aftersales_policy *policy) {
  char *out = NULL;
  CHECK(aftersales_refund_check(policy, request_json, sizeof request_json - 1, &out, NULL) == AFTERSALES_OK);
  CHECK(aftersales_last_error()[0] == '\0');
  CHECK_HAS(out, "\"eligible\":true");
  CHECK_HAS(out, "\"total\":\"9.09\"");
  CHECK_HAS(out, "\"discount\":\"0.91\"");
  CHECK_HAS(out, "\"return_shipping\":\"buyer\"");
  aftersales_free(out);
}

static void test_refused_is_not_an_error(const aftersales_policy *policy) {
  /* The same request at 11-15 00:00+08:00, the first minute outside the window. */
  char late[sizeof request_json];
  char *out = NULL;
  char *at;
  memcpy(late, request_json, sizeof request_json);
  at = strstr(late, "2026-11-14T23:59");
  memcpy(at, "2026-11-15T00:00", 16);
  CHECK(aftersales_refund_check(policy, late, sizeof late - 1, &out, NULL) == AFTERSALES_OK);
  CHECK_HAS(out, "\"eligible\":false");
  CHECK_HAS(out, "\"code\":\"WINDOW_EXPIRED\"");
  CHECK_HAS(out, "ended at 2026-11-15T00:00:00+08:00");
  aftersales_free(out);
}

static void test_errors(const aftersales_policy *policy) {
  static const char bad[] =
      "{\"order\": {\"id\": \"O\", \"currency\": \"CNY\", \"placed_at\": \"2026-11-05T10:00:00Z\","
      " \"lines\": [{\"id\": \"A\", \"unit_price\": \"1.005\", \"quantity\": 1}]},"
      " \"reason\": \"no_reason\", \"requested_at\": \"2026-11-06T10:00:00Z\"}";
  CHECK_INPUT_REFUSED(aftersales_refund_check, policy, bad, "order.lines[0].unit_price", NULL);
  CHECK_NULL_ARGUMENTS_REFUSED(aftersales_refund_check, policy, request_json, sizeof request_json - 1);
}

static void test_lines(const aftersales_policy *policy) {
  char *out = LINES_WITH_A_BAD_ONE(aftersales_refund_check_lines, policy, request_json, 1);
  CHECK(out != NULL && strncmp(out, "{\"eligible\":true", 16) == 0);
  CHECK_HAS(out, "\n{\"line\":3,\"error\":");
  aftersales_free(out);
  /* The same text as lines 41 to 43 of a file: "not json" is line 41 + 2 = 43. */
  out = LINES_WITH_A_BAD_ONE(aftersales_refund_check_lines, policy, request_json, 41);
  CHECK_HAS(out, "\n{\"line\":43,\"error\":");
  aftersales_free(out);
}

/* Lines A, B, C of 1.00 and a free gift G, with 200 coupons of 0.01 on the order, everything
 * back. The 200 cents are spread as one sum over goods of 300: A, B, C 200 x 100 / 300 = 66 rest
 * 200 each, G 0 rest 0; the 2 cents left go to the largest rests, ties to the earlier lines A and
 * B: discounts 67, 67, 66, 0; paid 0.33, 0.33, 0.34 and 0.00 for the gift; total 1.00. */
static void test_coupon_stack_and_free_gift(const aftersales_policy *policy) {
  static const char head[] =
      "{\"order\": {\"id\": \"O-2\", \"currency\": \"CNY\", \"placed_at\": \"2026-11-05T10:00:00+08:00\","
      " \"shipped_at\": \"2026-11-06T10:00:00+08:00\", \"delivered_at\": \"2026-11-07T10:00:00+08:00\","
      " \"lines\": [{\"id\": \"A\", \"unit_price\": \"1.00\", \"quantity\": 1},"
      " {\"id\": \"B\", \"unit_price\": \"1.00\", \"quantity\": 1},"
      " {\"id\": \"C\", \"unit_price\": \"1.00\", \"quantity\": 1},"
      " {\"id\": \"G\", \"unit_price\": \"0.00\", \"quantity\": 1}], \"discounts\": [";
  static const char tail[] = "]}, \"reason\": \"no_reason\", \"requested_at\": \"2026-11-08T10:00:00+08:00\"}";
  static const char coupon[] = "{\"amount\": \"0.01\"},";
  char text[sizeof head + 200 * sizeof coupon + sizeof tail];
  char *out = NULL;
  int i;
  strcpy(text, head);
  for (i = 0; i < 200; ++i) strcat(text, coupon);
  strcpy(text + strlen(text) - 1, tail); /* over the last comma */
  CHECK(aftersales_refund_check(policy, text, strlen(text), &out, NULL) == AFTERSALES_OK);
  CHECK_HAS(out, "\"eligible\":true");
  CHECK_HAS(out, "\"total\":\"1.00\"");
  CHECK_HAS(out, "{\"line\":\"A\",\"quantity\":1,\"eligible\":true,\"amount\":\"0.33\",\"discount\":\"0.67\"}");
  CHECK_HAS(out, "{\"line\":\"C\",\"quantity\":1,\"eligible\":true,\"amount\":\"0.34\",\"discount\":\"0.66\"}");
  CHECK_HAS(out, "{\"line\":\"G\",\"quantity\":1,\"eligible\":true,\"amount\":\"0.00\",\"discount\":\"0.00\"}");
  aftersales_free(out);
}

/* Four units of A (it has 3) and B: A is refused, B keeps its 25.00 - 2.27 = 22.73 (what a
 * request without A would give), and nothing is paid: total 0.00. */
static void test_partly_refused(const aftersales_policy *policy) {
  char text[sizeof request_json + 32];
  char *out = NULL;
  char *items;
  memcpy(text, request_json, sizeof request_json);
  items = strstr(text, "\"items\"");
  strcpy(items, "\"items\": [{\"line\": \"A\", \"quantity\": 4}, {\"line\": \"B\"}], \"reason\": \"no_reason\","
                " \"requested_at\": \"2026-11-14T23:59:00+08:00\"}");
  CHECK(aftersales_refund_check(policy, text, strlen(text), &out, NULL) == AFTERSALES_OK);
  CHECK_HAS(out, "\"eligible\":false");
  CHECK_HAS(out, "\"total\":\"0.00\"");
  CHECK_HAS(out, "{\"line\":\"A\",\"quantity\":4,\"eligible\":false,\"amount\":\"0.00\",\"discount\":\"0.00\"}");
  CHECK_HAS(out, "{\"line\":\"B\",\"quantity\":1,\"eligible\":true,\"amount\":\"22.73\",\"discount\":\"2.27\"}");
  CHECK_HAS(out, "\"code\":\"QUANTITY_EXCEEDS\"");
  aftersales_free(out);
}

int main(void) {
  static const policy_test tests[] = {test_decision, test_refused_is_not_an_error, test_errors, test_lines,
                                      test_coupon_stack_and_free_gift, test_partly_refused, NULL};
  return RUN_ON_POLICY(policy_json, sizeof policy_json - 1, tests);
}
