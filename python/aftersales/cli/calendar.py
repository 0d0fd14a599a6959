"""`aftersales calendar`: ask one calendar of the policy a question."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from aftersales import Calendar, format_duration, format_instant, parse_duration, parse_instant
from aftersales.cli._common import Options, load

Answer = Callable[[Calendar, Sequence[str]], str]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    calendar = commands.add_parser("calendar", parents=[options.policy], help="ask one calendar a question")
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
    parser = operations.add_parser(name, help=help_text)
    for operand in operands:
        parser.add_argument(operand)
    parser.set_defaults(answer=answer, operands=operands)


def _is_open(calendar: Calendar, operands: Sequence[str]) -> str:
    return "true" if calendar.is_open(parse_instant(operands[0])) else "false"


def _next_open(calendar: Calendar, operands: Sequence[str]) -> str:
    return format_instant(calendar.next_open(parse_instant(operands[0])))


def _add(calendar: Calendar, operands: Sequence[str]) -> str:
    start, duration = parse_instant(operands[0]), parse_duration(operands[1])
    return format_instant(calendar.add(start, duration))


def _between(calendar: Calendar, operands: Sequence[str]) -> str:
    start, end = parse_instant(operands[0]), parse_instant(operands[1])
    return format_duration(calendar.between(start, end))


def run(args: argparse.Namespace) -> None:
    calendar = load(Path(args.policy)).calendar(args.name)
    print(args.answer(calendar, [getattr(args, operand) for operand in args.operands]))
