"""DataFrames in and out: tickets from pandas and pyarrow, results to them.

pandas and pyarrow are optional: each is imported only when a call needs it, and a missing one
raises ImportError saying how to install it (docs/python.md, "DataFrames").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Sequence


def pandas_module(needed_for: str) -> Any:
    try:
        import pandas  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:
        raise ImportError(f"pandas is needed for {needed_for}: pip install 'aftersales[pandas]'") from e
    return pandas


def pyarrow_module(needed_for: str) -> Any:
    try:
        import pyarrow  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:
        raise ImportError(f"pyarrow is needed for {needed_for}: pip install 'aftersales[arrow]'") from e
    return pyarrow


# Tickets in -------------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    """The values the ticket readers take as "absent" (None, NaN, pd.NA, NaT)."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _nest(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records whose dotted columns ("customer.tier") are nested into the ticket shape.

    Only the first dot splits (a field's own name may hold dots: "fields.a.b" is field "a.b").
    A dotted column sets its member in the object of the column named before the dot (copied,
    never changed in place), or in a new object where that column is absent or missing.
    """
    dotted = [name for name in (records[0] if records else ()) if "." in name]
    if not dotted:
        return records
    nested = []
    for record in records:
        ticket = {name: value for name, value in record.items() if "." not in name}
        for name in dotted:
            head, _, member = name.partition(".")
            given: Any = ticket.get(head)
            if given is record.get(head) or _is_missing(given):  # not yet this row's own copy
                if not isinstance(given, dict) and not _is_missing(given):
                    raise TypeError(
                        f"column {name!r}: column {head!r} holds {type(given).__name__}, not objects to add {member!r} to"
                    )
                given = dict(given) if isinstance(given, dict) else {}
                ticket[head] = given
            given[member] = record[name]
        nested.append(ticket)
    return nested


def tickets_from_pandas(frame: Any) -> Any:
    """TicketBatch.from_pandas: one ticket per row of a pandas DataFrame."""
    from aftersales._core import TicketBatch

    return TicketBatch(_nest(frame.to_dict("records")))


def tickets_from_arrow(table: Any) -> Any:
    """TicketBatch.from_arrow: one ticket per row of a pyarrow Table or RecordBatch."""
    from aftersales._core import TicketBatch

    return TicketBatch(_nest(table.to_pylist()))


# Results out ------------------------------------------------------------------------------------

# The columns of sla_frame, with their pandas and Arrow types: one row per metric instance.
_SLA_COLUMNS: list[tuple[str, str, str]] = [
    ("ticket", "string", "string"),
    ("policy", "string", "string"),
    ("priority", "string", "string"),
    ("metric", "string", "string"),
    ("cycle", "Int64", "int64"),
    ("state", "string", "string"),
    ("target_s", "float64", "float64"),
    ("elapsed_s", "float64", "float64"),
    ("remaining_s", "float64", "float64"),
    ("started_at", "datetime64[ms, UTC]", "timestamp"),
    ("due_at", "datetime64[ms, UTC]", "timestamp"),
    ("breached_at", "datetime64[ms, UTC]", "timestamp"),
    ("completed_at", "datetime64[ms, UTC]", "timestamp"),
    ("not_yet_created", "bool", "bool"),
]


def _seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _sla_rows(reports: Iterable[Any]) -> dict[str, list[Any]]:
    """The columns of sla_frame as lists of Python values (None for null)."""
    columns: dict[str, list[Any]] = {name: [] for name, _, _ in _SLA_COLUMNS}
    metric_columns = [name for name, _, _ in _SLA_COLUMNS[3:-1]]
    for report in reports:
        # A ticket created after the instant of a batch replay has a report without metrics,
        # as one with no SLA policy has: either gives one row of nulls, so no ticket drops out.
        not_yet_created = bool(getattr(report, "not_yet_created", False))
        for metric in report.metrics or [None]:
            columns["ticket"].append(report.ticket)
            columns["policy"].append(report.policy)
            columns["priority"].append(report.priority)
            columns["not_yet_created"].append(not_yet_created)
            if metric is None:
                for name in metric_columns:
                    columns[name].append(None)
                continue
            columns["metric"].append(metric.metric)
            columns["cycle"].append(metric.cycle)
            columns["state"].append(metric.state)
            columns["target_s"].append(_seconds(metric.target))
            columns["elapsed_s"].append(_seconds(metric.elapsed))
            columns["remaining_s"].append(_seconds(metric.remaining))
            columns["started_at"].append(metric.started_at)
            columns["due_at"].append(metric.due_at)
            columns["breached_at"].append(metric.breached_at)
            columns["completed_at"].append(metric.completed_at)
    return columns


def sla_frame(reports: Iterable[Any]) -> Any:
    """aftersales.sla_frame: SLA reports as a pandas DataFrame, one row per metric instance."""
    pd = pandas_module("sla_frame()")
    columns = _sla_rows(reports)
    data = {}
    for name, dtype, _ in _SLA_COLUMNS:
        if dtype.startswith("datetime64"):
            data[name] = pd.Series(pd.to_datetime(columns[name], utc=True), dtype=dtype)
        else:
            data[name] = pd.Series(columns[name], dtype=dtype)
    return pd.DataFrame(data)


def sla_table(reports: Iterable[Any]) -> Any:
    """aftersales.sla_table: sla_frame's rows as a pyarrow Table, without pandas."""
    pa = pyarrow_module("sla_table()")
    columns = _sla_rows(reports)
    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(),
             "timestamp": pa.timestamp("ms", tz="UTC")}
    schema = pa.schema([(name, types[arrow]) for name, _, arrow in _SLA_COLUMNS])
    return pa.table({name: pa.array(columns[name], type=schema.field(name).type) for name in schema.names},
                    schema=schema)


