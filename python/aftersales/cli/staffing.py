"""`aftersales staffing`: agents needed (Erlang C, or Erlang A with --patience) for one interval
or for each interval of a peak day."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

from aftersales import InputError, parse_duration, staffing
from aftersales.cli._common import Options, percent, table

# Share of a Double 11 day's contacts per hour (00:00-23:00, Asia/Shanghai): the midnight
# rush when the sale opens, a lull before dawn, the daytime plateau and the evening peak.
DOUBLE11_PROFILE = (9, 7, 4, 2, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 9)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    plan = commands.add_parser(
        "staffing",
        help="agents needed (Erlang C / Erlang A), for one interval or a peak day",
        description="With --contacts: one interval. With --orders and --contact-rate: a plan per "
        "interval of a day split by --profile (default: an hourly Double 11 profile).",
    )
    plan.add_argument("--contacts", type=float, help="contacts in one interval")
    plan.add_argument("--orders", type=float, help="orders in the day (with --contact-rate)")
    plan.add_argument("--contact-rate", type=float, help="contacts per order, e.g. 0.02")
    plan.add_argument("--profile", help="comma-separated weights per interval (default: Double 11, hourly)")
    plan.add_argument("--interval", default="1h", help="interval length (default 1h)")
    plan.add_argument("--aht", default="4m", help="average handle time (default 4m)")
    plan.add_argument("--answer-time", default="20s", help="target answer time (default 20s)")
    plan.add_argument("--service-level", type=float, default=0.8, help="share answered in time (default 0.8)")
    plan.add_argument("--max-occupancy", type=float, default=0.85, help="default 0.85")
    plan.add_argument("--shrinkage", type=float, default=0.3, help="default 0.3")
    plan.add_argument("--patience", help="mean patience: size with Erlang A (e.g. 90s)")
    plan.set_defaults(run=run)


def _s(text: str) -> float:
    return parse_duration(text).total_seconds()


def run(args: argparse.Namespace) -> None:
    common: dict[str, Any] = dict(
        aht=_s(args.aht), answer_time=_s(args.answer_time), service_level=args.service_level,
        max_occupancy=args.max_occupancy, shrinkage=args.shrinkage,
    )
    patience = None if args.patience is None else _s(args.patience)
    if args.contacts is not None:
        result = (staffing.erlang_c(args.contacts, _s(args.interval), **common) if patience is None
                  else staffing.erlang_a(args.contacts, _s(args.interval), patience=patience, **common))
        print(table([STAFFING_HEAD, staffing_cells(result)]))
        return
    if args.orders is None or args.contact_rate is None:
        raise InputError("give --contacts, or --orders with --contact-rate")
    profile = profile_weights(args.profile) if args.profile else list(DOUBLE11_PROFILE)
    print(plan_table(staffing.plan(args.orders, args.contact_rate, profile, interval=_s(args.interval),
                                   patience=patience, **common)))


def profile_weights(text: str) -> list[float]:
    try:
        return [float(weight) for weight in text.split(",")]
    except ValueError:
        raise InputError("--profile: expected comma-separated numbers, such as 9,7,4") from None


STAFFING_HEAD = ("agents", "scheduled", "Erlangs", "service level", "P(wait)", "ASA", "occupancy", "abandon")


def staffing_cells(r: staffing.StaffingResult) -> tuple[str, ...]:
    """The cells of `r` under STAFFING_HEAD."""
    asa = "inf" if math.isinf(r.asa_s) else f"{r.asa_s:.1f}s"
    return (str(r.agents), str(r.scheduled), f"{r.traffic:.1f}", percent(r.service_level),
            percent(r.probability_wait), asa, percent(r.occupancy), percent(r.abandonment))


def plan_table(rows: Sequence[staffing.PlanRow]) -> str:
    return table(plan_rows(rows))


def plan_rows(rows: Sequence[staffing.PlanRow]) -> list[tuple[str, ...]]:
    """The cells of the table of a plan's `rows`, a row of headings first."""
    cells: list[tuple[str, ...]] = [("start", "contacts") + STAFFING_HEAD]
    cells += [(plan_start(row), f"{row.contacts:.0f}") + staffing_cells(row.staffing) for row in rows]
    return cells


def plan_start(row: staffing.PlanRow) -> str:
    """When the interval of `row` starts in its day, as HH:MM."""
    minutes = int(row.start.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
