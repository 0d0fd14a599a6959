"""`aftersales route`: tickets replayed through a router, its decisions as JSON Lines."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from aftersales import InputError, NotFoundError, Router, RoutingDecision, format_instant, parse_instant
from aftersales.cli._common import (
    Column,
    Options,
    RowWriter,
    UsageError,
    add_format,
    aligned,
    described,
    input_name,
    json_type,
    load,
    one_line,
    parse_json,
    read_text,
    write_rows,
)
from aftersales.cli._progress import bar


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    route = commands.add_parser(
        "route",
        parents=[options.policy, options.tickets, options.progress],
        help="replay tickets through a router (JSON Lines of decisions out)",
        **described(
            "Routes each ticket at its created_at and again at each `reopened` event; a `resolved` "
            "event releases the ticket (or withdraws it if it is still waiting), and the router "
            "dispatches after every step. With the routing section's offers, each offer is accepted "
            "the instant it is made, unless --operations says how the agents answer: then offers "
            "are accepted or declined as it says, or lapse. Decisions go to standard output (JSON Lines, or a table or "
            "CSV with --format), a per-agent load summary to standard error. The policy needs a "
            "routing section.",
            "aftersales route --policy policy.json --agents agents.json tickets.jsonl",
            "aftersales route --policy policy.json --agents agents.json tickets.jsonl --format table",
            "aftersales route --policy policy.json --agents agents.json - --format csv < tickets.jsonl > decisions.csv",
            "aftersales route --policy policy.json --agents agents.json tickets.jsonl --explain T-5 --format table",
            "aftersales route --policy policy.json --agents agents.json tickets.jsonl --operations answers.jsonl",
        ),
    )
    route.add_argument("--agents", required=True, help="agents: a JSON array, or {\"agents\": [...]}; - for "
                       "standard input")
    route.add_argument("--operations", metavar="FILE",
                       help='JSON Lines (- for standard input) of what the agents do with offers, each '
                       '{"at", "op": "accept" or "decline", "agent", "ticket"}, or {"at", "op": "dispatch"} '
                       '(a dispatch at that instant, when offers lapse); offers nobody answers lapse '
                       '(docs/routing.md, "Answering offers")')
    add_format(route, "jsonl", "a decision a row; in a table, the last of its reasons")
    why = route.add_argument_group(
        "why is this waiting?",
        "After the replay, explain why a ticket still waits (docs/routing.md): instead of the decisions, "
        "standard output gets a row per reason (how many agents fail first on it), or with --list a row "
        "per agent (its first failed criterion), in --format.")
    why.add_argument("--explain", metavar="TICKET", help="the id of a ticket waiting at the end of the replay")
    why.add_argument("--list", type=_page_size, default=0, metavar="N",
                     help=f"list N agents (at most {_MAX_LISTED}) by id instead of the summary")
    why.add_argument("--offset", type=_place, default=0, metavar="K", help="with --list: from the K-th agent (0 first)")
    route.set_defaults(run=run)


# ExplainOptions::max_limit: a page of agents, not all of a large router's.
_MAX_LISTED = 1000


def _page_size(text: str) -> int:
    count = _place(text)
    if not 1 <= count <= _MAX_LISTED:
        raise argparse.ArgumentTypeError(f"a page is 1 to {_MAX_LISTED} agents, not {count}")
    return count


def _place(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {value}")
    return value


def run(args: argparse.Namespace) -> None:
    router = Router(load(Path(args.policy)))
    staff(router, Path(args.agents))
    name = input_name(args.tickets)
    # Reading the tickets (JSON in Python) takes as long as replaying them: it has a bar of its own.
    with bar(args.progress, "line") as progress:
        tickets = _read_tickets(read_text(args.tickets, "tickets"), name, progress)
    operations = None
    if args.operations is not None:
        operations = Operations(input_name(args.operations),
                                _read_operations(read_text(args.operations, "operations"), input_name(args.operations)))
    if args.explain is None and (args.list or args.offset):
        raise UsageError("--list and --offset go with --explain TICKET")
    if args.explain is not None:
        # The decisions are not the output: the explanation is.
        with bar(args.progress, "step") as progress:
            served = _replay(router, tickets, name, lambda d: None, progress, operations)
        _explain(router, args.explain, args.list, args.offset, args.format, sys.stdout)
        sys.stdout.flush()
        _print_loads(router, served, sys.stderr)
        return
    rows = None if args.format == "jsonl" else RowWriter(_COLUMNS, args.format, sys.stdout)
    with bar(args.progress, "step") as progress:
        served = _replay(router, tickets, name, lambda d: print(d.to_json()) if rows is None else rows.add(_row(d)),
                         progress, operations)
    if rows is not None:
        rows.close()
    sys.stdout.flush()
    _print_loads(router, served, sys.stderr)


# A table shows a reason's text without the count that starts it (the agents column has it), so
# that the text is not taken for a number and right-aligned.
_SUMMARY_COLUMNS = (Column("reason"), Column("agents"), Column("why", only="table"), Column("text", only="data"))
_AGENT_COLUMNS = (Column("agent"), Column("reason"), Column("text", "why"))


def _explain(router: Router, ticket_id: str, listed: int, offset: int, form: str, out: TextIO) -> None:
    """Why `ticket_id` waits, as the last dispatch of the replay left the router: a row per reason,
    or (`listed` > 0) a row per agent from `offset`; what the ticket needs goes to standard error."""
    explanation = router.explain(ticket_id, offset=offset, limit=listed)
    needs = [f"queues {', '.join(explanation.queues)}", f"channel {explanation.channel}"]
    if explanation.language is not None:
        needs.append(f"language {explanation.language}")
    if explanation.skills:
        needs.append("skills " + ", ".join(f"{skill} >= {level}" for skill, level in explanation.skills.items()))
    print(f"{explanation.ticket} waits since {format_instant(explanation.waiting_since)}: {'; '.join(needs)}; "
          f"{explanation.agents} agents", file=sys.stderr)
    if listed:
        write_rows(_AGENT_COLUMNS, [(a.agent, a.reason, a.text) for a in explanation.listed], form, out)
    else:
        write_rows(_SUMMARY_COLUMNS, [(c.reason, c.agents, c.text.split(" ", 1)[1], c.text) for c in explanation.summary],
                   form, out)


_COLUMNS = (
    Column("ticket"),
    Column("queue"),
    Column("rule"),
    Column("agent"),
    Column("bot"),
    Column("priority"),
    Column("waiting"),
    Column("why", only="table"),
    Column("reasons", only="data"),
)


def _row(decision: RoutingDecision) -> tuple[Any, ...]:
    """A decision as a row of _COLUMNS (a table or CSV; JSON Lines are the decision's own JSON): a
    table shows the last reason, which names who was chosen or why none could be; CSV all of them."""
    return (decision.ticket, decision.queue, decision.rule, decision.agent, decision.bot, decision.priority,
            decision.waiting, decision.reasons[-1] if decision.reasons else None, "; ".join(decision.reasons))


def staff(router: Router, path: Path) -> None:
    for index, agent in enumerate(_read_agents(path)):
        try:
            router.upsert_agent(agent)
        except InputError as error:
            raise UsageError(f"{path}: agents[{index}]: {one_line(str(error))}") from None


def _read_agents(path: Path) -> list[dict[str, Any]]:
    document = parse_json(read_text(str(path), "agents"), str(path))
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


# A ticket to replay: its line in the input, and the ticket.
Numbered = tuple[int, dict[str, Any]]


# Lines read between two moves of the bar.
_LINES_PER_REPORT = 1024


def _read_objects(text: str, name: str, what: str,
                  progress: Callable[[int, int], object] | None = None) -> list[Numbered]:
    """The JSON objects of the lines of `text`, with their line numbers; `progress(done, total)` is
    told the lines read."""
    objects = []
    # Split at "\n" only: str.splitlines() also splits at U+2028, which JSON allows inside a string.
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if progress is not None and number % _LINES_PER_REPORT == 0:
            progress(number, len(lines))
        if line.strip():
            value = parse_json(line, f"{name}:{number}")
            if not isinstance(value, dict):
                raise UsageError(f"{name}:{number}: expected {what} object, found {json_type(value)}")
            objects.append((number, value))
    return objects


def _read_tickets(text: str, name: str, progress: Callable[[int, int], object] | None = None) -> list[Numbered]:
    """The tickets of `text`, with their line numbers; `progress(done, total)` is told the lines read."""
    return _read_objects(text, name, "a ticket", progress)


# What an operation is: "accept" and "decline" name an agent and a ticket, "dispatch" neither.
_ANSWERS = ("accept", "decline")
_OPERATIONS = (*_ANSWERS, "dispatch")


def _read_operations(text: str, name: str) -> list[tuple[int, dict[str, Any], dt.datetime]]:
    """The operations of `text` (docs/routing.md, "Answering offers"), each with its line number
    and instant, checked for what the replay reads: the router checks the rest."""
    operations = []
    for number, op in _read_objects(text, name, "an operation"):
        where = f"{name}:{number}"
        name_of = op.get("op")
        if isinstance(name_of, str) and name_of not in _OPERATIONS:
            raise UsageError(f"{where}: op: {json.dumps(name_of)} is not accept, decline or dispatch")
        if not isinstance(name_of, str):
            raise UsageError(f"{where}: op: {_missing_or('expected accept, decline or dispatch', name_of)}")
        for key in ("agent", "ticket") if op["op"] in _ANSWERS else ():
            if not isinstance(op.get(key), str):
                raise UsageError(f"{where}: {key}: {_missing_or('expected a string', op.get(key))}")
        operations.append((number, op, _when(op.get("at"), f"{where}: at")))
    return operations


class Operations:
    """The operations file: its name for messages, and its operations with their line numbers."""

    def __init__(self, name: str, operations: list[tuple[int, dict[str, Any], dt.datetime]]) -> None:
        self.name = name
        self.operations = operations


# Replay steps at one instant run in this order: releases first, so that their places can go to
# the tickets arriving at that instant; then the operations, which may answer the offers just made.
_RELEASE, _ROUTE, _OPERATION = 0, 1, 2
# The events that make a replay step.
_EVENT_STEPS: dict[object, int] = {"resolved": _RELEASE, "reopened": _ROUTE}


# Replay steps between two calls of the progress callback: the bar costs nothing beside the router.
_STEPS_PER_REPORT = 256


def _replay(
    router: Router,
    tickets: list[Numbered],
    name: str,
    emit: Callable[[RoutingDecision], object],
    progress: Callable[[int, int], object] | None = None,
    operations: Operations | None = None,
) -> dict[str, int]:
    """Feeds the tickets' lifecycles to the router in time order, and the `operations` if given;
    returns tickets served (accepted, or assigned) per agent. `name` names the input in messages,
    with a ticket's line number; `progress(done, total)` is told the steps replayed."""
    steps: list[tuple[dt.datetime, int, int]] = []
    for order, (number, ticket) in enumerate(tickets):
        steps.extend((at, kind, order) for at, kind in _steps(ticket, f"{name}:{number}"))
    for order, (_, _, at) in enumerate(operations.operations if operations is not None else ()):
        steps.append((at, _OPERATION, order))
    steps.sort(key=lambda step: (step[0], step[1], step[2]))
    holder: dict[str, str] = {}
    served: dict[str, int] = {}

    def hold(agent: str, ticket_id: str) -> None:
        holder[ticket_id] = agent
        served[agent] = served.get(agent, 0) + 1

    def record(decision: RoutingDecision, at: dt.datetime) -> None:
        # Without operations, nobody answers an offer: it is accepted as it is made.
        if decision.agent is not None and (decision.offer_expires_at is None or operations is None):
            if decision.offer_expires_at is not None:
                router.accept(decision.agent, decision.ticket, at)
            hold(decision.agent, decision.ticket)
        emit(decision)

    for done, (at, kind, order) in enumerate(steps):
        if progress is not None and done % _STEPS_PER_REPORT == 0:
            progress(done, len(steps))
        if kind == _OPERATION:
            assert operations is not None
            _operate(router, operations, order, at, hold)
            for decision in router.dispatch(at):
                record(decision, at)
            continue
        number, ticket = tickets[order]
        ticket_id = ticket["id"]
        if kind == _RELEASE:
            if ticket_id in holder:
                router.release(holder.pop(ticket_id), ticket_id)
            else:
                router.withdraw(ticket_id)
        elif ticket_id not in holder:
            try:
                record(router.route(ticket, at), at)
            except InputError as error:
                raise UsageError(f"{name}:{number}: {one_line(str(error))}") from None
        for decision in router.dispatch(at):
            record(decision, at)
    if progress is not None:
        progress(len(steps), len(steps))
    return served


def _operate(router: Router, operations: Operations, order: int, at: dt.datetime,
             hold: Callable[[str, str], None]) -> None:
    """Performs operation `order` of `operations` at `at`: an accept holds the ticket for the agent
    (`hold(agent, ticket)`); a dispatch is the one every step ends with."""
    number, op, _ = operations.operations[order]
    if op["op"] not in _ANSWERS:
        return
    try:
        if op["op"] == "accept":
            router.accept(op["agent"], op["ticket"], at)
            hold(op["agent"], op["ticket"])
        else:
            router.decline(op["agent"], op["ticket"], at)
    except (InputError, NotFoundError) as error:
        raise UsageError(f"{operations.name}:{number}: {one_line(str(error))}") from None


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
        raise UsageError(f"{where}: events: expected an array, found {json_type(events)}")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise UsageError(f"{where}: events[{index}]: expected an object, found {json_type(event)}")
        kind = _EVENT_STEPS.get(event.get("type"))
        if kind is not None:
            yield _when(event.get("at"), f"{where}: events[{index}].at"), kind


def _when(value: object, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise UsageError(f"{where}: {_missing_or('expected an RFC 3339 instant', value)}")
    try:
        return parse_instant(value)
    except InputError as error:
        raise UsageError(f"{where}: {one_line(str(error))}") from None


def _missing_or(expected: str, value: object) -> str:
    return "missing" if value is None else f"{expected}, found {json_type(value)}"


def _print_loads(router: Router, served: dict[str, int], out: TextIO) -> None:
    agents = router.agents()  # by id
    # Units used of the agent's units ("6/10"), shown when some agent has a unit capacity.
    units = any(agent.units is not None for agent in agents)
    # Of the tickets held, those on offer, not yet accepted: shown for a policy with offers.
    offers = any(agent.offered is not None for agent in agents)
    rows: list[tuple[str, ...]] = [("agent", "status", "queues", "served", "holding") + (("units",) if units else ())
                                   + (("offered",) if offers else ())]
    for agent in agents:
        row: tuple[str, ...] = (agent.id, agent.status, ",".join(agent.queues), str(served.get(agent.id, 0)),
                                str(agent.total))
        if units:
            row += ("-" if agent.units is None else f"{agent.units_used}/{agent.units}",)
        if offers:
            row += (str(len(agent.offered or ())),)
        rows.append(row)
    for line in aligned(rows):
        print(line, file=out)
    counts = router.counts()
    print(f"waiting: {counts.waiting}" + (f", on offer: {counts.offered}" if offers else ""), file=out)
