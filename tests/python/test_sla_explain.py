"""The SLA timeline from Python and the CLI (docs/sla.md, "The timeline: explain"): the Berlin
example worked by hand in tests/cpp/sla_explain_test.cpp, through every SlaEngine call and
`aftersales sla --explain`."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import aftersales
from aftersales.cli import main

POLICY = {
    "schema_version": 1,
    "calendars": {"berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-17:00"]}}},
    "sla": {
        "policies": [
            {
                "id": "eu",
                "calendar": "berlin",
                "pause_on": ["pending_customer"],
                "targets": {"normal": {"resolution": "16h"}},
            }
        ]
    },
}

TICKET = {
    "id": "T-EU-1",
    "created_at": "2026-10-23T16:00:00+02:00",
    "channel": "email",
    "events": [
        {"at": "2026-10-23T16:30:00+02:00", "type": "agent_reply"},
        {"at": "2026-10-26T10:00:00+01:00", "type": "status", "to": "pending_customer"},
        {"at": "2026-10-26T11:30:00+01:00", "type": "customer_message"},
        {"at": "2026-10-27T10:00:00+01:00", "type": "resolved"},
    ],
}

AT = dt.datetime(2026, 10, 27, 11, tzinfo=dt.timezone.utc)


def berlin(text: str) -> str:
    """A Berlin wall-clock time as the report writes it, in UTC, by zoneinfo."""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# By hand: counted Fri 16:00 to Mon 10:00 (2 h of office time: Fri 16-17, Mon 9-10), paused
# Mon 10:00-11:30 (pending), counted Mon 11:30 to Tue 10:00 (6 h 30 min: Mon 11:30-17, Tue 9-10);
# closed Fri 17:00 to Mon 09:00 and Mon 17:00 to Tue 09:00, local times (CEST, then CET).
EXPECTED = {
    "counted": [
        {"from": berlin("2026-10-23 16:00"), "to": berlin("2026-10-26 10:00"), "business_s": 2 * 3600},
        {"from": berlin("2026-10-26 11:30"), "to": berlin("2026-10-27 10:00"), "business_s": 6 * 3600 + 1800},
    ],
    "paused": [{"from": berlin("2026-10-26 10:00"), "to": berlin("2026-10-26 11:30"), "reason": "pending_customer"}],
    "closed": [
        {"from": berlin("2026-10-23 17:00"), "to": berlin("2026-10-26 09:00")},
        {"from": berlin("2026-10-26 17:00"), "to": berlin("2026-10-27 09:00")},
    ],
}


@pytest.fixture
def engine() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(POLICY))


def test_evaluate_explains_the_berlin_example(engine: aftersales.SlaEngine) -> None:
    metric = engine.evaluate(TICKET, AT, explain=True).to_dict()["metrics"][0]
    assert metric["elapsed_s"] == 30600
    assert metric["timeline"] == EXPECTED
    assert "timeline" not in engine.evaluate(TICKET, AT).to_dict()["metrics"][0]


def test_every_call_takes_explain(engine: aftersales.SlaEngine, tmp_path: Path) -> None:
    line = json.dumps(TICKET)
    assert engine.evaluate_many([TICKET], AT, explain=True)[0].to_dict()["metrics"][0]["timeline"] == EXPECTED
    batch = aftersales.TicketBatch([TICKET])
    assert engine.evaluate_many(batch, AT, explain=True)[0].to_dict()["metrics"][0]["timeline"] == EXPECTED
    assert json.loads(engine.evaluate_lines(line, AT, explain=True))["metrics"][0]["timeline"] == EXPECTED
    assert engine.evaluate_lines(line, AT) == engine.evaluate(TICKET, AT).to_json() + "\n"
    tickets, reports = tmp_path / "t.jsonl", tmp_path / "r.jsonl"
    tickets.write_text(line + "\n")
    engine.evaluate_file(str(tickets), str(reports), AT, explain=True)
    assert json.loads(reports.read_text())["metrics"][0]["timeline"] == EXPECTED


def test_a_report_with_its_timeline_pickles_whole(engine: aftersales.SlaEngine) -> None:
    report = engine.evaluate(TICKET, AT, explain=True)
    assert pickle.loads(pickle.dumps(report)).to_json() == report.to_json()


def test_cli_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy, tickets = tmp_path / "policy.json", tmp_path / "tickets.jsonl"
    policy.write_text(json.dumps(POLICY))
    tickets.write_text(json.dumps(TICKET) + "\n")
    common = ["sla", "--policy", str(policy), str(tickets), "--at", "2026-10-27T11:00:00Z"]
    assert main([*common, "--explain"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["metrics"][0]["timeline"] == EXPECTED
    assert main(common) == 0
    out, _ = capsys.readouterr()
    assert "timeline" not in out
    assert main([*common, "--explain", "--format", "csv"]) == 2
    _, err = capsys.readouterr()
    assert "--explain gives JSON Lines" in err
