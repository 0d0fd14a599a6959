"""`aftersales calendar`: ask one calendar of the policy a question."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import Any

from aftersales import Calendar, format_duration, format_instant, parse_duration
from aftersales.cli._common import (
    Column,
    DateZone,
    Options,
    add_format,
    described,
    instant_argument,
    load,
    write_rows,
)

Answer = Callable[[Calendar, Sequence[Any]], Any]

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
        f"{help_text[0].upper()}{help_text[1:]} T, T1 and T2 are {_INSTANT}. The answer alone by "
        "default; with --format jsonl or csv, a record of the question and the answer.",
        f"aftersales calendar --policy policy.json cn-service {name} {example}",
        f"aftersales calendar --policy policy.json cn-service {name} {example} --format jsonl"))
    for operand in operands:
        parser.add_argument(operand, help=_INSTANT if operand.startswith("T") else "a duration such as 1h30m")
    add_format(parser, "table", "one record: calendar, operation, operands and answer (table: the answer alone)")
    parser.set_defaults(answer=answer, operands=operands)


def _is_open(calendar: Calendar, operands: Sequence[Any]) -> bool:
    return calendar.is_open(operands[0])


def _next_open(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.next_open(operands[0])


def _add(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.add(operands[0], operands[1])


def _between(calendar: Calendar, operands: Sequence[Any]) -> dt.timedelta:
    return calendar.between(operands[0], operands[1])


def _text(answer: Any) -> str:
    """The answer as the command has always printed it."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    return format_instant(answer) if isinstance(answer, dt.datetime) else format_duration(answer)


def run(args: argparse.Namespace) -> None:
    calendar = load(args.policy).calendar(args.name)
    zone = DateZone(calendar.time_zone, f"calendar {args.name}", False)
    operands: list[dt.datetime | dt.timedelta] = [
        instant_argument(getattr(args, o), o, lambda: zone) if o.startswith("T") else parse_duration(getattr(args, o))
        for o in args.operands
    ]
    answer = args.answer(calendar, operands)
    if args.format == "table":
        print(_text(answer))
        return
    columns = [Column("calendar"), Column("operation"), *(Column(o.lower()) for o in args.operands), Column("answer")]
    write_rows(columns, [[args.name, args.operation, *operands, answer]], args.format, sys.stdout)
