"""The `aftersales` command: ask a policy's business calendars and SLA clocks from a shell.

    aftersales calendar --policy P NAME is-open T
    aftersales calendar --policy P NAME next-open T
    aftersales calendar --policy P NAME add T D
    aftersales calendar --policy P NAME between T1 T2
    aftersales sla --policy P TICKETS.jsonl [--at T] [--threads N]
    aftersales kpi --policy P TICKETS.jsonl [--at T] [--by agent,day] [--scorecard ID] [--json]
    aftersales staffing (--contacts N | --orders N --contact-rate R) [--aht D] [--patience D] ...
    aftersales demo [--policy P]

T is RFC 3339 with an offset (2026-11-11T00:05:00+08:00), D a duration such as 1h30m.
Results are printed as RFC 3339 UTC instants and compact durations; `sla` prints one report
per ticket as JSON Lines (a ticket that cannot be evaluated gets an error record instead).
Bad input prints one line on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from aftersales import _cli_kpi
from aftersales import (
    Calendar,
    Error,
    Policy,
    PolicyError,
    SlaMetric,
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
    except BrokenPipeError:
        # The reader stopped early (`aftersales sla ... | head`): no one is left to tell. Standard
        # output goes to /dev/null so that the interpreter's last flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def _one_line(message: str) -> str:
    # A PolicyError lists one problem per line after a heading; keep them all on one line.
    heading, *details = [line.strip() for line in message.splitlines()] or [""]
    return heading + (": " + "; ".join(details) if details else "")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aftersales", description="Business calendars and SLA clocks of an after-sales policy."
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

    sla = commands.add_parser(
        "sla",
        help="evaluate the SLA clocks of tickets (JSON Lines in, JSON Lines out)",
        description="Writes one SLA report per ticket line to standard output, in input order. "
        "A line that cannot be evaluated gives {\"line\": N, \"error\": ...} and the rest go on.",
    )
    sla.add_argument("--policy", required=True, help="policy document (JSON)")
    sla.add_argument("tickets", metavar="TICKETS", help="tickets as JSON Lines, or - for standard input")
    sla.add_argument("--at", metavar="T", help="evaluate as of T (RFC 3339 with an offset; default: now)")
    sla.add_argument(
        "--threads", type=_thread_count, default=0, metavar="N", help="worker threads (default 0: one per core)"
    )
    sla.set_defaults(run=_run_sla)

    _cli_kpi.add_commands(commands, _load, _thread_count)

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


def _thread_count(text: str) -> int:
    count = int(text) if text.isdigit() else -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of threads (0: one per core), got {text!r}")
    return count


# Tickets are evaluated a block at a time, so that a whole season's JSON Lines stream through in
# bounded memory; each block ends at a line end.
_BLOCK_BYTES = 16 << 20
_ERROR_RECORD = re.compile(rb'^\{"line":(\d+),', re.MULTILINE)


def _run_sla(args: argparse.Namespace) -> None:
    at = parse_instant(args.at) if args.at is not None else dt.datetime.now(dt.timezone.utc)
    policy = _load(Path(args.policy))
    if args.tickets == "-":
        _evaluate_stream(policy, sys.stdin.buffer, at, args.threads)
        return
    try:
        # Opened apart from the reading so that only its own errors say "cannot read".
        tickets = open(args.tickets, "rb")
    except OSError as error:
        raise UsageError(f"{args.tickets}: cannot read the tickets: {error.strerror}") from None
    with tickets:
        _evaluate_stream(policy, tickets, at, args.threads)


def _evaluate_stream(policy: Policy, tickets: BinaryIO, at: dt.datetime, threads: int) -> None:
    out = sys.stdout.buffer
    lines_before = 0
    for block in _blocks(tickets):
        reports = policy.evaluate_sla_lines(block, at, threads).encode()
        if lines_before:
            # Error records count lines from 1 within their block; make them count in the file.
            reports = _ERROR_RECORD.sub(
                lambda m: b'{"line":%d,' % (int(m.group(1)) + lines_before), reports
            )
        out.write(reports)
        lines_before += block.count(b"\n")
    out.flush()


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    pending = b""
    while chunk := stream.read(_BLOCK_BYTES):
        pending += chunk
        end = pending.rfind(b"\n") + 1
        if end:
            yield pending[:end]
            pending = pending[end:]
    if pending:
        yield pending


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
    print(f"aftersales {__version__}: the calendars and SLA clocks of {path.as_posix()}")
    print(f"calendars: {', '.join(policy.calendar_names)}")
    _demo_cn_service(policy.calendar("cn-service"))
    _demo_eu_service(policy.calendar("eu-service"))
    # The example tickets sit beside the example policy: examples/{policies,tickets}/.
    _demo_sla(policy, path.parent.parent / "tickets" / "double11.jsonl")
    _cli_kpi.demo(policy, path.parent.parent / "tickets" / "double11.jsonl")


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


def _demo_sla(policy: Policy, tickets_path: Path) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2026, 11, 13, 10, 0, tzinfo=zone)
    print(f"\nSLA clocks at {_local(at)}, the morning after Double 11 (times in {zone.key})")
    if not tickets_path.is_file():
        print(f"  (no example tickets at {tickets_path.as_posix()})")
        return
    shown = ("T-1102", "T-1103", "T-1105", "T-1106", "T-1108", "T-1110")
    lines = tickets_path.read_text(encoding="utf-8").splitlines()
    tickets = [ticket for ticket in map(json.loads, filter(str.strip, lines)) if ticket["id"] in shown]
    rows = [("ticket", "policy", "metric", "state", "elapsed / target", "due")]
    look_again = []
    for ticket in tickets:
        report = policy.evaluate_sla(ticket, at)
        first = (report.ticket, report.policy or "(none)")
        for metric in report.metrics:
            progress = f"{_clock(metric.elapsed)} / {_clock(metric.target)}"
            rows.append((*first, _metric_name(metric), metric.state, progress, _due(metric, zone)))
            first = ("", "")
        if report.next_check_at is not None:
            look_again.append(f"{report.ticket} at {_short(report.next_check_at, zone)}")
    widths = [max(map(len, column)) for column in zip(*rows)]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(f"  Evaluate again (next_check_at): {', '.join(look_again)}")


def _metric_name(metric: SlaMetric) -> str:
    return f"{metric.metric} #{metric.cycle}" if metric.cycle else metric.metric


def _due(metric: SlaMetric, zone: ZoneInfo) -> str:
    if metric.breached_at is not None:
        return f"missed {_short(metric.breached_at, zone)}"
    return _short(metric.due_at, zone) if metric.due_at is not None else "-"


def _short(t: dt.datetime, zone: ZoneInfo) -> str:
    local = t.astimezone(zone)
    return local.strftime("%a %d %b %H:%M:%S" if local.second else "%a %d %b %H:%M")


def _clock(d: dt.timedelta) -> str:
    # Hours are not folded into days: a day of business time is not 24 hours long.
    seconds = int(d.total_seconds())
    hours, minutes, seconds = seconds // 3600, seconds // 60 % 60, seconds % 60
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


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
