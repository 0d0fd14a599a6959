//! Routing tickets to agents (docs/routing.md). Agents, tickets and decisions are JSON text
//! (spec §5 and §3).

use std::os::raw::{c_char, c_int};
use std::ptr::{self, NonNull};

use crate::error::{c_string, call, call_text, Result};
use crate::{ffi, text_arg, Policy};

/// A router: a policy's agents with their load, the tickets waiting in its queues, the
/// round-robin cursors. Internally synchronised, so every method takes `&self` and one router
/// may be shared between threads; each call is atomic, and a failed call leaves the router as it
/// was. It keeps its own reference to the policy.
#[derive(Debug)]
pub struct Router {
    raw: NonNull<ffi::aftersales_router>,
}

// SAFETY: capi/aftersales.h documents a router as internally synchronised: any number of
// threads may call any function on it at once. Only freeing must not overlap, which `Drop`
// (taking `&mut self`) ensures.
unsafe impl Send for Router {}
unsafe impl Sync for Router {}

// SAFETY, for every unsafe block below: the router (or policy) handle is live for `&self`, the
// texts and C strings outlive the call, and the out parameters are written by the call only.
impl Router {
    /// An empty router (no agents) for the policy's routing section;
    /// [`Status::NotFound`](crate::Status::NotFound) if it has none.
    pub fn new(policy: &Policy) -> Result<Router> {
        let mut raw = ptr::null_mut();
        call(|out_error| unsafe { ffi::aftersales_router_new(policy.as_ptr(), &mut raw, out_error) })?;
        Ok(Router::from_raw(raw))
    }

    /// A router for `policy` in the state a [`Router::snapshot`] recorded.
    pub fn restore(policy: &Policy, snapshot: impl AsRef<[u8]>) -> Result<Router> {
        let (ptr, len) = text_arg(snapshot.as_ref());
        let mut raw = ptr::null_mut();
        call(|out_error| unsafe { ffi::aftersales_router_restore(policy.as_ptr(), ptr, len, &mut raw, out_error) })?;
        Ok(Router::from_raw(raw))
    }

