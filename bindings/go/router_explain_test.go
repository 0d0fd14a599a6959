package aftersales_test

import (
	"strings"
	"testing"
	"time"

	"aftersales.dev/aftersales"
)

// Returns overflow to general after 3 minutes; G-1 serves general only, R-1 has returns at 1 < 2
// (the policy and agents of tests/capi/routing_explain_test.c).
const explainPolicy = `{"schema_version": 1, "routing": {` +
	` "queues": [{"id": "returns", "overflow": {"after": "3m", "to": "general"}}, {"id": "general"}],` +
	` "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"},` +
	` "queue": "returns", "skills": {"returns": 2}}], "default_queue": "general"}}`

func TestRouterExplain(t *testing.T) {
	r, err := aftersales.NewRouter(mustPolicy(t, explainPolicy))
	if err != nil {
		t.Fatal(err)
	}
	for _, agent := range []string{
		`{"id": "G-1", "queues": ["general"], "skills": {"returns": 2}, "capacity": {"chat": 1}}`,
		`{"id": "R-1", "queues": ["returns"], "skills": {"returns": 1}, "capacity": {"chat": 1}}`,
	} {
		if err := r.UpsertAgent([]byte(agent)); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if _, err := r.Dispatch(t0); err != nil {
		t.Fatal(err)
	}
	ticket := `{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}`
	if decision, err := r.Route([]byte(ticket), t0); err != nil || !strings.Contains(string(decision), `"waiting":true`) {
		t.Fatalf("Route = %s, %v", decision, err)
	}
	got, err := r.Explain("T-1", aftersales.ExplainOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"agent":"G-1","reason":"not_in_queue","text":"not in queue \"returns\""}`,
		`{"agent":"R-1","reason":"skill","text":"skill \"returns\" at level 1, needs 2"}`,
		`"eligible":0,`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("Explain = %s\nwant it to contain %s", got, want)
		}
	}
	// At 10:03 the overflow to general is due: G-1 qualifies.
	at := t0.Add(3 * time.Minute)
	got, err = r.Explain("T-1", aftersales.ExplainOptions{At: &at, Limit: 1})
	if err != nil || !strings.Contains(string(got), `"listed":[{"agent":"G-1","reason":"eligible",`) {
		t.Errorf("Explain at 10:03 = %s, %v", got, err)
	}
	_, err = r.Explain("T-9", aftersales.ExplainOptions{})
	wantError(t, err, aftersales.ErrNotFound)
	_, err = r.Explain("T-1", aftersales.ExplainOptions{Limit: 1001})
	wantError(t, err, aftersales.ErrInput)
}
