"""Status categories from Python (docs/sla.md, "Status categories"): dict tickets naming the host's
own statuses, batches and their binary form, the timeline's reasons, errors, and `aftersales sla`.
The values are those worked by hand in tests/cpp/sla_statuses_test.cpp, on the `always` calendar
(UTC, round the clock: business time is wall time):

The returns ticket, created 2026-12-01 09:00Z: reply 09:30 (open), awaiting_warehouse (on hold)
10:00, awaiting_courier (pending) 12:00, the customer writes 13:00 (open), refund_approved
(solved) 14:00, open 15:00 (a reopen), resolved 16:00; evaluated at 17:00. Resolution pauses only
in awaiting_courier: 09-12, 13-14, 15-16 = 5h. requester_wait_time: the same 5h. agent_work_time:
09-10, 13-14, 15-16 = 3h. on_hold_time: 10-12 = 2h, breached at 11:00 (1h target). follow_up: the
visit started at 14:00 was cancelled by the reopen; cycle 0 from 16:00, 1h.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales import cli

UTC = dt.timezone.utc
AT = dt.datetime(2026, 12, 1, 17, tzinfo=UTC)

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}},
    "statuses": {"awaiting_warehouse": "on_hold", "awaiting_courier": "pending_customer",
                 "refund_approved": "resolved"},
    "sla": {"policies": [{
        "id": "returns", "calendar": "always", "pause_on": ["awaiting_courier"],
        "targets": {"normal": {"resolution": "6h", "requester_wait_time": "6h", "agent_work_time": "4h",
                               "on_hold_time": "1h", "follow_up": "48h"}},
    }]},
}


def event(hhmm: str, kind: str, **members: Any) -> dict[str, Any]:
    return {"at": f"2026-12-01T{hhmm}:00Z", "type": kind, **members}


TICKET: dict[str, Any] = {"id": "T-R1", "created_at": "2026-12-01T09:00:00Z", "events": [
    event("09:30", "agent_reply"), event("10:00", "status", to="awaiting_warehouse"),
    event("12:00", "status", to="awaiting_courier"), event("13:00", "customer_message"),
    event("14:00", "status", to="refund_approved"), event("15:00", "status", to="open"),
    event("16:00", "resolved")]}


@pytest.fixture
def engine() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(json.dumps(POLICY)))


def test_every_clock_counts_a_custom_status_as_its_category(engine: aftersales.SlaEngine) -> None:
    report = engine.evaluate(TICKET, AT)
    assert [(m.metric, m.cycle, m.elapsed, m.state) for m in report.metrics] == [
        ("resolution", 0, dt.timedelta(hours=5), "achieved"),
        ("follow_up", 0, dt.timedelta(hours=1), "active"),
        ("requester_wait_time", 0, dt.timedelta(hours=5), "achieved"),
        ("agent_work_time", 0, dt.timedelta(hours=3), "achieved"),
        ("on_hold_time", 0, dt.timedelta(hours=2), "breached"),
    ]
    assert report.metrics[1].started_at == dt.datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert report.status == "active_with_misses"
    assert [(m.metric, m.breached_at) for m in report.misses] == [("on_hold_time", dt.datetime(2026, 12, 1, 11, tzinfo=UTC))]


def test_the_timeline_names_the_custom_status(engine: aftersales.SlaEngine) -> None:
    resolution = engine.evaluate(TICKET, AT, explain=True).to_dict()["metrics"][0]
    # Paused in awaiting_courier 12-13, and solved (refund_approved) 14-15.
    assert [(p["from"], p["to"], p["reason"]) for p in resolution["timeline"]["paused"]] == [
        ("2026-12-01T12:00:00Z", "2026-12-01T13:00:00Z", "awaiting_courier"),
        ("2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z", "refund_approved")]


def test_batches_and_their_bytes_keep_the_names(engine: aftersales.SlaEngine) -> None:
    want = engine.evaluate(TICKET, AT).to_json()
    batch = aftersales.TicketBatch([TICKET])
    assert engine.evaluate_many(batch, AT)[0].to_json() == want
    restored = aftersales.TicketBatch.from_bytes(batch.to_bytes())
    assert engine.evaluate_many(restored, AT)[0].to_json() == want
    assert engine.evaluate_many(pickle.loads(pickle.dumps(batch)), AT)[0].to_json() == want
    assert engine.evaluate_lines(json.dumps(TICKET) + "\n", AT) == want + "\n"


def test_an_unknown_status_names_its_event(engine: aftersales.SlaEngine) -> None:
    ticket = {**TICKET, "events": [event("09:30", "agent_reply"), event("10:00", "status", to="awaiting_wharehouse")]}
    message = r"events\[1\]\.to: \"awaiting_wharehouse\" is neither a built-in status nor one of the policy's \"statuses\""
    with pytest.raises(aftersales.InputError, match=message):
        engine.evaluate(ticket, AT)
    with pytest.raises(aftersales.InputError, match=r"tickets\[1\]\.events\[1\]\.to"):
        engine.evaluate_many([TICKET, ticket], AT)
    # Before the event nothing reads it.
    assert engine.evaluate(ticket, dt.datetime(2026, 12, 1, 9, 59, tzinfo=UTC)).status == "active"


def test_the_policy_checks_its_statuses() -> None:
    bad = {**POLICY, "statuses": {"open": "on_hold", "awaiting_parts": "closed"}}
    with pytest.raises(aftersales.PolicyError) as raised:
        aftersales.Policy.from_json(json.dumps(bad))
    # awaiting_courier, no longer mapped, is an unknown status in pause_on.
    assert sorted(raised.value.problems) == [
        ("sla.policies[0].pause_on[0]",
         '"awaiting_courier" cannot pause a clock (use pending_customer, on_hold, or a custom status of theirs)'),
        ("statuses.awaiting_parts", '"closed" is not a status category (open, pending_customer, on_hold, resolved)'),
        ("statuses.open", '"open" is a built-in status; a custom status needs a name of its own'),
    ]


def test_cli_sla_reads_custom_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY))
    unknown = {**TICKET, "id": "T-X", "events": [event("10:00", "status", to="awaiting_parts")]}
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n" + json.dumps(unknown) + "\n")
    status = cli.main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-12-01T17:00:00Z"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 3  # one line failed, the other was evaluated
    assert [m["elapsed_s"] for m in lines[0]["metrics"]] == [18000, 3600, 18000, 10800, 7200]
    assert lines[1]["line"] == 2 and "events[0].to" in lines[1]["error"]