    fn from_raw(raw: *mut ffi::aftersales_router) -> Router {
        Router {
            raw: NonNull::new(raw).expect("the router call succeeded without a router"),
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::aftersales_router {
        self.raw.as_ptr()
    }

    /// Adds the agent (a JSON object with an id, queues, capacity...), or replaces the agent
    /// with the same id, keeping the tickets it holds.
    pub fn upsert_agent(&self, agent: impl AsRef<[u8]>) -> Result<()> {
        let (ptr, len) = text_arg(agent.as_ref());
        call(|out_error| unsafe { ffi::aftersales_router_upsert_agent(self.as_ptr(), ptr, len, out_error) })
    }

    /// Removes an agent and frees the tickets it held: a JSON array of their ids, sorted, for the
    /// host to route again.
    pub fn remove_agent(&self, agent_id: &str) -> Result<String> {
        let id = c_string("agent id", agent_id)?;
        call_text(|out, out_error| unsafe {
            ffi::aftersales_router_remove_agent(self.as_ptr(), id.as_ptr(), out, out_error)
        })
    }

    /// Sets an agent's status: "online", "away" or "offline". Only online agents get tickets.
    pub fn set_status(&self, agent_id: &str, status: &str) -> Result<()> {
        let id = c_string("agent id", agent_id)?;
        let status = c_string("status", status)?;
        call(|out_error| unsafe {
            ffi::aftersales_router_set_status(self.as_ptr(), id.as_ptr(), status.as_ptr(), out_error)
        })
    }

    /// Routes the ticket as of `at_ms`: to an agent, to the bot, or to wait in its queue. The
    /// decision is `{"ticket", "queue", "rule", "agent", "bot", "priority", "waiting", "reasons"}`.
    pub fn route(&self, ticket: impl AsRef<[u8]>, at_ms: i64) -> Result<String> {
        let (ptr, len) = text_arg(ticket.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_router_route(self.as_ptr(), ptr, len, at_ms, out, out_error)
        })
    }

    /// The agent is done with the ticket: frees its place. Call [`Router::dispatch`] afterwards to
    /// hand the place to a waiting ticket.
    pub fn release(&self, agent_id: &str, ticket_id: &str) -> Result<()> {
        let agent = c_string("agent id", agent_id)?;
        let ticket = c_string("ticket id", ticket_id)?;
        call(|out_error| unsafe {
            ffi::aftersales_router_release(self.as_ptr(), agent.as_ptr(), ticket.as_ptr(), out_error)
        })
    }

    /// The agent accepts the ticket offered to it (the routing section's `offers`,
    /// docs/routing.md): the offer becomes an assignment. A `NotFound` error if the agent holds
    /// no offer of the ticket, an `Input` error at or after the offer's expiry.
    pub fn accept(&self, agent_id: &str, ticket_id: &str, at_ms: i64) -> Result<()> {
        self.answer(agent_id, ticket_id, at_ms, ffi::aftersales_router_accept)
    }

    /// The agent declines the ticket offered to it: the ticket waits again under its original
    /// arrival and is not offered to this agent again for the policy's `no_reoffer`.
    pub fn decline(&self, agent_id: &str, ticket_id: &str, at_ms: i64) -> Result<()> {
        self.answer(agent_id, ticket_id, at_ms, ffi::aftersales_router_decline)
    }

    fn answer(
        &self,
        agent_id: &str,
        ticket_id: &str,
        at_ms: i64,
        answer: unsafe extern "C" fn(
            *mut ffi::aftersales_router,
            *const c_char,
            *const c_char,
            i64,
            ffi::OutError,
        ) -> c_int,
    ) -> Result<()> {
        let agent = c_string("agent id", agent_id)?;
        let ticket = c_string("ticket id", ticket_id)?;
        call(|out_error| unsafe { answer(self.as_ptr(), agent.as_ptr(), ticket.as_ptr(), at_ms, out_error) })
    }

    /// Takes a waiting or offered ticket out of the router; `false` if it was neither.
    pub fn withdraw(&self, ticket_id: &str) -> Result<bool> {
        let ticket = c_string("ticket id", ticket_id)?;
        let mut withdrawn: c_int = 0;
        call(|out_error| unsafe {
            ffi::aftersales_router_withdraw(self.as_ptr(), ticket.as_ptr(), &mut withdrawn, out_error)
        })?;
        Ok(withdrawn != 0)
    }

    /// Assigns waiting tickets, most urgent first, to agents with free places: a JSON array of
    /// the decisions made (possibly empty).
    pub fn dispatch(&self, at_ms: i64) -> Result<String> {
        call_text(|out, out_error| unsafe { ffi::aftersales_router_dispatch(self.as_ptr(), at_ms, out, out_error) })
    }

    /// The router's whole state as JSON Lines, for [`Router::restore`] after a restart.
    pub fn snapshot(&self) -> Result<String> {
        call_text(|out, out_error| unsafe { ffi::aftersales_router_snapshot(self.as_ptr(), out, out_error) })
    }

    /// Every agent with its load: a JSON array sorted by agent id, each element
    /// `{"id", "status", "queues", "capacity", "load", "total", "tickets"}` (docs/routing.md,
    /// "Listings"). One consistent snapshot, taken under the router's lock.
    pub fn agents(&self) -> Result<String> {
        call_text(|out, out_error| unsafe { ffi::aftersales_router_agents(self.as_ptr(), out, out_error) })
    }

    /// The waiting tickets in the order [`Router::dispatch`] serves them: a JSON array, each
    /// element `{"ticket", "queue", "priority", "channel", "waiting_since", "due_at"}`.
    pub fn waiting(&self) -> Result<String> {
        call_text(|out, out_error| unsafe { ffi::aftersales_router_waiting(self.as_ptr(), out, out_error) })
    }

    /// Why the waiting ticket waits (docs/routing.md, "Why is this waiting?"): a JSON object
    /// `{"ticket", "queue", "queues", "priority", "channel", "language", "skills",
    /// "waiting_since", "agents", "eligible", "summary": [{"reason", "agents", "text"}],
    /// "offset", "listed": [{"agent", "reason", "text"}]}`. With `at_ms`, overflow and the
    /// dropping of preferred skills are judged as [`Router::dispatch`] at that instant would;
    /// `limit` agents (at most 1000; 0: the summary only) are listed from `offset`, by id.
    /// [`Status::NotFound`](crate::Status) if the ticket is not waiting.
    pub fn explain(&self, ticket_id: &str, at_ms: Option<i64>, offset: usize, limit: usize) -> Result<String> {
        let ticket = c_string("ticket id", ticket_id)?;
        let at = at_ms.as_ref().map_or(ptr::null(), |ms| ms as *const i64);
        call_text(|out, out_error| unsafe {
            ffi::aftersales_router_explain(self.as_ptr(), ticket.as_ptr(), at, offset, limit, out, out_error)
        })
    }

    /// How many agents and tickets the router holds, in time linear in the agents.
    pub fn counts(&self) -> Result<RouterCounts> {
        let mut counts = RouterCounts::default();
        call(|out_error| unsafe { ffi::aftersales_router_counts(self.as_ptr(), &mut counts, out_error) })?;
        Ok(counts)
    }
}

/// How many agents a router holds, by status, and how many tickets wait in its queues or are
/// held by agents.
///
/// Its layout is C's `aftersales_router_totals`, which the library fills in directly.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouterCounts {
    /// `online + away + offline`.
    pub agents: i64,
    pub online: i64,
    pub away: i64,
    pub offline: i64,
    /// Tickets waiting in some queue.
    pub waiting: i64,
    /// Tickets held by some agent, offers included.
    pub assigned: i64,
    /// Of `assigned`, the tickets on offer, not yet accepted (0 without the policy's `offers`).
    pub offered: i64,
}

impl Drop for Router {
    fn drop(&mut self) {
        // SAFETY: the handle is live and this is its only release.
        unsafe { ffi::aftersales_router_free(self.raw.as_ptr()) }
    }
}
