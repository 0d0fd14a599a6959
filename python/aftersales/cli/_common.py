"""What the commands share: the options every one of them spells the same way (as argparse
parent parsers), reading the policy and the input files, and the one-line error."""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import json
import os
import re
import stat
import sys
import textwrap
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TextIO

from aftersales import InputError, Policy, PolicyError, format_instant, parse_instant
# The library's rendering of a message on one line, as it folds problem lists; for the commands.
from aftersales._core import one_line as one_line
from aftersales.cli._progress import bar

# The exit statuses (docs/cli.md): 0 success, and
UNEXPECTED = 1  # a bug: not the input's fault
BAD_INPUT = 2  # bad input or usage: nothing, or nothing more, was done
LINES_FAILED = 3  # some input lines failed (their error records are in the output); the others were processed
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
        self.policy.add_argument("--policy", required=True, help="policy document (JSON), or - for standard input")
        self.tickets = self._parent()
        self.tickets.add_argument("tickets", metavar="TICKETS", help="tickets as JSON Lines, or - for standard input")
        self.at = self._parent()
        self.at.add_argument("--at", metavar="T", help="as of T: RFC 3339 with an offset, now, or a date (its "
                             "midnight in the policy's time zone, docs/cli.md); default: now")
        self.threads = self._parent()
        self.threads.add_argument(
            "--threads", type=thread_count, default=0, metavar="N", help="worker threads (default 0: one per core)"
        )
        self.progress = self._parent()
        self.progress.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="a progress bar on standard error (default: when it is a terminal; tqdm's if installed)",
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


def load(path: Path | str) -> Policy:
    """The policy at `path`, or on standard input for -."""
    try:
        return Policy.from_json(read_text("-", "policy")) if str(path) == "-" else Policy.from_file(path)
    except PolicyError as error:
        # Its problems name JSON paths; say which file they are in.
        raise UsageError(f"{input_name(str(path))}: {one_line(str(error))}") from None


# The inputs a command may read from standard input, by attribute, as --help names them.
_STDIN_READERS = {"policy": "--policy", "agents": "--agents", "tickets": "TICKETS", "requests": "REQUESTS",
                  "operations": "--operations"}


def check_standard_input(args: argparse.Namespace) -> None:
    """Standard input is read once: - for two inputs of one command is a UsageError."""
    readers = [name for attribute, name in _STDIN_READERS.items() if str(getattr(args, attribute, "")) == "-"]
    if len(readers) > 1:
        raise UsageError(f"standard input (-) can be one input only, not {' and '.join(readers)}")


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


def table(rows: Sequence[Sequence[str]], signed: bool = False) -> str:
    """`rows` as an indented table whose numbers are right-aligned (with `signed`, negative ones too)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def number(c: str) -> bool:
        return c[:1].isdigit() or signed and c[:1] == "-" and c[1:2].isdigit()

    return "\n".join("  " + "  ".join(c.rjust(w) if i >= 1 and number(c) or c in "-" else c.ljust(w)
                                      for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows)


def described(description: str, *examples: str) -> dict[str, Any]:
    """The keyword arguments of add_parser for `--help`: `description` wrapped as argparse would,
    then an "examples:" section of `examples` (command lines), kept as written."""
    return dict(
        description="\n\n".join(textwrap.fill(paragraph, 88) for paragraph in description.split("\n\n")),
        epilog="examples:\n" + "\n".join(f"  {example}" for example in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


# ---- Instant arguments: RFC 3339, `now`, or a bare date (docs/cli.md, "Instants").


def now() -> dt.datetime:
    """What `now` means: a function of its own so that the tests can set the clock."""
    return dt.datetime.now(dt.timezone.utc)


_BARE_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclasses.dataclass(frozen=True)
class DateZone:
    """The zone a bare date's midnight is read in, and why that one (for the note on stderr)."""

    name: str
    why: str
    said: bool  # whether to say which zone it is: the policy's calendars gave a choice


