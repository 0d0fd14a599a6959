"""Issue 16 points 10 and 12 from Python: custom metrics on conditions, pause_on per target, the
ticket's SLA status and its misses (docs/sla.md). Expected values worked out by hand beside them;
the policies count on `always` (UTC, 24x7), so business time is wall time."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

UTC = dt.timezone.utc
CALENDARS = {"always": {"timezone": "UTC", "hours": "24x7"}}


def engine(sla: dict[str, Any]) -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(json.dumps(
        {"schema_version": 1, "calendars": CALENDARS, "sla": sla})))


def at(hhmm: str) -> dt.datetime:
    """Monday 2 March 2026 at hh:mm UTC."""
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def ticket(*events: tuple[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": "T-1", "created_at": "2026-03-02T09:00:00Z", **extra,
            "events": [{"at": f"2026-03-02T{hhmm}:00Z", **e} for hhmm, e in events]}


TWO_TARGETS = {"policies": [{"id": "p", "calendar": "always",
                             "targets": {"normal": {"first_response": "30m", "resolution": "2h"}}}]}


def test_status_and_misses() -> None:
    sla = engine(TWO_TARGETS)
    # The reply at 09:45 breaches first_response (30m) at 09:30; resolved 10:00 within 2h.
    report = sla.evaluate(ticket(("09:45", {"type": "agent_reply"}), ("10:00", {"type": "resolved"})), at("12:00"))
    assert report.status == "failed"
    assert [(m.metric, m.cycle, m.breached_at) for m in report.misses] == [("first_response", 0, at("09:30"))]
    assert report.to_dict()["misses"] == [{"metric": "first_response", "cycle": 0, "breached_at": "2026-03-02T09:30:00Z"}]
    assert repr(report.misses[0]) == "<aftersales.SlaMiss 'first_response' cycle=0 breached_at=2026-03-02T09:30:00Z>"
    # Unanswered at 09:40: first_response breached at 09:30 and still running.
    assert sla.evaluate(ticket(), at("09:40")).status == "active_with_misses"
    assert sla.evaluate(ticket(), at("09:20")).status == "active"  # nothing breached yet
    # Answered 09:20, resolved 10:00: both in time.
    assert sla.evaluate(ticket(("09:20", {"type": "agent_reply"}), ("10:00", {"type": "resolved"})),
                        at("10:00")).status == "fulfilled"


def test_no_policy_no_status() -> None:
    sla = engine({"policies": [{"id": "p", "when": {"field": "channel", "eq": "email"},
                                "targets": {"normal": {"first_response": "30m"}}}]})
    report = sla.evaluate(ticket(), at("10:00"))
    assert (report.status, report.misses) == (None, [])
    assert "status" not in report.to_dict() and "misses" not in report.to_dict()


def test_a_report_pickles_with_its_status_and_misses() -> None:
    report = engine(TWO_TARGETS).evaluate(ticket(), at("12:00"))
    # Unanswered: first_response breached 09:30, resolution (2h) at 11:00.
    back = pickle.loads(pickle.dumps(report))
    assert back.status == "active_with_misses"
    assert [(m.metric, m.breached_at) for m in back.misses] == [("first_response", at("09:30")),
                                                                ("resolution", at("11:00"))]
    assert back.to_json() == report.to_json()


def test_first_response_pauses_on_its_own_pause_on() -> None:
    sla = engine({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {
        "first_response": {"target": "1h", "pause_on": ["pending_customer"]}}}}]})
    report = sla.evaluate(ticket(("09:10", {"type": "status", "to": "pending_customer"}),
                                 ("09:40", {"type": "customer_message"})), at("10:00"))
    # 09:00-09:10 and 09:40-10:00: 30m, due 10:30.
    metric = report.metrics[0]
    assert (metric.elapsed, metric.state, metric.due_at) == (dt.timedelta(minutes=30), "active", at("10:30"))


def test_a_custom_metric_on_conditions() -> None:
    sla = engine({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"handling": "30m"},
                                                                             "urgent": {"handling": "30m"}}}],
                  "metrics": {"handling": {"start": "assigned", "stop": "resolved",
                                           "reset_when": {"field": "priority", "eq": "urgent"}}}})
    report = sla.evaluate(ticket(("09:10", {"type": "assigned", "queue": "q"}),
                                 ("09:50", {"type": "priority", "to": "urgent"})), at("10:00"))
    # Started 09:10, breached 09:40; reset at 09:50: cycle 0 again from 09:50, 10m, no miss.
    assert [(m.metric, m.cycle, m.started_at, m.elapsed) for m in report.metrics] == [
        ("handling", 0, at("09:50"), dt.timedelta(minutes=10))]
    assert (report.status, report.misses) == ("active", [])


def test_a_policy_error_names_the_path() -> None:
    with pytest.raises(aftersales.PolicyError, match=r"sla\.metrics\.m: a custom metric needs \"stop\""):
        engine({"policies": [], "metrics": {"m": {"start_when": {"field": "priority", "eq": "urgent"}}}})


def test_cli_csv_has_the_ticket_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy, tickets = tmp_path / "policy.json", tmp_path / "tickets.jsonl"
    policy.write_text(json.dumps({"schema_version": 1, "calendars": CALENDARS, "sla": TWO_TARGETS}))
    tickets.write_text(json.dumps(ticket(("09:45", {"type": "agent_reply"}))) + "\n")
    assert main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-03-02T10:00:00Z", "--format", "csv"]) == 0
    # first_response 45m of 30m, breached 09:30, completed 09:45; resolution 1h of 2h, due 11:00.
    assert capsys.readouterr().out == (
        "ticket,metric,cycle,state,target_s,elapsed_s,remaining_s,due_at,breached_at,completed_at,ticket_status,"
        "queue,override_due_at\r\n"  # no OLA, no override: both empty
        "T-1,first_response,0,breached,1800,2700,-900,,2026-03-02T09:30:00Z,2026-03-02T09:45:00Z,active_with_misses,,\r\n"
        "T-1,resolution,0,active,7200,3600,3600,2026-03-02T11:00:00Z,,,active_with_misses,,\r\n")
