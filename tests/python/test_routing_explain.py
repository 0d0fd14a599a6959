"""Router.explain ("why is this waiting?") from Python and from `aftersales route --explain`.
Expected texts worked out by hand from the policy and agents below (docs/routing.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import aftersales
from aftersales.cli import main

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

# Returns need returns >= 2 and overflow to "general" after 3 minutes.
ROUTING = {
    "queues": [{"id": "returns", "overflow": {"after": "3m", "to": "general"}}, {"id": "general"}],
    "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns",
               "skills": {"returns": 2}}],
    "default_queue": "general",
    "assignment": {"strategy": "least_loaded", "language_match": True},
}
AGENTS = [
    {"id": "G-1", "queues": ["general"], "skills": {"returns": 2}, "languages": ["zh"], "capacity": {"chat": 1}},
    {"id": "R-1", "queues": ["returns"], "skills": {"returns": 3}, "languages": ["en"], "capacity": {"chat": 1}},
    {"id": "R-2", "queues": ["returns"], "skills": {"returns": 3}, "languages": ["zh"], "capacity": {"chat": 1},
     "status": "away"},
]
TICKET = {"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return",
          "customer": {"id": "C-1", "language": "zh"}}


@pytest.fixture
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(json.dumps({"schema_version": 1, "routing": ROUTING}))


@pytest.fixture
def router(policy: aftersales.Policy) -> aftersales.Router:
    router = aftersales.Router(policy)
    for agent in AGENTS:
        router.upsert_agent(agent)
    router.dispatch(T0)
    assert router.route(TICKET, T0).waiting
    return router


def test_explain_lists_each_agents_first_failed_criterion(router: aftersales.Router) -> None:
    e = router.explain("T-1", limit=10)
    assert isinstance(e, aftersales.WaitExplanation)
    assert (e.ticket, e.queue, e.queues, e.channel, e.language, e.skills) == (
        "T-1", "returns", ["returns"], "chat", "zh", {"returns": 2})
    assert e.waiting_since == T0
    # G-1 serves only general; R-1 speaks only English; R-2 is away (status comes before language).
    assert [(a.agent, a.reason, a.text) for a in e.listed] == [
        ("G-1", "not_in_queue", 'not in queue "returns"'),
        ("R-1", "language", 'does not speak "zh"'),
        ("R-2", "not_online", "away"),
    ]
    assert [(c.reason, c.agents) for c in e.summary] == [
        ("not_in_queue", 1), ("not_online", 1), ("at_capacity", 0), ("units", 0), ("language", 1), ("skill", 0), ("eligible", 0)]
    assert e.to_dict()["eligible"] == 0
    assert e.to_dict() == json.loads(e.to_json())
    # The summary alone by default.
    assert router.explain("T-1").listed == []


def test_explain_at_an_instant_sees_the_overflow_a_dispatch_would(router: aftersales.Router) -> None:
    # 10:03: the overflow to "general" is due, and G-1 (general, returns 2, zh, room) qualifies.
    e = router.explain("T-1", at=T0 + dt.timedelta(minutes=3), offset=0, limit=1)
    assert e.queues == ["returns", "general"]
    assert [(a.agent, a.reason) for a in e.listed] == [("G-1", "eligible")]
    assert [d.agent for d in router.dispatch(T0 + dt.timedelta(minutes=3))] == ["G-1"]
    with pytest.raises(aftersales.NotFoundError, match='ticket "T-1" is not waiting: it is assigned to G-1'):
        router.explain("T-1")


def test_explain_errors(router: aftersales.Router) -> None:
    with pytest.raises(aftersales.NotFoundError, match="not waiting, nor assigned"):
        router.explain("T-404")
    with pytest.raises(aftersales.InputError, match="at most 1000 agents"):
        router.explain("T-1", limit=1001)


def write_inputs(tmp_path: Path) -> list[str]:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"schema_version": 1, "routing": ROUTING}))
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps(AGENTS))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n")
    return ["route", "--policy", str(policy), "--agents", str(agents), str(tickets)]


def test_cli_explains_a_waiting_ticket(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = write_inputs(tmp_path)
    assert main([*argv, "--explain", "T-1", "--format", "csv"]) in (0, None)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "reason,agents,text",
        'not_in_queue,1,"1 not in queue ""returns"""',
        "not_online,1,1 not online",
        'at_capacity,0,"0 at capacity on ""chat"""',
        'units,0,"0 without the units for ""chat"""',
        'language,1,"1 not speaking ""zh"""',
        "skill,0,0 without the skills (returns >= 2)",
        "eligible,0,0 eligible: the next dispatch assigns them waiting tickets",
    ]
    assert err.startswith("T-1 waits since 2026-03-02T10:00:00Z: queues returns; channel chat; language zh; "
                          "skills returns >= 2; 3 agents\n")
    # A table leaves the count out of the text: it is the agents column.
    assert main([*argv, "--explain", "T-1", "--format", "table"]) in (0, None)
    out, _ = capsys.readouterr()
    assert out.splitlines()[:2] == ["  reason        agents  why", '  not_in_queue       1  not in queue "returns"']
    assert main([*argv, "--explain", "T-1", "--list", "2", "--offset", "1"]) in (0, None)
    out, _ = capsys.readouterr()
    assert [json.loads(line) for line in out.splitlines()] == [
        {"agent": "R-1", "reason": "language", "text": 'does not speak "zh"'},
        {"agent": "R-2", "reason": "not_online", "text": "away"},
    ]


def test_cli_explain_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = write_inputs(tmp_path)
    assert main([*argv, "--explain", "T-9"]) == 2
    assert 'ticket "T-9" is not waiting' in capsys.readouterr().err
    assert main([*argv, "--list", "3"]) == 2
    assert "--list and --offset go with --explain TICKET" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*argv, "--explain", "T-1", "--list", "1001"])
    assert "a page is 1 to 1000 agents, not 1001" in capsys.readouterr().err
