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
        "T-1112": "A-21",  # web, English: A-21 speaks en and has "*" 4
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
                          1794326400000 + n, {}, {}, None, 0, []]})
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
    assert err.splitlines()[0].split() == ["agent", "status", "queues", "served", "holding"]
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
