"""Events that change a ticket's fields and tags from Python (docs/sla.md, "Events that change
fields and tags"): dict tickets, a batch and its bytes, sla_frame and `aftersales sla`. The values
are those worked by hand in tests/cpp/sla_field_changes_test.cpp (instants checked with zoneinfo):

warehouse_wait starts when warehouse_status becomes "delayed" (Monday 2 March 2026 16:00 Shanghai,
08:00Z) and stops when the tag warehouse_done is added (Tuesday 14:00, 06:00Z), 4h on office
hours Mon-Fri 09:00-18:00: Monday 16:00-18:00 (2h) and Tuesday 09:00-14:00 (5h) = 7h, breached at
Tuesday 11:00 (03:00Z), when 4h were reached.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales import cli

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"shanghai": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
    "sla": {"policies": [{"id": "p", "calendar": "shanghai", "targets": {"normal": {"warehouse_wait": "4h"}}}],
            "metrics": {"warehouse_wait": {
                "start_when": {"field": "fields.warehouse_status", "eq": "delayed"},
                "stop_when": {"field": "tags", "contains": "warehouse_done"}}}},
}
TICKET: dict[str, Any] = {
    "id": "T-W", "created_at": "2026-03-02T10:00:00+08:00", "fields": {"warehouse_status": "ok"},
    "events": [
        {"at": "2026-03-02T16:00:00+08:00", "type": "field_changed", "field": "warehouse_status", "value": "delayed"},
        {"at": "2026-03-03T14:00:00+08:00", "type": "tag_added", "tag": "warehouse_done"},
    ],
}
AT = dt.datetime(2026, 3, 3, 7, tzinfo=dt.timezone.utc)  # Tuesday 15:00 in Shanghai
EXPECTED = ("2026-03-02T08:00:00Z", 25200, "breached", "2026-03-03T03:00:00Z", "2026-03-03T06:00:00Z")


def summary(metric: dict[str, Any]) -> tuple[Any, ...]:
    return (metric["started_at"], metric["elapsed_s"], metric["state"], metric["breached_at"], metric["completed_at"])


def engine() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(json.dumps(POLICY)))


def test_a_dict_ticket_and_a_batch_and_its_bytes() -> None:
    assert summary(engine().evaluate(TICKET, AT).to_dict()["metrics"][0]) == EXPECTED
    batch = aftersales.TicketBatch([TICKET])
    again = aftersales.TicketBatch.from_bytes(batch.to_bytes())
    for tickets in (batch, again):
        (report,) = engine().evaluate_many(tickets, AT)
        assert summary(report.to_dict()["metrics"][0]) == EXPECTED


def test_none_clears_a_field() -> None:
    # With pause_when "no warehouse_status": cleared at Monday 17:00 (09:00Z), "delayed" again at
    # Tuesday 10:00 (02:00Z, which starts nothing: the cycle is open). Counted Monday 16:00-17:00
    # (1h) and Tuesday 10:00-14:00 (4h) = 5h; 4h reached at Tuesday 13:00 (1h + 3h) = 05:00Z.
    policy = json.loads(json.dumps(POLICY))
    policy["sla"]["metrics"]["warehouse_wait"]["pause_when"] = {"field": "fields.warehouse_status", "exists": False}
    events = [*TICKET["events"][:1],
              {"at": "2026-03-02T17:00:00+08:00", "type": "field_changed", "field": "warehouse_status", "value": None},
              {"at": "2026-03-03T10:00:00+08:00", "type": "field_changed", "field": "warehouse_status",
               "value": "delayed"},
              *TICKET["events"][1:]]
    sla = aftersales.SlaEngine(aftersales.Policy.from_json(json.dumps(policy)))
    metric = sla.evaluate({**TICKET, "events": events}, AT).to_dict()["metrics"][0]
    assert summary(metric) == ("2026-03-02T08:00:00Z", 18000, "breached", "2026-03-03T05:00:00Z",
                               "2026-03-03T06:00:00Z")


def test_errors_name_the_path_not_the_value() -> None:
    bad = {**TICKET, "events": [{"at": "2026-03-02T16:00:00+08:00", "type": "field_changed",
                                 "field": "courier", "value": ["secret"]}]}
    with pytest.raises(aftersales.InputError) as caught:
        engine().evaluate(bad, AT)
    assert "events[0].value: a field's value must be text, a number, true, false or null" in str(caught.value)
    assert "secret" not in str(caught.value)
    with pytest.raises(aftersales.InputError, match=r"events\[0\]\.tag: missing"):
        engine().evaluate({**TICKET, "events": [{"at": "2026-03-02T16:00:00+08:00", "type": "tag_added"}]}, AT)


def test_sla_frame_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = aftersales.sla_frame(engine().evaluate_many([TICKET], AT))
    assert (frame["metric"][0], frame["elapsed_s"][0], frame["state"][0]) == ("warehouse_wait", 25200.0, "breached")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n")
    status = cli.main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-03-03T07:00:00Z", "--format", "csv"])
    rows = capsys.readouterr().out.splitlines()
    assert status == 0
    # ticket, metric, cycle, state, target_s, elapsed_s, ...
    assert rows[1].startswith("T-W,warehouse_wait,0,breached,14400,25200,")
