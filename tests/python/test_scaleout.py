"""What aftersales.dask and aftersales.spark share, without either engine: importing
aftersales imports neither, a missing one says how to install it, and each process parses a
shipped policy once."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import aftersales
from aftersales import _scaleout

REPO = Path(__file__).resolve().parents[2]


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_importing_aftersales_imports_no_engine() -> None:
    done = run("import sys, aftersales; print(sorted({'dask', 'distributed', 'pyspark'} & set(sys.modules)))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("module", "engine", "extra"), [("dask", "dask", "dask"), ("spark", "pyspark", "spark")])
def test_a_missing_engine_says_how_to_install_it(module: str, engine: str, extra: str) -> None:
    # None in sys.modules makes `import dask` fail as if dask were not installed.
    done = run(f"import sys; sys.modules[{engine!r}] = None; import aftersales.{module}")
    assert done.returncode != 0
    assert f"ImportError: {engine} is needed for aftersales.{extra}: pip install 'aftersales[{extra}]'" in done.stderr


def test_a_shipped_policy_is_parsed_once_per_process(example_policy_path: object) -> None:
    policy = aftersales.Policy.from_file(example_policy_path)  # type: ignore[arg-type]
    shipped = _scaleout.ShippedPolicy(policy)
    # Each task unpickles its own copy; all of them find the Policy the first one loaded.
    copies = [pickle.loads(pickle.dumps(shipped)) for _ in range(3)]
    assert len({id(c.policy) for c in copies}) == 1
    assert copies[0].policy.to_json() == policy.to_json()


def test_loaded_policies_are_bounded() -> None:
    shipped = [
        _scaleout.ShippedPolicy(aftersales.Policy.from_json({"schema_version": 1, "calendars": {f"c{n}": {"timezone": "UTC", "hours": "24x7"}}}))
        for n in range(1, _scaleout._LOADED_MAX + 2)
    ]
    for s in shipped:
        s.loaded()
    assert len(_scaleout._LOADED) == _scaleout._LOADED_MAX
    assert shipped[0].digest not in _scaleout._LOADED  # the least recently used went first


def test_sla_rows_of_a_ticket(example_policy_path: object) -> None:
    policy = aftersales.Policy.from_file(example_policy_path)  # type: ignore[arg-type]
    lines = (REPO / "examples" / "tickets" / "double11.jsonl").read_text(encoding="utf-8").splitlines()
    at = dt.datetime(2026, 11, 14, tzinfo=dt.timezone.utc)
    reports = aftersales.SlaEngine(policy).evaluate_many(_scaleout.batch_of_lines(lines[:1], threads=1), at)
    first = _scaleout.sla_rows(reports)[0]
    assert dict(zip(_scaleout.SLA_COLUMNS, first)) == {
        # T-1101, a VIP's chat: created 00:05:00+08:00, first human reply 00:06:40 (the bot's
        # at 00:05:20 does not count): 100 s of the VIP policy's 120 s, so 20 s to spare.
        # ticket_status: every clock of T-1101 stopped within its target by 12 Nov 10:00+08:00
        # (next_response 2 of 3 min; resolution and the returns OLA on 11 Nov, 15:45, within
        # 24h and 16h; refund_processing 09:10-15:40 of 24h; follow_up 12 Nov 10:00, 18h15m of
        # 48h): nothing open, nothing missed, so fulfilled.
        "ticket": "T-1101", "policy": "vip", "priority": "normal", "metric": "first_response",
        "cycle": 0, "state": "achieved", "target_s": 120.0, "elapsed_s": 100.0, "remaining_s": 20.0,
        "started_at": dt.datetime(2026, 11, 10, 16, 5, tzinfo=dt.timezone.utc), "due_at": None,
        "breached_at": None, "completed_at": dt.datetime(2026, 11, 10, 16, 6, 40, tzinfo=dt.timezone.utc),
        "ticket_status": "fulfilled", "queue": None, "override_due_at": None, "not_yet_created": False,
    }


def test_a_report_without_metrics_is_one_row_of_nulls() -> None:
    # A policy without SLA: no metric for any ticket, and still a row, so no ticket drops out.
    policy = aftersales.Policy.from_json({"schema_version": 1})
    ticket = {"id": "T-9", "created_at": "2026-11-11T00:00:00Z", "priority": "high"}
    report = aftersales.SlaEngine(policy).evaluate(ticket, dt.datetime(2026, 11, 12, tzinfo=dt.timezone.utc))
    assert _scaleout.sla_rows([report]) == [("T-9", None, "high") + (None,) * 13 + (False,)]


def test_the_rows_have_sla_frames_columns() -> None:
    # Dask's partitions are aftersales.sla_frame's; Spark's rows must name the same columns.
    pytest.importorskip("pandas")
    assert list(aftersales.sla_frame([]).columns) == list(_scaleout.SLA_COLUMNS)
