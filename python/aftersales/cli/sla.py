"""`aftersales sla`: the SLA clocks of tickets, JSON Lines in and out, streamed a block at a time."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from aftersales import SlaEngine
from aftersales.cli._common import Options, UsageError, instant_of, load

# Tickets are evaluated a block at a time, so that a whole season's JSON Lines stream through in
# bounded memory; each block ends at a line end.
_BLOCK_BYTES = 16 << 20


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    sla = commands.add_parser(
        "sla",
        parents=[options.policy, options.tickets, options.at, options.threads],
        help="evaluate the SLA clocks of tickets (JSON Lines in, JSON Lines out)",
        description="Writes one SLA report per ticket line to standard output, in input order. "
        "A line that cannot be evaluated gives {\"line\": N, \"error\": ...} and the rest go on.",
    )
    sla.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    at = instant_of(args)
    engine = SlaEngine(load(Path(args.policy)))
    if args.tickets == "-":
        _evaluate_stream(engine, sys.stdin.buffer, at, args.threads)
        return
    try:
        # Opened apart from the reading so that only its own errors say "cannot read".
        tickets = open(args.tickets, "rb")
    except OSError as error:
        raise UsageError(f"{args.tickets}: cannot read the tickets: {error.strerror}") from None
    with tickets:
        _evaluate_stream(engine, tickets, at, args.threads)


def _evaluate_stream(engine: SlaEngine, tickets: BinaryIO, at: dt.datetime, threads: int) -> None:
    out = sys.stdout.buffer
    first_line = 1
    for block in _blocks(tickets):
        # Error records name a block's lines by their numbers in the whole input.
        out.write(engine.evaluate_lines(block, at, threads, first_line=first_line).encode())
        first_line += block.count(b"\n")
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