def date_zone(policy: Policy, time_zone: str | None = None) -> DateZone:
    """The zone bare dates are read in (docs/cli.md) when no calendar was named (`calendar` reads
    them in the calendar asked): the zone named on the command line (kpi's --time-zone); else the
    policy's kpi.timezone; else the zone its calendars share; else the first calendar's by name;
    UTC for a policy without calendars."""
    if time_zone is not None:
        return DateZone(time_zone, "--time-zone", False)
    names = policy.calendar_names
    several = len(names) > 1
    kpi = json.loads(policy.to_json()).get("kpi")
    if isinstance(kpi, dict) and isinstance(kpi.get("timezone"), str):
        return DateZone(kpi["timezone"], "the policy's kpi.timezone", several)
    zones = [policy.calendar(name).time_zone for name in names]
    if not zones:
        return DateZone("UTC", "the policy has no calendar", False)
    if len(set(zones)) == 1:
        return DateZone(zones[0], "the zone of the policy's calendars", several)
    return DateZone(zones[0], f"calendar {names[0]}, the first of calendars in {len(set(zones))} zones", True)


def instant_argument(text: str, option: str, zone: Callable[[], DateZone]) -> dt.datetime:
    """The instant an argument `option` names: `now`, a bare date (midnight in `zone()`, said on
    standard error when the policy gave a choice), or RFC 3339 with an offset."""
    if text == "now":
        return now()
    day = _BARE_DATE.fullmatch(text)
    if day is None:
        try:
            return parse_instant(text)
        except InputError as error:
            raise UsageError(f"{option}: {one_line(str(error))} (or a date such as 2026-11-11, or now)") from None
    chosen = zone()
    try:
        year, month, date = map(int, day.groups())
        midnight = dt.datetime(year, month, date, tzinfo=zoneinfo.ZoneInfo(chosen.name))
    except ValueError:
        raise UsageError(f"{option}: {text} is not a date") from None
    except zoneinfo.ZoneInfoNotFoundError:
        raise UsageError(f"{option}: {text}: unknown time zone {chosen.name!r} ({chosen.why})") from None
    # fold=0: where the clocks skip midnight, the offset before the jump is used, which makes the
    # day's first instant.
    at = midnight.astimezone(dt.timezone.utc)
    if chosen.said:
        print(f"aftersales: {option} {text}: midnight in {chosen.name} ({chosen.why}), {format_instant(at)}",
              file=sys.stderr)
    return at


def at_argument(args: argparse.Namespace, policy: Policy) -> dt.datetime:
    """The instant of `--at` (default: now), a bare date read in the zone of `date_zone` (kpi's
    --time-zone, when it has one, counts as named on the command line)."""
    if args.at is None:
        return now()
    return instant_argument(args.at, "--at", lambda: date_zone(policy, time_zone=getattr(args, "time_zone", None)))


# ---- Tabular output: --format table|jsonl|csv (docs/cli.md, "Output formats").

FORMATS = ("table", "jsonl", "csv")


