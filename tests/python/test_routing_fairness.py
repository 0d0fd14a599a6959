"""The fairness guarantee from Python (issue 17 point 7; docs/routing.md, "What `least_loaded`
guarantees"): with equal capacities, the loads of the eligible online agents differ by at most
one ticket after every operation. Expected loads are worked out by hand beside each step."""

from __future__ import annotations

import datetime as dt
import json

import aftersales

TEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
POLICY = {"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
                                           "assignment": {"strategy": "least_loaded"}}}


def loads(router: aftersales.Router) -> dict[str, int]:
    return {agent.id: agent.total for agent in router.agents()}


def spread(router: aftersales.Router) -> int:
    online = [agent.total for agent in router.agents() if agent.status == "online"]
    return max(online) - min(online)


def test_least_loaded_keeps_equal_agents_within_one_ticket() -> None:
    router = aftersales.Router(aftersales.Policy.from_json(json.dumps(POLICY)))
    for agent_id in "ABCD":
        router.upsert_agent({"id": agent_id, "queues": ["desk"], "capacity": {"chat": 3}})
    held: dict[str, str] = {}
    for n in range(1, 8):
        ticket = {"id": f"T-{n}", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}
        held[f"T-{n}"] = router.route(ticket, TEN).agent or ""
        assert spread(router) <= 1
    # Lowest load first, ties to the smaller id: T-1..T-4 -> A, B, C, D; T-5..T-7 -> A, B, C.
    assert loads(router) == {"A": 2, "B": 2, "C": 2, "D": 1}
    router.release(held["T-1"], "T-1")  # A 1
    router.set_status("B", "away")      # B keeps its 2, no longer eligible
    assert spread(router) <= 1           # online: A 1, C 2, D 1
    router.route({"id": "T-8", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}, TEN)
    # A and D at 1 of 3, the tie to A: A 2, C 2, D 1.
    assert loads(router) == {"A": 2, "B": 2, "C": 2, "D": 1}
    assert spread(router) <= 1
