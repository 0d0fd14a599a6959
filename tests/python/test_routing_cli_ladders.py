"""Time rules, ladders and aging through `aftersales route` (issue 17 points 1, 4 and 5;
docs/routing.md, "Rules that know the time", "Relaxation ladders", "Aging"): each ticket is
routed at its own instant, and the replay's dispatches fire the steps and the aging as the
replayed time passes. Expected values are worked out by hand beside each assertion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aftersales.cli import main

POLICY = {"schema_version": 1, "routing": {
    "queues": [{"id": "tech"}, {"id": "general"}], "default_queue": "general",
    "rules": [{"id": "tech", "when": {"field": "category", "prefix": "tech/"}, "queue": "tech",
               "steps": [{"after": "1m", "queue": "general"}]}],
    "aging": {"every": "1m", "up_to": "high"}}}


def test_route_command_fires_ladder_steps_and_aging(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY))
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": "G", "queues": ["general"], "capacity": {"chat": 1, "email": 1}}]))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("".join(json.dumps(t) + "\n" for t in [
        {"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "tech/wifi",
         "priority": "low"},
        {"id": "T-2", "created_at": "2026-03-02T10:02:00Z", "channel": "email", "category": "general/q"},
    ]))
    assert main(["route", "--policy", str(policy), "--agents", str(agents), str(tickets)]) == 0
    out, err = capsys.readouterr()
    decisions = [json.loads(line) for line in out.splitlines()]
    # 10:00 T-1 waits in tech (nobody there), low. 10:02 T-2 (email) -> G; the dispatch then fires
    # T-1's timers: at 10:01 the step adds general and aging raises it to normal, at 10:02 aging
    # raises it to high (the cap); G has room on chat: T-1 -> G, as high.
    assert [(d["ticket"], d["agent"], d["priority"], d["waiting"]) for d in decisions] == [
        ("T-1", None, "low", True), ("T-2", "G", "normal", False), ("T-1", "G", "high", False)]
    assert 'queue "general" added after waiting 1m' in decisions[2]["reasons"]
    assert "priority raised from low to normal by aging after waiting 1m" in decisions[2]["reasons"]
    assert err.splitlines()[-1] == "waiting: 0"


def test_route_command_judges_a_rules_valid_dates_at_each_tickets_instant(capsys: pytest.CaptureFixture[str],
                                                                          tmp_path: Path) -> None:
    # Issue 17 point 1: a rule valid from 10 to 12 November in Shanghai, from
    # 2026-11-09T16:00:00Z (10 Nov 00:00 there) to 2026-11-12T16:00:00Z (13 Nov 00:00), excluded.
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"schema_version": 1, "routing": {
        "queues": [{"id": "day"}, {"id": "surge"}], "default_queue": "day",
        "rules": [{"id": "double11", "queue": "surge",
                   "valid": {"from": "2026-11-10", "to": "2026-11-12", "timezone": "Asia/Shanghai"}}]}}))
    agents = tmp_path / "agents.json"
    agents.write_text("[]")
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("".join(json.dumps({"id": ticket_id, "created_at": created, "channel": "chat"}) + "\n"
                               for ticket_id, created in [("T-1", "2026-11-09T16:00:00Z"),
                                                          ("T-2", "2026-11-12T16:00:00Z")]))
    assert main(["route", "--policy", str(policy), "--agents", str(agents), str(tickets)]) == 0
    decisions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # Nobody to take them: T-1 waits in surge (the rule's first instant), T-2 in day (past its end).
    assert [(d["ticket"], d["queue"], d["rule"], d["waiting"]) for d in decisions] == [
        ("T-1", "surge", "double11", True), ("T-2", "day", None, True)]
