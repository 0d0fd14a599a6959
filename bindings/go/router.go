package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// Router routes tickets to agents (docs/routing.md): a policy's agents with their load, the
// tickets waiting in its queues, the round-robin cursors. It is internally synchronised: any
// number of goroutines may call it at once; each call is atomic, and a failed call leaves the
// router as it was. Agents, tickets and decisions are JSON (spec §5 and §3).
type Router struct {
	handle *C.aftersales_router
}

// NewRouter creates an empty router (no agents) for the policy's routing section; ErrNotFound
// if it has none. The router keeps its own reference to the policy.
func NewRouter(p *Policy) (*Router, error) {
	defer runtime.KeepAlive(p)
	var handle *C.aftersales_router
	err := call(func(outError **C.char) C.int {
		return C.aftersales_router_new(p.handle, &handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return newRouter(handle), nil
}

// RestoreRouter is a router for p in the state a Snapshot recorded.
func RestoreRouter(p *Policy, snapshot []byte) (*Router, error) {
	defer runtime.KeepAlive(p)
	var handle *C.aftersales_router
	text, n := textArg(snapshot)
	err := call(func(outError **C.char) C.int {
		return C.aftersales_router_restore(p.handle, text, n, &handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return newRouter(handle), nil
}

func newRouter(handle *C.aftersales_router) *Router {
	r := &Router{handle: handle}
	runtime.SetFinalizer(r, (*Router).Close)
	return r
}

// Close releases the router; closing twice is harmless.
func (r *Router) Close() error {
	if r.handle != nil {
		C.aftersales_router_free(r.handle)
		r.handle = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

// UpsertAgent adds the agent (a JSON object with an id, queues, capacity...), or replaces the
// agent with the same id, keeping the tickets it holds.
func (r *Router) UpsertAgent(agent []byte) error {
	defer runtime.KeepAlive(r)
	text, n := textArg(agent)
	return call(func(outError **C.char) C.int {
		return C.aftersales_router_upsert_agent(r.handle, text, n, outError)
	})
}

// RemoveAgent removes an agent and frees the tickets it held: a JSON array of their ids,
// sorted, for the host to route again.
func (r *Router) RemoveAgent(agentID string) ([]byte, error) {
	defer runtime.KeepAlive(r)
	cID, err := cString("agent id", agentID)
	if err != nil {
		return nil, err
	}
	defer freeCString(cID)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_remove_agent(r.handle, cID, out, outError)
	})
}

// SetStatus sets an agent's status: "online", "away" or "offline". Only online agents get
// tickets.
func (r *Router) SetStatus(agentID, status string) error {
	defer runtime.KeepAlive(r)
	cID, err := cString("agent id", agentID)
	if err != nil {
		return err
	}
	defer freeCString(cID)
	cStatus, err := cString("status", status)
	if err != nil {
		return err
	}
	defer freeCString(cStatus)
	return call(func(outError **C.char) C.int {
		return C.aftersales_router_set_status(r.handle, cID, cStatus, outError)
	})
}

// Route routes the ticket as of at: to an agent, to the bot, or to wait in its queue. The
// decision is {"ticket", "queue", "rule", "agent", "bot", "priority", "waiting", "reasons"}.
func (r *Router) Route(ticket []byte, at time.Time) ([]byte, error) {
	defer runtime.KeepAlive(r)
	text, n := textArg(ticket)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_route(r.handle, text, n, millis(at), out, outError)
	})
}

// Release says the agent is done with the ticket, freeing its place; call Dispatch afterwards
// to hand the place to a waiting ticket.
func (r *Router) Release(agentID, ticketID string) error {
	defer runtime.KeepAlive(r)
	return withAgentAndTicket(agentID, ticketID, func(cAgent, cTicket *C.char) error {
		return call(func(outError **C.char) C.int {
			return C.aftersales_router_release(r.handle, cAgent, cTicket, outError)
		})
	})
}

// withAgentAndTicket calls f with the agent and ticket ids as C strings, freed after it.
func withAgentAndTicket(agentID, ticketID string, f func(cAgent, cTicket *C.char) error) error {
	cAgent, err := cString("agent id", agentID)
	if err != nil {
		return err
	}
	defer freeCString(cAgent)
	cTicket, err := cString("ticket id", ticketID)
	if err != nil {
		return err
	}
	defer freeCString(cTicket)
	return f(cAgent, cTicket)
}

// Accept says the agent accepts the ticket offered to it (the routing section's "offers",
// docs/routing.md): the offer becomes an assignment, released with Release. A NotFound error if
// the agent holds no offer of the ticket (the message says where it is), an Input error at or
// after the offer's expiry.
func (r *Router) Accept(agentID, ticketID string, at time.Time) error {
	return r.answer(agentID, ticketID, at, true)
}

// Decline says the agent declines the ticket offered to it: the ticket waits again under its
// original arrival and is not offered to this agent again for the policy's no_reoffer.
func (r *Router) Decline(agentID, ticketID string, at time.Time) error {
	return r.answer(agentID, ticketID, at, false)
}

func (r *Router) answer(agentID, ticketID string, at time.Time, accept bool) error {
	defer runtime.KeepAlive(r)
	return withAgentAndTicket(agentID, ticketID, func(cAgent, cTicket *C.char) error {
		return call(func(outError **C.char) C.int {
			if accept {
				return C.aftersales_router_accept(r.handle, cAgent, cTicket, millis(at), outError)
			}
			return C.aftersales_router_decline(r.handle, cAgent, cTicket, millis(at), outError)
		})
	})
}

// Withdraw takes a waiting or offered ticket out of the router; false if it was neither.
func (r *Router) Withdraw(ticketID string) (bool, error) {
	defer runtime.KeepAlive(r)
	cTicket, err := cString("ticket id", ticketID)
	if err != nil {
		return false, err
	}
	defer freeCString(cTicket)
	var withdrawn C.int
	err = call(func(outError **C.char) C.int {
		return C.aftersales_router_withdraw(r.handle, cTicket, &withdrawn, outError)
	})
	return withdrawn != 0, err
}

// Dispatch assigns waiting tickets, most urgent first, to agents with free places: a JSON array
// of the decisions made (possibly empty).
func (r *Router) Dispatch(at time.Time) ([]byte, error) {
	defer runtime.KeepAlive(r)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_dispatch(r.handle, millis(at), out, outError)
	})
}

// Snapshot is the router's whole state as JSON Lines, for RestoreRouter after a restart.
func (r *Router) Snapshot() ([]byte, error) {
	defer runtime.KeepAlive(r)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_snapshot(r.handle, out, outError)
	})
}
