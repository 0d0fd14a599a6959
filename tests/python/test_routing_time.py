"""Issue 17 points 1, 4 and 5 from Python and the CLI: calendar conditions, date ranges,
relaxation ladders and aging, and the example policy's after-hours rule and ladder.

Expected values are worked out by hand in the comments beside them (docs/routing.md has the
same examples in words)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import aftersales
from aftersales.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_calendar_condition_is_judged_at_the_routing_instant() -> None:
    policy = aftersales.Policy.from_json(json.dumps({
        "schema_version": 1,
        "calendars": {"cn-day": {"timezone": "Asia/Shanghai", "hours": {"daily": ["09:00-21:00"]}}},
        "routing": {"queues": [{"id": "day"}, {"id": "night"}], "default_queue": "day",
                    "rules": [{"id": "after-hours", "when": {"calendar": "cn-day", "open": False}, "queue": "night"}]},
    }))
    router = aftersales.Router(policy)
    ticket = {"id": "T-1", "created_at": "2026-03-02T12:00:00Z", "channel": "chat"}
    # Created at 20:00 Shanghai (open), routed at 21:00 (closed: an interval's end is excluded).
    decision = router.route(ticket, instant("2026-03-02T13:00:00Z"))
    assert (decision.queue, decision.rule) == ("night", "after-hours")


def test_a_routing_rule_without_a_time_zone_for_its_dates_is_refused() -> None:
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_json(json.dumps({
            "schema_version": 1,
            "routing": {"queues": [{"id": "q"}], "default_queue": "q",
                        "rules": [{"id": "r", "valid": {"from": "2026-11-10"}, "queue": "q"}]},
        }))
    assert caught.value.problems[0][0] == "routing.rules[0].valid"


def test_an_sla_policy_valid_in_a_date_range_applies_to_tickets_created_in_it() -> None:
    engine = aftersales.SlaEngine(aftersales.Policy.from_json(json.dumps({
        "schema_version": 1,
        "sla": {"policies": [
            {"id": "double11", "valid": {"from": "2026-11-10", "to": "2026-11-12", "timezone": "Asia/Shanghai"},
             "targets": {"normal": {"first_response": "10m"}}},
            {"id": "standard", "targets": {"normal": {"first_response": "1h"}}}]},
    })))
    # 2026-11-12T16:00Z is 11-13 00:00 in Shanghai: the first instant after the range.
    inside = {"id": "T-1", "created_at": "2026-11-12T15:59:59Z", "channel": "chat"}
    after = {"id": "T-2", "created_at": "2026-11-12T16:00:00Z", "channel": "chat"}
    later = instant("2026-11-20T00:00:00Z")
    assert engine.evaluate(inside, later).policy == "double11"
    assert engine.evaluate(after, later).policy == "standard"


def test_a_ladder_adds_a_queue_then_accepts_any_language() -> None:
    policy = aftersales.Policy.from_json(json.dumps({
        "schema_version": 1,
        "routing": {"queues": [{"id": "tech"}, {"id": "general"}], "default_queue": "general",
                    "assignment": {"language_match": True},
                    "rules": [{"id": "tech", "queue": "tech", "skills": {"tech": 1},
                               "steps": [{"after": "3m", "queue": "general"}, {"after": "10m", "any_language": True}]}]},
    }))
    router = aftersales.Router(policy)
    router.upsert_agent({"id": "A-1", "queues": ["general"], "skills": {"tech": 1}, "languages": ["en"],
                         "capacity": {"chat": 1}})
    ticket = {"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "customer": {"language": "fr"}}
    assert router.route(ticket, instant("2026-03-02T10:00:00Z")).waiting
    assert router.dispatch(instant("2026-03-02T10:03:00Z")) == []  # general added; A-1 speaks no fr
    [decision] = router.dispatch(instant("2026-03-02T10:10:00Z"))  # any language: A-1
    assert (decision.agent, decision.queue) == ("A-1", "general")
    assert "any language accepted after waiting 10m" in decision.reasons


def test_aging_raises_a_waiting_ticket_in_the_listing() -> None:
    policy = aftersales.Policy.from_json(json.dumps({
        "schema_version": 1,
        "routing": {"queues": [{"id": "q"}], "default_queue": "q", "aging": {"every": "10m"}},
    }))
    router = aftersales.Router(policy)
    router.route({"id": "L", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "priority": "low"},
                 instant("2026-03-02T10:00:00Z"))
    router.route({"id": "H", "created_at": "2026-03-02T10:05:00Z", "channel": "chat", "priority": "high"},
                 instant("2026-03-02T10:05:00Z"))
    router.dispatch(instant("2026-03-02T10:30:00Z"))
    # L waited 30m: low -> normal (10:10) -> high (10:20) -> urgent (10:30, the default cap). H rose
    # from high to urgent at 10:15 and no further. Equal priorities, no SLA: L arrived first.
    assert [(w.ticket, w.priority) for w in router.waiting()] == [("L", "urgent"), ("H", "urgent")]


def test_the_example_policy_sends_after_hours_tickets_to_the_night_desk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # cn-service is open 09:00-24:00 Shanghai time (and round the clock on 10-12 November): a
    # return at 03:00 on 2 March is after hours; one at 10:00 is not.
    tickets = tmp_path / "tickets.jsonl"
    lines = [{"id": f"T-{n}", "created_at": at, "channel": "chat", "category": "after_sales/return",
              "customer": {"id": f"C-{n}", "language": "zh"}}
             for n, at in enumerate(["2026-03-02T03:00:00+08:00", "2026-03-02T10:00:00+08:00",
                                     "2026-11-11T03:00:00+08:00"])]
    tickets.write_text("".join(json.dumps(line) + "\n" for line in lines))
    status = main(["route", "--policy", str(EXAMPLES / "policies" / "cn-marketplace.json"),
                   "--agents", str(EXAMPLES / "agents" / "cn-agents.json"), str(tickets)])
    out, _ = capsys.readouterr()
    assert status == 0
    decisions = {d["ticket"]: d for d in map(json.loads, out.splitlines())}
    assert (decisions["T-0"]["queue"], decisions["T-0"]["rule"]) == ("night-desk", "after-hours")
    assert decisions["T-1"]["rule"] == "returns"
    assert decisions["T-2"]["rule"] == "returns"  # Double 11: cn-service open round the clock