_PLAN_COLUMNS: list[tuple[str, str]] = [
    ("start_s", "float64"), ("contacts", "float64"), ("agents", "int64"), ("scheduled", "int64"),
    ("traffic", "float64"), ("service_level", "float64"), ("probability_wait", "float64"), ("asa_s", "float64"),
    ("occupancy", "float64"), ("abandonment", "float64"),
]


def _plan_rows(rows: Sequence[Any]) -> dict[str, list[Any]]:
    dicts = [row.to_dict() for row in rows]
    return {name: [d[name] for d in dicts] for name, _ in _PLAN_COLUMNS}


def plan_frame(rows: Sequence[Any]) -> Any:
    """Plan.to_pandas: one row per interval, PlanRow.to_dict()'s columns."""
    pd = pandas_module("to_pandas()")
    columns = _plan_rows(rows)
    return pd.DataFrame({name: pd.Series(columns[name], dtype=dtype) for name, dtype in _PLAN_COLUMNS})


def plan_table(rows: Sequence[Any]) -> Any:
    """Plan.to_arrow: plan_frame's rows as a pyarrow Table."""
    pa = pyarrow_module("to_arrow()")
    columns = _plan_rows(rows)
    return pa.table({name: pa.array(columns[name], type=getattr(pa, dtype)()) for name, dtype in _PLAN_COLUMNS})


def _flatten(prefix: str, value: Any, row: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, row)
    else:
        row[prefix] = value


def _group_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each group's key members, then its values with nested ones as dotted names."""
    flat = []
    for row in rows:
        out: dict[str, Any] = dict(row["key"])
        _flatten("", {k: v for k, v in row.items() if k != "key"}, out)
        flat.append(out)
    return flat


def _frame(rows: list[dict[str, Any]], group_by: list[str]) -> Any:
    pd = pandas_module("to_pandas()")
    frame = pd.DataFrame(_group_rows(rows)) if rows else pd.DataFrame(columns=group_by)
    for name in frame.columns:
        if name in group_by:
            frame[name] = frame[name].astype("string")  # a null key is <NA>, as in sla_frame
        elif frame[name].dtype == object and frame[name].isna().all():
            frame[name] = frame[name].astype("float64")  # a metric no group has data for
    return frame.set_index(group_by) if group_by else frame


def _table(rows: list[dict[str, Any]], group_by: list[str]) -> Any:
    pa = pyarrow_module("to_arrow()")
    flat = _group_rows(rows)
    columns = list(flat[0]) if flat else list(group_by)
    arrays = {}
    for name in columns:
        values = [row.get(name) for row in flat]
        kind = pa.string() if name in group_by else None
        if kind is None and all(v is None for v in values):
            kind = pa.float64()
        arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays)


def kpi_frame(result: dict[str, Any]) -> Any:
    """One row per group, the key as the index, nested metrics as dotted columns."""
    return _frame(result["groups"], result["group_by"])


def kpi_table(result: dict[str, Any]) -> Any:
    """kpi_frame's rows as a pyarrow Table, the key members as its first columns."""
    return _table(result["groups"], result["group_by"])


def scorecard_frame(result: dict[str, Any]) -> Any:
    """One row per group: score, stars, rank, and each metric's value and score."""
    return _frame(result["rows"], result["group_by"])


def scorecard_table(result: dict[str, Any]) -> Any:
    """scorecard_frame's rows as a pyarrow Table."""
    return _table(result["rows"], result["group_by"])