def add_format(parser: argparse._ActionsContainer, default: str, row: str = "") -> None:
    """--format, whose rows are each `row` (said in --help)."""
    each = f", {row}" if row else ""
    parser.add_argument("--format", choices=FORMATS, default=default,
                        help=f"table (aligned, compact durations), jsonl or csv (a header row; durations in "
                        f"seconds, instants RFC 3339 UTC){each}; default {default}")


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of tabular output. Values are raw (str, int, float, bool, timedelta, datetime or
    None); `kind` says how a table shows them, `show` overrides that for one column."""

    key: str  # the CSV header and the JSON key
    title: str = ""  # the table's heading (default: the key)
    kind: str = "text"  # text, or ratio: a share that a table shows as a percentage
    show: Callable[[Any], str] | None = None
    only: str | None = None  # "table": in tables only; "data": in JSON Lines and CSV only


def _cell(column: Column, value: Any) -> str:
    if column.show is not None:
        return column.show(value)
    if value is None:
        return "-"
    if isinstance(value, dt.timedelta):
        return compact(value)
    if isinstance(value, dt.datetime):
        return format_instant(value)
    if column.kind == "ratio":
        return percent(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _plain(value: Any) -> Any:
    """`value` as JSON and CSV carry it: seconds, RFC 3339 UTC."""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, dt.datetime):
        return format_instant(value)
    return value


def _csv_cell(value: Any) -> Any:
    plain = _plain(value)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return "" if plain is None else plain


def table_cells(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> list[tuple[str, ...]]:
    """The cells a table shows of `rows`: the titles of the columns it shows, then a row a row."""
    shown = [i for i, column in enumerate(columns) if column.only != "data"]
    return [tuple(columns[i].title or columns[i].key for i in shown)] + [
        tuple(_cell(columns[i], row[i]) for i in shown) for row in rows]


def table_lines(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> str:
    """The rows as `table()` lays them out, under the titles of the columns a table shows."""
    return table(table_cells(columns, rows), signed=True)


class RowWriter:
    """Rows written in one of FORMATS as they are added: JSON Lines and CSV stream, a table (aligned)
    is printed by close()."""

    def __init__(self, columns: Sequence[Column], form: str, out: TextIO) -> None:
        self._columns, self._form, self._out = columns, form, out
        self._held: list[Sequence[Any]] = []
        self._data = [i for i, column in enumerate(columns) if column.only != "table"]
        self._keys = [columns[i].key for i in self._data]
        self._csv = csv.writer(out) if form == "csv" else None  # RFC 4180: quoted where needed, CRLF
        if self._csv is not None:
            self._csv.writerow(self._keys)

    def add(self, row: Sequence[Any]) -> None:
        if self._csv is not None:
            self._csv.writerow([_csv_cell(row[i]) for i in self._data])
        elif self._form == "jsonl":
            record = {key: _plain(row[i]) for key, i in zip(self._keys, self._data)}
            self._out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            self._held.append(row)

    def close(self) -> None:
        if self._form == "table":
            print(table_lines(self._columns, self._held), file=self._out)


def write_rows(columns: Sequence[Column], rows: Iterable[Sequence[Any]], form: str, out: TextIO) -> None:
    """Writes the rows in `form`."""
    writer = RowWriter(columns, form, out)
    for row in rows:
        writer.add(row)
    writer.close()


def compact(d: dt.timedelta) -> str:
    """A duration as hours, minutes and seconds (1h30m, -2m5s): hours are not folded into days, as a
    day of business time is not 24 hours long; fractions of a second are dropped."""
    seconds = int(d.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    parts = [(seconds // 3600, "h"), (seconds // 60 % 60, "m"), (seconds % 60, "s")]
    return sign + ("".join(f"{n}{unit}" for n, unit in parts if n) or "0s")


# ---- JSON Lines with error records: exit status 3 (docs/cli.md, "Exit statuses").

_ERROR_RECORD = re.compile(rb'^\{"line":\s*([0-9]+),\s*"error":', re.MULTILINE)


class LinesFailed(Exception):
    """Some input lines failed, the others were processed: exit status 3, this message on stderr."""

    def __init__(self, source: str, failed: int, first: int) -> None:
        super().__init__(f"{input_name(source)}: {failed} line{'' if failed == 1 else 's'} failed "
                         f"(the first: line {first}); the others were processed")


class FailedLines:
    """Counts the error records ({"line": N, "error": ...}) of JSON Lines output."""

    def __init__(self) -> None:
        self.count = 0
        self.first: int | None = None

    def scan(self, text: bytes) -> None:
        """Counts the records that start a line of `text` (whole lines)."""
        if b'{"line":' not in text:  # the usual case, found by a plain search, far faster than the regex
            return
        for record in _ERROR_RECORD.finditer(text):
            self.count += 1
            if self.first is None:
                self.first = int(record.group(1))

    def check(self, source: str) -> None:
        """Raises LinesFailed if any record was seen."""
        if self.first is not None:
            raise LinesFailed(source, self.count, self.first)


# What REQUESTS is, in the --help of the commands that decide requests, after their first sentence.
_REQUESTS_DESCRIBED = (
    "REQUESTS is one request object (a .json file), or JSON Lines (a .jsonl file, or - for standard input) with "
    "one decision line per request line; a bad line gives {\"line\": N, \"error\": ...} (with --format table or "
    "csv: a line on standard error), the others go on, and the exit status is 3."
)


def add_requests_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Options,
    name: str,
    summary: str,
    description: str,
    examples: Sequence[str],
    rows: str,
    run: Callable[[argparse.Namespace], None],
) -> None:
    """The command `name` that decides requests (refund, compensate) with `run`: --policy, --threads,
    --progress, REQUESTS and --format (default jsonl; `rows` says what a row is). Its --help is
    `summary`, then `description` followed by what REQUESTS is, then `examples`."""
    parser = commands.add_parser(
        name,
        parents=[options.policy, options.threads, options.progress],
        help=summary,
        **described(f"{description} {_REQUESTS_DESCRIBED}", *examples),
    )
    parser.add_argument("requests", metavar="REQUESTS", help="request.json, requests.jsonl, or - for JSON Lines")
    add_format(parser, "jsonl", rows)
    parser.set_defaults(run=run)


def run_requests(
    args: argparse.Namespace,
    one: Callable[[dict[str, Any]], Any],
    many: Callable[..., str],
    columns: Sequence[Column],
    row: Callable[[int, dict[str, Any]], tuple[Any, ...]],
) -> None:
    """A command that decides requests (refund, compensate): `args.requests` is one request object
    (a .json file, decided by `one`) or JSON Lines (a .jsonl file or -, decided by `many`, the
    engine's *_lines call); prints the decisions as JSON Lines or as rows made by `row`."""
    if args.requests == "-" or args.requests.endswith(".jsonl"):
        # As bytes: a line that is not UTF-8 is one bad line, with its error record.
        requests = read_bytes(args.requests, "requests")
        with bar(args.progress, "line") as progress:
            decisions = many(requests, args.threads, progress=progress)
        failed = FailedLines()
        failed.scan(decisions.encode())
        if args.format == "jsonl":
            sys.stdout.write(decisions)
        else:
            _write_decisions(_request_lines(requests), decisions, args.format, input_name(args.requests),
                             columns, row)
        failed.check(args.requests)
        return
    request = parse_json(read_text(args.requests, "requests"), args.requests)
    if not isinstance(request, dict):
        raise UsageError(f"{args.requests}: expected one request object (use a .jsonl file for many)")
    decision = one(request)
    if args.format == "jsonl":
        print(decision.to_json())
    else:
        _write_decisions([1], decision.to_json(), args.format, input_name(args.requests), columns, row)


def _request_lines(requests: bytes) -> list[int]:
    """The numbers of the lines a *_lines call answers, in order: those with more than spaces, tabs
    and carriage returns."""
    return [n for n, line in enumerate(requests.split(b"\n"), start=1) if line.strip(b" \t\r")]


def _write_decisions(numbers: list[int], decisions: str, form: str, name: str, columns: Sequence[Column],
                     row: Callable[[int, dict[str, Any]], tuple[Any, ...]]) -> None:
    """The decisions as rows, each with the number of its request's line."""
    rows = RowWriter(columns, form, sys.stdout)
    for number, text in zip(numbers, decisions.splitlines()):
        decision = json.loads(text)
        if "error" in decision:
            print(f"aftersales: {name}:{number}: {one_line(decision['error'])}", file=sys.stderr)
        else:
            rows.add(row(number, decision))
    rows.close()
