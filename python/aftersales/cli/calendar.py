"""`aftersales calendar`: ask one calendar of the policy a question."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from aftersales import Calendar, format_duration, format_instant, parse_duration
from aftersales.cli._common import DateZone, Options, described, instant_argument, load

Answer = Callable[[Calendar, Sequence[Any]], str]

# What an instant operand may be, for --help.
_INSTANT = "RFC 3339 with an offset, now, or a date (its midnight in the calendar's time zone)"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    calendar = commands.add_parser(
        "calendar",
        parents=[options.policy],
        help="ask one calendar a question",
        **described(
            f"Answers one question about the calendar NAME of the policy. T, T1 and T2 are {_INSTANT}; "
            "D is a duration such as 1h30m. Instants are printed in RFC 3339 UTC, durations compact.",
            "aftersales calendar --policy policy.json cn-service is-open now",
            "aftersales calendar --policy policy.json cn-service next-open 2026-10-01",
            "aftersales calendar --policy policy.json cn-service add 2026-11-17T23:30:00+08:00 2h",
            "aftersales calendar --policy policy.json cn-service between 2026-09-30 2026-10-09",
        ),
    )
    calendar.add_argument("name", metavar="NAME", help="calendar name in the policy")
    operations = calendar.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    _operation(operations, "is-open", "is the service open at T?", ["T"], _is_open)
    _operation(operations, "next-open", "T if open, else when it next opens", ["T"], _next_open)
    _operation(operations, "add", "when D of business time after T ends", ["T", "D"], _add)
    _operation(operations, "between", "business time from T1 to T2", ["T1", "T2"], _between)
    calendar.set_defaults(run=run)


def _operation(
    operations: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    operands: list[str],
    answer: Answer,
) -> None:
    example = " ".join({"T": "2026-11-11T03:00:00+08:00", "T1": "2026-09-30", "T2": "now", "D": "2h"}[o] for o in operands)
    parser = operations.add_parser(name, help=help_text, **described(
        f"{help_text[0].upper()}{help_text[1:]} T, T1 and T2 are {_INSTANT}.",
        f"aftersales calendar --policy policy.json cn-service {name} {example}"))
    for operand in operands:
        parser.add_argument(operand, help=_INSTANT if operand.startswith("T") else "a duration such as 1h30m")
    parser.set_defaults(answer=answer, operands=operands)


def _is_open(calendar: Calendar, operands: Sequence[Any]) -> str:
    return "true" if calendar.is_open(operands[0]) else "false"


def _next_open(calendar: Calendar, operands: Sequence[Any]) -> str:
    return format_instant(calendar.next_open(operands[0]))


def _add(calendar: Calendar, operands: Sequence[Any]) -> str:
    return format_instant(calendar.add(operands[0], parse_duration(operands[1])))


def _between(calendar: Calendar, operands: Sequence[Any]) -> str:
    return format_duration(calendar.between(operands[0], operands[1]))


def run(args: argparse.Namespace) -> None:
    calendar = load(args.policy).calendar(args.name)
    zone = DateZone(calendar.time_zone, f"calendar {args.name}", False)
    operands: list[dt.datetime | str] = [
        instant_argument(getattr(args, o), o, lambda: zone) if o.startswith("T") else getattr(args, o)
        for o in args.operands
    ]
    print(args.answer(calendar, operands))
