"""`aftersales sla`: the SLA clocks of tickets, JSON Lines in and out, streamed a block at a time."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from aftersales import SlaEngine
from aftersales.cli._common import Options, UsageError, instant_of, load
from aftersales.cli._progress import Bar, bar

# Tickets are evaluated a block at a time, so that a whole season's JSON Lines stream through in
# bounded memory; each block ends at a line end.
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
    if args.tickets == "-":
        _evaluate_stream(engine, sys.stdin.buffer, at, args)
        return
    try:
        # Opened apart from the reading so that only its own errors say "cannot read".
        tickets = open(args.tickets, "rb")
    except OSError as error:
        raise UsageError(f"{args.tickets}: cannot read the tickets: {error.strerror}") from None
    with tickets:
        _evaluate_stream(engine, tickets, at, args)


def _evaluate_stream(engine: SlaEngine, tickets: BinaryIO, at: dt.datetime, args: argparse.Namespace) -> None:
    out = sys.stdout.buffer
    first_line = 1
    # The bar counts bytes read: a stream's lines are not known before it ends.
    with bar(args.progress, "B", _size(tickets)) as shown:
        read = 0
        for block in _blocks(tickets):
            # Error records name a block's lines by their numbers in the whole input.
            progress = None if shown is None else _within(shown, read, len(block))
            out.write(engine.evaluate_lines(block, at, args.threads, first_line=first_line, progress=progress).encode())
            first_line += block.count(b"\n")
            read += len(block)
    out.flush()


def _size(stream: BinaryIO) -> int | None:
    """The size of a regular file; None for a pipe, a terminal, or a stream with no file."""
    try:
        status = os.fstat(stream.fileno())
    except OSError:  # io.UnsupportedOperation (an in-memory stream) is one
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def _within(shown: Bar, start: int, size: int) -> Callable[[int, int], None]:
    """The progress callback of the block of `size` bytes at `start`: its lines done as bytes."""
    return lambda done, total: shown.move(start + (size * done // total if total else size))


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
