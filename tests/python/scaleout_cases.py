"""What test_dask.py and test_spark.py share: the tickets, the one-pass answers they are held
to, and the rule that a missing engine skips them on a developer's machine but fails under CI."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import aftersales
from aftersales import _scaleout

REPO = Path(__file__).resolve().parents[2]
POLICY_PATH = REPO / "examples" / "policies" / "cn-marketplace.json"
# 2,400 tickets, 4 s apart from 2026-11-11T00:05+08:00 (bench/double11_tickets.py), so until
# 02:44:57. AT replays the night at 01:30: the 1,276 tickets created by then (00:05:00 to
# 01:30:00, 85 minutes of 15) are counted, some of their events after AT ignored, and the other
# 1,124 were not created yet, which every partition must leave out and count.
TICKETS = 2400
AT = dt.datetime(2026, 11, 11, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NOT_YET_CREATED = 1124
GROUP_BY = ["agent", "priority"]
# Days in a time zone given as a KpiAccumulator option, passed through as such (docs/kpi.md).
DAY_OPTIONS: dict[str, Any] = {"time_zone": "Asia/Shanghai"}


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(module: str) -> ModuleType:
    """Imports an engine the tests need: missing, it skips the module locally and fails it
    under CI, where the test script installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if under_ci():
            pytest.fail(f"{module} is missing under CI (scripts/test installs the [test] extra): {error}",
                        pytrace=False)
        pytest.skip(f"{module} is not installed: pip install '.[test]'", allow_module_level=True)


def require_java() -> None:
    if shutil.which("java") is None:
        if under_ci():
            pytest.fail("java is missing under CI (scripts/lib.sh installs openjdk-17-jre-headless)", pytrace=False)
        pytest.skip("no java on PATH: apt-get install openjdk-17-jre-headless", allow_module_level=True)


def jsonl() -> str:
    return subprocess.run([sys.executable, str(REPO / "bench" / "double11_tickets.py"), str(TICKETS)],
                          check=True, capture_output=True, text=True).stdout


def policy() -> aftersales.Policy:
    return aftersales.Policy.from_file(POLICY_PATH)


def one_pass_kpis(text: str, group_by: list[str], **options: Any) -> aftersales.KpiResult:
    return aftersales.KpiEngine(policy()).compute_lines(text.encode(), AT, group_by, **options)


def one_pass_sla_rows(text: str) -> list[tuple[Any, ...]]:
    reports = aftersales.SlaEngine(policy()).evaluate_many(aftersales.TicketBatch.from_lines(text), AT)
    rows = sorted(_scaleout.sla_rows(reports), key=row_key)
    assert _scaleout.SLA_COLUMNS[-1] == "not_yet_created"
    assert sum(1 for row in rows if row[-1]) == NOT_YET_CREATED  # one marked row each
    return rows


def row_key(row: tuple[Any, ...]) -> tuple[str, str, int]:
    return row[0], row[3], row[4]


def _same(path: str, ours: Any, exact: Any) -> None:
    if isinstance(exact, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(exact), path
        for name in exact:
            _same(f"{path}.{name}", ours[name], exact[name])
    elif isinstance(exact, list):
        assert isinstance(ours, list) and len(ours) == len(exact), path
        for i, (a, b) in enumerate(zip(ours, exact)):
            _same(f"{path}[{i}]", a, b)
    elif path.endswith((".p50", ".p90")) and isinstance(exact, float):
        # Quantiles: the bound, twice the sketch's 0.5% (docs/kpi.md).
        assert math.isclose(ours, exact, rel_tol=0.01), (path, ours, exact)
    else:
        assert ours == exact, (path, ours, exact)  # counts, rates, means, keys: exactly


def assert_same_kpis(ours: aftersales.KpiResult, one_pass: aftersales.KpiResult) -> None:
    """Counts and rates equal, quantiles within 1%, group for group."""
    assert len(one_pass) > 1, "a test over a single group would not show groups merging"
    assert one_pass.not_yet_created == NOT_YET_CREATED
    _same("kpis", json.loads(ours.to_json()), json.loads(one_pass.to_json()))
