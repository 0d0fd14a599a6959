/*
 * Refunds a marketplace meets every day through the C ABI, compiled as C99: tax split into net
 * and tax, a return shipping fee, working-day promises and a bad tax rate. Expected amounts and
 * instants were worked out by hand (arithmetic in the comments).
 */
#include <aftersales.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "json_calls.h"

static const char policy_json[] =
    "{\"schema_version\": 1,"
    " \"calendars\": {\"office\": {\"timezone\": \"Asia/Shanghai\", \"hours\": {\"mon-fri\": [\"09:00-18:00\"]}}},"
    " \"refunds\": {\"policies\": [{\"id\": \"cn\", \"timezone\": \"Asia/Shanghai\","
    " \"reasons\": {\"no_reason\": {\"windows\": {\"return_refund\": \"7d\"}, \"from\": \"delivered\","
    " \"count_from\": \"next_day\", \"return_shipping\": \"buyer\"}},"
    " \"return_shipping_fee\": \"8\","
    " \"refund_within\": {\"after\": \"requested\", \"within\": {\"working_days\": 3, \"calendar\": \"office\"}}}]}}";

/* JPY, tax added: A 3 x 1000 at 10%, B 1 x 500 at 8%, a 100 coupon. The coupon spreads 85 rest
 * 2500 on A and 14 rest 1000 on B, the left-over yen to A: nets 2914 and 486, taxes 2914 x 0.10
 * = 291.4 -> 291 and 486 x 0.08 = 38.88 -> 39. Everything back: 3205 + 525 = 3730, less the 8 yen
 * return shipping fee: 3722; net 3400, tax 330. Requested Thursday 11-05 10:00 Beijing: due at
 * the end of the third working day after, Tue 11-10 18:00+08:00 (Fri 6, Mon 9, Tue 10), 10:00Z. */
static const char request_json[] =
    "{\"order\": {\"id\": \"O-1\", \"currency\": \"JPY\", \"placed_at\": \"2026-11-01T10:00:00+08:00\","
    " \"shipped_at\": \"2026-11-02T10:00:00+08:00\", \"delivered_at\": \"2026-11-03T10:00:00+08:00\","
    " \"lines\": [{\"id\": \"A\", \"unit_price\": \"1000\", \"quantity\": 3, \"tax_rate\": \"0.10\", \"tax_included\": false},"
    " {\"id\": \"B\", \"unit_price\": \"500\", \"quantity\": 1, \"tax_rate\": \"0.08\", \"tax_included\": false}],"
    " \"discounts\": [{\"amount\": \"100\"}]},"
    " \"reason\": \"no_reason\", \"requested_at\": \"2026-11-05T10:00:00+08:00\"}";

static void test_tax_fee_and_working_days(const aftersales_policy *policy) {
  char *out = NULL;
  CHECK(aftersales_refund_check(policy, request_json, sizeof request_json - 1, &out, NULL) == AFTERSALES_OK);
  CHECK_HAS(out, "\"total\":\"3722\"");
  CHECK_HAS(out, "{\"line\":\"A\",\"quantity\":3,\"eligible\":true,\"amount\":\"3205\",\"discount\":\"86\","
                 "\"net\":\"2914\",\"tax\":\"291\"}");
  CHECK_HAS(out, "{\"type\":\"return_shipping\",\"amount\":\"8\"}],\"net\":\"3400\",\"tax\":\"330\"}");
  CHECK_HAS(out, "\"code\":\"RETURN_SHIPPING_CHARGED\"");
  CHECK_HAS(out, "\"refund_due_by\":\"2026-11-10T10:00:00Z\"");
  aftersales_free(out);
}

static void test_bad_tax_rate(const aftersales_policy *policy) {
  static const char bad[] =
      "{\"order\": {\"id\": \"O\", \"currency\": \"CNY\", \"placed_at\": \"2026-11-05T10:00:00Z\","
      " \"lines\": [{\"id\": \"A\", \"unit_price\": \"1.00\", \"quantity\": 1, \"tax_rate\": \"13%\"}]},"
      " \"reason\": \"no_reason\", \"requested_at\": \"2026-11-06T10:00:00Z\"}";
  CHECK_INPUT_REFUSED(aftersales_refund_check, policy, bad, "order.lines[0].tax_rate", NULL);
}

int main(void) {
  static const policy_test tests[] = {test_tax_fee_and_working_days, test_bad_tax_rate, NULL};
  return RUN_ON_POLICY(policy_json, sizeof policy_json - 1, tests);
}
