"""What the commands share: the options every one of them spells the same way (as argparse
parent parsers), reading the policy and the input files, and the one-line error."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from aftersales import Policy, PolicyError, parse_instant
# The library's rendering of a message on one line, as it folds problem lists; for the commands.
from aftersales._core import one_line as one_line

BAD_INPUT = 2
UNEXPECTED = 1
# More threads than this is a typing mistake, not a machine: refused rather than attempted.
MAX_THREADS = 1024
MAX_ORDERS = 2**63 - 1  # the library counts in 64 bits


class UsageError(Exception):
    """A mistake in how the command was called that argparse cannot see."""


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other error of the command: the usage it
    would print first is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Options:
    """The parent parsers a command lists for the options it shares with others."""

    def __init__(self) -> None:
        self.policy = self._parent()
        self.policy.add_argument("--policy", required=True, help="policy document (JSON)")
        self.tickets = self._parent()
        self.tickets.add_argument("tickets", metavar="TICKETS", help="tickets as JSON Lines, or - for standard input")
        self.at = self._parent()
        self.at.add_argument("--at", metavar="T", help="as of T (RFC 3339 with an offset; default: now)")
        self.threads = self._parent()
        self.threads.add_argument(
            "--threads", type=thread_count, default=0, metavar="N", help="worker threads (default 0: one per core)"
        )
        self.progress = self._parent()
        self.progress.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="a progress bar on standard error (default: when it is a terminal and tqdm is installed)",
        )

    @staticmethod
    def _parent() -> argparse.ArgumentParser:
        return argparse.ArgumentParser(add_help=False)


def _whole_number(text: str, maximum: int, expected: str) -> int:
    """`text` as a whole number from 0 to `maximum`, or an argparse error saying what was `expected`."""
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if re.fullmatch("[0-9]{1,30}", text) is None or int(text) > maximum:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text[:30]!r}")
    return int(text)


def thread_count(text: str) -> int:
    return _whole_number(text, MAX_THREADS, f"a whole number of threads from 0 to {MAX_THREADS} (0: one per core)")


def order_count(text: str) -> int:
    return _whole_number(text, MAX_ORDERS, f"a whole number of orders from 0 to {MAX_ORDERS}")


def instant_of(args: argparse.Namespace) -> dt.datetime:
    """The instant of `--at`, or now."""
    return parse_instant(args.at) if args.at is not None else dt.datetime.now(dt.timezone.utc)


def load(path: Path) -> Policy:
    try:
        return Policy.from_file(path)
    except PolicyError as error:
        # Its problems name JSON paths; say which file they are in.
        raise UsageError(f"{path}: {one_line(str(error))}") from None


def input_name(source: str) -> str:
    """How messages name the input `source`."""
    return "<stdin>" if source == "-" else source


def read_bytes(source: str, what: str) -> bytes:
    """The file `source`, or standard input for -."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        with open(source, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise UsageError(f"{source}: cannot read the {what}: {error.strerror}") from None


@contextlib.contextmanager
def open_input(source: str, what: str) -> Iterator[BinaryIO]:
    """The file `source` open for reading in binary, or standard input for -, for the calls that
    stream it (compute_file, evaluate_file); a UsageError says why it does not open."""
    if source == "-":
        yield sys.stdin.buffer
        return
    try:
        # Opened apart from the reading so that only its own errors say "cannot read".
        stream = open(source, "rb")
    except OSError as error:
        raise UsageError(f"{source}: cannot read the {what}: {error.strerror}") from None
    with stream:
        yield stream


def write_text(path: Path, text: str, what: str) -> None:
    """Writes `text` to the file `path` as UTF-8; a UsageError says why it cannot."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the {what}: {error.strerror}") from None


def file_size(stream: BinaryIO) -> int | None:
    """The size of a regular file; None for a pipe, a terminal, or a stream with no file."""
    try:
        status = os.fstat(stream.fileno())
    except OSError:  # io.UnsupportedOperation (an in-memory stream) is one
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def read_text(source: str, what: str) -> str:
    """The file `source` (- for standard input) as UTF-8 text; a UsageError says where it is not."""
    data = read_bytes(source, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UsageError(f"{input_name(source)}:{line}: not UTF-8 text") from None


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        # The decoder's message gives the line and column, never the text.
        raise UsageError(f"{where}: not JSON: {error}") from None
    except RecursionError:
        # Python's decoder recurses once per level of nesting.
        raise UsageError(f"{where}: nested too deeply") from None


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def aligned(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """`rows` as lines of left-aligned columns."""
    widths = [max(map(len, column)) for column in zip(*rows)]
    return [(indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths))).rstrip() for row in rows]


def table(rows: Sequence[Sequence[str]]) -> str:
    """`rows` as an indented table whose numbers are right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.rjust(w) if i >= 1 and c[:1].isdigit() or c in "-" else c.ljust(w)
                                      for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows)
