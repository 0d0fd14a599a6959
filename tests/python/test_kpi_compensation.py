"""The compensation KPIs from Python and the CLI (docs/kpi.md, "Compensation"). The four tickets
and records are those of tests/cpp/kpi_compensation_test.cpp, worked out by hand there; the sums
are repeated where a value is checked."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 12, 10, 0, tzinfo=CST)


def ticket(id_: str, category: str, agent: str) -> dict[str, Any]:
    return {"id": id_, "created_at": "2026-11-11T10:00:00+08:00", "channel": "chat", "category": category,
            "events": [{"at": "2026-11-11T10:05:00+08:00", "type": "assigned", "agent": agent}]}


TICKETS = [ticket("T1", "complaint/logistics", "A-1"), ticket("T2", "after_sales/return", "A-1"),
           ticket("T3", "complaint/logistics", "A-2"), ticket("T4", "after_sales/return", "A-2")]
# T1 twice (10.00 + 5.00), T3 once (39.90); T9 is not among the tickets. A decision's dict does.
RECORDS: list[dict[str, Any]] = [{"ticket": "T1", "currency": "CNY", "total": "10.00"},
           {"ticket": "T3", "currency": "CNY", "total": "39.90", "compensate": True, "policy": "cn-goodwill"},
           {"ticket": "T1", "currency": "CNY", "total": "5.00"},
           {"ticket": "T9", "currency": "CNY", "total": "100.00"}]


@pytest.fixture
def engine() -> aftersales.KpiEngine:
    return aftersales.KpiEngine(aftersales.Policy.from_json(json.dumps({"schema_version": 1})))


def test_by_category(engine: aftersales.KpiEngine) -> None:
    kpis = engine.compute(TICKETS, AT, group_by=["category"], compensations=RECORDS)
    # after_sales/return: nothing on T2, T4; complaint/logistics: 54.90 over T1, T3 = 27.45.
    assert [g["compensation"] for g in kpis.groups] == [
        {"currency": "CNY", "compensated": 0, "total": "0.00", "cost_per_ticket": "0.00", "rate": 0},
        {"currency": "CNY", "compensated": 2, "total": "54.90", "cost_per_ticket": "27.45", "rate": 1}]


def test_all_tickets_every_call(engine: aftersales.KpiEngine, tmp_path: Path) -> None:
    # 54.90 over 4 tickets = 1372.5 fen, half up 13.73; 2 of 4 compensated.
    expected = {"currency": "CNY", "compensated": 2, "total": "54.90", "cost_per_ticket": "13.73", "rate": 0.5}
    lines = "".join(json.dumps(t) + "\n" for t in TICKETS)
    assert engine.compute(TICKETS, AT, compensations=RECORDS).groups[0]["compensation"] == expected
    assert engine.compute_lines(lines.encode(), AT, compensations=RECORDS).groups[0]["compensation"] == expected
    (tmp_path / "t.jsonl").write_text(lines)
    from_file = engine.compute_file(str(tmp_path / "t.jsonl"), AT, compensations=RECORDS)
    assert from_file.groups[0]["compensation"] == expected
    assert "compensation" not in engine.compute(TICKETS, AT).groups[0]
    kpis = engine.compute(TICKETS, AT, compensations=RECORDS)
    assert pickle.loads(pickle.dumps(kpis)).groups == kpis.groups


def test_frame_keeps_its_columns_and_adds_them_last(engine: aftersales.KpiEngine) -> None:
    pytest.importorskip("pandas")
    plain = engine.compute(TICKETS, AT, group_by=["agent"]).to_pandas()
    frame = engine.compute(TICKETS, AT, group_by=["agent"], compensations=RECORDS).to_pandas()
    added = ["compensation.currency", "compensation.compensated", "compensation.total",
             "compensation.cost_per_ticket", "compensation.rate"]
    assert list(frame.columns) == list(plain.columns) + added
    assert frame.loc["A-1", "compensation.cost_per_ticket"] == "7.50"   # 15.00 over T1, T2
    assert frame.loc["A-2", "compensation.cost_per_ticket"] == "19.95"  # 39.90 over T3, T4
    assert frame["compensation.compensated"].dtype == "int64"


def test_one_currency(engine: aftersales.KpiEngine) -> None:
    mixed = [RECORDS[0], {"ticket": "T3", "currency": "JPY", "total": "500"}]
    with pytest.raises(aftersales.InputError, match=r"compensations\[1\]\.currency"):
        engine.compute(TICKETS, AT, compensations=mixed)
    with pytest.raises(aftersales.InputError, match=r"compensations\[0\]\.total"):
        engine.compute(TICKETS, AT, compensations=[{"ticket": "T1", "currency": "CNY"}])


def test_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text(json.dumps({"schema_version": 1}))
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TICKETS))
    # A decision that compensated nothing is skipped, not refused.
    skipped = {"compensate": False, "ticket": "T2", "currency": "CNY", "total": "0.00"}
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*RECORDS, skipped]))
    argv = ["kpi", "--policy", str(tmp_path / "policy.json"), str(tmp_path / "t.jsonl"),
            "--at", "2026-11-12T10:00:00+08:00", "--by", "agent", "--compensations", str(tmp_path / "c.jsonl")]
    assert main([*argv, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["compensation_rate"], r["cost_per_ticket"]) for r in rows] == [(0.5, "7.50"), (0.5, "19.95")]
