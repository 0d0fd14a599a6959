package aftersales_test

import (
	"strings"
	"testing"
	"time"

	"aftersales.dev/aftersales"
)

// Offers (docs/routing.md, "Offers"), the policy and agents of tests/capi/routing_offers_test.c:
// A and B each with room for one chat, a push timeout of 30s.
const offersPolicy = `{"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",` +
	` "offers": {"push_timeout": "30s", "no_reoffer": "10m"}}}`

func TestRouterOffers(t *testing.T) {
	r, err := aftersales.NewRouter(mustPolicy(t, offersPolicy))
	if err != nil {
		t.Fatal(err)
	}
	for _, agent := range []string{
		`{"id": "A", "queues": ["desk"], "capacity": {"chat": 1}}`,
		`{"id": "B", "queues": ["desk"], "capacity": {"chat": 1}}`,
	} {
		if err := r.UpsertAgent([]byte(agent)); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	// Both 0 of 1, the tie to the smaller id: offered to A until 10:00:30.
	out, err := r.Route([]byte(`{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}`), t0)
	if err != nil || !strings.Contains(string(out), `"agent":"A"`) ||
		!strings.Contains(string(out), `"offer_expires_at":"2026-03-02T10:00:30Z"`) {
		t.Fatalf("Route = %s, %v; want an offer to A until 10:00:30", out, err)
	}
	// A declines at 10:00:05; it holds no offer any more. The dispatch offers T-1 to B, who accepts.
	if err := r.Decline("A", "T-1", t0.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	wantError(t, r.Accept("A", "T-1", t0.Add(5*time.Second)), aftersales.ErrNotFound, "the ticket waits")
	out, err = r.Dispatch(t0.Add(6 * time.Second))
	if err != nil || !strings.Contains(string(out), `"agent":"B"`) {
		t.Fatalf("Dispatch = %s, %v; want T-1 offered to B", out, err)
	}
	wantError(t, r.Accept("B", "T-1", t0.Add(36*time.Second)), aftersales.ErrInput, "expired at 2026-03-02T10:00:36Z")
	if err := r.Accept("B", "T-1", t0.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
}
