"""`aftersales staffing`: agents needed (Erlang C, or Erlang A with --patience) for one interval
or for each interval of a peak day. What is not given on the command line is left to the library:
its defaults (C++ QueueLoad and ServiceGoal) are the only ones, whichever surface is used."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Sequence
from typing import Any

from aftersales import InputError, format_duration, parse_duration, staffing
from aftersales.cli._common import Column, Options, add_format, described, percent, table, write_rows

# Share of a Double 11 day's contacts per hour (00:00-23:00, Asia/Shanghai): the midnight
# rush when the sale opens, a lull before dawn, the daytime plateau and the evening peak.
DOUBLE11_PROFILE = (9, 7, 4, 2, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 9)
# The profile's intervals: it is hourly, whatever the library's default interval.
DOUBLE11_INTERVAL = "1h"

_DEFAULT = staffing.DEFAULTS


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    plan = commands.add_parser(
        "staffing",
        help="agents needed (Erlang C / Erlang A), for one interval or a peak day",
        **described(
            "With --contacts: one interval. With --orders and --contact-rate: a plan per interval of a "
            "day split by --profile (default: an hourly Double 11 profile). An option not given takes "
            "the library's default, the same in C++, Python and here (docs/staffing.md).",
            "aftersales staffing --contacts 100 --interval 30m --aht 3m",
            "aftersales staffing --contacts 100 --aht 3m --patience 90s --format jsonl",
            "aftersales staffing --orders 3000000 --contact-rate 0.02 --aht 4m --shrinkage 0.3",
            "aftersales staffing --orders 100000 --contact-rate 0.05 --profile 1,2,3,2 --interval 6h --format csv",
        ),
    )
    plan.add_argument("--contacts", type=float, help="contacts in one interval")
    plan.add_argument("--orders", type=float, help="orders in the day (with --contact-rate)")
    plan.add_argument("--contact-rate", type=float, help="contacts per order, e.g. 0.02")
    plan.add_argument("--profile", help="comma-separated weights per interval (default: Double 11, hourly)")
    plan.add_argument("--interval", help=f"interval length (default {_duration(_DEFAULT['interval_s'])}; "
                      f"{DOUBLE11_INTERVAL} with the default profile)")
    add_goal_options(plan)
    add_format(plan, "table")
    plan.set_defaults(run=run)


def add_goal_options(parser: argparse._ActionsContainer) -> None:
    """The options of a service goal, each left to the library's default when not given (`given`)."""
    parser.add_argument("--aht", help=f"average handle time (default {_duration(_DEFAULT['aht_s'])})")
    parser.add_argument("--answer-time", help=f"target answer time (default {_duration(_DEFAULT['answer_time_s'])})")
    parser.add_argument("--service-level", type=float,
                        help=f"share answered in time (default {_DEFAULT['service_level']:g})")
    parser.add_argument("--max-occupancy", type=float, help=f"at most this share of agents' time busy "
                        f"(default {_DEFAULT['max_occupancy']:g})")
    parser.add_argument("--shrinkage", type=float, help=f"share of paid time off the queue "
                        f"(default {_DEFAULT['shrinkage']:g})")
    parser.add_argument("--patience", help="mean patience: size with Erlang A (e.g. 90s)")


def _duration(seconds: float) -> str:
    return format_duration(dt.timedelta(seconds=seconds))


def _s(text: str) -> float:
    return parse_duration(text).total_seconds()


def given(args: argparse.Namespace) -> dict[str, Any]:
    """The goal options (add_goal_options) given on the command line, as the Python functions take
    them: only those, so that the rest take the library's defaults; patience when given."""
    durations = {"aht": args.aht, "answer_time": args.answer_time, "patience": args.patience}
    numbers = {"service_level": args.service_level, "max_occupancy": args.max_occupancy, "shrinkage": args.shrinkage}
    return {**{k: _s(v) for k, v in durations.items() if v is not None},
            **{k: v for k, v in numbers.items() if v is not None}}


def run(args: argparse.Namespace) -> None:
    common = given(args)
    if args.contacts is not None:
        if args.interval is not None:
            common["interval"] = _s(args.interval)
        size = staffing.erlang_c if "patience" not in common else staffing.erlang_a
        result = size(args.contacts, **common)
        if args.format == "table":
            print(table([STAFFING_HEAD, staffing_cells(result)]))
        else:
            _write_records([result.to_dict()], args.format)
        return
    if args.orders is None or args.contact_rate is None:
        raise InputError("give --contacts, or --orders with --contact-rate")
    profile = profile_weights(args.profile) if args.profile else list(DOUBLE11_PROFILE)
    interval = args.interval or (None if args.profile else DOUBLE11_INTERVAL)
    if interval is not None:
        common["interval"] = _s(interval)
    rows = staffing.plan(args.orders, args.contact_rate, profile, **common)
    if args.format == "table":
        print(plan_table(rows))
    else:
        _write_records([row.to_dict() for row in rows], args.format)


def _write_records(records: Sequence[dict[str, Any]], form: str) -> None:
    # An overloaded queue's ASA is infinite, which JSON cannot say: null (empty in CSV).
    columns = [Column(key) for key in records[0]]
    rows = [[None if isinstance(v, float) and math.isinf(v) else v for v in r.values()] for r in records]
    write_rows(columns, rows, form, sys.stdout)


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
