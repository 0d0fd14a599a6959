"""`aftersales sla`: the SLA clocks of tickets, JSON Lines in and out, streamed a block at a time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aftersales import SlaEngine
from aftersales.cli._common import Options, file_size, instant_of, load, open_input
from aftersales.cli._progress import bar

# The bytes read at a time (the library's default), a module constant so that tests can make
# blocks of a line or two.
_BLOCK_BYTES = 16 << 20


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    sla = commands.add_parser(
        "sla",
        parents=[options.policy, options.tickets, options.at, options.threads, options.progress],
        help="evaluate the SLA clocks of tickets (JSON Lines in, JSON Lines out)",
        description="Writes one SLA report per ticket line to standard output, in input order. "
        "A line that cannot be evaluated gives {\"line\": N, \"error\": ...} and the rest go on.",
    )
    sla.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    at = instant_of(args)
    engine = SlaEngine(load(Path(args.policy)))
    # The tickets stream through a block at a time (bounded memory, reports written as made); the
    # bar counts bytes read: a stream's lines are not known before it ends.
    with open_input(args.tickets, "tickets") as tickets, bar(args.progress, "B", file_size(tickets)) as shown:
        engine.evaluate_file(tickets, sys.stdout.buffer, at, args.threads,
                             progress=None if shown is None else shown.streamed, block_bytes=_BLOCK_BYTES)
