"""What aftersales.dask and aftersales.spark run inside each partition, and nothing of either
engine: plain functions of texts, records and tuples, so that a task pickles small and this
module imports without Dask or PySpark.

Tickets are parsed a partition at a time into a TicketBatch and counted by the C++ batch calls
(`KpiAccumulator.add_many`, `SlaEngine.evaluate_many`); for KPIs Python touches a ticket at
most to join its line into the partition's text (a file's block of bytes not even that).
Spark's SLA rows are made here, a tuple per metric instance (Dask's partitions are
aftersales.sla_frame's, filled in C++). Partial KPIs travel as
`KpiAccumulator.to_json()` states and merge exactly (docs/kpi.md, "Mergeable accumulators").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

from aftersales._core import KpiAccumulator, KpiResult, Policy, SlaEngine, SlaReport, TicketBatch

# The SLA rows: one per metric instance (a metric of a ticket in one of its cycles), and one of
# nulls but for ticket, policy, priority, ticket_status and not_yet_created for a report without
# metrics, so that no ticket drops out: the columns of aftersales.sla_frame (issue 13, point 3). Each is
# (name, kind, whether it may be null); spark.py maps the kinds to Spark's types.
SLA_FIELDS = (
    ("ticket", "string", False), ("policy", "string", True), ("priority", "string", False),
    ("metric", "string", True), ("cycle", "integer", True), ("state", "string", True),
    ("target_s", "seconds", True), ("elapsed_s", "seconds", True), ("remaining_s", "seconds", True),
    ("started_at", "instant", True), ("due_at", "instant", True), ("breached_at", "instant", True),
    ("completed_at", "instant", True), ("ticket_status", "string", True), ("queue", "string", True),
    ("override_due_at", "instant", True), ("not_yet_created", "flag", False),
)
SLA_COLUMNS = tuple(name for name, _, _ in SLA_FIELDS)

SlaRow = tuple[Any, ...]

# File paths of JSON Lines: a path, a glob, or a list of them.
Paths = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


class _Loaded:
    """A policy loaded in this process, with the engine SLA rows need (made on first use)."""

    def __init__(self, text: str) -> None:
        self.policy = Policy.from_json(text)
        self._sla: SlaEngine | None = None

    def sla(self) -> SlaEngine:
        if self._sla is None:
            self._sla = SlaEngine(self.policy)
        return self._sla


# Policies loaded in this process by the SHA-256 of their text. A few suffice: a job uses one or
# two policies, and a worker process runs a handful of jobs at a time.
_LOADED: OrderedDict[str, _Loaded] = OrderedDict()
_LOADED_MAX = 8
_LOADED_LOCK = threading.Lock()


class ShippedPolicy:
    """A policy on its way to the workers: its JSON text (`Policy.to_json`) and that text's
    SHA-256. Each worker process parses a given text once and keeps the Policy: the tasks that
    follow find it by the hash, so no partition, let alone a row, parses the policy again."""

    __slots__ = ("text", "digest")

    def __init__(self, policy: Policy) -> None:
        self.text = policy.to_json()
        self.digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def __getstate__(self) -> tuple[str, str]:
        return self.text, self.digest

    def __setstate__(self, state: tuple[str, str]) -> None:
        self.text, self.digest = state

    def loaded(self) -> _Loaded:
        with _LOADED_LOCK:
            found = _LOADED.get(self.digest)
            if found is not None:
                _LOADED.move_to_end(self.digest)
                return found
        # Parsed outside the lock: two threads of one worker may both parse a new policy the
        # first time, which costs a parse and is otherwise harmless.
        loaded = _Loaded(self.text)
        with _LOADED_LOCK:
            _LOADED[self.digest] = loaded
            while len(_LOADED) > _LOADED_MAX:
                _LOADED.popitem(last=False)
        return loaded

    @property
    def policy(self) -> Policy:
        return self.loaded().policy


def paths_of(source: Paths) -> list[str]:
    """A path, a glob or a list of them, as a list of strings."""
    if isinstance(source, (str, os.PathLike)):
        return [os.fspath(source)]
    return [os.fspath(p) for p in source]


def batch_of_lines(lines: Iterable[str], threads: int) -> TicketBatch:
    """The tickets of a partition of JSON Lines texts, with or without their line ends (blank
    lines are skipped, so doubled line ends are harmless)."""
    return TicketBatch.from_lines("\n".join(lines), threads=threads)


def batch_of_blocks(blocks: Iterable[bytes], threads: int) -> TicketBatch:
    """The tickets of a partition of JSON Lines blocks, each ending at a line end."""
    return TicketBatch.from_lines(b"".join(blocks), threads=threads)


def batch_of_frames(frames: Iterable[Any], threads: int) -> TicketBatch:
    """The tickets of a partition that holds one pandas DataFrame of tickets: missing values,
    nested and dotted columns as `TicketBatch.from_pandas` reads them (`threads` serves the other
    forms only)."""
    (frame,) = frames
    return TicketBatch.from_pandas(frame)


def kpi_state(
    shipped: ShippedPolicy,
    batch: TicketBatch,
    at: dt.datetime,
    group_by: Sequence[str],
    threads: int,
    kpi_options: Mapping[str, Any],
) -> str:
    """A partition's partial KPIs, as the state JSON of a KpiAccumulator."""
    accumulator = KpiAccumulator(shipped.policy, list(group_by), **kpi_options)
    accumulator.add_many(batch, at, threads=threads)
    return accumulator.to_json()


def merge_states(shipped: ShippedPolicy, states: Iterable[str]) -> str:
    """The state of the tickets of all the given states (at least one)."""
    policy = shipped.policy
    merged: KpiAccumulator | None = None
    for state in states:
        part = KpiAccumulator.from_json(policy, state)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    if merged is None:
        raise ValueError("no KPI state to merge: the source has no partition")
    return merged.to_json()


def kpi_result(shipped: ShippedPolicy, state: str, orders: int | dict[str, int] | None) -> KpiResult:
    return KpiAccumulator.from_json(shipped.policy, state).result(orders)


def sla_rows(reports: Iterable[SlaReport]) -> list[SlaRow]:
    """The rows of the reports, as tuples in SLA_COLUMNS order."""
    rows: list[SlaRow] = []
    for report in reports:
        ticket, policy, priority = report.ticket, report.policy, report.priority
        # Read by name, as sla_frame does: only a replay's report has the flag (issue 13).
        late = bool(getattr(report, "not_yet_created", False))
        status = report.status  # the ticket's, on each of its rows
        if not report.metrics:
            rows.append((ticket, policy, priority) + (None,) * 10 + (status, None, None, late))
        for m in report.metrics:
            rows.append((ticket, policy, priority, m.metric, m.cycle, m.state,
                         m.target.total_seconds(), m.elapsed.total_seconds(),
                         m.remaining.total_seconds(), m.started_at, m.due_at, m.breached_at,
                         m.completed_at, status, m.queue, m.override_due_at, late))
    return rows


def sla_reports(shipped: ShippedPolicy, batch: TicketBatch, at: dt.datetime, threads: int) -> list[SlaReport]:
    return shipped.loaded().sla().evaluate_many(batch, at, threads=threads)


def missing_engine(module: str, extra: str) -> ImportError:
    return ImportError(f"{module} is needed for aftersales.{extra}: pip install 'aftersales[{extra}]'")
