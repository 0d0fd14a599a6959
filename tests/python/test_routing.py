"""Routing from Python (spec §5). Expected assignments are worked out by hand from the example
policy's routing section and examples/agents/cn-agents.json (least_loaded, ties by agent id;
language_match; svip tickets need senior >= 1)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

REPO = Path(__file__).resolve().parents[2]
BEIJING = dt.timezone(dt.timedelta(hours=8))
BURST = dt.datetime(2026, 11, 13, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def example() -> aftersales.Policy:
    return aftersales.Policy.from_file(REPO / "examples" / "policies" / "cn-marketplace.json")


def agents() -> list[dict[str, Any]]:
    agents: list[dict[str, Any]] = json.loads((REPO / "examples" / "agents" / "cn-agents.json").read_text())["agents"]
    return agents


def tickets() -> list[dict[str, Any]]:
    lines = (REPO / "examples" / "tickets" / "double11.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def staffed(policy: aftersales.Policy) -> aftersales.Router:
    router = aftersales.Router(policy)
    for agent in agents():
        router.upsert_agent(agent)
    return router


def test_a_burst_of_double11_tickets(example: aftersales.Policy) -> None:
    router = staffed(example)
    got = {}
    for ticket in tickets():
        decision = router.route(ticket, BURST)
        got[decision.ticket] = "bot" if decision.bot else decision.agent or "waits"
    assert got == {
        "T-1101": "A-01",  # returns: all 0 on chat -> A-01 by id
        "T-1102": "A-21",  # tech-support, appliances 3 preferred, svip needs senior: only A-21
        "T-1103": "A-02",  # returns on chat: A-01 1/5, A-02 0/4 -> A-02
        "T-1104": "A-31",  # complaints: A-32 is away
        "T-1105": "A-01",  # no rule: after-sales; email 0 everywhere -> A-01 by id
        "T-1106": "A-01",  # returns on app: A-01 0 of its "*" 3
        "T-1107": "A-07",  # chat: A-01 1/5, A-02 1/4, A-07 0/5 -> A-07
        "T-1108": "A-11",  # logistics: both 0 -> A-11
        "T-1109": "bot",  # pre_sales/faq and no handoff: the bot answers
        "T-1110": "A-01",  # chat: 1/5, 1/4, 1/5, 1/5 -> 1/5 is lowest, A-01 first
        "T-1111": "waits",  # hotline: A-21's one place is taken, A-22 has appliances 2 < 3
        "T-1112": "A-21",  # web, English: A-21 speaks en and has "*" 4; units 5 (T-1102's call) + 1 = 6 of 6
    }
    assert router.waiting_count == 1
    # 10:05 the preferred appliances 3 is dropped: A-22 (appliances 2, hotline 0/1) qualifies.
    assert router.dispatch(BURST + dt.timedelta(minutes=4, seconds=59)) == []
    [moved] = router.dispatch(BURST + dt.timedelta(minutes=6))
    assert (moved.ticket, moved.agent, moved.queue, moved.rule) == ("T-1111", "A-22", "tech-support", "technical")
    assert moved.reasons[:2] == ['waited 6m in queue "tech-support"', "preferred skills dropped after waiting 5m"]


def test_decision_attributes_and_dict(example: aftersales.Policy) -> None:
    router = staffed(example)
    complaint = next(t for t in tickets() if t["id"] == "T-1104")
    decision = router.route(complaint, BURST)
    assert (decision.queue, decision.rule, decision.priority, decision.bot, decision.waiting) == (
        "complaints", "complaints", "high", False, False,
    )
    assert decision.to_dict() == json.loads(decision.to_json())
    assert decision.to_dict()["reasons"] == [
        'rule "complaints" matched: queue "complaints"',
        "requires skills complaints >= 1",
        'least_loaded: A-31 had the lowest load among eligible agents (0 of 3 on "chat")',
    ]
    assert repr(decision) == "<aftersales.RoutingDecision ticket='T-1104' queue='complaints' agent='A-31'>"


def test_bad_input_names_the_problem(example: aftersales.Policy) -> None:
    router = staffed(example)
    with pytest.raises(aftersales.InputError, match=r'queues\[0\]: no queue "nowhere"'):
        router.upsert_agent({"id": "A-99", "queues": ["nowhere"], "capacity": {"chat": 1}})
    with pytest.raises(aftersales.InputError, match=r"capacity\.chat: a capacity must be a whole number"):
        router.upsert_agent({"id": "A-99", "queues": ["returns"], "capacity": {"chat": -1}})
    with pytest.raises(aftersales.InputError, match="id: missing"):
        router.upsert_agent({"queues": ["returns"], "capacity": {"chat": 1}})
    ticket = tickets()[0]
    router.route(ticket, BURST)
    with pytest.raises(aftersales.InputError, match='ticket "T-1101" is already assigned to A-01'):
        router.route(ticket, BURST)
    with pytest.raises(aftersales.InputError, match="not an agent status"):
        router.set_status("A-01", "asleep")  # type: ignore[arg-type]
    with pytest.raises(aftersales.NotFoundError):
        router.release("A-02", "T-1101")
    with pytest.raises(TypeError, match="expected a dict"):
        router.route("T-1", BURST)  # type: ignore[arg-type]


def test_snapshot_and_restore(example: aftersales.Policy) -> None:
    router = staffed(example)
    for ticket in tickets():
        router.route(ticket, BURST)
    text = router.snapshot()
    again = aftersales.Router.restore(example, text)
    assert again.snapshot() == text
    assert again.waiting_count == 1
    assert again.remove_agent("A-01") == ["T-1101", "T-1105", "T-1106", "T-1110"]
    other = aftersales.Policy.from_json(
        {"schema_version": 1, "routing": {"queues": [{"id": "returns"}], "default_queue": "returns"}}
    )
    with pytest.raises(aftersales.InputError, match='queues the policy no longer has: "after-sales", "complaints"'):
        aftersales.Router.restore(other, text)


def test_restore_beyond_the_document_limit(example: aftersales.Policy) -> None:
    # Issue 11: a snapshot over the 16 MiB limit of input documents (70,000 waiting tickets in
    # version 1) could not be restored from any surface. Version 2 is read a line at a time.
    header = aftersales.Router(example).snapshot().splitlines()[0]
    count = 200_000

    def line(record: object) -> str:
        return json.dumps(record, separators=(",", ":"))

    waiting = [
        line({"waiting": [f"T-{n:06}", f"C-{n}", "chat", "zh", "after-sales", "", "", "normal", None,
                          1794326400000 + n, {}, {}, None, 0, [], 0, 0]})
        for n in range(count)
    ]
    end = line({"end": {"agents": 0, "assigned": 0, "waiting": count, "cursors": 0, "sticky": 0}})
    text = "\n".join([header, *waiting, end]) + "\n"
    assert len(text) > 16 << 20
    router = aftersales.Router.restore(example, text)
    assert router.waiting_count == count
    assert router.snapshot() == text
    # Each problem names its line: the header is line 1, T-000000 line 2, its copy line 3.
    twice = "\n".join([header, waiting[0], waiting[0], end])
    with pytest.raises(aftersales.InputError, match='line 3: waiting.ticket: ticket "T-000000" is listed twice'):
        aftersales.Router.restore(example, twice)


def test_concurrent_threads_share_one_router(example: aftersales.Policy) -> None:
    router = aftersales.Router(example)
    router.upsert_agent({"id": "A-1", "queues": ["after-sales"], "capacity": {"chat": 3}})
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(200):
                ticket = {"id": f"T-{n}-{i}", "created_at": "2026-11-13T10:00:00+08:00", "channel": "chat"}
                decision = router.route(ticket, BURST)
                if decision.agent is not None:
                    router.release(decision.agent, decision.ticket)
                    router.dispatch(BURST)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    records = [json.loads(line) for line in router.snapshot().splitlines()]
    assert sum(1 for record in records if "assigned" in record) <= 3


def test_route_command(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "route",
            "--policy", str(REPO / "examples" / "policies" / "cn-marketplace.json"),
            "--agents", str(REPO / "examples" / "agents" / "cn-agents.json"),
            str(REPO / "examples" / "tickets" / "double11.jsonl"),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0
    decisions = [json.loads(line) for line in out.splitlines()]
    # In time order: T-1101 (11 Nov 00:05) to returns, all idle -> A-01; T-1106 (01:20, app)
    # to returns, A-01 holds only a chat -> A-01 again (app 0 of 3).
    assert [(d["ticket"], d["agent"]) for d in decisions[:2]] == [("T-1101", "A-01"), ("T-1106", "A-01")]
    # 12 tickets routed once each, plus T-1104 again when it is reopened.
    assert sorted(d["ticket"] for d in decisions).count("T-1104") == 2
    assert len(decisions) == 13
    # have 6 units: the summary shows units used of units.
    assert err.splitlines()[0].split() == ["agent", "status", "queues", "served", "holding", "units"]
    assert err.splitlines()[-1].startswith("waiting: ")


def test_demo_routes_a_burst(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["demo", "--policy", str(REPO / "examples" / "policies" / "cn-marketplace.json")])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "Routing: the Double 11 tickets arrive at once at Fri 13 Nov 2026 10:00 CST" in out
    assert "  Dispatch at Fri 13 Nov 10:06: T-1111 -> A-22 (preferred skills dropped after waiting 5m)" in out


def test_route_command_names_a_bad_agent(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": "A-1", "queues": ["returns"], "capacity": {"chat": 1}},
                                  {"id": "A-2", "queues": ["nowhere"], "capacity": {"chat": 1}}]))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("")
    status = main(["route", "--policy", str(REPO / "examples" / "policies" / "cn-marketplace.json"),
                   "--agents", str(agents), str(tickets)])
    _, err = capsys.readouterr()
    assert status == 2
    assert f"{agents}: agents[1]: invalid agent" in err
    assert 'queues[0]: no queue "nowhere"' in err


# ---- Listings: agents with their loads, waiting tickets, counts.

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

# Due times are created_at + first_response: urgent 1m, normal 10m, low 30m.
LISTING_POLICY = {
    "schema_version": 1,
    "sla": {"policies": [{"id": "all", "targets": {"urgent": {"first_response": "1m"},
                                                   "normal": {"first_response": "10m"},
                                                   "low": {"first_response": "30m"}}}]},
    "routing": {
        "queues": [{"id": "general"}, {"id": "returns"}],
        "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns"}],
        "default_queue": "general",
        "assignment": {"strategy": "least_loaded"},
    },
}


def listing_ticket(ticket_id: str, channel: str = "chat", priority: str = "normal",
                   category: str = "general/question") -> dict[str, Any]:
    return {"id": ticket_id, "created_at": "2026-03-02T10:00:00Z", "channel": channel,
            "priority": priority, "category": category}


def test_router_listings() -> None:
    router = aftersales.Router(aftersales.Policy.from_json(LISTING_POLICY))
    assert (router.agents(), router.waiting()) == ([], [])
    router.upsert_agent({"id": "A-2", "queues": ["general"], "capacity": {"*": 2}})
    router.upsert_agent({"id": "A-1", "queues": ["general", "returns"], "capacity": {"email": 2, "chat": 1}})
    # least_loaded, ties to the smaller id. T-1 chat: A-1 0/1 = A-2 0/2 -> A-1. T-2 email:
    # A-1 0/2 = A-2 0/2 -> A-1. T-3 chat: A-1 full (1/1) -> A-2.
    assert [router.route(listing_ticket(t, c), T0).agent for t, c in [("T-1", "chat"), ("T-2", "email"), ("T-3", "chat")]] \
        == ["A-1", "A-1", "A-2"]
    router.set_status("A-2", "away")
    # A-1 is full on chat and A-2 away: every chat ticket now waits.
    for ticket, at in [(listing_ticket("T-4"), 1), (listing_ticket("T-5", priority="urgent"), 1),
                       (listing_ticket("R-1", category="after_sales/return"), 2),
                       (listing_ticket("T-6", priority="low"), 2)]:
        assert router.route(ticket, T0 + dt.timedelta(minutes=at)).waiting

    a1, a2 = router.agents()
    assert a1.to_dict() == {"id": "A-1", "status": "online", "queues": ["general", "returns"],
                            "capacity": {"chat": 1, "email": 2}, "load": {"chat": 1, "email": 1},
                            "total": 2, "tickets": ["T-1", "T-2"]}
    # Away, A-2 still holds T-3.
    assert (a2.id, a2.status, a2.queues, a2.capacity, a2.load, a2.total, a2.tickets) == (
        "A-2", "away", ["general"], {"*": 2}, {"chat": 1}, 1, ["T-3"])
    assert json.loads(a2.to_json()) == a2.to_dict()

    # Urgent first; the normals by due time (T-4 and R-1 both 10:10: T-4 came first); low last.
    waiting = router.waiting()
    assert [w.ticket for w in waiting] == ["T-5", "T-4", "R-1", "T-6"]
    first = waiting[0]
    assert (first.queue, first.priority, first.channel) == ("general", "urgent", "chat")
    assert (first.waiting_since, first.due_at) == (T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=1))
    assert waiting[2].to_dict() == {"ticket": "R-1", "queue": "returns", "priority": "normal", "channel": "chat",
                                    "waiting_since": "2026-03-02T10:02:00Z", "due_at": "2026-03-02T10:10:00Z"}

    counts = router.counts()
    assert counts.to_dict() == {"agents": 2, "online": 1, "away": 1, "offline": 0, "waiting": 4, "assigned": 3,
                                "offered": 0}
    assert (counts.agents, counts.online, counts.away, counts.offline, counts.waiting, counts.assigned) == (2, 1, 1, 0, 4, 3)

    # A-1's chat place goes to the first listed; A-2 back online takes the next it can (its one
    # free chat place: T-4; R-1 is in returns, which A-2 is not in).
    router.release("A-1", "T-1")
    assert [d.ticket for d in router.dispatch(T0 + dt.timedelta(minutes=3))] == ["T-5"]
    router.set_status("A-2", "online")
    assert [d.ticket for d in router.dispatch(T0 + dt.timedelta(minutes=3))] == ["T-4"]
    assert [w.ticket for w in router.waiting()] == ["R-1", "T-6"]
    assert [(a.id, a.load, a.tickets) for a in router.agents()] == [
        ("A-1", {"chat": 1, "email": 1}, ["T-2", "T-5"]), ("A-2", {"chat": 2}, ["T-3", "T-4"])]
    assert router.counts().to_dict() == {"agents": 2, "online": 2, "away": 0, "offline": 0, "waiting": 2, "assigned": 4,
                                         "offered": 0}


def test_listings_pickle_and_print() -> None:
    import pickle

    router = aftersales.Router(aftersales.Policy.from_json(LISTING_POLICY))
    router.upsert_agent({"id": "A-1", "queues": ["general"], "capacity": {"chat": 1}})
    router.route(listing_ticket("T-1"), T0)
    router.route(listing_ticket("T-2"), T0)
    listings = [*router.agents(), *router.waiting(), router.counts()]
    for listing in listings:
        assert pickle.loads(pickle.dumps(listing)).to_json() == listing.to_json()
    assert [repr(listing) for listing in listings] == [
        "<aftersales.AgentLoad id='A-1' online total=1>",
        "<aftersales.WaitingTicket ticket='T-2' queue='general' normal>",
        "<aftersales.RouterCounts agents=1 waiting=1 assigned=1>",
    ]


def test_route_command_summary_comes_from_the_listings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(LISTING_POLICY))
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": "A-1", "queues": ["general", "returns"], "capacity": {"chat": 1}},
                                  {"id": "A-2", "queues": ["general"], "capacity": {"*": 2}, "status": "away"}]))
    tickets = tmp_path / "tickets.jsonl"
    resolved = [{"type": "resolved", "at": "2026-03-02T10:05:00Z"}]
    tickets.write_text("".join(json.dumps(t) + "\n" for t in [
        {"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "events": resolved},
        {"id": "T-2", "created_at": "2026-03-02T10:01:00Z", "channel": "chat"},
        {"id": "T-3", "created_at": "2026-03-02T10:02:00Z", "channel": "chat"},
    ]))
    status = main(["route", "--policy", str(policy), "--agents", str(agents), str(tickets)])
    out, err = capsys.readouterr()
    assert status == 0
    # 10:00 T-1 -> A-1 (A-2 is away); 10:01 T-2 and 10:02 T-3 wait (A-1's one chat place is
    # taken); 10:05 T-1 is released and the dispatch gives A-1 T-2 (due 10:11, before T-3's 10:12).
    assert [(d["ticket"], d["agent"]) for d in map(json.loads, out.splitlines())] == [
        ("T-1", "A-1"), ("T-2", None), ("T-3", None), ("T-2", "A-1")]
    assert err.splitlines() == [
        "agent  status  queues           served  holding",
        "A-1    online  general,returns  2       1",
        "A-2    away    general          0       0",
        "waiting: 1",
    ]
