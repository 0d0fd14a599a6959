"""pandas views of KPI and scorecard results; pandas is imported only when one is asked for."""

from __future__ import annotations

from typing import Any


def _flatten(prefix: str, value: Any, row: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, row)
    else:
        row[prefix] = value


def _frame(rows: list[dict[str, Any]], group_by: list[str]) -> Any:
    import pandas as pd

    flat = []
    for row in rows:
        out: dict[str, Any] = dict(row["key"])
        _flatten("", {k: v for k, v in row.items() if k != "key"}, out)
        flat.append(out)
    frame = pd.DataFrame(flat)
    return frame.set_index(group_by) if group_by and not frame.empty else frame


def kpi_frame(result: dict[str, Any]) -> Any:
    """One row per group, the key as the index, nested metrics as dotted columns."""
    return _frame(result["groups"], result["group_by"])


def scorecard_frame(result: dict[str, Any]) -> Any:
    """One row per group: score, stars, rank, and each metric's value and score."""
    return _frame(result["rows"], result["group_by"])
