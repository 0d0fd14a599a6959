package aftersales_test

import (
	"strings"
	"testing"

	"aftersales.dev/aftersales"
)

// The KWD policy and request of tests/capi/compensation_test.c: promised by 11-14, delivered
// 11-16 in Kuwait, 2 days late; 10% of 33.335 = 3333.5 fils, rounded half up: a coupon of 3.334.
const compensationPolicy = `{"schema_version": 1, "compensation": {"policies": [{"id": "kw", "currency": "KWD",` +
	` "timezone": "Asia/Kuwait", "rules": [{"id": "late", "late_days": 2,` +
	` "offer": {"type": "coupon", "percent": "10", "cap": "5.000"}}]}]}}`

const compensationRequest = `{"requested_at": "2026-11-20T10:00:00+03:00", "order": {"id": "K-1", "currency": "KWD",` +
	` "amount": "33.335", "promised_by": "2026-11-14", "delivered_at": "2026-11-16T23:30:00+03:00"}}`

func TestCompensation(t *testing.T) {
	p := mustPolicy(t, compensationPolicy)
	decision, err := p.DecideCompensation([]byte(compensationRequest))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"compensate":true`, `"total":"3.334"`, `"late_days":2`, `"code":"RULE_MATCHED"`)

	bad := strings.Replace(compensationRequest, `"33.335"`, `"1.0005"`, 1)
	_, err = p.DecideCompensation([]byte(bad))
	wantError(t, err, aftersales.ErrInput, "order.amount")

	decisions, err := p.DecideCompensationLines([]byte(compensationRequest+"\n\nnot json\n"), aftersales.Batch{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decisions, `{"compensate":true`, "\n{\"line\":3,\"error\":")
}
