package aftersales

/*
#include <aftersales.h>
*/
import "C"

import "runtime"

// RouterCounts is how many agents a router holds, by status, and how many tickets wait in its
// queues or are held by agents.
type RouterCounts struct {
	Agents   int64 // Online + Away + Offline
	Online   int64
	Away     int64
	Offline  int64
	Waiting  int64 // tickets waiting in some queue
	Assigned int64 // tickets held by some agent, offers included
	Offered  int64 // of Assigned, the tickets on offer, not yet accepted (0 without offers)
}

// Agents lists every agent with its load: a JSON array sorted by agent id, each element
// {"id", "status", "queues", "capacity", "load", "total", "tickets"}, and "offered" (the ids
// of the tickets on offer, not yet accepted) for a policy with offers (docs/routing.md,
// "Listings"). One consistent snapshot, taken under the router's lock.
func (r *Router) Agents() ([]byte, error) {
	defer runtime.KeepAlive(r)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_agents(r.handle, out, outError)
	})
}

// Waiting lists the waiting tickets in the order Dispatch serves them: a JSON array, each
// element {"ticket", "queue", "priority", "channel", "waiting_since", "due_at"}.
func (r *Router) Waiting() ([]byte, error) {
	defer runtime.KeepAlive(r)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_waiting(r.handle, out, outError)
	})
}

// Counts says how many agents and tickets the router holds, in time linear in the agents.
func (r *Router) Counts() (RouterCounts, error) {
	defer runtime.KeepAlive(r)
	var c C.aftersales_router_totals
	err := call(func(outError **C.char) C.int {
		return C.aftersales_router_counts(r.handle, &c, outError)
	})
	if err != nil {
		return RouterCounts{}, err
	}
	return RouterCounts{
		Agents: int64(c.agents), Online: int64(c.online), Away: int64(c.away), Offline: int64(c.offline),
		Waiting: int64(c.waiting), Assigned: int64(c.assigned), Offered: int64(c.offered),
	}, nil
}
