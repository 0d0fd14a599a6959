"""The `aftersales` command: a policy's rules (calendars, SLA, routing, refunds, KPIs) from a shell.
docs/cli.md is its manual; `aftersales COMMAND --help` shows each command's options and examples.

    aftersales calendar --policy P NAME is-open T
    aftersales calendar --policy P NAME next-open T
    aftersales calendar --policy P NAME add T D
    aftersales calendar --policy P NAME between T1 T2       (each: [--format table|jsonl|csv])
    aftersales sla --policy P TICKETS.jsonl [--at T] [--threads N] [--format jsonl|table|csv]
    aftersales route --policy P --agents AGENTS.json TICKETS.jsonl [--format jsonl|table|csv]
    aftersales refund --policy P REQUEST.json | REQUESTS.jsonl | - [--threads N] [--format jsonl|table|csv]
    aftersales compensate --policy P REQUEST.json | REQUESTS.jsonl | - [--threads N] [--format jsonl|table|csv]
    aftersales kpi --policy P TICKETS.jsonl [--at T] [--by agent,day] [--scorecard ID] [--json | --format F]
    aftersales staffing (--contacts N | --orders N --contact-rate R) [--aht D] [--patience D] [--format F]
    aftersales validate POLICY
    aftersales holidays (--country CC --years Y1-Y2 | --ical FILE) [--policy P --calendar NAME] [-o FILE]
    aftersales report --policy P TICKETS.jsonl [--at T] -o REPORT.html
    aftersales demo [--policy P] [--report REPORT.html]

T is RFC 3339 with an offset (2026-11-11T00:05:00+08:00), `now`, or a bare date (2026-11-11: its
midnight in the policy's time zone: the calendar asked for `calendar`; else kpi's --time-zone, the
policy's kpi.timezone, the zone its calendars share, or the first calendar's by name, said on
standard error when the policy has several calendars). D is a duration such as 1h30m. Every file
argument, --policy and --agents included, may be - for standard input (one of them per command).

--format: `table` (aligned; compact durations), `jsonl` or `csv` (a header row, RFC 4180 quoting;
durations in seconds, instants RFC 3339 UTC); each command's default is what it printed before
(JSON Lines for sla, route, refund and compensate; a table for kpi and staffing). `sla --format table` is a
row per metric instance: ticket, metric, cycle, state, target, elapsed, remaining, due, breached, queue.
`staffing` passes only the options given: the rest are the library's defaults (C++ QueueLoad and
ServiceGoal), the same on every surface.
`report` writes one HTML page of charts and tables that opens with no network (it needs
matplotlib: pip install 'aftersales[report]'); `demo` writes one of the example tickets.
`sla`, `refund`, `compensate`, `kpi` and `route` show a progress bar on standard error when it is a terminal
(tqdm's when installed, pip install 'aftersales[progress]'; else a line of counts); --progress /
--no-progress force it on or off. Standard output is the same either way.

Exit statuses:
    0  success
    1  internal error (a bug): its kind and where it happened, one line on standard error
    2  bad input or usage: one line on standard error naming the file, the line number and the
       field, quoting no more of the input than the value at fault (validate: the policy's
       problems, one a line on standard output)
    3  some input lines failed, the others were processed (sla, refund, compensate): each failed line has its
       error record ({"line": N, "error": ...}) in JSON Lines, or a line on standard error with
       a table or CSV; then one summary line on standard error: how many failed, the first's number

Each command is a module of this package with `add_parser(commands, options)`, which declares
its arguments (the shared ones through the parent parsers of `_common.Options`) and the
function that runs it (returning the exit status, or None for 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from aftersales import Error, __version__
from aftersales.cli import calendar, compensate, demo, holidays, kpi, refund, report, route, sla, staffing, validate
from aftersales.cli._common import (
    BAD_INPUT,
    LINES_FAILED,
    UNEXPECTED,
    LinesFailed,
    Options,
    Parser,
    UsageError,
    check_standard_input,
    one_line,
)

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line `argv` (default: sys.argv[1:]) and returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        check_standard_input(args)
        status = args.run(args)
    except (Error, UsageError) as error:
        print(f"aftersales: error: {one_line(str(error))}", file=sys.stderr)
        return BAD_INPUT
    except LinesFailed as failed:
        print(f"aftersales: {failed}", file=sys.stderr)
        return LINES_FAILED
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
    return status or 0


_EXIT_STATUSES = """\
exit statuses:
  0  success
  1  internal error (a bug)
  2  bad input or usage (validate: the policy has problems)
  3  some input lines failed; the others were processed (a summary on standard error)

docs/cli.md has the details; each command's --help has examples."""


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = Parser(
        prog="aftersales", description="Business calendars and SLA clocks of an after-sales policy.",
        epilog=_EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"aftersales {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    options = Options()
    for command in (calendar, sla, route, refund, compensate, kpi, staffing, validate, holidays, report, demo):
        command.add_parser(commands, options)
    return parser
