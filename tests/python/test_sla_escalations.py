"""Escalations at offsets from the due instant ("-15m", "+1h") and on a team lead's hours
(docs/sla.md, "Escalations: percentages, offsets and a lead's hours"), from Python and the CLI.

Every instant is worked out by hand; the Berlin ones are checked with zoneinfo in the test
itself. The policy is the docs' example:

- office: Mon-Fri 09:00-18:00 UTC; lead: Mon-Fri 08:00-12:00 UTC.
- first_response 1h on office; "-15m" nudge and "100%" escalate on the lead's hours; "+1h" page.
- A ticket created Mon 2 March 2026 17:10 UTC, never answered: 50m of office time on Monday,
  10m on Tuesday, so due Tue 09:10. -15m = 45m: Mon 17:55 (after the lead's noon), delivered
  Tue 08:00. +1h = 2h: 50m + 70m, Tue 10:10.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import aftersales
from aftersales import cli

UTC = dt.timezone.utc

DOCS_POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {
        "office": {"timezone": "UTC", "hours": {"mon-fri": ["09:00-18:00"]}},
        "lead": {"timezone": "UTC", "hours": {"mon-fri": ["08:00-12:00"]}},
    },
    "sla": {
        "policies": [
            {
                "id": "desk",
                "calendar": "office",
                "targets": {"normal": {"first_response": "1h"}},
                "escalations": [
                    {"at": "-15m", "action": "nudge", "to": "lead", "calendar": "lead"},
                    {"at": "100%", "action": "escalate", "to": "lead", "calendar": "lead"},
                    {"at": "+1h", "action": "page"},
                ],
            }
        ]
    },
}

TICKET: dict[str, Any] = {"id": "T-1", "created_at": "2026-03-02T17:10:00Z", "events": []}


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def desk() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(DOCS_POLICY))


def shown(report: aftersales.SlaReport) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return [(e.at, e.reached_at, e.deliver_at) for e in report.escalations]


# The docs' table, row by row: (evaluated at, escalations, next_check_at).
DOCS_TABLE = [
    (utc(2, 17, 54, 59), [], utc(2, 17, 55)),
    (utc(2, 17, 55), [("-15m", utc(2, 17, 55), utc(3, 8))], utc(3, 8)),  # delivery before the breach
    (utc(3, 8), [("-15m", utc(2, 17, 55), utc(3, 8))], utc(3, 9, 10)),
    (utc(3, 9, 10), [("-15m", utc(2, 17, 55), utc(3, 8)), ("100%", utc(3, 9, 10), utc(3, 9, 10))], utc(3, 10, 10)),
    (
        utc(3, 10, 10),
        [
            ("-15m", utc(2, 17, 55), utc(3, 8)),
            ("100%", utc(3, 9, 10), utc(3, 9, 10)),
            ("+1h", utc(3, 10, 10), utc(3, 10, 10)),  # no calendar: delivered when reached
        ],
        None,
    ),
]


@pytest.mark.parametrize(("at", "escalations", "next_check_at"), DOCS_TABLE)
def test_the_docs_timeline(
    desk: aftersales.SlaEngine, at: dt.datetime, escalations: list[Any], next_check_at: dt.datetime | None
) -> None:
    report = desk.evaluate(TICKET, at)
    assert shown(report) == escalations
    assert report.next_check_at == next_check_at


def test_attributes_json_and_pickle(desk: aftersales.SlaEngine) -> None:
    report = desk.evaluate(TICKET, utc(3, 10, 10))
    nudge, escalate, page = report.escalations
    assert (nudge.at, nudge.percent, nudge.offset) == ("-15m", 0, dt.timedelta(minutes=-15))
    assert (escalate.at, escalate.percent, escalate.offset) == ("100%", 100, None)
    assert (page.at, page.percent, page.offset) == ("+1h", 0, dt.timedelta(hours=1))
    assert (nudge.calendar, page.calendar) == ("lead", None)
    assert repr(nudge) == "<aftersales.SlaEscalation 'first_response' cycle=0 -15m 'nudge'>"
    assert report.to_dict()["escalations"] == [
        {"metric": "first_response", "cycle": 0, "at": "-15m", "action": "nudge", "to": "lead",
         "reached_at": "2026-03-02T17:55:00Z", "calendar": "lead", "deliver_at": "2026-03-03T08:00:00Z"},
        {"metric": "first_response", "cycle": 0, "at": "100%", "action": "escalate", "to": "lead",
         "reached_at": "2026-03-03T09:10:00Z", "calendar": "lead", "deliver_at": "2026-03-03T09:10:00Z"},
        {"metric": "first_response", "cycle": 0, "at": "+1h", "action": "page", "to": None,
         "reached_at": "2026-03-03T10:10:00Z"},
    ]  # fmt: skip
    copy = pickle.loads(pickle.dumps(report))
    assert copy.to_json() == report.to_json()
    assert shown(copy) == shown(report)


def test_a_paused_clock_reaches_an_offset_later() -> None:
    policy = json.loads(json.dumps(DOCS_POLICY))
    policy["sla"]["policies"][0].update(
        targets={"normal": {"resolution": "2h"}}, pause_on=["pending_customer"],
        escalations=[{"at": "-30m", "action": "nudge"}],
    )  # fmt: skip
    engine = aftersales.SlaEngine(aftersales.Policy.from_json(policy))
    # Mon 10:00 created, 10:30-14:00 pending (30m counted): -30m = 1h30m, the last hour from 14:00.
    ticket = {
        "id": "T-2", "created_at": "2026-03-02T10:00:00Z",
        "events": [{"at": "2026-03-02T10:30:00Z", "type": "status", "to": "pending_customer"},
                   {"at": "2026-03-02T14:00:00Z", "type": "status", "to": "open"}],
    }  # fmt: skip
    paused = engine.evaluate(ticket, utc(2, 12))
    assert (paused.escalations, paused.next_check_at) == ([], None)
    assert engine.evaluate(ticket, utc(2, 14)).next_check_at == utc(2, 15)
    assert [e.reached_at for e in engine.evaluate(ticket, utc(2, 15)).escalations] == [utc(2, 15)]


def test_across_the_berlin_spring_forward_night() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    policy = {
        "schema_version": 1,
        "calendars": {
            "berlin": {"timezone": "Europe/Berlin", "hours": {"daily": ["08:00-20:00"]}},
            "lead-berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-17:00"]}},
        },
        "sla": {"policies": [{
            "id": "p", "calendar": "berlin", "targets": {"normal": {"first_response": "2h"}},
            "escalations": [{"at": "-15m", "action": "nudge", "calendar": "lead-berlin"}, {"at": "+1h", "action": "page"}],
        }]},
    }  # fmt: skip
    engine = aftersales.SlaEngine(aftersales.Policy.from_json(policy))
    created = dt.datetime(2026, 3, 28, 19, tzinfo=berlin)  # Saturday, CET: 1h before the 20:00 close
    # Sunday's 08:00 is CEST (the clocks went from 02:00 to 03:00): due 09:00, -15m at 08:45,
    # +1h at 10:00; the lead is in on Monday 09:00.
    nudge, due, page = (dt.datetime(2026, 3, 29, h, m, tzinfo=berlin) for h, m in ((8, 45), (9, 0), (10, 0)))
    monday = dt.datetime(2026, 3, 30, 9, tzinfo=berlin)
    assert (created.utcoffset(), nudge.utcoffset()) == (dt.timedelta(hours=1), dt.timedelta(hours=2))
    ticket = {"id": "T-3", "created_at": created.isoformat(), "events": []}
    at_nudge = engine.evaluate(ticket, nudge)
    assert shown(at_nudge) == [("-15m", nudge, monday)]
    assert at_nudge.next_check_at == due  # the breach comes before the delivery
    at_page = engine.evaluate(ticket, page)
    assert shown(at_page) == [("-15m", nudge, monday), ("+1h", page, page)]
    assert at_page.next_check_at == monday  # only the held nudge is left


def test_an_unknown_calendar_is_a_policy_error_with_its_path() -> None:
    policy = json.loads(json.dumps(DOCS_POLICY))
    policy["sla"]["policies"][0]["escalations"][0]["calendar"] = "nobody"
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_json(policy)
    assert 'sla.policies[0].escalations[0].calendar: no calendar named "nobody"' in str(caught.value)


def test_the_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(DOCS_POLICY), encoding="utf-8")
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n", encoding="utf-8")
    assert cli.main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-03-02T17:55:00Z"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["escalations"] == [
        {"metric": "first_response", "cycle": 0, "at": "-15m", "action": "nudge", "to": "lead",
         "reached_at": "2026-03-02T17:55:00Z", "calendar": "lead", "deliver_at": "2026-03-03T08:00:00Z"}
    ]  # fmt: skip
    assert report["next_check_at"] == "2026-03-03T08:00:00Z"
