"""DataFrames in and out: tickets from pandas and pyarrow, results to them.

pandas and pyarrow are optional: each is imported only when a call needs it, and a missing one
raises ImportError saying how to install it (docs/python.md, "DataFrames").
"""

from __future__ import annotations

import contextlib
import gc
from typing import Any, Iterable, Iterator, Sequence

from aftersales import _core

_NAT = -(2**63)  # NumPy's NaT, as _sla_columns writes a null instant


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
                    kind = type(given).__name__
                    raise TypeError(f"column {name!r}: column {head!r} holds {kind}, not objects to add {member!r} to")
                given = dict(given) if isinstance(given, dict) else {}
                ticket[head] = given
            given[member] = record[name]
        nested.append(ticket)
    return nested


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Builds a row's dict per ticket without the cyclic garbage collector, which the millions
    of new containers (none of them in a cycle) otherwise run over and over: half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def tickets_from_pandas(frame: Any) -> Any:
    """TicketBatch.from_pandas: one ticket per row of a pandas DataFrame."""
    names = [str(name) for name in frame.columns]
    with _collector_paused():
        # The rows of frame.to_dict("records"), built a column at a time, which is faster.
        columns = [frame.iloc[:, i].tolist() for i in range(len(names))]
        records = _nest([dict(zip(names, row)) for row in zip(*columns)])
    return _core.TicketBatch(records)


def tickets_from_arrow(table: Any) -> Any:
    """TicketBatch.from_arrow: one ticket per row of a pyarrow Table or RecordBatch."""
    with _collector_paused():
        records = _nest(table.to_pylist())
    return _core.TicketBatch(records)


# Results out ------------------------------------------------------------------------------------

# The columns of sla_frame in order, with their pandas dtypes: one row per metric instance.
_SLA_COLUMNS: list[tuple[str, str]] = [
    ("ticket", "string"), ("policy", "string"), ("priority", "string"), ("metric", "string"), ("cycle", "Int64"),
    ("state", "string"), ("target_s", "float64"), ("elapsed_s", "float64"), ("remaining_s", "float64"),
    ("started_at", "datetime64[ms, UTC]"), ("due_at", "datetime64[ms, UTC]"), ("breached_at", "datetime64[ms, UTC]"),
    ("completed_at", "datetime64[ms, UTC]"),
    # Issue 16, after the columns above so that theirs keep their places (as the CLI's rows): the
    # ticket's SLA status on each of its rows, an OLA's queue, a due instant an sla_override set.
    ("ticket_status", "string"), ("queue", "string"), ("override_due_at", "datetime64[ms, UTC]"),
    ("not_yet_created", "bool"),
]


def sla_frame(reports: Iterable[Any]) -> Any:
    """aftersales.sla_frame: SLA reports as a pandas DataFrame, one row per metric instance."""
    pd = pandas_module("sla_frame()")
    columns = _core._sla_columns(reports)
    data = {}
    for name, dtype in _SLA_COLUMNS:
        values = columns[name]
        if name == "cycle":
            data[name] = pd.Series(pd.arrays.IntegerArray(values, ~columns["has_metric"]))
        elif dtype.startswith("datetime64"):
            data[name] = pd.Series(values.view("datetime64[ms]")).dt.tz_localize("UTC")
        else:
            data[name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def sla_table(reports: Iterable[Any]) -> Any:
    """aftersales.sla_table: sla_frame's rows as a pyarrow Table, without pandas."""
    pa = pyarrow_module("sla_table()")
    columns = _core._sla_columns(reports)
    arrays = {}
    for name, dtype in _SLA_COLUMNS:
        values = columns[name]
        if name == "cycle":
            arrays[name] = pa.array(values, mask=~columns["has_metric"])
        elif dtype.startswith("datetime64"):
            arrays[name] = pa.array(values, type=pa.int64(), mask=values == _NAT).cast(pa.timestamp("ms", tz="UTC"))
        elif dtype == "string":
            arrays[name] = pa.array(values, type=pa.string())
        else:
            arrays[name] = pa.array(values, from_pandas=True)  # NaN is null, as in pandas
    return pa.table(arrays)


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


def _group_rows(rows: list[dict[str, Any]], group_by: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Each group's key members, then its values with nested ones as dotted names; and the
    names of all the columns, in order of first appearance (a group lists only the SLA metrics
    it has instances of)."""
    flat = []
    names = dict.fromkeys(group_by)
    for row in rows:
        out: dict[str, Any] = dict(row["key"])
        _flatten("", {k: v for k, v in row.items() if k != "key"}, out)
        flat.append(out)
        names.update(dict.fromkeys(out))
    return flat, list(names)


# Columns of KPI groups and scorecard rows that hold whole numbers, by their last name part
# (`first_response_s.count`); `rank` (null without a score) and the SLA tallies (a group lists
# only the metrics it has instances of) are nullable. The JSON writes every number in its
# shortest form (a rate of 1 as `1`), so the type of each column is set by its name, never
# guessed from the values a result happens to have.
_WHOLE = {"tickets", "resolved", "backlog", "complaints", "count", "stars", "compensated"}
_NULLABLE_WHOLE = {"rank", "achieved", "breached"}
# Money stays exact decimal text, as everywhere in the library; a group without tickets has no
# cost per ticket (<NA>).
_TEXT = {"compensation.currency", "compensation.total", "compensation.cost_per_ticket"}


def _group_dtype(name: str, group_by: list[str], values: list[Any]) -> str | None:
    """The pandas dtype of a column of KPI groups or scorecard rows; None for a bool one."""
    leaf = name.rsplit(".", 1)[-1]
    if name in group_by or name in _TEXT:
        return "string"  # a null key is <NA>, as in sla_frame
    if values and all(isinstance(v, bool) for v in values):
        return None
    if leaf in _NULLABLE_WHOLE:
        return "Int64"
    return "int64" if leaf in _WHOLE else "float64"


def _frame(rows: list[dict[str, Any]], group_by: list[str]) -> Any:
    pd = pandas_module("to_pandas()")
    flat, names = _group_rows(rows, group_by)
    data = {}
    for name in names:
        values = [row.get(name) for row in flat]
        dtype = _group_dtype(name, group_by, values)
        data[name] = pd.Series(values, dtype=dtype if dtype is not None else "bool")
    frame = pd.DataFrame(data, columns=names)
    return frame.set_index(group_by) if group_by else frame


def _table(rows: list[dict[str, Any]], group_by: list[str]) -> Any:
    pa = pyarrow_module("to_arrow()")
    flat, names = _group_rows(rows, group_by)
    types = {"string": pa.string(), "Int64": pa.int64(), "int64": pa.int64(), "float64": pa.float64(), None: pa.bool_()}
    arrays = {}
    for name in names:
        values = [row.get(name) for row in flat]
        arrays[name] = pa.array(values, type=types[_group_dtype(name, group_by, values)])
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
