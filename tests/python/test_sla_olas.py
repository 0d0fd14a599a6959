"""OLAs and manual due-date overrides from Python (docs/sla.md, "OLAs" and "Overrides"): the
report objects, dict tickets, batches, pickling and `aftersales sla --format csv`. The values
are those worked by hand in tests/cpp/sla_olas_test.cpp (instants checked with zoneinfo):

A ticket created Fri 2026-10-23 16:00 Shanghai time (08:00Z) on the Shanghai desk
(Mon-Fri 09:00-18:00, target 8h) is handed to the Berlin night desk (22:00-06:00
Europe/Berlin, target 14h) at 09:30Z. At Sun 00:00Z, after the night Berlin left summer time:
Shanghai's ownership 1h30m, achieved; Berlin's 12h of 14h, due 02:00Z (03:00 CET).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales import cli

UTC = dt.timezone.utc

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {
        "shanghai": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}},
        "berlin-night": {"timezone": "Europe/Berlin", "hours": {"daily": ["22:00-06:00"]}},
    },
    "sla": {"policies": [{
        "id": "returns", "calendar": "shanghai",
        "targets": {"normal": {"resolution": "24h"}},
        "olas": {"returns-cn": {"target": "8h"},
                 "returns-eu": {"calendar": "berlin-night", "target": {"normal": "14h"}}},
        "escalations": [{"at": "80%", "action": "warn", "metrics": ["ola"]}],
    }]},
}

TICKET: dict[str, Any] = {
    "id": "T-OLA", "created_at": "2026-10-23T16:00:00+08:00", "events": [
        {"at": "2026-10-23T16:00:00+08:00", "type": "assigned", "queue": "returns-cn"},
        {"at": "2026-10-23T09:30:00Z", "type": "assigned", "queue": "returns-eu"},
    ],
}
AT = dt.datetime(2026, 10, 25, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(POLICY))


def test_each_ownership_is_an_instance_with_its_queue(engine: aftersales.SlaEngine) -> None:
    report = engine.evaluate(TICKET, AT)
    olas = [m for m in report.metrics if m.metric == "ola"]
    assert [(m.queue, m.cycle, m.state) for m in olas] == [("returns-cn", 0, "achieved"), ("returns-eu", 0, "active")]
    assert olas[0].elapsed == dt.timedelta(hours=1, minutes=30)
    # Fri night 20:00Z-04:00Z (8h) + Sat 20:00Z-24:00Z (4h); 2h more to 02:00Z = 03:00 CET.
    assert olas[1].elapsed == dt.timedelta(hours=12)
    assert olas[1].due_at == dt.datetime(2026, 10, 25, 2, tzinfo=UTC)
    assert olas[1].override_due_at is None
    resolution = [m for m in report.metrics if m.metric == "resolution"][0]
    assert resolution.queue is None
    # 80% of 14h = 11h12m: 8h + 3h12m from Sat 20:00Z.
    assert [(e.queue, e.reached_at) for e in report.escalations] == [
        ("returns-eu", dt.datetime(2026, 10, 24, 23, 12, tzinfo=UTC))]
    as_dict = report.to_dict()
    assert as_dict["metrics"][2]["queue"] == "returns-eu"
    assert "queue" not in as_dict["metrics"][0]  # resolution: unchanged shape


def test_override_from_a_dict_a_batch_and_a_pickle(engine: aftersales.SlaEngine) -> None:
    ticket = {**TICKET, "events": [*TICKET["events"], {
        "at": "2026-10-23T10:00:00Z", "type": "sla_override", "metric": "ola", "due_at": "2026-10-24T09:30:00Z"}]}
    report = engine.evaluate(ticket, AT)
    berlin = [m for m in report.metrics if m.queue == "returns-eu"][0]
    # A 24h span on the wall clock from 09:30Z: breached at Sat 09:30Z; 38h30m by Sun 00:00Z.
    assert berlin.override_due_at == dt.datetime(2026, 10, 24, 9, 30, tzinfo=UTC)
    assert berlin.target == dt.timedelta(hours=24)
    assert berlin.elapsed == dt.timedelta(hours=38, minutes=30)
    assert berlin.breached_at == berlin.override_due_at
    assert report.to_dict()["metrics"][2]["override_due_at"] == "2026-10-24T09:30:00Z"
    # The desk's breach is the ticket's one miss (resolution: Fri 16:00-18:00, 2h of 24h), and
    # names the queue; the Berlin desk's clock still runs.
    assert report.status == "active_with_misses"
    assert [(m.metric, m.queue, m.cycle, m.breached_at) for m in report.misses] == [
        ("ola", "returns-eu", 0, berlin.override_due_at)]
    batch = aftersales.TicketBatch([ticket])
    assert engine.evaluate_many(batch, AT)[0].to_json() == report.to_json()
    # The binary form keeps the override (format version 3 on).
    restored = aftersales.TicketBatch.from_bytes(batch.to_bytes())
    assert engine.evaluate_many(restored, AT)[0].to_json() == report.to_json()
    again = pickle.loads(pickle.dumps(report))
    assert again.to_json() == report.to_json() and again.metrics[2].queue == "returns-eu"
    assert pickle.loads(pickle.dumps(report.misses[0])).queue == "returns-eu"


def test_a_malformed_override_names_its_path(engine: aftersales.SlaEngine) -> None:
    ticket = {**TICKET, "events": [{"at": "2026-10-23T10:00:00Z", "type": "sla_override", "metric": "ola"}]}
    with pytest.raises(aftersales.InputError, match=r"events\[0\]\.due_at"):
        engine.evaluate(ticket, AT)


def test_cli_csv_has_the_queue_and_override_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n")
    status = cli.main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-10-25T00:00:00Z", "--format", "csv"])
    out = capsys.readouterr().out
    assert status == 0
    rows = out.splitlines()
    # ticket_status (merged from main) comes before the OLA columns: nothing missed, clocks run.
    assert rows[0].endswith(",completed_at,ticket_status,queue,override_due_at")
    assert rows[3].startswith("T-OLA,ola,0,active,50400,43200,") and rows[3].endswith(",active,returns-eu,")
    assert io.StringIO(out).read().count("\n") == 4  # header, resolution, two OLAs
