"""`aftersales sla`: the SLA clocks of tickets, JSON Lines in, reports out (JSON Lines, or a row a
metric as a table or CSV), streamed a block at a time."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from aftersales import SlaEngine, parse_instant
from aftersales.cli._common import (
    Column,
    FailedLines,
    Options,
    RowWriter,
    UsageError,
    add_format,
    at_argument,
    described,
    file_size,
    input_name,
    load,
    one_line,
    open_input,
)
from aftersales.cli._progress import bar

# The bytes read at a time (the library's default), a module constant so that tests can make
# blocks of a line or two.
_BLOCK_BYTES = 16 << 20


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    sla = commands.add_parser(
        "sla",
        parents=[options.policy, options.tickets, options.at, options.threads, options.progress],
        help="evaluate the SLA clocks of tickets (JSON Lines in, JSON Lines, a table or CSV out)",
        **described(
            "Writes one SLA report per ticket line to standard output, in input order. A line that "
            "cannot be evaluated gives {\"line\": N, \"error\": ...} (with --format table or csv: a "
            "line on standard error) and the rest go on; the exit status is then 3.\n\n"
            "--format table or csv: a row per metric instance (a clock and its cycle) of each ticket: "
            "its state, target, business time elapsed and remaining, when it is due, was "
            "breached (a miss) and was completed, the ticket's SLA status (fulfilled, failed, "
            "active, active_with_misses), an OLA's queue, and a due instant an sla_override set.\n\n"
            "--explain: each metric of each report carries its \"timeline\": the stretches its clock "
            "counted (with their business time, which sums to elapsed_s), those it was paused and why, "
            "and the calendar's closed time it skipped (docs/sla.md). JSON Lines only.",
            "aftersales sla --policy policy.json tickets.jsonl --at 2026-11-13T10:00:00+08:00",
            "aftersales sla --policy policy.json tickets.jsonl --at now --format table",
            "aftersales sla --policy policy.json - --at 2026-11-13 --format csv < tickets.jsonl > clocks.csv",
            "aftersales sla --policy policy.json tickets.jsonl | jq -c 'select(any(.metrics[]?; .state == \"breached\"))'",
            "aftersales sla --policy policy.json tickets.jsonl --at 2026-11-13 --explain",
        ),
    )
    add_format(sla, "jsonl", "a report a ticket (jsonl) or a row a metric instance (table, csv)")
    sla.add_argument("--explain", action="store_true",
                     help="add each metric's timeline: counted, paused and closed stretches (JSON Lines only)")
    sla.set_defaults(run=run)


_COLUMNS = (
    Column("ticket"),
    Column("metric"),
    Column("cycle"),
    Column("state"),
    Column("target_s", "target"),
    Column("elapsed_s", "elapsed"),
    Column("remaining_s", "remaining"),
    Column("due_at", "due"),
    Column("breached_at", "breached"),
    Column("completed_at", "completed", only="data"),  # the table kept narrow
    Column("ticket_status"),  # the ticket's, on each of its rows; empty without a policy
    # Last, so that the columns before keep their places: an OLA's queue, a due instant set by hand.
    Column("queue"),
    Column("override_due_at", "override", only="data"),
)


def run(args: argparse.Namespace) -> None:
    if args.explain and args.format != "jsonl":
        raise UsageError(f"--explain gives JSON Lines; it cannot be combined with --format {args.format}")
    policy = load(args.policy)
    at = at_argument(args, policy)
    engine = SlaEngine(policy)
    failed = FailedLines()
    reports = _Reports(failed) if args.format == "jsonl" else _Rows(failed, args.format, input_name(args.tickets))
    # The tickets stream through a block at a time (bounded memory, reports written as made); the
    # bar counts bytes read: a stream's lines are not known before it ends.
    with open_input(args.tickets, "tickets") as tickets, bar(args.progress, "B", file_size(tickets)) as shown:
        engine.evaluate_file(tickets, reports, at, args.threads,
                             progress=None if shown is None else shown.streamed, block_bytes=_BLOCK_BYTES,
                             explain=args.explain)
    reports.close()
    failed.check(args.tickets)


class _Reports:
    """The reports as they are (JSON Lines) to standard output, their error records counted. A
    binary file object for evaluate_file, which writes in pieces that need not end at a line's end."""

    def __init__(self, failed: FailedLines) -> None:
        self._failed = failed
        self._tail = b""

    def write(self, data: bytes) -> int:
        sys.stdout.buffer.write(data)
        whole, _, self._tail = (self._tail + data).rpartition(b"\n")
        self._failed.scan(whole)
        return len(data)

    def flush(self) -> None:
        sys.stdout.buffer.flush()

    def close(self) -> None:
        self._failed.scan(self._tail)
        self.flush()


class _Rows(_Reports):
    """The reports as rows of _COLUMNS, a row per metric instance; an error record becomes a line on
    standard error, said by close(): once the progress bar is gone, not across it."""

    def __init__(self, failed: FailedLines, form: str, name: str) -> None:
        super().__init__(failed)
        self._name = name
        self._rows = RowWriter(_COLUMNS, form, sys.stdout)
        self._errors: list[str] = []

    def write(self, data: bytes) -> int:
        *lines, self._tail = (self._tail + data).split(b"\n")
        for line in lines:
            self._add(line)
        return len(data)

    def flush(self) -> None:
        sys.stdout.flush()

    def close(self) -> None:
        if self._tail:
            self._add(self._tail)
        self._rows.close()
        self.flush()
        for error in self._errors:
            print(error, file=sys.stderr)

    def _add(self, line: bytes) -> None:
        self._failed.scan(line)
        report = json.loads(line)
        if "error" in report:
            self._errors.append(f"aftersales: {self._name}:{report['line']}: {one_line(report['error'])}")
            return
        # A ticket without clocks still has its row, which says why: it did not exist at --at, no
        # SLA policy of the document applies to it, or the one that applies times nothing at its
        # priority (its ticket_status then says fulfilled, as sla_frame's row does).
        why = ("not_yet_created" if report.get("not_yet_created") else
               "no_policy" if report.get("policy") is None else "no_target")
        without = {"state": why}
        for metric in report["metrics"] or [without]:
            self._rows.add(_row(report["ticket"], metric, report.get("status")))


def _row(ticket: str, metric: dict[str, Any], status: str | None) -> tuple[Any, ...]:
    def seconds(key: str) -> dt.timedelta | None:
        return None if metric.get(key) is None else dt.timedelta(seconds=metric[key])

    def instant(key: str) -> dt.datetime | None:
        return None if metric.get(key) is None else parse_instant(metric[key])

    return (ticket, metric.get("metric"), metric.get("cycle"), metric.get("state"), seconds("target_s"),
            seconds("elapsed_s"), seconds("remaining_s"), instant("due_at"), instant("breached_at"),
            instant("completed_at"), status, metric.get("queue"), instant("override_due_at"))
