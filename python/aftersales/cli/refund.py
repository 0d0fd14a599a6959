"""`aftersales refund`: the policy's decision on one refund request, or on JSON Lines of them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from aftersales import RefundEngine, parse_instant
from aftersales.cli._common import (
    Column,
    FailedLines,
    Options,
    RowWriter,
    UsageError,
    add_format,
    described,
    input_name,
    load,
    one_line,
    parse_json,
    read_bytes,
    read_text,
)
from aftersales.cli._progress import bar


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    refund = commands.add_parser(
        "refund",
        parents=[options.policy, options.threads, options.progress],
        help="decide refund requests (a JSON object, or JSON Lines)",
        **described(
            "Prints the policy's decision on each refund request as JSON. REQUESTS is one request "
            "object (a .json file), or JSON Lines (a .jsonl file, or - for standard input) with one "
            "decision line per request line; a bad line gives {\"line\": N, \"error\": ...} (with "
            "--format table or csv: a line on standard error), the others go on, and the exit "
            "status is 3.",
            "aftersales refund --policy policy.json examples/refunds/double11-socks.json",
            "aftersales refund --policy policy.json requests.jsonl --format table",
            "cat requests.jsonl | aftersales refund --policy policy.json - --format csv > decisions.csv",
        ),
    )
    refund.add_argument("requests", metavar="REQUESTS", help="request.json, requests.jsonl, or - for JSON Lines")
    add_format(refund, "jsonl", "a decision a request; in a table and CSV, its reasons by code")
    refund.set_defaults(run=run)


_COLUMNS = (
    Column("line"),
    Column("eligible"),
    Column("resolution"),
    Column("total"),
    Column("currency"),
    Column("return_shipping", "ships back"),
    Column("fast_refund", "fast"),
    Column("refund_due_by", "due"),
    Column("policy", only="data"),
    Column("reasons"),
)


def run(args: argparse.Namespace) -> None:
    engine = RefundEngine(load(args.policy))
    if args.requests == "-" or args.requests.endswith(".jsonl"):
        # As bytes: a line that is not UTF-8 is one bad line, with its error record.
        requests = read_bytes(args.requests, "requests")
        with bar(args.progress, "line") as progress:
            decisions = engine.check_lines(requests, args.threads, progress=progress)
        failed = FailedLines()
        failed.scan(decisions.encode())
        if args.format == "jsonl":
            sys.stdout.write(decisions)
        else:
            _write(_numbers(requests), decisions, args.format, input_name(args.requests))
        failed.check(args.requests)
        return
    request = parse_json(read_text(args.requests, "requests"), args.requests)
    if not isinstance(request, dict):
        raise UsageError(f"{args.requests}: expected one request object (use a .jsonl file for many)")
    decision = engine.check(request)
    if args.format == "jsonl":
        print(decision.to_json())
    else:
        _write([1], decision.to_json(), args.format, input_name(args.requests))


def _numbers(requests: bytes) -> list[int]:
    """The numbers of the lines check_lines answers, in order: those with more than spaces, tabs and
    carriage returns."""
    return [n for n, line in enumerate(requests.split(b"\n"), start=1) if line.strip(b" \t\r")]


def _write(numbers: list[int], decisions: str, form: str, name: str) -> None:
    """The decisions as rows, each with the number of its request's line."""
    rows = RowWriter(_COLUMNS, form, sys.stdout)
    for number, text in zip(numbers, decisions.splitlines()):
        decision = json.loads(text)
        if "error" in decision:
            print(f"aftersales: {name}:{number}: {one_line(decision['error'])}", file=sys.stderr)
        else:
            rows.add(_row(number, decision))
    rows.close()


def _row(number: int, d: dict[str, Any]) -> tuple[Any, ...]:
    refund = d.get("refund") or {}
    due = d.get("refund_due_by")
    return (number, d["eligible"], d.get("resolution"), refund.get("total"), refund.get("currency"),
            d.get("return_shipping"), d.get("fast_refund"), None if due is None else parse_instant(due),
            d.get("policy"), " ".join(reason["code"] for reason in d.get("reasons", [])))
