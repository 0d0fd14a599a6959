"""sla_frame's columns for what issue 16 added to a report: the ticket-level SLA `status` (column
`ticket_status`, beside each metric's `state`), an OLA's `queue`, and `override_due_at`. The same
columns in every frame path: pandas (sla_frame, which Dask's partitions are), pyarrow (sla_table),
Spark's rows (_scaleout.sla_rows), and the CLI's CSV rows. Expected values worked out by hand.

Everything runs on `always` (UTC, 24x7), so business time is wall time. 2026-03-02 is a Monday.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales import _scaleout
from aftersales.cli import main

pd = pytest.importorskip("pandas")

UTC = dt.timezone.utc
POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}},
    "sla": {"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"resolution": "8h"}},
                          "olas": {"returns": {"target": {"normal": "2h"}}}}]},
}
AT = dt.datetime(2026, 3, 2, 10, tzinfo=UTC)


def at(hhmm: str) -> str:
    return f"2026-03-02T{hhmm}:00Z"


TICKETS: list[dict[str, Any]] = [
    # T-OLA: the returns desk takes it at 09:10; at 09:30 a lead promises resolution by 12:00.
    {"id": "T-OLA", "created_at": at("09:00"), "events": [
        {"at": at("09:10"), "type": "assigned", "queue": "returns"},
        {"at": at("09:30"), "type": "sla_override", "metric": "resolution", "due_at": at("12:00")}]},
    # T-LATE: resolved at 09:20 but reopened at 09:40; its resolution ran 09:00-09:20 and from
    # 09:40, 40m of 8h by 10:00.
    {"id": "T-LATE", "created_at": at("09:00"), "events": [
        {"at": at("09:20"), "type": "resolved"}, {"at": at("09:40"), "type": "reopened"}]},
    # T-DONE: resolved at 09:20 and so done.
    {"id": "T-DONE", "created_at": at("09:00"), "events": [{"at": at("09:20"), "type": "resolved"}]},
    # T-LOW: low priority, which the policy sets no target for (the OLA's only normal): a policy,
    # no metric, nothing owed.
    {"id": "T-LOW", "created_at": at("09:00"), "priority": "low", "events": []},
]


def reports() -> list[aftersales.SlaReport]:
    engine = aftersales.SlaEngine(aftersales.Policy.from_json(POLICY))
    # T-NONE: a policy without SLA, so no report status at all.
    unmatched = aftersales.SlaEngine(aftersales.Policy.from_json({"schema_version": 1}))
    return [*engine.evaluate_many(TICKETS, AT), unmatched.evaluate({"id": "T-NONE", "created_at": at("09:00")}, AT)]


def t(hhmm: str | None) -> Any:
    return pd.NaT if hhmm is None else pd.Timestamp(at(hhmm))


# Rows: T-OLA's resolution then its OLA (metrics come before OLAs), T-LATE, T-DONE, T-LOW, T-NONE.
# - T-OLA resolution: under the override, a 3h span from 09:00 to 12:00 on the wall clock; 1h
#   elapsed, active, due 12:00. Its OLA: returns from 09:10, 50m of 2h, due 11:10. Both open and
#   none missed: the ticket is `active`.
# - T-LATE resolution: 20m + 20m = 40m of 8h, active (reopened), due 10:00 + 7h20m = 17:20: `active`.
# - T-DONE resolution: 20m, achieved at 09:20; nothing open, nothing missed: `fulfilled`.
# - T-LOW: the policy applies but times nothing at low priority: one row of nulls, `fulfilled`.
# - T-NONE: no policy: one row of nulls and no ticket status.
EXPECTED = {
    "ticket": ["T-OLA", "T-OLA", "T-LATE", "T-DONE", "T-LOW", "T-NONE"],
    "metric": ["resolution", "ola", "resolution", "resolution", None, None],
    "state": ["active", "active", "active", "achieved", None, None],
    "target_s": [10800.0, 7200.0, 28800.0, 28800.0, None, None],
    "elapsed_s": [3600.0, 3000.0, 2400.0, 1200.0, None, None],
    "due_at": [t("12:00"), t("11:10"), t("17:20"), t(None), t(None), t(None)],
    "ticket_status": ["active", "active", "active", "fulfilled", "fulfilled", None],
    "queue": [None, "returns", None, None, None, None],
    "override_due_at": [t("12:00"), t(None), t(None), t(None), t(None), t(None)],
}


def test_sla_frame_has_the_ticket_status_queue_and_override() -> None:
    frame = aftersales.sla_frame(reports())
    dtypes = {name: str(frame[name].dtype) for name in ("ticket_status", "queue", "override_due_at")}
    assert dtypes == {"ticket_status": "string", "queue": "string", "override_due_at": "datetime64[ms, UTC]"}
    # After completed_at and before not_yet_created, as the CLI's rows have them after theirs.
    names = list(frame.columns)
    assert names[names.index("completed_at") + 1:] == ["ticket_status", "queue", "override_due_at", "not_yet_created"]
    expected = pd.DataFrame(EXPECTED).astype({name: str(frame[name].dtype) for name in EXPECTED})
    pd.testing.assert_frame_equal(frame[list(EXPECTED)], expected)


def test_sla_table_has_them_too() -> None:
    pa = pytest.importorskip("pyarrow")
    table = aftersales.sla_table(reports())
    assert table.schema.field("ticket_status").type == pa.string()
    assert table.schema.field("queue").type == pa.string()
    assert table.schema.field("override_due_at").type == pa.timestamp("ms", tz="UTC")
    assert table.column("ticket_status").to_pylist() == EXPECTED["ticket_status"]
    assert table.column("queue").to_pylist() == EXPECTED["queue"]
    assert table.column("override_due_at").to_pylist() == [dt.datetime(2026, 3, 2, 12, tzinfo=UTC)] + [None] * 5


def test_spark_rows_have_them_in_the_same_places() -> None:
    rows = [dict(zip(_scaleout.SLA_COLUMNS, row)) for row in _scaleout.sla_rows(reports())]
    assert [(r["ticket_status"], r["queue"], r["override_due_at"]) for r in rows] == [
        ("active", None, dt.datetime(2026, 3, 2, 12, tzinfo=UTC)), ("active", "returns", None),
        ("active", None, None), ("fulfilled", None, None), ("fulfilled", None, None), (None, None, None)]
    assert list(aftersales.sla_frame([]).columns) == list(_scaleout.SLA_COLUMNS)


def test_the_cli_rows_say_the_same(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy, tickets = tmp_path / "policy.json", tmp_path / "tickets.jsonl"
    policy.write_text(json.dumps(POLICY))
    tickets.write_text("".join(json.dumps(ticket) + "\n" for ticket in TICKETS))
    status = main(["sla", "--policy", str(policy), str(tickets), "--at", at("10:00"), "--format", "csv"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    header, *lines = out.splitlines()
    cells = [dict(zip(header.split(","), line.split(","))) for line in lines]
    # The CLI has no row for T-NONE (another policy); its other rows are the frame's first five.
    assert [(c["ticket_status"], c["queue"], c["override_due_at"]) for c in cells] == [
        ("active", "", "2026-03-02T12:00:00Z"), ("active", "returns", ""), ("active", "", ""),
        ("fulfilled", "", ""), ("fulfilled", "", "")]
    # T-LOW's row of nulls: a policy applied (the frame's `policy` is "p") but timed nothing.
    assert (cells[4]["ticket"], cells[4]["metric"], cells[4]["state"]) == ("T-LOW", "", "no_target")
