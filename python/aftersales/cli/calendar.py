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
    UsageError,
    add_format,
    described,
    instant_argument,
    load,
    write_rows,
)

Answer = Callable[[Calendar, Sequence[Any]], Any]

# What an instant operand may be, for --help.
_INSTANT = "RFC 3339 with an offset, now, or a date (its midnight in the calendar's time zone)"
# The other operands, for --help.
_OPERANDS = {"D": "a duration such as 1h30m", "N": "a number of business days, 0 or more"}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    calendar = commands.add_parser(
        "calendar",
        parents=[options.policy],
        help="ask one calendar a question",
        **described(
            f"Answers one question about the calendar NAME of the policy. T, T1 and T2 are {_INSTANT}; "
            "D is a duration such as 1h30m; N a count of business days (0 or more). Instants are printed in "
            "RFC 3339 UTC, durations compact.",
            "aftersales calendar --policy policy.json cn-service is-open now",
            "aftersales calendar --policy policy.json cn-service next-open 2026-10-01",
            "aftersales calendar --policy policy.json cn-service add 2026-11-17T23:30:00+08:00 2h",
            "aftersales calendar --policy policy.json cn-service between 2026-09-30 2026-10-09",
            "aftersales calendar --policy policy.json cn-office business-day-end 2026-09-30T10:00:00+08:00 3",
        ),
    )
    calendar.add_argument("name", metavar="NAME", help="calendar name in the policy")
    operations = calendar.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    _operation(operations, "is-open", "is the service open at T?", ["T"], _is_open)
    _operation(operations, "next-open", "T if open, else when it next opens", ["T"], _next_open)
    _operation(operations, "add", "when D of business time after T ends", ["T", "D"], _add)
    _operation(operations, "between", "business time from T1 to T2", ["T1", "T2"], _between)
    _operation(operations, "subtract", "when the last D of business time before T began", ["T", "D"], _subtract)
    _operation(operations, "next-close", "the first close after T", ["T"], _next_close)
    _operation(operations, "previous-close", "the last close at or before T", ["T"], _previous_close)
    _operation(
        operations, "business-day-end", "the end of the N-th business day after T's date", ["T", "N"], _business_day_end
    )
    _operation(
        operations, "business-days-between", "business days after T1's date up to T2's", ["T1", "T2"], _business_days
    )
    calendar.set_defaults(run=run)


def _operation(
    operations: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    operands: list[str],
    answer: Answer,
) -> None:
    example = " ".join(
        {"T": "2026-11-11T03:00:00+08:00", "T1": "2026-09-30", "T2": "now", "D": "2h", "N": "3"}[o] for o in operands
    )
    parser = operations.add_parser(name, help=help_text, **described(
        f"{help_text[0].upper()}{help_text[1:]} T, T1 and T2 are {_INSTANT}. The answer alone by "
        "default; with --format jsonl or csv, a record of the question and the answer.",
        f"aftersales calendar --policy policy.json cn-service {name} {example}",
        f"aftersales calendar --policy policy.json cn-service {name} {example} --format jsonl"))
    for operand in operands:
        parser.add_argument(operand, help=_OPERANDS.get(operand, _INSTANT))
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


def _subtract(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.subtract(operands[0], operands[1])


def _next_close(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.next_close(operands[0])


def _previous_close(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.previous_close(operands[0])


def _business_day_end(calendar: Calendar, operands: Sequence[Any]) -> dt.datetime:
    return calendar.business_day_end(operands[0], operands[1])


def _business_days(calendar: Calendar, operands: Sequence[Any]) -> int:
    return calendar.business_days_between(operands[0], operands[1])


def _text(answer: Any) -> str:
    """The answer as the command has always printed it."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, int):
        return str(answer)
    return format_instant(answer) if isinstance(answer, dt.datetime) else format_duration(answer)


def _operand(args: argparse.Namespace, name: str, zone: DateZone) -> dt.datetime | dt.timedelta | int:
    text = getattr(args, name)
    if name.startswith("T"):
        return instant_argument(text, name, lambda: zone)
    if name == "D":
        return parse_duration(text)
    return _count(text, name)


def _count(text: str, name: str) -> int:
    """A business-day count: a plain non-negative integer."""
    if not text.isdigit():
        raise UsageError(f"{name} must be a whole number of business days, 0 or more (got {text!r})")
    return int(text)


def run(args: argparse.Namespace) -> None:
    calendar = load(args.policy).calendar(args.name)
    zone = DateZone(calendar.time_zone, f"calendar {args.name}", False)
    operands: list[dt.datetime | dt.timedelta | int] = [_operand(args, o, zone) for o in args.operands]
    answer = args.answer(calendar, operands)
    if args.format == "table":
        print(_text(answer))
        return
    columns = [Column("calendar"), Column("operation"), *(Column(o.lower()) for o in args.operands), Column("answer")]
    write_rows(columns, [[args.name, args.operation, *operands, answer]], args.format, sys.stdout)
