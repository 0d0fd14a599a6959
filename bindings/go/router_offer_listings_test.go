package aftersales_test

import (
	"strings"
	"testing"
	"time"

	"aftersales.dev/aftersales"
)

// Offers in the listings (docs/routing.md, "Listings"), the policy of router_offers_test.go with
// one agent A holding two chats: Counts gives the offers apart and Agents lists them.
func TestRouterListsOffers(t *testing.T) {
	r, err := aftersales.NewRouter(mustPolicy(t, offersPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.UpsertAgent([]byte(`{"id": "A", "queues": ["desk"], "capacity": {"chat": 2}}`)); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	// T-1 at 10:00:00 and T-2 at 10:00:01 are both offered to A.
	for i, id := range []string{"T-1", "T-2"} {
		ticket := `{"id": "` + id + `", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}`
		if _, err := r.Route([]byte(ticket), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	// Accepting T-2 at 10:00:00, before its offer was made, is refused.
	wantError(t, r.Accept("A", "T-2", t0), aftersales.ErrInput, "it was made at 2026-03-02T10:00:01Z")
	if err := r.Accept("A", "T-1", t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Two held, T-2 of them on offer.
	wantCounts(t, r, aftersales.RouterCounts{Agents: 1, Online: 1, Assigned: 2, Offered: 1})
	out, err := r.Agents()
	if err != nil || !strings.Contains(string(out), `"tickets":["T-1","T-2"],"offered":["T-2"]`) {
		t.Fatalf("Agents = %s, %v; want T-2 offered among T-1 and T-2", out, err)
	}
}
