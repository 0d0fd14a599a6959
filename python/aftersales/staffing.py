"""Staffing: how many agents a queue needs (Erlang C, Erlang A) and a peak-day plan.

Formulas in docs/staffing.md. Times are seconds (float) or ``datetime.timedelta``::

    from aftersales import staffing

    staffing.erlang_c(contacts=100, interval=1800, aht=180, answer_time=20,
                      service_level=0.8, max_occupancy=0.85, shrinkage=0.3).agents   # 14
    staffing.erlang_a(contacts=100, interval=1800, aht=180, patience=60, agents=12).abandonment
    rows = staffing.plan(daily_orders=2_000_000, contact_rate=0.02, profile=[...])
    rows.to_pandas()                     # one row per interval (pandas imported only here)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, List, Sequence, Union

from aftersales import _core, _frames
from aftersales._core import StaffingResult

Seconds = Union[float, int, dt.timedelta]

__all__ = ["DEFAULTS", "Plan", "PlanRow", "StaffingResult", "erlang_a", "erlang_c", "plan"]


# The defaults of C++'s QueueLoad and ServiceGoal, the one set every surface uses (docs/staffing.md):
# read, not restated, so that Python, the CLI and C++ cannot disagree on the same plan.
DEFAULTS = _core.STAFFING_DEFAULTS


def _s(value: Seconds) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def erlang_c(
    contacts: float,
    interval: Seconds = DEFAULTS["interval_s"],
    aht: Seconds = DEFAULTS["aht_s"],
    *,
    agents: int | None = None,
    answer_time: Seconds = DEFAULTS["answer_time_s"],
    service_level: float = DEFAULTS["service_level"],
    max_occupancy: float = DEFAULTS["max_occupancy"],
    shrinkage: float = DEFAULTS["shrinkage"],
) -> StaffingResult:
    """Erlang C. With ``agents``: how that many perform. Without: the fewest agents meeting
    ``service_level`` within ``answer_time`` and ``max_occupancy``; ``scheduled`` adds shrinkage."""
    if agents is not None:
        return _core.erlang_c(contacts, _s(interval), _s(aht), agents, _s(answer_time))
    return _core.erlang_c_required(
        contacts, _s(interval), _s(aht), _s(answer_time), service_level, max_occupancy, shrinkage
    )


def erlang_a(
    contacts: float,
    interval: Seconds = DEFAULTS["interval_s"],
    aht: Seconds = DEFAULTS["aht_s"],
    *,
    patience: Seconds,
    agents: int | None = None,
    answer_time: Seconds = DEFAULTS["answer_time_s"],
    service_level: float = DEFAULTS["service_level"],
    max_occupancy: float = DEFAULTS["max_occupancy"],
    shrinkage: float = DEFAULTS["shrinkage"],
) -> StaffingResult:
    """Erlang A: as ``erlang_c``, with customers abandoning after a mean ``patience``."""
    if agents is not None:
        return _core.erlang_a(contacts, _s(interval), _s(aht), _s(patience), agents, _s(answer_time))
    return _core.erlang_a_required(
        contacts, _s(interval), _s(aht), _s(patience), _s(answer_time), service_level, max_occupancy,
        shrinkage,
    )


@dataclass(frozen=True)
class PlanRow:
    """One interval of a plan: it starts ``start`` after the day begins."""

    start: dt.timedelta
    contacts: float
    staffing: StaffingResult

    def to_dict(self) -> dict[str, Any]:
        return {"start_s": self.start.total_seconds(), "contacts": self.contacts, **self.staffing.to_dict()}


class Plan(List[PlanRow]):
    """The rows of a plan, in order: a list, with table forms of its ``to_dict()`` rows."""

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per interval, the columns of ``PlanRow.to_dict()``."""
        return _frames.plan_frame(self)

    def to_arrow(self) -> Any:
        """The same rows as a pyarrow Table."""
        return _frames.plan_table(self)


def plan(
    daily_orders: float,
    contact_rate: float,
    profile: Sequence[float],
    *,
    interval: Seconds = DEFAULTS["interval_s"],
    aht: Seconds = DEFAULTS["aht_s"],
    patience: Seconds | None = None,
    answer_time: Seconds = DEFAULTS["answer_time_s"],
    service_level: float = DEFAULTS["service_level"],
    max_occupancy: float = DEFAULTS["max_occupancy"],
    shrinkage: float = DEFAULTS["shrinkage"],
) -> Plan:
    """A peak-day plan: ``daily_orders × contact_rate`` contacts split over the intervals in
    proportion to ``profile`` (weights, normalised), each sized with Erlang A when ``patience``
    is given, else Erlang C."""
    rows = _core.staffing_plan(
        daily_orders, contact_rate, list(profile), _s(interval), _s(aht),
        0.0 if patience is None else _s(patience), _s(answer_time), service_level, max_occupancy,
        shrinkage,
    )
    return Plan(PlanRow(dt.timedelta(seconds=start), contacts, result) for start, contacts, result in rows)
