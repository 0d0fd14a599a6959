"""The `aftersales` command: ask a policy's business calendars questions from a shell.

    aftersales calendar --policy P NAME is-open T
    aftersales calendar --policy P NAME next-open T
    aftersales calendar --policy P NAME add T D
    aftersales calendar --policy P NAME between T1 T2
    aftersales demo [--policy P]

T is RFC 3339 with an offset (2026-11-11T00:05:00+08:00), D a duration such as 1h30m.
Results are printed as RFC 3339 UTC instants and compact durations. Bad input prints one
line on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from aftersales import (
    Calendar,
    Error,
    Policy,
    PolicyError,
    __version__,
    format_duration,
    format_instant,
    parse_duration,
    parse_instant,
)

BAD_INPUT = 2
DEFAULT_POLICY = Path("examples", "policies", "cn-marketplace.json")


class UsageError(Exception):
    """A mistake in how the command was called that argparse cannot see."""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line `argv` (default: sys.argv[1:]) and returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (Error, UsageError) as error:
        print(f"aftersales: error: {_one_line(str(error))}", file=sys.stderr)
        return BAD_INPUT
    return 0


def _one_line(message: str) -> str:
    # A PolicyError lists one problem per line after a heading; keep them all on one line.
    heading, *details = [line.strip() for line in message.splitlines()] or [""]
    return heading + (": " + "; ".join(details) if details else "")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aftersales", description="Business calendars of an after-sales policy."
    )
    parser.add_argument("--version", action="version", version=f"aftersales {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    calendar = commands.add_parser("calendar", help="ask one calendar a question")
    calendar.add_argument("--policy", required=True, help="policy document (JSON)")
    calendar.add_argument("name", metavar="NAME", help="calendar name in the policy")
    operations = calendar.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    _operation(operations, "is-open", "is the service open at T?", ["T"], _is_open)
    _operation(operations, "next-open", "T if open, else when it next opens", ["T"], _next_open)
    _operation(operations, "add", "when D of business time after T ends", ["T", "D"], _add)
    _operation(operations, "between", "business time from T1 to T2", ["T1", "T2"], _between)
    calendar.set_defaults(run=_run_calendar)

    demo = commands.add_parser("demo", help="show the example policy's calendars at work")
    demo.add_argument(
        "--policy", type=Path, help=f"policy document (default: ./{DEFAULT_POLICY.as_posix()})"
    )
    demo.set_defaults(run=_run_demo)
    return parser


Answer = Callable[[Calendar, Sequence[str]], str]


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


def _run_calendar(args: argparse.Namespace) -> None:
    calendar = _load(Path(args.policy)).calendar(args.name)
    print(args.answer(calendar, [getattr(args, operand) for operand in args.operands]))


def _load(path: Path) -> Policy:
    try:
        return Policy.from_file(path)
    except PolicyError as error:
        # Its problems name JSON paths; say which file they are in.
        raise UsageError(f"{path}: {_one_line(str(error))}") from None


def _run_demo(args: argparse.Namespace) -> None:
    path: Path | None = args.policy
    if path is None:
        if not DEFAULT_POLICY.is_file():
            raise UsageError(
                f"no --policy given and ./{DEFAULT_POLICY.as_posix()} does not exist; "
                "run from the aftersales source tree or pass --policy PATH"
            )
        path = DEFAULT_POLICY
    policy = _load(path)
    print(f"aftersales {__version__}: the calendars of {path.as_posix()}")
    print(f"calendars: {', '.join(policy.calendar_names)}")
    _demo_cn_service(policy.calendar("cn-service"))
    _demo_eu_service(policy.calendar("eu-service"))


def _demo_cn_service(calendar: Calendar) -> None:
    zone = ZoneInfo(calendar.time_zone)
    _heading(calendar)

    double11 = dt.datetime(2026, 11, 11, 3, 0, tzinfo=zone)
    _say(f"Open at {_local(double11)} (Double 11)?", _open_answer(calendar, double11, zone))
    normal = dt.datetime(2026, 11, 20, 3, 0, tzinfo=zone)
    _say(f"Open at {_local(normal)}?", _open_answer(calendar, normal, zone))

    sla = dt.timedelta(hours=2)
    started = dt.datetime(2026, 11, 17, 23, 30, tzinfo=zone)
    _say(
        f"A {format_duration(sla)} reply SLA started at {_local(started)} is due",
        _instant(calendar.add(started, sla), zone),
    )

    before = dt.datetime(2026, 9, 30, 18, 0, tzinfo=zone)
    after = dt.datetime(2026, 10, 9, 12, 0, tzinfo=zone)
    _say(
        f"Business time from {_local(before)} to {_local(after)}, across National Day",
        _business_of_elapsed(calendar, before, after),
    )


def _demo_eu_service(calendar: Calendar) -> None:
    zone = ZoneInfo(calendar.time_zone)
    _heading(calendar)
    print("  (clocks go back one hour on Sunday 25 October 2026)")

    friday = dt.datetime(2026, 10, 23, 12, 0, tzinfo=zone)
    monday = dt.datetime(2026, 10, 26, 12, 0, tzinfo=zone)
    _say(
        f"Business time from {_local(friday)} to {_local(monday)}",
        _business_of_elapsed(calendar, friday, monday),
    )
    sla = dt.timedelta(hours=16)
    started = dt.datetime(2026, 10, 23, 15, 0, tzinfo=zone)
    _say(
        f"A {format_duration(sla)} resolution SLA started at {_local(started)} is due",
        _instant(calendar.add(started, sla), zone),
    )


def _heading(calendar: Calendar) -> None:
    print(f"\n{calendar.name} (hours in {calendar.time_zone})")


def _say(question: str, answer: str) -> None:
    print(f"  {question}{'' if question.endswith('?') else ':'} {answer}")


def _open_answer(calendar: Calendar, t: dt.datetime, zone: ZoneInfo) -> str:
    if calendar.is_open(t):
        return "yes"
    return f"no, it opens {_instant(calendar.next_open(t), zone)}"


def _local(t: dt.datetime) -> str:
    return t.strftime("%a %d %b %Y %H:%M %Z")


def _instant(t: dt.datetime, zone: ZoneInfo) -> str:
    return f"{_local(t.astimezone(zone))} ({format_instant(t)})"


def _business_of_elapsed(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> str:
    # Subtracting datetimes that share a tzinfo ignores a DST change between them; in UTC it
    # is the real elapsed time.
    elapsed = end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)
    return f"{_hours(calendar.between(start, end))} of {_hours(elapsed)} elapsed"


def _hours(d: dt.timedelta) -> str:
    minutes = int(d.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
