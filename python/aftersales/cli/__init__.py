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
    aftersales holidays (--country CC --years Y1-Y2 | --ical FILE) [--policy P --calendar NAME] [-o FILE]
    aftersales demo [--policy P]

T is RFC 3339 with an offset (2026-11-11T00:05:00+08:00), D a duration such as 1h30m.
Results are printed as RFC 3339 UTC instants and compact durations; `sla` prints one report
per ticket as JSON Lines (a ticket that cannot be evaluated gets an error record instead);
`route` replays tickets through a router and prints its decisions as JSON Lines, then a
per-agent load summary on standard error.
`refund` prints one decision per request (JSON Lines for a .jsonl file or standard input).
`sla`, `refund`, `kpi` and `route` show a progress bar on standard error when it is a terminal
and tqdm is installed (pip install 'aftersales[progress]'); --progress / --no-progress force it
on or off. Standard output is the same either way.
Bad input prints one line on standard error and exits with status 2; the line names the file,
the line number and the field, and quotes no more of the input than the value at fault. A
failure that is not the input's fault (a bug) prints its kind and where it happened, and exits
with status 1.

Each command is a module of this package with `add_parser(commands, options)`, which declares
its arguments (the shared ones through the parent parsers of `_common.Options`) and the
function that runs it.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from aftersales import Error, __version__
from aftersales.cli import calendar, demo, holidays, kpi, refund, route, sla, staffing
from aftersales.cli._common import BAD_INPUT, UNEXPECTED, Options, Parser, UsageError, one_line

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line `argv` (default: sys.argv[1:]) and returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (Error, UsageError) as error:
        print(f"aftersales: error: {one_line(str(error))}", file=sys.stderr)
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


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = Parser(
        prog="aftersales", description="Business calendars and SLA clocks of an after-sales policy."
    )
    parser.add_argument("--version", action="version", version=f"aftersales {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    options = Options()
    for command in (calendar, sla, route, refund, kpi, staffing, holidays, demo):
        command.add_parser(commands, options)
    return parser
