"""The `aftersales` command: a policy's rules (calendars, SLA, routing, refunds, KPIs) from a shell.

    aftersales calendar --policy P NAME is-open T
    aftersales calendar --policy P NAME next-open T
    aftersales calendar --policy P NAME add T D
    aftersales calendar --policy P NAME between T1 T2
    aftersales sla --policy P TICKETS.jsonl [--at T] [--threads N]
    aftersales route --policy P --agents AGENTS.json TICKETS.jsonl
    aftersales refund --policy P REQUEST.json | REQUESTS.jsonl | - [--threads N]
    aftersales kpi --policy P TICKETS.jsonl [--at T] [--by agent,day] [--scorecard ID] [--json]
    aftersales staffing (--contacts N | --orders N --contact-rate R) [--aht D] [--patience D] ...
    aftersales demo [--policy P]

T is RFC 3339 with an offset (2026-11-11T00:05:00+08:00), D a duration such as 1h30m.
Results are printed as RFC 3339 UTC instants and compact durations; `sla` prints one report
per ticket as JSON Lines (a ticket that cannot be evaluated gets an error record instead);
`route` replays tickets through a router and prints its decisions as JSON Lines, then a
per-agent load summary on standard error.
`refund` prints one decision per request (JSON Lines for a .jsonl file or standard input).
Bad input prints one line on standard error and exits with status 2; the line names the file,
the line number and the field, and quotes no more of the input than the value at fault. A
failure that is not the input's fault (a bug) prints its kind and where it happened, and exits
with status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TextIO
from zoneinfo import ZoneInfo

from aftersales import _cli_kpi
from aftersales import (
    Calendar,
    InputError,
    Router,
    RoutingDecision,
    Error,
    Policy,
    PolicyError,
    RefundEngine,
    SlaEngine,
    SlaMetric,
    __version__,
    format_duration,
    format_instant,
    parse_duration,
    parse_instant,
)

BAD_INPUT = 2
UNEXPECTED = 1
# More threads than this is a typing mistake, not a machine: refused rather than attempted.
MAX_THREADS = 1024
MAX_ORDERS = 2**63 - 1  # the library counts in 64 bits
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
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        # A bug, not bad input. Its message or a traceback could quote the input (a ticket,
        # a customer id), so only its kind and where it was raised are shown.
        where = traceback.extract_tb(error.__traceback__)[-1]
        print(
            f"aftersales: internal error: {type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            " (please report it)",
            file=sys.stderr,
        )
        return UNEXPECTED
    return 0


def _one_line(message: str) -> str:
    # A PolicyError lists one problem per line after a heading; keep them all on one line.
    heading, *details = [line.strip() for line in message.splitlines()] or [""]
    return heading + (": " + "; ".join(details) if details else "")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other error of the command: the usage it
    would print first is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
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

    route = commands.add_parser(
        "route",
        help="replay tickets through a router (JSON Lines of decisions out)",
        description="Routes each ticket at its created_at and again at each `reopened` event; a "
        "`resolved` event releases the ticket (or withdraws it if it is still waiting), and the "
        "router dispatches after every step. Decisions go to standard output as JSON Lines, a "
        "per-agent load summary to standard error.",
    )
    route.add_argument("--policy", required=True, help="policy document (JSON) with a routing section")
    route.add_argument("--agents", required=True, help="agents: a JSON array, or {\"agents\": [...]}")
    route.add_argument("tickets", metavar="TICKETS", help="tickets as JSON Lines, or - for standard input")
    route.set_defaults(run=_run_route)
    refund = commands.add_parser(
        "refund",
        help="decide refund requests (a JSON object, or JSON Lines)",
        description="Prints the policy's decision on each refund request as JSON. REQUESTS is one "
        "request object (a .json file), or JSON Lines (a .jsonl file, or - for standard input) "
        "with one decision line per request line; a bad line gives {\"line\": N, \"error\": ...}.",
    )
    refund.add_argument("--policy", required=True, help="policy document (JSON)")
    refund.add_argument("requests", metavar="REQUESTS", help="request.json, requests.jsonl, or - for JSON Lines")
    refund.add_argument(
        "--threads", type=_thread_count, default=0, metavar="N", help="worker threads (default 0: one per core)"
    )
    refund.set_defaults(run=_run_refund)
    _cli_kpi.add_commands(commands, _load, _thread_count, _order_count)

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


def _whole_number(text: str, maximum: int, expected: str) -> int:
    """`text` as a whole number from 0 to `maximum`, or an argparse error saying what was `expected`."""
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if re.fullmatch("[0-9]{1,30}", text) is None or int(text) > maximum:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text[:30]!r}")
    return int(text)


def _thread_count(text: str) -> int:
    return _whole_number(text, MAX_THREADS, f"a whole number of threads from 0 to {MAX_THREADS} (0: one per core)")


def _order_count(text: str) -> int:
    return _whole_number(text, MAX_ORDERS, f"a whole number of orders from 0 to {MAX_ORDERS}")


# Tickets are evaluated a block at a time, so that a whole season's JSON Lines stream through in
# bounded memory; each block ends at a line end.
_BLOCK_BYTES = 16 << 20
_ERROR_RECORD = re.compile(rb'^\{"line":(\d+),', re.MULTILINE)


def _run_sla(args: argparse.Namespace) -> None:
    at = parse_instant(args.at) if args.at is not None else dt.datetime.now(dt.timezone.utc)
    policy = _load(Path(args.policy))
    if args.tickets == "-":
        _evaluate_stream(SlaEngine(policy), sys.stdin.buffer, at, args.threads)
        return
    try:
        # Opened apart from the reading so that only its own errors say "cannot read".
        tickets = open(args.tickets, "rb")
    except OSError as error:
        raise UsageError(f"{args.tickets}: cannot read the tickets: {error.strerror}") from None
    with tickets:
        _evaluate_stream(SlaEngine(policy), tickets, at, args.threads)


def _evaluate_stream(engine: SlaEngine, tickets: BinaryIO, at: dt.datetime, threads: int) -> None:
    out = sys.stdout.buffer
    lines_before = 0
    for block in _blocks(tickets):
        reports = engine.evaluate_lines(block, at, threads).encode()
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


def _run_route(args: argparse.Namespace) -> None:
    policy = _load(Path(args.policy))
    router = Router(policy)
    _staff(router, Path(args.agents))
    name = "<stdin>" if args.tickets == "-" else args.tickets
    tickets = _read_tickets(_read_text(args.tickets, "tickets"), name)
    served = _replay(router, tickets, name, lambda d: print(d.to_json()))
    sys.stdout.flush()
    _print_loads(router, served, sys.stderr)


def _staff(router: Router, path: Path) -> None:
    for index, agent in enumerate(_read_agents(path)):
        try:
            router.upsert_agent(agent)
        except InputError as error:
            raise UsageError(f"{path}: agents[{index}]: {_one_line(str(error))}") from None


def _read_agents(path: Path) -> list[dict[str, Any]]:
    document = _json(_read_text(str(path), "agents"), str(path))
    agents = document.get("agents") if isinstance(document, dict) else document
    if not isinstance(agents, list):
        raise UsageError(f'{path}: expected a JSON array of agents or {{"agents": [...]}}')
    # Where each id was first seen; ids that are not strings are left to the router to refuse.
    first: dict[str, int] = {}
    for index, agent in enumerate(agents):
        agent_id = agent.get("id") if isinstance(agent, dict) else None
        if isinstance(agent_id, str) and first.setdefault(agent_id, index) != index:
            raise UsageError(f"{path}: agents[{index}].id: the same id as agents[{first[agent_id]}]")
    return agents


def _read_bytes(source: str, what: str) -> bytes:
    """The file `source`, or standard input for -."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        with open(source, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise UsageError(f"{source}: cannot read the {what}: {error.strerror}") from None


