"""Capacity in units from Python (docs/routing.md, "Capacity in units"): the example policy prices
a hotline call 5 units, a chat 2, anything else 1, and its tech-support agents A-21 and A-22
have 6 units. Expected values are worked out by hand beside each assertion."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

import aftersales
from aftersales.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BURST = dt.datetime(2026, 11, 13, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def example() -> aftersales.Policy:
    return aftersales.Policy.from_file(EXAMPLES / "policies" / "cn-marketplace.json")


def burst(example: aftersales.Policy) -> aftersales.Router:
    router = aftersales.Router(example)
    for agent in json.loads((EXAMPLES / "agents" / "cn-agents.json").read_text())["agents"]:
        router.upsert_agent(agent)
    for line in (EXAMPLES / "tickets" / "double11.jsonl").read_text().splitlines():
        if line.strip():
            router.route(json.loads(line), BURST)
    return router


def test_listings_show_units_used(example: aftersales.Policy) -> None:
    loads = {agent.id: agent for agent in burst(example).agents()}
    # A-21: T-1102's call (5) and T-1112 on the web (1): 6 of its 6 units.
    assert (loads["A-21"].units, loads["A-21"].units_used) == (6, 6)
    assert loads["A-21"].to_dict()["units_used"] == 6
    # A-22 holds nothing in the burst (T-1111 waits for the preferred skill to be dropped).
    assert (loads["A-22"].units, loads["A-22"].units_used) == (6, 0)
    # A-01 has no unit limit, but its tickets' units are counted: T-1101 and T-1110 are chats
    # (2 each), T-1105 an e-mail (1), T-1106 in the app ("*": 1): 6.
    assert (loads["A-01"].units, loads["A-01"].units_used) == (None, 6)
    assert "units" not in loads["A-01"].to_dict()
    again = pickle.loads(pickle.dumps(loads["A-21"]))
    assert again.to_json() == loads["A-21"].to_json()


def test_a_call_leaves_room_for_an_email_not_a_chat(example: aftersales.Policy) -> None:
    router = aftersales.Router(example)
    router.upsert_agent({"id": "A-9", "queues": ["after-sales"], "capacity": {"hotline": 1, "*": 4}, "units": 6})
    base = {"created_at": "2026-11-13T10:00:00+08:00", "category": "after_sales/invoice"}
    assert router.route({**base, "id": "T-1", "channel": "hotline"}, BURST).agent == "A-9"  # 5 of 6
    chat = router.route({**base, "id": "T-2", "channel": "chat"}, BURST)  # 5 + 2 > 6
    assert chat.waiting
    assert chat.reasons[-1] == 'no eligible agent in queue "after-sales" (0 not online, 1 at capacity, 0 without the skills): waiting'
    email = router.route({**base, "id": "T-3", "channel": "email"}, BURST)  # 5 + 1 = 6 of 6
    assert email.agent == "A-9"
    assert email.reasons[-1] == (
        'least_loaded: A-9 had the lowest load among eligible agents (0 of 4 on "email", 5 of 6 units)'
    )
    with pytest.raises(aftersales.InputError, match=r"units: an agent's units must be a whole number from 0 to 1000000"):
        router.upsert_agent({"id": "A-8", "queues": ["after-sales"], "capacity": {"*": 1}, "units": 2_000_000})


def test_route_command_shows_units(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["route", "--policy", str(EXAMPLES / "policies" / "cn-marketplace.json"),
                   "--agents", str(EXAMPLES / "agents" / "cn-agents.json"), str(EXAMPLES / "tickets" / "double11.jsonl")])
    _, err = capsys.readouterr()
    assert status == 0
    rows = {line.split()[0]: line.split() for line in err.splitlines()[1:-1]}
    # In time order A-21 serves T-1111 (11 Nov 09:00, released 15:00), T-1102 (12 Nov, a call,
    # never resolved) and T-1112 (13 Nov, released 11:30): it ends holding the call, 5 of 6.
    assert rows["A-21"] == ["A-21", "online", "tech-support", "3", "1", "5/6"]
    assert rows["A-01"][-1] == "-"