def _read_text(source: str, what: str) -> str:
    """The file `source` (- for standard input) as UTF-8 text; a UsageError says where it is not."""
    data = _read_bytes(source, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        name = "<stdin>" if source == "-" else source
        raise UsageError(f"{name}:{line}: not UTF-8 text") from None


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        # The decoder's message gives the line and column, never the text.
        raise UsageError(f"{where}: not JSON: {error}") from None
    except RecursionError:
        # Python's decoder recurses once per level of nesting.
        raise UsageError(f"{where}: nested too deeply") from None


# A ticket to replay: its line in the input, and the ticket.
Numbered = tuple[int, dict[str, Any]]


def _read_tickets(text: str, name: str) -> list[Numbered]:
    tickets = []
    # Split at "\n" only: str.splitlines() also splits at U+2028, which JSON allows inside a string.
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            ticket = _json(line, f"{name}:{number}")
            if not isinstance(ticket, dict):
                raise UsageError(f"{name}:{number}: expected a ticket object, found {_json_type(ticket)}")
            tickets.append((number, ticket))
    return tickets


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


# Replay steps at one instant run in this order: releases first, so that their places can go to
# the tickets arriving at that instant.
_RELEASE, _ROUTE = 0, 1
# The events that make a replay step.
_EVENT_STEPS: dict[object, int] = {"resolved": _RELEASE, "reopened": _ROUTE}


def _replay(
    router: Router, tickets: list[Numbered], name: str, emit: Callable[[RoutingDecision], object]
) -> dict[str, int]:
    """Feeds the tickets' lifecycles to the router in time order; returns tickets served per agent.
    `name` names the input in messages, with a ticket's line number."""
    steps: list[tuple[dt.datetime, int, int]] = []
    for order, (number, ticket) in enumerate(tickets):
        steps.extend((at, kind, order) for at, kind in _steps(ticket, f"{name}:{number}"))
    steps.sort(key=lambda step: (step[0], step[1], step[2]))
    holder: dict[str, str] = {}
    served: dict[str, int] = {}

    def record(decision: RoutingDecision) -> None:
        if decision.agent is not None:
            holder[decision.ticket] = decision.agent
            served[decision.agent] = served.get(decision.agent, 0) + 1
        emit(decision)

    for at, kind, order in steps:
        number, ticket = tickets[order]
        ticket_id = ticket["id"]
        if kind == _RELEASE:
            if ticket_id in holder:
                router.release(holder.pop(ticket_id), ticket_id)
            else:
                router.withdraw(ticket_id)
        elif ticket_id not in holder:
            try:
                record(router.route(ticket, at))
            except InputError as error:
                raise UsageError(f"{name}:{number}: {_one_line(str(error))}") from None
        for decision in router.dispatch(at):
            record(decision)
    return served


def _steps(ticket: dict[str, Any], where: str) -> Iterator[tuple[dt.datetime, int]]:
    """When `ticket` (at `where` in the input) is routed and released, checking only what the
    replay itself reads: the router checks the rest."""
    if not isinstance(ticket.get("id"), str):
        raise UsageError(f"{where}: id: {_missing_or('expected a string', ticket.get('id'))}")
    yield _when(ticket.get("created_at"), f"{where}: created_at"), _ROUTE
    events = ticket.get("events")
    if events is None:
        return
    if not isinstance(events, list):
        raise UsageError(f"{where}: events: expected an array, found {_json_type(events)}")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise UsageError(f"{where}: events[{index}]: expected an object, found {_json_type(event)}")
        kind = _EVENT_STEPS.get(event.get("type"))
        if kind is not None:
            yield _when(event.get("at"), f"{where}: events[{index}].at"), kind


def _when(value: object, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise UsageError(f"{where}: {_missing_or('expected an RFC 3339 instant', value)}")
    try:
        return parse_instant(value)
    except InputError as error:
        raise UsageError(f"{where}: {_one_line(str(error))}") from None


def _missing_or(expected: str, value: object) -> str:
    return "missing" if value is None else f"{expected}, found {_json_type(value)}"


def _print_loads(router: Router, served: dict[str, int], out: TextIO) -> None:
    # The snapshot is JSON Lines (docs/routing.md): one record a line.
    agents: list[dict[str, Any]] = []
    holding: dict[str, int] = {}
    waiting = 0
    for line in router.snapshot().splitlines():
        record = json.loads(line)
        if "agent" in record:
            agents.append(record["agent"])
        elif "assigned" in record:
            agent_id = record["assigned"][1]  # [ticket, agent, queue, channel]
            holding[agent_id] = holding.get(agent_id, 0) + 1
        elif "waiting" in record:
            waiting += 1
    rows = [("agent", "status", "queues", "served", "holding")]
    for agent in agents:
        agent_id = agent["id"]
        rows.append(
            (agent_id, agent["status"], ",".join(agent["queues"]),
             str(served.get(agent_id, 0)), str(holding.get(agent_id, 0)))
        )
    widths = [max(map(len, column)) for column in zip(*rows)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip(), file=out)
    print(f"waiting: {waiting}", file=out)


def _run_refund(args: argparse.Namespace) -> None:
    policy = _load(Path(args.policy))
    if args.requests == "-" or args.requests.endswith(".jsonl"):
        # As bytes: a line that is not UTF-8 is one bad line, with its error record.
        sys.stdout.write(RefundEngine(policy).check_lines(_read_bytes(args.requests, "requests"), args.threads))
        return
    request = _json(_read_text(args.requests, "requests"), args.requests)
    if not isinstance(request, dict):
        raise UsageError(f"{args.requests}: expected one request object (use a .jsonl file for many)")
    print(RefundEngine(policy).check(request).to_json())


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
    print(f"aftersales {__version__}: a Double 11 under {path.as_posix()}")
    print(f"calendars: {', '.join(policy.calendar_names)}")
    _demo_cn_service(policy.calendar("cn-service"))
    _demo_eu_service(policy.calendar("eu-service"))
    # The example tickets sit beside the example policy: examples/{policies,tickets}/.
    _demo_sla(policy, path.parent.parent / "tickets" / "double11.jsonl")
    examples = path.parent.parent
    _demo_routing(policy, examples / "tickets" / "double11.jsonl", examples / "agents" / "cn-agents.json")
    _demo_refunds(policy)
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
    sla = SlaEngine(policy)
    look_again = []
    for ticket in tickets:
        report = sla.evaluate(ticket, at)
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


def _demo_routing(policy: Policy, tickets_path: Path, agents_path: Path) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2026, 11, 13, 10, 0, tzinfo=zone)
    print(f"\nRouting: the Double 11 tickets arrive at once at {_local(at)}")
    if not tickets_path.is_file() or not agents_path.is_file():
        print(f"  (no example tickets or agents beside {tickets_path.parent.parent.as_posix()})")
        return
    router = Router(policy)
    _staff(router, agents_path)
    lines = tickets_path.read_text(encoding="utf-8").splitlines()
    rows = [("ticket", "category", "queue", "agent", "why")]
    for ticket in map(json.loads, filter(str.strip, lines)):
        decision = router.route(ticket, at)
        who = "bot" if decision.bot else decision.agent or "waits"
        rows.append((decision.ticket, str(ticket["category"]), decision.queue, who, decision.reasons[-1]))
    widths = [max(map(len, column)) for column in zip(*rows)]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    later = at + dt.timedelta(minutes=6)
    moved = router.dispatch(later)
    print(f"  Dispatch at {_short(later, zone)}: " + (
        ", ".join(f"{d.ticket} -> {d.agent} ({d.reasons[1]})" for d in moved) or "nothing to move"
    ))


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


# A Double 11 order: a coat, three pairs of socks and a face mask the customer confirmed at
# purchase could not be returned once unsealed; a 50.00 coupon; delivery free from 99.00.
_DEMO_ORDER: dict[str, object] = {
    "id": "O-1111",
    "currency": "CNY",
    "placed_at": "2026-11-11T00:10:00+08:00",
    "shipped_at": "2026-11-11T10:00:00+08:00",
    "delivered_at": "2026-11-13T15:00:00+08:00",
    "shipping_fee": "10.00",
    "free_shipping_threshold": "99.00",
    "lines": [
        {"id": "coat", "category": "apparel", "unit_price": "399.00", "quantity": 1},
        {"id": "socks", "category": "apparel", "unit_price": "19.90", "quantity": 3},
        {"id": "mask", "category": "hygiene_unsealed", "unit_price": "59.00", "quantity": 1,
         "no_return_confirmed": True},
    ],
    "discounts": [{"id": "D11-coupon", "amount": "50.00"}],
}


def _demo_refunds(policy: Policy) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    print("\nRefunds of a Double 11 order: coat 399.00, 3 x socks 19.90, mask 59.00, coupon -50.00, free delivery")
    asks = [
        ("one pair of socks, 11-25 (inside the Double 11 extension)", "socks", 1, "2026-11-25T20:00:00+08:00", "no_reason"),
        ("the mask, 11-14", "mask", 1, "2026-11-14T09:00:00+08:00", "no_reason"),
        ("the coat, 12-01", "coat", 1, "2026-12-01T09:00:00+08:00", "no_reason"),
        ("the coat as faulty, 11-15", "coat", 1, "2026-11-15T09:00:00+08:00", "quality"),
    ]
    refunds = RefundEngine(policy)
    for label, line, quantity, at, reason in asks:
        decision = refunds.check(
            {
                "order": _DEMO_ORDER,
                "items": [{"line": line, "quantity": quantity, "condition": "intact"}],
                "reason": reason,
                "requested_at": at,
                "customer": {"credit_score": 700, "refunds_90d": 0},
            }
        )
        if decision.eligible:
            due = decision.refund_due_by
            answer = (
                f"{decision.resolution}, {decision.refund.total} {decision.refund.currency}"
                f" ({decision.return_shipping} ships back"
                + (", paid before the return arrives" if decision.fast_refund else "")
                + (f", due {_short(due, zone)}" if due is not None else "")
                + ")"
            )
        else:
            answer = "refused: " + "; ".join(f"{r.code} {r.message}" for r in decision.reasons)
        _say(f"{reason} return of {label}", answer)
